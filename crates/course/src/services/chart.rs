//! The benchmark chart, `book/bench/<chapter>.svg`: one panel per group, horizontal bars of
//! speedup (with a line at 1x) when the group has a baseline, else of median time. CPython rows
//! (variant `CPython …`) are drawn in orange, the baseline in grey, Rust rows in blue.
//!
//! plotters is built without its font features: the SVG backend writes `<text>` elements and the
//! browser renders them, so no font file or system font library is needed to draw the chart.

use crate::services::report::Group;
use crate::services::units::{format_duration, format_speedup};
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 860;
const HEADER: u32 = 36;
const FONT: &str = "sans-serif";

pub const RUST_BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const BASELINE_BAR: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);
/// CPython rows (variant `CPython …`), so they read apart from the Rust bars.
pub const CPYTHON_BAR: RGBColor = RGBColor(0xe0, 0x9b, 0x2d);
/// The line at 1x, or at a timeline's ideal makespan.
const LINE: RGBColor = RGBColor(0xc0, 0x39, 0x2b);

/// One panel in the house style, as the benchmark charts and the timelines draw it: a caption,
/// `segments` horizontal rows named from the top by `names`, over an x axis from 0 to `x_max`
/// described by `x_desc`. Segment `i` counts from the bottom: row k from the top is `n - 1 - k`.
pub struct RowsPanel {
    pub height: u32,
    pub caption: String,
    pub label_width: u32,
    pub x_max: f64,
    pub x_desc: String,
    pub segments: i32,
    pub names: Vec<String>,
    /// Drawn in order, so a bar covers the ones before it.
    pub bars: Vec<Bar>,
    /// (x, segment, text): text written right of x, in the middle of the segment.
    pub labels: Vec<(f64, i32, String)>,
    /// The labels' font size, colour and distance from their x, in pixels.
    pub label_style: (u32, RGBColor, i32),
    /// A red line across every row at this x.
    pub line: Option<f64>,
}

/// A rectangle over `x.0..x.1` and the segments `i.0..i.1`, `margin` (top, bottom, left, right)
/// pixels inside.
pub struct Bar {
    pub x: (f64, f64),
    pub i: (i32, i32),
    pub margin: [u32; 4],
    pub color: RGBColor,
}

fn plotting_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing the chart: {e}")
}

/// Renders the chart for a chapter's groups as an SVG document.
pub fn render_svg(title: &str, groups: &[Group]) -> Result<String> {
    let panels: Vec<RowsPanel> = groups.iter().map(group_panel).collect();
    stacked_panels(title, &panels, "1x (the baseline)")
}

/// The legend: each colour some bar uses, named (a timeline's grey band is not a bar), then the
/// red line, named `line_name`, if a panel has one.
fn legend(panels: &[RowsPanel], line_name: &str) -> Vec<(RGBColor, String, bool)> {
    let names = [
        (RUST_BAR, "Rust"),
        (CPYTHON_BAR, "CPython"),
        (BASELINE_BAR, "baseline"),
    ];
    let used = |c: &RGBColor| panels.iter().any(|p| p.bars.iter().any(|b| b.color == *c));
    let bars = names.into_iter().filter(|(c, _)| used(c));
    let mut entries: Vec<_> = bars.map(|(c, name)| (c, name.to_string(), false)).collect();
    if panels.iter().any(|p| p.line.is_some()) {
        entries.push((LINE, line_name.to_string(), true));
    }
    entries
}

/// An SVG document in the house style: `title` on top with a legend on its right (what each
/// colour is, and what the red line, `line_name`, marks), then the panels, stacked.
pub fn stacked_panels(title: &str, panels: &[RowsPanel], line_name: &str) -> Result<String> {
    let mut svg = String::new();
    {
        let total = HEADER + panels.iter().map(|p| p.height).sum::<u32>().max(1);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, total)).into_drawing_area();
        root.fill(&WHITE).map_err(plotting_error)?;
        let (header, body) = root.split_vertically(HEADER);
        header
            .draw_text(title, &(FONT, 20).into_font().color(&BLACK), (12, 10))
            .map_err(plotting_error)?;
        // Right-aligned, at about 5.5 px a character: a swatch, its name, a gap.
        let entries = legend(panels, line_name);
        let width = |name: &str| 18 + (5.5 * name.chars().count() as f64) as i32 + 14;
        let mut x = WIDTH as i32 - 12 - entries.iter().map(|(_, n, _)| width(n)).sum::<i32>();
        for (color, name, is_line) in entries {
            // Strokes, not filled rectangles: a bar is the only `fill` of its colour.
            let swatch = if is_line {
                PathElement::new(vec![(x + 7, 11), (x + 7, 25)], color.stroke_width(2))
            } else {
                PathElement::new(vec![(x, 18), (x + 14, 18)], color.stroke_width(10))
            };
            header.draw(&swatch).map_err(plotting_error)?;
            let style = (FONT, 13).into_font().color(&BLACK);
            header
                .draw_text(
                    &name,
                    &style.pos(Pos::new(HPos::Left, VPos::Center)),
                    (x + 18, 18),
                )
                .map_err(plotting_error)?;
            x += width(&name);
        }
        let breaks = panels.iter().scan(0, |y, p| {
            *y += p.height as i32;
            Some(*y)
        });
        let breaks: Vec<i32> = breaks.take(panels.len().saturating_sub(1)).collect();
        let areas = body.split_by_breakpoints::<i32, i32, _, _>([], breaks);
        for (panel, area) in panels.iter().zip(&areas) {
            draw(panel, area)?;
        }
        root.present().map_err(plotting_error)?;
    }
    Ok(svg)
}

fn draw(panel: &RowsPanel, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()> {
    let n = panel.segments;
    // plotters' integer ranges include their end: `0..n - 1` has exactly n segments.
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.caption, (FONT, 16))
        .margin(8)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(panel.label_width)
        .build_cartesian_2d(0f64..panel.x_max, (0..n - 1).into_segmented())
        .map_err(plotting_error)?;
    let name_of = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(n - 1 - *i)
            .ok()
            .and_then(|k| panel.names.get(k))
            .map_or_else(String::new, String::clone),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .y_labels(panel.names.len())
        .y_label_formatter(&name_of)
        .x_desc(&panel.x_desc)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(plotting_error)?;

    let bars = panel.bars.iter().map(|b| {
        let corners = [
            (b.x.0, SegmentValue::Exact(b.i.0)),
            (b.x.1, SegmentValue::Exact(b.i.1)),
        ];
        let mut bar = Rectangle::new(corners, b.color.filled());
        let [top, bottom, left, right] = b.margin;
        bar.set_margin(top, bottom, left, right);
        bar
    });
    chart.draw_series(bars).map_err(plotting_error)?;
    if let Some(x) = panel.line {
        let ends = vec![(x, SegmentValue::Exact(0)), (x, SegmentValue::Exact(n))];
        let line = PathElement::new(ends, LINE.stroke_width(2));
        chart.draw_series([line]).map_err(plotting_error)?;
    }
    let (size, color, dx) = panel.label_style;
    let style = TextStyle::from((FONT, size).into_font())
        .color(&color)
        .pos(Pos::new(HPos::Left, VPos::Center));
    // Black labels stand right of their bar, where the red line may cross them ("0.95x" next to
    // 1x): each gets a white box under it (about 0.46 of the font size a character, plus 2 px
    // around), so the line stops short of the text. White labels sit inside their bars.
    if color == BLACK {
        let boxes = panel.labels.iter().map(|(x, i, text)| {
            let half = (size / 2) as i32;
            let width = (0.46 * f64::from(size) * text.chars().count() as f64) as i32;
            let corners = [(dx - 2, -half), (dx + width + 2, half)];
            EmptyElement::at((*x, SegmentValue::CenterOf(*i)))
                + Rectangle::new(corners, WHITE.filled())
        });
        chart.draw_series(boxes).map_err(plotting_error)?;
    }
    let labels = panel.labels.iter().map(|(x, i, text)| {
        EmptyElement::at((*x, SegmentValue::CenterOf(*i)))
            + Text::new(text.clone(), (dx, 0), style.clone())
    });
    chart.draw_series(labels).map_err(plotting_error)?;
    Ok(())
}

/// A group's panel: speedups (with a line at 1x) if it has a baseline, else median times.
fn group_panel(group: &Group) -> RowsPanel {
    // One segment per row, two at least: plotters maps every point of a segmented range of one
    // to the same place, so a lone row lost its bar and its name (the empty one is at the bottom).
    let n = (group.rows.len() as i32).max(2);
    let names: Vec<String> = group.rows.iter().map(|r| r.variant.clone()).collect();
    let longest = names.iter().map(|v| v.chars().count()).max().unwrap_or(1) as u32;
    let (values, labels, caption, x_desc): (Vec<f64>, Vec<String>, _, _) = match group.baseline {
        Some(b) => {
            let values: Vec<f64> = (0..group.rows.len())
                .map(|i| group.speedup(i).unwrap_or(0.0))
                .collect();
            let labels = values.iter().map(|v| format_speedup(*v)).collect();
            (
                values,
                labels,
                format!(
                    "{}: speedup over {} (higher is better)",
                    group.name, names[b]
                ),
                "speedup (baseline median / variant median)".to_string(),
            )
        }
        None => {
            let max = group.rows.iter().map(|r| r.median_ns).fold(0.0, f64::max);
            // the unit the largest value reads best in
            let mut units = [("s", 1e9), ("ms", 1e6), ("µs", 1e3)].into_iter();
            let (unit, scale) = units
                .find(|(_, scale)| max >= *scale)
                .unwrap_or(("ns", 1.0));
            let medians = group.rows.iter().map(|r| r.median_ns);
            (
                medians.clone().map(|ns| ns / scale).collect(),
                medians.map(format_duration).collect(),
                format!("{}: median time (lower is better)", group.name),
                format!("median time ({unit})"),
            )
        }
    };
    let max = values.iter().copied().fold(0.0, f64::max);
    let floor = if group.baseline.is_some() { 1.0 } else { 0.0 };
    let bars = values.iter().enumerate().map(|(k, v)| {
        let i = n - 1 - k as i32;
        let color = if Some(k) == group.baseline {
            BASELINE_BAR
        } else if names[k].starts_with(crate::services::python_bench::PREFIX) {
            CPYTHON_BAR
        } else {
            RUST_BAR
        };
        let margin = [6, 6, 0, 0];
        Bar {
            x: (0.0, *v),
            i: (i, i + 1),
            margin,
            color,
        }
    });
    let labels = values.iter().zip(labels).enumerate();
    RowsPanel {
        // caption + x axis + one row per segment
        height: 40 + 45 + 34 * n as u32,
        caption,
        label_width: (24 + 8 * longest).min(360),
        x_max: (max.max(floor) * 1.2).max(f64::MIN_POSITIVE),
        x_desc,
        segments: n,
        bars: bars.collect(),
        labels: labels
            .map(|(k, (v, l))| (*v, n - 1 - k as i32, l))
            .collect(),
        label_style: (13, BLACK, 5),
        line: group.baseline.map(|_| 1.0),
        names,
    }
}

#[cfg(test)]
mod tests;
