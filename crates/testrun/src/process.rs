//! Child processes: the nested cargo, and running a command in its own process group under a
//! watchdog. When it fires, the whole tree is killed: the group, and every descendant with the
//! group of each (a fork-based spec harness gives each test a group of its own). The child is
//! always reaped; descendants left behind are orphans that init reaps once they are killed.

use crate::tree::{kill_group, kill_tree};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// The cargo that runs nested builds: the one running us (`CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
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

/// Runs `cmd` in its own process group, capturing its output. After `limit`, its whole tree is
/// killed and `status` is `None`.
pub fn run_with_watchdog(cmd: &mut Command, limit: Duration) -> Result<Finished> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn_in_group(cmd)?;
    let out = read_all(child.stdout.take().context("child stdout")?);
    let err = read_all(child.stderr.take().context("child stderr")?);
    let status = wait_or_kill(&mut child, limit, || {
        thread::sleep(Duration::from_millis(50))
    })?;
    // Grandchildren that outlive the child would keep the pipes open: stop them too.
    kill_group(child.id());
    Ok(Finished {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Runs `cmd` in its own process group with stdout and stderr merged into one pipe, so the
/// lines keep the order they were written in; `on_line` sees each line as it arrives. The merged
/// text is returned in `stdout` (`stderr` stays empty). After `limit`, the tree is killed.
pub fn run_streaming(
    cmd: &mut Command,
    limit: Duration,
    mut on_line: impl FnMut(&str),
) -> Result<Finished> {
    let (reader, writer) = std::io::pipe().context("creating a pipe")?;
    cmd.stdout(writer.try_clone().context("duplicating a pipe")?)
        .stderr(writer);
    let spawned = spawn_in_group(cmd);
    // Drop our copies of the pipe's write end, or the reader would never see its end.
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = spawned?;
    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        for line in BufReader::new(reader).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line);
            if tx.send(line.trim_end_matches('\r').to_string()).is_err() {
                break;
            }
        }
    });
    let mut merged = String::new();
    let mut take = |line: String| {
        on_line(&line);
        merged.push_str(&line);
        merged.push('\n');
    };
    let status = wait_or_kill(&mut child, limit, || {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(line) => take(line),
            // The pipe is closed, the child not yet reaped.
            Err(RecvTimeoutError::Disconnected) => {
                thread::sleep(Duration::from_millis(50))
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    })?;
    // Stop what cargo left in its group, then read what is still in the pipe. A process that
    // left the group (the spec runner gives each test a group of its own) may hold the pipe
    // open: stop reading after a grace period rather than wait for it.
    kill_group(child.id());
    let grace = Instant::now() + Duration::from_secs(2);
    while let Some(left) = grace.checked_duration_since(Instant::now())
        && let Ok(line) = rx.recv_timeout(left)
    {
        take(line);
    }
    Ok(Finished {
        status,
        stdout: merged,
        stderr: String::new(),
    })
}

/// Spawns `cmd` with no stdin, as the leader of a process group of its own.
fn spawn_in_group(cmd: &mut Command) -> Result<Child> {
    cmd.stdin(Stdio::null()).process_group(0);
    cmd.spawn().with_context(|| format!("starting {cmd:?}"))
}

/// Reads all of `pipe` on a thread of its own.
fn read_all(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Calls `between` (which waits a little) until `child` exits or `limit` has passed; then kills
/// its tree and reaps it, and the status is `None`.
fn wait_or_kill(
    child: &mut Child,
    limit: Duration,
    mut between: impl FnMut(),
) -> Result<Option<ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().context("waiting for the child")? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            break;
        }
        between();
    }
    kill_tree(child.id());
    let _ = child.wait();
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    /// Live processes (not zombies being reaped) whose command line holds `needle`; waits a
    /// little for killed ones to disappear.
    fn processes_with_arg(needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = crate::processes_matching(needle);
            if found.is_empty() || Instant::now() > deadline {
                return found;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn the_watchdog_kills_the_whole_tree_and_reaps_the_child() {
        // A shell that starts a grandchild in a group of its own (setsid would also leave the
        // session; a group is what the fork harness makes), then hangs.
        let mut cmd = sh("set -m; sleep 876543 & echo started; exec sleep 876544");
        let done = run_with_watchdog(&mut cmd, Duration::from_millis(500)).unwrap();
        assert!(done.timed_out(), "the watchdog did not fire");
        assert_eq!(done.stdout, "started\n");
        let left = processes_with_arg("87654");
        assert!(left.is_empty(), "left behind: {left:?}");

        let done =
            run_with_watchdog(&mut sh("echo hi; exit 3"), Duration::from_secs(600))
                .unwrap();
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert_eq!(done.stdout, "hi\n");
    }

    #[test]
    fn streaming_merges_both_streams_in_order_and_kills_a_hung_child() {
        let mut seen = Vec::new();
        let mut cmd = sh("echo one; echo two >&2; echo three; exit 2");
        let done = run_streaming(&mut cmd, Duration::from_secs(600), |l| {
            seen.push(l.to_string())
        })
        .unwrap();
        assert_eq!(seen, ["one", "two", "three"]);
        assert_eq!(done.stdout, "one\ntwo\nthree\n");
        assert_eq!(done.status.and_then(|s| s.code()), Some(2));

        let mut cmd = sh("echo started; sleep 600");
        let done =
            run_streaming(&mut cmd, Duration::from_millis(300), |_| {}).unwrap();
        assert!(done.timed_out());
        assert_eq!(done.stdout, "started\n");
    }
}
