//! What the commands are built from. A service never uses a command (nor `cli`), and the services
//! form no cycle: the groups below are bottom-up, a service uses only services of its own group
//! or of the groups above it (unit tests aside).

// The project on disk (the crate `project-model`, shared with `classroom`), files, numbers.
pub use project_model::{manifests, project};
pub mod files;
pub mod units;
// Child processes and what cargo and libtest print: the crate `testrun`, shared with `classroom`.
pub use testrun::{cargo_json, libtest, process};
// The learner's side: progress, hints, running an exercise's spec.
pub mod exercise_check;
pub mod fingerprint;
pub mod hints;
pub mod progress;
pub mod summary;
// Benchmarks: criterion's results, CPython rows, calibration, the report and its chart; the
// timeline charts of captured runs.
pub mod bench_report;
pub mod calibration;
pub mod chart;
pub mod criterion;
pub mod machine;
pub mod python_bench;
pub mod report;
pub mod timeline;
// The author's side: the spec contract, starters against solutions, captured outputs and the
// timeline recordings kept beside them.
pub mod capture;
pub mod recordings;
pub mod spec;
pub mod starter_diff;
// The book: the {{#exercise}} directive, the include checks, the build, the server.
pub mod book;
pub mod exercise_page;
pub mod includes;
pub mod server;
pub mod watch;
