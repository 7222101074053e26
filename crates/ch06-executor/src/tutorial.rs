//! The Nvicta tutorial's rows: `do_something(a, b)` submitted to a
//! `ProcessPoolExecutor`.

// ANCHOR: do_something
/// The tutorial's task and its five pairs (sleeps of 1, 3, 5, 7, 9),
/// written once in `workloads`.
pub use workloads::{do_something, do_something_args as tutorial_pairs};
// ANCHOR_END: do_something

// ANCHOR: ideal
/// How many units `sleeps`, submitted in this order, take on `workers` workers that
/// each take the next task when free (an executor's queue): the ideal the
/// measurements are read against. The default size is the core count, so on 2 cores
/// the five sleeps of the tutorial take 15 units, not 9.
pub fn ideal_units(sleeps: &[u64], workers: usize) -> u64 {
    let mut free_at = vec![0u64; workers.max(1)];
    for &sleep in sleeps {
        let first_free = free_at.iter_mut().min().expect("at least one worker");
        *first_free += sleep;
    }
    free_at.into_iter().max().unwrap_or(0)
}
// ANCHOR_END: ideal

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use workloads::Scale;

    #[test]
    fn the_tutorial_rows_and_their_ideals() {
        let sleeps: Vec<u64> = tutorial_pairs().iter().map(|(a, b)| a + b).collect();
        assert_eq!(sleeps, [1, 3, 5, 7, 9]);
        assert_eq!(
            ideal_units(&sleeps, 5),
            9,
            "one worker per task: the longest"
        );
        assert_eq!(ideal_units(&sleeps, 2), 15, "the default size on 2 cores");
        assert_eq!(ideal_units(&[3, 2], 2), 3, "the first row");
        assert_eq!(do_something(1, 2, Scale::TEST), "Done sleeping 3 seconds");
    }
}
