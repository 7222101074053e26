//! Was the machine quiet while a chapter's benchmarks ran? `cargo course bench` times a fixed
//! calibration workload (`crates/workloads/examples/calibrate.rs`, built with `--release`) before
//! and after the run and reads the steal time from `/proc/stat` over the run. The record is kept
//! beside criterion's results (`target/criterion/<chapter>/course-run.json`), so that
//! `--report-only` can print the calibration of the run it reports on.

use crate::services::units::format_duration;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::Path;

/// The largest change of the calibration median, before → after, that the tool accepts.
pub const MAX_DRIFT: f64 = 0.05;

/// How many calibrations are taken before the run at most (see [`settled`]).
pub const MAX_BEFORE: usize = 4;

/// Two calibrations in a row whose medians differ by at most this much are settled.
pub const SETTLED: f64 = MAX_DRIFT / 2.0;

/// The file beside criterion's results that records the run's calibration.
pub const RECORD_FILE: &str = "course-run.json";

/// One timing of the calibration workload: median and extremes of its rounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub rounds: u32,
}

impl Calibration {
    /// Parses the calibrate example's line, `median_ns min_ns max_ns rounds`.
    pub fn parse(line: &str) -> Result<Calibration> {
        let numbers: Option<Vec<f64>> =
            line.split_whitespace().map(|f| f.parse().ok()).collect();
        let Some(&[median_ns, min_ns, max_ns, rounds]) = numbers.as_deref() else {
            bail!(
                "the calibration printed `{}`, expected `median_ns min_ns max_ns rounds`",
                line.trim()
            );
        };
        Ok(Calibration {
            median_ns,
            min_ns,
            max_ns,
            rounds: rounds as u32,
        })
    }

    /// `25.8 ms (25.3 ms..32.2 ms)`.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}..{})",
            format_duration(self.median_ns),
            format_duration(self.min_ns),
            format_duration(self.max_ns)
        )
    }
}

/// Steal time: CPU time the hypervisor gave to other guests, from the first line of /proc/stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTicks {
    pub steal: u64,
    pub total: u64,
}

impl CpuTicks {
    /// Parses `cpu  user nice system idle iowait irq softirq steal ...` (the aggregate line).
    pub fn parse(proc_stat: &str) -> Option<CpuTicks> {
        let line = proc_stat.lines().find(|l| l.starts_with("cpu "))?;
        let v: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        // Guest time is already counted in user time: the first eight fields are the total.
        let fields = v.get(..8)?;
        Some(CpuTicks {
            steal: fields[7],
            total: fields.iter().sum(),
        })
    }

    /// Now, or `None` where there is no /proc/stat.
    pub fn now() -> Option<CpuTicks> {
        CpuTicks::parse(&fs::read_to_string("/proc/stat").ok()?)
    }

    /// Steal time between `self` and `later`, in percent of all CPU time.
    pub fn steal_percent(&self, later: &CpuTicks) -> Option<f64> {
        let total = later.total.checked_sub(self.total)?;
        let steal = later.steal.checked_sub(self.steal)?;
        (total > 0).then(|| 100.0 * steal as f64 / total as f64)
    }
}

/// What the tool knows about the run that produced a chapter's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub before: Calibration,
    pub after: Calibration,
    /// Steal time over the run in percent of CPU time; `None` without /proc/stat.
    pub steal_percent: Option<f64>,
}

impl RunRecord {
    /// The relative change of the calibration median, before → after (`0.03` = 3% slower after).
    pub fn drift(&self) -> f64 {
        self.after.median_ns / self.before.median_ns - 1.0
    }

    /// True when the calibrations differ by more than [`MAX_DRIFT`].
    pub fn disturbed(&self) -> bool {
        self.drift().abs() > MAX_DRIFT
    }

    pub fn read(home: &Path) -> Result<Option<RunRecord>> {
        crate::services::files::read_json(&home.join(RECORD_FILE))
    }

    pub fn write(&self, home: &Path) -> Result<()> {
        crate::services::files::write_json(&home.join(RECORD_FILE), self)
    }

    /// The error for a disturbed run written without `--force`.
    pub fn refusal(&self, chapter: &str) -> String {
        format!(
            "{chapter}: the calibration changed by {} between before ({}) and after ({}) the run, \
             more than {:.0}%: something else used the machine, so these numbers cannot be trusted. \
             No report was written. Rerun on a quiet machine, or pass --force to write the report \
             marked as disturbed (criterion's results stay in target/criterion/{chapter}).",
            percent(self.drift()),
            format_duration(self.before.median_ns),
            format_duration(self.after.median_ns),
            MAX_DRIFT * 100.0
        )
    }
}

fn percent(ratio: f64) -> String {
    format!("{:+.1}%", ratio * 100.0)
}

fn steal_text(steal: Option<f64>) -> String {
    match steal {
        Some(p) => format!("{p:.1}% of CPU time"),
        None => "not available (no /proc/stat)".to_string(),
    }
}

/// How the report being written relates to a measured run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunNote {
    /// The run's record, if one was kept.
    pub record: Option<RunRecord>,
    /// The report is rewritten by `--report-only`, which measures nothing.
    pub report_only: bool,
}

/// What the calibration measures, in words (`crates/workloads/examples/calibrate.rs`).
const WORKLOAD: &str = "`cargo run --release -p workloads --example calibrate`: the same \
                        50 million additions on every core at once";

impl RunNote {
    /// The header paragraph of `book/bench/<chapter>.md` about calibration and steal time.
    pub fn markdown(&self) -> String {
        let Some(r) = &self.record else {
            return "*Not calibrated: this file was rewritten by `--report-only` from results \
                    measured without a calibration record, and `--report-only` cannot calibrate, \
                    so nothing shows whether the machine was quiet while they were measured.*\n"
                .to_string();
        };
        let mut md = format!(
            "*Calibration ({WORKLOAD}, median and min..max of {} rounds): {} before the run, {} \
             after: {}, {} the {:.0}% the tool accepts. Steal time during the run: {}.",
            r.before.rounds,
            r.before.describe(),
            r.after.describe(),
            percent(r.drift()),
            if r.disturbed() { "beyond" } else { "within" },
            MAX_DRIFT * 100.0,
            steal_text(r.steal_percent)
        );
        if self.report_only {
            md.push_str(
                " (Recorded when these results were measured; this file was rewritten from them \
                 by `--report-only`, which measures nothing.)",
            );
        }
        md.push_str("*\n");
        if r.disturbed() {
            md.push_str(
                "\n**Disturbed run:** the calibration changed by more than the tool accepts, and \
                 the report was written with `--force`. Do not quote these numbers.\n",
            );
        }
        md
    }

    /// The calibration anchors of `book/bench/<chapter>.txt`: `(name, value)` pairs.
    pub fn anchors(&self) -> Vec<(&'static str, String)> {
        let Some(r) = &self.record else {
            return vec![("calibration", "not calibrated".to_string())];
        };
        vec![
            ("calibration_before", r.before.describe()),
            ("calibration_after", r.after.describe()),
            ("calibration_drift", percent(r.drift())),
            ("steal_time", steal_text(r.steal_percent)),
        ]
    }
}

/// The calibration taken before the run: `measure`d until two in a row agree within [`SETTLED`],
/// at most `max` times, keeping the last. The first is never kept: just after the benches are
/// compiled, the caches are cold and the clock has not settled, and a short suite (ch07's, about
/// 20 s) then found its "after" calibration 8-9% faster than its "before" and was refused.
pub fn settled(
    mut measure: impl FnMut() -> Result<Calibration>,
    max: usize,
) -> Result<Calibration> {
    let mut last = measure()?;
    for _ in 1..max {
        let next = measure()?;
        let settled = (next.median_ns / last.median_ns - 1.0).abs() <= SETTLED;
        last = next;
        if settled {
            break;
        }
    }
    Ok(last)
}

/// Times the calibration workload once: it runs its rounds and prints their statistics, so that
/// building it (in release mode, on first use) is never timed.
pub fn measure(root: &Path) -> Result<Calibration> {
    let out = crate::services::process::cargo()
        .current_dir(root)
        .args("run --release -q -p workloads --example calibrate".split(' '))
        .output()
        .context("running the calibration workload")?;
    if !out.status.success() {
        bail!(
            "the calibration workload (`cargo run --release -p workloads --example calibrate`) \
             failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Calibration::parse(&String::from_utf8_lossy(&out.stdout))
}

#[cfg(test)]
mod tests;
