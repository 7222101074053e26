//! `(0..n).sum()` against an honest loop, for growing `n`: the folded sum's time
//! stays flat, the honest one grows with `n`. Each time is the median of 5 runs.
//!
//! Run: `cargo run --release -p ch01-sequential --example ch01-02-folding`

use std::num::NonZeroUsize;

use ch01_sequential::folding::{folded_sum, honest_sum};
use ch01_sequential::timing::{Short, repeat};

const RUNS: NonZeroUsize = NonZeroUsize::new(5).unwrap();

// ANCHOR: main
fn main() {
    println!("{:>12}  {:>12}  {:>12}", "n", "folded", "honest");
    for n in [1_000, 1_000_000, 100_000_000] {
        assert_eq!(folded_sum(n), honest_sum(n), "both sums must agree");
        let folded = repeat(RUNS, || folded_sum(n)).median();
        let honest = repeat(RUNS, || honest_sum(n)).median();
        let (folded, honest) = (Short(folded).to_string(), Short(honest).to_string());
        println!("{n:>12}  {folded:>12}  {honest:>12}");
    }
}
// ANCHOR_END: main
