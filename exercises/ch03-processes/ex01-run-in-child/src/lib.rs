//! Exercise 1: run a function in a child process and bring its `u64` back through a pipe.
#![allow(unused_variables, dead_code)]

use std::io;

// ANCHOR: starter
/// Runs `f` in a forked child process and returns the `u64` it computed.
///
/// The child writes the 8 bytes of the value into a pipe and leaves with `_exit`; the parent
/// reads them, reaps the child with `waitpid`, and returns the value, or an error if the child
/// died, panicked or wrote fewer than 8 bytes. Call it from a single-threaded process only.
pub fn run_in_child<F: FnOnce() -> u64>(f: F) -> io::Result<u64> {
    // TODO: make a pipe, then fork (`unsafe { nix::unistd::fork() }`, with a `// SAFETY:`
    // comment saying why it is fine here).
    // TODO: child: close the read end, run `f` inside `catch_unwind`, write the 8 bytes of the
    // value, leave with `nix::libc::_exit(code)`.
    // TODO: parent: close the write end, read everything, `waitpid`, then decide: value or error.
    todo!("run f in a child process and read its result from a pipe")
}
// ANCHOR_END: starter
