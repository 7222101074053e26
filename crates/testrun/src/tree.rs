//! A process tree on Linux, from /proc: stopping and killing all of it, and finding processes.

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use std::collections::{BTreeMap, BTreeSet};

/// Kills the group `pgid` leads (`process_group(0)` made the child's pgid equal to its pid).
pub(crate) fn kill_group(pgid: u32) {
    if let Ok(pgid) = i32::try_from(pgid) {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
}

/// Stops `root`'s process tree: first every descendant is stopped (SIGSTOP, so none can start
/// more while we look), then their groups and they are killed, then `root`'s group.
pub(crate) fn kill_tree(root: u32) {
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
