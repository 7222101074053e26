//! Two ways to sum `0..n` that give the same number and cost very different work.
//!
//! In a release build LLVM recognises the loop in [`folded_sum`] and replaces it by
//! the closed form `n * (n - 1) / 2`: a few instructions, whatever `n` is.
//! [`honest_sum`] passes every element through [`black_box`], so the loop stays a
//! loop and its time grows with `n`, as the Python `sum(range(n))` does. The
//! `folding` bench measures both over growing `n`.

use std::hint::black_box;

// ANCHOR: folded_sum
/// `(0..n).sum()`: what a Rust programmer writes first, and what LLVM folds away.
///
/// `black_box(n)` hides the *value* of `n` from the compiler, so the answer cannot be
/// worked out at compile time. It does not hide the *loop*: the optimiser still sees
/// a sum over a range and replaces it by `n * (n - 1) / 2`, computed at run time in a
/// few instructions.
pub fn folded_sum(n: u64) -> u64 {
    (0..black_box(n)).sum()
}
// ANCHOR_END: folded_sum

// ANCHOR: honest_sum
/// The same sum done one addition at a time: `workloads::sum_range` puts every
/// element through `black_box`, which the optimiser must treat as an unknown value,
/// so no formula can replace the loop.
pub fn honest_sum(n: u64) -> u64 {
    workloads::sum_range(0..n)
}
// ANCHOR_END: honest_sum

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sums_agree_with_the_closed_form() {
        for n in [0, 1, 2, 10, 1_000, 123_457, 11_000_000] {
            let expected = workloads::sum_range_expected(0..n);
            assert_eq!(folded_sum(n), expected, "folded, n = {n}");
            assert_eq!(honest_sum(n), expected, "honest, n = {n}");
        }
    }

    #[test]
    fn the_tutorial_sizes_fit_in_u64() {
        // The biggest tutorial task sums 0..53_000_000: about 1.4e15, far below
        // u64::MAX (1.8e19), so `folded_sum` cannot overflow (a debug build would
        // panic if it did).
        let n = 53_000_000u64;
        assert_eq!(folded_sum(n), n * (n - 1) / 2);
    }
}
