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

mod recordings {
    use crate::services::recordings::{charts, keep_and_draw, recording_of, redraw};
    use std::fs;
    use std::path::Path;

    /// Two tasks of two workers in one section of two slots, as a run records them.
    const RECORDED: &str = "section\t7\t2\t0\t1000000000\t0\tPool(2)\n\
                            task\t7\t8\t0\t600000000\t590000000\tcpu(1)\n\
                            task\t7\t9\t10000000\t900000000\t880000000\tcpu(2)\n";

    fn recorded(dir: &Path, text: &str) -> std::path::PathBuf {
        let file = dir.join("target/run.tsv");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, text).unwrap();
        file
    }

    #[test]
    fn a_recording_is_kept_beside_its_chart_and_redraws_it_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("output/pool.timeline.svg");
        let run = recorded(dir.path(), RECORDED);
        assert!(keep_and_draw(&run, &svg, "pool", true).unwrap());
        assert!(!run.exists(), "the run's file belongs to one run");
        let kept =
            fs::read_to_string(dir.path().join("output/pool.timeline.tsv")).unwrap();
        let (header, records) = kept.split_once('\n').unwrap();
        assert!(header.starts_with("# timeline\t"), "{header}");
        assert!(header.ends_with("\tcpython\tpool"), "{header}");
        assert_eq!(records, RECORDED, "the records as the run wrote them");

        let drawn = fs::read(&svg).unwrap();
        fs::remove_file(&svg).unwrap();
        let output = dir.path().join("output");
        let listed = charts(&output).unwrap();
        let alone = std::slice::from_ref(&svg);
        assert_eq!(listed, alone, "a recording alone lists its chart");
        assert!(redraw(&recording_of(&svg), &svg).unwrap());
        assert_eq!(
            fs::read(&svg).unwrap(),
            drawn,
            "the redrawn chart is the drawn one"
        );
        assert!(recording_of(&svg).is_file(), "a redraw keeps the recording");
        assert_eq!(charts(&output).unwrap(), listed);
    }

    #[test]
    fn a_run_without_a_timeline_removes_a_stale_chart_and_recording() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("output/pool.timeline.svg");
        assert!(
            keep_and_draw(&recorded(dir.path(), RECORDED), &svg, "pool", false)
                .unwrap()
        );
        let nothing = dir.path().join("target/none.tsv");
        assert!(!keep_and_draw(&nothing, &svg, "pool", false).unwrap());
        assert!(!svg.exists() && !recording_of(&svg).exists());

        // A recording without a section draws nothing and is not kept either.
        let tasks_only = recorded(dir.path(), "task\t1\t1\t0\t5\t5\tx\n");
        assert!(!keep_and_draw(&tasks_only, &svg, "pool", false).unwrap());
        assert!(
            !svg.exists() && !recording_of(&svg).exists() && !tasks_only.exists()
        );
    }

    #[test]
    fn a_chart_without_its_recording_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let svg = output.join("pool.timeline.svg");
        assert!(
            keep_and_draw(&recorded(dir.path(), RECORDED), &svg, "pool", false)
                .unwrap()
        );
        fs::write(output.join("old.timeline.svg"), "<svg/>").unwrap();
        let err = format!("{:#}", charts(&output).unwrap_err());
        assert!(err.contains("old.timeline.svg"), "{err}");
        assert!(err.contains("recapture this chapter once"), "{err}");
        assert!(!err.contains("pool"), "{err}");

        // A recording not written by capture (no first line saying how to draw it).
        let old = output.join("old.timeline.tsv");
        fs::write(&old, RECORDED).unwrap();
        let err = format!(
            "{:#}",
            redraw(&old, &output.join("old.timeline.svg")).unwrap_err()
        );
        assert!(
            err.contains("old.timeline.tsv: the first line is not"),
            "{err}"
        );
        assert!(err.contains("recapture this chapter once"), "{err}");
    }

    #[test]
    fn a_recording_of_another_machine_is_redrawn_with_its_cores() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, svg) = (
            dir.path().join("a.timeline.tsv"),
            dir.path().join("a.timeline.svg"),
        );
        fs::write(&kept, format!("# timeline\t100000\trust\ta\n{RECORDED}")).unwrap();
        assert!(redraw(&kept, &svg).unwrap());
        let drawn = fs::read_to_string(&svg).unwrap();
        assert!(drawn.contains("(100000 cores)"), "{drawn}");
        assert!(kept.is_file(), "the kept recording stays");
    }
}
