//! `cargo course starters`: each starter (`exercises/.../src/*.rs`) may differ from its solution
//! only inside its TODO regions, the bodies of the functions the starter leaves to the learner
//! (those that contain `todo!`). Everything else, signatures, types, documentation, helpers,
//! tests, must be the same, so that a fix to one is never forgotten in the other.
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

use crate::project::{Exercise, Project};
use anyhow::{Context, Result, bail};
use quote::ToTokens;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};

/// Whether the starter's source between two spans' lines holds a TODO: a `todo!` or a `TODO`
/// comment (comments are not in the syntax tree, so the text is read by line numbers).
fn has_todo(lines: &[&str], span: proc_macro2::Span) -> bool {
    let (first, last) = (span.start().line, span.end().line);
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

/// A short name for an item, for messages: `fn timed`, `struct Pool`, `impl Pool`, `use ...`.
fn describe(item: &syn::Item) -> String {
    let tokens = item.to_token_stream().to_string();
    let head: String = tokens
        .split(['{', ';', '='])
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(80)
        .collect();
    head.trim_start_matches("# [doc = ")
        .split("] ")
        .last()
        .unwrap_or(&head)
        .to_string()
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
        items
            .iter()
            .map(|i| {
                let key = describe(&without_docs(i));
                let k = seen.iter().filter(|s| **s == key).count();
                seen.push(key.clone());
                (format!("{key}#{k}"), i.to_token_stream().to_string())
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
    for (key, _) in &solution {
        if !starter.iter().any(|(k, _)| k == key) {
            problems.push(format!("`{}` is in the solution only", shown(key)));
        }
    }
    Ok(problems)
}

fn rust_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    names.sort();
    names
}

/// The problems of one exercise, each prefixed with the file.
pub fn check_exercise(project: &Project, ex: &Exercise) -> Result<Vec<String>> {
    let starter_src = project.path(ex.starter_dir().join("src"));
    let solution_src = project.path(ex.solution_dir().join("src"));
    let mut problems = Vec::new();
    let starters = rust_files(&starter_src);
    for name in rust_files(&solution_src) {
        if !starters.contains(&name) {
            problems.push(format!(
                "{}/src/{name}: in the solution only",
                ex.solution_dir().display()
            ));
        }
    }
    for name in starters {
        let rel = ex.starter_dir().join("src").join(&name);
        let solution = solution_src.join(&name);
        if !solution.is_file() {
            problems.push(format!("{}: the solution has no src/{name}", rel.display()));
            continue;
        }
        let read =
            |p: &Path| fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
        let found = compare(&read(&starter_src.join(&name))?, &read(&solution)?)
            .with_context(|| format!("in {}", rel.display()))?;
        problems.extend(found.into_iter().map(|p| format!("{}: {p}", rel.display())));
    }
    Ok(problems)
}

/// `cargo course starters [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>) -> Result<()> {
    let chapter = chapter.map(|c| project.chapter(c)).transpose()?;
    let exercises = project.exercises_of(chapter.as_ref())?;
    let mut failed = 0;
    for ex in &exercises {
        let problems = check_exercise(project, ex)?;
        if problems.is_empty() {
            println!(
                "{}: the starter differs from its solution only inside TODO regions",
                ex.short()
            );
        } else {
            failed += 1;
            println!("{}: FAILED", ex.short());
            for p in problems {
                println!("    {p}");
            }
        }
    }
    println!(
        "starters: {} passed, {failed} failed",
        exercises.len() - failed
    );
    if failed > 0 {
        bail!("{failed} starter(s) differ from their solutions outside TODO regions");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "//! A solution.\n\nuse std::time::Instant;\n\n// ANCHOR: solution\n/// Times `f`.\npub fn timed(f: impl FnOnce()) -> u128 {\n    let start = Instant::now();\n    f();\n    start.elapsed().as_nanos()\n}\n\npub struct Pool { size: usize }\n\nimpl Pool {\n    pub fn size(&self) -> usize {\n        self.size\n    }\n    pub fn double(&self) -> usize {\n        2 * self.size\n    }\n}\n// ANCHOR_END: solution\n";

    fn starter() -> String {
        "//! Exercise: replace each todo!().\n#![allow(unused_variables)]\n\nuse std::time::Instant;\n\n// ANCHOR: starter\n/// Times `f`.\npub fn timed(f: impl FnOnce()) -> u128 {\n    // TODO: read the clock, run f.\n    todo!()\n}\n\npub struct Pool { size: usize }\n\nimpl Pool {\n    pub fn size(&self) -> usize {\n        self.size\n    }\n    pub fn double(&self) -> usize {\n        todo!(\"twice the size\")\n    }\n}\n// ANCHOR_END: starter\n".to_string()
    }

    #[test]
    fn bodies_with_todo_comments_anchors_and_file_docs_may_differ() {
        assert_eq!(compare(&starter(), SOLUTION).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn todo_comments_mark_regions_and_use_lines_and_repeated_impls_are_fine() {
        let starter = "use std::io;\n/// A slot.\n// TODO: align it to 128 bytes.\npub struct Slot(u64);\nimpl Drop for Slot {\n    fn drop(&mut self) {\n        // TODO: close, then join.\n    }\n}\nimpl Slot {\n    fn a(&self) -> u64 { todo!() }\n}\nimpl Slot {\n    fn b(&self) -> u64 { self.0 }\n}\n";
        let solution = "use std::io::{self, Read};\n/// A slot, 128-byte aligned.\n#[repr(align(128))]\npub struct Slot(u64);\nimpl Drop for Slot {\n    fn drop(&mut self) {\n        self.0 = 0;\n    }\n}\nimpl Slot {\n    fn a(&self) -> u64 { self.0 }\n}\nimpl Slot {\n    fn b(&self) -> u64 { self.0 }\n}\n";
        assert_eq!(compare(starter, solution).unwrap(), Vec::<String>::new());
        let second_impl_differs =
            solution.replace("fn b(&self) -> u64 { self.0 }", "fn b(&self) -> u64 { 1 }");
        let p = compare(starter, &second_impl_differs).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("`impl Slot` differs"), "{p:?}");
    }

    #[test]
    fn anything_else_that_differs_is_named() {
        let changed_signature =
            starter().replace("-> u128 {\n    // TODO", "-> u64 {\n    // TODO");
        let p = compare(&changed_signature, SOLUTION).unwrap();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].contains("pub fn timed (f : impl FnOnce ()) -> u64` is in the starter only"),
            "{p:?}"
        );

        let changed_body = starter().replace(
            "        self.size\n    }\n    pub fn double",
            "        self.size + 1\n    }\n    pub fn double",
        );
        let p = compare(&changed_body, SOLUTION).unwrap();
        assert_eq!(
            p,
            [
                "`impl Pool` differs outside a TODO region (a body or item with `todo!` or a TODO comment)"
            ]
        );

        let changed_doc = starter().replace("/// Times `f`.", "/// Time `f`.");
        let p = compare(&changed_doc, SOLUTION).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("differs outside a TODO region"), "{p:?}");

        let helper = format!("{SOLUTION}\nfn helper() {{}}\n");
        let p = compare(&starter(), &helper).unwrap();
        assert_eq!(p, ["`fn helper ()` is in the solution only"]);

        assert!(compare("fn (", SOLUTION).is_err());
    }
}
