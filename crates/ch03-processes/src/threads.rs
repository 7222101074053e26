//! Threads and fork: only the calling thread survives into the child.
//!
//! `fork` copies the whole memory of the process but starts the child
//! with a single thread, a copy of the one that called `fork`. Every
//! other thread is simply absent. If one of them held a lock at that
//! instant, the lock's memory says "held" in the child, and no thread
//! there will ever release it. [`lock_across_fork`] shows exactly that.
//!
//! Counting threads, which `spawn` does before every fork, lives in [`crate::sys`]
//! ([`thread_count`](crate::sys::thread_count),
//! [`ensure_single_threaded`](crate::sys::ensure_single_threaded)).

use std::io::{Read, Write};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::Duration;

use crate::error::ProcessError;
use crate::handle::spawn_unchecked;
use crate::sys::{pipe, readable_within, thread_count};

/// What [`lock_across_fork`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockAcrossFork {
    /// Threads in the parent at the moment of the fork (at least the
    /// caller and the holder).
    pub threads_in_parent: usize,
    /// Threads in the child: always 1, the copy of the forking thread.
    pub threads_in_child: u64,
    /// Whether the parent could take the lock after its holder released it: yes.
    pub parent_got_the_lock: bool,
    /// Whether the child could take it, after the parent had already taken and
    /// released it: no.
    pub child_got_the_lock: bool,
}

/// The lock of the demonstration. A static, so the child finds it at
/// the same address.
static SHARED: Mutex<u64> = Mutex::new(0);

// ANCHOR: lock_across_fork
/// Forks while another thread holds a lock, and reports who can take
/// the lock afterwards.
///
/// 1. a helper thread takes `SHARED` and holds it;
/// 2. the calling thread forks a child, which waits on a pipe;
/// 3. the parent tells the helper to release the lock, joins it, takes
///    the lock itself;
/// 4. only then the parent lets the child go on: the child calls
///    `try_lock` and fails. The lock was released in the parent, but in
///    the child's copy it is still held, by a thread that does not
///    exist there. A blocking `lock()` would wait forever.
pub fn lock_across_fork() -> Result<LockAcrossFork, ProcessError> {
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let guard = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = locked_tx.send(());
        // hold the lock until told (or until the sender is gone)
        let _ = release_rx.recv();
        drop(guard);
    });
    locked_rx
        .recv()
        .map_err(|_| std::io::Error::other("the holder thread died"))?;
    let threads_in_parent = thread_count().unwrap_or(0);

    let (mut go_reader, mut go_writer) = pipe()?;
    // SAFETY: another thread holds `SHARED`, on purpose. The child never blocks on
    // it: it waits on a pipe (with a time limit), then only calls `try_lock`, counts
    // its threads and reports. It takes no other lock the holder thread could hold
    // (no printing, no environment, no panic). It allocates (reading /proc, encoding
    // the result): point 2 of `spawn_unchecked`'s contract, true with glibc, macOS
    // and musl from 1.2.2, whose `malloc` resets its locks in the child (the crate
    // sets no `#[global_allocator]`).
    let child = unsafe {
        spawn_unchecked(move || {
            let mut go = [0u8; 1];
            if readable_within(&go_reader, Duration::from_secs(30)) {
                let _ = go_reader.read(&mut go);
            }
            let threads = thread_count().unwrap_or(0) as u64;
            (threads, SHARED.try_lock().is_ok())
        })
    }?;

    let _ = release_tx.send(());
    let _ = holder.join();
    let parent_got_the_lock = SHARED.try_lock().is_ok();
    go_writer.write_all(b"g")?;
    let (threads_in_child, child_got_the_lock) = child.join()?;
    Ok(LockAcrossFork {
        threads_in_parent,
        threads_in_child,
        parent_got_the_lock,
        child_got_the_lock,
    })
}
// ANCHOR_END: lock_across_fork

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_harness_runs_several_threads_so_spawn_refuses() {
        // libtest runs this test on a thread of its own, beside its main thread.
        assert!(thread_count().unwrap() >= 2);
        let err = crate::spawn(|| 1u64).unwrap_err();
        assert!(
            matches!(err, ProcessError::OtherThreads { threads } if threads >= 2),
            "{err}"
        );
    }

    #[test]
    fn a_lock_held_by_another_thread_stays_locked_in_the_child() {
        let seen = support::within_patience(lock_across_fork).unwrap();
        assert!(seen.threads_in_parent >= 2, "{seen:?}");
        assert_eq!(seen.threads_in_child, 1, "only the forking thread lives on");
        assert!(
            seen.parent_got_the_lock,
            "the holder released it in the parent"
        );
        assert!(
            !seen.child_got_the_lock,
            "in the child it is held by a thread that is not there"
        );
        assert!(support::zombies().is_empty());
    }
}
