//! The process pool's tests. They fork, so they cannot run on libtest's threads: the
//! harness `support::fork` runs each one in a single-threaded child process of its
//! own, under a time limit, and fails a test that leaves a child process behind
//! (running or zombie).

#[cfg(unix)]
mod unix {
    use std::collections::HashSet;
    use std::process::{Command, Stdio};
    use std::sync::OnceLock;
    use std::sync::mpsc;
    use std::time::Duration;

    use ch03_processes::ProcessError;
    use ch04_pools::{PoolError, ProcessPool, TaskError, ThreadPool, rayon_pools};
    use nix::sys::signal::{SigHandler, Signal, kill, signal};
    use nix::unistd::Pid;
    use support::PATIENCE;
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

    use support::case;
    use support::fork::{ProcessInFlight, ProcessRendezvous, Test};

    // Tasks are plain functions: only code crosses to a worker, by address. What they
    // share with the test lives in statics set before the pool forks, in memory
    // mapped as shared.
    static MEET: OnceLock<ProcessRendezvous> = OnceLock::new();
    static INSIDE: OnceLock<ProcessInFlight> = OnceLock::new();
    static LATER: OnceLock<ProcessRendezvous> = OnceLock::new();

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
        // Now the test knows this task is running. It kills us; if not,
        // the runner's limit does.
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
        let pids: HashSet<u32> =
            handles.into_iter().map(|h| h.get().unwrap()).collect();
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

    /// The worker whose pid the hanging task never returns: the one not
    /// answering `my_pid`.
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
        // The pool is gone, but it ran every queued task before it
        // went: the results wait.
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
            Err(PoolError::Fork(ProcessError::OtherThreads { threads })) => {
                assert!(threads >= 2)
            }
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
        assert!(
            matches!(dies.get(), Err(TaskError::WorkerDied { pid, .. }) if pid == worker)
        );
        match queued.get() {
            Err(TaskError::Lost { reason }) => {
                assert!(reason.contains("threads"), "{reason}")
            }
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

    /// The second pool's worker is forked while the first pool's pipes are open: both
    /// pools serve, and each one ends and reaps its own workers.
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

    // Issue 8, code defects 1, 2 and 10: pipes, stale ends, SIGPIPE.

    /// The `/proc/PID/fd` entries of `pid` above 2 that are pipes.
    fn pipes_held_by(pid: u32) -> Vec<String> {
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .expect("/proc of a live child")
            .flatten()
            .filter(|e| {
                e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) > Some(2)
            })
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .map(|target| target.to_string_lossy().into_owned())
            .filter(|target| target.starts_with("pipe:"))
            .collect()
    }

    /// A program started while a pool lives inherits none of its pipes,
    /// so it cannot keep the pool's workers alive: `drop(pool)` returns
    /// while the program still runs.
    fn a_program_started_while_a_pool_lives_holds_none_of_its_pipes() {
        if !std::path::Path::new("/proc/self/fd").is_dir() {
            return; // no /proc to look into (not Linux)
        }
        let before = pipes_held_by(std::process::id());
        let pool = ProcessPool::new(2).unwrap();
        let pools: Vec<String> = pipes_held_by(std::process::id())
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        // Per worker: the ends of its task and result pipes, and of
        // chapter 03's report pipe.
        assert_eq!(pools.len(), 6, "three pipe ends per worker");
        let mut cat = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("cat runs");
        // `spawn` returns once `exec` succeeded: the descriptors are the program's.
        let held: Vec<String> = pipes_held_by(cat.id())
            .into_iter()
            .filter(|p| pools.contains(p))
            .collect();
        drop(pool);
        drop(cat.stdin.take()); // end of input: cat exits
        cat.wait().unwrap();
        assert_eq!(held, Vec::<String>::new(), "cat inherited the pool's pipes");
    }

    fn wait_for_the_test(_: ()) -> u64 {
        // Longer than the runner's limit: if the pool waits for this
        // child, the test fails.
        MEET.get().unwrap().arrive(PATIENCE * 3).is_ok() as u64
    }

    /// A forked child (no `exec`: it keeps copies of every descriptor)
    /// cannot keep the pool's workers alive either: they stop on an
    /// explicit message, not on end-of-file.
    fn a_forked_child_holding_the_pools_pipes_does_not_delay_its_drop() {
        MEET.set(ProcessRendezvous::new(2)).ok().unwrap();
        let pool = ProcessPool::new(2).unwrap();
        assert!(pool.apply_async(my_pid, ()).unwrap().get().is_ok());
        let child = ch03_processes::spawn(|| wait_for_the_test(())).unwrap();
        drop(pool); // must not wait for `child`, which holds copies of the task pipes
        MEET.get().unwrap().arrive(PATIENCE).unwrap();
        assert_eq!(child.join().unwrap(), 1);
    }

    /// A task that forks a child of its own and waits for it: the grandchild holds
    /// the worker's result pipe, so its end-of-file never comes when the worker dies.
    fn fork_a_child_then_meet(_: ()) -> u64 {
        let grandchild = ch03_processes::spawn(|| {
            LATER.get().unwrap().arrive(PATIENCE * 3).is_ok() as u64
        })
        .unwrap();
        MEET.get().unwrap().arrive(PATIENCE).unwrap();
        grandchild.join().unwrap()
    }

    fn a_dead_worker_is_seen_by_its_pid_even_if_its_pipe_stays_open() {
        MEET.set(ProcessRendezvous::new(2)).ok().unwrap();
        LATER.set(ProcessRendezvous::new(2)).ok().unwrap();
        let pool = ProcessPool::new(1).unwrap();
        let worker = pool.worker_pids()[0];
        let task = pool.apply_async(fork_a_child_then_meet, ()).unwrap();
        MEET.get().unwrap().arrive(PATIENCE).unwrap();
        kill(Pid::from_raw(worker as i32), Signal::SIGKILL).unwrap();
        // The grandchild still runs and holds the result pipe's write end.
        match task.get() {
            Err(TaskError::WorkerDied { pid, cause }) => {
                assert_eq!(pid, worker);
                assert!(cause.contains("SIGKILL"), "{cause}");
            }
            other => panic!("expected WorkerDied, got {other:?}"),
        }
        LATER.get().unwrap().arrive(PATIENCE).unwrap(); // now the grandchild may go
    }

    fn a_pool_in_a_task(n: u64) -> u64 {
        let inner = ProcessPool::new(1).expect("a pool inside a worker");
        let value = inner.apply_async(cpu_bound_test, n).unwrap().get().unwrap();
        inner.join();
        value
    }

    /// Worker 2 is forked while worker 1's pipes are open, and must not
    /// close descriptors it does not own: a pool made inside it would
    /// get those numbers back.
    fn a_pool_inside_a_worker_works() {
        let pool = ProcessPool::new(2).unwrap();
        let handles: Vec<_> = (1..=4)
            .map(|n| pool.apply_async(a_pool_in_a_task, n).unwrap())
            .collect();
        for (handle, n) in handles.into_iter().zip(1..) {
            assert_eq!(handle.get(), Ok(cpu_bound_expected(n, Scale::TEST)));
        }
    }

    /// Waits until `pid` (a child) has exited, without reaping it.
    fn wait_until_dead(pid: u32) {
        // SAFETY: `siginfo_t` is plain data, valid zeroed; `waitid`
        // only writes into it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child `pid`; WNOWAIT leaves it to
        // be reaped by its owner.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        assert_eq!(r, 0, "waitid: {}", std::io::Error::last_os_error());
    }

    /// Where SIGPIPE has its default action (a C `main`, a library
    /// loaded by another program), writing to a dead worker's pipe must
    /// be an error, not the owner's death.
    fn a_dead_idle_worker_does_not_kill_the_owner_with_sigpipe() {
        // SAFETY: this test process runs one thread and installs no
        // handler: SIG_DFL only.
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) }.unwrap();
        let pool = ProcessPool::new(1).unwrap();
        let worker = pool.worker_pids()[0];
        kill(Pid::from_raw(worker as i32), Signal::SIGKILL).unwrap();
        wait_until_dead(worker);
        assert_eq!(
            pool.apply_async(cpu_bound_test, 2).unwrap().get(),
            Ok(cpu_bound_expected(2, Scale::TEST))
        );
        assert!(!pool.worker_pids().contains(&worker), "replaced");
    }

    // Issue 8, code defects 3 and 12: bounded bookkeeping; parity with
    // CPython's Pool.

    fn double(n: u64) -> u64 {
        2 * n
    }

    fn bookkeeping_stays_bounded_over_many_round_trips() {
        let pool = ProcessPool::new(1).unwrap();
        for n in 0..10_000 {
            assert_eq!(pool.apply_async(double, n).unwrap().get(), Ok(2 * n));
        }
        assert_eq!(
            pool.bookkeeping(),
            0,
            "collected results leave nothing behind"
        );
        for n in 0..100 {
            drop(pool.apply_async(double, n).unwrap());
        }
        // One worker, tasks in order: once this one is back, the 100
        // before it have ended.
        assert_eq!(pool.apply_async(double, 1).unwrap().get(), Ok(2));
        assert_eq!(
            pool.bookkeeping(),
            0,
            "abandoned tasks are forgotten when they end"
        );
    }

    fn default_size_is_the_available_parallelism() {
        let pool = ProcessPool::with_default_size().unwrap();
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!((pool.size(), pool.worker_pids().len()), (cores, cores));
    }

    fn wait_at_the_gate(n: u64) -> u64 {
        MEET.get()
            .unwrap()
            .arrive(PATIENCE)
            .expect("the test opens the gate");
        n
    }

    fn get_timeout_gives_up_and_the_result_comes_later() {
        MEET.set(ProcessRendezvous::new(2)).ok().unwrap();
        let pool = ProcessPool::new(1).unwrap();
        let mut gated = pool.apply_async(wait_at_the_gate, 5).unwrap();
        // The task cannot finish before the test reaches the gate.
        assert_eq!(
            gated.get_timeout(Duration::from_millis(10)),
            Err(TaskError::Timeout)
        );
        MEET.get().unwrap().arrive(PATIENCE).unwrap(); // open the gate
        assert_eq!(gated.get(), Ok(5), "the result was kept for later");
    }

    fn get_timeout_returns_the_value_once_and_only_once() {
        let pool = ProcessPool::new(1).unwrap();
        let mut handle = pool.apply_async(double, 4).unwrap();
        assert_eq!(handle.get_timeout(PATIENCE), Ok(8));
        assert!(matches!(handle.get(), Err(TaskError::Lost { .. })));
        assert_eq!(pool.bookkeeping(), 0);
    }

    // Issue 8, code defect 8: one wording for a panic, whatever runs the task.

    fn panics_with_a_number(_: ()) -> u64 {
        std::panic::panic_any(42)
    }

    fn every_pool_words_a_panic_the_same() {
        let processes = ProcessPool::new(1).unwrap(); // before any thread exists
        let in_a_process = processes
            .apply_async(panics_with_a_number, ())
            .unwrap()
            .get();
        processes.join();
        let threads = ThreadPool::new(1).unwrap();
        let in_a_thread = threads
            .apply_async(|| panics_with_a_number(()))
            .unwrap()
            .get();
        let rayon = rayon_pools::build(1).unwrap();
        let in_rayon =
            rayon_pools::spawn_and_get(&rayon, || panics_with_a_number(()));
        let expected = Err(TaskError::Panicked {
            message: "a panic with a non-string payload".into(),
        });
        assert_eq!(in_a_process, expected);
        assert_eq!(in_a_thread, expected);
        assert_eq!(in_rayon, expected);
    }

    /// A panic payload can be any value (`panic_any`), and its `Drop` may panic.
    struct PanicsWhenDropped;

    impl Drop for PanicsWhenDropped {
        fn drop(&mut self) {
            panic!("dropped");
        }
    }

    fn panics_with_a_bomb(_: ()) -> u64 {
        std::panic::panic_any(PanicsWhenDropped)
    }

    /// Dropped where the task ran, that payload's own panic killed the process pool's
    /// worker (the task came back as `WorkerDied`) and aborted the process under rayon.
    fn a_payload_that_panics_when_dropped_is_still_just_a_panic() {
        let processes = ProcessPool::new(1).unwrap(); // before any thread exists
        let before = processes.worker_pids();
        let in_a_process =
            processes.apply_async(panics_with_a_bomb, ()).unwrap().get();
        assert_eq!(processes.worker_pids(), before, "the same worker lives on");
        processes.join();
        let rayon = rayon_pools::build(1).unwrap();
        let in_rayon = rayon_pools::spawn_and_get(&rayon, || panics_with_a_bomb(()));
        let expected = Err(TaskError::Panicked {
            message: "a panic with a non-string payload".into(),
        });
        assert_eq!(in_a_process, expected);
        assert_eq!(in_rayon, expected);
    }

    /// A program that dies without dropping its pool (a crash, a
    /// `SIGKILL`) leaves its workers at end-of-file: no worker holds a
    /// copy of its own task pipe, nor of another's.
    fn workers_end_when_their_pools_owner_dies_without_dropping_it() {
        #[cfg(target_os = "linux")]
        owner_dies_linux();
    }

    /// Linux only: orphans are handed to the test through `PR_SET_CHILD_SUBREAPER`.
    #[cfg(target_os = "linux")]
    fn owner_dies_linux() {
        // Orphans are handed to this process, so it can wait for them.
        // SAFETY: `prctl(PR_SET_CHILD_SUBREAPER, 1)` takes integers and
        // changes only a flag.
        let r = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
        assert_eq!(r, 0, "prctl: {}", std::io::Error::last_os_error());
        let owner = ch03_processes::spawn(|| {
            let pool = ProcessPool::new(2).unwrap();
            let replaced = pool.worker_pids()[0];
            kill(Pid::from_raw(replaced as i32), Signal::SIGKILL).unwrap();
            // The dead worker is noticed, and replaced by one forked
            // while the other lives.
            let _ = pool.apply_async(exits, 0).unwrap().get();
            let pids = pool.worker_pids();
            std::mem::forget(pool); // the owner ends, its pool never dropped
            pids
        })
        .unwrap();
        let workers = owner.join().unwrap();
        assert_eq!(workers.len(), 2);
        for pid in workers {
            // Blocks until that worker ends; if it never did, the runner's limit
            // would fail us. It exits by itself (with chapter 03's "could not write
            // the report" code: the reader of that report died with the owner).
            let status = nix::sys::wait::waitpid(Pid::from_raw(pid as i32), None);
            assert!(
                matches!(status, Ok(nix::sys::wait::WaitStatus::Exited(..))),
                "worker {pid}: {status:?}"
            );
        }
    }

    fn reversed(bytes: Vec<u8>) -> Vec<u8> {
        bytes.into_iter().rev().collect()
    }

    /// Messages far larger than a pipe's buffer (64 KiB) arrive in pieces: both sides
    /// wait for the whole of one, and the pool never blocks on a read meanwhile.
    fn large_arguments_and_results_cross_whole() {
        let pool = ProcessPool::new(2).unwrap();
        let inputs: Vec<Vec<u8>> = (0..4u32)
            .map(|k| (0..(1 << 20) + k).map(|i| (i * 7 + k) as u8).collect())
            .collect();
        let handles: Vec<_> = inputs
            .iter()
            .map(|input| pool.apply_async(reversed, input.clone()).unwrap())
            .collect();
        for (handle, input) in handles.into_iter().zip(&inputs) {
            let expected: Vec<u8> = input.iter().rev().copied().collect();
            assert!(
                handle.get() == Ok(expected),
                "a large result came back wrong"
            );
        }
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
            case!(a_program_started_while_a_pool_lives_holds_none_of_its_pipes),
            case!(a_forked_child_holding_the_pools_pipes_does_not_delay_its_drop),
            case!(a_dead_worker_is_seen_by_its_pid_even_if_its_pipe_stays_open),
            case!(a_pool_inside_a_worker_works),
            case!(a_dead_idle_worker_does_not_kill_the_owner_with_sigpipe),
            case!(bookkeeping_stays_bounded_over_many_round_trips),
            case!(default_size_is_the_available_parallelism),
            case!(get_timeout_gives_up_and_the_result_comes_later),
            case!(get_timeout_returns_the_value_once_and_only_once),
            case!(every_pool_words_a_panic_the_same),
            case!(a_payload_that_panics_when_dropped_is_still_just_a_panic),
            case!(workers_end_when_their_pools_owner_dies_without_dropping_it),
            case!(large_arguments_and_results_cross_whole),
        ]
    }
}

support::fork_main! {
    tests: unix::tests(),
    elsewhere: "the process pool needs fork(): no tests on this platform",
}
