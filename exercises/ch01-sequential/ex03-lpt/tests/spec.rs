//! The spec of exercise 3. Any valid LPT schedule passes: ties may be broken either way.

use ch01_ex03_lpt::{LptError, lpt};
use support::within_patience;

const TUTORIAL: [u64; 4] = [11, 23, 53, 34];

/// Runs the learner's `lpt` under a watchdog, so a loop that never ends fails instead.
fn schedule(tasks: &[u64], workers: usize) -> Result<Vec<usize>, LptError> {
    let tasks = tasks.to_vec();
    within_patience(move || lpt(&tasks, workers))
}

/// The largest load of an assignment; checks that it names one real worker per task.
fn makespan(tasks: &[u64], assignment: &[usize], workers: usize) -> u64 {
    assert_eq!(
        assignment.len(),
        tasks.len(),
        "one worker per task, in the tasks' order"
    );
    let mut load = vec![0; workers];
    for (task, &worker) in assignment.iter().enumerate() {
        assert!(
            worker < workers,
            "task {task} went to worker {worker}, only 0..{workers} exist"
        );
        load[worker] += tasks[task];
    }
    load.into_iter().max().unwrap_or(0)
}

/// The best makespan, by trying every assignment (fine for a few tasks and workers).
fn optimal(tasks: &[u64], workers: usize) -> u64 {
    let mut best = u64::MAX;
    let mut assignment = vec![0; tasks.len()];
    loop {
        best = best.min(makespan(tasks, &assignment, workers));
        // Count in base `workers` to visit every assignment.
        let Some(i) = assignment.iter().position(|&w| w + 1 < workers) else {
            return best;
        };
        assignment[i] += 1;
        assignment[..i].fill(0);
    }
}

/// Small task lists from a fixed pseudo-random sequence (the same on every run).
fn small_cases() -> Vec<Vec<u64>> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..60)
        .map(|_| {
            let len = 1 + (next() % 7) as usize;
            (0..len).map(|_| 1 + next() % 20).collect()
        })
        .collect()
}

#[test]
fn the_tutorial_on_two_workers() {
    let assignment = schedule(&TUTORIAL, 2).unwrap();
    assert_eq!(makespan(&TUTORIAL, &assignment, 2), 64);
    // 53 and 11 together, 34 and 23 together
    assert_eq!(assignment[2], assignment[0]);
    assert_eq!(assignment[3], assignment[1]);
    assert_ne!(assignment[0], assignment[1]);
}

#[test]
fn one_worker_gets_everything() {
    assert_eq!(schedule(&TUTORIAL, 1), Ok(vec![0, 0, 0, 0]));
}

#[test]
fn enough_workers_give_each_task_its_own() {
    for workers in [4, 6] {
        let assignment = schedule(&TUTORIAL, workers).unwrap();
        assert_eq!(makespan(&TUTORIAL, &assignment, workers), 53);
        let mut used = assignment.clone();
        used.sort_unstable();
        used.dedup();
        assert_eq!(
            used.len(),
            4,
            "{workers} workers: {assignment:?} shares a worker"
        );
    }
}

#[test]
fn the_longest_task_goes_first_even_when_submitted_last() {
    // In submission order a pool ends at 6 (1+1 | 1+1, then 4 on top); LPT reaches 4.
    let tasks = [1, 1, 1, 1, 4];
    let assignment = schedule(&tasks, 2).unwrap();
    assert_eq!(makespan(&tasks, &assignment, 2), 4);
}

#[test]
fn lpt_is_greedy_not_optimal() {
    // The textbook case: the best is 6 ({3, 3} and {2, 2, 2}); every LPT schedule gives 7.
    let tasks = [2, 3, 2, 3, 2];
    assert_eq!(optimal(&tasks, 2), 6);
    let assignment = schedule(&tasks, 2).unwrap();
    assert_eq!(makespan(&tasks, &assignment, 2), 7);
}

#[test]
fn every_task_is_assigned_once_to_a_real_worker() {
    for tasks in small_cases() {
        for workers in 1..=4 {
            let assignment = schedule(&tasks, workers).unwrap();
            makespan(&tasks, &assignment, workers); // asserts length and worker range
        }
    }
}

#[test]
fn within_grahams_bound_of_the_optimum() {
    for tasks in small_cases() {
        for workers in 1..=3 {
            let assignment = schedule(&tasks, workers).unwrap();
            let (got, best) = (
                makespan(&tasks, &assignment, workers),
                optimal(&tasks, workers),
            );
            // got <= (4/3 - 1/(3k)) * best, in integers: 3k * got <= (4k - 1) * best
            let k = workers as u64;
            assert!(
                3 * k * got <= (4 * k - 1) * best,
                "tasks {tasks:?} on {workers}: LPT {got}, optimum {best}, assignment {assignment:?}"
            );
        }
    }
}

#[test]
fn no_tasks_is_an_empty_schedule() {
    assert_eq!(schedule(&[], 3), Ok(vec![]));
}

#[test]
fn zero_workers_is_an_error() {
    assert_eq!(schedule(&TUTORIAL, 0), Err(LptError::NoWorkers));
    assert_eq!(schedule(&[], 0), Err(LptError::NoWorkers));
}
