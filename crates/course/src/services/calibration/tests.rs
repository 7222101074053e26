use super::*;

fn cal(median_ms: f64) -> Calibration {
    Calibration {
        median_ns: median_ms * 1e6,
        min_ns: median_ms * 0.99e6,
        max_ns: median_ms * 1.02e6,
        rounds: 15,
    }
}

#[test]
fn the_calibration_line_parses_and_bad_lines_are_errors() {
    let c = Calibration::parse("25847463 25332933 32152735 15\n").unwrap();
    assert_eq!(c.rounds, 15);
    assert_eq!(c.describe(), "25.8 ms (25.3 ms..32.2 ms)");
    let err = Calibration::parse("oops").unwrap_err().to_string();
    assert!(
        err.contains("expected `median_ns min_ns max_ns rounds`"),
        "{err}"
    );
}

#[test]
fn steal_time_is_a_delta_of_proc_stat() {
    let a = CpuTicks::parse("cpu  100 0 50 800 10 0 0 40 7 0\ncpu0 1 2 3\n").unwrap();
    assert_eq!(
        a,
        CpuTicks {
            steal: 40,
            total: 1000
        }
    );
    let b = CpuTicks::parse("cpu  200 0 100 1600 20 0 0 80 9 0\n").unwrap();
    assert_eq!(a.steal_percent(&b), Some(4.0));
    assert_eq!(CpuTicks::parse("intr 1 2\n"), None);
}

#[test]
fn a_drift_over_five_percent_is_a_disturbed_run() {
    let quiet = RunRecord {
        before: cal(25.0),
        after: cal(25.5),
        steal_percent: Some(0.0),
    };
    assert!(!quiet.disturbed());
    let note = RunNote {
        record: Some(quiet),
        report_only: false,
    }
    .markdown();
    assert!(
        note.contains("25.0 ms (24.8 ms..25.5 ms) before the run, 25.5 ms"),
        "{note}"
    );
    assert!(note.contains("+2.0%, within the 5%"), "{note}");
    assert!(
        note.contains("Steal time during the run: 0.0% of CPU time."),
        "{note}"
    );
    assert!(!note.contains("Disturbed"), "{note}");

    let noisy = RunRecord {
        before: cal(25.0),
        after: cal(27.0),
        steal_percent: None,
    };
    assert!(noisy.disturbed());
    assert!(
        RunRecord {
            after: cal(23.0),
            ..noisy.clone()
        }
        .disturbed()
    );
    let note = RunNote {
        record: Some(noisy.clone()),
        report_only: true,
    }
    .markdown();
    assert!(note.contains("+8.0%, beyond the 5%"), "{note}");
    assert!(note.contains("**Disturbed run:**"), "{note}");
    assert!(
        note.contains("rewritten from them by `--report-only`"),
        "{note}"
    );
    assert!(
        noisy
            .refusal("ch01-sequential")
            .contains("No report was written")
    );
}

#[test]
fn the_before_calibration_waits_for_two_that_agree() {
    // Given samples, in the order measured: the cold first one is 9% slow.
    let run = |samples: &[f64], max: usize| {
        let mut taken = samples.iter().map(|&ms| cal(ms));
        let mut calls = 0;
        let kept = settled(
            || {
                calls += 1;
                taken.next().context("no more samples")
            },
            max,
        );
        (kept.map(|c| c.median_ns / 1e6).ok(), calls)
    };
    assert_eq!(run(&[27.5, 25.2, 25.1], 4), (Some(25.1), 3));
    assert_eq!(run(&[25.0, 25.2], 4), (Some(25.2), 2));
    // Never settles: the last of `max` is kept, and no more are taken.
    assert_eq!(run(&[30.0, 27.0, 24.0, 28.0, 25.0], 4), (Some(28.0), 4));
    assert_eq!(
        run(&[27.5], 4),
        (None, 2),
        "a failed measurement is an error"
    );
    // Against an "after" of 25.0 ms, the cold sample alone would refuse a quiet run.
    let record = |before: f64| RunRecord {
        before: cal(before),
        after: cal(25.0),
        steal_percent: None,
    };
    assert!(record(27.5).disturbed());
    assert!(!record(25.1).disturbed());
}

#[test]
fn report_only_without_a_record_says_it_cannot_calibrate() {
    let note = RunNote {
        record: None,
        report_only: true,
    };
    assert!(note.markdown().contains("`--report-only` cannot calibrate"));
    assert_eq!(
        note.anchors(),
        [("calibration", "not calibrated".to_string())]
    );
}

#[test]
fn the_record_round_trips_beside_criterion_results() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(RunRecord::read(dir.path()).unwrap(), None);
    let r = RunRecord {
        before: cal(25.0),
        after: cal(25.1),
        steal_percent: Some(1.5),
    };
    r.write(dir.path()).unwrap();
    assert_eq!(RunRecord::read(dir.path()).unwrap(), Some(r));
}
