//! "The solutions pass" as part of the root `cargo test`: every reference solution passes the
//! spec of its exercise, and every exercise keeps the shared-spec contract (ARCHITECTURE.md, "The shared-target-dir trap"):
//! a solution folder with the same package name whose `[[test]]` is the exercise's own
//! tests/spec.rs, a README.md and a hints.md with at least one hint.
//!
//! `cargo course verify` checks the stronger rule (every test also fails on the starter); this
//! file keeps the README's one test command honest without needing the course tool.

use course::services::exercise_page::Published;
use course::services::hints::parse_hints;
use course::services::libtest;
use course::services::manifests::package_name;
use course::services::process::{cargo, run_with_watchdog};
use course::services::project::{Project, default_root};
use serde::Deserialize;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Building and testing every solution from scratch on two busy cores takes minutes, not this.
const LIMIT: Duration = Duration::from_secs(30 * 60);

#[test]
fn every_solution_passes_its_spec() {
    let root = default_root();
    // Its own target dir: never the exercises' (the shared-spec trap), never the outer build's
    // (whose lock this test runs under).
    let target = root.join("target/nested/solutions");
    let mut cmd = cargo();
    cmd.current_dir(root.join("solutions"))
        .args(["test", "--workspace", "--no-fail-fast"])
        .arg("--target-dir")
        .arg(&target);
    let done = run_with_watchdog(&mut cmd, LIMIT).expect("cargo runs");
    assert!(
        !done.timed_out(),
        "`cargo test --workspace` in solutions/ did not finish within {} s (a hung test?)\n{}",
        LIMIT.as_secs(),
        done.stdout
    );
    if !done.success() {
        let results = libtest::parse_results(&done.stdout);
        let failed: Vec<&str> = results
            .iter()
            .filter(|r| r.outcome == libtest::Outcome::Failed)
            .map(|r| r.name.as_str())
            .collect();
        panic!(
            "`cargo test --workspace` in solutions/ failed ({}); failing tests: {failed:?}\n\n--- stdout ---\n{}\n--- stderr (its end) ---\n{}",
            done.status.map_or("killed".into(), |s| s.to_string()),
            done.stdout,
            course::services::cargo_json::tail(&done.stderr, 60)
        );
    }
}

#[derive(Deserialize)]
struct Manifest {
    package: Package,
    #[serde(default)]
    test: Vec<TestTarget>,
}

#[derive(Deserialize)]
struct Package {
    #[serde(default)]
    autotests: Option<bool>,
}

#[derive(Deserialize)]
struct TestTarget {
    name: String,
    path: Option<String>,
}

#[test]
fn every_exercise_has_a_solution_that_shares_its_spec() {
    let project = Project::new(default_root());
    assert!(
        !project.exercises().unwrap().is_empty(),
        "no exercises found"
    );
    let problems = contract_problems(&project);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The shared-spec contract, checked on a project: one line per problem.
fn contract_problems(project: &Project) -> Vec<String> {
    let exercises = project.exercises().unwrap();
    let mut problems = Vec::new();
    for ex in &exercises {
        let starter = project.path(ex.starter_dir());
        let solution = project.path(ex.solution_dir());
        let spec = starter.join("tests/spec.rs");
        let manifest = solution.join("Cargo.toml");
        if !spec.is_file() {
            problems
                .push(format!("{}: no tests/spec.rs", ex.starter_dir().display()));
        }
        if !manifest.is_file() {
            problems.push(format!(
                "{}: no solution ({} is missing)",
                ex.package,
                ex.solution_dir().join("Cargo.toml").display()
            ));
            continue;
        }
        match package_name(&manifest) {
            Ok(name) if name == ex.package => {}
            Ok(name) => problems.push(format!(
                "{}: the solution's package is `{name}`, not `{}`",
                ex.solution_dir().display(),
                ex.package
            )),
            Err(e) => problems.push(format!("{e:#}")),
        }
        let parsed: Manifest =
            match toml::from_str(&fs::read_to_string(&manifest).unwrap()) {
                Ok(m) => m,
                Err(e) => {
                    problems.push(format!("{}: {e}", manifest.display()));
                    continue;
                }
            };
        if parsed.package.autotests != Some(false) {
            problems.push(format!(
                "{}: set `autotests = false` (the spec comes from the exercise)",
                ex.solution_dir().display()
            ));
        }
        let points_at_spec = parsed.test.iter().any(|t| {
            t.name == "spec"
                && t.path
                    .as_deref()
                    .is_some_and(|p| same_file(&solution.join(p), &spec))
        });
        if !points_at_spec {
            problems.push(format!(
                "{}: needs [[test]] name = \"spec\", path = \"../../../{}\"",
                ex.solution_dir().display(),
                ex.starter_dir().join("tests/spec.rs").display()
            ));
        }
    }
    // And no solution without an exercise.
    for chapter in read_dirs(&project.path("solutions")) {
        for dir in read_dirs(&project.path("solutions").join(&chapter)) {
            let known = exercises
                .iter()
                .any(|e| e.chapter == chapter && e.dir == dir);
            if !known
                && project
                    .path("solutions")
                    .join(&chapter)
                    .join(&dir)
                    .join("Cargo.toml")
                    .is_file()
            {
                problems.push(format!(
                    "solutions/{chapter}/{dir}: no exercise of that name"
                ));
            }
        }
    }
    problems
}

#[test]
fn the_contract_check_catches_broken_solutions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    let package =
        |name: &str| format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n");
    for ex in ["ex01-good", "ex02-own-spec", "ex03-renamed", "ex04-missing"] {
        write(
            &format!("exercises/ch01-x/{ex}/Cargo.toml"),
            &package(&format!("ch01-{ex}")),
        );
        write(&format!("exercises/ch01-x/{ex}/tests/spec.rs"), "");
    }
    let shared = |ex: &str| {
        format!(
            "autotests = false\n[[test]]\nname = \"spec\"\npath = \"../../../exercises/ch01-x/{ex}/tests/spec.rs\"\n"
        )
    };
    write(
        "solutions/ch01-x/ex01-good/Cargo.toml",
        &(package("ch01-ex01-good") + &shared("ex01-good")),
    );
    write(
        "solutions/ch01-x/ex02-own-spec/Cargo.toml",
        &(package("ch01-ex02-own-spec")
            + "autotests = false\n[[test]]\nname = \"spec\"\npath = \"tests/spec.rs\"\n"),
    );
    write("solutions/ch01-x/ex02-own-spec/tests/spec.rs", "");
    write(
        "solutions/ch01-x/ex03-renamed/Cargo.toml",
        &(package("ch01-ex03-other") + &shared("ex03-renamed")),
    );
    write(
        "solutions/ch01-x/ex05-orphan/Cargo.toml",
        &package("ch01-ex05-orphan"),
    );
    let problems = contract_problems(&Project::new(root)).join("\n");
    assert!(!problems.contains("ex01-good"), "{problems}");
    assert!(
        problems.contains("solutions/ch01-x/ex02-own-spec: needs [[test]] name = \"spec\", path = \"../../../exercises/ch01-x/ex02-own-spec/tests/spec.rs\""),
        "{problems}"
    );
    assert!(
        problems.contains(
            "the solution's package is `ch01-ex03-other`, not `ch01-ex03-renamed`"
        ),
        "{problems}"
    );
    assert!(
        problems.contains("ch01-ex04-missing: no solution"),
        "{problems}"
    );
    assert!(
        problems.contains("solutions/ch01-x/ex05-orphan: no exercise of that name"),
        "{problems}"
    );
}

/// Reads the task and hints as committed (git HEAD, like the book's `{{#exercise}}`), so that a
/// learner's edits in exercises/ cannot fail this test.
#[test]
fn every_exercise_has_a_task_and_hints() {
    let project = Project::new(default_root());
    let published = Published::new(&project.root);
    let mut problems = Vec::new();
    for ex in project.exercises().unwrap() {
        let dir = ex.starter_dir();
        let read = |name: &str| published.read(&format!("{}/{name}", dir.display()));
        match read("README.md") {
            Ok(text) if text.lines().any(|l| l.starts_with("# ")) => {}
            Ok(_) => problems
                .push(format!("{}: README.md has no `# ` title", dir.display())),
            Err(_) => problems.push(format!("{}: no README.md", dir.display())),
        }
        match read("hints.md") {
            Ok(text) if !parse_hints(&text).is_empty() => {}
            Ok(_) => problems
                .push(format!("{}: hints.md has no `## Hint 1`", dir.display())),
            Err(_) => problems.push(format!("{}: no hints.md", dir.display())),
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn read_dirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name != "target")
        .collect()
}
