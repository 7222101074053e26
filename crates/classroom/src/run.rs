//! Child processes under a watchdog, and what cargo and libtest print.
//!
//! `course::libtest` has an older copy of the runner (`run_with_timeout`, which kills only the
//! child's group): at merge, course can use [`run_with_watchdog`] instead.

use anyhow::{Context, Result};
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The cargo that runs nested builds: the one running us (`CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// A finished child process.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the watchdog killed it.
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

/// Runs `cmd` in a process group of its own, capturing its output. After `limit` the watchdog
/// kills it with everything it started: its group, and every descendant (with the group of
/// each: a fork-based spec harness gives each test a group of its own). The child is always
/// reaped; descendants left behind are orphans that init reaps once they are killed.
pub fn run_with_watchdog(cmd: &mut Command, limit: Duration) -> Result<Finished> {
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
            kill_tree(child.id());
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    // Whatever is left in the child's group (a grandchild that outlived it) would keep the
    // pipes open: stop it too.
    kill_group(child.id());
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Finished {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

fn kill_group(pgid: u32) {
    if let Ok(pgid) = i32::try_from(pgid) {
        // process_group(0) made the child's pgid equal to its pid.
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
}

/// Stops `root`'s process tree: first every descendant is stopped (SIGSTOP, so none can start
/// more while we look), then their groups and they are killed, then `root`'s group.
fn kill_tree(root: u32) {
    let Ok(root) = i32::try_from(root) else {
        return;
    };
    let _ = killpg(Pid::from_raw(root), Signal::SIGSTOP);
    let mut seen = BTreeSet::new();
    // Two passes: a process forked between our reading /proc and the SIGSTOP shows up in the
    // second.
    for _ in 0..2 {
        for pid in descendants(root) {
            if seen.insert(pid) {
                let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
            }
        }
    }
    for &pid in &seen {
        if let Some(pgid) = stat_field(pid, 2) {
            // Only groups that one of the tree leads, never ours or the session's.
            if seen.contains(&pgid) || pgid == root {
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            }
        }
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = killpg(Pid::from_raw(root), Signal::SIGKILL);
}

/// Every process below `root`, from /proc (Linux; elsewhere, none: the group kill remains).
fn descendants(root: i32) -> Vec<i32> {
    let mut parent_of = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            if let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<i32>().ok())
                && let Some(ppid) = stat_field(pid, 1)
            {
                parent_of.insert(pid, ppid);
            }
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (&pid, &ppid) in &parent_of {
            if ppid == p && !found.contains(&pid) {
                found.push(pid);
                frontier.push(pid);
            }
        }
    }
    found
}

/// Field `n` after the command name of /proc/<pid>/stat: 1 = ppid, 2 = pgrp.
fn stat_field(pid: i32, n: usize) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: read after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(n)?.parse().ok()
}

/// How one test ended, from libtest's `test <name> ... <outcome>` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibtestOutcome {
    Ok,
    Failed,
    Ignored,
}

/// Parses libtest's (and libtest-mimic's) `test <name> ... ok|FAILED|ignored` lines.
pub fn parse_results(stdout: &str) -> BTreeMap<String, LibtestOutcome> {
    stdout
        .lines()
        .filter_map(|line| {
            let (name, outcome) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
            let name = name.trim_end(); // libtest-mimic pads names to one width
            let outcome = match outcome.trim() {
                "ok" => LibtestOutcome::Ok,
                "FAILED" => LibtestOutcome::Failed,
                o if o == "ignored" || o.starts_with("ignored,") => LibtestOutcome::Ignored,
                _ => return None,
            };
            let name = name.strip_suffix(" - should panic").unwrap_or(name);
            Some((name.to_string(), outcome))
        })
        .collect()
}

/// Parses `<test binary> --list`: `<name>: test` lines.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// The first line of each failed test's panic message, from libtest's `---- <name> stdout ----`
/// sections (libtest-mimic, behind `support::fork`, writes `---- <name> ----`). A test without
/// a section has no entry: a message from elsewhere could belong to another test.
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
            section.extend(lines.next());
        }
        if let Some(m) = panic_line(&section) {
            out.insert(name.to_string(), m);
        }
    }
    out
}

/// The line after the last `thread '...' panicked at ...:` line, or the first non-empty line.
fn panic_line(section: &[&str]) -> Option<String> {
    let at = section
        .iter()
        .rposition(|l| l.starts_with("thread '") && l.contains("panicked at"));
    match at {
        Some(i) => section.get(i + 1).map(|l| l.trim().to_string()),
        None => section
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .map(str::to_string),
    }
}

/// What one `cargo build --message-format=json` made: the `spec` executable of each package
/// (by manifest folder) and the compiler's first error per package.
#[derive(Debug, Default)]
pub struct Built {
    pub specs: BTreeMap<PathBuf, PathBuf>,
    pub errors: BTreeMap<PathBuf, String>,
}

impl Built {
    pub fn parse(stdout: &str) -> Built {
        let mut built = Built::default();
        for line in stdout.lines().filter(|l| l.starts_with('{')) {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(dir) = msg["manifest_path"]
                .as_str()
                .and_then(|p| PathBuf::from(p).parent().map(PathBuf::from))
            else {
                continue;
            };
            match msg["reason"].as_str() {
                Some("compiler-artifact") if msg["target"]["name"] == "spec" => {
                    if let Some(exe) = msg["executable"].as_str() {
                        built.specs.insert(dir, PathBuf::from(exe));
                    }
                }
                Some("compiler-message") if msg["message"]["level"] == "error" => {
                    let text = msg["message"]["message"].as_str().unwrap_or("error");
                    built.errors.entry(dir).or_insert_with(|| text.to_string());
                }
                _ => {}
            }
        }
        built
    }
}

/// Processes whose command line holds `needle` (for tests: strays left behind).
pub fn processes_matching(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let me = std::process::id().to_string();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                if cmdline.contains(needle) {
                    found.push(format!("{pid}: {cmdline}"));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_results_and_messages() {
        let out = "\nrunning 3 tests\ntest a ... ok\ntest b - should panic ... ok\ntest c ... FAILED\n\n\
                   failures:\n\n---- c stdout ----\n\nthread 'c' panicked at tests/spec.rs:3:5:\nexpected 3, got 4\nnote: run with\n\nfailures:\n    c\n";
        let r = parse_results(out);
        assert_eq!(r["a"], LibtestOutcome::Ok);
        assert_eq!(r["b"], LibtestOutcome::Ok);
        assert_eq!(r["c"], LibtestOutcome::Failed);
        assert_eq!(failure_messages(out)["c"], "expected 3, got 4");
        assert_eq!(
            parse_list("x::y: test\nz: test\n\n2 tests\n"),
            ["x::y", "z"]
        );
    }

    #[test]
    fn the_watchdog_kills_the_whole_tree_and_reaps_the_child() {
        // A shell that starts a grandchild in a group of its own (setsid would also leave the
        // session; a group is what the fork harness makes), then hangs.
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "set -m; sleep 876543 & echo started; exec sleep 876544",
        ]);
        let done = run_with_watchdog(&mut cmd, Duration::from_millis(500)).unwrap();
        assert!(done.timed_out(), "the watchdog did not fire");
        assert_eq!(done.stdout, "started\n");
        let left = crate::run::tests::processes_with_arg("87654");
        assert!(left.is_empty(), "left behind: {left:?}");

        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hi; exit 3"]);
        let done = run_with_watchdog(&mut cmd, Duration::from_secs(600)).unwrap();
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert_eq!(done.stdout, "hi\n");
    }

    /// Live processes (not zombies being reaped) whose command line holds `needle`; waits a
    /// little for killed ones to disappear.
    pub fn processes_with_arg(needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = crate::run::processes_matching(needle);
            if found.is_empty() || Instant::now() > deadline {
                return found;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}
