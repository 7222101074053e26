//! The spec of exercise 3. It checks values, and that calls overlap, by
//! structure; never speed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use ch02_ex03_lock_outside::Memo;
use support::{Rendezvous, watchdog_or};

/// How long a call waits for the other inside `compute`: far more than a thread needs
/// to start, even on a busy machine, and well under the watchdog's 20 s.
const MEET_WITHIN: Duration = Duration::from_secs(4);

/// How long a test may run before the spec calls it a hang: every test here takes
/// milliseconds, and a rendezvous gives up after [`MEET_WITHIN`].
const HANG_AFTER: Duration = Duration::from_secs(8);

/// Runs a test body under a watchdog that names the likely cause of a hang.
#[track_caller]
fn patient<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> T {
    watchdog_or(
        HANG_AFTER,
        "get_or_compute never returned: does it lock the memo while its own thread still holds \
         the lock? A guard lives until the end of the statement that made it, so in `match \
         self.values.lock().unwrap().get(&key) {..}` the temporary guard lives through the \
         whole match (and through the body of an `if let`), and a second lock() inside it waits forever. Copy the value \
         out in a `let` (or a block) of its own, and lock again only after it",
        body,
    )
}

#[test]
fn computes_a_new_key_and_remembers_it() {
    patient(|| {
        let memo = Memo::new();
        assert!(memo.is_empty());
        assert_eq!(memo.get_or_compute(12, |k| k * k), 144);
        assert_eq!(memo.len(), 1);
        assert!(!memo.is_empty());
        // The version under review gives the same answers; only its locking differs.
        assert_eq!(Memo::new().get_or_compute_locked(12, |k| k * k), 144);
    });
}

#[test]
fn a_remembered_key_is_not_computed_again() {
    patient(|| {
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
    patient(|| {
        let (memo, both) = (Memo::new(), Rendezvous::new(2));
        let met = thread::scope(|s| {
            let calls: Vec<_> = [1, 2]
                .map(|key| {
                    let (memo, both) = (&memo, &both);
                    s.spawn(move || {
                        memo.get_or_compute(key, |k| {
                            // Both calls must be inside `compute` at
                            // once to get past here.
                            let met = both.arrive(MEET_WITHIN).is_ok();
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
    // Fibonacci through the memo: computing key n asks the memo for n -
    // 1 and n - 2. If the lock is held while compute runs, the inner
    // call waits for a lock its own thread holds.
    let (value, len) = watchdog_or(
        HANG_AFTER,
        "a memoised Fibonacci never finished: is the lock still held while compute runs? The \
         inner call then waits for a lock its own thread holds, forever",
        || {
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
            (fib(&memo, 50), memo.len())
        },
    );
    assert_eq!(value, 12_586_269_025);
    assert_eq!(len, 51);
}

#[test]
fn a_panicking_compute_leaves_the_memo_usable() {
    patient(|| {
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
    patient(|| {
        let (memo, both, calls) =
            (Memo::new(), Rendezvous::new(2), AtomicU64::new(0));
        let (seen, met): (Vec<u64>, Vec<bool>) = thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let (memo, both, calls) = (&memo, &both, &calls);
                    s.spawn(move || {
                        let mut met = false;
                        let value = memo.get_or_compute(7, |_| {
                            // both computations are under way
                            met = both.arrive(MEET_WITHIN).is_ok();
                            // they disagree
                            100 + calls.fetch_add(1, Ordering::SeqCst)
                        });
                        (value, met)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).unzip()
        });
        assert!(
            met.iter().any(|&m| m),
            "the two computations of key 7 never ran at the same time: is the lock held while \
             compute runs?"
        );
        assert_eq!(
            seen[0], seen[1],
            "both callers must see the one value the memo keeps: insert with \
             `entry(key).or_insert(value)` and return what the memo holds, not your own value"
        );
        assert_eq!(memo.get_or_compute(7, |_| 0), seen[0]);
        assert_eq!(memo.len(), 1);
    });
}
