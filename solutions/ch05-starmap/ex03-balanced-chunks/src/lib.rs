//! Exercise 3: the largest chunk size that still balances (solution).

/// Why no plan could be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// Zero workers can run nothing.
    NoWorkers,
    /// A chunk must hold at least one task.
    ZeroChunkSize,
    /// There are no tasks to cut.
    NoTasks,
    /// The costs add up to more than a `u64` holds.
    Overflow,
}

/// The busiest worker's total when the tasks, cut into chunks of
/// `chunksize` in order, go each to the worker with the least work so
/// far (the lowest-numbered on a tie).
pub fn makespan(
    costs: &[u64],
    workers: usize,
    chunksize: usize,
) -> Result<u64, PlanError> {
    if workers == 0 {
        return Err(PlanError::NoWorkers);
    }
    if chunksize == 0 {
        return Err(PlanError::ZeroChunkSize);
    }
    if costs.is_empty() {
        return Err(PlanError::NoTasks);
    }
    // Every load is at most the total: if the total fits, no sum below overflows.
    costs
        .iter()
        .try_fold(0u64, |total, &c| total.checked_add(c))
        .ok_or(PlanError::Overflow)?;
    let mut load = vec![0u64; workers];
    for chunk in costs.chunks(chunksize) {
        let least = (0..workers).min_by_key(|&w| load[w]).expect("workers > 0");
        load[least] += chunk.iter().sum::<u64>();
    }
    Ok(load.into_iter().max().unwrap_or(0))
}

/// The largest chunk size whose makespan is within `slack_percent`
/// percent of chunk size 1's.
pub fn largest_balanced_chunksize(
    costs: &[u64],
    workers: usize,
    slack_percent: u64,
) -> Result<usize, PlanError> {
    // In u128, where a makespan times 100 fits; the limit saturates
    // only past any makespan.
    let limit = u128::from(makespan(costs, workers, 1)?)
        .saturating_mul(100 + u128::from(slack_percent));
    let mut best = 1;
    for size in 1..=costs.len() {
        if u128::from(makespan(costs, workers, size)?) * 100 <= limit {
            best = size;
        }
    }
    Ok(best)
}
