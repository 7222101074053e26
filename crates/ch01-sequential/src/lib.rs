//! Chapter 01, *Sequential: the honest baseline*.
//!
//! Before making anything parallel, measure the sequential version honestly and know
//! the best any parallel version could do.
//!
//! * [`timing`]: time one run ([`timing::timed`]) or several ([`timing::repeat`])
//!   with `Instant` and `black_box`.
//! * [`folding`]: `(0..n).sum()` is folded by LLVM into a formula;
//!   `workloads::sum_range` is not.
//! * [`cores`]: `available_parallelism` against Python's `os.cpu_count()`.
//! * [`ideal`]: makespans of schedules, LPT, fair time-sharing, Amdahl: the yardstick
//!   every later chapter reads its speedups against.

pub mod cores;
pub mod folding;
pub mod ideal;
pub mod timing;

// ANCHOR: sequential
/// The tutorials' sequential program: run `cpu_bound` on each number,
/// one after the other.
///
/// Returns each number's result and time, in order; the caller prints
/// them and the total.
pub fn run_sequential(
    numbers: &[u64],
    scale: workloads::Scale,
) -> Vec<(u64, u64, std::time::Duration)> {
    numbers
        .iter()
        .map(|&n| {
            let (result, elapsed) =
                timing::timed(|| workloads::cpu_bound_at(n, scale));
            (n, result, elapsed)
        })
        .collect()
}
// ANCHOR_END: sequential

#[cfg(test)]
mod tests {
    use super::*;
    use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_expected};

    #[test]
    fn sequential_run_keeps_the_order_and_the_results() {
        let runs = run_sequential(&TUTORIAL_NUMBERS, Scale::TEST);
        let got: Vec<(u64, u64)> = runs.iter().map(|&(n, r, _)| (n, r)).collect();
        let want: Vec<(u64, u64)> = TUTORIAL_NUMBERS
            .iter()
            .map(|&n| (n, cpu_bound_expected(n, Scale::TEST)))
            .collect();
        assert_eq!(got, want);
    }
}
