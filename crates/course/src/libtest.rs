//! Running `cargo test` as a child process and reading libtest's output.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The cargo that runs nested builds: the one running us (`CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

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
            let name = name.trim_end(); // libtest-mimic pads names to one width
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

/// The panic message of each failed test, from libtest's `---- <name> stdout ----` sections
/// (libtest-mimic, behind `support::fork`, writes `---- <name> ----`).
pub fn failure_messages(stdout: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = stdout.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("---- ").and_then(|l| {
            l.strip_suffix(" stdout ----")
                .or_else(|| l.strip_suffix(" ----"))
        }) else {
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
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    // The group we created for the child (process_group(0) makes its pgid equal to its pid).
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pgid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// The message of each failed test in *merged* output (stdout and stderr in the order written),
/// for test binaries that print no `---- <name> stdout ----` sections: the `harness = false`
/// spec runner of chapters 03 and 04 lets each test's panic go to stderr, just before the test's
/// `test <name> ... FAILED` line. The message is the last panic printed since the previous
/// result line (a test may provoke panics on purpose before its own assertion fails), or, if
/// nothing panicked, the lines printed there (for example "did not finish within 5s").
pub fn inline_failure_messages(merged: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut since_last: Vec<&str> = Vec::new();
    for line in merged.lines() {
        if line.starts_with("running ") {
            since_last.clear();
            continue;
        }
        let Some(result) = parse_results(line).pop() else {
            since_last.push(line);
            continue;
        };
        if result.outcome == Outcome::Failed {
            let last_panic = since_last
                .iter()
                .rposition(|l| l.starts_with("thread '") && l.contains("panicked at"))
                .unwrap_or(0);
            let message = panic_message(&since_last[last_panic..]);
            if !message.is_empty() {
                out.insert(result.name, message);
            }
        }
        since_last.clear();
    }
    out
}

/// Runs `cmd` in its own process group with stdout and stderr merged into one pipe, so the
/// lines keep the order they were written in; `on_line` sees each line as it arrives (to echo
/// it). The merged text is returned in `stdout` (`stderr` stays empty). After `limit`, the
/// whole group is killed and `status` is `None`.
pub fn run_streaming(
    cmd: &mut Command,
    limit: Duration,
    mut on_line: impl FnMut(&str),
) -> Result<Finished> {
    let (reader, writer) = std::io::pipe().context("creating a pipe")?;
    let writer_too = writer.try_clone().context("duplicating a pipe")?;
    cmd.stdin(Stdio::null())
        .stdout(writer)
        .stderr(writer_too)
        .process_group(0);
    let spawned = cmd.spawn();
    // Drop our copies of the pipe's write end, or the reader would never see its end.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = spawned.with_context(|| format!("starting {cmd:?}"))?;
    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        let mut reader = BufReader::new(reader);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut merged = String::new();
    let mut take = |line: String| {
        on_line(&line);
        merged.push_str(&line);
        merged.push('\n');
    };
    let deadline = Instant::now() + limit;
    let mut open = true;
    let status = loop {
        if open {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => take(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => open = false,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        } else {
            thread::sleep(Duration::from_millis(50));
        }
        if let Some(status) = child.try_wait().context("waiting for the child")? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            kill_group(child.id());
            let _ = child.wait();
            break None;
        }
    };
    // Stop what cargo left in its group, then read what is still in the pipe. A process that
    // left the group (the spec runner gives each test a group of its own) may hold the pipe
    // open: stop reading after a grace period rather than wait for it.
    kill_group(child.id());
    let grace = Instant::now() + Duration::from_secs(2);
    while let Some(left) = grace.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => take(line),
            Err(_) => break,
        }
    }
    Ok(Finished {
        status,
        stdout: merged,
        stderr: String::new(),
    })
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

    #[test]
    fn streaming_merges_both_streams_in_order_and_kills_a_hung_child() {
        let mut seen = Vec::new();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo one; echo two >&2; echo three; exit 2"]);
        let done = run_streaming(&mut cmd, Duration::from_secs(600), |l| {
            seen.push(l.to_string())
        })
        .unwrap();
        assert_eq!(seen, ["one", "two", "three"]);
        assert_eq!(done.stdout, "one\ntwo\nthree\n");
        assert_eq!(done.status.and_then(|s| s.code()), Some(2));

        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo started; sleep 600"]);
        let done = run_streaming(&mut cmd, Duration::from_millis(300), |_| {}).unwrap();
        assert!(done.timed_out());
        assert_eq!(done.stdout, "started\n");
    }
}
