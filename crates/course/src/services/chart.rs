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

const WIDTH: u32 = 860;
const HEADER: u32 = 36;
const ROW: u32 = 34;
pub const FONT: &str = "sans-serif";

const BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const BASELINE_BAR: RGBColor = RGBColor(0x9a, 0x9a, 0x9a);
/// CPython rows (variant `CPython …`), so they read apart from the Rust bars.
const CPYTHON_BAR: RGBColor = RGBColor(0xe0, 0x9b, 0x2d);
const ONE_X: RGBColor = RGBColor(0xc0, 0x39, 0x2b);

fn panel_height(group: &Group) -> u32 {
    // caption + x axis + one row per variant
    40 + 45 + ROW * group.rows.len() as u32
}

fn plotting_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing the chart: {e}")
}

/// Renders the chart for a chapter's groups as an SVG document.
pub fn render_svg(title: &str, groups: &[Group]) -> Result<String> {
    stacked_panels(title, groups, panel_height, draw_panel)
}

/// An SVG document in the house style: `title` on top, then one panel per item, stacked, each
/// `height(item)` pixels high and drawn by `draw` (the benchmark charts, the timelines).
pub fn stacked_panels<T>(
    title: &str,
    items: &[T],
    height: impl Fn(&T) -> u32,
    mut draw: impl FnMut(&T, &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let heights: Vec<u32> = items.iter().map(height).collect();
        let total = HEADER + heights.iter().sum::<u32>().max(1);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, total)).into_drawing_area();
        root.fill(&WHITE).map_err(plotting_error)?;
        let (header, body) = root.split_vertically(HEADER);
        header
            .draw_text(title, &(FONT, 20).into_font().color(&BLACK), (12, 10))
            .map_err(plotting_error)?;
        let mut breaks = Vec::new();
        let mut y = 0;
        for h in heights.iter().take(heights.len().saturating_sub(1)) {
            y += *h as i32;
            breaks.push(y);
        }
        let panels = body.split_by_breakpoints::<i32, i32, _, _>([], breaks);
        for (item, area) in items.iter().zip(panels.iter()) {
            draw(item, area)?;
        }
        root.present().map_err(plotting_error)?;
    }
    Ok(svg)
}

/// The chart of one panel: horizontal rows, `n` of them, named from the top by `names`, over an
/// x axis from 0 to `x_max` described by `x_desc`; row k is segment `n - 1 - k`.
pub fn rows_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    label_width: u32,
    x_max: f64,
    n: i32,
    names: &[&str],
    x_desc: &str,
) -> Result<RowsChart<'a, 'b>> {
    // plotters' integer ranges include their end: `0..n - 1` has exactly n segments.
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 16))
        .margin(8)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..x_max, (0..n - 1).into_segmented())
        .map_err(plotting_error)?;
    let name_of = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(n - 1 - *i)
            .ok()
            .and_then(|k| names.get(k))
            .map_or_else(String::new, |s| s.to_string()),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .y_labels(names.len())
        .y_label_formatter(&name_of)
        .x_desc(x_desc)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 13))
        .draw()
        .map_err(plotting_error)?;
    Ok(chart)
}

/// What [`rows_chart`] returns: seconds or a ratio across, rows down.
pub type RowsChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordi32>,
    >,
>;

fn draw_panel(group: &Group, area: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<()> {
    let n = group.rows.len() as i32;
    let longest = group
        .rows
        .iter()
        .map(|r| r.variant.chars().count())
        .max()
        .unwrap_or(1) as u32;
    let label_width = (24 + 8 * longest).min(360);

    // Bar values, their labels, and the axis they share.
    let speedups: Option<Vec<f64>> = group.baseline.map(|_| {
        (0..group.rows.len())
            .map(|i| group.speedup(i).unwrap_or(0.0))
            .collect()
    });
    let (values, labels, caption, axis): (Vec<f64>, Vec<String>, String, String) = match &speedups {
        Some(s) => (
            s.clone(),
            s.iter().map(|v| format_speedup(*v)).collect(),
            format!(
                "{}: speedup over {} (higher is better)",
                group.name,
                group
                    .baseline
                    .map_or("", |b| group.rows[b].variant.as_str())
            ),
            "speedup (baseline median / variant median)".to_string(),
        ),
        None => {
            let max = group.rows.iter().map(|r| r.median_ns).fold(0.0, f64::max);
            let (unit, scale) = time_unit(max);
            (
                group.rows.iter().map(|r| r.median_ns / scale).collect(),
                group
                    .rows
                    .iter()
                    .map(|r| format_duration(r.median_ns))
                    .collect(),
                format!("{}: median time (lower is better)", group.name),
                format!("median time ({unit})"),
            )
        }
    };
    let max = values.iter().copied().fold(0.0, f64::max);
    let floor = if speedups.is_some() { 1.0 } else { 0.0 };
    let x_max = (max.max(floor) * 1.2).max(f64::MIN_POSITIVE);

    let names: Vec<&str> = group.rows.iter().map(|r| r.variant.as_str()).collect();
    let mut chart = rows_chart(area, &caption, label_width, x_max, n, &names, &axis)?;

    chart
        .draw_series(values.iter().enumerate().map(|(k, v)| {
            let i = n - 1 - k as i32;
            let color = if Some(k) == group.baseline {
                BASELINE_BAR
            } else if group.rows[k]
                .variant
                .starts_with(crate::services::python_bench::PREFIX)
            {
                CPYTHON_BAR
            } else {
                BAR
            };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (*v, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(plotting_error)?;

    let value_style = TextStyle::from((FONT, 13).into_font()).color(&BLACK).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ),
    );
    chart
        .draw_series(
            values
                .iter()
                .zip(&labels)
                .enumerate()
                .map(|(k, (v, label))| {
                    let i = n - 1 - k as i32;
                    EmptyElement::at((*v, SegmentValue::CenterOf(i)))
                        + Text::new(label.clone(), (5, 0), value_style.clone())
                }),
        )
        .map_err(plotting_error)?;

    if speedups.is_some() {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(1.0, SegmentValue::Exact(0)), (1.0, SegmentValue::Exact(n))],
                ONE_X.stroke_width(2),
            )))
            .map_err(plotting_error)?;
    }
    Ok(())
}

/// The unit the largest value reads best in.
fn time_unit(max_ns: f64) -> (&'static str, f64) {
    if max_ns >= 1e9 {
        ("s", 1e9)
    } else if max_ns >= 1e6 {
        ("ms", 1e6)
    } else if max_ns >= 1e3 {
        ("µs", 1e3)
    } else {
        ("ns", 1.0)
    }
}

#[cfg(test)]
mod tests;
