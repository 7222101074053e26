//! The book builds, and a broken include fails the build with a message that names it.

use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const BOOK_TOML: &str = "[book]\ntitle = \"fixture\"\nsrc = \"book\"\n[build]\nbuild-dir = \"target/book\"\ncreate-missing = false\n[rust]\nedition = \"2024\"\n";

/// A small book shaped like the real one: a chapter page including crate code by anchor, a
/// generated numbers file included inline, an inline std-only snippet and an escaped directive.
fn fixture_book(root: &Path) {
    write(root, "book.toml", BOOK_TOML);
    write(
        root,
        "book/SUMMARY.md",
        "# Summary\n\n[Introduction](introduction.md)\n\n- [Sequential](ch01-sequential/index.md)\n- [Later]()\n",
    );
    write(
        root,
        "book/introduction.md",
        "# Introduction\n\nThe sequential run took {{#include bench/ch01-sequential.txt:tutorial_sequential_median}} on this machine.\n\n```rust\nassert_eq!(1 + 1, 2);\n```\n\nWrite \\{{#include file.rs:anchor}} to include code.\n",
    );
    write(
        root,
        "book/bench/ch01-sequential.txt",
        "// ANCHOR: tutorial_sequential_median\n38.2 ms\n// ANCHOR_END: tutorial_sequential_median\n",
    );
    write(
        root,
        "book/ch01-sequential/index.md",
        "# Sequential\n\n```rust,ignore\n{{#include ../../crates/ch01-sequential/src/lib.rs:cpu_bound}}\n```\n",
    );
    write(
        root,
        "crates/ch01-sequential/src/lib.rs",
        "use rayon::prelude::*;\n// ANCHOR: cpu_bound\npub fn cpu_bound(n: u64) -> u64 { (0..n).sum() }\n// ANCHOR_END: cpu_bound\n",
    );
}

#[test]
fn the_exercise_directive_renders_and_a_broken_one_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture_book(root);
    write(
        root,
        "book/SUMMARY.md",
        "# Summary\n\n- [Sequential](ch01-sequential/index.md)\n  - [Exercises](ch01-sequential/exercises.md)\n",
    );
    write(
        root,
        "book/ch01-sequential/exercises.md",
        "# Exercises\n\n## Exercise 1: add\n\n{{#exercise ch01-ex01}}\n",
    );
    let ex = "exercises/ch01-sequential/ex01-add";
    write(
        root,
        &format!("{ex}/README.md"),
        "# Exercise 1: add\n\nWrite `add`.\n",
    );
    write(
        root,
        &format!("{ex}/src/lib.rs"),
        "// ANCHOR: starter\npub fn add(a: u64, b: u64) -> u64 {\n    todo!()\n}\n// ANCHOR_END: starter\n",
    );
    write(root, &format!("{ex}/hints.md"), "## Hint 1\n\nUse `+`.\n");
    let dest = root.join("out");
    course::services::book::build_book(root, Some(&dest), false)
        .expect("the book builds");
    let page =
        fs::read_to_string(dest.join("ch01-sequential/exercises.html")).unwrap();
    for wanted in [
        "Write <code>add</code>.",
        "pub fn add",
        "cargo course check ch01-ex01",
        "Use <code>+</code>.",
    ] {
        assert!(page.contains(wanted), "{wanted:?} missing in:\n{page}");
    }

    write(
        root,
        "book/ch01-sequential/exercises.md",
        "# Exercises\n\n{{#exercise ch01-ex02}}\n",
    );
    let err = format!(
        "{:#}",
        course::services::book::build_book(root, Some(&dest), false).unwrap_err()
    );
    assert!(err.contains("broken exercise directive"), "{err}");
    assert!(
        err.contains("book/ch01-sequential/exercises.md:3: {{#exercise ch01-ex02}}: no folder exercises/ch01-sequential/ex02-*"),
        "{err}"
    );
}

#[test]
fn fixture_book_builds_with_inline_numbers_and_escapes() {
    let dir = tempfile::tempdir().unwrap();
    fixture_book(dir.path());
    let dest = dir.path().join("out");
    course::services::book::build_book(dir.path(), Some(&dest), true)
        .expect("the fixture book builds");
    let intro = fs::read_to_string(dest.join("introduction.html")).unwrap();
    // An anchored include of a generated number stays inside its paragraph.
    assert!(
        intro.contains("<p>The sequential run took 38.2 ms on this machine.</p>"),
        "{intro}"
    );
    assert!(
        intro.contains("Write {{#include file.rs:anchor}} to include code."),
        "{intro}"
    );
    let chapter =
        fs::read_to_string(dest.join("ch01-sequential/index.html")).unwrap();
    assert!(chapter.contains("pub fn cpu_bound"), "{chapter}");
    assert!(!chapter.contains("ANCHOR"), "{chapter}");
    assert!(
        dest.join("searchindex.js").exists()
            || fs::read_dir(&dest).unwrap().any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("searchindex")
            }),
        "the book has a search index"
    );
}

#[test]
fn broken_include_fails_the_build_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    fixture_book(dir.path());
    write(
        dir.path(),
        "book/ch01-sequential/index.md",
        "# Sequential\n\ntext\n\n```rust,ignore\n{{#include ../../crates/ch01-sequential/src/lib.rs:cpu_bond}}\n```\n\n{{#include ../../crates/ch01-sequential/src/gone.rs}}\n",
    );
    let err = course::services::book::build_book(
        dir.path(),
        Some(&dir.path().join("out")),
        false,
    )
    .expect_err("a broken include must fail the build");
    let msg = format!("{err:#}");
    assert!(msg.contains("2 broken includes"), "{msg}");
    assert!(
        msg.contains("book/ch01-sequential/index.md:6: {{#include ../../crates/ch01-sequential/src/lib.rs:cpu_bond}}: no `ANCHOR: cpu_bond`"),
        "{msg}"
    );
    assert!(msg.contains("(anchors in the file: cpu_bound)"), "{msg}");
    assert!(
        msg.contains("book/ch01-sequential/index.md:9: {{#include ../../crates/ch01-sequential/src/gone.rs}}: no such file: crates/ch01-sequential/src/gone.rs"),
        "{msg}"
    );
}

#[test]
fn failing_inline_snippet_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    fixture_book(dir.path());
    write(
        dir.path(),
        "book/ch01-sequential/index.md",
        "# Sequential\n\n```rust\nlet x: u32 = \"not a number\";\n```\n",
    );
    let out = dir.path().join("out");
    course::services::book::build_book(dir.path(), Some(&out), false)
        .expect("builds without the rustdoc step");
    let err = course::services::book::build_book(dir.path(), Some(&out), true)
        .expect_err("a snippet that does not compile must fail the build");
    assert!(format!("{err:#}").contains("rustdoc"), "{err:#}");
}

/// The real book of this repository, with the rustdoc step.
#[test]
fn the_real_book_builds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    eprintln!("building the real book into {}", dir.path().display());
    course::services::book::build_book(&root, Some(dir.path()), true)
        .expect("the book builds");
    assert!(dir.path().join("index.html").exists());
}
