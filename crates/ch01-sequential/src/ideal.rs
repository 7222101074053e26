//! The best any parallel version can do: the yardstick later chapters read their
//! results against.
//!
//! A task's *size* is its sequential running time in any unit (seconds,
//! or the tutorial's `n`, since `cpu_bound(n)` takes time proportional
//! to `n`). With `k` workers:
//!
//! * a *schedule* assigns each task to one worker; its [`makespan`] is the time the
//!   busiest worker needs. No task is split, so no schedule beats the largest task.
//! * [`list_schedule`] is what a pool does: each task, in the order
//!   given, goes to the worker that becomes free first. [`lpt_schedule`]
//!   does the same with the longest tasks first (Longest Processing
//!   Time), a classic rule within 4/3 of the best schedule, which
//!   [`best_makespan`] finds by trying every schedule of a few tasks.
//! * [`shared_makespan`] is one thread per task on `k` cores with fair time-sharing:
//!   while `n > k` threads remain, each runs at `k / n` of a core.
//! * [`amdahl`] is the other limit: the part of a program that does not
//!   run in parallel.

use thiserror::Error;

/// The tutorials' task sizes, `[11, 23, 53, 34]`, in the order they submit them.
pub fn tutorial_tasks() -> [f64; 4] {
    workloads::TUTORIAL_NUMBERS.map(|n| n as f64)
}

/// Why an ideal could not be computed.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum IdealError {
    /// Zero workers (or cores) can run nothing.
    #[error("zero workers can run nothing; ask for at least one")]
    NoWorkers,
    /// A task size that is negative, infinite or NaN.
    #[error("task {index} has size {size}; sizes must be finite and not negative")]
    BadTask {
        /// The task's position in the list.
        index: usize,
        /// Its size.
        size: f64,
    },
    /// The assignment does not name exactly one worker per task.
    #[error("{tasks} tasks but {assigned} assignments; give one worker per task")]
    AssignmentLength {
        /// How many tasks there are.
        tasks: usize,
        /// How many workers the assignment names.
        assigned: usize,
    },
    /// The assignment names a worker that does not exist.
    #[error(
        "task {task} is assigned to worker {worker}, but the workers are 0..{workers}"
    )]
    WorkerOutOfRange {
        /// The task's position in the list.
        task: usize,
        /// The worker named for it.
        worker: usize,
        /// How many workers there are (valid indices are `0..workers`).
        workers: usize,
    },
    /// A parallel fraction outside `0.0..=1.0`.
    #[error("parallel fraction {0} is outside 0.0..=1.0")]
    BadFraction(f64),
    /// Too many tasks for a search that tries every schedule.
    #[error(
        "{tasks} tasks are too many to try every schedule (at most {limit}); \
         use lower_bound instead"
    )]
    TooManyToTry {
        /// How many tasks were given.
        tasks: usize,
        /// The most the search accepts.
        limit: usize,
    },
}

fn check(tasks: &[f64], workers: usize) -> Result<(), IdealError> {
    if workers == 0 {
        return Err(IdealError::NoWorkers);
    }
    match tasks.iter().position(|t| !t.is_finite() || *t < 0.0) {
        Some(index) => Err(IdealError::BadTask {
            index,
            size: tasks[index],
        }),
        None => Ok(()),
    }
}

/// The sequential time: the sum of the sizes.
pub fn total(tasks: &[f64]) -> f64 {
    tasks.iter().sum()
}

/// `sequential / parallel`: how many times faster the parallel version is.
pub fn speedup(sequential: f64, parallel: f64) -> f64 {
    sequential / parallel
}

// ANCHOR: makespan
/// The makespan of a schedule: `assignment[i]` is the worker (in `0..workers`) that
/// runs task `i`; the answer is the largest total any worker has to run.
pub fn makespan(
    tasks: &[f64],
    assignment: &[usize],
    workers: usize,
) -> Result<f64, IdealError> {
    check(tasks, workers)?;
    if assignment.len() != tasks.len() {
        return Err(IdealError::AssignmentLength {
            tasks: tasks.len(),
            assigned: assignment.len(),
        });
    }
    let mut load = vec![0.0; workers];
    for (task, (&size, &worker)) in tasks.iter().zip(assignment).enumerate() {
        let slot = load.get_mut(worker).ok_or(IdealError::WorkerOutOfRange {
            task,
            worker,
            workers,
        })?;
        *slot += size;
    }
    Ok(load.into_iter().fold(0.0, f64::max))
}
// ANCHOR_END: makespan

// ANCHOR: list_schedule
/// A pool's schedule: the tasks, in the order given, each go to the
/// least-loaded worker (the one that becomes free first; the lowest
/// index on a tie). Returns the assignment.
pub fn list_schedule(
    tasks: &[f64],
    workers: usize,
) -> Result<Vec<usize>, IdealError> {
    let order: Vec<usize> = (0..tasks.len()).collect();
    schedule_in_order(tasks, workers, &order)
}

/// LPT: the same greedy rule, taking the longest tasks first. Returns the assignment,
/// in the tasks' original order.
pub fn lpt_schedule(tasks: &[f64], workers: usize) -> Result<Vec<usize>, IdealError> {
    check(tasks, workers)?;
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    // Longest first; `sort_by` is stable, so equal tasks keep their submission order.
    order.sort_by(|&a, &b| tasks[b].total_cmp(&tasks[a]));
    schedule_in_order(tasks, workers, &order)
}

fn schedule_in_order(
    tasks: &[f64],
    workers: usize,
    order: &[usize],
) -> Result<Vec<usize>, IdealError> {
    check(tasks, workers)?;
    let mut load = vec![0.0_f64; workers];
    let mut assignment = vec![0; tasks.len()];
    for &task in order {
        let least = (0..workers)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]))
            .expect("at least one worker");
        load[least] += tasks[task];
        assignment[task] = least;
    }
    Ok(assignment)
}
// ANCHOR_END: list_schedule

// ANCHOR: best
/// The most tasks [`best_makespan`] accepts: it tries `workers ^ tasks` schedules.
pub const BEST_MAKESPAN_LIMIT: usize = 10;

/// The best makespan of any schedule, by trying them all: worker 0 takes the first
/// task (the workers are interchangeable), every later task tries every worker.
pub fn best_makespan(tasks: &[f64], workers: usize) -> Result<f64, IdealError> {
    check(tasks, workers)?;
    if tasks.len() > BEST_MAKESPAN_LIMIT {
        return Err(IdealError::TooManyToTry {
            tasks: tasks.len(),
            limit: BEST_MAKESPAN_LIMIT,
        });
    }
    fn search(tasks: &[f64], load: &mut [f64], best: &mut f64) {
        let Some((&size, rest)) = tasks.split_first() else {
            *best = best.min(load.iter().copied().fold(0.0, f64::max));
            return;
        };
        for w in 0..load.len() {
            load[w] += size;
            search(rest, load, best);
            load[w] -= size;
        }
    }
    let mut load = vec![0.0; workers];
    let Some((&first, rest)) = tasks.split_first() else {
        return Ok(0.0);
    };
    load[0] = first;
    let mut best = f64::INFINITY;
    search(rest, &mut load, &mut best);
    Ok(best)
}
// ANCHOR_END: best

/// The makespan of [`list_schedule`]: a pool that takes the tasks in
/// submission order.
pub fn list_makespan(tasks: &[f64], workers: usize) -> Result<f64, IdealError> {
    makespan(tasks, &list_schedule(tasks, workers)?, workers)
}

/// The makespan of [`lpt_schedule`].
pub fn lpt_makespan(tasks: &[f64], workers: usize) -> Result<f64, IdealError> {
    makespan(tasks, &lpt_schedule(tasks, workers)?, workers)
}

// ANCHOR: lower_bound
/// No schedule on `workers` workers can finish sooner than this: the
/// work spread perfectly (`total / workers`), and never before the
/// largest task, which nobody splits.
pub fn lower_bound(tasks: &[f64], workers: usize) -> Result<f64, IdealError> {
    check(tasks, workers)?;
    let largest = tasks.iter().copied().fold(0.0, f64::max);
    Ok((total(tasks) / workers as f64).max(largest))
}

/// The best speedup with one task per worker, however many cores: `total / largest`.
/// `None` when there is no work at all.
pub fn granularity_limit(tasks: &[f64]) -> Option<f64> {
    let largest = tasks.iter().copied().fold(0.0, f64::max);
    (largest > 0.0).then(|| total(tasks) / largest)
}
// ANCHOR_END: lower_bound

// ANCHOR: shared
/// One thread per task on `cores` cores, shared fairly: when each task
/// finishes, in task order.
///
/// While `n > cores` threads remain, each runs at `cores / n` of a core; with
/// `n <= cores` each has a core of its own. All running threads advance at the same
/// rate, so they finish smallest first, and between two finishes every remaining
/// thread does the same extra work.
pub fn shared_finish_times(
    tasks: &[f64],
    cores: usize,
) -> Result<Vec<f64>, IdealError> {
    check(tasks, cores)?;
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| tasks[a].total_cmp(&tasks[b]));
    let mut finish = vec![0.0; tasks.len()];
    let (mut now, mut done) = (0.0, 0.0);
    for (position, &task) in order.iter().enumerate() {
        let running = (tasks.len() - position) as f64;
        let slowdown = (running / cores as f64).max(1.0);
        now += (tasks[task] - done) * slowdown;
        done = tasks[task];
        finish[task] = now;
    }
    Ok(finish)
}

/// When the last of [`shared_finish_times`] finishes.
pub fn shared_makespan(tasks: &[f64], cores: usize) -> Result<f64, IdealError> {
    Ok(shared_finish_times(tasks, cores)?
        .into_iter()
        .fold(0.0, f64::max))
}
// ANCHOR_END: shared

// ANCHOR: amdahl
/// Amdahl's law: the speedup on `workers` workers of a program whose
/// `parallel_fraction` (of its sequential time) runs perfectly in parallel and the
/// rest not at all.
pub fn amdahl(parallel_fraction: f64, workers: usize) -> Result<f64, IdealError> {
    if !(0.0..=1.0).contains(&parallel_fraction) {
        return Err(IdealError::BadFraction(parallel_fraction));
    }
    if workers == 0 {
        return Err(IdealError::NoWorkers);
    }
    let p = parallel_fraction;
    Ok(1.0 / ((1.0 - p) + p / workers as f64))
}
// ANCHOR_END: amdahl

// ANCHOR: ideal
/// Every ideal for one worker count, as times in the tasks' unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Ideal {
    /// How many workers (or cores).
    pub workers: usize,
    /// The sequential time: the sum of the sizes.
    pub sequential: f64,
    /// No schedule can be faster: [`lower_bound`].
    pub lower_bound: f64,
    /// A pool taking the tasks in submission order: [`list_makespan`].
    pub in_order: f64,
    /// Longest first: [`lpt_makespan`].
    pub lpt: f64,
    /// One thread per task, time-shared on the cores: [`shared_makespan`].
    pub shared: f64,
}

impl Ideal {
    /// Computes every ideal for `tasks` on `workers` workers.
    pub fn new(tasks: &[f64], workers: usize) -> Result<Ideal, IdealError> {
        Ok(Ideal {
            workers,
            sequential: total(tasks),
            lower_bound: lower_bound(tasks, workers)?,
            in_order: list_makespan(tasks, workers)?,
            lpt: lpt_makespan(tasks, workers)?,
            shared: shared_makespan(tasks, workers)?,
        })
    }
}
// ANCHOR_END: ideal

#[cfg(test)]
mod tests {
    use super::*;

    const TUTORIAL: [f64; 4] = [11.0, 23.0, 53.0, 34.0];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn tutorial_tasks_are_the_tutorials_numbers() {
        assert_eq!(tutorial_tasks(), TUTORIAL);
        assert_eq!(total(&TUTORIAL), 121.0);
    }

    #[test]
    fn makespan_is_the_busiest_worker() {
        // worker 0 runs 11 + 53 = 64, worker 1 runs 23 + 34 = 57
        assert_eq!(makespan(&TUTORIAL, &[0, 1, 0, 1], 2), Ok(64.0));
        assert_eq!(makespan(&TUTORIAL, &[0, 0, 0, 0], 1), Ok(121.0));
        // an idle worker is allowed
        assert_eq!(makespan(&TUTORIAL, &[0, 0, 2, 0], 3), Ok(68.0));
        assert_eq!(makespan(&[], &[], 3), Ok(0.0));
    }

    #[test]
    fn makespan_rejects_bad_input() {
        assert_eq!(
            makespan(&TUTORIAL, &[0, 1, 0, 1], 0),
            Err(IdealError::NoWorkers)
        );
        assert_eq!(
            makespan(&TUTORIAL, &[0, 1, 2], 3),
            Err(IdealError::AssignmentLength {
                tasks: 4,
                assigned: 3
            })
        );
        assert_eq!(
            makespan(&TUTORIAL, &[0, 1, 2, 1], 2),
            Err(IdealError::WorkerOutOfRange {
                task: 2,
                worker: 2,
                workers: 2
            })
        );
        assert_eq!(
            makespan(&[1.0, -2.0], &[0, 0], 1),
            Err(IdealError::BadTask {
                index: 1,
                size: -2.0
            })
        );
        assert!(matches!(
            lpt_makespan(&[f64::NAN], 1),
            Err(IdealError::BadTask { index: 0, .. })
        ));
    }

    #[test]
    fn errors_say_what_to_do() {
        let text = IdealError::WorkerOutOfRange {
            task: 2,
            worker: 5,
            workers: 2,
        }
        .to_string();
        assert_eq!(
            text,
            "task 2 is assigned to worker 5, but the workers are 0..2"
        );
        assert!(IdealError::NoWorkers.to_string().contains("at least one"));
    }

    #[test]
    fn a_pool_in_submission_order() {
        // 11 -> w0, 23 -> w1, 53 -> w0 (free at 11), 34 -> w1 (free at
        // 23): 64 and 57.
        assert_eq!(list_schedule(&TUTORIAL, 2), Ok(vec![0, 1, 0, 1]));
        assert_eq!(list_makespan(&TUTORIAL, 2), Ok(64.0));
        // 11 -> w0, 23 -> w1, 53 -> w2, 34 -> w0 (free at 11): 45, 23, 53.
        assert_eq!(list_schedule(&TUTORIAL, 3), Ok(vec![0, 1, 2, 0]));
        assert_eq!(list_makespan(&TUTORIAL, 3), Ok(53.0));
    }

    #[test]
    fn lpt_takes_the_longest_first() {
        // 53 -> w0, 34 -> w1, 23 -> w1 (34 < 53), 11 -> w0 (53 < 57): 64 and 57.
        assert_eq!(lpt_schedule(&TUTORIAL, 2), Ok(vec![0, 1, 0, 1]));
        assert_eq!(lpt_makespan(&TUTORIAL, 2), Ok(64.0));
        // The best split of the tutorial on two workers is also 64
        // ({53, 11} and {34, 23}).
        assert_eq!(lpt_makespan(&TUTORIAL, 1), Ok(121.0));
        for k in 4..=8 {
            assert_eq!(lpt_makespan(&TUTORIAL, k), Ok(53.0), "k = {k}");
        }
    }

    fn optimal(tasks: &[f64], workers: usize) -> f64 {
        best_makespan(tasks, workers).unwrap()
    }

    /// The best makespan by counting through all `workers ^ tasks.len()` assignments:
    /// a second, independent search to check `best_makespan` against.
    fn every_assignment(tasks: &[f64], workers: usize) -> f64 {
        let count = workers.pow(tasks.len() as u32);
        (0..count)
            .map(|mut code| {
                let assignment: Vec<usize> = (0..tasks.len())
                    .map(|_| {
                        let worker = code % workers;
                        code /= workers;
                        worker
                    })
                    .collect();
                makespan(tasks, &assignment, workers).unwrap()
            })
            .fold(f64::INFINITY, f64::min)
    }

    /// Small task lists from a fixed pseudo-random sequence (the same on every run).
    fn small_cases() -> Vec<Vec<f64>> {
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
                (0..len).map(|_| (1 + next() % 20) as f64).collect()
            })
            .collect()
    }

    #[test]
    fn best_makespan_agrees_with_trying_every_assignment() {
        for tasks in small_cases() {
            for workers in 1..=3 {
                assert_eq!(
                    best_makespan(&tasks, workers),
                    Ok(every_assignment(&tasks, workers)),
                    "{tasks:?} on {workers}"
                );
            }
        }
        assert_eq!(best_makespan(&[], 2), Ok(0.0));
        assert_eq!(best_makespan(&[], 0), Err(IdealError::NoWorkers));
        let too_many = [1.0; BEST_MAKESPAN_LIMIT + 1];
        let err = best_makespan(&too_many, 2).unwrap_err();
        assert_eq!(
            err,
            IdealError::TooManyToTry {
                tasks: 11,
                limit: 10
            }
        );
        assert!(err.to_string().contains("lower_bound"));
    }

    #[test]
    fn lpt_stays_within_grahams_bound_on_small_cases() {
        for tasks in small_cases() {
            for workers in 1..=3 {
                let (lpt, best) = (
                    lpt_makespan(&tasks, workers).unwrap(),
                    optimal(&tasks, workers),
                );
                // lpt <= (4/3 - 1/(3k)) * best, in exact arithmetic: 3k * lpt <= (4k
                // - 1) * best
                let k = workers as f64;
                assert!(
                    3.0 * k * lpt <= (4.0 * k - 1.0) * best,
                    "{tasks:?} on {workers}: LPT {lpt}, best {best}"
                );
            }
        }
    }

    #[test]
    fn no_two_worker_split_of_the_tutorial_beats_64() {
        assert_eq!(optimal(&TUTORIAL, 2), 64.0);
        assert_eq!(optimal(&TUTORIAL, 3), 53.0);
    }

    #[test]
    fn lpt_beats_submission_order_when_a_big_task_comes_last() {
        let tasks = [1.0, 1.0, 1.0, 1.0, 4.0];
        // in order: 1,1 | 1,1 then 4 lands on a worker at 2: makespan 6
        assert_eq!(list_makespan(&tasks, 2), Ok(6.0));
        // longest first: 4 | 1,1,1,1: makespan 4, the optimum
        assert_eq!(lpt_makespan(&tasks, 2), Ok(4.0));
    }

    #[test]
    fn lpt_can_miss_the_optimum_but_stays_within_four_thirds() {
        // The textbook case: OPT = 6 ({3,3} and {2,2,2}); LPT gives
        // {3,2,2}, {3,2} = 7.
        let tasks = [3.0, 3.0, 2.0, 2.0, 2.0];
        let (lpt, best) = (lpt_makespan(&tasks, 2).unwrap(), optimal(&tasks, 2));
        assert_eq!((lpt, best), (7.0, 6.0));
        // Graham's bound for k = 2: (4/3 - 1/6) * 6 = 7, reached exactly.
        assert!(lpt <= (4.0 / 3.0 - 1.0 / 6.0) * best + 1e-9);
    }

    #[test]
    fn lower_bound_and_granularity_limit() {
        assert_eq!(lower_bound(&TUTORIAL, 2), Ok(60.5));
        assert_eq!(lower_bound(&TUTORIAL, 3), Ok(53.0));
        assert_eq!(lower_bound(&TUTORIAL, 0), Err(IdealError::NoWorkers));
        let limit = granularity_limit(&TUTORIAL).unwrap();
        assert!(close(limit, 121.0 / 53.0));
        assert_eq!(format!("{limit:.2}x"), "2.28x");
        assert_eq!(granularity_limit(&[]), None);
        assert_eq!(granularity_limit(&[0.0, 0.0]), None);
    }

    #[test]
    fn no_core_count_beats_the_largest_task() {
        let limit = granularity_limit(&TUTORIAL).unwrap();
        for k in 1..=64 {
            for t in [lpt_makespan(&TUTORIAL, k), shared_makespan(&TUTORIAL, k)] {
                assert!(speedup(121.0, t.unwrap()) <= limit + 1e-12, "k = {k}");
            }
        }
    }

    #[test]
    fn time_sharing_two_cores_by_hand() {
        // sorted 11, 23, 34, 53, four threads on two cores:
        //   4 threads at 1/2: 11 more work each takes 22  -> 11 done at 22
        //   3 threads at 2/3: 12 more work takes 18        -> 23 done at 40
        //   2 threads at 1:   11 more work takes 11        -> 34 done at 51
        //   1 thread  at 1:   19 more work takes 19        -> 53 done at 70
        assert_eq!(
            shared_finish_times(&TUTORIAL, 2),
            Ok(vec![22.0, 40.0, 70.0, 51.0])
        );
        assert_eq!(shared_makespan(&TUTORIAL, 2), Ok(70.0));
    }

    #[test]
    fn time_sharing_other_core_counts() {
        // One core: everything waits for everything; the last finishes at the total.
        assert_eq!(shared_makespan(&TUTORIAL, 1), Ok(121.0));
        // Three cores: 11 * 4/3 + 12 + 11 + 19 = 170/3.
        assert!(close(shared_makespan(&TUTORIAL, 3).unwrap(), 170.0 / 3.0));
        // Enough cores: every thread has its own, the largest task decides.
        assert_eq!(shared_makespan(&TUTORIAL, 4), Ok(53.0));
        assert_eq!(shared_makespan(&TUTORIAL, 0), Err(IdealError::NoWorkers));
        // Equal tasks finish together.
        assert_eq!(
            shared_finish_times(&[2.0, 2.0, 2.0], 2),
            Ok(vec![3.0, 3.0, 3.0])
        );
    }

    #[test]
    fn the_two_core_numbers_later_chapters_read_against() {
        let two = Ideal::new(&TUTORIAL, 2).unwrap();
        assert_eq!(
            two,
            Ideal {
                workers: 2,
                sequential: 121.0,
                lower_bound: 60.5,
                in_order: 64.0,
                lpt: 64.0,
                shared: 70.0
            }
        );
        let shown: Vec<String> = [two.lower_bound, two.lpt, two.shared]
            .map(|t| format!("{:.2}x", speedup(two.sequential, t)))
            .to_vec();
        assert_eq!(shown, ["2.00x", "1.89x", "1.73x"]);
    }

    #[test]
    fn amdahl_by_hand() {
        assert_eq!(amdahl(1.0, 4), Ok(4.0));
        assert_eq!(amdahl(0.0, 64), Ok(1.0));
        // 1 / (0.05 + 0.95 / 2) = 1 / 0.525
        assert!(close(amdahl(0.95, 2).unwrap(), 1.0 / 0.525));
        assert_eq!(format!("{:.2}", amdahl(0.95, 2).unwrap()), "1.90");
        // however many workers, 5 % sequential caps the speedup below 20x
        assert!(amdahl(0.95, 1_000_000).unwrap() < 20.0);
        assert_eq!(amdahl(1.5, 2), Err(IdealError::BadFraction(1.5)));
        assert!(matches!(
            amdahl(f64::NAN, 2),
            Err(IdealError::BadFraction(_))
        ));
        assert_eq!(amdahl(0.5, 0), Err(IdealError::NoWorkers));
    }
}
