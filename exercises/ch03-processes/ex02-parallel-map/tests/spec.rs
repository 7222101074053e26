//! Spec for exercise 2. Each test runs in a single-threaded process of its own, with a time
//! limit, and fails if it leaves a child process behind (see `support::fork`).

use std::process::ExitCode;

use std::time::Duration;
use support::case;

use ch03_ex02_parallel_map::parallel_map_processes;
use support::fork::ProcessRendezvous;

fn results_come_back_in_input_order() {
    let inputs = [5, 1, 4, 2, 3];
    assert_eq!(
        parallel_map_processes(&inputs, |x| x * x).unwrap(),
        vec![25, 1, 16, 4, 9]
    );
}

fn every_input_runs_in_a_process_of_its_own() {
    let pids = parallel_map_processes(&[0; 4], |_| u64::from(std::process::id())).unwrap();
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
    // Each child waits (up to 5 s) until all 3 are alive at once: that only happens if the
    // third is started while the first is still running, i.e. before anything is joined.
    let rendezvous = ProcessRendezvous::new(3);
    let met = parallel_map_processes(&[0, 1, 2], |_| {
        u64::from(rendezvous.arrive(Duration::from_secs(5)).is_ok())
    })
    .unwrap();
    assert_eq!(
        met,
        vec![1, 1, 1],
        "not all children were alive at once ({} arrived): start them all, then join them all",
        rendezvous.arrived()
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

fn main() -> ExitCode {
    support::fork::run(&[
        case!(results_come_back_in_input_order),
        case!(every_input_runs_in_a_process_of_its_own),
        case!(every_child_is_started_before_any_is_joined),
        case!(no_inputs_no_processes),
        case!(a_failing_child_is_an_error_and_every_child_is_reaped),
    ])
}
