//! The process back end. Its workers are re-executed copies of this test program, so
//! `main` is ours: it calls `serve_if_worker()` first, then runs each test under a
//! watchdog. Nothing here measures time: process ids, exit statuses and the `/proc`
//! list of our children settle every question.

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::mpsc;

    use ch06_executor::{
        Broken, Executor, Handoff, ProcessExecutor, SPIN_BUDGET, SubmitError,
        TaskError, as_completed,
    };
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::time::Duration;
    use support::{PATIENCE, children, within_patience, zombies};

    fn pid_of_worker(_: u64) -> u32 {
        std::process::id()
    }

    fn square(n: u64) -> u64 {
        n * n
    }

    fn panics(_: u64) -> u64 {
        panic!("task failed on purpose")
    }

    fn exits_with_3(_: u64) -> u64 {
        std::process::exit(3)
    }

    /// Blocks forever: only a signal ends it.
    fn hangs(_: u64) -> u64 {
        loop {
            std::thread::park();
        }
    }

    fn prints_then_answers(n: u64) -> u64 {
        println!("a task's print goes to stderr, not into the report pipe");
        n + 1
    }

    /// Waits (without asserting on time) until a worker has started the
    /// ticket's task.
    fn until_running<R>(ticket: &ch06_executor::Ticket<R>) {
        while !ticket.running() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    fn mine(pids: &[u32]) -> bool {
        let kids: Vec<u32> = children().iter().map(|c| c.pid as u32).collect();
        pids.iter().all(|p| kids.contains(p))
    }

    fn gone(pids: &[u32]) -> bool {
        let kids: Vec<u32> = children().iter().map(|c| c.pid as u32).collect();
        pids.iter().all(|p| !kids.contains(p))
    }

    pub fn results_come_back_from_other_processes() {
        let executor = ProcessExecutor::new(2).unwrap();
        assert_eq!(executor.pids().len(), 2);
        assert!(mine(executor.pids()), "the workers are our children");
        assert_eq!(executor.submit(square, 12).unwrap().result(), Ok(144));
        let pid = executor.submit(pid_of_worker, 0).unwrap().result().unwrap();
        assert_ne!(pid, std::process::id(), "the task ran in another process");
        assert!(executor.pids().contains(&pid));
        let squares: Vec<u64> = executor
            .map(square, 1..=5)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(squares, [1, 4, 9, 16, 25]);
        let mut unordered: Vec<u64> =
            as_completed((0..4).map(|n| executor.submit(square, n).unwrap()))
                .map(|t| t.result().unwrap())
                .collect();
        unordered.sort();
        assert_eq!(unordered, [0, 1, 4, 9]);
        assert_eq!(
            executor.submit(prints_then_answers, 1).unwrap().result(),
            Ok(2)
        );
        let pids = executor.pids().to_vec();
        drop(executor);
        assert!(gone(&pids), "Drop waits for every worker and reaps it");
        assert!(zombies().is_empty());
    }

    pub fn a_panic_fails_its_ticket_and_the_worker_lives_on() {
        let executor = ProcessExecutor::new(1).unwrap();
        let pid = executor.pids()[0];
        assert_eq!(
            executor.submit(panics, 0).unwrap().result(),
            Err(TaskError::Panicked {
                message: "task failed on purpose".into()
            })
        );
        assert_eq!(executor.submit(pid_of_worker, 0).unwrap().result(), Ok(pid));
        assert!(executor.broken().is_none());
    }

    // ANCHOR: broken_test
    pub fn a_killed_worker_breaks_the_pool() {
        let executor = ProcessExecutor::new(1).unwrap();
        let pid = executor.pids()[0];
        let running = executor.submit(hangs, 0).unwrap();
        let queued: Vec<_> = (0..3)
            .map(|n| executor.submit(square, n).unwrap())
            .collect();
        until_running(&running);
        kill(Pid::from_raw(pid as i32), Signal::SIGKILL).unwrap();
        let expected = Broken {
            pid,
            cause: "was killed by signal SIGKILL".into(),
        };
        assert_eq!(
            running.result(),
            Err(TaskError::BrokenPool(expected.clone()))
        );
        for ticket in &queued {
            assert_eq!(
                ticket.result(),
                Err(TaskError::BrokenPool(expected.clone())),
                "every pending task fails with the pool"
            );
        }
        match executor.submit(square, 1) {
            Err(SubmitError::BrokenPool(broken)) => assert_eq!(broken, expected),
            other => panic!(
                "a submit to a broken pool must fail, got {:?}",
                other.map(|_| ())
            ),
        }
        assert_eq!(
            running.result().unwrap_err().to_string(),
            format!(
                "the pool is broken: worker process {pid} was killed by signal \
                 SIGKILL"
            )
        );
        drop(executor);
        assert!(zombies().is_empty(), "the dead worker was reaped");
    }
    // ANCHOR_END: broken_test

    pub fn one_death_takes_down_the_other_workers_too() {
        let executor = ProcessExecutor::new(2).unwrap();
        let pids = executor.pids().to_vec();
        // Two hanging tasks: both workers busy, each on one (a worker
        // takes one at a time).
        let (a, b) = (
            executor.submit(hangs, 0).unwrap(),
            executor.submit(hangs, 1).unwrap(),
        );
        until_running(&a);
        until_running(&b);
        let victim = pids[1];
        kill(Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();
        for ticket in [&a, &b] {
            match ticket.result() {
                Err(TaskError::BrokenPool(broken)) => assert_eq!(broken.pid, victim),
                other => {
                    panic!("expected the pool broken by {victim}, got {other:?}")
                }
            }
        }
        drop(executor);
        assert!(
            gone(&pids),
            "the surviving worker was killed and reaped as well"
        );
        assert!(zombies().is_empty());
    }

    pub fn a_worker_that_exits_names_its_exit_code() {
        let executor = ProcessExecutor::new(1).unwrap();
        let pid = executor.pids()[0];
        match executor.submit(exits_with_3, 0).unwrap().result() {
            Err(TaskError::BrokenPool(broken)) => {
                assert_eq!(broken.pid, pid);
                assert_eq!(broken.cause, "exited with code 3");
            }
            other => panic!("expected a broken pool, got {other:?}"),
        }
    }

    pub fn shutdown_refuses_later_submits_and_cancels_on_request() {
        let executor = ProcessExecutor::new(1).unwrap();
        let running = executor.submit(hangs, 0).unwrap();
        let queued = executor.submit(square, 3).unwrap();
        until_running(&running);
        executor.shutdown(false, true);
        assert_eq!(queued.result(), Err(TaskError::Cancelled));
        assert!(matches!(
            executor.submit(square, 1),
            Err(SubmitError::Shutdown)
        ));
        // End the hanging task the only way there is (a running task
        // cannot be cancelled).
        kill(Pid::from_raw(executor.pids()[0] as i32), Signal::SIGKILL).unwrap();
        assert!(matches!(running.result(), Err(TaskError::BrokenPool(_))));
    }

    // ANCHOR: threaded_test
    /// The point of re-executing: a program that already runs threads can still
    /// create a process executor. Chapter 04's fork-based pool refuses, and says why.
    pub fn a_program_with_threads_can_create_a_process_executor() {
        let (stop, stopped) = mpsc::channel::<()>();
        let other = std::thread::spawn(move || stopped.recv_timeout(PATIENCE));
        let threads = ch03_processes::sys::thread_count().unwrap();
        assert!(
            threads >= 3,
            "main, the watchdog's thread and `other`: {threads}"
        );

        let refused = ch04_pools::ProcessPool::new(1);
        assert!(
            matches!(refused, Err(ch04_pools::PoolError::Fork(_))),
            "chapter 04's pool forks, and refuses to with other threads running"
        );

        let executor = ProcessExecutor::new(2).unwrap();
        let pid = executor.submit(pid_of_worker, 0).unwrap().result().unwrap();
        assert_ne!(pid, std::process::id());
        std::thread::scope(|s| {
            for n in 0..4u64 {
                let executor = &executor;
                s.spawn(move || {
                    assert_eq!(
                        executor.submit(square, n).unwrap().result(),
                        Ok(n * n)
                    )
                });
            }
        });
        stop.send(()).unwrap();
        let _ = other.join();
    }
    // ANCHOR_END: threaded_test

    /// An idle worker's death is seen at once (its driver is always reading), not at
    /// the next submit: the pool is broken before anyone hands it a task.
    pub fn an_idle_worker_that_dies_breaks_the_pool_at_once() {
        let executor = ProcessExecutor::new(2).unwrap();
        assert_eq!(executor.submit(square, 3).unwrap().result(), Ok(9));
        let victim = executor.pids()[1];
        kill(Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();
        while executor.broken().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let expected = Broken {
            pid: victim,
            cause: "was killed by signal SIGKILL".into(),
        };
        assert_eq!(executor.broken(), Some(expected.clone()));
        assert!(
            matches!(executor.submit(square, 1), Err(SubmitError::BrokenPool(b)) if b == expected)
        );
        let pids = executor.pids().to_vec();
        drop(executor);
        assert!(gone(&pids) && zombies().is_empty());
    }

    fn byte_count(bytes: Vec<u8>) -> Vec<u8> {
        (bytes.len() as u64).to_le_bytes().repeat(bytes.len() / 8)
    }

    /// Arguments and results larger than a pipe's buffer (64 KiB) cross whole.
    pub fn large_arguments_and_results_cross_whole() {
        let executor = ProcessExecutor::new(1).unwrap();
        let big = vec![7u8; 1 << 20];
        let back = executor.submit(byte_count, big).unwrap().result().unwrap();
        assert_eq!(back.len(), 1 << 20);
        assert_eq!(&back[..8], &(1u64 << 20).to_le_bytes());
    }

    pub fn is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ProcessExecutor>();
    }

    /// Park at once (the blocking reads of before), the default budget,
    /// and a budget so short that each wait races the spin against the
    /// block. (No endless spin here: a worker, its driver and the
    /// caller would spin at once on two cores; the thread tests and the
    /// unit tests of `Queue` and `Ticket` cover the spin-only path.)
    const HANDOFFS: [Handoff; 3] = [
        Handoff::PARK,
        Handoff::spin_then_park(SPIN_BUDGET),
        Handoff::spin_then_park(Duration::from_micros(1)),
    ];

    /// Back-to-back round trips, then a burst queued behind busy workers: every
    /// ticket gets its own result (squares are distinct), on every hand-off. A lost
    /// wake-up would hang.
    pub fn every_hand_off_delivers_every_result_exactly_once() {
        for handoff in HANDOFFS {
            let executor = ProcessExecutor::with_handoff(2, handoff).unwrap();
            for i in 0..1000u64 {
                let back = executor.submit(square, i).unwrap().result();
                assert_eq!(back, Ok(i * i), "{handoff:?}");
            }
            let tickets: Vec<_> = (0..200u64)
                .map(|i| executor.submit(square, i).unwrap())
                .collect();
            for (i, ticket) in tickets.iter().enumerate() {
                let i = i as u64;
                assert_eq!(ticket.result(), Ok(i * i), "{handoff:?}");
            }
        }
    }

    /// The state letter of a process in `/proc/<pid>/stat` (`R`
    /// running, `S` asleep...).
    fn state_of(pid: u32) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.trim_start().chars().next()
    }

    /// An idle worker stops spinning: it ends up asleep in `poll` (no timing
    /// asserted: it must get there, the watchdog turns "never" into a failure).
    pub fn an_idle_spinning_worker_ends_up_asleep() {
        let executor =
            ProcessExecutor::with_handoff(1, Handoff::spin_then_park(SPIN_BUDGET))
                .unwrap();
        assert_eq!(executor.submit(square, 3).unwrap().result(), Ok(9));
        let pid = executor.pids()[0];
        while state_of(pid) != Some('S') {
            std::thread::sleep(Duration::from_millis(1));
        }
        // Asleep, it still wakes for the next task.
        assert_eq!(executor.submit(square, 4).unwrap().result(), Ok(16));
    }

    /// The write end of worker `pid`'s report pipe, opened anew through `/proc`:
    /// while the test holds it, the worker's death shows no end of file on that pipe.
    fn hold_report_pipe(pid: u32) -> std::fs::File {
        use std::os::unix::fs::OpenOptionsExt;
        for entry in std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap() {
            let fd = entry.unwrap().file_name().into_string().unwrap();
            let link = std::fs::read_link(format!("/proc/{pid}/fd/{fd}"))
                .unwrap_or_default();
            let info =
                std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}")).unwrap();
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).unwrap();
            let write_only = u32::from_str_radix(flags.trim(), 8).unwrap() & 3 == 1;
            if fd.parse::<u32>().unwrap() > 2
                && write_only
                && link.to_string_lossy().starts_with("pipe:")
            {
                return std::fs::OpenOptions::new()
                    .write(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(format!("/proc/{pid}/fd/{fd}"))
                    .unwrap();
            }
        }
        panic!("worker {pid} has no report pipe");
    }

    /// A task written to a worker that has died meets a pipe with no reader: `EPIPE`,
    /// and a `SIGPIPE` that kills the whole program where its action is the default
    /// (Rust's `main` ignores it; a program that restores it, or a C `main`, does
    /// not). The test holds a copy of the report pipe so that the driver cannot see
    /// the death first.
    pub fn a_write_to_a_dead_worker_does_not_kill_the_owner_with_sigpipe() {
        use nix::sys::signal::{SigHandler, signal};
        let executor = ProcessExecutor::with_handoff(1, Handoff::PARK).unwrap();
        assert_eq!(executor.submit(square, 3).unwrap().result(), Ok(9));
        let victim = executor.pids()[0];
        let held = hold_report_pipe(victim);
        kill(Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();
        while state_of(victim) != Some('Z') {
            std::thread::sleep(Duration::from_millis(1));
        }
        // SAFETY: no handler is installed, only the default action
        // restored (and undone below).
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) }.unwrap();
        let ticket = executor.submit(square, 4);
        // SAFETY: as above: back to Rust's default for `main`.
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigIgn) }.unwrap();
        let ticket =
            ticket.expect("the pool is not broken yet: nobody saw the death");
        drop(held); // now the driver sees the end of file and breaks the pool
        let expected = Broken {
            pid: victim,
            cause: "was killed by signal SIGKILL".into(),
        };
        assert_eq!(ticket.result(), Err(TaskError::BrokenPool(expected)));
        drop(executor);
        assert!(zombies().is_empty());
    }

    type Test = (&'static str, fn());

    pub const TESTS: &[Test] = &[
        (
            "results_come_back_from_other_processes",
            results_come_back_from_other_processes,
        ),
        (
            "a_panic_fails_its_ticket_and_the_worker_lives_on",
            a_panic_fails_its_ticket_and_the_worker_lives_on,
        ),
        (
            "a_killed_worker_breaks_the_pool",
            a_killed_worker_breaks_the_pool,
        ),
        (
            "one_death_takes_down_the_other_workers_too",
            one_death_takes_down_the_other_workers_too,
        ),
        (
            "a_worker_that_exits_names_its_exit_code",
            a_worker_that_exits_names_its_exit_code,
        ),
        (
            "shutdown_refuses_later_submits_and_cancels_on_request",
            shutdown_refuses_later_submits_and_cancels_on_request,
        ),
        (
            "a_program_with_threads_can_create_a_process_executor",
            a_program_with_threads_can_create_a_process_executor,
        ),
        (
            "an_idle_worker_that_dies_breaks_the_pool_at_once",
            an_idle_worker_that_dies_breaks_the_pool_at_once,
        ),
        (
            "large_arguments_and_results_cross_whole",
            large_arguments_and_results_cross_whole,
        ),
        ("is_send_and_sync", is_send_and_sync),
        (
            "every_hand_off_delivers_every_result_exactly_once",
            every_hand_off_delivers_every_result_exactly_once,
        ),
        (
            "an_idle_spinning_worker_ends_up_asleep",
            an_idle_spinning_worker_ends_up_asleep,
        ),
        (
            "a_write_to_a_dead_worker_does_not_kill_the_owner_with_sigpipe",
            a_write_to_a_dead_worker_does_not_kill_the_owner_with_sigpipe,
        ),
    ];

    pub fn run(filter: Option<&str>) -> bool {
        // Green runs stay quiet: the tasks that panic on purpose print nothing.
        std::panic::set_hook(Box::new(|_| {}));
        let mut failed = Vec::new();
        let selected: Vec<&Test> = TESTS
            .iter()
            .filter(|(name, _)| filter.is_none_or(|f| name.contains(f)))
            .collect();
        println!("\nrunning {} tests", selected.len());
        for &&(name, test) in &selected {
            let outcome = std::panic::catch_unwind(|| within_patience(test));
            match outcome {
                Ok(()) => println!("test {name} ... ok"),
                Err(payload) => {
                    let message = ch03_processes::frame::panic_message(&*payload);
                    println!("test {name} ... FAILED\n    {message}");
                    failed.push(name);
                }
            }
        }
        println!(
            "\ntest result: {}. {} passed; {} failed",
            if failed.is_empty() { "ok" } else { "FAILED" },
            selected.len() - failed.len(),
            failed.len()
        );
        failed.is_empty()
    }
}

fn main() -> std::process::ExitCode {
    #[cfg(target_os = "linux")]
    {
        ch06_executor::serve_if_worker();
        let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
        if linux::run(filter.as_deref()) {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::FAILURE
        }
    }
    #[cfg(not(target_os = "linux"))]
    std::process::ExitCode::SUCCESS
}
