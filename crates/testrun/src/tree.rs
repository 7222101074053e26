//! A process tree on Linux, from /proc: stopping and killing all of it, and finding processes.

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use std::collections::BTreeSet;
use std::fs;

/// Kills the group `pgid` leads (`process_group(0)` made the child's pgid equal to its pid).
pub(crate) fn kill_group(pgid: u32) {
    let _ = killpg(Pid::from_raw(pgid as i32), Signal::SIGKILL);
}

/// Stops `root`'s process tree: first every descendant is stopped (SIGSTOP, so none can start
/// more while we look), then their groups and they are killed, then `root`'s group.
pub(crate) fn kill_tree(root: u32) {
    let root = root as i32;
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
        // Only groups that one of the tree leads, never ours or the session's.
        if let Some((_, pgid)) = stat(pid)
            && (seen.contains(&pgid) || pgid == root)
        {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = killpg(Pid::from_raw(root), Signal::SIGKILL);
}

/// The pids in /proc (Linux; elsewhere, none: the group kill remains).
fn pids() -> impl Iterator<Item = i32> {
    let entries = fs::read_dir("/proc").into_iter().flatten().flatten();
    entries.filter_map(|e| e.file_name().to_str()?.parse().ok())
}

/// Every process below `root`.
fn descendants(root: i32) -> Vec<i32> {
    let parents: Vec<(i32, i32)> =
        pids().filter_map(|pid| Some((pid, stat(pid)?.0))).collect();
    let mut found = vec![root];
    let mut next = 0;
    while let Some(&parent) = found.get(next) {
        for &(pid, ppid) in &parents {
            if ppid == parent && !found.contains(&pid) {
                found.push(pid);
            }
        }
        next += 1;
    }
    found.split_off(1)
}

/// The ppid and pgrp of `pid`, from /proc/<pid>/stat.
fn stat(pid: i32) -> Option<(i32, i32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: read after the last ')', where
    // the state comes first.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace().skip(1);
    Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
}

/// Processes whose command line holds `needle` (for tests: strays left behind).
pub fn processes_matching(needle: &str) -> Vec<String> {
    let me = std::process::id() as i32;
    pids()
        .filter(|&pid| pid != me)
        .filter_map(|pid| {
            let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline
                .contains(needle)
                .then(|| format!("{pid}: {cmdline}"))
        })
        .collect()
}
