//! Exercise 1, a solution: time work too short for the clock, per run,
//! after a warm-up.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// A clock: the time since some fixed moment. The spec passes a fake
/// one that it moves itself.
pub trait Clock {
    /// The time now, since the clock's fixed moment.
    fn now(&self) -> Duration;
}

/// The real clock: time since it was made, read from the monotonic `Instant`.
#[derive(Debug, Clone, Copy)]
pub struct RealClock {
    start: Instant,
}

impl RealClock {
    /// A clock that reads zero now.
    pub fn new() -> Self {
        RealClock {
            start: Instant::now(),
        }
    }
}

impl Default for RealClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for RealClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

/// How to measure: Python's `timeit.repeat(f, repeat=samples,
/// number=batch)`, after a warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Runs of `f` before the first sample, not timed.
    pub warm_up: usize,
    /// How many samples to take.
    pub samples: usize,
    /// Runs of `f` per sample; the clock is read before and after the whole batch.
    pub batch: u32,
}

/// What a measurement found, all as the time of one run of `f`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// One time per sample (the sample's time divided by the batch), in
    /// the order taken.
    pub per_run: Vec<Duration>,
    /// The fastest of `per_run`.
    pub min: Duration,
    /// The middle of `per_run`; the mean of the two middle ones for an even count.
    pub median: Duration,
    /// The slowest of `per_run`.
    pub max: Duration,
}

/// A plan that cannot measure anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// `samples == 0`: there would be no time to report.
    NoSamples,
    /// `batch == 0`: a sample would time no run at all.
    EmptyBatch,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::NoSamples => write!(f, "a plan needs at least one sample"),
            PlanError::EmptyBatch => write!(f, "a batch needs at least one run"),
        }
    }
}

impl std::error::Error for PlanError {}

// ANCHOR: solution
/// Runs `f` `plan.warm_up` times untimed, then takes `plan.samples` samples of
/// `plan.batch` runs each, and reports the time of one run per sample.
pub fn measure<T>(
    clock: &impl Clock,
    plan: Plan,
    mut f: impl FnMut() -> T,
) -> Result<Report, PlanError> {
    if plan.samples == 0 {
        return Err(PlanError::NoSamples);
    }
    if plan.batch == 0 {
        return Err(PlanError::EmptyBatch);
    }
    for _ in 0..plan.warm_up {
        black_box(f());
    }
    let mut per_run = Vec::with_capacity(plan.samples);
    for _ in 0..plan.samples {
        let start = clock.now();
        for _ in 0..plan.batch {
            black_box(f());
        }
        per_run.push((clock.now() - start) / plan.batch);
    }
    Ok(summarise(per_run).expect("at least one sample"))
}

/// The report of per-run times taken in this order; `None` if there are none.
pub fn summarise(per_run: Vec<Duration>) -> Option<Report> {
    let mut sorted = per_run.clone();
    sorted.sort_unstable();
    let n = sorted.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    };
    Some(Report {
        min: sorted[0],
        median,
        max: sorted[n - 1],
        per_run,
    })
}
// ANCHOR_END: solution
