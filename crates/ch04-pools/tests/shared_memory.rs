//! Shared memory with a process pool. These tests fork, so they run on
//! `support::fork`, the single-threaded runner (see `tests/process_pool.rs`): each
//! test in a process of its own, which is also what lets each one map its own shared
//! region before its pool forks.

#[cfg(unix)]
mod unix {
    use ch04_pools::ProcessPool;
    use ch04_pools::shared_memory::{
        self, SharedBytes, echo_through_shared_memory, squares,
    };
    use nix::errno::Errno;

    use support::case;
    use support::fork::Test;

    // ANCHOR: squares_test
    fn workers_write_disjoint_slices_that_the_parent_reads() {
        // before the pool: its workers share it
        shared_memory::share(1000 * 8).unwrap();
        let pool = ProcessPool::new(2).unwrap();
        let (values, pids) = squares(&pool, 1000, 4).unwrap();
        // Every value is right, and the parent wrote none of them:
        // workers did, elsewhere.
        assert_eq!(values, (0..1000u64).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(pids.len(), 4);
        assert!(pids.iter().all(|&pid| pid != std::process::id()));
        assert!(pids.iter().all(|pid| pool.worker_pids().contains(pid)));
    }
    // ANCHOR_END: squares_test

    fn data_comes_back_unchanged_through_shared_memory() {
        shared_memory::share(2 * 100_000).unwrap();
        let pool = ProcessPool::new(1).unwrap();
        for len in [0, 1, 4096, 100_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            assert_eq!(echo_through_shared_memory(&pool, &data).unwrap(), data);
        }
    }

    fn a_region_made_after_the_fork_is_not_shared() {
        // The pool forks first: its worker never maps the region, so a task that
        // needs it fails (its `expect` panics in the worker) instead of writing to
        // memory of its own.
        // that panic is expected: keep the log quiet
        std::panic::set_hook(Box::new(|_| {}));
        let pool = ProcessPool::new(1).unwrap();
        shared_memory::share(8 * 10).unwrap();
        let err = squares(&pool, 10, 1).unwrap_err();
        assert!(
            err.to_string()
                .contains("share must be called before the pool"),
            "{err}"
        );
    }

    fn bad_regions_are_errors() {
        assert_eq!(SharedBytes::new(0).err(), Some(Errno::EINVAL));
        shared_memory::share(8).unwrap();
        assert_eq!(shared_memory::share(8).err(), Some(Errno::EEXIST));
        let region = SharedBytes::new(16).unwrap();
        std::panic::set_hook(Box::new(|_| {})); // the panic below is expected
        let out_of_bounds = std::panic::catch_unwind(|| {
            // SAFETY: nobody else uses this region.
            unsafe { region.slice(8..17) }.len()
        });
        assert!(out_of_bounds.is_err());
    }

    /// A request the region cannot hold, or a region never made, is an error, not a
    /// panic in the caller.
    fn requests_the_region_cannot_hold_are_errors() {
        let early = ProcessPool::new(1).unwrap();
        let err = squares(&early, 10, 1)
            .map(|_| ())
            .expect_err("no region yet");
        assert!(err.to_string().contains("share must be called"), "{err}");
        let err = echo_through_shared_memory(&early, &[1, 2, 3]).unwrap_err();
        assert!(err.to_string().contains("share must be called"), "{err}");
        early.join();
        shared_memory::share(8 * 10).unwrap();
        let pool = ProcessPool::new(1).unwrap();
        for n in [11, u64::MAX] {
            let err = squares(&pool, n, 1).map(|_| ()).unwrap_err();
            assert!(err.to_string().contains("do not fit"), "{n}: {err}");
        }
        let err = echo_through_shared_memory(&pool, &[0; 41]).unwrap_err();
        assert!(err.to_string().contains("do not fit"), "{err}");
        assert_eq!(
            squares(&pool, 10, 2).unwrap().0[9],
            81,
            "the pool still works"
        );
    }

    pub fn tests() -> Vec<Test> {
        vec![
            case!(workers_write_disjoint_slices_that_the_parent_reads),
            case!(data_comes_back_unchanged_through_shared_memory),
            case!(a_region_made_after_the_fork_is_not_shared),
            case!(bad_regions_are_errors),
            case!(requests_the_region_cannot_hold_are_errors),
        ]
    }
}

support::fork_main! {
    tests: unix::tests(),
    elsewhere: "shared memory with a process pool needs fork(): no tests on this platform",
}
