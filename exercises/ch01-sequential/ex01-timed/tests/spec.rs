//! The spec of exercise 1. It checks values, counts and lower bounds; never that code is fast.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ch01_ex01_timed::{median, repeat, timed};
use support::within_patience;

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn timed_returns_the_closures_value() {
    let (value, _) = within_patience(|| timed(|| 6 * 7));
    assert_eq!(value, 42);
}

#[test]
fn timed_passes_owned_values_through() {
    let (text, _) = within_patience(|| timed(|| String::from("done")));
    assert_eq!(text, "done");
}

#[test]
fn timed_runs_the_closure_exactly_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    within_patience(move || timed(move || seen.fetch_add(1, Ordering::SeqCst)));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the closure must run exactly once"
    );
}

#[test]
fn timed_covers_the_whole_closure() {
    // A sleep lasts at least as long as asked, so this lower bound holds on any machine.
    let ((), elapsed) = within_patience(|| timed(|| std::thread::sleep(ms(30))));
    assert!(
        elapsed >= ms(30),
        "measured {elapsed:?} for a sleep of 30 ms"
    );
}

#[test]
fn repeat_runs_the_closure_as_often_as_asked() {
    let times = within_patience(|| {
        let mut calls = 0;
        let times = repeat(5, || calls += 1);
        assert_eq!(calls, 5, "the closure must run once per run");
        times
    });
    assert_eq!(times.len(), 5, "one time per run");
}

#[test]
fn repeat_times_each_run() {
    let times = within_patience(|| repeat(3, || std::thread::sleep(ms(10))));
    assert_eq!(times.len(), 3);
    for t in times {
        assert!(t >= ms(10), "a run of a 10 ms sleep measured {t:?}");
    }
}

#[test]
fn repeat_zero_times_is_empty() {
    let (times, calls) = within_patience(|| {
        let mut calls = 0;
        let times = repeat(0, || calls += 1);
        (times, calls)
    });
    assert_eq!((times, calls), (Vec::new(), 0));
}

#[test]
fn median_of_an_odd_count_is_the_middle() {
    assert_eq!(median(&[ms(5), ms(1), ms(9), ms(3), ms(4)]), Some(ms(4)));
    assert_eq!(median(&[ms(7)]), Some(ms(7)));
}

#[test]
fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(median(&[ms(4), ms(1), ms(10), ms(2)]), Some(ms(3)));
}

#[test]
fn median_of_nothing_is_none() {
    assert_eq!(median(&[]), None);
}
