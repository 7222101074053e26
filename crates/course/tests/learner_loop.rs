//! The learner's loop end to end, through the real binary, on a tiny fixture project in a
//! temporary folder (so that the progress file goes under the fixture's `target/`, and the
//! nested builds take seconds): `check` on a failing, a passing, a broken and a hanging exercise;
//! `hint` one at a time; `list` with the recorded progress.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const STARTER: &str = "pub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n\npub fn mul(a: u64, b: u64) -> u64 {\n    todo!(\"multiply {a} by {b}\")\n}\n";

/// One chapter with two exercises: ex01 (one test passes, one fails on the starter) and ex02
/// (its test hangs; it has no hints.md).
fn fixture(root: &Path) {
    write(
        root,
        "book/SUMMARY.md",
        "# Summary\n\n- [Sequential: the fixture](ch01-sequential/index.md)\n- [Later]()\n",
    );
    write(root, "book/ch01-sequential/index.md", "# Sequential\n");
    write(
        root,
        "exercises/Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"ch*/ex*\"]\n",
    );
    let ex01 = "exercises/ch01-sequential/ex01-add";
    write(
        root,
        &format!("{ex01}/Cargo.toml"),
        "[package]\nname = \"ch01-ex01-add\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(root, &format!("{ex01}/src/lib.rs"), STARTER);
    write(
        root,
        &format!("{ex01}/tests/spec.rs"),
        "use ch01_ex01_add::{add, mul};\n\n#[test]\nfn adds() {\n    assert_eq!(add(2, 3), 5);\n}\n\n#[test]\nfn multiplies() {\n    assert_eq!(mul(2, 3), 6);\n}\n",
    );
    write(
        root,
        &format!("{ex01}/README.md"),
        "# Exercise 1: add and multiply\n\nWrite `mul`.\n",
    );
    write(
        root,
        &format!("{ex01}/hints.md"),
        "## Hint 1\n\nThe operator is `*`.\n\n## Hint 2\n\n`a * b`.\n",
    );
    let ex02 = "exercises/ch01-sequential/ex02-hang";
    write(
        root,
        &format!("{ex02}/Cargo.toml"),
        "[package]\nname = \"ch01-ex02-hang\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(
        root,
        &format!("{ex02}/src/lib.rs"),
        "pub fn wait_forever() {\n    std::thread::sleep(std::time::Duration::from_secs(600));\n}\n",
    );
    write(
        root,
        &format!("{ex02}/tests/spec.rs"),
        "#[test]\nfn returns() {\n    ch01_ex02_hang::wait_forever();\n}\n",
    );
    write(
        root,
        &format!("{ex02}/README.md"),
        "# Exercise 2: stop waiting\n",
    );
}

fn course(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the course binary runs");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.code(), text)
}

fn progress(root: &Path) -> serde_json::Value {
    let text = fs::read_to_string(root.join("target/course/progress.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "missing {w:?} in:\n{text}");
    }
}

#[test]
fn check_reports_failing_passing_and_broken_code_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let lib = root.join("exercises/ch01-sequential/ex01-add/src/lib.rs");

    // The starter: one test passes, one fails.
    let (code, out) = course(root, &["check", "ch01-ex01"]);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "running the tests of ch01-ex01-add",
            "ch01-ex01-add: 1 of 2 tests pass.",
            "First failing test: multiplies (panicked at ch01-sequential/ex01-add/src/lib.rs:6:5)",
            "not yet implemented: multiply 2 by 3",
            "The tests, in the spec's order:\n    ok      adds\n    FAILED  multiplies\n",
            "edit exercises/ch01-sequential/ex01-add/src/lib.rs",
            "`cargo course hint ch01-ex01` shows a hint (2 hints left)",
            "(cargo's whole output: target/course/check/ch01-ex01-add.txt",
            "error: ch01-ex01 is not done yet: 1 of 2 tests pass",
        ],
    );
    // Quiet: the summary comes first, with no test output and no backtrace advice or walls.
    for noise in [
        "test adds ... ok",
        "RUST_BACKTRACE",
        "stack backtrace",
        "---- multiplies",
    ] {
        assert!(!out.contains(noise), "{noise:?} in:\n{out}");
    }
    let whole =
        fs::read_to_string(root.join("target/course/check/ch01-ex01-add.txt"))
            .unwrap();
    assert!(whole.contains("test adds ... ok"), "{whole}");
    assert!(
        root.join("exercises/target").is_dir(),
        "built in the learner's own target dir"
    );
    let p = &progress(root)["exercises"]["ch01-ex01-add"];
    assert_eq!(p["status"], "failing");
    assert_eq!(
        (p["passed"].as_u64(), p["total"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(p["checked_at"].as_str().unwrap().ends_with('Z'));

    // Solved without `check` (say, with `cargo test`): `list` sees the change and checks again.
    fs::write(
        &lib,
        STARTER.replace("todo!(\"multiply {a} by {b}\")", "a * b"),
    )
    .unwrap();
    let (code, out) = course(root, &["list"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[
            "checking ch01-ex01 again (changed since its last `cargo course check`)",
            "ch01-ex01  passed     add and multiply",
        ],
    );
    let (_, out) = course(root, &["list"]);
    assert!(!out.contains("checking ch01-ex01 again"), "{out}");

    // Checked: done, and the next exercise is named.
    let (code, out) = course(root, &["check", "ch01-ex01-add"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex01-add: all 2 tests pass. Done!",
            "Next exercise: cargo course check ch01-ex02",
        ],
    );
    assert_eq!(
        progress(root)["exercises"]["ch01-ex01-add"]["status"],
        "passed"
    );

    let (code, out) = course(root, &["list"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[
            "ch01 sequential  Sequential: the fixture",
            "ch01-ex01  passed     add and multiply",
            "ch01-ex02  not tried  stop waiting",
            "progress: 1 of 2 exercises done",
            "next: cargo course check ch01-ex02",
        ],
    );

    // Broken: reported as a compile error with the compiler's first lines.
    fs::write(&lib, STARTER.replace("a + b", "\"a + b\"")).unwrap();
    let (code, out) = course(root, &["check", "ch01-ex01"]);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex01-add does not compile:",
            "error[E0308]: mismatched types",
            "(cargo's whole output: target/course/check/ch01-ex01-add.txt",
            "error: ch01-ex01 is not done yet: does not compile",
        ],
    );
    assert!(!out.contains("\"reason\""), "no JSON shown:\n{out}");
    let whole =
        fs::read_to_string(root.join("target/course/check/ch01-ex01-add.txt"))
            .unwrap();
    assert!(whole.contains("error[E0308]: mismatched types"), "{whole}");
    assert!(!whole.contains("\"reason\""), "{whole}");
    let (_, out) = course(root, &["list", "ch01"]);
    assert_has(
        &out,
        &[
            "ch01-ex01  compile error  add and multiply",
            "progress: 0 of 2 exercises done",
            "next: cargo course check ch01-ex01",
        ],
    );
}

#[test]
fn check_kills_tests_that_hang() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let (code, out) = course(root, &["check", "ch01-ex02", "--timeout", "3"]);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "the tests did not finish within 3 s and were killed: they probably hang",
            "is not done yet: the tests were killed after 3 s",
        ],
    );
    assert_eq!(
        progress(root)["exercises"]["ch01-ex02-hang"]["status"],
        "timed-out"
    );
}

#[test]
fn hints_come_one_at_a_time_and_bad_names_list_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);

    let (code, out) = course(root, &["hint", "ch01-ex01"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[
            "hint 1 of 2 for ch01-ex01",
            "The operator is `*`.",
            "1 more hint left",
        ],
    );
    assert!(!out.contains("`a * b`"), "{out}");
    let (_, out) = course(root, &["hint", "ch01-ex01"]);
    assert_has(
        &out,
        &[
            "hint 2 of 2",
            "`a * b`.",
            "No hints left. The reference solution is in solutions/ch01-sequential/ex01-add/src/lib.rs",
        ],
    );
    let (_, out) = course(root, &["hint", "ch01-ex01"]);
    assert_has(
        &out,
        &["You have seen all 2 hints of ch01-ex01", "hint 2 of 2"],
    );
    assert_eq!(
        progress(root)["exercises"]["ch01-ex01-add"]["hints_shown"],
        2
    );
    let (_, out) = course(root, &["hint", "ch01-ex01", "--all"]);
    assert_has(&out, &["hint 1 of 2", "hint 2 of 2"]);

    let (code, out) = course(root, &["hint", "ch01-ex02"]);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex02-hang has no hints: exercises/ch01-sequential/ex02-hang/hints.md does not exist",
        ],
    );

    for cmd in ["check", "hint"] {
        let (code, out) = course(root, &[cmd, "ch09-ex01"]);
        assert_eq!(code, Some(1), "{out}");
        assert_has(
            &out,
            &[
                "unknown exercise `ch09-ex01`. Did you mean ch01-ex01? Valid exercises:",
                "ch01-ex01-add (or ch01-ex01)",
                "ch01-ex02-hang (or ch01-ex02)",
            ],
        );
    }
    let (code, out) = course(root, &["list", "ch09"]);
    assert_eq!(code, Some(1), "{out}");
    assert_has(&out, &["unknown chapter `ch09`"]);
}

#[test]
fn an_exercise_built_but_never_checked_is_checked_by_list() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    // The learner ran `cargo test` in the exercise's folder: it fails, and `list` says so.
    let status = Command::new(env!("CARGO"))
        .args(["test", "-q", "-p", "ch01-ex01-add"])
        .current_dir(root.join("exercises/ch01-sequential/ex01-add"))
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
        .status;
    assert!(!status.success());
    let (code, out) = course(root, &["list"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex01  failing (1 of 2)  add and multiply",
            "ch01-ex02  not tried         stop waiting",
        ],
    );
}

#[test]
fn a_closed_stdout_ends_the_tool_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    // `cargo course list | head -0`: the reader is gone before the first line is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_course"))
        .arg("--root")
        .arg(root)
        .arg("list")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

/// `cargo course check` on exercise ch01-ex03-`name` of a fresh fixture project, whose spec
/// (`harness = false`) runs `main_body`: it prints what a real spec printed. Returns the
/// project's folder (deleted when dropped), the exit code and the output.
fn check_canned(
    name: &str,
    main_body: &str,
) -> (tempfile::TempDir, Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let ex03 = format!("exercises/ch01-sequential/ex03-{name}");
    write(
        root,
        &format!("{ex03}/Cargo.toml"),
        &format!(
            "[package]\nname = \"ch01-ex03-{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[[test]]\nname = \"spec\"\nharness = false\n"
        ),
    );
    write(root, &format!("{ex03}/src/lib.rs"), "");
    write(
        root,
        &format!("{ex03}/tests/spec.rs"),
        &format!("fn main() {{\n    {main_body}\n}}\n"),
    );
    let (code, out) = course(root, &["check", "ch01-ex03"]);
    (dir, code, out)
}

/// What the fork harness of the exercises (`support::fork`, on libtest-mimic) prints when a test
/// hangs: the tests after it are not run (output of a wrong ch03-ex01, shortened).
const FORK_HARNESS_HANG: &str = "
running 3 tests
test returns_the_string    ... FAILED
test f_runs_elsewhere      ... FAILED
test every_child_is_reaped ... FAILED

failures:

---- returns_the_string ----
the test did not finish within 5s: it probably hangs (killed).
A hang here is usually the parent reading forever.

---- f_runs_elsewhere ----
not run: test returns_the_string hung before it; fix that first

---- every_child_is_reaped ----
not run: test returns_the_string hung before it; fix that first


failures:
    returns_the_string
    f_runs_elsewhere
    every_child_is_reaped

test result: FAILED. 0 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 5.00s
";

#[test]
fn check_shows_the_tests_after_a_hang_as_not_run() {
    // A spec that prints what the fork harness prints.
    let main =
        format!("print!({FORK_HARNESS_HANG:?});\n    std::process::exit(101);");
    let (_dir, code, out) = check_canned("fork", &main);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex03-fork: 0 of 3 tests pass; 2 not run (a test before them hung).",
            "First failing test: returns_the_string\n    the test did not finish within 5s: it probably hangs (killed).\n    A hang here is usually the parent reading forever.\n",
            "The tests, in the spec's order:\n    FAILED   returns_the_string\n    not run  f_runs_elsewhere\n    not run  every_child_is_reaped\n",
        ],
    );
}

#[test]
fn a_chapter_is_complete_only_if_no_exercise_changed_since_it_passed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fixture(root);
    let ex01 = root.join("exercises/ch01-sequential/ex01-add/src/lib.rs");
    let ex02 = root.join("exercises/ch01-sequential/ex02-hang/src/lib.rs");
    let hanging = fs::read_to_string(&ex02).unwrap();
    fs::write(&ex02, "pub fn wait_forever() {}\n").unwrap();
    let (code, out) = course(root, &["check", "ch01-ex02"]);
    assert_eq!(code, Some(0), "{out}");
    fs::write(
        &ex01,
        STARTER.replace("todo!(\"multiply {a} by {b}\")", "a * b"),
    )
    .unwrap();
    let (code, out) = course(root, &["check", "ch01-ex01"]);
    assert_eq!(code, Some(0), "{out}");
    assert_has(&out, &["Chapter complete: ch01-sequential."]);

    // ex02 back to its starter: its recorded pass no longer holds.
    fs::write(&ex02, hanging).unwrap();
    let (code, out) = course(root, &["check", "ch01-ex01"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("Chapter complete"), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex01-add: all 2 tests pass. Done!",
            "Changed since it passed: ch01-ex02 (`cargo course list` checks it again).",
            "Next exercise: cargo course check ch01-ex02",
        ],
    );
}

/// A captured `cargo test` of a wrong ch07-ex02 (typestate), trybuild's coloured report in it.
const TRYBUILD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testrun/src/libtest/fixtures/ch07-ex02-mut-self-and-exitcode-while-running.txt"
);

#[test]
fn check_shows_which_ui_file_failed_and_how() {
    let main = format!(
        "eprint!(\"{{}}\", include_str!({TRYBUILD:?}));\n    std::process::exit(101);"
    );
    let (dir, code, out) = check_canned("typestate", &main);
    assert_eq!(code, Some(1), "{out}");
    assert_has(
        &out,
        &[
            "ch01-ex03-typestate: 7 of 8 tests pass.\nFirst failing test: wrong_orders_do_not_compile\n    2 of 4 tests failed\n    tests/ui/exitcode_while_running.rs: error\n        Expected test case to fail to compile, but it succeeded.\n    tests/ui/start_twice.rs: mismatch: the compiler's error is not the one in tests/ui/start_twice.stderr (it differs from its line 14):\n    EXPECTED:\n        note: `Proc::<CreatedState>::start` takes ownership",
            "    ACTUAL:\n        note: `Proc::<CreatedState>::start` takes ownership of the receiver `self`, which moves `p`\n         --> src/lib.rs\n          |\n          |     pub fn start(mut self) -> io::Result<Proc<Running>> {\n          |                      ^^^^\n\nThe tests, in the spec's order:\n",
        ],
    );
    let kept = fs::read_to_string(
        dir.path()
            .join("target/course/check/ch01-ex03-typestate.txt"),
    )
    .unwrap();
    assert!(kept.contains("ACTUAL OUTPUT:"), "{kept}");
    assert!(
        !kept.contains('\x1b'),
        "colour codes are stripped from the output kept"
    );
}

#[test]
fn check_prints_the_specs_course_notes_once() {
    let note = "course note: ex03-mpi: MPI skipped, mpirun not found; the ranks ran as threads instead";
    let main = format!(
        "eprintln!({note:?});\n    println!(\"\\nrunning 2 tests\\ntest a ... ok\");\n    eprintln!({note:?});\n    println!(\"test b ... ok\\n\\ntest result: ok. 2 passed; 0 failed\");"
    );
    let (_dir, code, out) = check_canned("mpi", &main);
    assert_eq!(code, Some(0), "{out}");
    assert_has(
        &out,
        &[&format!(
            "ch01-ex03-mpi: all 2 tests pass. Done!\n{note}\nNext exercise: "
        )],
    );
    assert_eq!(out.matches(note).count(), 1, "{out}");
}
