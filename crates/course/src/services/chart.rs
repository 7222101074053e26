//! The house style of the book's charts: panels of horizontal rows, stacked under a title and a
//! legend ([`stacked_panels`]), as the benchmark charts ([`render_svg`], see [`bench`]) and the
//! timelines draw them.
//!
//! The charts are drawn [`WIDTH`] pixels wide, the width of mdBook's text column (its
//! `--content-max-width`): a browser shows them at their own size, so a 13 px label reads as
//! 13 px. Drawn wider, they were scaled down into the column, and their labels with them.
//!
//! plotters is built without its font features: the SVG backend writes `<text>` elements and the
//! browser renders them, so no font file or system font library is needed to draw the chart.

use crate::services::report::Group;
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// mdBook's `--content-max-width`: the column the charts are shown in.
pub const WIDTH: u32 = 750;
/// The title's line, then the legend's.
const HEADER: u32 = 56;
const FONT: &str = "sans-serif";
/// Tick labels, row names, bar labels and the legend, in pixels (as all sizes here).
pub const TEXT: u32 = 13;
/// The chart's margin left of the row names, and right of the plotting area.
const MARGIN: (u32, u32) = (8, 24);

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
    pub x_min: f64,
    pub x_max: f64,
    pub x_desc: String,
    /// If the x values are base-10 logarithms, how a tick at a whole number reads (as the power of
    /// ten: "0.01x", "1x", "100x"; "100 ns", "1 µs"). Ticks fall on the whole numbers only.
    pub log: Option<fn(&f64) -> String>,
    pub segments: i32,
    pub names: Vec<String>,
    /// Drawn in order, so a bar covers the ones before it.
    pub bars: Vec<Bar>,
    pub labels: Vec<Label>,
    /// The labels' font size and distance from their x, in pixels.
    pub label_style: (u32, i32),
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

/// The panels' captions, in pixels.
pub const CAPTION: u32 = 16;

/// A text written right of `x`, in the middle of segment `i`: white if `inside` a bar (black in
/// CPython's orange ones), else black on a white box (so that the red line, crossing it, stops short of the text).
pub struct Label {
    pub x: f64,
    pub i: i32,
    pub text: String,
    pub inside: bool,
}

/// The width in pixels of the plotting area of a panel whose row names take `label_width`.
pub fn plot_width(label_width: u32) -> u32 {
    WIDTH.saturating_sub(MARGIN.0 + MARGIN.1 + label_width)
}

/// About how wide `text` is in pixels at font size `size`: 0.62 of the size a character, the
/// width of a digit in DejaVu Sans, a wide sans-serif (Liberation Sans and Arial are narrower).
pub fn text_width(text: &str, size: u32) -> f64 {
    0.62 * f64::from(size) * text.chars().count() as f64
}

/// A font size for plotters that the SVG reads as `size` pixels or a little more: plotters' SVG
/// backend writes a font's size divided by 1.24 (a 13 asked for was written 10.48), and its axis
/// labels and captions round the size down to a whole number first.
fn px(size: u32) -> f64 {
    (f64::from(size) * 1.24).ceil()
}

fn plotting_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing the chart: {e}")
}

/// Renders the chart for a chapter's groups as an SVG document.
pub fn render_svg(title: &str, groups: &[Group]) -> Result<String> {
    let panels: Vec<RowsPanel> = groups.iter().map(bench::group_panel).collect();
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
    let used =
        |c: &RGBColor| panels.iter().any(|p| p.bars.iter().any(|b| b.color == *c));
    let bars = names.into_iter().filter(|(c, _)| used(c));
    let mut entries: Vec<_> =
        bars.map(|(c, name)| (c, name.to_string(), false)).collect();
    if panels.iter().any(|p| p.line.is_some()) {
        entries.push((LINE, line_name.to_string(), true));
    }
    entries
}

/// An SVG document in the house style: `title` on top with a legend on its right (what each
/// colour is, and what the red line, `line_name`, marks), then the panels, stacked.
pub fn stacked_panels(
    title: &str,
    panels: &[RowsPanel],
    line_name: &str,
) -> Result<String> {
    let mut svg = String::new();
    {
        let total = HEADER + panels.iter().map(|p| p.height).sum::<u32>().max(1);
        let root =
            SVGBackend::with_string(&mut svg, (WIDTH, total)).into_drawing_area();
        root.fill(&WHITE).map_err(plotting_error)?;
        let (header, body) = root.split_vertically(HEADER);
        header
            .draw_text(title, &(FONT, px(20)).into_font().color(&BLACK), (12, 8))
            .map_err(plotting_error)?;
        // The legend on a line of its own (beside the title, it ran into a long one): a swatch,
        // its name, a gap.
        let mut x = 12;
        for (color, name, is_line) in legend(panels, line_name) {
            // Strokes, not filled rectangles: a bar is the only `fill` of its colour.
            let swatch = if is_line {
                PathElement::new(
                    vec![(x + 7, 35), (x + 7, 49)],
                    color.stroke_width(2),
                )
            } else {
                PathElement::new(vec![(x, 42), (x + 14, 42)], color.stroke_width(10))
            };
            header.draw(&swatch).map_err(plotting_error)?;
            let style = (FONT, px(TEXT)).into_font().color(&BLACK);
            header
                .draw_text(
                    &name,
                    &style.pos(Pos::new(HPos::Left, VPos::Center)),
                    (x + 18, 42),
                )
                .map_err(plotting_error)?;
            x += 18 + text_width(&name, TEXT) as i32 + 16;
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
        .caption(&panel.caption, (FONT, px(CAPTION)))
        .margin(MARGIN.0)
        .margin_right(MARGIN.1)
        .x_label_area_size(40)
        .y_label_area_size(panel.label_width)
        .build_cartesian_2d(panel.x_min..panel.x_max, (0..n - 1).into_segmented())
        .map_err(plotting_error)?;
    let name_of = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(n - 1 - *i)
            .ok()
            .and_then(|k| panel.names.get(k))
            .map_or_else(String::new, String::clone),
        _ => String::new(),
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_y_mesh()
        .light_line_style(WHITE.mix(0.0))
        .y_labels(panel.names.len())
        .y_label_formatter(&name_of)
        .x_desc(&panel.x_desc)
        .label_style((FONT, px(TEXT)))
        .axis_desc_style((FONT, px(TEXT)));
    if let Some(ticks) = &panel.log {
        // plotters steps its ticks by 1 when there is room for a tick a decade and not for two.
        let decades = (panel.x_max - panel.x_min).ceil() as usize;
        mesh.x_labels(decades + 1).x_label_formatter(ticks);
    }
    mesh.draw().map_err(plotting_error)?;

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
    let (size, dx) = panel.label_style;
    let style = TextStyle::from((FONT, px(size)).into_font())
        .pos(Pos::new(HPos::Left, VPos::Center));
    let (white, black) = (style.color(&WHITE), style.color(&BLACK));
    let outside = panel.labels.iter().filter(|l| !l.inside);
    let boxes = outside.map(|l| {
        let half = (size / 2 + 1) as i32;
        // as wide as the text in Liberation Sans or Arial (wider in DejaVu Sans, where the line
        // may touch the last character): wider boxes cut the grid lines for nothing
        let width = (0.55 * f64::from(size) * l.text.chars().count() as f64) as i32;
        let corners = [(dx - 2, -half), (dx + width + 2, half)];
        EmptyElement::at((l.x, SegmentValue::CenterOf(l.i)))
            + Rectangle::new(corners, WHITE.filled())
    });
    chart.draw_series(boxes).map_err(plotting_error)?;
    // White reads on the blue bars; on CPython's orange it is faint (contrast 2.4:1), black is not.
    let orange = panel.bars.iter().any(|b| b.color == CPYTHON_BAR);
    let labels = panel.labels.iter().map(|l| {
        let style = if l.inside && !orange { &white } else { &black };
        EmptyElement::at((l.x, SegmentValue::CenterOf(l.i)))
            + Text::new(l.text.clone(), (dx, 0), style.clone())
    });
    chart.draw_series(labels).map_err(plotting_error)?;
    Ok(())
}

mod bench;

#[cfg(test)]
pub mod tests;
