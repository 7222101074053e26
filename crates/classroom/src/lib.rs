//! One chapter for a class.
//!
//! [`assign`] writes a standalone repository for one chapter: its crate and the crates it needs,
//! `workloads`, `support`, the chapter's exercises (starters only, never solutions), its book
//! pages (rendered HTML that opens offline, and the Markdown sources), a README for students and
//! a GitHub Classroom workflow that runs each spec test as a graded test worth one point.
//!
//! [`grade`] runs the specs of submissions (each an exported repository as a student hands it
//! back), kills a hung spec run with its whole process tree after a time limit, runs each test
//! left without a verdict again alone (as the workflow runs each test), and writes a
//! per-student, per-test table (Markdown) with CSV and JUnit XML for a learning-management
//! system. With a template (the instructor's export), it grades with the export's spec files
//! and names each submission whose copies of them differ.
//!
//! This crate does not depend on `course`: `cargo course assign` and `cargo course grade` only
//! parse their arguments and call [`assign`] and [`grade`]. Both crates run cargo and the specs
//! with the runner and parsers of the crate `testrun`, and find chapters and exercises with the
//! crate `project-model`.

// assign: the flow, over export (the files and the workspace manifest), lock (Cargo.lock),
// html and links (the rendered pages, made to open offline), handout (README, workflow).
mod assign;
mod export;
mod handout;
mod html;
mod links;
mod lock;
// grade: building and running the specs; report: the table, CSV and JUnit XML.
mod grade;
mod report;
// Shared by both sides.
mod files;
mod manifest;

pub use assign::{AssignOptions, Assignment, assign};
pub use grade::{
    GradeOptions, Outcome, Report, Submission, TestGrade, grade, grade_quiet,
};
pub use links::broken_links;
pub use lock::registry_versions;
pub use manifest::{ClassroomManifest, ExerciseTests, MANIFEST};
