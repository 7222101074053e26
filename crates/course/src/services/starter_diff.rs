//! The check behind `cargo course starters`: each starter (`exercises/.../src/*.rs`) may differ
//! from its solution only inside its TODO regions, the bodies of the functions the starter leaves to the learner
//! (those that contain `todo!`). Everything else the starter gives, signatures, types,
//! documentation, helpers, tests, must be the same in the solution, so that a fix to one is
//! never forgotten in the other. The solution may have items of its own (a helper function, a
//! helper method in an `impl`): those are what a learner adds too.
//!
//! Why a check and not starters generated from marked regions of the solutions: a starter's
//! TODO bodies are written for the learner (a `// TODO:` that says what to do, sometimes a
//! scaffold), and the solution's bodies are the answer; neither is derivable from the other, so
//! generating would mean keeping both texts, marked, in one file that is then neither a clean
//! solution nor a clean starter. The check keeps both files plain Rust and compares them as
//! syntax (comments and formatting aside), which is what "near-copies" means.
//!
//! Files are compared as parsed by `syn`: plain comments (ANCHOR lines included) and the file's
//! inner attributes and `//!` docs (a starter's `#![allow(...)]`, its "Replace each todo!()"
//! header) do not count; doc comments on items do.

use anyhow::{Context, Result};
use quote::ToTokens;
use std::collections::BTreeSet;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};

/// Whether the starter's source between two spans' lines holds a TODO: a `todo!` or a `TODO`
/// comment (comments are not in the syntax tree, so the text is read by line numbers).
fn has_todo(lines: &[&str], span: proc_macro2::Span) -> bool {
    let (mut first, last) = (span.start().line, span.end().line);
    // The comment lines just above an item belong to it (`// TODO: align it`).
    while first > 1
        && lines
            .get(first - 2)
            .is_some_and(|l| l.trim_start().starts_with("//"))
    {
        first -= 1;
    }
    lines
        .get(first.saturating_sub(1)..last.min(lines.len()))
        .is_some_and(|l| l.iter().any(|l| l.contains("TODO") || l.contains("todo!")))
}

/// Blanks the TODO regions. In the starter (`lines` given) it finds them, function bodies and
/// other items whose text holds a TODO, and records their names; in the solution it blanks the
/// recorded ones.
struct Blank<'a> {
    /// `Type::method`, `function` or an item's description, for each TODO region.
    regions: &'a mut BTreeSet<String>,
    /// The starter's lines when recording; `None` when applying to the solution.
    lines: Option<Vec<&'a str>>,
    /// The `impl` or `trait` being visited, for method names.
    owner: Option<String>,
}

impl Blank<'_> {
    fn region(&mut self, name: String, span: proc_macro2::Span) -> bool {
        match &self.lines {
            Some(lines) if has_todo(lines, span) => {
                self.regions.insert(name);
                true
            }
            Some(_) => false,
            None => self.regions.contains(&name),
        }
    }

    fn body(&mut self, ident: &syn::Ident, block: &mut syn::Block) {
        let name = match &self.owner {
            Some(owner) => format!("{owner}::{ident}"),
            None => ident.to_string(),
        };
        if self.region(name, block.brace_token.span.join()) {
            *block = syn::parse_quote!({});
        }
    }
}

impl VisitMut for Blank<'_> {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        file.attrs.clear();
        // `use` lines may differ: the learner adds what their code needs.
        file.items.retain(|i| !matches!(i, syn::Item::Use(_)));
        for item in &mut file.items {
            let whole = matches!(
                item,
                syn::Item::Struct(_)
                    | syn::Item::Enum(_)
                    | syn::Item::Const(_)
                    | syn::Item::Static(_)
                    | syn::Item::Type(_)
            );
            if whole && self.region(describe(&without_docs(item)), item.span()) {
                *item = syn::Item::Verbatim(quote::quote!(todo_region!();));
            }
        }
        visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
        self.body(&f.sig.ident, &mut f.block);
        visit_mut::visit_item_fn_mut(self, f);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let outer = self.owner.replace(i.self_ty.to_token_stream().to_string());
        visit_mut::visit_item_impl_mut(self, i);
        self.owner = outer;
    }

    fn visit_item_trait_mut(&mut self, t: &mut syn::ItemTrait) {
        let outer = self.owner.replace(t.ident.to_string());
        visit_mut::visit_item_trait_mut(self, t);
        self.owner = outer;
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        self.body(&f.sig.ident, &mut f.block);
        visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_trait_item_fn_mut(&mut self, f: &mut syn::TraitItemFn) {
        if let Some(block) = &mut f.default {
            let ident = f.sig.ident.clone();
            self.body(&ident, block);
        }
        visit_mut::visit_trait_item_fn_mut(self, f);
    }
}

/// A short name for an item, for messages and for pairing the items of the two files: `fn
/// timed`, `struct Pool`, `impl Pool`, `impl Drop for Pool`, `mod pool`. Attributes do not count,
/// so a struct the learner must annotate (`#[repr(align(128))]`) is still the same item.
fn describe(item: &syn::Item) -> String {
    use syn::Item;
    let named = |kind: &str, ident: &syn::Ident| format!("{kind} {ident}");
    match item {
        Item::Fn(f) => named("fn", &f.sig.ident),
        Item::Struct(i) => named("struct", &i.ident),
        Item::Enum(i) => named("enum", &i.ident),
        Item::Union(i) => named("union", &i.ident),
        Item::Const(i) => named("const", &i.ident),
        Item::Static(i) => named("static", &i.ident),
        Item::Type(i) => named("type", &i.ident),
        Item::Trait(i) => named("trait", &i.ident),
        Item::Mod(i) => named("mod", &i.ident),
        Item::Macro(m) => format!(
            "{}!{}",
            m.mac.path.to_token_stream(),
            m.ident
                .as_ref()
                .map(|i| format!(" {i}"))
                .unwrap_or_default()
        ),
        Item::Impl(i) => match &i.trait_ {
            Some((_, path, _)) => format!(
                "impl {} for {}",
                path.to_token_stream(),
                i.self_ty.to_token_stream()
            ),
            None => format!("impl {}", i.self_ty.to_token_stream()),
        },
        other => first_80(other),
    }
}

/// The first 80 characters of an item's tokens: the name of an item that has no name.
fn first_80(item: &impl ToTokens) -> String {
    item.to_token_stream()
        .to_string()
        .chars()
        .take(80)
        .collect()
}

/// The name of a member of an `impl`, to pair it with its counterpart.
fn describe_member(member: &syn::ImplItem) -> String {
    match member {
        syn::ImplItem::Fn(f) => format!("fn {}", f.sig.ident),
        syn::ImplItem::Const(c) => format!("const {}", c.ident),
        syn::ImplItem::Type(t) => format!("type {}", t.ident),
        other => first_80(other),
    }
}

/// An item's entries for the comparison, each a key and the item's tokens: an `impl` gives one
/// entry for its header and one per member, so that a solution may add a helper method to an
/// `impl` without its other methods counting as changed. A `#[path]` on a `mod` does not count:
/// the two files sit at different depths.
fn entries(item: &syn::Item) -> Vec<(String, String)> {
    let key = describe(&without_docs(item));
    let mut item = item.clone();
    if let syn::Item::Mod(m) = &mut item {
        m.attrs.retain(|a| !a.path().is_ident("path"));
    }
    match item {
        syn::Item::Impl(mut imp) => {
            let members = std::mem::take(&mut imp.items);
            let mut out = vec![(key.clone(), imp.to_token_stream().to_string())];
            out.extend(members.iter().map(|m| {
                (
                    format!("{key} :: {}", describe_member(m)),
                    m.to_token_stream().to_string(),
                )
            }));
            out
        }
        other => vec![(key, other.to_token_stream().to_string())],
    }
}

fn without_docs(item: &syn::Item) -> syn::Item {
    let mut item = item.clone();
    struct NoDocs;
    impl VisitMut for NoDocs {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
            attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
    NoDocs.visit_item_mut(&mut item);
    item
}

/// The differences between a starter and its solution outside the TODO regions, one line each
/// (empty: they agree). `Err` if either does not parse.
pub fn compare(starter: &str, solution: &str) -> Result<Vec<String>> {
    let lines: Vec<&str> = starter.lines().collect();
    let mut starter: syn::File = syn::parse_file(starter).context("parsing the starter")?;
    let mut solution: syn::File = syn::parse_file(solution).context("parsing the solution")?;
    let mut regions = BTreeSet::new();
    Blank {
        regions: &mut regions,
        lines: Some(lines),
        owner: None,
    }
    .visit_file_mut(&mut starter);
    Blank {
        regions: &mut regions,
        lines: None,
        owner: None,
    }
    .visit_file_mut(&mut solution);
    // Items are paired by description, the k-th `impl Pool` of one with the k-th of the other.
    let keyed = |items: &[syn::Item]| -> Vec<(String, String)> {
        let mut seen: Vec<String> = Vec::new();
        let mut headers: BTreeSet<String> = BTreeSet::new();
        let mut seen_header = |key: &str| !headers.insert(key.to_string());
        items
            .iter()
            .flat_map(entries)
            // Two `impl Pool` blocks in one file and one in the other are the same `impl`:
            // its members are paired by name, its header is compared once.
            .filter(|(key, _)| {
                !(key.starts_with("impl ") && !key.contains(" :: ") && seen_header(key))
            })
            .map(|(key, tokens)| {
                let k = seen.iter().filter(|s| **s == key).count();
                seen.push(key.clone());
                (format!("{key}#{k}"), tokens)
            })
            .collect()
    };
    let (starter, solution) = (keyed(&starter.items), keyed(&solution.items));
    let shown = |k: &str| k.rsplit_once('#').map_or(k, |(name, _)| name).to_string();
    let mut problems = Vec::new();
    for (key, tokens) in &starter {
        match solution.iter().find(|(k, _)| k == key) {
            None => problems.push(format!("`{}` is in the starter only", shown(key))),
            Some((_, other)) if other != tokens => problems.push(format!(
                "`{}` differs outside a TODO region (a body or item with `todo!` or a TODO comment)",
                shown(key)
            )),
            Some(_) => {}
        }
    }
    // Items in the solution only are the learner's own: helpers the answer needed.
    Ok(problems)
}

#[cfg(test)]
mod tests;
