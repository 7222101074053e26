//! The spec of exercise 2. Gates and rendezvous order the tasks; nothing measures
//! time; every test runs under a watchdog, and the tests that a wrong solution could
//! hang wait on a channel with a short limit, to fail fast with a message instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use ch05_ex02_imap_unordered::{ThreadPool, ZeroWindow, imap_unordered};
use support::{Gate, InFlight, Rendezvous, within_patience};

/// Well under the watchdog: a wrong solution fails with our message, fast.
const SHORT: Duration = Duration::from_secs(3);

/// Panics the test provokes run on the pool's workers (unnamed threads) and print
/// nothing; the test's own failures (on its named thread) still print their message.
fn quiet_worker_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name().is_some() {
                report(info)
            }
        }));
    });
}

/// How long `collect_within` waits for each result: longer than `SHORT`, so a task
/// that waits `SHORT` at a gate fails the spec's own assertion first.
const NEXT: Duration = Duration::from_secs(6);

/// Runs `iterate` on a thread of its own: it calls its argument with each result the
/// iterator hands out. Returns them all once `iterate` returns; fails with a message
/// if the iteration stops handing out results without ending, after `expected`
/// results (next() never returns `None`) or before (`if_fewer` says what went
/// missing). A panic in `iterate` is the test's.
fn collect_within<T, F>(expected: usize, if_fewer: &str, iterate: F) -> Vec<T>
where
    T: Send + 'static,
    F: FnOnce(&mut dyn FnMut(T)) + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let iterating = thread::Builder::new()
        .name("iterating".into())
        .spawn(move || iterate(&mut |result| tx.send(result).unwrap()))
        .unwrap();
    let mut got = Vec::new();
    loop {
        match rx.recv_timeout(NEXT) {
            Ok(result) => got.push(result),
            Err(RecvTimeoutError::Disconnected) => match iterating.join() {
                Ok(()) => return got,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(RecvTimeoutError::Timeout) if got.len() >= expected => panic!(
                "{}, then next() waited {NEXT:?} instead of returning None: the iterator \
                 holds `tx`, so the channel never closes and `recv` alone never ends. Count \
                 the items in flight, and return None when the input is exhausted and none \
                 is left",
                match expected {
                    0 => "the input was empty".to_owned(),
                    n => format!("all {n} results came out"),
                }
            ),
            Err(RecvTimeoutError::Timeout) => panic!(
                "{} of {expected} results came out, then next() waited {NEXT:?} for the next \
                 one: {if_fewer}",
                got.len()
            ),
        }
    }
}

/// What a test says when results go missing with no panic in sight.
const LOST: &str = "does every task send its result on the channel, and does next() keep the \
                    window full (send a new item for each result it hands out)?";

#[test]
fn results_come_out_in_completion_order() {
    within_patience(|| {
        collect_within(3, LOST, |out| {
            let pool = ThreadPool::new(3);
            let gates: Arc<Vec<Gate>> =
                Arc::new((0..3).map(|_| Gate::new()).collect());
            let g = Arc::clone(&gates);
            let mut results = imap_unordered(
                &pool,
                move |i: usize| {
                    // a wrong solution gets its item anyway, after SHORT
                    g[i].wait(SHORT);
                    i * 10
                },
                0..3,
                3,
            )
            .unwrap();
            for i in [2, 0, 1] {
                gates[i].open();
                let (index, value) = results.next().expect("three results");
                assert_eq!(
                    index, i,
                    "item {i} finished first, but item {index} came out: results must come in the order the tasks finish, not in input order"
                );
                assert_eq!(value, Ok(i * 10));
                out(index);
            }
            assert_eq!(
                results.next(),
                None,
                "three items, three results, then None"
            );
        });
    });
}

#[test]
fn every_item_comes_out_once_with_its_index() {
    within_patience(|| {
        for window in [1, 2, 3, 7, 100] {
            let mut got = collect_within(50, LOST, move |out| {
                let pool = ThreadPool::new(3);
                imap_unordered(&pool, |x: u64| x * x, 0..50u64, window)
                    .unwrap()
                    .for_each(out);
            });
            got.sort_by_key(|(i, _)| *i);
            let want: Vec<(usize, Result<u64, String>)> =
                (0..50).map(|x| (x as usize, Ok(x * x))).collect();
            assert_eq!(got, want, "window {window}");
        }
    });
}

#[test]
fn the_input_is_read_only_as_far_as_the_window() {
    let on_hang = "the results stopped: next() waits for a result no task is computing. Is the \
                   count of items in flight lowered as each result comes back, so that the next \
                   item is read and submitted?";
    support::watchdog_or(NEXT * 2, on_hang, || {
        let pool = ThreadPool::new(2);
        let read = Arc::new(AtomicUsize::new(0));
        let r = Arc::clone(&read);
        let input = (0..1000u64).inspect(move |_| {
            r.fetch_add(1, Ordering::SeqCst);
        });
        let mut results = imap_unordered(&pool, |x: u64| x, input, 4).unwrap();
        let ahead = read.load(Ordering::SeqCst);
        assert!(
            ahead <= 4,
            "{ahead} items were read before any result was asked for; with a window of 4, at most 4: read the input lazily, in next()"
        );
        for k in 1..=10 {
            assert!(
                results.next().is_some(),
                "a result for each of the 1000 items"
            );
            let now = read.load(Ordering::SeqCst);
            assert!(
                now <= k + 4,
                "after {k} results, {now} items were read: at most {} with a window of 4",
                k + 4
            );
        }
        // An endless input works too.
        let first: Vec<_> = imap_unordered(&pool, |x: u64| x, 0.., 3)
            .unwrap()
            .take(5)
            .collect();
        assert_eq!(first.len(), 5);
    });
}

#[test]
fn at_most_window_tasks_in_flight_and_the_window_is_used() {
    within_patience(|| {
        let inside = Arc::new(InFlight::new());
        let meet = Arc::new(Rendezvous::new(2));
        let (i, m) = (Arc::clone(&inside), Arc::clone(&meet));
        let met: Vec<bool> = collect_within(8, LOST, move |out| {
            let pool = ThreadPool::new(4);
            imap_unordered(
                &pool,
                move |_: u32| {
                    let _in = i.enter();
                    m.arrive(SHORT).is_ok()
                },
                0..8,
                2,
            )
            .unwrap()
            .for_each(|(_, r)| out(r.unwrap()));
        });
        assert!(
            inside.max() <= 2,
            "{} tasks ran at once with a window of 2: send a new item only when one comes out",
            inside.max()
        );
        assert!(
            met[0],
            "the first two items did not run at the same time: fill the whole window before waiting"
        );
    });
}

#[test]
fn while_every_task_waits_exactly_window_items_are_read() {
    within_patience(|| {
        let pool = ThreadPool::new(4);
        let gate = Arc::new(Gate::new());
        let read = Arc::new(AtomicUsize::new(0));
        let entered = Arc::new(AtomicUsize::new(0));
        let (r, g, e) = (Arc::clone(&read), Arc::clone(&gate), Arc::clone(&entered));
        let input = (0..10u32).inspect(move |_| {
            r.fetch_add(1, Ordering::SeqCst);
        });
        let mut results = imap_unordered(
            &pool,
            move |x: u32| {
                e.fetch_add(1, Ordering::SeqCst);
                g.wait(SHORT);
                x
            },
            input,
            2,
        )
        .unwrap();
        // The test waits in next() below; this thread looks while no task can finish.
        let (gate, read, entered) =
            (Arc::clone(&gate), Arc::clone(&read), Arc::clone(&entered));
        let looker = thread::spawn(move || {
            for _ in 0..SHORT.as_millis() {
                if entered.load(Ordering::SeqCst) >= 2 {
                    break;
                }
                thread::sleep(Duration::from_millis(1));
            }
            // time for a wrong solution to read more
            thread::sleep(Duration::from_millis(100));
            let ahead = read.load(Ordering::SeqCst);
            gate.open();
            ahead
        });
        assert!(results.next().is_some());
        let ahead = looker.join().unwrap();
        assert_eq!(
            ahead, 2,
            "with a window of 2, while two tasks ran and none was done, {ahead} items were read: keep at most `window` items in flight, and fill the window"
        );
    });
}

#[test]
fn a_panicking_item_is_an_error_and_the_rest_follow() {
    within_patience(|| {
        quiet_worker_panics();
        let mut out = collect_within(
            6,
            "a panicking task sent nothing on the channel. Catch the panic inside the task and \
             send (index, Err(message))",
            |out| {
                let pool = ThreadPool::new(2);
                imap_unordered(
                    &pool,
                    |x: u64| {
                        assert!(x != 3, "bad item {x}");
                        x
                    },
                    0..6u64,
                    2,
                )
                .unwrap()
                .for_each(out);
            },
        );
        out.sort_by_key(|(i, _)| *i);
        let want: Vec<(usize, Result<u64, String>)> = (0..6)
            .map(|x| {
                (
                    x as usize,
                    if x == 3 {
                        Err("bad item 3".to_owned())
                    } else {
                        Ok(x)
                    },
                )
            })
            .collect();
        assert_eq!(out, want);
    });
}

#[test]
fn a_zero_window_is_an_error_and_no_input_is_no_output() {
    within_patience(|| {
        let pool = ThreadPool::new(1);
        assert!(matches!(
            imap_unordered(&pool, |x: u8| x, [1, 2], 0),
            Err(ZeroWindow)
        ));
        assert_eq!(ZeroWindow.to_string(), "the window must be at least 1");
        let got = collect_within(0, LOST, |out| {
            let pool = ThreadPool::new(1);
            imap_unordered(&pool, |x: u8| x, [], 3)
                .unwrap()
                .for_each(out);
            assert_eq!(pool.jobs_sent(), 0, "no input: no job sent to the pool");
        });
        assert_eq!(got, [], "no input, no output");
    });
}
