//! The command line: `cargo course <command>`.

use crate::commands::{
    assign, bench, build, capture, check, grade, hint, list, serve, starters,
    timeline, verify,
};
use crate::services::project::{Project, default_root};
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// The course tool of "Multiprocessing in Rust": read the book, do the exercises, check the
/// project.
///
/// Readers: `cargo course serve` builds the book and serves it at http://127.0.0.1:3000/.
/// Learners: `cargo course list`, then `cargo course check ch01-ex01` until it passes,
/// `cargo course hint ch01-ex01` when stuck.
/// Authors: `cargo course build`, `cargo course verify`, `cargo course bench ch01`,
/// `cargo course capture ch01`.
///
/// Chapters can be named `ch01`, `01` or `ch01-sequential`; exercises `ch01-ex01` or by their
/// package name, `ch01-ex01-timed`.
#[derive(Debug, Parser)]
#[command(name = "cargo course", bin_name = "cargo course", version)]
pub struct Cli {
    /// The project's root folder (default: the repository this tool was built from).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the book (without running its snippets), serve it at http://127.0.0.1:3000/, rebuild
    /// it when book/, crates/ or exercises/ change, and reload open pages after each good build.
    ///
    /// A failed rebuild prints the error and keeps serving the last good build.
    Serve {
        /// The address to listen on (default: this machine only).
        #[arg(long, default_value_t = crate::services::server::DEFAULT_ADDRESS)]
        address: std::net::IpAddr,
        /// The port to listen on.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Open the book in a browser (xdg-open or open).
        #[arg(long)]
        open: bool,
    },
    /// Build the book into target/book, failing on a broken include, anchor or directive, then
    /// compile and run its inline Rust snippets with rustdoc.
    Build {
        /// Write the HTML here instead of target/book.
        #[arg(long, value_name = "DIR")]
        dest: Option<PathBuf>,
        /// Skip compiling and running the inline Rust snippets.
        #[arg(long)]
        no_test: bool,
    },
    /// Run a chapter's examples and Python scripts (every chapter's if none is named) and write
    /// what they print into book/<chapter>/output/<name>.txt, the output the book shows.
    ///
    /// Each file starts with the command (`$ cargo run --release -p ch01-sequential --example
    /// ch01-01-sequential`), then stdout, then stderr. A run that fails writes nothing. Extra runs
    /// (another profile, arguments) and skips are set under [package.metadata.course.capture] in
    /// the chapter's Cargo.toml. Run it on a quiet machine: the book quotes these timings.
    ///
    /// A run that records a timeline (COURSE_TIMELINE, see workloads::timeline) gets two more
    /// files beside its .txt: the recording, <name>.timeline.tsv, and the chart drawn from it,
    /// <name>.timeline.svg; a run that records none removes a stale pair. --report-only redraws
    /// the charts from the recordings, running nothing (each title names the cores of the
    /// machine that recorded it).
    Capture {
        /// The chapter: ch01, 01 or ch01-sequential (default: every chapter with a crate).
        chapter: Option<String>,
        /// Write into DIR/<chapter>/output/ instead of book/<chapter>/output/ (with
        /// --report-only: redraw there).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Kill a program that runs longer than this many seconds.
        #[arg(long, default_value_t = 600, value_name = "SECS")]
        timeout: u64,
        /// Run nothing: redraw every output/<name>.timeline.svg from the recording kept beside
        /// it, <name>.timeline.tsv (after a change to the drawing, say).
        #[arg(long, conflicts_with = "timeout")]
        report_only: bool,
    },
    /// Run a chapter's criterion benches (every chapter's if none is named) and write its results
    /// into the book: book/bench/<chapter>.md (tables), .svg (chart) and .txt (numbers by anchor).
    ///
    /// Before and after the run it times a fixed calibration workload (the same CPU work on every
    /// core, built with --release) and reads the steal time from /proc/stat; the report's header
    /// shows both. A run whose calibrations differ by more than 5% writes no report (unless
    /// --force): something else used the machine. Each median is printed with its spread (the
    /// fastest..slowest of criterion's samples).
    ///
    /// Criterion writes to target/criterion/<chapter>, which is emptied first. The speedup column
    /// divides each group's baseline median (the function `sequential`, or the one named under
    /// [package.metadata.course.baselines] in the chapter's Cargo.toml) by each variant's median.
    /// Run it on a quiet machine: these are the numbers the book quotes.
    Bench {
        /// The chapter: ch01, 01 or ch01-sequential (default: every chapter with benches).
        chapter: Option<String>,
        /// Pass criterion's --quick: fast, rough numbers (for checking the pipeline).
        #[arg(long, conflicts_with = "report_only")]
        quick: bool,
        /// Run nothing: rewrite the report files from the criterion results already in
        /// target/criterion/<chapter> (after a change to the report format, say).
        #[arg(long)]
        report_only: bool,
        /// Write the report even if the calibration before and after the run differ by more
        /// than 5% (the report is then marked as a disturbed run).
        #[arg(long)]
        force: bool,
    },
    /// Check every exercise (or one chapter's): each spec test must fail on the starter
    /// (exercises/) and pass on the solution (solutions/), test by test.
    ///
    /// The two workspaces are built into target/nested/exercises and target/nested/solutions
    /// (never one shared directory). Prints one line per exercise and a closing
    /// `verify: N passed, M failed` line; exits non-zero on any violation.
    Verify {
        /// The chapter: ch01, 01 or ch01-sequential (default: all).
        chapter: Option<String>,
        /// Kill a spec run that takes longer than this many seconds (a hung test).
        #[arg(long, default_value_t = 300, value_name = "SECS")]
        timeout: u64,
    },
    /// Check that each starter differs from its solution only inside its TODO regions: function
    /// bodies and items whose starter text holds `todo!` or a `TODO` comment (`use` lines may
    /// differ too). Signatures, types, docs and helpers must be the same in both. Run by CI
    /// (.ci/run), not by `cargo test`.
    Starters {
        /// The chapter: ch01, 01 or ch01-sequential (default: all).
        chapter: Option<String>,
    },
    /// List the chapters and their exercises with your progress: passed, failing (k of n),
    /// compile error or not tried.
    ///
    /// Progress is recorded by `check` in target/course/progress.json with a hash of the
    /// exercise's files. An exercise edited since its last check (say, solved with `cargo test`)
    /// is checked again first, so the list shows the code as it is now.
    List {
        /// Only this chapter: ch01, 01 or ch01-sequential.
        chapter: Option<String>,
        /// Kill a re-check that runs longer than this many seconds.
        #[arg(long, default_value_t = 120, value_name = "SECS")]
        timeout: u64,
    },
    /// Run an exercise's tests (`cargo test -p <package>` in exercises/), then say how many pass,
    /// why the first failing one fails, and what to do next. Exits non-zero until all pass.
    Check {
        /// The exercise: ch01-ex01 or its package name, ch01-ex01-timed.
        exercise: String,
        /// Kill the tests after this many seconds (they probably hang).
        #[arg(long, default_value_t = 300, value_name = "SECS")]
        timeout: u64,
        /// Run the tests with RUST_BACKTRACE=1 (by default 0, whatever the environment says:
        /// the summary names where each test panicked).
        #[arg(long)]
        backtrace: bool,
    },
    /// Write a standalone repository for one chapter, to hand out as an assignment: the
    /// chapter's crate (and the crates it needs), `workloads`, `support`, its exercises as
    /// committed (starters, no solutions), its book pages (HTML that opens offline, and the
    /// Markdown), a README for students and a GitHub Classroom workflow that runs each spec test
    /// as a graded test worth one point. Builds the book first if target/book lacks it.
    Assign {
        /// The chapter: ch01, 01 or ch01-sequential.
        chapter: String,
        /// The new repository's folder (must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Grade submissions of an assignment (each a folder from `assign`, as the student hands it
    /// back): run every spec test, print a per-student, per-test table and write grades.md,
    /// grades.csv and grades.xml (JUnit). A spec run past --timeout is killed with every process
    /// it started; each of its tests without a result runs again alone (as the GitHub Classroom
    /// workflow runs them), under the same --timeout, and counts as failed ("hung") if it has
    /// none then either.
    Grade {
        /// The submission folders, one per student (the folder's name is the student's).
        #[arg(required = true, value_name = "DIR")]
        submissions: Vec<PathBuf>,
        /// Kill one exercise's spec run after this many seconds.
        #[arg(long, default_value_t = 120, value_name = "SECS")]
        timeout: u64,
        /// Write grades.md, grades.csv and grades.xml into this folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
        /// Your export (the folder `assign` wrote): grade every submission with its spec files,
        /// classroom.toml and workflow, and name each submission whose copies differ.
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
    },
    /// Show the next hint of an exercise (from its hints.md), one more each time.
    Hint {
        /// The exercise: ch01-ex01 or its package name, ch01-ex01-timed.
        exercise: String,
        /// Show every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// Draw a timeline file (COURSE_TIMELINE) recorded outside `capture`, as capture-mpi.sh does
    /// for chapter 09's MPI runs. The file is moved beside the chart (NAME.timeline.svg gets
    /// NAME.timeline.tsv, with the cores, the colour and the title on its first line), as
    /// `capture` keeps its recordings, so that `capture --report-only` redraws this chart too.
    #[command(hide = true)]
    Timeline {
        /// The timeline file (tab-separated records).
        file: PathBuf,
        /// The chart to write (SVG).
        svg: PathBuf,
        /// The chart's title (the run's name).
        #[arg(long)]
        title: String,
        /// The run was CPython's (its bars drawn in the CPython colour).
        #[arg(long)]
        cpython: bool,
    },
}

/// Runs one parsed command line: each command's arguments go to its module in `commands`.
pub fn run(cli: Cli) -> Result<()> {
    let project = Project::new(cli.root.unwrap_or_else(default_root));
    let p = &project;
    let secs = Duration::from_secs;
    match cli.command {
        Command::Build { dest, no_test } => build::run(p, dest.as_deref(), no_test),
        Command::Serve {
            address,
            port,
            open,
        } => serve::run(p, address, port, open),
        Command::Capture {
            chapter,
            out,
            report_only: true,
            ..
        } => capture::redraw(p, chapter.as_deref(), out.as_deref()),
        Command::Capture {
            chapter,
            out,
            timeout,
            report_only: false,
        } => capture::run(p, chapter.as_deref(), out.as_deref(), secs(timeout)),
        Command::Bench {
            chapter,
            quick,
            report_only,
            force,
        } => bench::run(p, chapter.as_deref(), quick, report_only, force),
        Command::Verify { chapter, timeout } => {
            verify::run(p, chapter.as_deref(), secs(timeout))
        }
        Command::Starters { chapter } => starters::run(p, chapter.as_deref()),
        Command::List { chapter, timeout } => {
            list::run(p, chapter.as_deref(), secs(timeout))
        }
        Command::Check {
            exercise,
            timeout,
            backtrace,
        } => check::run(p, &exercise, secs(timeout), backtrace),
        Command::Hint { exercise, all } => hint::run(p, &exercise, all),
        Command::Assign { chapter, out } => assign::run(p, &chapter, &out),
        Command::Grade {
            submissions,
            timeout,
            out,
            template,
        } => grade::run(&submissions, secs(timeout), out, template),
        Command::Timeline {
            file,
            svg,
            title,
            cpython,
        } => timeline::run(&file, &svg, &title, cpython),
    }
}
