//! Timeline charts, `book/<chapter>/output/<name>.timeline.svg`: where the cores went in one run.
//!
//! `cargo course capture` runs each example and script with `COURSE_TIMELINE` naming a file;
//! those that record (through `workloads::timeline` or `workloads/python/timeline.py`) write
//! there which worker ran which task, from when to when. This module draws that file: one panel
//! per recorded section, one row per worker (a thread or a process), one bar per task, and a
//! line at the ideal makespan, the larger of the longest task and the total work divided by
//! the section's slots (the cores for CPU-bound work, the workers for sleeps).
//!
//! Tasks of one worker that overlap in time (tokio or asyncio tasks waiting at once on one
//! thread) are drawn in lanes of that worker's row, one lane per task in flight, so that no bar
//! hides another, on a light band that spans the row.
//!
//! A task's work is the CPU time its thread used, not the length of its bar: a task that shared
//! its core, or waited for CPython's GIL, has a bar longer than its work. A task that used less
//! CPU than a tenth of its bar mostly slept: its work is the whole bar.

use crate::services::chart::FONT;
use anyhow::{Context, Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use workloads::timeline::{Kind, Record};

const ROW: u32 = 32;
const RUST_BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
/// CPython's bars, in the orange of its rows in the benchmark charts.
const CPYTHON_BAR: RGBColor = RGBColor(0xe0, 0x9b, 0x2d);
const IDEAL: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
/// The band behind a row of several lanes.
const BAND: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

fn plotting_error(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("drawing the timeline: {e}")
}

/// One section with its tasks, grouped by worker.
#[derive(Debug)]
pub struct Panel {
    pub label: String,
    pub slots: u64,
    /// Seconds from the section's start to its end.
    pub makespan: f64,
    /// One row per worker, in the order they started their first task.
    pub rows: Vec<Row>,
}

/// One worker (a thread or a process) and the tasks it ran.
#[derive(Debug)]
pub struct Row {
    pub worker: String,
    /// Each task as (label, start, end, work), in seconds (start and end from the section's
    /// start).
    pub bars: Vec<(String, f64, f64, f64)>,
}

impl Row {
    /// Each bar's lane, and how many lanes the row needs (one at least): a bar goes into the
    /// first lane that is free when it starts (bars are in order of start).
    pub fn lanes(&self) -> (Vec<usize>, usize) {
        let mut ends: Vec<f64> = Vec::new();
        let lanes = self.bars.iter().map(|(_, start, end, _)| {
            let lane = ends.iter().position(|e| e <= start).unwrap_or(ends.len());
            match ends.get_mut(lane) {
                Some(e) => *e = *end,
                None => ends.push(*end),
            }
            lane
        });
        (lanes.collect(), ends.len().max(1))
    }
}

impl Panel {
    /// The lanes of every row, and the segment (from the top) of each row's first lane.
    fn layout(&self) -> (Vec<(Vec<usize>, usize)>, Vec<usize>) {
        let lanes: Vec<(Vec<usize>, usize)> = self.rows.iter().map(Row::lanes).collect();
        let firsts = lanes.iter().scan(0, |next, (_, count)| {
            *next += count;
            Some(*next - count)
        });
        let firsts = firsts.collect();
        (lanes, firsts)
    }

    /// The larger of the longest task and the total work over the slots, in seconds.
    pub fn ideal(&self) -> f64 {
        let tasks = self.rows.iter().flat_map(|row| &row.bars);
        let (total, longest) = tasks.fold((0.0, 0.0f64), |(total, longest), (_, _, _, w)| {
            (total + w, longest.max(*w))
        });
        longest.max(total / self.slots.max(1) as f64)
    }
}

/// The panels of a timeline: one per section, in order, each with the tasks that started in it.
pub fn panels(records: &[Record]) -> Vec<Panel> {
    let mut sections: Vec<&Record> = records.iter().filter(|r| r.kind == Kind::Section).collect();
    sections.sort_by_key(|s| s.start_ns);
    let secs = |origin: u64, t: u64| t.saturating_sub(origin) as f64 / 1e9;
    sections
        .into_iter()
        .map(|s| {
            let mut tasks: Vec<&Record> = records
                .iter()
                .filter(|r| r.kind == Kind::Task && (s.start_ns..=s.end_ns).contains(&r.start_ns))
                .collect();
            tasks.sort_by_key(|t| t.start_ns);
            let pids: BTreeSet<u32> = tasks.iter().map(|t| t.pid).collect();
            let mut rows: Vec<((u32, u64), Row)> = Vec::new();
            for t in tasks {
                let worker = (t.pid, t.tid_or_slots);
                let wall = t.end_ns.saturating_sub(t.start_ns);
                let work = if t.cpu_ns >= wall / 10 {
                    t.cpu_ns
                } else {
                    wall
                };
                let bar = (
                    t.label.clone(),
                    secs(s.start_ns, t.start_ns),
                    secs(s.start_ns, t.end_ns),
                    work as f64 / 1e9,
                );
                match rows.iter_mut().find(|(w, _)| *w == worker) {
                    Some((_, row)) => row.bars.push(bar),
                    None => {
                        let name = if u64::from(t.pid) == t.tid_or_slots {
                            format!("process {}", t.pid)
                        } else if pids.len() > 1 {
                            format!("process {} thread {}", t.pid, t.tid_or_slots)
                        } else {
                            format!("thread {}", t.tid_or_slots)
                        };
                        let bars = vec![bar];
                        rows.push((worker, Row { worker: name, bars }));
                    }
                }
            }
            Panel {
                label: s.label.clone(),
                slots: s.tid_or_slots,
                makespan: secs(s.start_ns, s.end_ns),
                rows: rows.into_iter().map(|(_, row)| row).collect(),
            }
        })
        .collect()
}

fn panel_height(panel: &Panel) -> u32 {
    // caption, margins and x axis, then the lanes of the rows
    let lanes: usize = panel.layout().0.iter().map(|(_, count)| count).sum();
    120 + ROW * lanes.max(2) as u32
}

/// Renders the panels of `records` as an SVG document; CPython's bars are orange, Rust's blue.
pub fn render_svg(title: &str, records: &[Record], cpython: bool) -> Result<String> {
    let color = if cpython { CPYTHON_BAR } else { RUST_BAR };
    crate::services::chart::stacked_panels(title, &panels(records), panel_height, |panel, area| {
        draw_panel(panel, area, color)
    })
}

fn draw_panel(
    panel: &Panel,
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    color: RGBColor,
) -> Result<()> {
    // One segment per lane, two at least: plotters draws nothing on a segmented range of one.
    let (lanes, firsts) = panel.layout();
    let segments: usize = lanes.iter().map(|(_, count)| count).sum();
    let n = segments.max(2) as i32;
    let ideal = panel.ideal();
    let x_max = (panel.makespan.max(ideal) * 1.05).max(1e-6);
    let caption = format!(
        "{}: makespan {:.3} s; ideal {ideal:.3} s (longest task, or total work / {})",
        panel.label, panel.makespan, panel.slots
    );
    let longest_name = panel
        .rows
        .iter()
        .map(|row| row.worker.chars().count())
        .max()
        .unwrap_or(1) as u32;
    // a row's name on its middle lane
    let mut names = vec![""; segments];
    for (k, row) in panel.rows.iter().enumerate() {
        names[firsts[k] + (lanes[k].1 - 1) / 2] = row.worker.as_str();
    }
    let label_width = (24 + 7 * longest_name).min(300);
    let x_desc = "seconds from the start of the run";
    let mut chart =
        crate::services::chart::rows_chart(area, &caption, label_width, x_max, n, &names, x_desc)?;

    // A row of several lanes lies on a band, so that it reads as one worker.
    let bands = lanes.iter().zip(&firsts).filter_map(|((_, count), first)| {
        let (top, bottom) = (n - *first as i32, n - (first + count) as i32);
        (*count > 1).then(|| block((0.0, x_max), (bottom, top), (1, 1), BAND))
    });
    chart.draw_series(bands).map_err(plotting_error)?;
    // Each bar with its segment and its top and bottom margins: lanes of one row close together.
    let placed = panel.rows.iter().enumerate().flat_map(|(k, row)| {
        let (lane_of, count, first) = (&lanes[k].0, lanes[k].1, firsts[k]);
        row.bars.iter().zip(lane_of).map(move |(bar, &lane)| {
            let i = n - 1 - (first + lane) as i32;
            let top = if lane == 0 { 4 } else { 1 };
            (i, top, if lane + 1 == count { 4 } else { 1 }, bar)
        })
    });
    let placed: Vec<_> = placed.collect();
    let bars = placed.iter().map(|(i, top, bottom, (_, start, end, _))| {
        block((*start, *end), (*i, i + 1), (*top, *bottom), color)
    });
    chart.draw_series(bars).map_err(plotting_error)?;

    let label_style = TextStyle::from((FONT, 11).into_font()).color(&WHITE).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Center,
        ),
    );
    // A label is written only into a bar wide enough for it (about 6 px a character on a
    // plotting area of about 700 px).
    let labels = placed.iter().map(|(i, _, _, (label, start, end, _))| {
        let fits = (end - start) / x_max * 700.0 >= 6.0 * label.chars().count() as f64 + 8.0;
        let text = if fits { label.clone() } else { String::new() };
        EmptyElement::at((*start, SegmentValue::CenterOf(*i)))
            + Text::new(text, (4, 0), label_style.clone())
    });
    chart.draw_series(labels).map_err(plotting_error)?;

    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![
                (ideal, SegmentValue::Exact(0)),
                (ideal, SegmentValue::Exact(n)),
            ],
            IDEAL.stroke_width(2),
        )))
        .map_err(plotting_error)?;
    Ok(())
}

/// A rectangle over `x.0..x.1` and the segments `i.0..i.1`, `margin` (top, bottom) px inside.
fn block(x: (f64, f64), i: (i32, i32), margin: (u32, u32), color: RGBColor) -> Block {
    let corners = [
        (x.0, SegmentValue::Exact(i.0)),
        (x.1, SegmentValue::Exact(i.1)),
    ];
    let mut block = Rectangle::new(corners, color.filled());
    block.set_margin(margin.0, margin.1, 1, 1);
    block
}
type Block = Rectangle<(f64, SegmentValue<i32>)>;

/// Draws the timeline file `timeline` into `svg` if it records at least one section; returns
/// whether it wrote the chart. The file is removed either way: it belongs to one run.
pub fn render_file(timeline: &Path, svg: &Path, title: &str, cpython: bool) -> Result<bool> {
    let records = workloads::timeline::read(timeline)
        .with_context(|| format!("reading {}", timeline.display()))?;
    std::fs::remove_file(timeline).with_context(|| format!("removing {}", timeline.display()))?;
    if !records.iter().any(|r| r.kind == Kind::Section) {
        return Ok(false);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let title = format!("{title}: who ran what, when ({cores} cores)");
    crate::services::files::write_atomically(svg, render_svg(&title, &records, cpython)?)?;
    Ok(true)
}

#[cfg(test)]
mod tests;
