//! Honest timing with the standard library: one run with [`timed`],
//! several with [`repeat`].
//!
//! [`Instant`] is a monotonic clock: it never goes backwards, unlike the wall clock
//! (`SystemTime`), which an NTP update may move. It is the Rust counterpart of
//! Python's `time.perf_counter()`.
//!
//! These helpers are for examples and for a first look. The numbers the book quotes
//! come from criterion (`benches/`), which warms up, repeats, and reports a spread.

use std::fmt;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

// ANCHOR: timed
/// Runs `f` once and returns its value together with how long it took.
///
/// Python: `start = time.perf_counter(); value = f(); elapsed =
/// time.perf_counter() - start`.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    (value, elapsed)
}
// ANCHOR_END: timed

// ANCHOR: spread
/// The times of several runs of the same work, sorted from fastest to slowest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spread {
    /// Every run's time, in the order the runs happened.
    pub in_order: Vec<Duration>,
    sorted: Vec<Duration>,
}

impl Spread {
    /// Builds a spread from the runs' times; `None` if there are none.
    pub fn new(in_order: Vec<Duration>) -> Option<Spread> {
        if in_order.is_empty() {
            return None;
        }
        let mut sorted = in_order.clone();
        sorted.sort_unstable();
        Some(Spread { in_order, sorted })
    }

    /// The fastest run: the closest to what the work itself costs.
    pub fn min(&self) -> Duration {
        self.sorted[0]
    }

    /// The slowest run: whatever else the machine was doing at that moment.
    pub fn max(&self) -> Duration {
        self.sorted[self.sorted.len() - 1]
    }

    /// The middle run (the mean of the two middle runs for an even count): the
    /// typical case, untouched by a few outliers.
    pub fn median(&self) -> Duration {
        let n = self.sorted.len();
        if n % 2 == 1 {
            self.sorted[n / 2]
        } else {
            (self.sorted[n / 2 - 1] + self.sorted[n / 2]) / 2
        }
    }

    /// How many runs were timed.
    pub fn runs(&self) -> usize {
        self.sorted.len()
    }
}
// ANCHOR_END: spread

// ANCHOR: repeat
/// Runs `f` `runs` times and returns the spread of the times.
///
/// Each value passes through [`black_box`]: a value that nobody reads is work the
/// compiler may delete, and the loop would then time nothing. `NonZeroUsize` makes
/// "zero runs", which has no median, impossible to ask for.
pub fn repeat<T>(runs: NonZeroUsize, mut f: impl FnMut() -> T) -> Spread {
    let times = (0..runs.get())
        .map(|_| {
            let (value, elapsed) = timed(&mut f);
            black_box(value);
            elapsed
        })
        .collect();
    Spread::new(times).expect("runs is at least one")
}
// ANCHOR_END: repeat

/// Shows a duration with three significant digits in a unit that suits it: `812 ns`,
/// `38.2 ms`, `2.41 s`.
pub struct Short(pub Duration);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Digits after the point that leave three significant digits.
        fn decimals(value: f64) -> usize {
            if value >= 100.0 {
                0
            } else if value >= 10.0 {
                1
            } else {
                2
            }
        }
        let secs = self.0.as_secs_f64();
        let (value, unit, larger) = if secs >= 1.0 {
            (secs, "s", None)
        } else if secs >= 1e-3 {
            (secs * 1e3, "ms", Some("s"))
        } else if secs >= 1e-6 {
            (secs * 1e6, "µs", Some("ms"))
        } else {
            (secs * 1e9, "ns", Some("µs"))
        };
        // Round first: 999.6 ms rounds to 1000 ms, which is shown as 1.00 s.
        let scale = 10f64.powi(decimals(value) as i32);
        let rounded = (value * scale).round() / scale;
        let (value, unit) = match larger {
            Some(larger) if rounded >= 1000.0 => (rounded / 1000.0, larger),
            _ => (rounded, unit),
        };
        let decimals = decimals(value);
        write!(f, "{value:.decimals$} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn timed_returns_the_value_and_runs_once() {
        let calls = Cell::new(0);
        let (value, _) = timed(|| {
            calls.set(calls.get() + 1);
            6 * 7
        });
        assert_eq!((value, calls.get()), (42, 1));
    }

    #[test]
    fn timed_covers_the_work() {
        // A lower bound only: a sleep lasts at least as long as asked.
        // Never an upper bound.
        let ((), elapsed) = timed(|| std::thread::sleep(ms(20)));
        assert!(elapsed >= ms(20), "{elapsed:?}");
    }

    #[test]
    fn spread_of_an_odd_count() {
        let s = Spread::new(vec![ms(5), ms(1), ms(9), ms(3), ms(4)]).unwrap();
        assert_eq!(
            (s.min(), s.median(), s.max(), s.runs()),
            (ms(1), ms(4), ms(9), 5)
        );
        assert_eq!(s.in_order[0], ms(5), "the run order is kept");
    }

    #[test]
    fn spread_of_an_even_count_takes_the_middle_pair() {
        let s = Spread::new(vec![ms(4), ms(1), ms(10), ms(2)]).unwrap();
        assert_eq!(s.median(), ms(3));
    }

    #[test]
    fn spread_of_nothing_is_none() {
        assert_eq!(Spread::new(Vec::new()), None);
    }

    #[test]
    fn repeat_runs_the_closure_as_often_as_asked() {
        let mut calls = 0;
        let s = repeat(NonZeroUsize::new(7).unwrap(), || calls += 1);
        assert_eq!((calls, s.runs(), s.in_order.len()), (7, 7, 7));
        assert!(s.min() <= s.median() && s.median() <= s.max());
    }

    #[test]
    fn short_picks_a_readable_unit() {
        let shown: Vec<String> = [
            Duration::from_nanos(812),
            Duration::from_micros(38_240),
            Duration::from_millis(2_414),
            Duration::from_nanos(1_500),
        ]
        .into_iter()
        .map(|d| Short(d).to_string())
        .collect();
        assert_eq!(shown, ["812 ns", "38.2 ms", "2.41 s", "1.50 µs"]);
    }

    #[test]
    fn short_keeps_three_digits_when_rounding_crosses_a_boundary() {
        // Rounded to three significant digits, 999.6 ms is 1.00 s, not "1000 ms",
        // and 99.96 µs is 100 µs, not "100.0 µs".
        let shown: Vec<String> = [
            Duration::from_micros(999_600),
            Duration::from_nanos(99_960),
            Duration::from_nanos(9_996),
            Duration::from_nanos(999_999_999),
        ]
        .into_iter()
        .map(|d| Short(d).to_string())
        .collect();
        assert_eq!(shown, ["1.00 s", "100 µs", "10.0 µs", "1.00 s"]);
    }
}
