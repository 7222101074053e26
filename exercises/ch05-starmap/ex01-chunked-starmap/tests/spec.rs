//! The spec of exercise 1. Gates and rendezvous order the tasks; nothing measures
//! time; every test runs under a watchdog, so a hang fails instead.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use ch05_ex01_chunked_starmap::{
    Failure, StarmapError, ThreadPool, default_chunksize, starmap,
};
use support::{Gate, Rendezvous, within_patience};

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

#[test]
fn default_chunksize_is_cpythons() {
    for (len, workers, want) in [
        (0, 2, 0),
        (1, 2, 1),
        (8, 2, 1),
        (9, 2, 2),
        (16, 2, 2),
        (17, 2, 3),
        (10_000, 2, 1250),
        (10_001, 2, 1251),
        (60, 2, 8),
        (5, 5, 1),
        (100, 3, 9),
    ] {
        assert_eq!(
            default_chunksize(len, workers),
            want,
            "default_chunksize({len}, {workers}): ceil({len} / (4 * {workers}))"
        );
    }
}

#[test]
fn results_come_back_right_and_in_input_order() {
    within_patience(|| {
        let pool = ThreadPool::new(3);
        let args: Vec<(u64, u64)> = (0..50).map(|i| (i, i % 7)).collect();
        let want: Vec<u64> = args.iter().map(|&(a, b)| a * b + 1).collect();
        for size in [Some(1), Some(3), Some(7), Some(50), Some(80), None] {
            let got = starmap(&pool, |(a, b)| a * b + 1, args.clone(), size);
            assert_eq!(got, Ok(want.clone()), "chunk size {size:?}");
        }
    });
}

#[test]
fn input_order_even_when_the_chunks_finish_in_reverse() {
    within_patience(|| {
        // Item i waits at gate i; the test opens the gates last-first, so the chunks
        // finish in reverse order. The results must still be in input order.
        let n = 4;
        let gates: Arc<Vec<Gate>> = Arc::new((0..n).map(|_| Gate::new()).collect());
        let finished = Arc::new(Mutex::new(Vec::new()));
        let pool = ThreadPool::new(n);
        let (g, fin) = (Arc::clone(&gates), Arc::clone(&finished));
        let results = thread::scope(|s| {
            let call = s.spawn(|| {
                starmap(
                    &pool,
                    move |i: usize| {
                        assert!(g[i].wait(SHORT), "item {i} was never let through");
                        fin.lock().unwrap().push(i);
                        i * 100
                    },
                    (0..n).collect(),
                    Some(1),
                )
            });
            for i in (0..n).rev() {
                gates[i].open();
                for _ in 0..SHORT.as_millis() {
                    if finished.lock().unwrap().contains(&i) {
                        break;
                    }
                    thread::sleep(Duration::from_millis(1));
                }
            }
            call.join().unwrap()
        });
        assert_eq!(
            *finished.lock().unwrap(),
            [3, 2, 1, 0],
            "the chunks did not all run at once: do you wait for one chunk before sending the next?"
        );
        assert_eq!(
            results,
            Ok(vec![0, 100, 200, 300]),
            "results must be in input order, not in the order the chunks finished"
        );
    });
}

#[test]
fn one_task_per_chunk() {
    within_patience(|| {
        for (n, size, want) in [
            (10, Some(3), 4),
            (10, Some(1), 10),
            (10, Some(10), 1),
            (10, Some(25), 1),
            (0, Some(4), 0),
            (1, None, 1),
        ] {
            let pool = ThreadPool::new(2);
            starmap(&pool, |x: usize| x, (0..n).collect(), size).unwrap();
            assert_eq!(
                pool.jobs_sent(),
                want,
                "{n} items in chunks of {size:?} are {want} tasks, the pool received {}: is each chunk one apply_async?",
                pool.jobs_sent()
            );
        }
        // The default: 10,000 items on 2 workers are chunks of 1250, so 8 tasks.
        let pool = ThreadPool::new(2);
        starmap(&pool, |x: usize| x, (0..10_000).collect(), None).unwrap();
        assert_eq!(
            pool.jobs_sent(),
            8,
            "None means CPython's default chunk size"
        );
    });
}

#[test]
fn chunks_run_at_the_same_time() {
    within_patience(|| {
        // Two chunks of two on two workers: the first item of each
        // chunk must meet the other.
        let pool = ThreadPool::new(2);
        let meet = Arc::new(Rendezvous::new(2));
        let m = Arc::clone(&meet);
        let met = starmap(
            &pool,
            move |i: usize| i % 2 == 1 || m.arrive(SHORT).is_ok(),
            (0..4).collect(),
            Some(2),
        )
        .unwrap();
        assert_eq!(
            met,
            [true, true, true, true],
            "only one chunk ran at a time: send every chunk before you get any result"
        );
    });
}

#[test]
fn every_failed_item_with_its_index_and_arguments() {
    within_patience(|| {
        quiet_worker_panics();
        let pool = ThreadPool::new(2);
        let items: Vec<(u64, String)> =
            (0..40).map(|i| (i, format!("file-{i}"))).collect();
        let got = starmap(
            &pool,
            |(i, name): (u64, String)| {
                assert!(i != 13 && i != 27 && i != 28, "cannot read {name}");
                i
            },
            items,
            Some(10),
        );
        let failure = |i: usize| Failure {
            index: i,
            args: (i as u64, format!("file-{i}")),
            message: format!("cannot read file-{i}"),
        };
        let want = StarmapError::Failed(vec![failure(13), failure(27), failure(28)]);
        match got {
            Err(StarmapError::Failed(ref failures)) if failures.len() == 1 => panic!(
                "only {:?} reported; every failed item is expected (13, 27 and 28): do you stop at the first?",
                failures[0].index
            ),
            Err(StarmapError::Failed(ref failures))
                if failures.iter().any(|f| f.index % 10 == 0) =>
            {
                panic!(
                    "a failure at index {:?}: that is a chunk's first index. Catch each item's panic inside the chunk's loop",
                    failures.iter().map(|f| f.index).collect::<Vec<_>>()
                )
            }
            other => assert_eq!(other, Err(want)),
        }
    });
}

#[test]
fn a_failing_item_does_not_stop_its_chunk() {
    within_patience(|| {
        quiet_worker_panics();
        let pool = ThreadPool::new(2);
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&calls);
        let got = starmap(
            &pool,
            move |i: usize| {
                c.fetch_add(1, Ordering::SeqCst);
                assert!(i != 2, "bad item");
                i
            },
            (0..10).collect(),
            Some(5),
        );
        assert!(
            matches!(got, Err(StarmapError::Failed(ref f)) if f.len() == 1 && f[0].index == 2),
            "expected one failure, item 2, got {got:?}: catch each item's panic inside the chunk's loop, and go on with the next item"
        );
        assert_eq!(
            calls.load(Ordering::SeqCst),
            10,
            "items 3 and 4, after the failed item in its chunk, must still run"
        );
    });
}

#[test]
fn a_zero_chunk_size_is_an_error_and_sends_nothing() {
    within_patience(|| {
        let pool = ThreadPool::new(1);
        assert_eq!(
            starmap(&pool, |x: u8| x, vec![1, 2, 3], Some(0)),
            Err(StarmapError::ZeroChunkSize)
        );
        assert_eq!(pool.jobs_sent(), 0);
        assert_eq!(
            starmap(&pool, |x: u8| x, vec![], None),
            Ok(vec![]),
            "no items, no results"
        );
    });
}
