//! The workloads of the Python tutorials, written once for every chapter.
//!
//! * [`cpu_bound`]: the tutorials' CPU-bound task, `sum(range(n * 1_000_000))`.
//! * [`long_time_task`]: a task that sleeps a pseudo-random, reproducible time and
//!   reports its pid (the pool-size experiment's sleeper; the tutorial's own task `i`
//!   sleeps `i` seconds).
//! * [`do_something`]: the tutorial's two-argument sleeping task
//!   (chapters 05 and 06).
//! * [`timeline`]: which worker ran which task, from when to when, for
//!   the charts of the book.
//!
//! Every workload takes a [`Scale`], so tests run in milliseconds ([`Scale::TEST`])
//! and demos run at the tutorials' size ([`Scale::FULL`]).

#[cfg(feature = "criterion")]
pub mod bench;
pub mod timeline;

use std::hint::black_box;
use std::ops::Range;
use std::time::{Duration, Instant};

/// The numbers the tutorials feed to `cpu_bound`: `[11, 23, 53, 34]`.
pub const TUTORIAL_NUMBERS: [u64; 4] = [11, 23, 53, 34];

// ANCHOR: scale
/// How big one unit of work is.
///
/// `unit` is the number of additions one step of `n` stands for (the
/// tutorials use a million); `sleep` is how long one unit of sleeping
/// lasts (the tutorials use a second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Additions per unit of `n` in [`cpu_bound_at`].
    pub unit: u64,
    /// Length of one unit of sleep in [`long_time_task`] and [`do_something`].
    pub sleep: Duration,
}

impl Scale {
    /// The tutorials' size: a million additions per unit, one second
    /// per unit of sleep.
    pub const FULL: Scale = Scale {
        unit: 1_000_000,
        sleep: Duration::from_secs(1),
    };
    /// A demo size: the same work, sleeps a tenth as long.
    pub const DEMO: Scale = Scale {
        unit: 1_000_000,
        sleep: Duration::from_millis(100),
    };
    /// A test size: a thousand times less work, sleeps of a millisecond.
    pub const TEST: Scale = Scale {
        unit: 1_000,
        sleep: Duration::from_millis(1),
    };
}
// ANCHOR_END: scale

// ANCHOR: sum_range
/// Sums the integers in `range`, one addition per element, with nothing folded away.
///
/// Each element passes through [`black_box`], so the compiler can neither replace the
/// loop by the closed form `n * (n - 1) / 2` nor vectorise it: the time grows with
/// the length of the range, as it does in CPython. Wrapping addition keeps the result
/// defined for any range.
pub fn sum_range(range: Range<u64>) -> u64 {
    range.fold(0u64, |acc, i| acc.wrapping_add(black_box(i)))
}
// ANCHOR_END: sum_range

// ANCHOR: cpu_bound
/// The tutorials' CPU-bound task at full size: the sum of `0..n * 1_000_000`.
///
/// Python: `def cpu_bound(n): return sum(range(n * 1_000_000))`.
pub fn cpu_bound(n: u64) -> u64 {
    cpu_bound_at(n, Scale::FULL)
}

/// [`cpu_bound`] at any scale: the sum of `0..n * scale.unit`.
pub fn cpu_bound_at(n: u64, scale: Scale) -> u64 {
    sum_range(0..n * scale.unit)
}
// ANCHOR_END: cpu_bound

/// The closed form of [`sum_range`]: what the sum of `range` must be
/// (wrapping like it).
///
/// Tests use it to check any split of the work, at any size, in no time.
pub fn sum_range_expected(range: Range<u64>) -> u64 {
    if range.end <= range.start {
        return 0;
    }
    let (a, b) = (u128::from(range.start), u128::from(range.end));
    // sum of a..b = (b - a) * (a + b - 1) / 2; the product is exact in
    // u128 for u64 bounds.
    let exact = (b - a) * (a + b - 1) / 2;
    exact as u64 // wrapping, like `sum_range`
}

/// The closed form of [`cpu_bound_at`].
pub fn cpu_bound_expected(n: u64, scale: Scale) -> u64 {
    sum_range_expected(0..n * scale.unit)
}

// ANCHOR: split_range
/// Splits `range` into `parts` contiguous ranges whose lengths differ by at most one.
///
/// The first `len % parts` ranges get one element more. With more parts than
/// elements, the last ranges are empty. Returns `None` for `parts == 0`: there is no
/// way to split work among nobody.
pub fn split_range(range: Range<u64>, parts: usize) -> Option<Vec<Range<u64>>> {
    if parts == 0 {
        return None;
    }
    let len = range.end.saturating_sub(range.start);
    let parts_u64 = parts as u64;
    let (base, extra) = (len / parts_u64, len % parts_u64);
    let mut start = range.start;
    let chunks = (0..parts_u64)
        .map(|i| {
            let end = start + base + u64::from(i < extra);
            let chunk = start..end;
            start = end;
            chunk
        })
        .collect();
    Some(chunks)
}
// ANCHOR_END: split_range

/// What [`long_time_task`] reports, like the tutorial's `print` lines.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskReport {
    /// The task's name (its number).
    pub name: u64,
    /// The process the task ran in.
    pub pid: u32,
    /// How long it slept, in units of `scale.sleep`.
    pub units: f64,
    /// How long it really took.
    pub elapsed: Duration,
}

/// The pseudo-random sleep of task `name`, in `[0, 3)` units, the same on every run.
///
/// This is the book's choice, not the tutorial's: in the tutorial's pool experiment,
/// task `i` sleeps `i` seconds (chapter 04 runs that one as
/// `ch04_pools::sleep_tasks::sleep_i_units`). The pool-size experiment wants many
/// tasks of mixed lengths in a bounded range instead; a fixed mix of the task's name
/// gives that, and the same lengths on every run.
pub fn long_time_task_units(name: u64) -> f64 {
    // SplitMix64 finaliser: a good spread from consecutive names.
    let mut z = name.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 3.0
}

// ANCHOR: long_time_task
/// A `long_time_task(name)` like the tutorial's, with a pseudo-random sleep of
/// `[0, 3)` units ([`long_time_task_units`]) instead of its `name` units; reports pid
/// and time taken.
///
/// Sleeping is not CPU-bound work: the task holds no core while it waits, so threads
/// overlap it as well as processes do.
pub fn long_time_task(name: u64, scale: Scale) -> TaskReport {
    let start = Instant::now();
    let units = long_time_task_units(name);
    std::thread::sleep(scale.sleep.mul_f64(units));
    TaskReport {
        name,
        pid: std::process::id(),
        units,
        elapsed: start.elapsed(),
    }
}
// ANCHOR_END: long_time_task

// ANCHOR: do_something
/// The Nvicta tutorial's `do_something(a, b)`: sleeps `a + b` units of `scale`
/// (seconds at [`Scale::FULL`]) and returns `"Done sleeping {a + b} seconds"`.
pub fn do_something(a: u64, b: u64, scale: Scale) -> String {
    let units = a + b;
    std::thread::sleep(scale.sleep * u32::try_from(units).unwrap_or(u32::MAX));
    format!("Done sleeping {units} seconds")
}

/// The tutorial's arguments for `do_something`: `[(i, i + 1) for i in range(5)]`,
/// sleeps of 1, 3, 5, 7 and 9 units.
pub fn do_something_args() -> Vec<(u64, u64)> {
    (0..5).map(|i| (i, i + 1)).collect()
}
// ANCHOR_END: do_something

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // a reversed range must sum to 0, as in Python
    #[allow(clippy::reversed_empty_ranges)]
    fn sum_range_matches_closed_form() {
        for r in [0..0, 0..1, 0..10, 5..17, 1000..999, 123..100_000] {
            assert_eq!(sum_range(r.clone()), sum_range_expected(r.clone()), "{r:?}");
        }
    }

    #[test]
    fn closed_form_wraps_like_the_loop_for_huge_ranges() {
        let r = u64::MAX - 5..u64::MAX;
        assert_eq!(sum_range(r.clone()), sum_range_expected(r));
    }

    #[test]
    fn cpu_bound_at_test_scale() {
        assert_eq!(cpu_bound_at(11, Scale::TEST), (0..11_000u64).sum::<u64>());
        assert_eq!(
            cpu_bound_expected(53, Scale::FULL),
            53_000_000 * 52_999_999 / 2
        );
    }

    #[test]
    fn split_range_covers_everything_once() {
        for len in [0u64, 1, 2, 7, 100, 101] {
            for parts in 1..12 {
                let chunks = split_range(10..10 + len, parts).unwrap();
                assert_eq!(chunks.len(), parts);
                let mut next = 10;
                for c in &chunks {
                    assert_eq!(c.start, next);
                    assert!(c.end >= c.start);
                    next = c.end;
                }
                assert_eq!(next, 10 + len);
                let lens: Vec<u64> = chunks.iter().map(|c| c.end - c.start).collect();
                assert!(lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1);
            }
        }
    }

    #[test]
    fn split_range_into_zero_parts_is_none() {
        assert_eq!(split_range(0..10, 0), None);
    }

    #[test]
    fn long_time_task_units_are_in_range_and_stable() {
        for name in 0..1000 {
            let u = long_time_task_units(name);
            assert!((0.0..3.0).contains(&u), "{u}");
            assert_eq!(u, long_time_task_units(name));
        }
        let r = long_time_task(3, Scale::TEST);
        assert_eq!((r.name, r.pid), (3, std::process::id()));
    }

    #[test]
    fn do_something_is_the_tutorials_task() {
        assert_eq!(do_something(1, 2, Scale::TEST), "Done sleeping 3 seconds");
        assert_eq!(
            do_something_args(),
            [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
        );
    }
}
