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
    let single =
        render_svg("one", &[group("only", Some(0), &[("sequential", 1e6)])]).unwrap();
    assert!(single.contains("1.00x"), "{single}");
    // ... with its name and a bar of positive height (plotters drew a one-segment range's bar
    // upside down: height="-12").
    let lone =
        render_svg("one", &[group("backoff", None, &[("spin", 2e3)])]).unwrap();
    assert!(lone.contains("spin") && lone.contains("2.00 µs"), "{lone}");
    assert!(!lone.contains("height=\"-"), "{lone}");
    assert!(svg.starts_with("<svg"), "{svg}");
    // Under each of the 4 labels a white box, so that the red line at 1x does not cross "0.95x"
    // (and the page's white background).
    let near =
        render_svg("near", &[group("t", Some(0), &[("a", 1e6), ("b", 1.05e6)])])
            .unwrap();
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

/// Each `<rect>` of colour `fill` in `svg`, as (x, width).
pub fn rects(svg: &str, fill: &str) -> Vec<(f64, f64)> {
    let tags = svg
        .split("<rect")
        .filter(|t| t.contains(&format!("fill=\"{fill}\"")));
    tags.map(|t| (attr(t, "x"), attr(t, "width"))).collect()
}

/// Each `<text>` of `svg`: its text, x, font size and fill.
pub fn texts(svg: &str) -> Vec<(String, f64, f64, String)> {
    let tags = svg.split("<text").skip(1);
    let text = |t: &str| t.split('\n').nth(1).unwrap_or("").to_string();
    let fill = |t: &str| t.split("fill=\"").nth(1).unwrap()[..7].to_string();
    tags.map(|t| (text(t), attr(t, "x"), attr(t, "font-size"), fill(t)))
        .collect()
}

/// The number in attribute `name` of an SVG `tag`.
pub fn attr(tag: &str, name: &str) -> f64 {
    let from = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[from..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn charts_are_as_wide_as_the_book_column_and_their_text_is_legible() {
    let groups = [group("t", Some(0), &[("a", 1e6), ("b", 2e6)])];
    let svg = render_svg("ch01", &groups).unwrap();
    // The book shows a chart at most 750 px wide: drawn at 860, its 10.5 px labels read as 9 px.
    assert!(svg.starts_with(r#"<svg width="750" "#), "{svg}");
    let texts = texts(&svg);
    assert!(texts.len() > 10, "{svg}");
    for (text, _, size, _) in &texts {
        assert!(*size >= 13.0, "{text:?} is {size} px");
    }
    let title = texts.iter().find(|t| t.0 == "ch01").unwrap();
    assert!(title.2 >= 20.0, "{title:?}");
}

#[test]
fn ticks_of_a_log_axis_are_powers_of_ten() {
    let ticks = [-2.0, -1.0, 0.0, 1.0, 3.0, 0.5].map(|v| bench::power_of_ten(&v));
    assert_eq!(ticks, ["0.01x", "0.1x", "1x", "10x", "1000x", ""]);
    let ticks =
        [0.0, 2.0, 3.0, 7.0, 9.0, 10.0, 2.5].map(|v| bench::power_of_ten_ns(&v));
    assert_eq!(
        ticks,
        ["1 ns", "100 ns", "1 µs", "10 ms", "1 s", "10 s", ""]
    );
}

#[test]
fn speedups_spanning_more_than_100x_are_drawn_on_a_log_axis_from_1x() {
    // 100 times slower and 500 times faster than the baseline
    let rows = [("base", 1e6), ("slow", 100e6), ("fast", 2e3)];
    let svg = render_svg("wide", &[group("t", Some(0), &rows)]).unwrap();
    assert!(
        svg.contains("t: speedup over base (higher is better; log scale)")
            && svg.contains("speedup (baseline median / variant median), log scale"),
        "{svg}"
    );
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.0).collect();
    for tick in ["0.01x", "1x", "10x", "100x", "0.010x", "500x"] {
        assert!(
            labels.iter().any(|l| l == tick),
            "no {tick:?} in {labels:?}"
        );
    }
    // The baseline's grey mark straddles 1x, where the slower bar ends and the faster starts.
    let base = rects(&svg, "#9A9A9A");
    let one = base[0].0 + base[0].1 / 2.0;
    assert!(base[0].1 >= 4.0, "{base:?}");
    let [slow, fast] = rects(&svg, "#3B6EA8")[..] else {
        panic!("{svg}")
    };
    assert!(
        (slow.0 + slow.1 - one).abs() <= 1.5,
        "{slow:?} ends at 1x {one}"
    );
    assert!((fast.0 - one).abs() <= 1.5, "{fast:?} starts at 1x {one}");
    // each as long as its factor's logarithm: log 500 / log 100 = 1.35
    let ratio = fast.1 / slow.1;
    assert!((ratio - 500f64.log10() / 2.0).abs() < 0.03, "{ratio}");
    // Times too, their bars from the decade below the smallest.
    let times = [("small", 210.0), ("large", 17.6e6)];
    let svg = render_svg("times", &[group("t", None, &times)]).unwrap();
    assert!(
        svg.contains("t: median time (lower is better; log scale)"),
        "{svg}"
    );
    let labels: Vec<String> = texts(&svg).into_iter().map(|t| t.0).collect();
    for tick in ["100 ns", "1 µs", "10 ms", "210 ns", "17.6 ms"] {
        assert!(
            labels.iter().any(|l| l == tick),
            "no {tick:?} in {labels:?}"
        );
    }
    let [small, large] = rects(&svg, "#3B6EA8")[..] else {
        panic!("{svg}")
    };
    assert_eq!(small.0, large.0, "{svg}");
    // 100 ns to 210 ns, and to 17.6 ms
    let ratio = large.1 / small.1;
    let expected = 176e3f64.log10() / 2.1f64.log10();
    assert!((ratio / expected - 1.0).abs() < 0.05, "{ratio} {expected}");
    // Up to 100x, the axis stays linear.
    let near = render_svg("near", &[group("t", Some(0), &[("a", 1e6), ("b", 99e6)])])
        .unwrap();
    assert!(!near.contains("log scale"), "{near}");
}
