//! Running `cargo test` as a child process and reading libtest's output.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Ignored,
}

/// One `test <name> ... <outcome>` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub outcome: Outcome,
    /// The test is `#[should_panic]` (libtest prints `<name> - should panic`).
    pub should_panic: bool,
}

/// Parses libtest's `test <name> ... ok|FAILED|ignored` lines.
pub fn parse_results(stdout: &str) -> Vec<TestResult> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, outcome) = rest.rsplit_once(" ... ")?;
            let outcome = match outcome.trim() {
                "ok" => Outcome::Ok,
                "FAILED" => Outcome::Failed,
                o if o == "ignored" || o.starts_with("ignored,") => Outcome::Ignored,
                _ => return None,
            };
            let (name, should_panic) = match name.strip_suffix(" - should panic") {
                Some(n) => (n, true),
                None => (name, false),
            };
            Some(TestResult {
                name: name.to_string(),
                outcome,
                should_panic,
            })
        })
        .collect()
}

/// Parses the output of `<test binary> --list`: `<name>: test` lines.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// The panic message of each failed test, from libtest's `---- <name> stdout ----` sections.
pub fn failure_messages(stdout: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = stdout.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        else {
            continue;
        };
        let name = name.strip_suffix(" - should panic").unwrap_or(name);
        let mut section = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("---- ") || *next == "failures:" {
                break;
            }
            section.push(lines.next().unwrap_or_default());
        }
        out.insert(name.to_string(), panic_message(&section));
    }
    out
}

/// The message of the first panic in a test's captured output, or the output itself.
fn panic_message(section: &[&str]) -> String {
    let mut message = Vec::new();
    let mut in_panic = false;
    for line in section {
        if line.starts_with("thread '") && line.contains("panicked at") {
            if in_panic {
                break;
            }
            // `thread 'x' panicked at src/lib.rs:3:5:` then the message on the next lines.
            in_panic = true;
            continue;
        }
        if in_panic {
            if line.is_empty() || line.starts_with("note: ") || line.starts_with("stack backtrace:")
            {
                break;
            }
            message.push(*line);
        }
    }
    if message.is_empty() {
        section
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        message.join("\n")
    }
}

/// A finished child process.
#[derive(Debug)]
pub struct Finished {
    /// `None` when it was killed for running past its time limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }
}

/// Runs `cmd` in its own process group, capturing its output. After `limit`, the whole group
/// (cargo and the test binary it started) is killed and `status` is `None`.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
    let mut out = child.stdout.take().context("child stdout")?;
    let mut err = child.stderr.take().context("child stderr")?;
    let out_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().context("waiting for the child")? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            kill_group(child.id());
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    if status.is_some() {
        // Grandchildren that outlive cargo would keep the pipes open: stop them too.
        kill_group(child.id());
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Finished {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else {
        return;
    };
    // SAFETY: kill(2) with a negative pid signals the process group we created for the child
    // (process_group(0) makes its pgid equal to its pid); it touches no memory of ours.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// The first compiler errors in cargo's stderr, for a short report.
pub fn compile_errors(stderr: &str, max_lines: usize) -> String {
    let mut lines: Vec<&str> = Vec::new();
    let mut in_error = false;
    for line in stderr.lines() {
        if line.starts_with("error") {
            in_error = true;
        } else if line.starts_with("warning") || line.trim_start().starts_with("Compiling") {
            in_error = false;
        }
        if in_error {
            lines.push(line);
            if lines.len() >= max_lines {
                break;
            }
        }
    }
    if lines.is_empty() {
        stderr
            .lines()
            .rev()
            .take(max_lines)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 4 tests
test returns_value ... ok
test measures_time ... FAILED
test panics_on_zero - should panic ... ok
test slow_one ... ignored, needs a quiet machine
test with ... dots ... in name ... FAILED

failures:

---- measures_time stdout ----

thread 'measures_time' panicked at src/lib.rs:12:5:
not yet implemented: measure how long f takes
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- with ... dots ... in name stdout ----
thread 'with ... dots ... in name' panicked at tests/spec.rs:20:9:
assertion `left == right` failed
  left: 1
 right: 2


failures:
    measures_time

test result: FAILED. 2 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn parses_results() {
        let results = parse_results(OUTPUT);
        let summary: Vec<(&str, Outcome, bool)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.outcome, r.should_panic))
            .collect();
        assert_eq!(
            summary,
            [
                ("returns_value", Outcome::Ok, false),
                ("measures_time", Outcome::Failed, false),
                ("panics_on_zero", Outcome::Ok, true),
                ("slow_one", Outcome::Ignored, false),
                ("with ... dots ... in name", Outcome::Failed, false),
            ]
        );
    }

    #[test]
    fn extracts_panic_messages() {
        let messages = failure_messages(OUTPUT);
        assert_eq!(
            messages["measures_time"],
            "not yet implemented: measure how long f takes"
        );
        assert_eq!(
            messages["with ... dots ... in name"],
            "assertion `left == right` failed\n  left: 1\n right: 2"
        );
    }

    #[test]
    fn parses_lists() {
        assert_eq!(
            parse_list("a::b: test\nc: test\n\n2 tests, 0 benchmarks\n"),
            ["a::b", "c"]
        );
    }

    #[test]
    fn compile_errors_are_summarized() {
        let stderr = "   Compiling x v0.1.0\nwarning: unused\nerror[E0308]: mismatched types\n --> src/lib.rs:1:1\nerror: could not compile `x`\n";
        assert_eq!(
            compile_errors(stderr, 10),
            "error[E0308]: mismatched types\n --> src/lib.rs:1:1\nerror: could not compile `x`"
        );
    }

    #[test]
    fn a_hung_child_is_killed() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo started; sleep 600"]);
        let done = run_with_timeout(&mut cmd, Duration::from_millis(200)).unwrap();
        assert!(done.timed_out());
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hi; exit 3"]);
        let done = run_with_timeout(&mut cmd, Duration::from_secs(600)).unwrap();
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert_eq!(done.stdout, "hi\n");
    }
}
