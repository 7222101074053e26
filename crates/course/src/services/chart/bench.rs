//! The benchmark chart's panels, `book/bench/<chapter>.svg`: one per group, horizontal bars of
//! speedup (with a line at 1x) when the group has a baseline, else of median time. CPython rows
//! (variant `CPython …`) are drawn in orange, the baseline in grey, Rust rows in blue.
//!
//! A panel whose values span more than [`LOG_RATIO`] (a speedup panel's counting the 1x line) is
//! drawn on a log axis, said in its caption and axis description. Speedup bars grow from the 1x
//! line: right for faster than the baseline, left for slower, each as long as its factor's
//! logarithm. Time bars start at the whole decade left of the smallest. On a linear axis,
//! chapter 05's chunk sizes (rayon at about 500x, CPython's ProcessPoolExecutor at 0.01x) left
//! every bar but rayon's a sliver, and the slower-than-baseline ones all looked alike.

use super::{
    BASELINE_BAR, Bar, CPYTHON_BAR, Label, RUST_BAR, RowsPanel, TEXT, plot_width,
    text_width,
};
use crate::services::report::Group;
use crate::services::units::{format_duration, format_speedup};

/// Above this ratio of the largest value to the smallest (1x included for speedups), a panel
/// has a log axis: on a linear one the smallest bar would be under a hundredth of the plotting area, a
/// few pixels.
pub const LOG_RATIO: f64 = 100.0;

/// A tick of a log axis of speedups: `v`, if a whole number, as 10^v ("0.01x", "1x", "100x").
pub fn power_of_ten(v: &f64) -> String {
    whole(*v).map_or_else(String::new, |k| {
        if k >= 0 {
            format!("1{}x", "0".repeat(k as usize))
        } else {
            format!("0.{}1x", "0".repeat((-k - 1) as usize))
        }
    })
}

/// A tick of a log axis of times: `v`, if a whole number, as 10^v ns ("100 ns", "1 µs", "10 s").
pub fn power_of_ten_ns(v: &f64) -> String {
    let units = ["ns", "µs", "ms", "s"];
    whole(*v).filter(|k| *k >= 0).map_or_else(String::new, |k| {
        let unit = (k / 3).min(3);
        let zeros = (k - 3 * unit) as usize;
        format!("1{} {}", "0".repeat(zeros), units[unit as usize])
    })
}

fn whole(v: f64) -> Option<i32> {
    ((v - v.round()).abs() < 1e-6).then_some(v.round() as i32)
}

/// Where a group's bars go: each value's bar (from, to) and its label's x, and the axis.
struct Scale {
    bars: Vec<(f64, f64)>,
    labels: Vec<f64>,
    x: (f64, f64),
    log: bool,
}

/// Whether the positive `values` (and 1x, for `speedups`) span more than [`LOG_RATIO`].
fn wide(values: &[f64], speedups: bool) -> bool {
    let positive = values.iter().copied().filter(|v| *v > 0.0);
    let from = if speedups { 1.0 } else { f64::INFINITY };
    let (min, max) =
        positive.fold((from, from.min(0.0)), |(lo, hi), v| (lo.min(v), hi.max(v)));
    max / min > LOG_RATIO
}

/// `values` from 0 on an axis from 0 to `floor` or more; or, if `log`, their logarithms, from
/// the 1x line if there is a `baseline` (a faster bar right of it, a slower one left), else from
/// the whole decade left of the smallest. Labels stand right of the bar's end, or of the 1x line
/// for a bar left of it; `room` is the share of the axis added on the right for them.
fn scale(
    values: &[f64],
    floor: f64,
    baseline: Option<usize>,
    room: f64,
    log: bool,
) -> Scale {
    let max = values.iter().copied().fold(floor, f64::max);
    if !log {
        return Scale {
            bars: values.iter().map(|v| (0.0, *v)).collect(),
            labels: values.to_vec(),
            x: (0.0, (max * (1.0 + room)).max(f64::MIN_POSITIVE)),
            log: false,
        };
    }
    let positive = values.iter().copied().filter(|v| *v > 0.0);
    // the 1x line counts as a value of a speedup panel
    let first = if baseline.is_some() { 1.0 } else { max };
    let min = positive.fold(first, f64::min);
    let (lo, hi) = (min.log10(), max.log10());
    let origin = if baseline.is_some() {
        0.0
    } else {
        (lo - 0.1).floor()
    };
    let (lo, span) = (lo.min(origin), hi - lo.min(origin));
    let log = |v: f64| if v > 0.0 { v.log10() } else { origin };
    // The baseline's bar, of length 0, is a grey mark across the line, 3% of the span wide.
    let bars = values
        .iter()
        .enumerate()
        .map(|(k, v)| match Some(k) == baseline {
            true => (-0.015 * span, 0.015 * span),
            false => (log(*v).min(origin), log(*v).max(origin)),
        });
    Scale {
        bars: bars.collect(),
        labels: values.iter().map(|v| log(*v).max(origin)).collect(),
        // from a whole decade if the smallest is just right of one (0.16x: from 0.1x), so that
        // a tick stands left of 1x
        x: (
            (lo - 0.04 * span).min((lo + 0.05).floor()),
            hi + room * span,
        ),
        log: true,
    }
}

/// A group's panel: speedups (with a line at 1x) if it has a baseline, else median times.
pub fn group_panel(group: &Group) -> RowsPanel {
    // One segment per row, two at least: plotters maps every point of a segmented range of one
    // to the same place, so a lone row lost its bar and its name (the empty one is at the bottom).
    let n = (group.rows.len() as i32).max(2);
    let names: Vec<String> = group.rows.iter().map(|r| r.variant.clone()).collect();
    let longest = names
        .iter()
        .map(|v| text_width(v, TEXT))
        .fold(0.0, f64::max);
    let label_width = (20 + longest as u32).min(380);
    let medians: Vec<f64> = group.rows.iter().map(|r| r.median_ns).collect();
    let (values, labels, caption, x_desc, log): (Vec<f64>, Vec<String>, _, _, _) =
        match group.baseline {
            Some(b) => {
                let values: Vec<f64> = (0..group.rows.len())
                    .map(|i| group.speedup(i).unwrap_or(0.0))
                    .collect();
                let labels = values.iter().map(|v| format_speedup(*v)).collect();
                let log = wide(&values, true);
                (
                    values,
                    labels,
                    format!(
                        "{}: speedup over {} (higher is better)",
                        group.name, names[b]
                    ),
                    "speedup (baseline median / variant median)".to_string(),
                    log,
                )
            }
            None => {
                let log = wide(&medians, false);
                let max = medians.iter().copied().fold(0.0, f64::max);
                // the unit the largest value reads best in (on a log axis, each tick has its unit)
                let mut units = [("s", 1e9), ("ms", 1e6), ("µs", 1e3)].into_iter();
                let (unit, scale) = units
                    .find(|(_, scale)| max >= *scale && !log)
                    .unwrap_or(("ns", 1.0));
                (
                    medians.iter().map(|ns| ns / scale).collect(),
                    medians.iter().copied().map(format_duration).collect(),
                    format!("{}: median time (lower is better)", group.name),
                    format!("median time ({unit})"),
                    log,
                )
            }
        };
    // Room right of the longest bar for its label.
    let widest = labels
        .iter()
        .map(|l| text_width(l, TEXT))
        .fold(0.0, f64::max);
    let room = (widest + 12.0) / f64::from(plot_width(label_width)).max(1.0);
    let floor = if group.baseline.is_some() { 1.0 } else { 0.0 };
    let scale = scale(&values, floor, group.baseline, room.clamp(0.1, 0.5), log);
    let bars = scale.bars.iter().enumerate().map(|(k, x)| {
        let i = n - 1 - k as i32;
        let color = if Some(k) == group.baseline {
            BASELINE_BAR
        } else if names[k].starts_with(crate::services::python_bench::PREFIX) {
            CPYTHON_BAR
        } else {
            RUST_BAR
        };
        Bar {
            x: *x,
            i: (i, i + 1),
            margin: [6, 6, 0, 0],
            color,
        }
    });
    let labels = scale.labels.iter().zip(labels).enumerate();
    let labels = labels.map(|(k, (x, text))| Label {
        x: *x,
        i: n - 1 - k as i32,
        text,
        inside: false,
    });
    let (caption, x_desc) = match scale.log {
        true => (
            caption.replace("better)", "better; log scale)"),
            format!("{}, log scale", x_desc.replace(" (ns)", "")),
        ),
        false => (caption, x_desc),
    };
    RowsPanel {
        // caption + x axis + one row per segment
        height: 40 + 45 + 34 * n as u32,
        caption,
        label_width,
        x_min: scale.x.0,
        x_max: scale.x.1,
        x_desc,
        log: match (scale.log, group.baseline) {
            (false, _) => None,
            (true, Some(_)) => Some(power_of_ten),
            (true, None) => Some(power_of_ten_ns),
        },
        segments: n,
        bars: bars.collect(),
        labels: labels.collect(),
        label_style: (TEXT, 5),
        line: group.baseline.map(|_| if scale.log { 0.0 } else { 1.0 }),
        names,
    }
}
