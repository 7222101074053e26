//! The spec of exercise 1. It checks sums, errors and which threads did
//! the work; never speed.

use std::collections::HashSet;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use ch02_ex01_scoped_sum::{SumError, parallel_sum, parallel_sum_with};
use support::{Rendezvous, within_patience};

/// The closed form of the sum of `range`, wrapping like the loop.
fn expected(range: Range<u64>) -> u64 {
    if range.end <= range.start {
        return 0;
    }
    let (a, b) = (u128::from(range.start), u128::from(range.end));
    ((b - a) * (a + b - 1) / 2) as u64
}

#[test]
fn right_answer_for_many_lengths_and_chunk_counts() {
    within_patience(|| {
        for n in [0, 1, 2, 7, 100, 1001] {
            for k in 1..=12 {
                assert_eq!(
                    parallel_sum(0..n, k),
                    Ok(expected(0..n)),
                    "0..{n} in {k} chunks"
                );
                assert_eq!(
                    parallel_sum(5..5 + n, k),
                    Ok(expected(5..5 + n)),
                    "5..{} in {k}",
                    5 + n
                );
            }
        }
    });
}

#[test]
fn more_chunks_than_numbers_is_fine() {
    within_patience(|| {
        assert_eq!(parallel_sum(0..3, 10), Ok(3));
        assert_eq!(parallel_sum(7..7, 4), Ok(0));
    });
}

#[test]
fn a_reversed_range_is_empty_not_a_panic() {
    within_patience(|| {
        // `5..3` holds no numbers, like `5..5`: its length is 0, not `3 - 5`.
        for (start, end, k) in [(5, 3, 2), (u64::MAX, 0, 3), (1, 0, 1)] {
            let range = start..end;
            let got = catch_unwind(|| parallel_sum(range.clone(), k));
            assert_eq!(
                got.ok(),
                Some(Ok(0)),
                "parallel_sum({range:?}, {k}): a reversed range is empty, its sum is Ok(0) and \
                 not a panic: is its length `end - start`? (`saturating_sub` gives 0)"
            );
        }
    });
}

#[test]
fn zero_chunks_is_an_error_not_a_panic() {
    within_patience(|| {
        let calls = AtomicUsize::new(0);
        let got = parallel_sum_with(0..10, 0, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            0
        });
        assert_eq!(got, Err(SumError::ZeroChunks));
        assert_eq!(
            SumError::ZeroChunks.to_string(),
            "cannot split a range into zero chunks"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0, "no chunk is summed");
    });
}

/// How long a chunk waits for the others at the rendezvous: far more than threads
/// need to start, even on a busy machine, and well under the watchdog's 20 s.
const MEET_WITHIN: Duration = Duration::from_secs(4);

#[test]
fn k_distinct_threads_do_the_work_at_the_same_time() {
    within_patience(|| {
        let k = 4;
        let all_in = Rendezvous::new(k);
        let (ids, missed) = (Mutex::new(Vec::new()), Mutex::new(None));
        let got = parallel_sum_with(0..1000, k, |chunk| {
            // Every chunk waits here for the others: k chunks must be running at
            // once. After one chunk gave up, the others do not wait again, so the
            // test fails fast.
            if missed.lock().unwrap().is_none()
                && let Err(e) = all_in.arrive(MEET_WITHIN)
            {
                *missed.lock().unwrap() = Some(e);
            }
            ids.lock().unwrap().push(thread::current().id());
            chunk.sum()
        });
        if let Some(e) = missed.into_inner().unwrap() {
            panic!(
                "{e} within {MEET_WITHIN:?}: are the threads joined one by one, inside the \
                 loop that spawns them? Spawn them all, then join"
            );
        }
        assert_eq!(got, Ok(expected(0..1000)));
        let ids = ids.into_inner().unwrap();
        assert_eq!(ids.len(), k, "one call of sum_chunk per chunk");
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), k, "each chunk on a thread of its own");
        assert!(
            !distinct.contains(&thread::current().id()),
            "not on the caller's thread"
        );
    });
}

#[test]
fn chunks_are_contiguous_and_balanced() {
    within_patience(|| {
        for (range, k) in [(10..47, 5), (0..3, 5), (100..200, 1)] {
            let chunks = Mutex::new(Vec::new());
            parallel_sum_with(range.clone(), k, |chunk| {
                chunks.lock().unwrap().push(chunk.clone());
                0
            })
            .unwrap();
            let mut chunks = chunks.into_inner().unwrap();
            assert_eq!(
                chunks.len(),
                k,
                "{range:?} in {k}: sum_chunk was called {} times for k = {k}; it is called \
                 once for each chunk, empty ones too (an empty chunk still gets its thread)",
                chunks.len()
            );
            chunks.sort_by_key(|c| (c.start, c.end));
            // Empty chunks may sit anywhere; the non-empty ones tile
            // the range in order.
            let mut next = range.start;
            for c in chunks.iter().filter(|c| !c.is_empty()) {
                assert_eq!(c.start, next, "chunks {chunks:?} leave a gap or overlap");
                next = c.end;
            }
            assert_eq!(next, range.end, "chunks {chunks:?} do not cover {range:?}");
            let lens: Vec<u64> = chunks
                .iter()
                .map(|c| c.end.saturating_sub(c.start))
                .collect();
            let (min, max) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
            assert!(max - min <= 1, "lengths {lens:?} differ by more than one");
        }
    });
}

#[test]
fn sums_wrap_instead_of_overflowing() {
    within_patience(|| {
        let range = u64::MAX - 1000..u64::MAX;
        assert_eq!(parallel_sum(range.clone(), 3), Ok(expected(range)));
    });
}

#[test]
fn a_panicking_chunk_is_an_error() {
    within_patience(|| {
        let got = parallel_sum_with(0..100, 4, |chunk| {
            assert!(!chunk.contains(&60), "this chunk fails");
            chunk.sum()
        });
        assert_eq!(got, Err(SumError::ChunkPanicked));
    });
}

#[test]
fn several_panicking_chunks_are_one_error_not_a_panic() {
    within_patience(|| {
        let got = catch_unwind(AssertUnwindSafe(|| {
            parallel_sum_with(0..100, 5, |chunk| {
                assert!(chunk.start < 40, "chunks from 40 on fail");
                chunk.sum()
            })
        }));
        let got = got.unwrap_or_else(|_| {
            panic!(
                "parallel_sum_with panicked when three chunks failed: join every handle before \
                 returning (a scope panics at its end if a thread it owns panicked unjoined)"
            )
        });
        assert_eq!(got, Err(SumError::ChunkPanicked));
    });
}
