use super::*;

fn record(
    kind: Kind,
    pid: u32,
    tid: u64,
    start: u64,
    end: u64,
    label: &str,
) -> Record {
    Record {
        kind,
        pid,
        tid_or_slots: tid,
        start_ns: start,
        end_ns: end,
        // all CPU time but for task "c", which used less than a tenth of its bar
        cpu_ns: if label == "c" { 10 } else { end - start },
        label: label.into(),
    }
}

fn two_workers_three_tasks() -> Vec<Record> {
    vec![
        record(Kind::Task, 10, 11, 1_000, 2_000, "a"),
        record(Kind::Task, 10, 12, 1_100, 1_500, "b"),
        record(Kind::Task, 10, 12, 1_600, 2_500, "c"),
        // outside every section: not drawn
        record(Kind::Task, 10, 13, 9_000, 9_500, "late"),
        record(Kind::Section, 10, 2, 1_000, 3_000, "two threads"),
    ]
}

#[test]
fn panels_group_tasks_by_worker_and_mark_the_ideal() {
    let panels = panels(&two_workers_three_tasks());
    assert_eq!(panels.len(), 1);
    let p = &panels[0];
    let names: Vec<&str> = p.rows.iter().map(|r| r.worker.as_str()).collect();
    assert_eq!(names, ["thread 11", "thread 12"]);
    assert_eq!(p.rows[1].bars.len(), 2);
    // total work 1000 + 400 + 900 ns over 2 slots = 1150 ns; the longest is 1000 ns
    assert!((p.ideal() - 1.15e-6).abs() < 1e-12, "{}", p.ideal());
    let mut shared = two_workers_three_tasks();
    shared[1].cpu_ns = 200; // "b" ran half its bar: 1000 + 200 + 900 = 2100 ns of work
    assert!((super::panels(&shared)[0].ideal() - 1.05e-6).abs() < 1e-12);
    assert!((p.makespan - 2e-6).abs() < 1e-12);
}

#[test]
fn svg_has_one_row_per_worker_and_one_bar_per_task() {
    let svg = render_svg("ch02-threads", &two_workers_three_tasks(), false).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    let bars = svg.matches(r##"fill="#3B6EA8""##).count();
    assert_eq!(bars, 3, "{svg}");
    for text in [
        "ch02-threads",
        "\nthread 11\n",
        "\nthread 12\n",
        "\na\n",
        "\nc\n",
    ] {
        assert!(svg.contains(text), "{text} missing in {svg}");
    }
    assert!(!svg.contains("\nlate\n"), "{svg}");
    let cpython = render_svg("x", &two_workers_three_tasks(), true).unwrap();
    assert_eq!(cpython.matches(r##"fill="#E09B2D""##).count(), 3);
    // The legend says whose run it is, and what the red line marks.
    assert!(
        svg.contains("\nRust\n") && !svg.contains("\nCPython\n"),
        "{svg}"
    );
    assert!(cpython.contains("\nCPython\n") && !cpython.contains("\nRust\n"));
    assert!(cpython.contains("\nideal makespan\n"), "{cpython}");
}

#[test]
fn processes_are_named_by_pid() {
    let records = [
        record(Kind::Task, 21, 21, 10, 20, "x"),
        record(Kind::Task, 22, 22, 10, 20, "y"),
        record(Kind::Task, 20, 30, 10, 20, "z"),
        record(Kind::Section, 20, 4, 0, 30, "s"),
    ];
    let names: Vec<String> = panels(&records)[0]
        .rows
        .iter()
        .map(|r| r.worker.clone())
        .collect();
    assert_eq!(names, ["process 21", "process 22", "process 20 thread 30"]);
}

#[test]
fn a_file_without_sections_draws_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (file, svg) = (dir.path().join("t.tsv"), dir.path().join("t.svg"));
    std::fs::write(&file, "task\t1\t1\t0\t5\t5\tx\n").unwrap();
    assert!(!render_file(&file, &svg, "t", false, 2).unwrap());
    assert!(!svg.exists());
    let lines: String = two_workers_three_tasks().iter().map(Record::line).collect();
    std::fs::write(&file, lines).unwrap();
    assert!(render_file(&file, &svg, "t", false, 2).unwrap());
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("\nthread 12\n")
    );
}

/// The `y` and `height` of each bar of colour `fill` in `svg`.
fn bars_of(svg: &str, fill: &str) -> Vec<(f64, f64)> {
    use crate::services::chart::tests::attr;
    svg.split("<rect")
        .filter(|tag| tag.contains(&format!("fill=\"{fill}\"")))
        .map(|tag| (attr(tag, "y"), attr(tag, "height")))
        .collect()
}

#[test]
fn tasks_that_overlap_on_one_worker_get_lanes_of_its_row() {
    // two tasks waiting at once on thread 11, then a third after both: two lanes
    let spans = [
        (1_000, 2_000, "a"),
        (1_200, 2_200, "b"),
        (2_300, 2_900, "c"),
    ];
    let records = spans
        .map(|(start, end, label)| record(Kind::Task, 10, 11, start, end, label));
    let records = [
        records.to_vec(),
        vec![record(Kind::Section, 10, 3, 1_000, 3_000, "s")],
    ]
    .concat();
    let p = &panels(&records)[0];
    assert_eq!(p.rows.len(), 1, "one worker, one row");
    assert_eq!(p.rows[0].lanes(), (vec![0, 1, 0], 2));
    // tasks one after the other on one worker keep one lane
    let sequential = panels(&two_workers_three_tasks());
    assert_eq!(sequential[0].rows[1].lanes(), (vec![0, 0], 1));

    let svg = render_svg("overlap", &records, false).unwrap();
    let bars = bars_of(&svg, "#3B6EA8");
    assert_eq!(bars.len(), 3, "{svg}");
    let (a, b) = (bars[0], bars[1]);
    assert!(a.1 > 0.0 && b.1 > 0.0, "bars of no height: {bars:?}");
    // "a" and "b" overlap in time: their bars must not overlap on the chart
    assert!(
        a.0 + a.1 <= b.0 || b.0 + b.1 <= a.0,
        "overlapping tasks drawn on top of each other: {bars:?}"
    );
    assert_eq!(
        bars[2].0, a.0,
        "the third task reuses the first lane: {bars:?}"
    );
    assert!(svg.contains("\nthread 11\n"), "{svg}");
}

#[test]
fn a_label_too_long_for_its_bar_stands_beside_it_if_it_fits_before_the_next_bar() {
    use crate::services::chart::tests::{rects, texts};
    let records = [
        // a long bar: its label inside, in white
        record(Kind::Task, 10, 11, 0, 9_000, "long"),
        // a short bar with nothing after it: its label right of it, in black
        record(Kind::Task, 10, 12, 0, 100, "short one"),
        // a short bar with the next bar of its lane close behind: no room, no label
        record(Kind::Task, 10, 13, 0, 100, "tight"),
        record(Kind::Task, 10, 13, 200, 9_000, "next"),
        record(Kind::Section, 10, 3, 0, 10_000, "s"),
    ];
    let svg = render_svg("labels", &records, false).unwrap();
    let bars = rects(&svg, "#3B6EA8");
    let written = texts(&svg);
    let label = |name: &str| written.iter().find(|t| t.0 == name);
    // the names ("thread 11") take about 80 px, not the 300 px the names' area may have at most
    assert!(bars[0].0 < 150.0, "the plot starts at {}", bars[0].0);
    let long = label("long").unwrap();
    assert!(
        long.1 > bars[0].0 && long.1 < bars[0].0 + bars[0].1,
        "{long:?} {bars:?}"
    );
    assert_eq!(long.3, "#FFFFFF", "{long:?}");
    let short = label("short one").expect("the short bar's label beside it");
    assert!(short.1 > bars[1].0 + bars[1].1, "{short:?} {bars:?}");
    assert_eq!(short.3, "#000000", "{short:?}");
    assert!(label("tight").is_none(), "{svg}");
    assert!(label("next").is_some(), "{svg}");
    // In CPython's orange bars, black.
    let cpython = texts(&render_svg("labels", &records, true).unwrap());
    let long = cpython.iter().find(|t| t.0 == "long").unwrap();
    assert_eq!(long.3, "#000000", "{long:?}");
}
