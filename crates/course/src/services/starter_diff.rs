//! The check behind `cargo course starters`: each starter (`exercises/.../src/*.rs`) may differ
//! from its solution only inside its TODO regions, the bodies of the functions the starter leaves
//! to the learner (those that contain `todo!`). Everything else the starter gives, signatures,
//! types, documentation, helpers, tests, must be the same in the solution, so that a fix to one is
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
//! Files are compared as parsed by `syn`, item by item: plain comments (ANCHOR lines included)
//! and the file's inner attributes and `//!` docs (a starter's `#![allow(...)]`, its "Replace each
//! todo!()" header) do not count; doc comments on items do. The members of an `impl`, a `trait` or
//! an inline `mod` are items of their own, so the same comparison applies at every depth.

use anyhow::{Context, Result};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::Item;
use syn::spanned::Spanned;

/// Whether the starter's lines of `span`, or the comment lines just above them (`// TODO: align
/// it`), hold a `todo!` or a `TODO` (comments are not in the syntax tree: the text is read by
/// line numbers).
fn has_todo(lines: &[&str], span: Span) -> bool {
    let last = span.end().line.min(lines.len());
    let mut first = span.start().line.saturating_sub(1).min(last);
    while first > 0 && lines[first - 1].trim_start().starts_with("//") {
        first -= 1;
    }
    lines[first..last]
        .iter()
        .any(|l| l.contains("TODO") || l.contains("todo!"))
}

/// An item's name, to pair it with its counterpart and to name it in messages: its tokens before
/// its body, `(`, `=` or `;`, without attributes (docs included) and visibility: `fn timed`,
/// `struct Pool`, `impl Drop for Pool`, `mod pool`, `thread_local !`. So a struct the learner must
/// annotate (`#[repr(align(128))]`) is still the same item.
fn name(item: &Item) -> String {
    let mut tokens = item.to_token_stream().into_iter().peekable();
    let mut name = TokenStream::new();
    while let Some(token) = tokens.next() {
        match &token {
            TokenTree::Punct(p) if p.as_char() == '#' => drop(tokens.next()),
            TokenTree::Ident(i) if i == "pub" => drop(tokens.next_if(
                |t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis),
            )),
            TokenTree::Group(g) if g.delimiter() != Delimiter::Bracket => break,
            TokenTree::Punct(p) if matches!(p.as_char(), '=' | ';') => break,
            _ => name.extend([token]),
        }
    }
    name.to_string()
}

/// Adds the items to compare to `out`, each under its name with `prefix`: an `impl`, a `trait` or
/// an inline `mod` as its header, then each member apart (`impl Pool :: fn size`), so that a
/// solution may add a helper method without the others counting as changed. `use` lines do not
/// count (the learner adds what their code needs), nor a `#[path]` on a `mod` (the two files sit
/// at different depths).
fn entries(prefix: &str, items: Vec<Item>, out: &mut Vec<(String, Item)>) {
    // A member of an `impl` or a `trait` parses as an item (a `fn` without a body as verbatim).
    let as_item = |member: &dyn ToTokens| {
        let tokens = member.to_token_stream();
        syn::parse2(tokens.clone()).unwrap_or(Item::Verbatim(tokens))
    };
    for mut item in items {
        let members: Vec<Item> = match &mut item {
            Item::Use(_) => continue,
            Item::Impl(i) => i.items.drain(..).map(|m| as_item(&m)).collect(),
            Item::Trait(t) => t.items.drain(..).map(|m| as_item(&m)).collect(),
            Item::Mod(m) => {
                m.attrs.retain(|a| !a.path().is_ident("path"));
                m.content
                    .as_mut()
                    .map_or(vec![], |(_, items)| std::mem::take(items))
            }
            _ => vec![],
        };
        let key = format!("{prefix}{}", name(&item));
        out.push((key.clone(), item));
        entries(&format!("{key} :: "), members, out);
    }
}

/// The differences between a starter and its solution outside the TODO regions, one line each
/// (empty: they agree). `Err` if either does not parse.
pub fn compare(starter: &str, solution: &str) -> Result<Vec<String>> {
    let lines: Vec<&str> = starter.lines().collect();
    let parse = |text, which| {
        syn::parse_file(text).with_context(|| format!("parsing the {which}"))
    };
    let (mut starter_items, mut solution_items) = (Vec::new(), Vec::new());
    entries("", parse(starter, "starter")?.items, &mut starter_items);
    entries("", parse(solution, "solution")?.items, &mut solution_items);
    let mut problems = Vec::new();
    for (key, item) in &starter_items {
        // The TODO regions: the body of a function whose body holds a TODO; a type, constant or
        // static whose text holds one, as a whole.
        let region = match item {
            Item::Fn(f) => has_todo(&lines, f.block.span()),
            Item::Struct(_)
            | Item::Enum(_)
            | Item::Const(_)
            | Item::Static(_)
            | Item::Type(_) => has_todo(&lines, item.span()),
            _ => false,
        };
        let outside_regions = |item: &Item| match item {
            _ if !region => item.to_token_stream().to_string(),
            Item::Fn(f) => {
                let mut f = f.clone();
                f.block.stmts.clear();
                f.to_token_stream().to_string()
            }
            _ => String::new(),
        };
        // Items of the same name (two `impl Pool` blocks) agree if any pair does.
        let mut same_name =
            solution_items.iter().filter(|(k, _)| k == key).peekable();
        if same_name.peek().is_none() {
            problems.push(format!("`{key}` is in the starter only"));
        } else if !same_name
            .any(|(_, other)| outside_regions(other) == outside_regions(item))
        {
            problems.push(format!(
                "`{key}` differs outside a TODO region (a body or item with `todo!` or a TODO comment)"
            ));
        }
    }
    // Items in the solution only are the learner's own: helpers the answer needed.
    Ok(problems)
}

#[cfg(test)]
mod tests;
