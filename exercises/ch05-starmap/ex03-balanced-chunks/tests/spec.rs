//! The spec of exercise 3: plain arithmetic, no threads. The workloads
//! are the chapter's.

use ch05_ex03_balanced_chunks::{PlanError, largest_balanced_chunksize, makespan};

const TUTORIAL: [u64; 4] = [11, 23, 53, 34];

/// 56 tasks of 1, then 4 of 16: the chapter's long tail.
fn long_tail() -> Vec<u64> {
    let mut tasks = vec![1; 56];
    tasks.extend([16; 4]);
    tasks
}

#[test]
fn makespan_of_the_tutorial_numbers() {
    // one worker: everything; chunks of 1 on 2 workers: 11+53 against 23+34
    assert_eq!(makespan(&TUTORIAL, 1, 1), Ok(121));
    assert_eq!(
        makespan(&TUTORIAL, 2, 1),
        Ok(64),
        "chunks of 1: 11 and 23 start, 53 goes to the worker free at 11, 34 to the one free at 23"
    );
    assert_eq!(
        makespan(&TUTORIAL, 2, 2),
        Ok(87),
        "chunks of 2 on 2 workers: [11, 23] and [53, 34]"
    );
    assert_eq!(
        makespan(&TUTORIAL, 2, 3),
        Ok(87),
        "chunks of 3: [11, 23, 53] and [34] (the last chunk is shorter)"
    );
    assert_eq!(makespan(&TUTORIAL, 2, 4), Ok(121));
    assert_eq!(
        makespan(&TUTORIAL, 2, 99),
        Ok(121),
        "a chunk size past the end is one chunk"
    );
    assert_eq!(
        makespan(&TUTORIAL, 4, 1),
        Ok(53),
        "as many workers as tasks: the longest task"
    );
}

#[test]
fn makespan_goes_to_the_least_loaded_worker_not_round_robin() {
    // Chunks of 1 on 2 workers: 10 to worker 0, 1 to worker 1, then the second 10 to
    // worker 1 (it has 1, worker 0 has 10), the last 1 to worker 0: 11 each. Round
    // robin would give worker 0 both tens: 20.
    assert_eq!(
        makespan(&[10, 1, 10, 1], 2, 1),
        Ok(11),
        "each chunk goes to the worker with the least work so far, not to the next in turn"
    );
    assert_eq!(
        makespan(&[5, 5, 5, 5, 20], 2, 2),
        Ok(30),
        "chunks [5, 5], [5, 5], [20]: the sum of a chunk, not its largest task"
    );
}

#[test]
fn makespan_of_the_long_tail() {
    let tail = long_tail();
    for (size, want) in [
        (1, 60),
        (2, 60),
        (3, 75),
        (4, 92),
        (8, 88),
        (30, 90),
        (60, 120),
    ] {
        assert_eq!(
            makespan(&tail, 2, size),
            Ok(want),
            "long tail, 2 workers, chunks of {size}"
        );
    }
}

#[test]
fn uneven_tasks_want_small_chunks() {
    assert_eq!(largest_balanced_chunksize(&TUTORIAL, 2, 0), Ok(1));
    assert_eq!(
        largest_balanced_chunksize(&long_tail(), 2, 0),
        Ok(2),
        "on the long tail only chunks of 1 and 2 reach 60"
    );
    // With 50% of slack (up to 90), chunks of 4 (92) do not fit, but chunks of 58 do:
    // one chunk of 56 ones and two long tasks (88) and one of the other two (32).
    assert_eq!(
        largest_balanced_chunksize(&long_tail(), 2, 50),
        Ok(58),
        "try every size: a larger size can fit after smaller ones that do not"
    );
}

#[test]
fn equal_tasks_want_big_chunks() {
    let equal = vec![1; 1000];
    assert_eq!(
        largest_balanced_chunksize(&equal, 4, 0),
        Ok(250),
        "1000 equal tasks on 4 workers: one chunk of 250 per worker is perfectly balanced"
    );
    assert_eq!(
        largest_balanced_chunksize(&equal, 1, 0),
        Ok(1000),
        "one worker: any size"
    );
}

#[test]
fn a_larger_size_can_fit_again_after_one_that_does_not() {
    // Slack of 25% allows up to 75: sizes 1 to 3 fit (60, 60, 75: the limit is
    // inclusive), 4 does not (92), 57 does (72 and 48). Stopping at the first size
    // that fails answers 3.
    assert_eq!(
        largest_balanced_chunksize(&long_tail(), 2, 25),
        Ok(57),
        "try every size (do not stop at the first that fails), and the limit is inclusive"
    );
    assert_eq!(
        largest_balanced_chunksize(&[4, 4, 4, 5], 2, 0),
        Ok(2),
        "chunks of 1 and of 2 reach 9, chunks of 3 give 12"
    );
}

#[test]
fn bad_arguments_are_errors() {
    assert_eq!(makespan(&TUTORIAL, 0, 1), Err(PlanError::NoWorkers));
    assert_eq!(makespan(&TUTORIAL, 2, 0), Err(PlanError::ZeroChunkSize));
    assert_eq!(makespan(&[], 2, 1), Err(PlanError::NoTasks));
    assert_eq!(
        largest_balanced_chunksize(&TUTORIAL, 0, 10),
        Err(PlanError::NoWorkers)
    );
    assert_eq!(
        largest_balanced_chunksize(&[], 2, 10),
        Err(PlanError::NoTasks)
    );
}

/// `f()`, or the message of its panic.
fn without_panic<T>(
    f: impl FnOnce() -> T + std::panic::UnwindSafe,
) -> Result<T, String> {
    std::panic::catch_unwind(f)
        .map_err(|p| format!("a panic: {}", support::panic_message(&*p)))
}

#[test]
fn large_costs_are_compared_without_overflow() {
    // Three tasks of a quarter of u64::MAX on 2 workers: every total fits in a u64,
    // but a makespan times 100 does not. Chunks of 1 and 2 give 2q, chunks of 3 give
    // 3q, which is within 50% of 2q and not within 49%.
    let q = u64::MAX / 4;
    assert_eq!(makespan(&[q; 3], 2, 3), Ok(3 * q));
    let got = without_panic(|| {
        [50, 49].map(|slack| largest_balanced_chunksize(&[q; 3], 2, slack))
    });
    assert!(
        matches!(got, Ok([Ok(3), Ok(2)])),
        "costs of u64::MAX / 4 on 2 workers, slack 50% then 49%: expected [Ok(3), Ok(2)], got \
         {got:?} (makespan * 100 does not fit in a u64: compare in u128)"
    );
}

#[test]
fn costs_that_add_up_past_u64_max_are_an_error() {
    let half = u64::MAX / 2 + 1;
    for (costs, workers) in [(vec![half, half], 1), (vec![u64::MAX, 1], 2)] {
        let got = without_panic(|| {
            (
                makespan(&costs, workers, 1),
                largest_balanced_chunksize(&costs, workers, 10),
            )
        });
        assert!(
            matches!(
                got,
                Ok((Err(PlanError::Overflow), Err(PlanError::Overflow)))
            ),
            "costs {costs:?} add up to more than u64::MAX: expected Err(PlanError::Overflow) from \
             both functions, got {got:?} (check the total first, with checked_add)"
        );
    }
}
