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

use crate::services::chart::{
    Bar, CAPTION, CPYTHON_BAR, Label, RUST_BAR, RowsPanel, TEXT, WIDTH, plot_width,
    stacked_panels, text_width,
};
use anyhow::{Context, Result};
use plotters::style::RGBColor;
use std::collections::BTreeSet;
use std::path::Path;
use workloads::timeline::{Kind, Record};

/// The band behind a row of several lanes.
const BAND: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// A task's label: its font size, and its distance from the bar's start (inside) or end (beside).
const LABEL: u32 = 12;
const PAD: f64 = 4.0;

/// A bar on the chart: its segment, its margins, and its task (label, start, end, work).
type Placed<'a> = (i32, [u32; 4], &'a (String, f64, f64, f64));

/// Each task's label: inside its bar if it fits there, else right of it if it fits between the
/// bar's end and the next bar of its lane (or the plotting area's right edge), else none. A lane
/// is one segment, so a label, which stays in its segment and ends before the next bar starts,
/// never meets another label or bar. `px` is the plotting area's width for an axis to `x_max`.
fn labels(placed: &[Placed], x_max: f64, px: u32) -> Vec<Label> {
    let px_per_s = f64::from(px) / x_max;
    let label = |(k, (i, _, (text, start, end, _))): (usize, &Placed)| {
        let width = text_width(text, LABEL) + 2.0 * PAD;
        let next = (placed[k + 1..].iter())
            .filter(|(j, _, (_, s, _, _))| j == i && s >= end)
            .map(|(_, _, (_, s, _, _))| *s)
            .fold(x_max, f64::min);
        let (x, inside) = if (end - start) * px_per_s >= width {
            (*start, true)
        } else if (next - end) * px_per_s >= width + PAD {
            (*end, false)
        } else {
            return None;
        };
        Some(Label {
            x,
            i: *i,
            text: text.clone(),
            inside,
        })
    };
    placed.iter().enumerate().filter_map(label).collect()
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
    /// The larger of the longest task and the total work over the slots, in seconds.
    pub fn ideal(&self) -> f64 {
        let tasks = self.rows.iter().flat_map(|row| &row.bars);
        let (total, longest) = tasks
            .fold((0.0, 0.0f64), |(total, longest), (_, _, _, w)| {
                (total + w, longest.max(*w))
            });
        longest.max(total / self.slots.max(1) as f64)
    }
}

/// The panels of a timeline: one per section, in order, each with the tasks that started in it.
pub fn panels(records: &[Record]) -> Vec<Panel> {
    let mut records: Vec<&Record> = records.iter().collect();
    records.sort_by_key(|r| r.start_ns);
    let (sections, tasks): (Vec<&Record>, _) =
        records.iter().partition(|r| r.kind == Kind::Section);
    let secs = |origin: u64, t: u64| t.saturating_sub(origin) as f64 / 1e9;
    let panel = |s: &Record| {
        let started = |t: &&&Record| (s.start_ns..=s.end_ns).contains(&t.start_ns);
        let tasks: Vec<&Record> = tasks.iter().filter(started).copied().collect();
        let processes = tasks.iter().map(|t| t.pid).collect::<BTreeSet<u32>>().len();
        let mut rows = Vec::<Row>::new();
        for t in tasks {
            let wall = t.end_ns.saturating_sub(t.start_ns);
            let work = if t.cpu_ns >= wall / 10 {
                t.cpu_ns
            } else {
                wall
            };
            let (start, end) =
                (secs(s.start_ns, t.start_ns), secs(s.start_ns, t.end_ns));
            // One name per worker (pid and thread id), so a row is found by its name.
            let worker = if u64::from(t.pid) == t.tid_or_slots {
                format!("process {}", t.pid)
            } else if processes > 1 {
                format!("process {} thread {}", t.pid, t.tid_or_slots)
            } else {
                format!("thread {}", t.tid_or_slots)
            };
            let bar = (t.label.clone(), start, end, work as f64 / 1e9);
            match rows.iter_mut().find(|row| row.worker == worker) {
                Some(row) => row.bars.push(bar),
                None => rows.push(Row {
                    worker,
                    bars: vec![bar],
                }),
            }
        }
        Panel {
            label: s.label.clone(),
            slots: s.tid_or_slots,
            makespan: secs(s.start_ns, s.end_ns),
            rows,
        }
    };
    sections.into_iter().map(panel).collect()
}

/// Renders the panels of `records` as an SVG document; CPython's bars are orange, Rust's blue.
pub fn render_svg(title: &str, records: &[Record], cpython: bool) -> Result<String> {
    let color = if cpython { CPYTHON_BAR } else { RUST_BAR };
    let panels: Vec<RowsPanel> = panels(records)
        .iter()
        .map(|p| rows_panel(p, color))
        .collect();
    stacked_panels(title, &panels, "ideal makespan")
}

fn rows_panel(panel: &Panel, color: RGBColor) -> RowsPanel {
    // Each row's lanes, and the segment (from the top) of its first lane.
    let lanes: Vec<(Vec<usize>, usize)> = panel.rows.iter().map(Row::lanes).collect();
    let firsts: Vec<usize> = (lanes.iter())
        .scan(0, |next, (_, count)| {
            *next += count;
            Some(*next - count)
        })
        .collect();
    // One segment per lane, two at least: plotters draws nothing on a segmented range of one.
    let segments: usize = lanes.iter().map(|(_, count)| count).sum();
    let n = segments.max(2) as i32;
    let ideal = panel.ideal();
    let x_max = (panel.makespan.max(ideal) * 1.05).max(1e-6);
    let longest_name = (panel.rows.iter())
        .map(|row| text_width(&row.worker, TEXT))
        .fold(0.0, f64::max) as u32;
    // a row's name on its middle lane
    let mut names = vec![String::new(); segments];
    for (k, row) in panel.rows.iter().enumerate() {
        names[firsts[k] + (lanes[k].1 - 1) / 2] = row.worker.clone();
    }

    // A row of several lanes lies on a band, so that it reads as one worker.
    let bands = lanes
        .iter()
        .zip(&firsts)
        .filter(|((_, count), _)| *count > 1);
    let bands = bands.map(|((_, count), first)| Bar {
        x: (0.0, x_max),
        i: (n - (first + count) as i32, n - *first as i32),
        margin: [1; 4],
        color: BAND,
    });
    // Each bar with its segment and its top and bottom margins: lanes of one row close together.
    let placed = panel.rows.iter().zip(lanes.iter().zip(&firsts));
    let placed = placed.flat_map(|(row, ((lane_of, count), first))| {
        row.bars.iter().zip(lane_of).map(move |(bar, &lane)| {
            let i = n - 1 - (first + lane) as i32;
            let top = if lane == 0 { 4 } else { 1 };
            (i, [top, if lane + 1 == *count { 4 } else { 1 }, 1, 1], bar)
        })
    });
    let placed: Vec<_> = placed.collect();
    let bars = placed.iter().map(|(i, margin, (_, start, end, _))| Bar {
        x: (*start, *end),
        i: (*i, i + 1),
        margin: *margin,
        color,
    });
    // the longest name, the tick and a gap
    let label_width = (20 + longest_name).min(300);
    let labels = labels(&placed, x_max, plot_width(label_width));
    // The ideal's definition goes only if the caption has room for it.
    let caption = format!(
        "{}: makespan {:.3} s; ideal {ideal:.3} s",
        panel.label, panel.makespan
    );
    let why = format!(" (longest task, or total work / {})", panel.slots);
    // about 0.52 of the size a character of mixed text in DejaVu Sans (Arial's is narrower)
    let chars = (caption.chars().count() + why.chars().count()) as f64;
    let long = 0.52 * f64::from(CAPTION) * chars > f64::from(WIDTH - 16);
    let caption = if long { caption } else { caption + &why };
    RowsPanel {
        // caption, margins and x axis, then the lanes of the rows
        height: 120 + 32 * n as u32,
        caption,
        label_width,
        x_min: 0.0,
        x_max,
        log: None,
        x_desc: "seconds from the start of the run".into(),
        segments: n,
        names,
        bars: bands.chain(bars).collect(),
        labels,
        label_style: (LABEL, PAD as i32),
        line: Some(ideal),
    }
}

/// Draws the timeline file `timeline`, recorded on a machine with `cores` logical cores, into
/// `svg` if it records at least one section; returns whether it wrote the chart.
pub fn render_file(
    timeline: &Path,
    svg: &Path,
    title: &str,
    cpython: bool,
    cores: usize,
) -> Result<bool> {
    let records = workloads::timeline::read(timeline)
        .with_context(|| format!("reading {}", timeline.display()))?;
    if !records.iter().any(|r| r.kind == Kind::Section) {
        return Ok(false);
    }
    let title = format!("{title}: who ran what, when ({cores} cores)");
    crate::services::files::write_atomically(
        svg,
        render_svg(&title, &records, cpython)?,
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests;
