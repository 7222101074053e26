//! `starmap` on the process pool. These tests fork, so they cannot run on libtest's
//! threads: `support::fork` runs each one in a single-threaded child process of its
//! own, under a time limit, and fails a test that leaves a child process behind
//! (running or zombie).

#[cfg(unix)]
mod unix {
    use std::collections::HashSet;

    use ch04_pools::{ProcessPool, TaskError};
    use ch05_starmap::process_starmap::{starmap, starmap_async};
    use ch05_starmap::tutorial::{do_something, tutorial_args};
    use ch05_starmap::{ChunkSize, MapError};
    use workloads::Scale;

    use support::case;
    use support::fork::Test;

    // Plain functions: only code crosses to a worker, by address.
    fn do_something_test((a, b): (u64, u64)) -> String {
        do_something(a, b, Scale::TEST)
    }

    fn with_pid(x: u64) -> (u64, u32) {
        (x, std::process::id())
    }

    fn check(x: u64) -> u64 {
        assert!(x != 13 && x != 27, "bad item {x}");
        x * 10
    }

    fn dies_at_5(x: u64) -> u64 {
        if x == 5 {
            std::process::abort();
        }
        x
    }

    fn the_tutorial_row_in_input_order() {
        let pool = ProcessPool::new(5).unwrap();
        let result = starmap_async(
            &pool,
            do_something_test,
            tutorial_args(),
            ChunkSize::Default,
        )
        .unwrap();
        assert_eq!(result.jobs(), 5);
        assert_eq!(
            result.get().unwrap(),
            [1, 3, 5, 7, 9].map(|s| format!("Done sleeping {s} seconds"))
        );
    }

    // ANCHOR: test_process_chunks
    fn one_message_per_chunk_and_a_chunk_runs_in_one_process() {
        let pool = ProcessPool::new(2).unwrap();
        for (n, size) in [(0u64, 3), (1, 3), (10, 1), (10, 3), (10, 10), (100, 7)] {
            let result =
                starmap_async(&pool, with_pid, 0..n, ChunkSize::Fixed(size)).unwrap();
            assert_eq!(
                result.jobs(),
                (n as usize).div_ceil(size),
                "{n} items, chunks of {size}"
            );
            let ran = result.get().unwrap();
            assert_eq!(
                ran.iter().map(|r| r.0).collect::<Vec<_>>(),
                (0..n).collect::<Vec<_>>()
            );
            for chunk in ran.chunks(size) {
                assert!(
                    chunk.iter().all(|r| r.1 == chunk[0].1),
                    "one process per chunk"
                );
            }
            let workers: HashSet<u32> = pool.worker_pids().into_iter().collect();
            assert!(
                ran.iter().all(|r| workers.contains(&r.1)),
                "run by the pool's workers"
            );
        }
        let default =
            starmap_async(&pool, with_pid, 0..10_000, ChunkSize::Default).unwrap();
        assert_eq!(
            default.jobs(),
            8,
            "ceil(10_000 / (4 x 2)) = 1250 items per chunk"
        );
        assert_eq!(default.get().unwrap().len(), 10_000);
    }
    // ANCHOR_END: test_process_chunks

    fn a_failed_item_is_named_by_its_index() {
        // The workers this test forks inherit this hook: their provoked panics print
        // nothing, the test's own failures (in this process) still do.
        let test = std::process::id();
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::process::id() == test {
                report(info)
            }
        }));
        let pool = ProcessPool::new(2).unwrap();
        let err = starmap(&pool, check, 0..40, ChunkSize::Fixed(10)).unwrap_err();
        let MapError::Item { index, error } = err else {
            panic!("expected an item error, got {err}")
        };
        assert_eq!(index, 13);
        assert_eq!(
            error,
            TaskError::Panicked {
                message: "bad item 13".into()
            }
        );
        let each = starmap_async(&pool, check, 0..40, ChunkSize::Fixed(10))
            .unwrap()
            .get_each();
        let failed: Vec<usize> = (0..40).filter(|&i| each[i].is_err()).collect();
        assert_eq!(failed, [13, 27]);
    }

    // ANCHOR: test_dead_worker_chunk
    fn a_dead_worker_costs_its_whole_chunk() {
        let pool = ProcessPool::new(2).unwrap();
        let each = starmap_async(&pool, dies_at_5, 0..12, ChunkSize::Fixed(4))
            .unwrap()
            .get_each();
        // The worker died in the middle of chunk 4..8: all four items
        // are lost with it.
        for (i, outcome) in each.iter().enumerate() {
            if (4..8).contains(&i) {
                let cause = match outcome {
                    Err(TaskError::WorkerDied { cause, .. }) => cause.as_str(),
                    _ => "",
                };
                assert!(cause.contains("SIGABRT"), "item {i}: {outcome:?}");
            } else {
                assert_eq!(*outcome, Ok(i as u64));
            }
        }
        // The pool replaced the worker and goes on.
        assert_eq!(
            starmap(&pool, check, [1, 2], ChunkSize::Default).unwrap(),
            [10, 20]
        );
    }
    // ANCHOR_END: test_dead_worker_chunk

    fn a_zero_chunk_size_is_an_error() {
        let pool = ProcessPool::new(1).unwrap();
        let err = starmap(&pool, check, [1], ChunkSize::Fixed(0)).unwrap_err();
        assert!(matches!(err, MapError::ZeroChunkSize), "{err}");
    }

    pub fn tests() -> Vec<Test> {
        vec![
            case!(the_tutorial_row_in_input_order),
            case!(one_message_per_chunk_and_a_chunk_runs_in_one_process),
            case!(a_failed_item_is_named_by_its_index),
            case!(a_dead_worker_costs_its_whole_chunk),
            case!(a_zero_chunk_size_is_an_error),
        ]
    }
}

support::fork_main! {
    tests: unix::tests(),
    elsewhere: "the process pool needs fork(): no tests on this platform",
}
