//! `grade --template`: a submission that edits, ignores or deletes a spec test earns nothing by
//! it, and is named. A tiny export (one exercise, no dependencies) so that it builds in seconds.

use classroom::{
    ClassroomManifest, ExerciseTests, GradeOptions, Outcome, Report, grade_quiet,
};
use std::path::Path;
use std::time::Duration;

const DIR: &str = "exercises/ch00/ex01";
const SPEC: &str = "exercises/ch00/ex01/tests/spec.rs";

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An export: `add` and `sub` to write, a spec test for each, classroom.toml and a workflow.
fn export(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/ch00/ex01\"]\n",
    );
    write(
        root,
        &format!("{DIR}/Cargo.toml"),
        "[package]\nname = \"ch00-ex01\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(
        root,
        &format!("{DIR}/src/lib.rs"),
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\npub fn sub(a: u32, b: u32) -> u32 { a + b }\n",
    );
    write(
        root,
        SPEC,
        "#[test]\nfn adds() { assert_eq!(ch00_ex01::add(3, 2), 5); }\n\
         #[test]\nfn subtracts() { assert_eq!(ch00_ex01::sub(3, 2), 1); }\n",
    );
    write(
        root,
        ".github/workflows/classroom.yml",
        "name: Autograding\n",
    );
    ClassroomManifest {
        chapter: "ch00".into(),
        exercises: vec![ExerciseTests {
            package: "ch00-ex01".into(),
            dir: DIR.into(),
            tests: vec!["adds".into(), "subtracts".into()],
        }],
    }
    .write(root)
    .unwrap();
}

fn points(report: &Report) -> Vec<(&str, Vec<Outcome>)> {
    let sub = |s: &classroom::Submission| s.tests.iter().map(|t| t.outcome).collect();
    report
        .submissions
        .iter()
        .map(|s| (s.name.as_str(), sub(s)))
        .collect()
}

#[test]
fn a_tampered_spec_earns_nothing_with_the_template_and_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (template, class) = (tmp.path().join("export"), tmp.path().join("class"));
    export(&template);
    // honest: sub still wrong. ignorer: `#[ignore]` on its failing test. editor: the spec now
    // expects what sub returns. deleter: the failing test is gone, from the spec and from
    // classroom.toml, and the workflow is edited too.
    let spec = std::fs::read_to_string(template.join(SPEC)).unwrap();
    let tampered = [
        ("honest", spec.clone()),
        (
            "ignorer",
            spec.replace("#[test]\nfn sub", "#[test]\n#[ignore]\nfn sub"),
        ),
        ("editor", spec.replace("sub(3, 2), 1)", "sub(3, 2), 5)")),
        (
            "deleter",
            spec.lines().take(2).collect::<Vec<_>>().join("\n"),
        ),
    ];
    let mut dirs = Vec::new();
    for (name, text) in &tampered {
        let dir = class.join(name);
        export(&dir);
        write(&dir, SPEC, text);
        dirs.push(dir);
    }
    let deleter = &dirs[3];
    let toml = std::fs::read_to_string(deleter.join("classroom.toml")).unwrap();
    write(
        deleter,
        "classroom.toml",
        &toml.replace(", \"subtracts\"", ""),
    );
    std::fs::remove_file(deleter.join(".github/workflows/classroom.yml")).unwrap();

    let options = GradeOptions {
        timeout: Duration::from_secs(60),
        target_dir: Some(tmp.path().join("target")),
        template: Some(template.clone()),
        ..GradeOptions::default()
    };
    let report = grade_quiet(&dirs, &options).unwrap();
    let (pass, fail) = (Outcome::Passed, Outcome::Failed);
    assert_eq!(
        points(&report),
        [
            ("honest", vec![pass, fail]),
            ("ignorer", vec![pass, fail]),
            ("editor", vec![pass, fail]),
            ("deleter", vec![pass, fail]),
        ],
        "{}",
        report.markdown()
    );
    let differ: Vec<_> = report
        .submissions
        .iter()
        .map(|s| s.differs.clone())
        .collect();
    assert_eq!(
        differ,
        [
            vec![],
            vec![format!("{SPEC} (changed)")],
            vec![format!("{SPEC} (changed)")],
            vec![
                ".github/workflows/classroom.yml (missing)".to_string(),
                "classroom.toml (changed)".to_string(),
                format!("{SPEC} (changed)"),
            ],
        ]
    );
    let table = report.markdown();
    assert!(
        table.contains("- deleter: differs from the template"),
        "{table}"
    );
    // The submission itself is untouched: its own spec is still the tampered one.
    let kept = std::fs::read_to_string(dirs[2].join(SPEC)).unwrap();
    assert_eq!(kept, tampered[2].1);

    // Without the template, the tampering pays (that is what --template is for), and the
    // table says the specs were the students' own.
    let own = GradeOptions {
        template: None,
        ..options
    };
    let report = grade_quiet(&dirs[2..3], &own).unwrap();
    assert_eq!(points(&report), [("editor", vec![pass, pass])]);
    assert!(
        report.markdown().contains("--template"),
        "{}",
        report.markdown()
    );
}
