use super::*;

const SRC: &str = "fn a() {}\n// ANCHOR: main\nfn main() {}\n// ANCHOR_END: main\n// ANCHOR: open\nfn b() {}\n";

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("code.rs"), SRC).unwrap();
    fs::write(dir.path().join("part.md"), "{{#include missing.rs}}\n").unwrap();
    dir
}

fn check(content: &str) -> Vec<Problem> {
    let dir = fixture();
    check_page(content, dir.path(), Path::new("page.md"))
}

#[test]
fn paths_are_normalized() {
    assert_eq!(
        normalize(Path::new("/r/book/ch/../../crates/./x.rs")),
        Path::new("/r/crates/x.rs")
    );
}

#[test]
fn good_includes_pass() {
    let page = "text\n{{#include code.rs}}\n{{#include code.rs:main}}\n{{#rustdoc_include code.rs:main}}\n{{#include code.rs:2:3}}\n{{#include code.rs::3}}\n{{#include code.rs:2:}}\n{{#title T}}\n";
    assert_eq!(check(page), []);
}

#[test]
fn missing_file_names_page_line_and_include() {
    let problems = check("a\n\nb {{#include nope.rs:main}}\n");
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert_eq!((p.page.as_path(), p.line), (Path::new("page.md"), 3));
    assert_eq!(p.directive, "{{#include nope.rs:main}}");
    let shown = p.to_string();
    assert!(
        shown.starts_with("page.md:3: {{#include nope.rs:main}}: no such file: /"),
        "{shown}"
    );
    assert!(shown.ends_with("/nope.rs"), "{shown}");
}

#[test]
fn missing_anchor_lists_the_known_ones() {
    let problems = check("{{#include code.rs:mian}}\n");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("no `ANCHOR: mian`"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].message.contains("main, open"),
        "{}",
        problems[0]
    );
    let problems = check("{{#rustdoc_include code.rs:nothing}}\n");
    assert_eq!(problems.len(), 1);
}

#[test]
fn anchor_without_end_fails() {
    let problems = check("{{#include code.rs:open}}\n");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .message
            .contains("no matching `ANCHOR_END: open`"),
        "{}",
        problems[0]
    );
}

#[test]
fn end_before_start_fails() {
    assert!(anchor_problem("// ANCHOR_END: x\n// ANCHOR: x\n", "x").is_some());
    assert_eq!(anchor_problem("# ANCHOR: x\n# ANCHOR_END: x\n", "x"), None);
    // A longer name is not the anchor.
    assert!(anchor_problem("// ANCHOR: x_y\n// ANCHOR_END: x_y\n", "x").is_some());
}

#[test]
fn line_ranges_are_checked_against_the_file_length() {
    assert_eq!(check("{{#include code.rs:3:10}}"), []);
    let problems = check("{{#include code.rs:40:50}}");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("has 6 lines"),
        "{}",
        problems[0]
    );
}

#[test]
fn escaped_directives_are_ignored_and_unknown_ones_reported() {
    assert_eq!(check("\\{{#include nope.rs}}\n"), []);
    let problems = check("{{#inlcude code.rs}}\n");
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("unknown directive"),
        "{}",
        problems[0]
    );
}

#[test]
fn included_markdown_is_checked_too() {
    let problems = check("{{#include part.md}}\n");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].page.ends_with("part.md"));
    assert!(problems[0].directive.contains("missing.rs"));
}

#[test]
fn leftovers_are_found_but_escapes_are_not() {
    let page = "ok\nsee {{#include x.rs}} here\n";
    let problems = leftovers(page, Path::new("p.md"));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 2);
    assert_eq!(problems[0].directive, "see {{#include x.rs}} here");

    let escaped = hide_escapes("write \\{{#include file.rs}} to include");
    assert_eq!(leftovers(&escaped, Path::new("p.md")), []);
    assert_eq!(
        restore_escapes(&escaped),
        "write {{#include file.rs}} to include"
    );
}
