use super::*;
use crate::services::manifests::{ExtraRun, parse_course_metadata};

fn example(name: &str, profile: &str) -> Run {
    Run::example(name, "ch01-sequential", "ch01-01-sequential", profile, &[])
}

#[test]
fn shown_commands_match_the_committed_files() {
    assert_eq!(
        example("ch01-01-sequential", "release").shown_command(),
        "cargo run --release -p ch01-sequential --example ch01-01-sequential"
    );
    assert_eq!(
        example("ch01-01-sequential.debug", "dev").shown_command(),
        "cargo run -p ch01-sequential --example ch01-01-sequential"
    );
    assert_eq!(
        example("x", "bench").shown_command(),
        "cargo run --profile bench -p ch01-sequential --example ch01-01-sequential"
    );
    let args = Run::example("x", "p", "e", "release", &["4".into()]);
    assert_eq!(
        args.shown_command(),
        "cargo run --release -p p --example e -- 4"
    );
    let project = Project::new("/nowhere");
    let run: Vec<_> = args
        .command(&project)
        .get_args()
        .map(|a| a.to_owned())
        .collect();
    assert_eq!(
        run,
        [
            "run",
            "-q",
            "--release",
            "-p",
            "p",
            "--example",
            "e",
            "--",
            "4"
        ]
    );
    let py = Run::python("cores", "crates/ch01-sequential/python/cores.py".into());
    assert_eq!(
        py.shown_command(),
        "python3 crates/ch01-sequential/python/cores.py"
    );
}

#[test]
fn rendered_files_end_in_one_newline_with_stderr_after_stdout() {
    assert_eq!(render("cmd", "a\nb\n", ""), "$ cmd\na\nb\n");
    assert_eq!(render("cmd", "a", ""), "$ cmd\na\n");
    assert_eq!(render("cmd", "out\n", "err"), "$ cmd\nout\nerr\n");
    assert_eq!(render("cmd", "", ""), "$ cmd\n");
}

#[test]
fn capture_metadata_parses_extra_runs_and_skips() {
    let meta = parse_course_metadata(
        r#"
        [package]
        name = "ch01-sequential"
        [package.metadata.course.capture]
        skip = ["ch01-09-slow"]
        extra = [{ name = "ch01-01-sequential.debug", example = "ch01-01-sequential", profile = "dev" }]
        "#,
    )
    .unwrap();
    assert_eq!(meta.capture.skip, ["ch01-09-slow"]);
    assert_eq!(
        meta.capture.extra,
        [ExtraRun {
            name: "ch01-01-sequential.debug".into(),
            example: "ch01-01-sequential".into(),
            profile: "dev".into(),
            args: Vec::new(),
        }]
    );
    let typo = parse_course_metadata(
        "[package]\nname = \"x\"\n[package.metadata.course.capture]\nskipp = [\"a\"]\n",
    );
    assert!(typo.is_err(), "an unknown key is an error, not ignored");
}
