//! Tests that fork. They run one by one, each in a single-threaded child process of
//! their own, under a time limit, and fail if they leave a child behind: see
//! `support::fork`.

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::{Read, Write};
    use std::os::fd::AsFd;

    use ch03_processes::pipe;
    use ch03_processes::sys::exit_now;
    use ch07_process_trait::tutorial::{Counter, MyProcess};
    use ch07_process_trait::{ExitError, Process, Restart, RunError, spawn};
    use nix::sys::signal::Signal;
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    use nix::unistd::Pid;
    use support::case;
    use support::fork::Test;

    /// Blocks until a signal ends the process.
    fn block_forever() -> ! {
        loop {
            nix::unistd::pause();
        }
    }

    /// Everything written to stdout (fd 1) while `body` runs, in this
    /// process or its children.
    fn stdout_of(body: impl FnOnce()) -> String {
        let (mut read, write) = pipe().unwrap();
        let saved = nix::unistd::dup(std::io::stdout().as_fd()).unwrap();
        let mut fd1 = unsafe_stdout();
        nix::unistd::dup2(&write, &mut fd1).unwrap();
        drop(write);
        body();
        // closes the pipe's last write end
        nix::unistd::dup2(&saved, &mut fd1).unwrap();
        std::mem::forget(fd1); // fd 1 stays open: it is this process's stdout
        let mut text = String::new();
        read.read_to_string(&mut text).unwrap();
        text
    }

    fn unsafe_stdout() -> std::os::fd::OwnedFd {
        use std::os::fd::FromRawFd;
        // SAFETY: fd 1 is open for the whole test; the caller forgets this `OwnedFd`
        // instead of closing it.
        unsafe { std::os::fd::OwnedFd::from_raw_fd(1) }
    }

    /// A panic in a child must not print its report over the test's output.
    fn quiet_panics() {
        std::panic::set_hook(Box::new(|_| {}));
    }

    fn the_tutorials_process_prints_3_then_4() {
        let mut finished = None;
        let printed = stdout_of(|| {
            finished = Some(MyProcess { value: 2 }.start().unwrap().join())
        });
        assert_eq!(printed, "3\n4\n");
        let finished = finished.unwrap().unwrap();
        assert_eq!(finished.exitcode(), 0);
        assert_eq!(finished.output(), Ok(()));
    }

    // ANCHOR: state_is_the_childs
    fn what_run_changes_stays_in_the_child() {
        let counter = Counter::default();
        // `counter.start()` would move `counter` away; `start_copy` starts a clone.
        let output = counter
            .start_copy()
            .unwrap()
            .join()
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(
            output, 10,
            "run added 10 to the child's copy and returned it"
        );
        assert_eq!(counter.count, 0, "the parent's counter never changed");
    }
    // ANCHOR_END: state_is_the_childs

    fn a_closure_is_a_process_and_spawn_is_built_on_it() {
        let me = std::process::id();
        let pid = (|| std::process::id()).start().unwrap().join().unwrap();
        assert_ne!(pid.output().unwrap(), me);
        let text = String::from("moved into an FnOnce");
        let back = spawn(move || text)
            .unwrap()
            .join()
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(back, "moved into an FnOnce");
    }

    fn a_boxed_dyn_process_runs_like_the_concrete_one() {
        let processes: Vec<Box<dyn Process<Output = u64>>> =
            vec![Box::new(Counter::default()), Box::new(|| 7u64)];
        let outputs: Vec<u64> = processes
            .into_iter()
            .map(|p| p.start().unwrap().join().unwrap().output().unwrap())
            .collect();
        assert_eq!(outputs, [10, 7]);
    }

    fn restart_starts_fresh_copies() {
        #[derive(Clone)]
        struct Twice(u64);
        impl Process for Twice {
            type Output = u64;
            fn run(&mut self) -> Result<u64, RunError> {
                self.0 *= 2;
                Ok(self.0)
            }
        }
        let p = Twice(5);
        let a = p.start_copy().unwrap().join().unwrap().output();
        let b = p.start_copy().unwrap().join().unwrap().output();
        assert_eq!(
            (a, b),
            (Ok(10), Ok(10)),
            "each start doubles a fresh copy of 5"
        );
    }

    // ANCHOR: exitcodes
    fn endings_have_cpythons_exitcodes() {
        quiet_panics();
        struct Fails;
        impl Process for Fails {
            type Output = u64;
            fn run(&mut self) -> Result<u64, RunError> {
                Err("the input was empty".into())
            }
        }
        let f = Fails.start().unwrap().join().unwrap();
        assert_eq!(f.exitcode(), 1);
        assert_eq!(
            f.output(),
            Err(ExitError::Failed {
                message: "the input was empty".into()
            })
        );
        let f = (|| -> u64 { panic!("step 2 broke") })
            .start()
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(f.exitcode(), 1);
        assert!(
            matches!(f.output(), Err(ExitError::Panicked { message }) if message == "step 2 broke")
        );
        let f = (|| -> u64 { exit_now(3) }).start().unwrap().join().unwrap();
        assert_eq!(
            (f.exitcode(), f.output()),
            (3, Err(ExitError::Exited { code: 3 }))
        );
    }
    // ANCHOR_END: exitcodes

    fn terminate_and_kill_are_negative_signal_numbers() {
        let mut running = (|| -> u64 { block_forever() }).start().unwrap();
        assert!(
            running.is_alive().unwrap(),
            "blocked forever: still running"
        );
        running.terminate().unwrap();
        let finished = running.join().unwrap();
        assert_eq!(finished.exitcode(), -libc::SIGTERM);
        let running = (|| -> u64 { block_forever() }).start().unwrap();
        running.kill().unwrap();
        let finished = running.join().unwrap();
        assert_eq!(finished.exitcode(), -libc::SIGKILL);
        assert_eq!(
            finished.output(),
            Err(ExitError::Signaled {
                signal: libc::SIGKILL
            })
        );
    }

    fn is_alive_reaps_an_ended_child_and_signals_then_do_nothing() {
        let (mut gate_r, mut gate_w) = pipe().unwrap();
        let mut running = (move || {
            let mut byte = [0u8];
            gate_r.read_exact(&mut byte).unwrap();
            u64::from(byte[0])
        })
        .start()
        .unwrap();
        assert!(running.is_alive().unwrap(), "waits at the gate");
        gate_w.write_all(&[42]).unwrap();
        while running.is_alive().unwrap() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(
            support::zombies().is_empty(),
            "is_alive reaped the ended child"
        );
        running.kill().unwrap(); // a reaped pid may be someone else's: not signalled
        let finished = running.join().unwrap();
        assert_eq!((finished.exitcode(), finished.output()), (0, Ok(42)));
    }

    // ANCHOR: pitfall_terminate
    /// Writes "cleaned up" to its pipe when dropped: the cleanup a
    /// `finally` block would do.
    struct Cleanup(File);

    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = self.0.write_all(b"cleaned up");
        }
    }

    fn terminate_skips_the_childs_cleanup() {
        for terminate in [false, true] {
            let (mut ready_r, mut ready_w) = pipe().unwrap();
            let (mut gate_r, mut gate_w) = pipe().unwrap();
            let (mut cleanup_r, cleanup_w) = pipe().unwrap();
            let running = (move || {
                let _cleanup = Cleanup(cleanup_w.try_clone().unwrap());
                ready_w.write_all(b"r").unwrap();
                let mut byte = [0u8];
                gate_r.read_exact(&mut byte).unwrap();
            })
            .start()
            .unwrap();
            // `start` dropped the parent's copy of the closure: the child holds the
            // only write end of the cleanup pipe.
            ready_r.read_exact(&mut [0u8]).unwrap(); // the guard exists in the child
            if terminate {
                running.terminate().unwrap();
            } else {
                gate_w.write_all(b"g").unwrap();
            }
            let exitcode = running.join().unwrap().exitcode();
            let mut cleaned = String::new();
            cleanup_r.read_to_string(&mut cleaned).unwrap();
            if terminate {
                assert_eq!((exitcode, cleaned.as_str()), (-libc::SIGTERM, ""));
            } else {
                assert_eq!((exitcode, cleaned.as_str()), (0, "cleaned up"));
            }
        }
    }
    // ANCHOR_END: pitfall_terminate

    // ANCHOR: pitfall_drop
    fn a_dropped_handle_waits_for_its_child_and_leaves_no_zombie() {
        let (mut gate_r, mut gate_w) = pipe().unwrap();
        let (mut done_r, mut done_w) = pipe().unwrap();
        let running = (move || {
            gate_r.read_exact(&mut [0u8]).unwrap();
            done_w.write_all(b"done").unwrap();
        })
        .start()
        .unwrap();
        gate_w.write_all(b"g").unwrap();
        drop(running); // not a daemon: waits for the child to finish its run
        let mut done = String::new();
        done_r.read_to_string(&mut done).unwrap();
        assert_eq!(done, "done", "the child's work was not cut short");
        assert!(support::children().is_empty(), "reaped: no zombie");
    }

    // ANCHOR: daemon_start
    fn a_dropped_daemon_handle_kills_and_reaps_its_child() {
        let running = (|| -> u64 { block_forever() })
            .created()
            .daemon(true)
            .start()
            .unwrap();
        drop(running); // would wait forever without the kill
        assert!(support::children().is_empty(), "killed and reaped");
    }
    // ANCHOR_END: daemon_start
    // ANCHOR_END: pitfall_drop

    // ANCHOR: pitfall_orphan
    /// Orphans of our descendants become our children (instead of init's), so we can
    /// reap them and see how they ended.
    fn adopt_orphans() {
        #[cfg(target_os = "linux")]
        // SAFETY: `prctl` with these arguments only sets a flag on this process.
        unsafe {
            assert_eq!(libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
        }
    }

    /// Starts a middle process that starts a grandchild (a daemon or not) blocked
    /// forever, kills the middle with `SIGKILL`, and returns the grandchild's pid.
    fn kill_the_parent_of(daemon: bool) -> Pid {
        let (mut pid_r, mut pid_w) = pipe().unwrap();
        let middle = (move || -> u64 {
            let grandchild = (|| -> u64 { block_forever() })
                .created()
                .daemon(daemon)
                .start()
                .unwrap();
            pid_w.write_all(&grandchild.pid().to_le_bytes()).unwrap();
            block_forever()
        })
        .start()
        .unwrap();
        let mut pid = [0u8; 4];
        pid_r.read_exact(&mut pid).unwrap();
        middle.kill().unwrap(); // no Drop runs in the middle process: SIGKILL
        assert_eq!(middle.join().unwrap().exitcode(), -libc::SIGKILL);
        Pid::from_raw(u32::from_le_bytes(pid) as i32)
    }

    fn a_child_outlives_its_killed_parent() {
        adopt_orphans();
        let grandchild = kill_the_parent_of(false);
        let status = waitpid(grandchild, Some(WaitPidFlag::WNOHANG)).unwrap();
        assert_eq!(status, WaitStatus::StillAlive, "an orphan, still running");
        nix::sys::signal::kill(grandchild, Signal::SIGKILL).unwrap();
        waitpid(grandchild, None).unwrap();
    }

    #[cfg(target_os = "linux")]
    fn a_daemon_dies_with_its_killed_parent() {
        adopt_orphans();
        let grandchild = kill_the_parent_of(true);
        let status = waitpid(grandchild, None).unwrap();
        assert_eq!(
            status,
            WaitStatus::Signaled(grandchild, Signal::SIGKILL, false),
            "PR_SET_PDEATHSIG killed it when its parent died"
        );
    }
    // ANCHOR_END: pitfall_orphan

    /// Another part of the program reaped the child first (a `waitpid(-1)` loop, a
    /// library's `SIGCHLD` handler): `join` cannot wait for it, and says so with an
    /// error instead of panicking.
    fn join_of_a_child_reaped_elsewhere_is_an_error() {
        let running = (|| 7u64).start().unwrap();
        let pid = Pid::from_raw(running.pid() as i32);
        assert!(matches!(waitpid(pid, None), Ok(WaitStatus::Exited(_, 0))));
        let joined =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| running.join()));
        let joined = joined.expect("join panicked on a child reaped elsewhere");
        assert!(joined.is_err(), "no exit status to give: {joined:?}");
    }

    fn start_refuses_a_threaded_process() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let other = std::thread::spawn(move || rx.recv());
        let refused = (|| 1u64).start();
        drop(tx);
        let _ = other.join();
        assert!(matches!(
            refused,
            Err(ch03_processes::ProcessError::OtherThreads { .. })
        ));
    }

    pub fn tests() -> Vec<Test> {
        vec![
            case!(the_tutorials_process_prints_3_then_4),
            case!(what_run_changes_stays_in_the_child),
            case!(a_closure_is_a_process_and_spawn_is_built_on_it),
            case!(a_boxed_dyn_process_runs_like_the_concrete_one),
            case!(restart_starts_fresh_copies),
            case!(endings_have_cpythons_exitcodes),
            case!(terminate_and_kill_are_negative_signal_numbers),
            case!(is_alive_reaps_an_ended_child_and_signals_then_do_nothing),
            case!(terminate_skips_the_childs_cleanup),
            case!(a_dropped_handle_waits_for_its_child_and_leaves_no_zombie),
            case!(a_dropped_daemon_handle_kills_and_reaps_its_child),
            case!(a_child_outlives_its_killed_parent),
            #[cfg(target_os = "linux")]
            case!(a_daemon_dies_with_its_killed_parent),
            case!(start_refuses_a_threaded_process),
            case!(join_of_a_child_reaped_elsewhere_is_an_error),
        ]
    }
}

support::fork_main! {
    tests: unix::tests(),
    elsewhere: ch07_process_trait::UNIX_ONLY,
}
