//! What a fork costs as the parent grows, and what copy-on-write copies.
//!
//! `fork` does not copy the parent's memory. It copies the parent's page tables, one
//! entry per resident page, and marks every private page read-only in both processes;
//! the first write to a page that both still map, by either of them, copies that one
//! page. So a fork costs time in proportion to the pages the parent has mapped, and
//! the child costs memory in proportion to the pages it writes.
//!
//! * [`Resident`]: memory the process really holds (every page written once), of
//!   small pages or huge ones, so that a measurement knows what it forks.
//! * [`fork_exit_wait`]: the bare round trip, a child that `_exit`s at
//!   once and its `waitpid`.
//! * [`run_true`]: the same round trip through [`std::process::Command`], which on
//!   Linux and macOS starts the child with `posix_spawn` and copies no page table.
//! * [`child_private_dirty_kib`]: how much memory a child made its own
//!   while it ran a closure.

use std::num::NonZeroUsize;
use std::process::Command;
use std::ptr::NonNull;

use nix::sys::mman::{MapFlags, munmap};
#[cfg(any(target_os = "linux", target_os = "android"))]
use nix::sys::mman::{MmapAdvise, madvise};
use nix::unistd::{ForkResult, fork};

use crate::error::{Exit, ProcessError};
use crate::handle::spawn;
use crate::sys::{
    ensure_single_threaded, exit_now, flush_stdio, map_anonymous, wait_for,
};

/// The size of a base page, 4 KiB on x86-64 Linux.
pub fn page_size() -> usize {
    // SAFETY: `sysconf` only reads a system constant; it has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size)
        .ok()
        .filter(|&n| n > 0)
        .unwrap_or(4096)
}

/// Which pages a [`Resident`] region asks the kernel for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// Base pages only (`MADV_NOHUGEPAGE`): one page-table entry per 4 KiB.
    Small,
    /// Transparent huge pages where the kernel grants them (`MADV_HUGEPAGE`): one
    /// entry per 2 MiB on x86-64. Linux only; elsewhere the same as `Small`.
    Huge,
}

// ANCHOR: resident
/// `len` bytes of private anonymous memory, every page written once, so that all of
/// it is resident: what a big `Vec` the program has filled looks like to the kernel.
#[derive(Debug)]
pub struct Resident {
    /// The mapping; `None` for a zero-length region.
    map: Option<NonNull<u8>>,
    len: usize,
}

impl Resident {
    /// Maps `len` bytes, asks for `pages`, and writes one byte in every page.
    pub fn new(len: usize, pages: Pages) -> Result<Self, ProcessError> {
        let Some(size) = NonZeroUsize::new(len) else {
            return Ok(Self { map: None, len: 0 });
        };
        let map = map_anonymous(size, MapFlags::MAP_PRIVATE)?;
        let mut region = Self {
            map: Some(map.cast()),
            len,
        };
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let advice = match pages {
                Pages::Small => MmapAdvise::MADV_NOHUGEPAGE,
                Pages::Huge => MmapAdvise::MADV_HUGEPAGE,
            };
            // SAFETY: the range is exactly the mapping made above; the
            // advice changes only how the kernel backs it, not its
            // contents. Refused advice (a kernel without transparent
            // huge pages) is harmless: the region keeps small pages.
            let _ = unsafe { madvise(map, len, advice) };
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = pages;
        region.write_pages(len);
        Ok(region)
    }

    /// The region's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the region is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn bytes(&self) -> &[u8] {
        match self.map {
            // SAFETY: `map` is a live mapping of `len` readable bytes,
            // owned by `self`.
            Some(map) => unsafe {
                std::slice::from_raw_parts(map.as_ptr(), self.len)
            },
            None => &[],
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self.map {
            // SAFETY: as in `bytes`, and `&mut self` makes this the only reference.
            Some(map) => unsafe {
                std::slice::from_raw_parts_mut(map.as_ptr(), self.len)
            },
            None => &mut [],
        }
    }

    /// Reads one byte of every page, and returns their sum (so the reads are not
    /// optimised out).
    pub fn read_pages(&self) -> u64 {
        let step = page_size();
        self.bytes()
            .iter()
            .step_by(step)
            .map(|&b| u64::from(b))
            .sum()
    }

    /// Writes one byte in every page of the first `len` bytes.
    pub fn write_pages(&mut self, len: usize) {
        let step = page_size();
        let end = len.min(self.len);
        for byte in self.bytes_mut()[..end].iter_mut().step_by(step) {
            *byte = byte.wrapping_add(1);
        }
    }

    /// How many of the region's pages are in memory now (`mincore`).
    pub fn resident_pages(&self) -> usize {
        let Some(map) = self.map else { return 0 };
        let pages = self.len.div_ceil(page_size());
        let mut status = vec![0u8; pages];
        // SAFETY: `map` is page-aligned (mmap returns it so) and maps
        // `len` bytes; `status` has one byte per page of that length,
        // which is what mincore fills in.
        let ok = unsafe {
            libc::mincore(map.as_ptr().cast(), self.len, status.as_mut_ptr().cast())
        };
        if ok != 0 {
            return 0;
        }
        status.iter().filter(|&&s| s & 1 == 1).count()
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        if let Some(map) = self.map.take() {
            // SAFETY: the mapping was made in `new` with this length and is unmapped
            // once; no reference into it outlives `self`.
            let _ = unsafe { munmap(map.cast(), self.len) };
        }
    }
}
// ANCHOR_END: resident

// ANCHOR: fork_exit_wait
/// Forks a child that `_exit`s at once, and reaps it: the bare cost of
/// a fork, which grows with the parent's resident memory. Refuses in a
/// threaded process, like `spawn`.
pub fn fork_exit_wait() -> Result<(), ProcessError> {
    ensure_single_threaded()?;
    flush_stdio();
    // SAFETY: the process runs one thread (checked above); the child
    // calls only `_exit`.
    match unsafe { fork() }? {
        ForkResult::Child => exit_now(0),
        ForkResult::Parent { child } => match wait_for(child)? {
            Exit::Code(0) => Ok(()),
            Exit::Code(code) => Err(ProcessError::Exited {
                pid: child.as_raw() as u32,
                code,
            }),
            Exit::Signal(signal) => Err(ProcessError::Signaled {
                pid: child.as_raw() as u32,
                signal,
            }),
        },
    }
}

/// Runs the program `true` with [`Command`] and waits for it: a start that copies no
/// page table (std uses `posix_spawn` where it can), plus an `exec`.
pub fn run_true() -> Result<(), ProcessError> {
    let status = Command::new("true").status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("`true` failed: {status}")).into())
    }
}
// ANCHOR_END: fork_exit_wait

// ANCHOR: private_dirty
/// This process's private dirty memory in KiB: pages it wrote that no other process
/// shares, copies made by copy-on-write among them. Linux only
/// (`/proc/self/smaps_rollup`).
pub fn private_dirty_kib() -> Option<u64> {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").ok()?;
    rollup
        .lines()
        .filter(|line| line.starts_with("Private_Dirty:"))
        .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
        .next()
}

/// Forks a child that runs `work`, then reports its private dirty memory in KiB.
pub fn child_private_dirty_kib(work: impl FnOnce()) -> Result<u64, ProcessError> {
    spawn(|| {
        work();
        private_dirty_kib().unwrap_or(0)
    })?
    .join()
}
// ANCHOR_END: private_dirty

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resident_region_is_all_in_memory() {
        let region = Resident::new(8 << 20, Pages::Small).unwrap();
        assert_eq!(region.len(), 8 << 20);
        assert_eq!(region.resident_pages(), (8 << 20) / page_size());
        assert_eq!(region.read_pages(), ((8 << 20) / page_size()) as u64);
    }

    #[test]
    fn an_empty_region_maps_nothing() {
        let mut region = Resident::new(0, Pages::Huge).unwrap();
        region.write_pages(100);
        assert!(region.is_empty());
        assert_eq!((region.read_pages(), region.resident_pages()), (0, 0));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn private_dirty_memory_is_reported() {
        assert!(private_dirty_kib().is_some_and(|kib| kib > 0));
    }

    #[test]
    fn command_runs_true() {
        run_true().unwrap();
    }
}
