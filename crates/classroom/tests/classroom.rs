//! `assign` and `grade` end to end on chapter 01 (the smallest): export, build a fresh copy on
//! its own, and grade four submissions made from the export: the starter, solved (alice), partly
//! solved (bob) and one that deadlocks (carol).

use classroom::{AssignOptions, GradeOptions, Outcome, Report, assign, grade_quiet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CHAPTER: &str = "ch01-sequential";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn copy(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

fn exercises(root: &Path, side: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(side).join(CHAPTER))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Copies the reference solution of exercise `ex` (its `src/`) over a submission's starter.
fn solve(submission: &Path, ex: &Path) {
    let name = ex.file_name().unwrap();
    let dest = submission.join("exercises").join(CHAPTER).join(name);
    std::fs::remove_dir_all(dest.join("src")).unwrap();
    copy(&ex.join("src"), &dest.join("src"));
}

/// Every `path = "..."` of the export's manifests stays inside it.
fn assert_no_path_outside(dir: &Path, export: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().unwrap() != "target" {
                assert_no_path_outside(&path, export);
            }
        } else if path.file_name().unwrap() == "Cargo.toml" {
            let text = std::fs::read_to_string(&path).unwrap();
            let manifest: toml::Value = text.parse::<toml::Table>().unwrap().into();
            let mut paths = Vec::new();
            collect_paths(&manifest, &mut paths);
            for p in paths {
                let target = path.parent().unwrap().join(&p);
                let resolved = target.canonicalize().unwrap_or_else(|e| {
                    panic!("{}: path {p} leads nowhere: {e}", path.display())
                });
                assert!(
                    resolved.starts_with(export),
                    "{}: path {p} leads outside the export",
                    path.display()
                );
            }
        }
    }
}

fn collect_paths(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("path", toml::Value::String(p)) => out.push(p.clone()),
                    _ => collect_paths(v, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| collect_paths(v, out)),
        _ => {}
    }
}

/// Children of this process that are zombies (exited, not reaped).
fn our_zombies() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.first() == Some(&"Z") && fields.get(1) == Some(&me.as_str()) {
            found.push(stat.clone());
        }
    }
    found
}

fn outcomes(report: &Report, student: &str, exercise: &str) -> Vec<Outcome> {
    let sub = report
        .submissions
        .iter()
        .find(|s| s.name == student)
        .unwrap();
    sub.tests
        .iter()
        .filter(|t| t.exercise.starts_with(exercise))
        .map(|t| t.outcome)
        .collect::<Vec<_>>()
}

/// Every test of `exercise` (a package name or its prefix) in `student`'s column is `outcome`.
fn expect(report: &Report, student: &str, exercise: &str, outcome: Outcome) {
    let got = outcomes(report, student, exercise);
    assert!(
        !got.is_empty() && got.iter().all(|o| *o == outcome),
        "{student}, {exercise}: expected every test {outcome:?}\n{}",
        report.markdown()
    );
}

#[test]
fn bad_input_gets_a_clear_error() {
    let root = root();
    let tmp = tempfile::tempdir().unwrap();
    let options = AssignOptions {
        build_book: false,
        ..AssignOptions::default()
    };
    let err = assign(&root, "ch42", &tmp.path().join("x"), &options).unwrap_err();
    assert!(
        err.to_string().contains("unknown chapter `ch42`")
            && err.to_string().contains("ch01-sequential"),
        "{err:#}"
    );
    let full = tmp.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "mine").unwrap();
    let err = assign(&root, "ch01", &full, &options).unwrap_err();
    assert!(
        err.to_string().contains("exists and is not empty"),
        "{err:#}"
    );
    assert_eq!(
        std::fs::read_to_string(full.join("notes.txt")).unwrap(),
        "mine"
    );

    let err = grade_quiet(std::slice::from_ref(&full), &GradeOptions::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is not a repository from `cargo course assign`"),
        "{err:#}"
    );
    let err = grade_quiet(&[tmp.path().join("nobody")], &GradeOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("is not a folder"), "{err:#}");
    let err = grade_quiet(&[], &GradeOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("at least one submission"),
        "{err:#}"
    );
}

#[test]
fn an_export_builds_on_its_own_fails_on_the_starter_and_grades_submissions() {
    let root = root();
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("ch01-class");
    let assigned = assign(
        &root,
        "ch01",
        &export,
        &AssignOptions {
            target_dir: Some(tmp.path().join("assign-target")),
            ..AssignOptions::default()
        },
    )
    .unwrap();
    let export = assigned.dir.clone();
    let manifest = &assigned.manifest;
    assert_eq!(manifest.chapter, CHAPTER);
    assert_eq!(
        manifest.exercises.len(),
        exercises(&root, "exercises").len()
    );

    // What a student gets: starters exactly as committed, no solutions, the book, the README.
    for ex in exercises(&root, "exercises") {
        let rel = ex.strip_prefix(&root).unwrap();
        let committed = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["show", &format!("HEAD:{}/src/lib.rs", rel.display())])
            .output()
            .unwrap();
        assert_eq!(
            std::fs::read(export.join(rel).join("src/lib.rs")).unwrap(),
            committed.stdout,
            "{} is not the committed starter",
            rel.display()
        );
        assert!(export.join(rel).join("tests/spec.rs").is_file());
    }
    assert!(!export.join("solutions").exists());
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "classroom.toml",
        ".gitignore",
        "crates/ch01-sequential/Cargo.toml",
        "crates/workloads/Cargo.toml",
        "exercises/support/Cargo.toml",
        "book/ch01-sequential/index.md",
        "book/html/index.html",
        "book/html/ch01-sequential/exercises.html",
    ] {
        assert!(export.join(f).is_file(), "{f} is missing");
    }
    let broken = classroom::broken_links(&export.join("book/html")).unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let readme = std::fs::read_to_string(export.join("README.md")).unwrap();
    assert!(readme.contains("$ cargo test "), "{readme}");
    assert!(
        readme.contains("$ cargo test -p ch01-ex01-timed"),
        "{readme}"
    );
    let workflow =
        std::fs::read_to_string(export.join(".github/workflows/classroom.yml"))
            .unwrap();
    assert_eq!(
        workflow
            .matches("uses: classroom-resources/autograding-command-grader@v1")
            .count(),
        manifest.test_count()
    );
    assert_eq!(
        workflow.matches("max-score: 1").count(),
        manifest.test_count()
    );
    assert!(workflow.contains("classroom-resources/autograding-grading-reporter@v1"));
    for e in &manifest.exercises {
        for t in &e.tests {
            assert!(
                workflow.contains(&format!(
                    "command: 'cargo test -q -p {} --test spec -- --exact {t} 2>&1 | ",
                    e.package
                )),
                "no graded step for {t}"
            );
        }
    }
    assert_no_path_outside(&export, &export);
    // The versions the course was tested with.
    let lock = std::fs::read_to_string(export.join("Cargo.lock")).unwrap();
    let mut known = classroom::registry_versions(
        &std::fs::read_to_string(root.join("Cargo.lock")).unwrap(),
    );
    for (name, versions) in classroom::registry_versions(
        &std::fs::read_to_string(root.join("exercises/Cargo.lock")).unwrap(),
    ) {
        known.entry(name).or_default().extend(versions);
    }
    for (name, versions) in classroom::registry_versions(&lock) {
        for v in versions {
            assert!(
                known.get(&name).is_some_and(|k| k.contains(&v)),
                "{name} {v} is not a version the project locks"
            );
        }
    }

    // A fresh copy builds on its own, with the copied lock as it is.
    let students = tmp.path().join("students");
    std::fs::create_dir(&students).unwrap();
    let starter = students.join("starter");
    copy(&export, &starter);
    let built = cargo()
        .current_dir(&starter)
        .args(["build", "--workspace", "--locked"])
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "the fresh copy does not build:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );

    // The fixtures: solved, partly solved, deadlocking.
    let solutions = exercises(&root, "solutions");
    let (alice, bob, carol) = (
        students.join("alice"),
        students.join("bob"),
        students.join("carol"),
    );
    for s in [&alice, &bob, &carol] {
        copy(&export, s);
    }
    for ex in &solutions {
        solve(&alice, ex);
        solve(&carol, ex);
    }
    solve(&bob, &solutions[1]);
    // carol's first exercise deadlocks in both of its functions, after starting a process the
    // watchdog must not leave behind.
    let needle = format!("{}", 7_000_000 + std::process::id());
    let lib = carol
        .join("exercises")
        .join(CHAPTER)
        .join(solutions[0].file_name().unwrap())
        .join("src/lib.rs");
    let code = std::fs::read_to_string(&lib).unwrap();
    let mut hung = String::new();
    for line in code.lines() {
        hung.push_str(line);
        hung.push('\n');
        if line.starts_with("pub fn measure") || line.starts_with("pub fn summarise")
        {
            assert!(line.ends_with('{') || line.ends_with('('), "{line}");
        }
        if (line.starts_with(") -> Result<Report, PlanError> {")
            || line.starts_with("pub fn summarise"))
            && line.ends_with('{')
        {
            hung.push_str("    stuck();\n");
        }
    }
    assert_eq!(
        hung.matches("stuck();").count(),
        2,
        "the solution changed: {hung}"
    );
    hung.push_str(&format!(
        "\n/// Waits for a worker that waits for a message nobody sends.\nfn stuck() {{\n    \
         let _stray = std::process::Command::new(\"sleep\").arg(\"{needle}\").spawn();\n    \
         let (tx, rx) = std::sync::mpsc::channel::<()>();\n    \
         let worker = std::thread::spawn(move || rx.recv());\n    \
         let _ = worker.join();\n    drop(tx);\n}}\n"
    ));
    std::fs::write(&lib, hung).unwrap();

    // Grade the three like an instructor; the watchdog is below the specs' own (20 s), so
    // every test of carol's deadlocked exercise is killed by it, however many threads libtest runs.
    let grades = tmp.path().join("grades");
    let options = GradeOptions {
        timeout: Duration::from_secs(15),
        out: Some(grades.clone()),
        template: Some(export.clone()),
        ..GradeOptions::default()
    };
    let report =
        grade_quiet(&[alice.clone(), bob.clone(), carol.clone()], &options).unwrap();
    report.write(&grades).unwrap();
    let n = manifest.test_count();
    let first = &manifest.exercises[0].package;
    let second = &manifest.exercises[1].package;
    expect(&report, "alice", "ch01", Outcome::Passed);
    expect(&report, "bob", first, Outcome::Failed);
    expect(&report, "bob", second, Outcome::Passed);
    expect(&report, "carol", first, Outcome::Hung);
    expect(&report, "carol", second, Outcome::Passed);
    for sub in &report.submissions {
        assert!(sub.differs.is_empty(), "{}: {:?}", sub.name, sub.differs);
    }
    let stray = testrun::processes_matching(&format!("sleep {needle}"));
    assert!(
        stray.is_empty(),
        "the watchdog left processes behind: {stray:?}"
    );
    assert!(our_zombies().is_empty(), "zombies: {:?}", our_zombies());

    // A workflow step gives its point only for a test that ran and passed: on alice's copy its
    // command passes; with a name that matches no test (renamed or deleted), it fails.
    let t = &manifest.exercises[0].tests[0];
    let step = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("command: '")?.strip_suffix('\''))
        .find(|c| {
            c.contains(&format!("-p {first} "))
                && c.contains(&format!("--exact {t} "))
        })
        .expect("a graded step for the first test");
    let run_step = |command: &str| {
        Command::new("sh")
            .args(["-c", command])
            .current_dir(&alice)
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap()
    };
    let passed = run_step(step);
    assert!(
        passed.status.success(),
        "the step fails on a solved exercise: {step}\n{}",
        String::from_utf8_lossy(&passed.stderr)
    );
    let renamed = step.replace(&format!("--exact {t} "), "--exact no_such_test ");
    assert!(
        !run_step(&renamed).status.success(),
        "a step whose test matches nothing gives a point: {renamed}"
    );

    let csv = std::fs::read_to_string(grades.join("grades.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * n, "{csv}");
    assert!(csv.contains(&format!("carol,{first},")), "{csv}");
    let xml = std::fs::read_to_string(grades.join("grades.xml")).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 3, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 3 * n, "{xml}");

    // Every spec test fails on the starter (the copy built above); a submission whose first
    // exercise does not compile still gets its second graded.
    let dave = students.join("dave");
    copy(&alice, &dave);
    let _ = std::fs::remove_dir_all(dave.join("target"));
    let lib = dave
        .join("exercises")
        .join(CHAPTER)
        .join(solutions[0].file_name().unwrap())
        .join("src/lib.rs");
    let mut code = std::fs::read_to_string(&lib).unwrap();
    code.push_str("\nfn broken() -> u32 { \"not a number\" }\n");
    std::fs::write(&lib, code).unwrap();
    let on_starter = grade_quiet(&[starter, dave], &options).unwrap();
    expect(&on_starter, "dave", first, Outcome::NotBuilt);
    expect(&on_starter, "dave", second, Outcome::Passed);
    let passed: Vec<_> = on_starter.submissions[0]
        .tests
        .iter()
        .filter(|t| t.outcome != Outcome::Failed)
        .map(|t| format!("{} {} {:?}", t.exercise, t.test, t.outcome))
        .collect();
    assert!(passed.is_empty(), "not failed on the starter: {passed:?}");

    // The instructor guide shows these outputs (book/classroom/, included by the page).
    let out = root.join("book/classroom");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("assign.txt"),
        format!(
            "$ cargo course assign ch01 --out ../class/ch01-class\n{}\n",
            assigned.summary()
        ),
    )
    .unwrap();
    std::fs::write(
        out.join("grade.txt"),
        format!(
            "$ cargo course grade ../class/alice ../class/bob ../class/carol --timeout 15 --template ../class/ch01-class --out ../class/grades\n{}",
            report.markdown()
        ),
    )
    .unwrap();
}
