//! The spec of exercise 2.

use ch01_ex02_makespan::{ScheduleError, loads, makespan};
use support::within_patience;

const TUTORIAL: [u64; 4] = [11, 23, 53, 34];

#[test]
fn the_tutorial_on_two_workers() {
    let (l, m) = within_patience(|| {
        (
            loads(&TUTORIAL, &[0, 1, 0, 1], 2),
            makespan(&TUTORIAL, &[0, 1, 0, 1], 2),
        )
    });
    assert_eq!(l, Ok(vec![64, 57]));
    assert_eq!(m, Ok(64));
}

#[test]
fn one_worker_runs_everything() {
    let m = within_patience(|| makespan(&TUTORIAL, &[0, 0, 0, 0], 1));
    assert_eq!(m, Ok(121));
}

#[test]
fn one_task_per_worker_ends_with_the_largest_task() {
    let m = within_patience(|| makespan(&TUTORIAL, &[3, 2, 1, 0], 4));
    assert_eq!(m, Ok(53));
}

#[test]
fn idle_workers_have_no_load() {
    let l = within_patience(|| loads(&TUTORIAL, &[2, 2, 0, 2], 4));
    assert_eq!(l, Ok(vec![53, 0, 68, 0]));
}

#[test]
fn no_tasks_means_nothing_to_wait_for() {
    let (l, m) = within_patience(|| (loads(&[], &[], 3), makespan(&[], &[], 3)));
    assert_eq!(l, Ok(vec![0, 0, 0]));
    assert_eq!(m, Ok(0));
}

#[test]
fn zero_workers_is_an_error() {
    let (m, empty) =
        within_patience(|| (makespan(&TUTORIAL, &[0, 0, 0, 0], 0), makespan(&[], &[], 0)));
    assert_eq!(m, Err(ScheduleError::NoWorkers));
    assert_eq!(empty, Err(ScheduleError::NoWorkers), "even with no tasks");
}

#[test]
fn an_assignment_of_the_wrong_length_is_an_error() {
    let (short, long) = within_patience(|| {
        (
            makespan(&TUTORIAL, &[0, 1, 0], 2),
            loads(&TUTORIAL, &[0, 1, 0, 1, 0], 2),
        )
    });
    assert_eq!(
        short,
        Err(ScheduleError::LengthMismatch {
            tasks: 4,
            assignment: 3
        })
    );
    assert_eq!(
        long,
        Err(ScheduleError::LengthMismatch {
            tasks: 4,
            assignment: 5
        })
    );
}

#[test]
fn a_worker_that_does_not_exist_is_an_error() {
    let m = within_patience(|| makespan(&TUTORIAL, &[0, 1, 2, 5], 2));
    assert_eq!(
        m,
        Err(ScheduleError::NoSuchWorker {
            task: 2,
            worker: 2,
            workers: 2
        })
    );
}

#[test]
fn zero_workers_is_reported_before_other_problems() {
    let m = within_patience(|| makespan(&TUTORIAL, &[7], 0));
    assert_eq!(m, Err(ScheduleError::NoWorkers));
}
