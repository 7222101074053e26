//! Running an exercise's ranks under `mpirun` (chapter 09).
//!
//! A chapter 09 exercise has an example, built only with the package's `mpi` feature,
//! that calls the learner's functions from every rank of a real MPI job.
//! [`under_mpirun`] builds it (a nested `cargo build` into a target directory of its
//! own, so it never waits for the spec's) and runs it under `mpirun -n N`. Where
//! `mpirun` is missing, or the feature does not build (no `libopenmpi-dev`, no
//! `libclang-dev`), it says why and returns [`Mpi::Skipped`]: the spec then runs the
//! same ranks on threads. With `COURSE_REQUIRE_MPI=1` (CI, after installing Open MPI)
//! a skip is a failure instead.
//!
//! Either way it writes one line starting with [`NOTE`] to the real
//! stderr (not the captured one), so that `cargo test` and
//! `cargo course verify` both show which it did.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What every line this module writes for `cargo course verify` starts with.
pub const NOTE: &str = "course note: ";

/// What to install for the MPI side of the specs.
const INSTALL: &str = "on Debian/Ubuntu: apt install libopenmpi-dev openmpi-bin libclang-dev; see chapter 09's page";

/// Whether the ranks ran under MPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mpi {
    /// Every `mpirun -n N` finished and every rank passed.
    Ran,
    /// MPI is not usable here; why.
    Skipped(String),
}

/// Writes `line` after [`NOTE`] to stderr, past libtest's capture, in one `write`:
/// stderr is unbuffered, and `writeln!` would write the note in three pieces, between
/// which a line that libtest prints meanwhile (`course check` reads both streams
/// through one pipe) could land.
pub fn note(line: &str) {
    write_note(&mut std::io::stderr(), line);
}

fn write_note(out: &mut impl Write, line: &str) {
    let _ = out.write_all(format!("{NOTE}{line}\n").as_bytes());
}

/// `mpirun` on the PATH, if any.
fn find_mpirun() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("mpirun"))
        .find(|p| p.is_file())
}

/// A process's stdout and stderr, at most `n` lines: the first ones (`first`), where
/// the ranks' panic messages are, or the last ones, where cargo's errors are.
fn lines(output: &Output, n: usize, first: bool) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    let keep = if first {
        &lines[..n.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(n)..]
    };
    keep.join("\n")
}

/// Skips (with a note), or fails when `COURSE_REQUIRE_MPI` is set.
fn skip(package: &str, why: String) -> Mpi {
    if std::env::var_os("COURSE_REQUIRE_MPI").is_some_and(|v| v != "0") {
        panic!("COURSE_REQUIRE_MPI is set, but {why}");
    }
    note(&format!(
        "{package}: MPI skipped, {why}; the ranks ran as threads instead"
    ));
    Mpi::Skipped(why)
}

/// Builds example `example` of the package whose manifest is in `manifest_dir`, with
/// its `mpi` feature, into `target_dir`; then runs it under
/// `mpirun --oversubscribe -n N` for each N in `ranks`, each for at most `limit`.
/// Panics, with the ranks' output, if a run fails.
pub fn under_mpirun(
    manifest_dir: &str,
    target_dir: &str,
    example: &str,
    ranks: &[usize],
    limit: Duration,
) -> Mpi {
    let manifest = Path::new(manifest_dir).join("Cargo.toml");
    let package = Path::new(manifest_dir)
        .file_name()
        .map_or_else(|| example.to_string(), |n| n.to_string_lossy().into());
    let Some(mpirun) = find_mpirun() else {
        return skip(&package, format!("mpirun not found ({INSTALL})"));
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = Path::new(target_dir).join("mpi");
    let build = Command::new(cargo)
        .args(["build", "--quiet", "--features=mpi"])
        .args(["--example", example])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        .stdin(Stdio::null())
        .output()
        .expect("run cargo to build the MPI example");
    if !build.status.success() {
        return skip(
            &package,
            format!(
                "the `mpi` feature does not build ({INSTALL}):\n{}",
                lines(&build, 15, false)
            ),
        );
    }
    let exe = target_dir.join("debug/examples").join(example);
    for &n in ranks {
        let output = run_bounded(
            Command::new(&mpirun)
                .args(["--oversubscribe", "-n", &n.to_string()])
                .args(["--timeout", &limit.as_secs().max(1).to_string()])
                .arg(&exe)
                // One line per panic, not a backtrace per rank.
                .env("RUST_BACKTRACE", "0")
                // Open MPI refuses to run as root unless asked (containers, CI).
                .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
                .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
            limit + Duration::from_secs(10),
        );
        match output {
            Some(output) if output.status.success() => {}
            Some(output) => panic!(
                "under `mpirun -n {n}`, a rank failed ({}):\n{}",
                output.status,
                lines(&output, 30, true)
            ),
            None => {
                panic!(
                    "`mpirun -n {n}` did not finish: a rank waits for a message nobody sends"
                )
            }
        }
    }
    let counts: Vec<String> = ranks.iter().map(|n| format!("-n {n}")).collect();
    note(&format!(
        "{package}: the ranks ran under mpirun {}, every rank passed",
        counts.join(" and ")
    ));
    Mpi::Ran
}

/// Runs `cmd` with its output captured; `None` (after killing it) if it
/// outlives `limit`.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Option<Output> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mpirun");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => {
            let _ = waiter.join();
            Some(output.expect("wait for mpirun"))
        }
        Err(_) => {
            // mpirun's own --timeout should have ended it; this is the backstop. Open
            // MPI starts each rank in a process group of its own, so the ranks would
            // outlive mpirun, holding the output pipes open: the waiter would wait
            // for them. Every process under mpirun is killed with it; the waiter
            // thread reaps mpirun.
            let mut doomed = vec![pid as i32];
            let mut i = 0;
            while i < doomed.len() {
                doomed.extend(crate::children_of(doomed[i]).iter().map(|c| c.pid));
                i += 1;
            }
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(doomed.iter().map(|pid| pid.to_string()))
                .status();
            let _ = waiter.join();
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job whose processes sit in process groups of their own, as Open MPI's ranks
    /// do, and hold the output pipes: past the limit, all of it is killed and
    /// `run_bounded` returns (it waited for the pipes to close before).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_job_past_its_limit_is_killed_with_everything_under_it() {
        let timed_out = crate::watchdog_or(
            Duration::from_secs(20),
            "run_bounded waited for processes left running under a killed mpirun",
            || {
                let mut job = Command::new("sh");
                // `set -m`: each background job gets a process group of its own.
                job.args(["-c", "set -m; sleep 300 & sleep 300 & wait"]);
                run_bounded(&mut job, Duration::from_secs(1)).is_none()
            },
        );
        assert!(timed_out, "a job past its limit gives None");
    }

    /// Counts the `write` calls that would be system calls on stderr.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_note_is_one_write_so_no_other_line_can_land_inside_it() {
        // libtest prints the other tests' `test x ... ok` lines into the same pipe
        // meanwhile (`course check` merges stdout and stderr): a note written in
        // pieces could be split.
        let mut out = Writes::default();
        write_note(&mut out, "ex01: the ranks ran");
        assert_eq!(out.0, [b"course note: ex01: the ranks ran\n".to_vec()]);
    }
}
