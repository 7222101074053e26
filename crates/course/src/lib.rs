//! The `cargo course` tool: build and serve the book, run a learner's exercises, verify that every
//! spec fails on its starter and passes on its solution, and turn criterion results into the
//! book's tables and charts. `main.rs` only parses the command line; everything lives here so that
//! tests can call it.
//!
//! Three layers, and dependencies point down only:
//! - `cli`: the command line (one enum variant per command) and the dispatch to `commands`;
//! - `commands`: one module per command, thin: arguments to calls, orchestration, printing. A
//!   command uses services, never another command;
//! - `services`: the project model (crate `project-model`), cargo and process control, libtest
//!   and cargo JSON parsing (crate `testrun`; both shared with `classroom`), calibration, report
//!   and chart writing, the book's preprocessing and server. A service never uses a command or
//!   `cli`, and the services form no cycle (see `services/mod.rs`).

pub mod cli;
pub mod commands;
pub mod services;

// The paths `crates/book-browser-test` uses.
pub use services::book;
pub use services::server as serve;
