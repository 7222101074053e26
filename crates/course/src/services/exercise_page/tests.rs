use super::*;
use indoc::indoc;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn git(root: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

const LIB: &str = indoc! {"
    //! Exercise 1.
    #![allow(dead_code)]

    // ANCHOR: starter
    /// Adds.
    pub fn add(a: u64, b: u64) -> u64 {
        // TODO: add them.
        todo!()
    }
    // ANCHOR_END: starter
"};

fn fixture(root: &Path) {
    let ex = "exercises/ch01-sequential/ex01-add";
    write(
        root,
        &format!("{ex}/README.md"),
        "# Exercise 1: add\n\nWrite `add`.\n",
    );
    write(root, &format!("{ex}/src/lib.rs"), LIB);
    write(
        root,
        &format!("{ex}/hints.md"),
        indoc! {"
            ## Hint 1

            The operator is `+`.

            ## Hint 2

            `a + b`.
        "},
    );
}

#[test]
fn the_directive_renders_task_starter_commands_and_the_first_hint() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let published = Published::new(dir.path());
    let (page, problems) = expand(
        "## Exercise 1\n\n{{#exercise ch01-ex01}}\n\nAfter.\n",
        &published,
        Path::new("p.md"),
    );
    assert!(problems.is_empty(), "{problems:?}");
    let expected = indoc! {"
        ## Exercise 1

        Write `add`.

        The starter, `exercises/ch01-sequential/ex01-add/src/lib.rs`:

        ```rust,ignore
        /// Adds.
        pub fn add(a: u64, b: u64) -> u64 {
            // TODO: add them.
            todo!()
        }
        ```

        Write your code there. `cargo course check ch01-ex01` runs its tests and says what to do next (or, in `exercises/`, `cargo test -p ch01-ex01-add`).

        <details>
        <summary>Hint 1 of 2</summary>

        The operator is `+`.

        </details>

        The next hints, one at a time: `cargo course hint ch01-ex01`.

        After.
    "};
    assert_eq!(page, expected);
    assert!(!page.contains("`a + b`"), "only the first hint");

    let (_, problems) = expand(
        "{{#exercise ch01-ex09}}\n\\{{#exercise x}}\n",
        &published,
        Path::new("p.md"),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 1);
    assert!(
        problems[0]
            .message
            .contains("no folder exercises/ch01-sequential/ex09-*"),
        "{problems:?}"
    );
}

#[test]
fn the_book_shows_the_committed_starter_whatever_the_learner_did() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "published"]);
    let published = Published::new(root);
    let before = render(&published, "ch01-ex01").unwrap();
    // The learner solves the exercise, deletes the anchors and the README.
    let ex = root.join("exercises/ch01-sequential/ex01-add");
    fs::write(
        ex.join("src/lib.rs"),
        "pub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n",
    )
    .unwrap();
    fs::remove_file(ex.join("README.md")).unwrap();
    assert_eq!(render(&published, "ch01-ex01").unwrap(), before);
    assert!(before.contains("todo!()"), "{before}");
}
