//! The process pool's tests. They fork, so they cannot run on libtest's threads: the harness
//! `support::fork` runs each one in a single-threaded child process of its own, under a time
//! limit, and fails a test that leaves a child process behind (running or zombie).

use std::process::ExitCode;

#[cfg(unix)]
mod unix {
    use std::collections::HashSet;
    use std::sync::OnceLock;
    use std::sync::mpsc;

    use ch03_processes::ProcessError;
    use ch04_pools::{PoolError, ProcessPool, TaskError};
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use support::PATIENCE;
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

    use support::case;
    use support::fork::{ProcessInFlight, ProcessRendezvous, Test};

    // Tasks are plain functions: only code crosses to a worker, by address. What they share
    // with the test lives in statics set before the pool forks, in memory mapped as shared.
    static MEET: OnceLock<ProcessRendezvous> = OnceLock::new();
    static INSIDE: OnceLock<ProcessInFlight> = OnceLock::new();

    fn cpu_bound_test(n: u64) -> u64 {
        cpu_bound_at(n, Scale::TEST)
    }

    fn my_pid(_: ()) -> u32 {
        std::process::id()
    }

    fn meet_then_report_pid(_: ()) -> u32 {
        let _inside = INSIDE.get().expect("set before the pool").enter();
        MEET.get()
            .expect("set before the pool")
            .arrive(PATIENCE)
            .expect("all workers at once");
        std::process::id()
    }

    fn meet_then_hang(_: ()) -> u64 {
        MEET.get()
            .expect("set before the pool")
            .arrive(PATIENCE)
            .expect("the test came");
        // Now the test knows this task is running. It kills us; if not, the runner's limit does.
        std::thread::sleep(PATIENCE * 2);
        0
    }

    fn panics(n: u64) -> u64 {
        panic!("task {n} refused")
    }

    fn exits(code: u64) -> u64 {
        std::process::exit(code as i32)
    }

    fn results_come_back_right() {
        let pool = ProcessPool::new(2).unwrap();
        let handles: Vec<_> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| pool.apply_async(cpu_bound_test, n).unwrap())
            .collect();
        for (handle, n) in handles.into_iter().zip(TUTORIAL_NUMBERS) {
            assert_eq!(handle.get(), Ok(cpu_bound_expected(n, Scale::TEST)));
        }
    }

    fn zero_workers_is_an_error() {
        assert!(matches!(ProcessPool::new(0), Err(PoolError::ZeroWorkers)));
    }

    // ANCHOR: test_n_at_once
    fn a_pool_of_n_runs_n_tasks_at_once_in_n_processes() {
        let n = 3;
        MEET.set(ProcessRendezvous::new(n)).ok().unwrap();
        INSIDE.set(ProcessInFlight::new()).ok().unwrap();
        let pool = ProcessPool::new(n).unwrap();
        let handles: Vec<_> = (0..2 * n)
            .map(|_| pool.apply_async(meet_then_report_pid, ()).unwrap())
            .collect();
        let pids: HashSet<u32> = handles.into_iter().map(|h| h.get().unwrap()).collect();
        assert_eq!(pids.len(), n, "n workers, each a process of its own");
        assert!(
            !pids.contains(&std::process::id()),
            "no task ran in the parent"
        );
        assert_eq!(
            INSIDE.get().unwrap().max(),
            n,
            "never more tasks at once than workers"
        );
    }
    // ANCHOR_END: test_n_at_once

    fn a_panicking_task_is_an_error_and_its_worker_lives_on() {
        let pool = ProcessPool::new(1).unwrap();
        let before = pool.worker_pids();
        let bad = pool.apply_async(panics, 7).unwrap();
        let good = pool.apply_async(my_pid, ()).unwrap();
        assert_eq!(
            bad.get(),
            Err(TaskError::Panicked {
                message: "task 7 refused".into()
            })
        );
        assert_eq!(
            good.get().unwrap(),
            before[0],
            "the same worker process served both"
        );
    }

    // ANCHOR: test_killed
    fn a_worker_killed_mid_task_fails_that_task_and_is_replaced() {
        MEET.set(ProcessRendezvous::new(2)).ok().unwrap();
        let pool = ProcessPool::new(2).unwrap();
        let doomed = pool.apply_async(meet_then_hang, ()).unwrap();
        let others: Vec<_> = (1..=20)
            .map(|n| pool.apply_async(cpu_bound_test, n).unwrap())
            .collect();
        // The doomed task is running once we meet it; find its worker and kill it.
        MEET.get()
            .unwrap()
            .arrive(PATIENCE)
            .expect("the doomed task started");
        let victim = find_hanging_worker(&pool);
        kill(Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();

        match doomed.get() {
            Err(TaskError::WorkerDied { pid, cause }) => {
                assert_eq!(pid, victim);
                assert!(cause.contains("SIGKILL"), "{cause}");
            }
            other => panic!("expected WorkerDied, got {other:?}"),
        }
        for (handle, n) in others.into_iter().zip(1..) {
            assert_eq!(
                handle.get(),
                Ok(cpu_bound_expected(n, Scale::TEST)),
                "no result lost"
            );
        }
        let pids = pool.worker_pids();
        assert_eq!(pids.len(), 2, "the pool replaced its worker");
        assert!(!pids.contains(&victim));
        assert_eq!(
            pool.apply_async(cpu_bound_test, 11).unwrap().get(),
            Ok(cpu_bound_expected(11, Scale::TEST))
        );
        drop(pool);
        assert!(
            support::zombies().is_empty(),
            "every worker, dead or alive, was reaped"
        );
        assert!(support::children().is_empty());
    }
    // ANCHOR_END: test_killed

    /// The worker whose pid the hanging task never returns: the one not answering `my_pid`.
    fn find_hanging_worker(pool: &ProcessPool) -> u32 {
        let free = pool.apply_async(my_pid, ()).unwrap().get().unwrap();
        let pids = pool.worker_pids();
        assert_eq!(pids.len(), 2);
        pids.into_iter().find(|&p| p != free).unwrap()
    }

    fn a_worker_that_exits_mid_task_is_reported_and_replaced() {
        let pool = ProcessPool::new(1).unwrap();
        let worker = pool.worker_pids()[0];
        let err = pool.apply_async(exits, 3).unwrap().get().unwrap_err();
        assert_eq!(
            err,
            TaskError::WorkerDied {
                pid: worker,
                cause: "exited with code 3".into()
            }
        );
        assert_eq!(
            pool.apply_async(cpu_bound_test, 2).unwrap().get(),
            Ok(cpu_bound_expected(2, Scale::TEST))
        );
        assert_ne!(pool.worker_pids(), [worker]);
    }

    fn submitting_after_close_is_an_error_but_queued_tasks_run() {
        let pool = ProcessPool::new(1).unwrap();
        let queued: Vec<_> = (1..=5)
            .map(|n| pool.apply_async(cpu_bound_test, n).unwrap())
            .collect();
        pool.close();
        assert!(matches!(
            pool.apply_async(cpu_bound_test, 1),
            Err(PoolError::Closed)
        ));
        pool.join();
        // The pool is gone, but it ran every queued task before it went: the results wait.
        for (handle, n) in queued.into_iter().zip(1..) {
            assert_eq!(handle.get(), Ok(cpu_bound_expected(n, Scale::TEST)));
        }
    }

    fn dropped_handles_do_not_stop_the_pool() {
        let pool = ProcessPool::new(2).unwrap();
        for n in 1..=10 {
            drop(pool.apply_async(cpu_bound_test, n).unwrap());
        }
        assert_eq!(
            pool.apply_async(cpu_bound_test, 3).unwrap().get(),
            Ok(cpu_bound_expected(3, Scale::TEST))
        );
    }

    fn terminate_kills_a_hanging_task() {
        MEET.set(ProcessRendezvous::new(2)).ok().unwrap();
        let pool = ProcessPool::new(1).unwrap();
        let hung = pool.apply_async(meet_then_hang, ()).unwrap();
        let queued = pool.apply_async(cpu_bound_test, 1).unwrap();
        MEET.get().unwrap().arrive(PATIENCE).unwrap();
        pool.terminate();
        assert!(matches!(hung.get(), Err(TaskError::Lost { .. })));
        assert!(matches!(queued.get(), Err(TaskError::Lost { .. })));
    }

    // ANCHOR: test_threads
    fn a_threaded_process_gets_an_error_not_a_dangerous_fork() {
        let (stop, stopped) = mpsc::channel::<()>();
        let other = std::thread::spawn(move || stopped.recv());
        match ProcessPool::new(2) {
            Err(PoolError::Fork(ProcessError::OtherThreads { threads })) => assert!(threads >= 2),
            Err(e) => panic!("wrong error: {e}"),
            Ok(_) => panic!("forked a threaded process"),
        }
        drop(stop);
        let _ = other.join();
    }
    // ANCHOR_END: test_threads

    fn a_lost_worker_that_cannot_be_replaced_is_an_error_not_a_hang() {
        let pool = ProcessPool::new(1).unwrap(); // single-threaded here: forks fine
        let worker = pool.worker_pids()[0];
        // Now a thread starts: the pool must not fork any more while it runs.
        let (stop, stopped) = mpsc::channel::<()>();
        let other = std::thread::spawn(move || stopped.recv());
        let dies = pool.apply_async(exits, 9).unwrap();
        let queued = pool.apply_async(cpu_bound_test, 1).unwrap();
        assert!(matches!(dies.get(), Err(TaskError::WorkerDied { pid, .. }) if pid == worker));
        match queued.get() {
            Err(TaskError::Lost { reason }) => assert!(reason.contains("threads"), "{reason}"),
            other => panic!("expected Lost, got {other:?}"),
        }
        assert!(matches!(
            pool.apply_async(cpu_bound_test, 1),
            Err(PoolError::Fork(ProcessError::OtherThreads { .. }))
        ));
        // Once the thread is gone, the pool forks a new worker and serves again.
        drop(stop);
        let _ = other.join();
        assert_eq!(
            pool.apply_async(cpu_bound_test, 1).unwrap().get(),
            Ok(cpu_bound_expected(1, Scale::TEST))
        );
    }

    /// The second pool's worker is forked while the first pool's pipes are open. If it kept
    /// its copies of them, the first pool's workers would never see end-of-file on their task
    /// pipes, and joining the first pool would wait forever (the runner's watchdog would fail
    /// this test instead).
    fn two_pools_in_one_program_both_join() {
        let first = ProcessPool::new(2).unwrap();
        let second = ProcessPool::new(1).unwrap();
        let a = first.apply_async(cpu_bound_test, 2).unwrap();
        let b = second.apply_async(cpu_bound_test, 3).unwrap();
        assert_eq!(a.get(), Ok(cpu_bound_expected(2, Scale::TEST)));
        assert_eq!(b.get(), Ok(cpu_bound_expected(3, Scale::TEST)));
        first.join();
        assert_eq!(
            second.apply_async(my_pid, ()).unwrap().get(),
            Ok(second.worker_pids()[0]),
            "the second pool still serves after the first one ended"
        );
        second.join();
        assert!(support::children().is_empty());
    }

    pub fn tests() -> Vec<Test> {
        vec![
            case!(results_come_back_right),
            case!(zero_workers_is_an_error),
            case!(a_pool_of_n_runs_n_tasks_at_once_in_n_processes),
            case!(a_panicking_task_is_an_error_and_its_worker_lives_on),
            case!(a_worker_killed_mid_task_fails_that_task_and_is_replaced),
            case!(a_worker_that_exits_mid_task_is_reported_and_replaced),
            case!(submitting_after_close_is_an_error_but_queued_tasks_run),
            case!(dropped_handles_do_not_stop_the_pool),
            case!(terminate_kills_a_hanging_task),
            case!(a_threaded_process_gets_an_error_not_a_dangerous_fork),
            case!(a_lost_worker_that_cannot_be_replaced_is_an_error_not_a_hang),
            case!(two_pools_in_one_program_both_join),
        ]
    }
}

#[cfg(unix)]
fn main() -> ExitCode {
    support::fork::run(&unix::tests())
}

#[cfg(not(unix))]
fn main() -> ExitCode {
    println!("the process pool needs fork(): no tests on this platform");
    ExitCode::SUCCESS
}
