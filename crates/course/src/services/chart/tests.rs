use super::*;
use crate::services::report::Measurement;

fn group(name: &str, baseline: Option<usize>, rows: &[(&str, f64)]) -> Group {
    Group {
        name: name.into(),
        rows: rows
            .iter()
            .map(|(v, ns)| Measurement {
                group: name.into(),
                variant: (*v).into(),
                function: Some((*v).into()),
                median_ns: *ns,
                spread_ns: None,
            })
            .collect(),
        baseline,
    }
}

#[test]
fn chart_has_a_panel_per_group_with_labels() {
    let groups = [
        group(
            "tutorial",
            Some(0),
            &[("sequential", 40e6), ("one thread per number", 21e6)],
        ),
        group("spawn cost", None, &[("thread", 12e3), ("process", 480e3)]),
    ];
    let with_python = render_svg(
        "ch01",
        &[group(
            "tutorial",
            Some(0),
            &[("sequential", 40e6), ("CPython sequential", 4e9)],
        )],
    )
    .unwrap();
    assert!(with_python.contains("CPython sequential"), "{with_python}");
    assert!(with_python.contains("#E09B2D"), "{with_python}");
    // The legend names each colour drawn, and the line.
    for name in ["\nCPython\n", "\nbaseline\n", "\n1x (the baseline)\n"] {
        assert!(
            with_python.contains(name),
            "no legend entry {name:?} in {with_python}"
        );
    }
    let svg = render_svg("ch02-threads", &groups).unwrap();
    // A group with a single variant draws too.
    let single = render_svg("one", &[group("only", Some(0), &[("sequential", 1e6)])]).unwrap();
    assert!(single.contains("1.00x"), "{single}");
    // ... with its name and a bar of positive height (plotters drew a one-segment range's bar
    // upside down: height="-12").
    let lone = render_svg("one", &[group("backoff", None, &[("spin", 2e3)])]).unwrap();
    assert!(lone.contains("spin") && lone.contains("2.00 µs"), "{lone}");
    assert!(!lone.contains("height=\"-"), "{lone}");
    assert!(svg.starts_with("<svg"), "{svg}");
    // Under each of the 4 labels a white box, so that the red line at 1x does not cross "0.95x"
    // (and the page's white background).
    let near = render_svg("near", &[group("t", Some(0), &[("a", 1e6), ("b", 1.05e6)])]).unwrap();
    assert!(near.contains("0.95x"), "{near}");
    assert_eq!(svg.matches(r##"fill="#FFFFFF""##).count(), 1 + 4, "{svg}");
    assert!(
        !svg.contains("#E09B2D") && !svg.contains("\nCPython\n"),
        "{svg}"
    );
    assert!(
        svg.contains("\nRust\n") && !with_python.contains("\nRust\n"),
        "{svg}"
    );
    for text in [
        "ch02-threads",
        "tutorial: speedup over sequential (higher is better)",
        "spawn cost: median time (lower is better)",
        "one thread per number",
        "1.90x",
        "480 µs",
        "median time (µs)",
    ] {
        assert!(svg.contains(text), "missing {text:?} in\n{svg}");
    }
}
