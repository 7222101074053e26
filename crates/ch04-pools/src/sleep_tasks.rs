//! The Nvicta tutorial's pool experiment: task `i` sleeps `i` units and
//! reports its pid.
//!
//! The tutorial runs these tasks on a process pool and calls them CPU-bound. They are
//! not: a sleeping task holds no core, so a thread pool overlaps the sleeps exactly
//! as well as a process pool does, without starting a process (the `sleep-tasks`
//! benchmark measures both against running the tasks one after the other).
//!
//! The pool-size experiment of [`crate::sizing`] uses `workloads::long_time_task`
//! instead, whose sleeps are pseudo-random lengths in `[0, 3)` units.

use std::time::{Duration, Instant};

use workloads::{Scale, TaskReport};

// ANCHOR: sleep_i_units
/// The tutorial's task `i`: sleeps `i` units of `scale.sleep`, reports
/// its pid and time taken.
pub fn sleep_i_units(name: u64, scale: Scale) -> TaskReport {
    let start = Instant::now();
    std::thread::sleep(scale.sleep * u32::try_from(name).unwrap_or(u32::MAX));
    TaskReport {
        name,
        pid: std::process::id(),
        units: name as f64,
        elapsed: start.elapsed(),
    }
}

/// [`sleep_i_units`] for a process pool: a plain function of `(name, unit in µs)`
/// whose result, `(name, pid, µs taken)`, crosses the pipe as bytes.
pub fn sleep_i_units_in_worker((name, unit_micros): (u64, u64)) -> (u64, u32, u64) {
    let scale = Scale {
        sleep: Duration::from_micros(unit_micros),
        ..Scale::TEST
    };
    let report = sleep_i_units(name, scale);
    let micros = u64::try_from(report.elapsed.as_micros()).unwrap_or(u64::MAX);
    (report.name, report.pid, micros)
}
// ANCHOR_END: sleep_i_units

/// The tutorial's tasks: 1 to 5.
pub const TUTORIAL_TASKS: std::ops::RangeInclusive<u64> = 1..=5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_i_sleeps_i_units_and_reports_its_process() {
        let report = sleep_i_units(3, Scale::TEST);
        assert_eq!((report.name, report.units), (3, 3.0));
        assert_eq!(report.pid, std::process::id());
        let (name, pid, _) = sleep_i_units_in_worker((2, 1));
        assert_eq!((name, pid), (2, std::process::id()));
    }

    #[test]
    fn the_sleeping_benchmark_allows_at_most_9_8x() {
        // measure.md: the sixteen pseudo-random sleeps of
        // `sizing::sleeping_tasks` add up to 22.6 units, the longest is
        // 2.31, so no pool size can do better than 9.8x.
        let units: Vec<f64> = (1..=crate::sizing::TASKS)
            .map(workloads::long_time_task_units)
            .collect();
        let (sum, longest) = (
            units.iter().sum::<f64>(),
            units.iter().fold(0.0, |a: f64, &b| a.max(b)),
        );
        assert_eq!(
            format!("{sum:.1} {longest:.2} {:.1}", sum / longest),
            "22.6 2.31 9.8"
        );
    }
}
