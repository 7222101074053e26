//! The spec of exercise 3. It checks values, and that calls overlap, by structure; never speed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use ch02_ex03_lock_outside::Memo;
use support::{Rendezvous, within_patience};

#[test]
fn computes_a_new_key_and_remembers_it() {
    within_patience(|| {
        let memo = Memo::new();
        assert_eq!(memo.get_or_compute(12, |k| k * k), 144);
        assert_eq!(memo.len(), 1);
    });
}

#[test]
fn a_remembered_key_is_not_computed_again() {
    within_patience(|| {
        let (memo, calls) = (Memo::new(), AtomicU64::new(0));
        let compute = |k: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            k + 1
        };
        assert_eq!(memo.get_or_compute(4, compute), 5);
        assert_eq!(memo.get_or_compute(4, compute), 5);
        assert_eq!(memo.get_or_compute(6, compute), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(memo.len(), 2);
    });
}

#[test]
fn two_calls_compute_at_the_same_time() {
    within_patience(|| {
        let (memo, both) = (Memo::new(), Rendezvous::new(2));
        let met = thread::scope(|s| {
            let calls: Vec<_> = [1, 2]
                .map(|key| {
                    let (memo, both) = (&memo, &both);
                    s.spawn(move || {
                        memo.get_or_compute(key, |k| {
                            // Both calls must be inside `compute` at once to get past here.
                            let met = both.arrive(Duration::from_secs(5)).is_ok();
                            k * 10 + u64::from(met)
                        })
                    })
                })
                .into_iter()
                .collect();
            calls
                .into_iter()
                .map(|c| c.join().unwrap())
                .collect::<Vec<_>>()
        });
        assert_eq!(
            met,
            [11, 21],
            "the two calls never met inside compute: is the lock held while it runs?"
        );
    });
}

#[test]
fn compute_may_use_the_memo_itself() {
    within_patience(|| {
        // Fibonacci through the memo: computing key n asks the memo for n - 1 and n - 2.
        fn fib(memo: &Memo, n: u64) -> u64 {
            memo.get_or_compute(n, |n| {
                if n < 2 {
                    n
                } else {
                    fib(memo, n - 1) + fib(memo, n - 2)
                }
            })
        }
        let memo = Memo::new();
        assert_eq!(fib(&memo, 50), 12_586_269_025);
        assert_eq!(memo.len(), 51);
    });
}

#[test]
fn a_panicking_compute_leaves_the_memo_usable() {
    within_patience(|| {
        let memo = Memo::new();
        let failed = catch_unwind(AssertUnwindSafe(|| {
            memo.get_or_compute(1, |_| panic!("boom"))
        }));
        assert!(failed.is_err());
        assert!(
            memo.is_empty(),
            "nothing remembered for a failed computation"
        );
        assert_eq!(
            memo.get_or_compute(2, |k| k + 40),
            42,
            "the memo still works"
        );
    });
}

#[test]
fn racing_computations_of_one_key_agree_on_the_first_value_stored() {
    within_patience(|| {
        let (memo, both, calls) = (Memo::new(), Rendezvous::new(2), AtomicU64::new(0));
        let seen = thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (memo, both, calls) = (&memo, &both, &calls);
                    s.spawn(move || {
                        memo.get_or_compute(7, |_| {
                            both.arrive_or_panic(); // both computations are under way
                            100 + calls.fetch_add(1, Ordering::SeqCst) // they disagree
                        })
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>()
        });
        assert_eq!(
            seen[0], seen[1],
            "both callers must see the one value the memo keeps"
        );
        assert_eq!(memo.get_or_compute(7, |_| 0), seen[0]);
        assert_eq!(memo.len(), 1);
    });
}
