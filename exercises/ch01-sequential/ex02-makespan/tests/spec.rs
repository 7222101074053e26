//! The spec of exercise 2.

use ch01_ex02_makespan::{ScheduleError, finish_times, makespan};
use support::within_patience;

const TUTORIAL: [u64; 4] = [11, 23, 53, 34];

/// Runs both functions under a watchdog, so a loop that never ends
/// fails instead of hanging.
fn both(
    tasks: &[u64],
    assignment: &[usize],
    workers: usize,
) -> (Result<Vec<u64>, ScheduleError>, Result<u64, ScheduleError>) {
    let (tasks, assignment) = (tasks.to_vec(), assignment.to_vec());
    within_patience(move || {
        (
            finish_times(&tasks, &assignment, workers),
            makespan(&tasks, &assignment, workers),
        )
    })
}

/// Checks finish times, and names the likely mistake when they are wrong.
fn check_finish(tasks: &[u64], assignment: &[usize], workers: usize, want: &[u64]) {
    let got = both(tasks, assignment, workers).0.unwrap_or_else(|e| {
        panic!("{tasks:?} on {assignment:?}: unexpected error {e:?}")
    });
    if got == want {
        return;
    }
    let mut total = vec![0; workers];
    for (&size, &worker) in tasks.iter().zip(assignment) {
        total[worker] += size;
    }
    let totals: Vec<u64> = assignment.iter().map(|&w| total[w]).collect();
    let starts: Vec<u64> = want.iter().zip(tasks).map(|(f, s)| f - s).collect();
    let hint = if got == totals {
        "these are the workers' final loads: a task finishes when *it* is done, not when its \
         worker's last task is"
    } else if got == starts {
        "these are start times: a task finishes at its start plus its own size"
    } else {
        "each worker runs its tasks one after the other, in the tasks' order, from 0"
    };
    panic!(
        "tasks {tasks:?}, assignment {assignment:?}: finish times {got:?}, expected {want:?}: {hint}"
    );
}

/// Checks the makespan, and names the likely mistake when it is wrong.
fn check_makespan(tasks: &[u64], assignment: &[usize], workers: usize, want: u64) {
    let (finish, got) = both(tasks, assignment, workers);
    if got == Ok(want) {
        return;
    }
    let last = finish.ok().and_then(|f| f.last().copied());
    let hint = if got.is_ok() && got.clone().ok() == last {
        "this is the last task's finish time: the makespan is the largest finish time (the \
         max), and the last task in the list need not end last"
    } else {
        "the makespan is the largest of the finish times (0 when there are no tasks)"
    };
    panic!(
        "tasks {tasks:?}, assignment {assignment:?}: makespan {got:?}, expected Ok({want}): {hint}"
    );
}

#[test]
fn the_tutorial_on_two_workers() {
    check_finish(&TUTORIAL, &[0, 1, 0, 1], 2, &[11, 23, 64, 57]);
    check_makespan(&TUTORIAL, &[0, 1, 0, 1], 2, 64);
}

#[test]
fn one_worker_runs_everything_in_order() {
    check_finish(&TUTORIAL, &[0, 0, 0, 0], 1, &[11, 34, 87, 121]);
    check_makespan(&TUTORIAL, &[0, 0, 0, 0], 1, 121);
}

#[test]
fn a_worker_runs_its_tasks_in_the_lists_order() {
    // Worker 0 runs 11, then 23, then 34; worker 1 runs 53 alone.
    check_finish(&TUTORIAL, &[0, 0, 1, 0], 2, &[11, 34, 53, 68]);
    check_makespan(&TUTORIAL, &[0, 0, 1, 0], 2, 68);
}

#[test]
fn one_task_per_worker_ends_with_the_largest_task() {
    check_finish(&TUTORIAL, &[3, 2, 1, 0], 4, &TUTORIAL);
    check_makespan(&TUTORIAL, &[3, 2, 1, 0], 4, 53);
}

#[test]
fn idle_workers_are_fine() {
    check_finish(&TUTORIAL, &[2, 2, 0, 2], 4, &[11, 34, 53, 68]);
}

#[test]
fn no_tasks_means_nothing_to_wait_for() {
    assert_eq!(both(&[], &[], 3), (Ok(vec![]), Ok(0)));
}

#[test]
fn zero_workers_is_an_error_even_with_no_tasks() {
    let no = ScheduleError::NoWorkers;
    assert_eq!(
        both(&TUTORIAL, &[0, 0, 0, 0], 0),
        (Err(no.clone()), Err(no.clone()))
    );
    assert_eq!(
        both(&[], &[], 0),
        (Err(no.clone()), Err(no.clone())),
        "even with no tasks"
    );
    assert_eq!(no.to_string(), "zero workers can run nothing");
}

#[test]
fn an_assignment_of_the_wrong_length_is_an_error() {
    let short = ScheduleError::LengthMismatch {
        tasks: 4,
        assignment: 3,
    };
    let long = ScheduleError::LengthMismatch {
        tasks: 4,
        assignment: 5,
    };
    assert_eq!(
        both(&TUTORIAL, &[0, 1, 0], 2),
        (Err(short.clone()), Err(short.clone()))
    );
    assert_eq!(short.to_string(), "4 tasks but 3 assignments");
    assert_eq!(
        both(&TUTORIAL, &[0, 1, 0, 1, 0], 2),
        (Err(long.clone()), Err(long))
    );
}

#[test]
fn a_worker_that_does_not_exist_is_an_error_for_the_first_such_task() {
    let want = ScheduleError::NoSuchWorker {
        task: 2,
        worker: 2,
        workers: 2,
    };
    assert_eq!(
        both(&TUTORIAL, &[0, 1, 2, 5], 2),
        (Err(want.clone()), Err(want.clone()))
    );
    assert_eq!(
        want.to_string(),
        "task 2 goes to worker 2, but the workers are 0..2"
    );
    let huge = both(&[1], &[usize::MAX], 3).0;
    assert_eq!(
        huge,
        Err(ScheduleError::NoSuchWorker {
            task: 0,
            worker: usize::MAX,
            workers: 3
        }),
        "any index, however large, is an error, not a panic"
    );
}

#[test]
fn zero_workers_is_reported_before_other_problems() {
    assert_eq!(both(&TUTORIAL, &[7], 0).0, Err(ScheduleError::NoWorkers));
    let mismatch = ScheduleError::LengthMismatch {
        tasks: 4,
        assignment: 1,
    };
    assert_eq!(
        both(&TUTORIAL, &[7], 2).0,
        Err(mismatch),
        "the lengths are checked before the workers' indices"
    );
}
