//! Tests that fork. They run one by one, each in a single-threaded child process of
//! their own, under a time limit, and fail if they leave a child behind: see
//! `support::fork` (the harness chapter 03's exercise specs use too).

use std::io::{Read, Write};

#[cfg(unix)]
mod unix {
    use super::*;
    use ch03_processes::error::Exit;
    use ch03_processes::reexec::{self, Registry};
    use ch03_processes::s1_exit_code::exit_code_of;
    use ch03_processes::s2_pipe::run_in_child;
    use ch03_processes::sys::{ChildPipe, ensure_single_threaded, thread_count};
    use ch03_processes::tutorial::{
        join_all, one_process_per_number, sequential, start_all, start_join_in_loop,
    };
    use ch03_processes::{ProcessError, ProcessHandle, spawn};
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;
    use support::case;
    use support::fork::{ProcessInFlight, ProcessRendezvous, Test};
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_expected};

    /// The tasks this test binary serves when it is re-run as a child.
    pub fn registry() -> Registry {
        Registry::new()
            .task("square", |n: u64| n * n)
            .task("pid", |(): ()| u64::from(std::process::id()))
            .task("noisy", |n: u64| {
                println!("a task that prints to stdout must not corrupt its result");
                n + 1
            })
            .task("panics", |_: u64| -> u64 { panic!("task refused") })
            .task("panics_with_a_bomb", |_: u64| -> u64 {
                std::panic::panic_any(PanicsWhenDropped)
            })
            .task("hangs", |_: u64| -> u64 {
                std::thread::sleep(support::PATIENCE * 2);
                0
            })
            .task("forks_then_hangs", |pid_file: String| -> u64 {
                // The grandchild is a copy of this re-executed child:
                // it holds the report pipe.
                let grandchild = spawn(|| -> u64 { block_forever() }).unwrap();
                std::fs::write(&pid_file, grandchild.pid().to_string()).unwrap();
                // no `Drop`: it would kill the grandchild
                std::mem::forget(grandchild);
                block_forever()
            })
            .task("inheritable_fds", |(): ()| inheritable_fds())
    }

    /// This process's descriptors above 2 without close-on-exec (`O_CLOEXEC` is octal
    /// 02000000 in the `flags:` line of /proc/self/fdinfo/<fd>): what a program it
    /// starts would inherit.
    fn inheritable_fds() -> Vec<u32> {
        let fds = std::fs::read_dir("/proc/self/fd").unwrap().flatten();
        let fds: Vec<u32> = fds
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect();
        fds.into_iter()
            .filter(|&fd| fd > 2)
            .filter(|fd| {
                let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"));
                let flags = info.ok().and_then(|info| {
                    let line = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
                    u32::from_str_radix(line.trim(), 8).ok()
                });
                flags.is_some_and(|flags| flags & 0o2000000 == 0)
            })
            .collect()
    }

    fn me() -> u32 {
        std::process::id()
    }

    /// A pipe end that never gets data while the test holds the other end: a child
    /// blocked reading it waits until killed.
    fn blocker() -> (std::fs::File, std::fs::File) {
        let (r, w) = nix::unistd::pipe().unwrap();
        (std::fs::File::from(r), std::fs::File::from(w))
    }

    fn exit_code_is_cut_to_eight_bits() {
        assert_eq!(exit_code_of(|| 42).unwrap(), 42);
        assert_eq!(exit_code_of(|| 300).unwrap(), 300 % 256);
        let sum = cpu_bound_expected(11, Scale::TEST);
        assert_ne!(
            exit_code_of(|| sum).unwrap() as u64,
            sum,
            "a sum does not fit in a byte"
        );
    }

    fn a_pipe_brings_back_the_whole_u64() {
        let expected = cpu_bound_expected(53, Scale::TEST);
        let got = run_in_child(|| workloads::cpu_bound_at(53, Scale::TEST)).unwrap();
        assert_eq!(got, expected);
        assert_ne!(run_in_child(|| u64::from(me())).unwrap(), u64::from(me()));
    }

    fn join_returns_typed_values_from_another_process() {
        let handle =
            spawn(|| (me(), String::from("from the child"), vec![1u64, 2, 3]))
                .unwrap();
        let child_pid = handle.pid();
        let (pid, text, v) = handle.join().unwrap();
        assert_eq!(pid, child_pid);
        assert_ne!(pid, me());
        assert_eq!((text.as_str(), v), ("from the child", vec![1, 2, 3]));
    }

    fn the_child_works_on_a_copy_of_memory() {
        let mut counter = 1u64;
        let seen_in_child = spawn(|| {
            // the closure borrows `counter`; the child changes its own copy
            counter += 100;
            counter
        })
        .unwrap()
        .join()
        .unwrap();
        assert_eq!((seen_in_child, counter), (101, 1));
    }

    fn a_result_bigger_than_the_pipe_buffer_arrives_whole() {
        let big = spawn(|| vec![7u8; 1 << 20]).unwrap().join().unwrap();
        assert_eq!(big.len(), 1 << 20);
        assert!(big.iter().all(|&b| b == 7));
    }

    fn a_panic_in_the_child_is_an_error_with_its_message() {
        let err = spawn(|| -> u64 { panic!("bad input {}", 7) })
            .unwrap()
            .join()
            .unwrap_err();
        assert!(
            matches!(&err, ProcessError::Panicked { message, .. } if message == "bad input 7"),
            "{err}"
        );
    }

    /// A panic payload can be any value (`panic_any`), and its `Drop` may panic.
    struct PanicsWhenDropped;

    impl Drop for PanicsWhenDropped {
        fn drop(&mut self) {
            panic!("dropped");
        }
    }

    /// Dropped in the child, the payload's own panic would unwind out of the child's
    /// code into the caller's: a second copy of the test running on.
    fn a_panic_payload_that_panics_when_dropped_does_not_escape_the_child() {
        let err = spawn(|| -> u64 { std::panic::panic_any(PanicsWhenDropped) })
            .unwrap()
            .join()
            .unwrap_err();
        assert!(
            matches!(&err, ProcessError::Panicked { message, .. }
                if message == "a panic with a non-string payload"),
            "{err}"
        );
        let code = exit_code_of(|| std::panic::panic_any(PanicsWhenDropped)).unwrap();
        assert_eq!(code, ch03_processes::error::EXIT_PANIC);
        let err =
            run_in_child(|| std::panic::panic_any(PanicsWhenDropped)).unwrap_err();
        assert!(err.pid().is_some(), "an error about the child: {err}");
    }

    fn a_child_killed_by_a_signal_is_an_error_naming_it() {
        let (gate, _keep_open) = blocker();
        let handle = spawn(move || {
            let mut gate = gate;
            let _ = gate.read(&mut [0u8]); // blocks: nobody writes
            0u64
        })
        .unwrap();
        handle.kill(Signal::SIGKILL).unwrap();
        let err = handle.join().unwrap_err();
        assert_eq!(err.signal_name(), Some("SIGKILL"), "{err}");
        assert!(err.to_string().contains("SIGKILL"), "{err}");

        let err = spawn(|| -> u64 { std::process::abort() })
            .unwrap()
            .join()
            .unwrap_err();
        assert_eq!(err.signal_name(), Some("SIGABRT"), "{err}");
    }

    fn a_child_that_exits_without_its_result_is_an_error() {
        let err = spawn(|| -> u64 { std::process::exit(0) })
            .unwrap()
            .join()
            .unwrap_err();
        assert!(matches!(err, ProcessError::NoResult { .. }), "{err}");
        let err = spawn(|| -> u64 { std::process::exit(3) })
            .unwrap()
            .join()
            .unwrap_err();
        assert!(matches!(err, ProcessError::Exited { code: 3, .. }), "{err}");
        assert!(err.to_string().contains("code 3"), "{err}");
    }

    fn a_dropped_handle_kills_and_reaps_its_child() {
        let (gate, _keep_open) = blocker();
        let handle = spawn(move || {
            let mut gate = gate;
            let _ = gate.read(&mut [0u8]);
            0u64
        })
        .unwrap();
        let pid = handle.pid() as i32;
        assert!(
            support::children().iter().any(|c| c.pid == pid),
            "the child runs"
        );
        drop(handle);
        assert!(
            !support::children().iter().any(|c| c.pid == pid),
            "gone, not even a zombie"
        );
    }

    /// Orphans of the test's descendants become its children (Linux),
    /// so it can reap them.
    fn adopt_orphans() {
        #[cfg(target_os = "linux")]
        // SAFETY: `prctl` with these arguments only sets a flag on this process.
        unsafe {
            assert_eq!(libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
        }
    }

    fn block_forever() -> ! {
        loop {
            nix::unistd::pause();
        }
    }

    // ANCHOR: grandchild
    /// A child that starts a grandchild (blocked until killed), tells its pid, then
    /// does `then`. The grandchild is a copy of the child, so it holds a copy of
    /// every descriptor the child held at that moment, the write end of the child's
    /// own result pipe included.
    fn a_child_with_a_grandchild(then: fn() -> u64) -> (ProcessHandle<u64>, Pid) {
        adopt_orphans();
        let (mut pid_r, mut pid_w) = ch03_processes::pipe().unwrap();
        let child = spawn(move || {
            let grandchild = spawn(|| -> u64 { block_forever() }).unwrap();
            pid_w.write_all(&grandchild.pid().to_le_bytes()).unwrap();
            std::mem::forget(grandchild); // no `Drop`: it would kill the grandchild
            then()
        })
        .unwrap();
        let mut pid = [0u8; 4];
        pid_r.read_exact(&mut pid).unwrap();
        (child, Pid::from_raw(u32::from_le_bytes(pid) as i32))
    }

    /// Joins `child` under a watchdog, while its grandchild still runs; then,
    /// whatever the join did, kills the grandchild and reaps it.
    fn join_while_the_grandchild_runs(
        child: ProcessHandle<u64>,
        grandchild: Pid,
    ) -> Result<u64, ProcessError> {
        let joined = std::panic::catch_unwind(|| {
            support::watchdog(support::PATIENCE / 2, move || child.join())
        });
        let alive = nix::sys::signal::kill(grandchild, None).is_ok();
        nix::sys::signal::kill(grandchild, Signal::SIGKILL).unwrap();
        #[cfg(target_os = "linux")] // adopted: ours to reap
        nix::sys::wait::waitpid(grandchild, None).unwrap();
        let joined = joined.unwrap_or_else(|_| {
            panic!(
                "join waited for the grandchild, \
                 which holds a copy of the result pipe"
            )
        });
        assert!(alive, "the grandchild ran until the test killed it");
        joined
    }

    fn join_returns_when_the_child_is_killed_though_its_grandchild_runs() {
        let (child, grandchild) = a_child_with_a_grandchild(|| block_forever());
        child.kill(Signal::SIGKILL).unwrap();
        let err = join_while_the_grandchild_runs(child, grandchild).unwrap_err();
        assert_eq!(err.signal_name(), Some("SIGKILL"), "{err}");
    }

    fn join_returns_the_value_of_a_child_whose_grandchild_runs() {
        let (child, grandchild) = a_child_with_a_grandchild(|| 7);
        assert_eq!(
            join_while_the_grandchild_runs(child, grandchild).unwrap(),
            7
        );
    }
    // ANCHOR_END: grandchild

    /// Where there is no pidfd, `ChildPipe` polls the pipe and checks the child
    /// between two polls: the read ends with the child there too, and the child is
    /// reaped by the check.
    fn without_a_pidfd_the_read_still_ends_with_the_child() {
        adopt_orphans();
        let (reader, writer) = ch03_processes::pipe().unwrap();
        let (mut pid_r, mut pid_w) = ch03_processes::pipe().unwrap();
        // SAFETY: the test process is single-threaded (the harness's rule); the child
        // leaves only by being killed.
        let child = match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                drop(reader);
                let grandchild = spawn(|| -> u64 { block_forever() }).unwrap();
                pid_w.write_all(&grandchild.pid().to_le_bytes()).unwrap();
                std::mem::forget(grandchild);
                let _held = writer;
                block_forever()
            }
            nix::unistd::ForkResult::Parent { child } => child,
        };
        drop(writer);
        let mut pid = [0u8; 4];
        pid_r.read_exact(&mut pid).unwrap();
        let grandchild = Pid::from_raw(u32::from_le_bytes(pid) as i32);
        nix::sys::signal::kill(child, Signal::SIGKILL).unwrap();
        let read = std::panic::catch_unwind(|| {
            support::watchdog(support::PATIENCE / 2, move || {
                let mut pipe = ChildPipe::polling(reader, child);
                (pipe.read_report().unwrap(), pipe.wait().unwrap())
            })
        });
        nix::sys::signal::kill(grandchild, Signal::SIGKILL).unwrap();
        #[cfg(target_os = "linux")]
        nix::sys::wait::waitpid(grandchild, None).unwrap();
        let (report, exit) =
            read.unwrap_or_else(|_| panic!("the read waited for the grandchild"));
        assert_eq!(report, None);
        assert_eq!(exit, Exit::Signal(libc::SIGKILL));
    }

    fn spawn_refuses_to_fork_a_threaded_process() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || rx.recv());
        let err = spawn(|| 1u64).map(|_| ()).unwrap_err();
        drop(tx);
        let _ = other.join();
        assert!(
            matches!(err, ProcessError::OtherThreads { threads } if threads >= 2),
            "{err}"
        );
        // Not `thread_count() == Some(1)`: a thread just joined can
        // still be listed for a moment.
        ensure_single_threaded().expect("the other thread was joined");
        assert_eq!(
            spawn(|| 1u64).unwrap().join().unwrap(),
            1,
            "alone again: fork is fine"
        );
    }

    fn one_process_per_number_gives_the_sequential_results() {
        let numbers = TUTORIAL_NUMBERS;
        assert_eq!(
            one_process_per_number(&numbers, Scale::TEST).unwrap(),
            sequential(&numbers, Scale::TEST)
        );
    }

    fn start_all_then_join_all_runs_every_child_at_once() {
        let n = 4;
        let rendezvous = ProcessRendezvous::new(n);
        let in_flight = ProcessInFlight::new();
        let handles = start_all((0..n).map(|i| {
            move || {
                let _inside = in_flight.enter();
                rendezvous
                    .arrive(support::PATIENCE)
                    .map(|()| (i as u64, me()))
                    .unwrap_or((0, 0))
            }
        }))
        .unwrap();
        let results = join_all(handles).unwrap();
        let mut pids: Vec<u32> = results.iter().map(|r| r.1).collect();
        assert_eq!(
            results.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![0, 1, 2, 3],
            "in order"
        );
        assert!(
            !pids.contains(&0),
            "every child met the others: all {n} were alive at once"
        );
        assert!(!pids.contains(&me()));
        pids.sort_unstable();
        pids.dedup();
        assert_eq!(pids.len(), n, "one process per task");
        assert_eq!(in_flight.max(), n);
    }

    fn start_then_join_inside_the_loop_runs_one_at_a_time() {
        let in_flight = ProcessInFlight::new();
        let results = start_join_in_loop((0..4u64).map(|i| {
            move || {
                let _inside = in_flight.enter();
                i
            }
        }))
        .unwrap();
        assert_eq!(results, vec![0, 1, 2, 3]);
        assert_eq!(
            in_flight.max(),
            1,
            "never two children at once: this is sequential"
        );
    }

    fn a_clock_stopped_before_join_timed_no_work_at_all() {
        // Every child waits at a gate the test opens only after the
        // clock has stopped.
        let (gate_r, mut gate_w) = blocker();
        let gate_r = std::sync::Arc::new(gate_r);
        let started = std::time::Instant::now();
        let handles = start_all((0..3u64).map(|i| {
            let gate = std::sync::Arc::clone(&gate_r);
            move || {
                let _ = (&*gate).read(&mut [0u8]);
                i
            }
        }))
        .unwrap();
        let measured = started.elapsed(); // the tutorials' mistake: stop here
        let states = support::children();
        for h in &handles {
            let pid = h.pid() as i32;
            assert!(
                states.iter().any(|c| c.pid == pid && c.state != 'Z'),
                "child {pid} must still be running when the clock stops"
            );
        }
        gate_w.write_all(&[1; 3]).unwrap();
        assert_eq!(join_all(handles).unwrap(), vec![0, 1, 2]);
        assert!(started.elapsed() >= measured);
    }

    fn reexec_runs_a_named_task_in_a_fresh_program() {
        let square: u64 = reexec::spawn_task("square", &12u64)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(square, 144);
        let handle = reexec::spawn_task::<(), u64>("pid", &()).unwrap();
        let pid = handle.pid();
        assert_eq!(handle.join().unwrap(), u64::from(pid));
        assert_ne!(pid, me());
        let noisy: u64 = reexec::spawn_task("noisy", &1u64).unwrap().join().unwrap();
        assert_eq!(noisy, 2);
    }

    fn reexec_reports_panics_signals_and_unknown_tasks() {
        let err = reexec::spawn_task::<u64, u64>("panics", &0)
            .unwrap()
            .join()
            .unwrap_err();
        assert!(
            matches!(&err, ProcessError::Panicked { message, .. } if message == "task refused")
        );
        let err = reexec::spawn_task::<u64, u64>("panics_with_a_bomb", &0)
            .unwrap()
            .join()
            .unwrap_err();
        assert!(
            matches!(&err, ProcessError::Panicked { message, .. }
                if message == "a panic with a non-string payload"),
            "{err}"
        );
        let err = reexec::spawn_task::<u64, u64>("no such task", &0)
            .unwrap()
            .join()
            .unwrap_err();
        assert!(
            matches!(err, ProcessError::Exited { code: 103, .. }),
            "{err}"
        );
        let mut handle = reexec::spawn_task::<u64, u64>("hangs", &0).unwrap();
        handle.kill().unwrap();
        assert_eq!(handle.join().unwrap_err().signal_name(), Some("SIGKILL"));
        // A dropped handle kills and reaps its child too.
        let handle = reexec::spawn_task::<u64, u64>("hangs", &0).unwrap();
        let pid = handle.pid() as i32;
        drop(handle);
        assert!(!support::children().iter().any(|c| c.pid == pid));
    }

    /// An argument written to a child that ends without reading it (here: an unknown
    /// task) meets a pipe with no reader: `EPIPE`, and a `SIGPIPE` that kills the
    /// whole program where its action is the default (Rust's `main` ignores it; a C
    /// `main`, or a program that restores it, does not). The argument is more than a
    /// pipe holds, so the write is still going on when the child exits.
    fn reexec_an_unread_argument_does_not_kill_the_parent_with_sigpipe() {
        use nix::sys::signal::{SigHandler, signal};
        let big = vec![7u8; 1 << 20];
        // SAFETY: no handler is installed, only the default action
        // restored (and undone below).
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) }.unwrap();
        let spawned = reexec::spawn_task::<Vec<u8>, u64>("no such task", &big);
        // SAFETY: as above: back to Rust's default for `main`.
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigIgn) }.unwrap();
        let err = spawned.unwrap().join().unwrap_err();
        assert!(
            matches!(err, ProcessError::Exited { code: 103, .. }),
            "{err}"
        );
    }

    /// Like `join_returns_when_the_child_is_killed_though_its_grandchild_runs`, for a
    /// child started by re-executing the program: its grandchild, forked by the task,
    /// holds the report pipe, and `join` must not wait for it.
    fn reexec_join_returns_when_the_child_is_killed_though_its_grandchild_runs() {
        adopt_orphans();
        let pid_file = std::env::temp_dir().join(format!("ch03-grandchild-{}", me()));
        let _ = std::fs::remove_file(&pid_file);
        let path = pid_file.to_string_lossy().into_owned();
        let mut child =
            reexec::spawn_task::<String, u64>("forks_then_hangs", &path).unwrap();
        let file = pid_file.clone();
        let grandchild = support::watchdog(support::PATIENCE / 2, move || {
            loop {
                if let Some(pid) = std::fs::read_to_string(&file)
                    .ok()
                    .and_then(|s| s.parse().ok())
                {
                    break Pid::from_raw(pid);
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        let _ = std::fs::remove_file(&pid_file);
        child.kill().unwrap();
        let joined = std::panic::catch_unwind(|| {
            support::watchdog(support::PATIENCE / 2, move || child.join())
        });
        nix::sys::signal::kill(grandchild, Signal::SIGKILL).unwrap();
        #[cfg(target_os = "linux")] // adopted: ours to reap
        nix::sys::wait::waitpid(grandchild, None).unwrap();
        let err = joined
            .unwrap_or_else(|_| {
                panic!("join waited for the grandchild, which holds the report pipe")
            })
            .unwrap_err();
        assert_eq!(err.signal_name(), Some("SIGKILL"), "{err}");
    }

    /// The re-executed child keeps its report pipe close-on-exec: a program its task
    /// starts (with `Command`, inheriting stdio) must not hold the pipe open.
    #[cfg(target_os = "linux")]
    fn reexec_keeps_the_report_pipe_from_programs_the_task_starts() {
        // What this process got from its own parent (a shell's, a jobserver's) passes
        // on to the child too; anything more is the child's own.
        let ours = inheritable_fds();
        let theirs: Vec<u32> = reexec::spawn_task("inheritable_fds", &())
            .unwrap()
            .join()
            .unwrap();
        let extra: Vec<&u32> =
            theirs.iter().filter(|fd| !ours.contains(fd)).collect();
        assert!(
            extra.is_empty(),
            "descriptors the re-executed child opened that a program it starts would inherit: \
             {extra:?} (all it has: {theirs:?}; this process: {ours:?})"
        );
    }

    fn reexec_is_safe_in_a_threaded_process() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || rx.recv());
        assert!(thread_count().unwrap() >= 2);
        let nine: u64 = reexec::spawn_task("square", &3u64).unwrap().join().unwrap();
        drop(tx);
        let _ = other.join();
        assert_eq!(nine, 9);
    }

    /// `/proc/self/task` can list a thread for a moment after `join` returned (the
    /// kernel wakes the joiner before it removes the thread). `spawn` must not refuse
    /// then: a program that joined all its threads is single-threaded. A hundred
    /// thousand tries make the window show up (measured: 1 in a few dozen to 1 in
    /// 20,000, depending on load). They take about 9 s on a quiet 2-core machine, so
    /// the loop also ends after 8 s, far inside the harness's 20 s watchdog on a
    /// loaded one (a hundred thousand tries once took longer than 20 s there).
    fn a_thread_just_joined_does_not_make_spawn_refuse() {
        let budget = std::time::Instant::now() + std::time::Duration::from_secs(8);
        for i in 0..100_000u64 {
            if std::time::Instant::now() > budget {
                break;
            }
            std::thread::spawn(move || i).join().unwrap();
            if i % 1000 == 0 {
                assert_eq!(spawn(move || i).unwrap().join().unwrap(), i);
            } else if let Err(err) = ensure_single_threaded() {
                panic!(
                    "try {i}: refused right after the only other thread was joined: {err}"
                );
            }
        }
    }

    /// `print!` without a newline stays in this process's stdout buffer. A fork
    /// copies the buffer: unless `spawn` flushes first, a child that prints writes
    /// the parent's text too, and the parent writes it again later. CPython's
    /// `multiprocessing` flushes before a fork.
    fn text_printed_before_a_fork_appears_once() {
        let (mut captured, into_pipe) = ch03_processes::pipe().unwrap();
        std::io::stdout().flush().unwrap();
        let real_stdout = nix::unistd::dup(std::io::stdout()).unwrap();
        nix::unistd::dup2_stdout(&into_pipe).unwrap();
        print!("printed once;");
        let joined = spawn(|| {
            println!(" the child's line");
            1u64
        })
        .unwrap()
        .join();
        std::io::stdout().flush().unwrap();
        nix::unistd::dup2_stdout(&real_stdout).unwrap();
        drop(into_pipe);
        let mut text = String::new();
        captured.read_to_string(&mut text).unwrap();
        assert_eq!(joined.unwrap(), 1);
        assert_eq!(
            text.matches("printed once;").count(),
            1,
            "the parent's unflushed text went into the child too: {text:?}"
        );
        assert_eq!(text.matches("the child's line").count(), 1, "{text:?}");
    }

    /// Copy-on-write, measured in memory (Linux: it reads `/proc/self/smaps_rollup`):
    /// a child that reads 64 MiB of its parent's pages makes none of them its own;
    /// one that writes 32 MiB of them copies exactly those pages.
    #[cfg(target_os = "linux")]
    fn a_child_copies_the_pages_it_writes_not_those_it_reads() {
        use ch03_processes::fork_cost::{Pages, Resident, child_private_dirty_kib};
        let mut region = Resident::new(64 << 20, Pages::Small).unwrap();
        let idle = child_private_dirty_kib(|| ()).unwrap();
        let reader = child_private_dirty_kib(|| {
            std::hint::black_box(region.read_pages());
        })
        .unwrap();
        let writer =
            child_private_dirty_kib(|| region.write_pages(32 << 20)).unwrap();
        let (read_kib, written_kib) =
            (reader.saturating_sub(idle), writer.saturating_sub(idle));
        assert!(
            read_kib < 1024,
            "reading made {read_kib} KiB private: reads must not copy"
        );
        assert!(
            (32 * 1024..33 * 1024).contains(&written_kib),
            "writing 32 MiB made {written_kib} KiB private: expected each written page copied once"
        );
    }

    pub fn tests() -> Vec<Test> {
        vec![
            case!(exit_code_is_cut_to_eight_bits),
            case!(a_pipe_brings_back_the_whole_u64),
            case!(join_returns_typed_values_from_another_process),
            case!(the_child_works_on_a_copy_of_memory),
            case!(a_result_bigger_than_the_pipe_buffer_arrives_whole),
            case!(a_panic_in_the_child_is_an_error_with_its_message),
            case!(a_panic_payload_that_panics_when_dropped_does_not_escape_the_child),
            case!(a_child_killed_by_a_signal_is_an_error_naming_it),
            case!(a_child_that_exits_without_its_result_is_an_error),
            case!(a_dropped_handle_kills_and_reaps_its_child),
            case!(join_returns_when_the_child_is_killed_though_its_grandchild_runs),
            case!(join_returns_the_value_of_a_child_whose_grandchild_runs),
            case!(without_a_pidfd_the_read_still_ends_with_the_child),
            case!(spawn_refuses_to_fork_a_threaded_process),
            case!(a_thread_just_joined_does_not_make_spawn_refuse),
            case!(text_printed_before_a_fork_appears_once),
            #[cfg(target_os = "linux")]
            case!(a_child_copies_the_pages_it_writes_not_those_it_reads),
            case!(one_process_per_number_gives_the_sequential_results),
            case!(start_all_then_join_all_runs_every_child_at_once),
            case!(start_then_join_inside_the_loop_runs_one_at_a_time),
            case!(a_clock_stopped_before_join_timed_no_work_at_all),
            case!(reexec_runs_a_named_task_in_a_fresh_program),
            case!(reexec_reports_panics_signals_and_unknown_tasks),
            case!(reexec_an_unread_argument_does_not_kill_the_parent_with_sigpipe),
            case!(reexec_join_returns_when_the_child_is_killed_though_its_grandchild_runs),
            #[cfg(target_os = "linux")]
            case!(reexec_keeps_the_report_pipe_from_programs_the_task_starts),
            case!(reexec_is_safe_in_a_threaded_process),
        ]
    }
}

support::fork_main! {
    first: unix::registry().serve_if_child(),
    tests: unix::tests(),
    elsewhere: ch03_processes::UNIX_ONLY,
}
