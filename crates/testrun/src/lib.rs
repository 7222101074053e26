//! Running cargo and test binaries, and reading what they print: the one runner and the one
//! parser of `cargo course` (crate `course`) and of `cargo course assign`/`grade` (crate
//! `classroom`).
//!
//! [`process`] runs a command in a process group of its own under a watchdog that, when it
//! fires, freezes and kills the whole process tree (also descendants that made a group of their
//! own) and always reaps the child. [`libtest`] reads libtest's human output, [`cargo_json`]
//! cargo's JSON messages.
//!
//! It depends on neither tool, so both can depend on it without a cycle.

pub mod cargo_json;
pub mod libtest;
pub mod process;
pub mod spec;
mod tree;

pub use tree::processes_matching;
