//! The Nvicta tutorial's task: `do_something(a, b)` sleeps `a + b`
//! seconds and says so.

/// The tutorial's task and arguments, written once in `workloads`:
/// `do_something(a, b, scale)` sleeps `a + b` units and returns `"Done sleeping {a +
/// b} seconds"`; the arguments are `[(i, i + 1) for i in range(5)]`.
pub use workloads::{do_something, do_something_args as tutorial_args};
