//! The spec of exercise 1. A fake clock moves only when the work says
//! so, so every time is known exactly; the one test on the real clock
//! checks a lower bound only, never speed.

use std::cell::Cell;
use std::time::Duration;

use ch01_ex01_timed::{
    Clock, Plan, PlanError, RealClock, Report, measure, summarise,
};
use support::within_patience;

const fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

/// A clock that stands still until the work moves it, and counts how
/// often it is read.
#[derive(Default)]
struct FakeClock {
    now: Cell<Duration>,
    reads: Cell<usize>,
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        self.reads.set(self.reads.get() + 1);
        self.now.get()
    }
}

/// What a measurement with the fake clock saw.
struct Seen {
    result: Result<Report, PlanError>,
    calls: usize,
    reads: usize,
}

/// Measures work whose `i`-th call (counting from 0, warm-up included)
/// takes `cost(i)`.
fn run_fake(plan: Plan, cost: fn(usize) -> Duration) -> Seen {
    within_patience(move || {
        let (clock, calls) = (FakeClock::default(), Cell::new(0));
        let result = measure(&clock, plan, || {
            let i = calls.get();
            calls.set(i + 1);
            clock.now.set(clock.now.get() + cost(i));
            i
        });
        Seen {
            result,
            calls: calls.get(),
            reads: clock.reads.get(),
        }
    })
}

/// Checks the per-run times, and names the likely mistake when they are wrong.
fn check_per_run(got: &[Duration], want: &[Duration], batch: u32) {
    assert_eq!(
        got.len(),
        want.len(),
        "one per-run time per sample: {} samples, got {got:?}",
        want.len()
    );
    if got == want {
        return;
    }
    let cumulative: Vec<Duration> = want
        .iter()
        .scan(Duration::ZERO, |sum, t| {
            *sum += *t;
            Some(*sum)
        })
        .collect();
    let times = |v: &[Duration], k: u32| v.iter().map(|t| *t * k).collect::<Vec<_>>();
    let hint = if got == cumulative || got == times(&cumulative, batch) {
        "each sample also counts the samples before it: read the clock at the start of every \
         sample, not once at the start of the measurement"
    } else if got == times(want, batch) {
        "these are whole batches: divide a sample's time by the batch size"
    } else {
        "compare with the runs the fake clock timed"
    };
    panic!("per-run times {got:?}, expected {want:?}: {hint}");
}

#[test]
fn every_run_costs_the_same() {
    let plan = Plan {
        warm_up: 0,
        samples: 5,
        batch: 4,
    };
    let seen = run_fake(plan, |_| us(10));
    assert_eq!(
        seen.calls, 20,
        "5 samples of 4 runs each call the work 20 times"
    );
    let report = seen.result.expect("a good plan");
    check_per_run(&report.per_run, &[us(10); 5], plan.batch);
    assert_eq!(
        (report.min, report.median, report.max),
        (us(10), us(10), us(10))
    );
}

#[test]
fn warm_up_runs_happen_but_are_not_timed() {
    // The 3 warm-up calls are slow (1 ms each, a cold start); every
    // later call takes 10 µs.
    let plan = Plan {
        warm_up: 3,
        samples: 4,
        batch: 5,
    };
    let seen = run_fake(plan, |i| if i < 3 { us(1000) } else { us(10) });
    assert_eq!(
        seen.calls, 23,
        "3 warm-up runs and 4 samples of 5 runs: the work runs 23 times"
    );
    let report = seen.result.expect("a good plan");
    check_per_run(&report.per_run, &[us(10); 4], plan.batch);
}

#[test]
fn samples_keep_their_order_and_give_the_spread() {
    // Every run of sample s costs per_run[s]: [5, 1, 9, 3, 4] µs, in that order.
    let plan = Plan {
        warm_up: 0,
        samples: 5,
        batch: 2,
    };
    let seen = run_fake(plan, |i| us([5, 1, 9, 3, 4][i / 2]));
    let report = seen.result.expect("a good plan");
    check_per_run(&report.per_run, &[us(5), us(1), us(9), us(3), us(4)], 2);
    assert_eq!(report.min, us(1), "min");
    assert_eq!(report.max, us(9), "max");
    assert_eq!(
        report.median,
        us(4),
        "the median is the middle of the *sorted* times"
    );
}

#[test]
fn a_sample_with_a_slow_run_in_its_batch() {
    // Batches of 4; the 6th call (the 2nd of sample 1) takes 44 µs instead of 4 µs.
    let plan = Plan {
        warm_up: 0,
        samples: 3,
        batch: 4,
    };
    let seen = run_fake(plan, |i| if i == 5 { us(44) } else { us(4) });
    let report = seen.result.expect("a good plan");
    check_per_run(&report.per_run, &[us(4), us(14), us(4)], 4);
    assert_eq!(
        (report.min, report.median, report.max),
        (us(4), us(4), us(14))
    );
}

#[test]
fn the_clock_is_read_around_a_batch_not_inside_it() {
    let plan = Plan {
        warm_up: 2,
        samples: 3,
        batch: 1000,
    };
    let seen = run_fake(plan, |_| us(1));
    assert!(
        seen.reads <= 2 * plan.samples,
        "the clock was read {} times for 3 samples: read it before and after each batch, not \
         for every run (reading the clock costs time of its own)",
        seen.reads
    );
    check_per_run(
        &seen.result.expect("a good plan").per_run,
        &[us(1); 3],
        1000,
    );
}

#[test]
fn summarise_an_even_count() {
    let report = summarise(vec![us(4), us(1), us(10), us(2)]).expect("four times");
    assert_eq!(
        report.per_run,
        [us(4), us(1), us(10), us(2)],
        "in the order taken"
    );
    assert_eq!(
        report.median,
        us(3),
        "for an even count, the median is the mean of the two middle times"
    );
    assert_eq!((report.min, report.max), (us(1), us(10)));
}

#[test]
fn summarise_one_time_and_none() {
    let one = summarise(vec![us(7)]).expect("one time");
    assert_eq!((one.min, one.median, one.max), (us(7), us(7), us(7)));
    assert_eq!(summarise(Vec::new()), None, "no times, no report");
}

#[test]
fn bad_plans_are_errors_and_run_nothing() {
    let cases = [
        (0, 5, PlanError::NoSamples),
        (3, 0, PlanError::EmptyBatch),
        (0, 0, PlanError::NoSamples),
    ];
    for (samples, batch, want) in cases {
        let plan = Plan {
            warm_up: 2,
            samples,
            batch,
        };
        let seen = run_fake(plan, |_| us(1));
        let why = if samples == 0 && batch == 0 {
            ": samples is checked before batch, so a plan with neither is `NoSamples`"
        } else {
            ""
        };
        assert_eq!(seen.result, Err(want), "{plan:?}{why}");
        let text = match want {
            PlanError::NoSamples => "a plan needs at least one sample",
            PlanError::EmptyBatch => "a batch needs at least one run",
        };
        assert_eq!(want.to_string(), text, "the message of {want:?}");
        assert_eq!(seen.calls, 0, "{plan:?}: a bad plan must not run the work");
    }
}

#[test]
fn the_real_clock_covers_the_work() {
    // A sleep lasts at least as long as asked, so this lower bound
    // holds on any machine.
    let plan = Plan {
        warm_up: 1,
        samples: 3,
        batch: 2,
    };
    let report = within_patience(move || {
        measure(&RealClock::new(), plan, || {
            std::thread::sleep(Duration::from_millis(2))
        })
    })
    .expect("a good plan");
    assert_eq!(report.per_run.len(), 3);
    for t in &report.per_run {
        assert!(
            *t >= Duration::from_millis(2),
            "one run of a 2 ms sleep measured {t:?}"
        );
    }
    assert!(report.min <= report.median && report.median <= report.max);
}
