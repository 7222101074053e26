//! The Nvicta tutorial's task: `do_something(a, b)` sleeps `a + b` seconds and says so.

use workloads::Scale;

// ANCHOR: do_something
/// The tutorial's `do_something(a, b)`: sleeps `a + b` units of `scale` (seconds at
/// [`Scale::FULL`]) and returns `"Done sleeping {a + b} seconds"`.
pub fn do_something(a: u64, b: u64, scale: Scale) -> String {
    let units = a + b;
    // The workspace's sleeping task sleeps its first argument's worth of units.
    workloads::do_something(units, 1, scale);
    format!("Done sleeping {units} seconds")
}

/// The tutorial's arguments: `[(i, i + 1) for i in range(5)]`.
pub fn tutorial_args() -> Vec<(u64, u64)> {
    (0..5).map(|i| (i, i + 1)).collect()
}
// ANCHOR_END: do_something

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_rows() {
        assert_eq!(tutorial_args(), [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]);
        assert_eq!(do_something(1, 2, Scale::TEST), "Done sleeping 3 seconds");
    }
}
