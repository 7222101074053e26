//! The arithmetic behind "how the four threads pair up on the two run queues" (measure.md).
//!
//! A model of Linux on two cores: each core has its own queue and shares itself fairly among
//! the threads on it; a core whose queue runs empty pulls a thread from the other queue. Time is
//! counted in units of `n` (one unit = one million additions at one core's speed).

// ANCHOR: model
/// When the last thread finishes, for threads of these sizes starting on two queues.
fn makespan(first: &[f64], second: &[f64]) -> f64 {
    let mut queues = [first.to_vec(), second.to_vec()];
    let mut now = 0.0;
    loop {
        // An idle core pulls the thread with the most work left from the other queue.
        for (idle, busy) in [(0, 1), (1, 0)] {
            if queues[idle].is_empty() && queues[busy].len() > 1 {
                let (i, _) = queues[busy]
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
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
        let got = makespan(&a, &b);
        assert!((got - want).abs() < 1e-6, "{a:?}/{b:?}: {got}, not {want}");
        assert_eq!(format!("{:.2}", total / got), speedup, "{a:?}/{b:?}");
    }
}
// ANCHOR_END: pairings

#[test]
fn one_thread_per_core_runs_at_full_speed_and_no_pull_splits_a_thread() {
    assert_eq!(makespan(&[53.0], &[11.0]), 53.0);
    // Three on one queue, none on the other: the idle core pulls the largest at once.
    assert!((makespan(&[53.0, 11.0, 23.0], &[]) - 53.0).abs() < 1e-6);
    assert_eq!(makespan(&[], &[]), 0.0);
}
