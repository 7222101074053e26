//! The spec of exercise 2. It checks the counts and the memory layout; never speed.

use std::collections::HashSet;
use std::thread;
use std::time::Duration;

use ch02_ex02_padded_counters::{Counters, count_multiples};
use support::{Rendezvous, within_patience};

#[test]
fn new_counters_start_at_zero() {
    let c = Counters::new(5);
    assert_eq!(c.len(), 5);
    assert!(!c.is_empty());
    assert!(Counters::new(0).is_empty());
    assert!((0..5).all(|i| c.get(i) == 0));
    assert_eq!(c.total(), 0);
}

#[test]
fn add_changes_only_its_own_counter() {
    let c = Counters::new(3);
    c.add(1, 5);
    c.add(1, 7);
    c.add(2, 1);
    assert_eq!((c.get(0), c.get(1), c.get(2)), (0, 12, 1));
    assert_eq!(c.total(), 13);
}

#[test]
fn counters_wrap_instead_of_overflowing() {
    let c = Counters::new(2);
    c.add(0, u64::MAX);
    c.add(0, 2);
    c.add(1, u64::MAX);
    assert_eq!(c.get(0), 1);
    assert_eq!(c.total(), 0);
}

#[test]
fn no_two_counters_share_a_cache_line() {
    let c = Counters::new(8);
    let addresses: Vec<usize> = (0..8).map(|i| c.address_of(i)).collect();
    for (i, a) in addresses.iter().enumerate() {
        assert_eq!(
            a % 128,
            0,
            "counter {i} at {a:#x} does not start on a 128-byte boundary"
        );
    }
    for pair in addresses.windows(2) {
        assert!(
            pair[1] - pair[0] >= 128,
            "counters {:#x} and {:#x} are closer than 128 bytes",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn threads_can_count_side_by_side() {
    within_patience(|| {
        let c = Counters::new(4);
        let all_in = Rendezvous::new(4);
        let ids: HashSet<_> = thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|w| {
                    let (c, all_in) = (&c, &all_in);
                    s.spawn(move || {
                        all_in.arrive_or_panic();
                        for _ in 0..10_000 {
                            c.add(w, 1);
                        }
                        thread::current().id()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(ids.len(), 4);
        assert!((0..4).all(|w| c.get(w) == 10_000));
        assert_eq!(c.total(), 40_000);
    });
}

/// `THREADS` threads, met at a rendezvous so they run at once, each add 1 to counter 0 `ADDS`
/// times; returns what counter 0 holds then.
fn contended_round() -> u64 {
    let c = Counters::new(2);
    let all_in = Rendezvous::new(THREADS as usize);
    thread::scope(|s| {
        for _ in 0..THREADS {
            let (c, all_in) = (&c, &all_in);
            s.spawn(move || {
                // Well under the watchdog's 20 s: a missing thread fails here, with a reason.
                all_in
                    .arrive(Duration::from_secs(5))
                    .expect("the spec's own threads could not meet");
                for _ in 0..ADDS {
                    c.add(0, 1);
                }
            });
        }
    });
    assert_eq!(c.get(1), 0, "counter 1 was never added to");
    c.get(0)
}

const THREADS: u64 = 4;
const ADDS: u64 = 250_000;

#[test]
fn add_loses_no_update_when_threads_share_a_counter() {
    // A load followed by a store lets two threads read the same old value: one add is lost.
    // One round almost always shows it on two cores; up to ten rounds leave no doubt.
    within_patience(|| {
        let want = THREADS * ADDS;
        for _ in 0..10 {
            let got = contended_round();
            assert!(
                got == want,
                "{THREADS} threads added 1 to counter 0 {ADDS} times each: expected {want}, got \
                 {got}, so {} updates were lost. Is `add` a load followed by a store? Two \
                 threads can load the same value; make it one atomic read-modify-write \
                 (`fetch_add`)",
                want.wrapping_sub(got)
            );
        }
    });
}

#[test]
fn count_multiples_splits_the_range_evenly() {
    // With divisor 1 every number counts, so counter w holds the length of chunk w.
    within_patience(|| {
        for (range, threads) in [(0..1003, 4), (0..10, 4), (0..3, 5), (7..29, 6)] {
            let c = count_multiples(range.clone(), 1, threads).expect("threads > 0, divisor 1");
            let lens: Vec<u64> = (0..threads).map(|w| c.get(w)).collect();
            let (min, max) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
            assert!(
                max - min <= 1,
                "{range:?} on {threads} threads gave chunks of {lens:?}: lengths may differ by \
                 at most one. Does the last thread take the whole remainder? Give one extra \
                 number to each of the first `len % threads` chunks instead"
            );
            assert_eq!(
                lens.iter().sum::<u64>(),
                range.end - range.start,
                "{range:?}: the chunks {lens:?} must cover the range exactly once"
            );
        }
    });
}

#[test]
fn count_multiples_gives_each_thread_a_contiguous_chunk() {
    within_patience(|| {
        // 0..8 in two chunks, 0..4 and 4..8, each holds two even numbers. Taking every
        // other number instead (0, 2, 4, 6 and 1, 3, 5, 7) would give 4 and 0.
        let c = count_multiples(0..8, 2, 2).expect("2 threads is fine");
        assert_eq!(
            (c.get(0), c.get(1)),
            (2, 2),
            "thread w must count the w-th contiguous chunk, into counter w"
        );
    });
}

#[test]
fn count_multiples_counts_each_chunk_in_its_own_counter() {
    within_patience(|| {
        // 0..1200 in 4 chunks of 300: each holds exactly 100 multiples of 3.
        let c = count_multiples(0..1200, 3, 4).expect("4 threads is fine");
        assert_eq!(c.len(), 4);
        assert!(
            (0..4).all(|w| c.get(w) == 100),
            "{:?}",
            (0..4).map(|w| c.get(w)).collect::<Vec<_>>()
        );
        assert_eq!(c.total(), 400);
    });
}

#[test]
fn count_multiples_is_right_for_any_thread_count() {
    within_patience(|| {
        for threads in 1..=9 {
            for (range, divisor) in [(0..1000, 3), (7..1001, 7), (5..5, 2), (0..3, 1)] {
                let want = range.clone().filter(|i| i % divisor == 0).count() as u64;
                let c = count_multiples(range.clone(), divisor, threads).unwrap();
                assert_eq!(c.len(), threads);
                assert_eq!(
                    c.total(),
                    want,
                    "{range:?}, divisor {divisor}, {threads} threads"
                );
            }
        }
    });
}

#[test]
fn zero_threads_or_zero_divisor_is_none_not_a_panic() {
    within_patience(|| {
        assert!(count_multiples(0..10, 3, 0).is_none());
        assert!(count_multiples(0..10, 0, 2).is_none());
    });
}
