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
    assert!(p[0].starts_with("`impl Slot :: fn b` differs"), "{p:?}");
}

/// The one problem `compare` finds in `starter` against the solution.
fn one_problem(starter: &str) -> String {
    let mut p = compare(starter, SOLUTION).unwrap();
    assert_eq!(p.len(), 1, "{p:?}");
    p.remove(0)
}

#[test]
fn anything_else_that_differs_is_named() {
    let p = one_problem(
        &starter().replace("-> u128 {\n    // TODO", "-> u64 {\n    // TODO"),
    );
    assert!(p.starts_with("`fn timed` differs"), "{p}");
    let changed_body = starter().replace(
        "        self.size\n    }\n    pub fn double",
        "        self.size + 1\n    }\n    pub fn double",
    );
    assert_eq!(
        one_problem(&changed_body),
        "`impl Pool :: fn size` differs outside a TODO region (a body or item with `todo!` or a TODO comment)"
    );
    let p = one_problem(&starter().replace("/// Times `f`.", "/// Time `f`."));
    assert!(p.contains("differs outside a TODO region"), "{p}");
    let p = one_problem(&starter().replace("{ size: usize }", "{ size: u8 }"));
    assert!(p.starts_with("`struct Pool` differs"), "{p}");
    assert!(compare("fn (", SOLUTION).is_err());
}

#[test]
fn the_learners_own_helpers_and_module_paths_do_not_count() {
    // A helper function, a helper method, a `#[path]` at another depth: all fine.
    let starter = "#[path = \"../../pool.rs\"]\nmod pool;\npub struct S(u8);\nimpl S {\n    pub fn get(&self) -> u8 {\n        todo!()\n    }\n}\n";
    let solution = "#[path = \"../../../../exercises/pool.rs\"]\nmod pool;\npub struct S(u8);\nimpl S {\n    pub fn get(&self) -> u8 {\n        self.twice() / 2\n    }\n    fn twice(&self) -> u8 {\n        self.0 * 2\n    }\n}\nfn helper() {}\n";
    assert_eq!(compare(starter, solution).unwrap(), Vec::<String>::new());
    // A struct whose starter says TODO may gain an attribute in the solution.
    let starter = "// TODO: align it to 128 bytes.\npub struct Cell(u64);\n";
    let solution = "#[repr(align(128))]\npub struct Cell(u64);\n";
    assert_eq!(compare(starter, solution).unwrap(), Vec::<String>::new());
    // The solution must still have it.
    let p = compare(starter, "").unwrap();
    assert_eq!(p, ["`struct Cell` is in the starter only"]);
    // Without the TODO, the attribute is a difference.
    let p = compare("pub struct Cell(u64);\n", solution).unwrap();
    assert_eq!(p.len(), 1, "{p:?}");
}
