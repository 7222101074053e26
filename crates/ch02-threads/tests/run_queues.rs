//! The arithmetic behind "how the four threads pair up on the two run
//! queues" (measure.md).
//!
//! A model of Linux on two cores: each core has its own queue and shares itself
//! fairly among the threads on it; a core whose queue runs empty pulls a thread from
//! the other queue. Linux does not know how much work a thread has left, so the model
//! tries both choices: pull the thread with the most work left, or the one with the
//! least. For the tutorial's pairings the choice does not matter. Time is counted in
//! units of `n` (one unit = one million additions at one core's speed).

// ANCHOR: model
/// Which waiting thread an idle core pulls from the other queue.
#[derive(Clone, Copy, Debug)]
enum Pull {
    MostLeft,
    LeastLeft,
}

/// When the last thread finishes, for threads of these sizes starting on two queues.
fn makespan(first: &[f64], second: &[f64], pull: Pull) -> f64 {
    let mut queues = [first.to_vec(), second.to_vec()];
    let mut now = 0.0;
    loop {
        // An idle core pulls a waiting thread from the other queue.
        for (idle, busy) in [(0, 1), (1, 0)] {
            if queues[idle].is_empty() && queues[busy].len() > 1 {
                let by_work_left =
                    |a: &(usize, &f64), b: &(usize, &f64)| a.1.total_cmp(b.1);
                let candidates = queues[busy].iter().enumerate();
                let (i, _) = match pull {
                    Pull::MostLeft => candidates.max_by(by_work_left),
                    Pull::LeastLeft => candidates.min_by(by_work_left),
                }
                .expect("not empty");
                let pulled = queues[busy].remove(i);
                queues[idle].push(pulled);
            }
        }
        // Each core runs its k threads at 1/k speed each until the next one finishes.
        let Some(step) = queues
            .iter()
            .filter_map(|q| {
                q.iter()
                    .copied()
                    .reduce(f64::min)
                    .map(|m| m * q.len() as f64)
            })
            .reduce(f64::min)
        else {
            return now;
        };
        now += step;
        for q in &mut queues {
            let share = step / q.len() as f64;
            q.iter_mut().for_each(|left| *left -= share);
            q.retain(|&left| left > 1e-9);
        }
    }
}
// ANCHOR_END: model

// ANCHOR: pairings
#[test]
fn the_outcome_depends_on_how_the_threads_pair_up() {
    let total = 11.0 + 23.0 + 53.0 + 34.0;
    let cases = [
        ([53.0, 11.0], [23.0, 34.0], 64.0, "1.89"),
        ([53.0, 34.0], [11.0, 23.0], 70.0, "1.73"),
        ([53.0, 23.0], [11.0, 34.0], 75.5, "1.60"),
    ];
    for (a, b, want, speedup) in cases {
        for pull in [Pull::MostLeft, Pull::LeastLeft] {
            let got = makespan(&a, &b, pull);
            assert!(
                (got - want).abs() < 1e-6,
                "{a:?}/{b:?} {pull:?}: {got}, not {want}"
            );
            assert_eq!(format!("{:.2}", total / got), speedup, "{a:?}/{b:?}");
        }
    }
}
// ANCHOR_END: pairings

#[test]
fn one_thread_per_core_runs_at_full_speed_and_no_pull_splits_a_thread() {
    assert_eq!(makespan(&[53.0], &[11.0], Pull::MostLeft), 53.0);
    // Three on one queue, none on the other: the idle core pulls one at
    // once. Pulling the 53 lets it run alone from the start; pulling
    // the 11 leaves the 53 sharing its core.
    assert!((makespan(&[53.0, 11.0, 23.0], &[], Pull::MostLeft) - 53.0).abs() < 1e-6);
    assert!((makespan(&[53.0, 11.0, 23.0], &[], Pull::LeastLeft) - 53.0).abs() > 1.0);
    assert_eq!(makespan(&[], &[], Pull::LeastLeft), 0.0);
}
