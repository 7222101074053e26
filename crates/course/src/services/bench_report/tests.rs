use super::*;
use crate::services::calibration::{Calibration, RunRecord};
use std::fs;

#[test]
fn report_files_are_written_from_a_criterion_dir() {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::new(dir.path());
    fs::create_dir_all(dir.path().join("crates/ch02-threads")).unwrap();
    fs::write(
        dir.path().join("crates/ch02-threads/Cargo.toml"),
        "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"thread\"\n",
    )
    .unwrap();
    let home = dir.path().join("target/criterion/ch02-threads");
    for (group, function, median) in [
        ("start-join", "thread", 10_000.0),
        ("start-join", "process", 250_000.0),
    ] {
        let new = home.join(group).join(function).join("new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            serde_json::json!({"group_id": group, "function_id": function, "value_str": null})
                .to_string(),
        )
        .unwrap();
        fs::write(
            new.join("estimates.json"),
            serde_json::json!({"median": {"point_estimate": median}}).to_string(),
        )
        .unwrap();
        // Ten samples of 2 iterations, from 0.9 to 1.2 times the median per iteration.
        let times: Vec<f64> = (0..10)
            .map(|i| 2.0 * median * (0.9 + 0.3 * f64::from(i) / 9.0))
            .collect();
        fs::write(
            new.join("sample.json"),
            serde_json::json!({"sampling_mode": "Flat", "iters": vec![2.0; 10], "times": times})
                .to_string(),
        )
        .unwrap();
    }
    let chapter = Chapter {
        number: 2,
        name: "ch02-threads".into(),
    };
    let cal = |ms: f64| Calibration {
        median_ns: ms * 1e6,
        min_ns: ms * 1e6,
        max_ns: ms * 1e6,
        rounds: 15,
    };
    let quiet = RunNote {
        record: Some(RunRecord {
            before: cal(25.0),
            after: cal(25.2),
            steal_percent: Some(0.5),
        }),
        report_only: false,
    };
    let command = "cargo course bench ch02-threads";
    let written =
        write_report(&project, &chapter, &home, command, &quiet, false).unwrap();
    assert_eq!(written.len(), 3);
    let md =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
    assert!(
        md.contains("| process | 250 µs | 225 µs..300 µs | 0.040x |"),
        "{md}"
    );
    assert!(
        md.contains("| thread | 10.0 µs | 9.00 µs..12.0 µs | 1.00x (baseline) |"),
        "{md}"
    );
    assert!(
        md.contains("25.0 ms (25.0 ms..25.0 ms) before the run"),
        "{md}"
    );
    assert!(
        md.contains("Steal time during the run: 0.5% of CPU time"),
        "{md}"
    );
    let txt =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.txt")).unwrap();
    assert!(
        txt.contains("// ANCHOR: start-join_process_speedup\n0.040x\n"),
        "{txt}"
    );
    assert!(
        txt.contains("// ANCHOR: start-join_process_spread\n225 µs..300 µs\n"),
        "{txt}"
    );
    assert!(
        txt.contains("// ANCHOR: calibration_drift\n+0.8%\n"),
        "{txt}"
    );

    // A disturbed run writes nothing without --force, and is marked with it.
    fs::remove_dir_all(dir.path().join("book")).unwrap();
    let disturbed = RunNote {
        record: Some(RunRecord {
            before: cal(25.0),
            after: cal(26.5),
            steal_percent: Some(0.5),
        }),
        report_only: true,
    };
    let err = write_report(&project, &chapter, &home, command, &disturbed, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("changed by +6.0%"), "{err}");
    assert!(!dir.path().join("book/bench/ch02-threads.md").exists());
    write_report(&project, &chapter, &home, command, &disturbed, true).unwrap();
    let md =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
    assert!(md.contains("**Disturbed run:**"), "{md}");

    // A baseline that names no benchmark is an error, not a silent "no speedup".
    fs::write(
        dir.path().join("crates/ch02-threads/Cargo.toml"),
        "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"fork\"\n",
    )
    .unwrap();
    let err = write_report(&project, &chapter, &home, "x", &quiet, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`fork` as the baseline of group `start-join`"),
        "{err}"
    );

    // CPython rows kept beside criterion's results join the same table, numbers and chart,
    // divided by the same baseline; a group of their own takes a baseline from Cargo.toml.
    fs::write(
        dir.path().join("crates/ch02-threads/Cargo.toml"),
        "[package]\nname = \"ch02-threads\"\n[package.metadata.course.baselines]\n\"start-join\" = \"thread\"\n\"start-join-cpython\" = \"CPython thread\"\n",
    )
    .unwrap();
    let line = |group: &str, variant: &str, median: f64| {
        serde_json::json!({"group": group, "variant": variant, "median_ns": median,
            "min_ns": median * 0.9, "max_ns": median * 1.5, "samples": 7})
        .to_string()
    };
    let rows = python_bench::parse_rows(
        "python/start_costs.py --bench-json",
        &[
            line("start-join", "CPython fork", 1_000_000.0),
            line("start-join-cpython", "CPython thread", 100_000.0),
            line("start-join-cpython", "CPython spawn", 20_000_000.0),
        ]
        .join("\n"),
    )
    .unwrap();
    PythonRun {
        python: "Python 3.11.7".into(),
        rows,
    }
    .write(&home)
    .unwrap();
    write_report(&project, &chapter, &home, command, &quiet, false).unwrap();
    let md =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.md")).unwrap();
    assert!(md.contains("(Python 3.11.7)"), "{md}");
    assert!(
        md.contains("from criterion's estimates and CPython rows"),
        "{md}"
    );
    // The last row of the group, after its Rust rows (whose run order is their files'
    // modification times, which a fast machine makes equal).
    assert!(
        md.contains(
            "| CPython fork | 1.00 ms | 900 µs..1.50 ms | 0.010x |\n\n### start-join-cpython"
        ),
        "{md}"
    );
    assert!(
        md.contains("### start-join-cpython\n\n| variant | median | spread | speedup |\n|---|---:|---:|---:|\n| CPython thread | 100 µs | 90.0 µs..150 µs | 1.00x (baseline) |\n| CPython spawn | 20.0 ms | 18.0 ms..30.0 ms | 0.0050x |\n"),
        "{md}"
    );
    let txt =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.txt")).unwrap();
    for want in [
        "// ANCHOR: machine_python\nPython 3.11.7\n",
        "// ANCHOR: start-join_cpython-fork_median\n1.00 ms\n",
        "// ANCHOR: start-join_cpython-fork_spread\n900 µs..1.50 ms\n",
        "// ANCHOR: start-join_cpython-fork_speedup\n0.010x\n",
        "// ANCHOR: start-join-cpython_cpython-spawn_speedup\n0.0050x\n",
    ] {
        assert!(txt.contains(want), "missing {want:?} in\n{txt}");
    }
    let svg =
        fs::read_to_string(dir.path().join("book/bench/ch02-threads.svg")).unwrap();
    assert!(svg.contains("CPython spawn"), "{svg}");
}
