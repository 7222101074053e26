//! Spec for exercise 2. Each test runs in a single-threaded process of its own, with
//! a time limit, and fails if it leaves a child process behind (see `support::fork`).

use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::case;

use ch03_ex02_parallel_map::parallel_map_processes;
use support::fork::{ProcessInFlight, ProcessRendezvous, shared_counters};

fn results_come_back_in_input_order() {
    let inputs = [5, 1, 4, 2, 3];
    assert_eq!(
        parallel_map_processes(&inputs, |x| x * x).unwrap(),
        vec![25, 1, 16, 4, 9]
    );
}

fn every_input_runs_in_a_process_of_its_own() {
    let pids =
        parallel_map_processes(&[0; 4], |_| u64::from(std::process::id())).unwrap();
    let parent = u64::from(std::process::id());
    assert!(
        !pids.contains(&parent),
        "f must run in child processes: {pids:?}"
    );
    let mut distinct = pids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "one process per input: {pids:?}");
}

fn every_child_is_started_before_any_is_joined() {
    // Each child waits (up to 5 s) until all 3 are alive at once: that
    // only happens if the third is started while the first is still
    // running, i.e. before anything is joined. Once one child has
    // waited in vain, the later ones give up at once: fail fast.
    let rendezvous = ProcessRendezvous::new(3);
    let alive = ProcessInFlight::new();
    let gave_up = &shared_counters(1)[0];
    let met = parallel_map_processes(&[0, 1, 2], |_| {
        let _alive = alive.enter();
        if gave_up.load(Ordering::SeqCst) > 0 {
            return 0;
        }
        let met = rendezvous.arrive(Duration::from_secs(5)).is_ok();
        if !met {
            gave_up.fetch_add(1, Ordering::SeqCst);
        }
        u64::from(met)
    })
    .unwrap();
    assert_eq!(
        met,
        vec![1, 1, 1],
        "the most children alive at once was {} of 3 (each waited for the others): start them \
         all, then join them all",
        alive.max()
    );
}

fn no_inputs_no_processes() {
    assert_eq!(
        parallel_map_processes(&[], |x| x).unwrap(),
        Vec::<u64>::new()
    );
}

fn a_failing_child_is_an_error_and_every_child_is_reaped() {
    let result = parallel_map_processes(&[1, 2, 3, 4], |x| {
        assert_ne!(x, 2, "input 2 fails");
        x
    });
    assert!(
        result.is_err(),
        "a child that panicked has no result: {result:?}"
    );
    assert!(
        support::children().is_empty(),
        "every child must be joined, even after an error"
    );
}

/// The soft limit on open file descriptors (`RLIMIT_NOFILE`); it binds root too.
fn set_fd_limit(limit: nix::libc::rlim_t) -> nix::libc::rlim_t {
    let mut old = nix::libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `old` is a valid `rlimit` to write into, and the new one lowers (or
    // restores) only the soft limit, below the hard one.
    unsafe {
        assert_eq!(nix::libc::getrlimit(nix::libc::RLIMIT_NOFILE, &mut old), 0);
        let new = nix::libc::rlimit {
            rlim_cur: limit,
            rlim_max: old.rlim_max,
        };
        assert_eq!(nix::libc::setrlimit(nix::libc::RLIMIT_NOFILE, &new), 0);
    }
    old.rlim_cur
}

fn a_failing_start_still_joins_the_children_already_started() {
    // `start` makes a pipe, and the parent keeps its read end per child. Find the
    // file descriptors two starts use, then allow exactly those: the third `start`
    // fails (EMFILE).
    let highest = {
        let (r1, w1) = support::fork::pipe().unwrap();
        drop(w1);
        let (r2, w2) = support::fork::pipe().unwrap();
        let highest = [&r1, &r2, &w2].map(|fd| fd.as_raw_fd()).into_iter().max();
        highest.unwrap() as nix::libc::rlim_t
    };
    let before = set_fd_limit(highest + 1);
    let result = parallel_map_processes(&[1, 2, 3, 4], |x| x);
    set_fd_limit(before);
    assert!(
        result.is_err(),
        "with file descriptors for only two children at once, the third `start` fails (too \
         many open files), so there is no result; got {result:?}"
    );
    let left = support::children();
    assert!(
        left.is_empty(),
        "{} children were left unjoined after the third `start` failed: join the children \
         already started before you return its error (`start(..)?` in the loop leaves them \
         behind)",
        left.len()
    );
}

fn main() -> ExitCode {
    support::fork::run(&[
        case!(results_come_back_in_input_order),
        case!(every_input_runs_in_a_process_of_its_own),
        case!(every_child_is_started_before_any_is_joined),
        case!(no_inputs_no_processes),
        case!(a_failing_child_is_an_error_and_every_child_is_reaped),
        case!(a_failing_start_still_joins_the_children_already_started),
    ])
}
