//! The `cargo course` tool: build and serve the book, run a learner's exercises, verify that every
//! spec fails on its starter and passes on its solution, and turn criterion results into the
//! book's tables and charts. `main.rs` only parses the command line; everything lives here so that
//! tests can call it.

pub mod bench;
pub mod book;
pub mod calibration;
pub mod capture;
pub mod cargo_json;
pub mod chart;
pub mod check;
pub mod cli;
pub mod criterion;
pub mod exercise_page;
pub mod files;
pub mod fingerprint;
pub mod hint;
pub mod includes;
pub mod libtest;
pub mod list;
pub mod progress;
pub mod project;
pub mod python_bench;
pub mod report;
pub mod serve;
pub mod starters;
pub mod summary;
pub mod timeline;
pub mod units;
pub mod verify;
