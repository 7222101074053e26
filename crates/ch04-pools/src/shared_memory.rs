//! Shared memory: bytes that a process and the workers it forks afterwards all see.
//!
//! A pipe copies every byte twice (into the kernel, out of it) and the pool encodes
//! and decodes them on both sides. A mapping made with `mmap(MAP_SHARED |
//! MAP_ANONYMOUS)` before `fork` is not copied by the fork: parent and children map
//! the same physical pages, so a worker can write its results where the parent reads
//! them, and only a few bytes ("done") cross the pipe. CPython's counterpart is
//! `multiprocessing.shared_memory.SharedMemory`.
//!
//! The price is discipline. The compiler cannot see the other processes, so nothing
//! stops two of them from writing the same byte at once. The rule here: each task
//! writes its own disjoint slice, and the parent reads a slice only after the task
//! that wrote it has answered through the pool (`get` returned).

use std::error::Error;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::ptr::NonNull;
use std::sync::{Mutex, MutexGuard, OnceLock};

use ch03_processes::sys::map_anonymous;
use nix::errno::Errno;
use nix::sys::mman::{MapFlags, munmap};

use crate::process_pool::ProcessPool;

// ANCHOR: shared_bytes
/// `len` bytes mapped `MAP_SHARED | MAP_ANONYMOUS`: shared with every child forked
/// after [`SharedBytes::new`], zeroed at the start, unmapped on drop.
pub struct SharedBytes {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: a `SharedBytes` is an address and a length. Reading or writing the bytes
// needs the `unsafe` methods below, whose callers promise that nobody (thread or
// process) writes a range while another reads or writes it; so sharing or sending the
// handle itself is harmless.
unsafe impl Send for SharedBytes {}
// SAFETY: as for `Send`.
unsafe impl Sync for SharedBytes {}

impl SharedBytes {
    /// Maps `len` zeroed bytes of shared memory; `EINVAL` for `len == 0`.
    pub fn new(len: usize) -> Result<Self, Errno> {
        let size = NonZeroUsize::new(len).ok_or(Errno::EINVAL)?;
        let ptr = map_anonymous(size, MapFlags::MAP_SHARED)?;
        Ok(SharedBytes {
            ptr: ptr.cast(),
            len,
        })
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false`: a mapping has at least one byte.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes in `range`, to read.
    ///
    /// # Safety
    /// No thread or process may write any byte of `range` while the slice lives.
    ///
    /// # Panics
    /// If `range` does not lie within the region.
    pub unsafe fn slice(&self, range: Range<usize>) -> &[u8] {
        let start = self.checked(&range);
        // SAFETY: in bounds (checked); no writer meanwhile (the caller's promise).
        unsafe { std::slice::from_raw_parts(start, range.len()) }
    }

    /// The bytes in `range`, to write.
    ///
    /// # Safety
    /// No other thread or process may read or write any byte of `range` while the
    /// slice lives, and no other slice of this process may overlap it.
    ///
    /// # Panics
    /// If `range` does not lie within the region.
    // the exclusivity is the caller's promise, as documented
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn slice_mut(&self, range: Range<usize>) -> &mut [u8] {
        let start = self.checked(&range);
        // SAFETY: in bounds (checked); exclusive for its lifetime (the
        // caller's promise).
        unsafe { std::slice::from_raw_parts_mut(start, range.len()) }
    }

    fn checked(&self, range: &Range<usize>) -> *mut u8 {
        assert!(
            range.start <= range.end && range.end <= self.len,
            "range {range:?} outside the {} shared bytes",
            self.len
        );
        // SAFETY: `range.start <= len`: the result stays within (or one
        // past) the mapping.
        unsafe { self.ptr.as_ptr().add(range.start) }
    }
}

impl Drop for SharedBytes {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `new` with this address and
        // length, and every slice borrowed from `self` has ended.
        // Children keep their own mapping of the pages.
        let _ = unsafe { munmap(self.ptr.cast(), self.len) };
    }
}
// ANCHOR_END: shared_bytes

// ANCHOR: region
/// This process's shared region, for the tasks below. A task is a plain `fn`: it
/// cannot capture the region, so it finds it here, in the copy of this static its
/// worker inherited.
static REGION: OnceLock<SharedBytes> = OnceLock::new();

/// Maps this process's shared region of `len` bytes. Call it before creating the
/// pool: only workers forked afterwards share it. Fails if it exists already or
/// cannot be mapped.
pub fn share(len: usize) -> Result<&'static SharedBytes, Errno> {
    if REGION.get().is_some() {
        return Err(Errno::EEXIST);
    }
    REGION
        .set(SharedBytes::new(len)?)
        .map_err(|_| Errno::EEXIST)?;
    Ok(region())
}

fn region() -> &'static SharedBytes {
    REGION.get().expect(NO_REGION)
}

const NO_REGION: &str =
    "shared_memory::share must be called before the pool is created";

/// The region, for the parent's functions: its absence is an error, not a panic.
fn shared_region() -> Result<&'static SharedBytes, Box<dyn Error>> {
    REGION.get().ok_or_else(|| NO_REGION.into())
}

/// One call at a time hands out the region: two calls on two threads (on one pool or
/// on two) would give their tasks overlapping slots.
static IN_USE: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    IN_USE.lock().unwrap_or_else(|e| e.into_inner())
}
// ANCHOR_END: region

// ANCHOR: squares
/// A worker's task: write the squares of `first..end` into their slots (8 bytes each)
/// of the shared region; returns this worker's pid.
fn write_squares((first, end): (u64, u64)) -> u32 {
    let range = first as usize * 8..end as usize * 8;
    // SAFETY: `squares` gives each task a disjoint range of slots, reads none of them
    // before every task has answered, and runs alone (`exclusive`).
    let slots = unsafe { region().slice_mut(range) };
    for (slot, i) in slots.chunks_exact_mut(8).zip(first..end) {
        slot.copy_from_slice(&(i * i).to_le_bytes());
    }
    std::process::id()
}

/// The squares of `0..n`, computed by the pool's workers in `parts` disjoint slices
/// of the shared region, read by the parent once every part has answered. Also
/// returns the pid of the worker that wrote each part.
pub fn squares(
    pool: &ProcessPool,
    n: u64,
    parts: usize,
) -> Result<(Vec<u64>, Vec<u32>), Box<dyn Error>> {
    let region = shared_region()?;
    let bytes = usize::try_from(n).ok().and_then(|n| n.checked_mul(8));
    let Some(bytes) = bytes.filter(|&bytes| bytes <= region.len()) else {
        let room = region.len();
        return Err(format!("{n} squares do not fit the {room} shared bytes").into());
    };
    let _only_us = exclusive();
    let chunks = workloads::split_range(0..n, parts.max(1)).unwrap_or_default();
    let submitted: Vec<_> = chunks
        .iter()
        .map(|c| pool.apply_async(write_squares, (c.start, c.end)))
        .collect();
    // Every task handed out answers before we return, even after an error: one still
    // running would write the region after us, into the next call's slots.
    let answers: Vec<Result<u32, Box<dyn Error>>> =
        submitted.into_iter().map(|task| Ok(task?.get()?)).collect();
    let pids = answers.into_iter().collect::<Result<Vec<_>, _>>()?;
    // SAFETY: every task has answered, so no worker writes any more; no other call of
    // ours runs (`exclusive`).
    let slots = unsafe { region.slice(0..bytes) };
    let values = slots
        .chunks_exact(8)
        .map(|s| u64::from_le_bytes(s.try_into().expect("8 bytes")))
        .collect();
    Ok((values, pids))
}
// ANCHOR_END: squares

// ANCHOR: echo
/// A worker's task: copy the `len` bytes at the start of the region's first half into
/// its second half; returns `len`.
fn echo_shared(len: u64) -> u64 {
    let region = region();
    let (half, len) = (region.len() / 2, len as usize);
    // SAFETY: only `echo_through_shared_memory` sends this task, one at a time, and
    // it neither reads nor writes the region until the task has answered.
    let (input, output) =
        unsafe { (region.slice(0..len), region.slice_mut(half..half + len)) };
    output.copy_from_slice(input);
    len as u64
}

/// `data` to a worker and back through shared memory: the parent copies it into the
/// region, the worker copies it to the other half, the parent copies it out. Only the
/// length and the reply cross the pipes.
pub fn echo_through_shared_memory(
    pool: &ProcessPool,
    data: &[u8],
) -> Result<Vec<u8>, Box<dyn Error>> {
    let region = shared_region()?;
    let (half, len) = (region.len() / 2, data.len());
    if len > half {
        return Err(format!("{len} bytes do not fit half the shared region").into());
    }
    let _only_us = exclusive();
    // SAFETY: no other call of ours runs (`exclusive`) and each waits for its task,
    // so no worker touches the region now.
    unsafe { region.slice_mut(0..len) }.copy_from_slice(data);
    let echoed = pool.apply_async(echo_shared, len as u64)?.get()?;
    assert_eq!(echoed, len as u64);
    // SAFETY: the task has answered: its worker no longer writes the region.
    Ok(unsafe { region.slice(half..half + len) }.to_vec())
}
// ANCHOR_END: echo
