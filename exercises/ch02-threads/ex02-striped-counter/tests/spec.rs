//! The spec of exercise 2. It checks values, the memory layout and which cell each
//! adder uses; never speed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use ch02_ex02_striped_counter::{StripedCounter, count_with};
use support::{Rendezvous, RendezvousTimeout, within_patience};

/// How long a thread waits for the others at a rendezvous: far more than threads need
/// to start, even on a busy machine, and well under the watchdog's 20 s.
const MEET_WITHIN: Duration = Duration::from_secs(4);

/// A counter of `cells` cells; fails the test (not with a `None`
/// unwrap) if there is none.
fn counter(cells: usize) -> StripedCounter {
    StripedCounter::new(cells)
        .unwrap_or_else(|| panic!("StripedCounter::new({cells}) is None"))
}

/// What every cell holds.
fn cell_values(c: &StripedCounter) -> Vec<u64> {
    (0..c.cells()).map(|i| c.value_of(i)).collect()
}

#[test]
fn zero_cells_is_none_not_a_panic() {
    within_patience(|| {
        let got = catch_unwind(|| StripedCounter::new(0).is_none());
        assert!(
            got.expect("StripedCounter::new(0) panicked: return None instead"),
            "StripedCounter::new(0) must be None: with no cell, there is nowhere to add"
        );
        let ran = Mutex::new(0);
        let got = catch_unwind(AssertUnwindSafe(|| {
            count_with(3, 0, |_| *ran.lock().unwrap() += 1).is_none()
        }));
        assert!(
            got.expect(
                "count_with(3 threads, 0 cells, ..) panicked: return None instead"
            ),
            "count_with with 0 cells must be None"
        );
        assert_eq!(*ran.lock().unwrap(), 0, "with 0 cells, `work` must not run");
    });
}

#[test]
fn a_new_counter_has_its_cells_all_zero() {
    for cells in [1, 3, 8] {
        let c = counter(cells);
        assert_eq!(c.cells(), cells, "StripedCounter::new({cells})");
        assert_eq!(cell_values(&c), vec![0; cells]);
        assert_eq!(c.sum(), 0);
    }
}

#[test]
fn no_two_cells_share_a_cache_line() {
    let c = counter(8);
    let addresses: Vec<usize> = (0..8).map(|i| c.address_of(i)).collect();
    for pair in addresses.windows(2) {
        assert!(
            pair[1] - pair[0] >= 128,
            "two neighbouring cells are {} bytes apart ({:#x}, {:#x}): they share a cache line \
             or a pair of lines. Align `CounterCell` to 128 bytes with #[repr(align(128))]",
            pair[1] - pair[0],
            pair[0],
            pair[1]
        );
    }
    for (i, a) in addresses.iter().enumerate() {
        assert_eq!(
            a % 128,
            0,
            "cell {i} at {a:#x} does not start on a 128-byte boundary: padding a cell to 128 \
             bytes is not enough: it can straddle two 128-byte blocks and share each with a \
             neighbour. Align it with #[repr(align(128))]"
        );
    }
}

#[test]
fn adders_take_the_cells_in_turn() {
    // Adder k adds 10^k, so each cell shows which adders wrote to it.
    let c = counter(3);
    let adders: Vec<_> = (0..5).map(|_| c.adder()).collect();
    for (k, a) in adders.iter().enumerate() {
        a.add(10u64.pow(k as u32));
    }
    assert_eq!(
        cell_values(&c),
        vec![1 + 1_000, 10 + 10_000, 100],
        "five adders on three cells: adder k must add to cell k % 3 (adders 0 and 3 to cell 0, \
         1 and 4 to cell 1, 2 to cell 2). Does `adder` count the adders taken in `next`?"
    );
    let a = &adders[1];
    a.add(5);
    a.add(5);
    assert_eq!(
        c.value_of(1),
        10_020,
        "an adder keeps its cell: every add of adder 1 goes to cell 1"
    );
}

#[test]
fn adds_wrap_instead_of_overflowing() {
    let c = counter(1);
    let a = c.adder();
    a.add(u64::MAX);
    let got = catch_unwind(AssertUnwindSafe(|| a.add(2)));
    got.expect(
        "`add` panicked on overflow: the counter must wrap, as `fetch_add` does",
    );
    assert_eq!(c.value_of(0), 1, "u64::MAX + 2 wraps to 1");
}

#[test]
fn sum_adds_every_cell_and_wraps() {
    let c = counter(3);
    for n in [7, 20, 300] {
        c.adder().add(n);
    }
    assert_eq!(
        c.sum(),
        327,
        "cells {:?}: the sum must count every cell, the first and the last too",
        cell_values(&c)
    );
    c.adder().add(u64::MAX); // cell 0 wraps round to 6
    c.adder().add(u64::MAX - 19); // cell 1 wraps round to 0
    assert_eq!(c.sum(), 306, "cells {:?}", cell_values(&c));
    let c = counter(2);
    c.adder().add(u64::MAX);
    c.adder().add(2);
    let got = catch_unwind(AssertUnwindSafe(|| c.sum()));
    let got =
        got.expect("`sum` panicked on overflow: add the cells with `wrapping_add`");
    assert_eq!(got, 1, "cells {:?} sum to 1, wrapping", cell_values(&c));
}

const THREADS: usize = 4;
const ADDS: u64 = 250_000;

/// `THREADS` threads, met at a rendezvous so they run at once, each take an adder of
/// a one-cell counter and add 1 `ADDS` times; returns what the cell holds then.
fn contended_round() -> u64 {
    let c = counter(1);
    let all_in = Rendezvous::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            let (c, all_in) = (&c, &all_in);
            s.spawn(move || {
                let a = c.adder();
                all_in
                    .arrive(MEET_WITHIN)
                    .expect("the spec's own threads could not meet");
                for _ in 0..ADDS {
                    a.add(1);
                }
            });
        }
    });
    c.value_of(0)
}

#[test]
fn add_loses_no_update_when_threads_share_a_cell() {
    // A load followed by a store lets two threads read the same old
    // value: one add is lost. One round almost always shows it on two
    // cores; up to ten rounds leave no doubt.
    within_patience(|| {
        let want = THREADS as u64 * ADDS;
        for _ in 0..10 {
            let got = contended_round();
            assert!(
                got == want,
                "{THREADS} threads shared one cell and each added 1 {ADDS} times: expected \
                 {want}, got {got}, so {} updates were lost. Is `add` a load followed by a \
                 store? Two threads can load the same value; make it one atomic \
                 read-modify-write",
                want.wrapping_sub(got)
            );
        }
    });
}

const TURNS: usize = 250_000;

/// `THREADS` threads, met at a rendezvous so they run at once, each
/// take `TURNS` adders of a counter of `THREADS` cells and add 1
/// through each; returns the counter.
fn turns_round() -> StripedCounter {
    let c = counter(THREADS);
    let all_in = Rendezvous::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            let (c, all_in) = (&c, &all_in);
            s.spawn(move || {
                all_in
                    .arrive(MEET_WITHIN)
                    .expect("the spec's own threads could not meet");
                for _ in 0..TURNS {
                    c.adder().add(1);
                }
            });
        }
    });
    c
}

#[test]
fn threads_that_take_adders_at_once_get_every_turn_once() {
    // Handed out once each, the turns 0, 1, 2, ... fill the cells evenly, and the
    // next adder after them all goes to cell 0 again. A `next` read and then written
    // back in two steps hands two threads the same turn (or even an old one), which
    // shows up as uneven cells. The window is a few instructions wide: twenty rounds
    // caught it in 30 runs of 30 on a 2-core machine.
    within_patience(|| {
        let taken = (THREADS * TURNS) as u64;
        for _ in 0..20 {
            let c = turns_round();
            let cells = cell_values(&c);
            assert_eq!(
                c.sum(),
                taken,
                "cells {cells:?}: {taken} adders each added 1, but adds were lost. Is `add` one \
                 atomic read-modify-write?"
            );
            let one_more = c.adder();
            one_more.add(1 << 40);
            let last = (0..THREADS).find(|&i| c.value_of(i) >= 1 << 40);
            assert!(
                cells.iter().all(|&n| n == TURNS as u64) && last == Some(0),
                "{THREADS} threads took {TURNS} adders each, at once, from a counter of \
                 {THREADS} cells: every cell should have got {TURNS} of them and the next adder \
                 cell 0, but the cells got {cells:?} and the next adder cell {last:?}. Is \
                 `next` read and then written back in two steps? Two threads can read the same \
                 turn; take it in one atomic step"
            );
        }
    });
}

#[test]
fn count_with_runs_its_threads_at_the_same_time() {
    within_patience(|| {
        let all_in = Rendezvous::new(THREADS);
        let missed: Mutex<Option<RendezvousTimeout>> = Mutex::new(None);
        let c = count_with(THREADS, THREADS, |a| {
            // Once one thread gave up waiting, the others do not wait again: the test
            // fails after one timeout, not after one per thread.
            if missed.lock().unwrap().is_none()
                && let Err(e) = all_in.arrive(MEET_WITHIN)
            {
                *missed.lock().unwrap() = Some(e);
            }
            a.add(1);
        });
        if let Some(e) = missed.into_inner().unwrap() {
            panic!(
                "{e} within {MEET_WITHIN:?}: does count_with join each thread inside the loop \
                 that spawns it? Spawn them all in one scope; the scope joins them at its end"
            );
        }
        let c = c.expect("count_with with 4 cells is Some");
        assert_eq!(
            c.sum(),
            THREADS as u64,
            "each of the {THREADS} threads added 1"
        );
    });
}

#[test]
fn count_with_gives_each_thread_its_own_adder() {
    within_patience(|| {
        // (threads, cells, what each cell holds after every thread
        // added 1 a hundred times)
        let cases: [(usize, usize, &[u64]); 5] = [
            (4, 4, &[100, 100, 100, 100]),
            (2, 5, &[100, 100, 0, 0, 0]),
            (6, 4, &[200, 200, 100, 100]),
            (1, 1, &[100]),
            (0, 3, &[0, 0, 0]),
        ];
        for (threads, cells, want) in cases {
            let c = count_with(threads, cells, |a| {
                for _ in 0..100 {
                    a.add(1);
                }
            })
            .unwrap_or_else(|| {
                panic!("count_with({threads} threads, {cells} cells) is None")
            });
            assert_eq!(
                cell_values(&c),
                want,
                "{threads} threads on {cells} cells, each adding 1 a hundred times: the \
                 threads must spread over the cells in turn. Does every thread take an adder \
                 of its own (one `adder()` call per thread), or do they share one?"
            );
        }
    });
}

#[test]
fn count_with_counts_every_add_for_any_threads_and_cells() {
    within_patience(|| {
        for threads in 0..=9 {
            for cells in 1..=4 {
                let c = count_with(threads, cells, |a| {
                    for n in 1..=100 {
                        a.add(n);
                    }
                })
                .unwrap_or_else(|| {
                    panic!("count_with({threads}, {cells}, ..) is None")
                });
                assert_eq!(c.cells(), cells);
                assert_eq!(
                    c.sum(),
                    threads as u64 * 5050,
                    "{threads} threads on {cells} cells, each adding 1..=100"
                );
            }
        }
    });
}
