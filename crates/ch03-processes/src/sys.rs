//! Small Unix helpers shared by the fork-based modules: a close-on-exec pipe, waiting for a
//! child, leaving a child, and counting this process's threads (which `spawn` does before
//! every fork).

use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::error::{Exit, ProcessError};

/// A pipe whose two ends close on `exec`, so programs started later never inherit them.
///
/// Where the system allows it, the pipe is created close-on-exec in one call,
/// `pipe2(O_CLOEXEC)`: setting the flag afterwards leaves a moment in which another thread's
/// `fork` + `exec` would carry both ends into an unrelated program. macOS has no `pipe2`; there
/// the flag is set right after creation.
pub fn pipe() -> Result<(File, File), ProcessError> {
    #[cfg(not(target_vendor = "apple"))]
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
    #[cfg(target_vendor = "apple")]
    let (read, write) = {
        use nix::fcntl::{FcntlArg, FdFlag, fcntl};
        let (read, write) = nix::unistd::pipe()?;
        for fd in [&read, &write] {
            fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
        }
        (read, write)
    };
    Ok((File::from(read), File::from(write)))
}

// ANCHOR: thread_count
/// How many threads this process runs now, or `None` where the platform does not say.
#[cfg(target_os = "linux")]
pub fn thread_count() -> Option<usize> {
    // One directory per thread; /proc/self/status's "Threads:" line says the same.
    std::fs::read_dir("/proc/self/task")
        .ok()
        .map(|dir| dir.count())
}
// ANCHOR_END: thread_count

/// How many threads this process runs now, or `None` where the platform does not say.
#[cfg(target_os = "macos")]
pub fn thread_count() -> Option<usize> {
    let size = std::mem::size_of::<libc::proc_taskinfo>();
    // SAFETY: `proc_taskinfo` is a plain C struct of integers: all-zero bytes are a valid value.
    let mut info: libc::proc_taskinfo = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a writable buffer of exactly `size` bytes, which is what the
    // PROC_PIDTASKINFO flavour fills in for our own pid.
    let written = unsafe {
        libc::proc_pidinfo(
            libc::getpid(),
            libc::PROC_PIDTASKINFO,
            0,
            (&raw mut info).cast(),
            size as libc::c_int,
        )
    };
    (usize::try_from(written).ok() == Some(size)).then(|| info.pti_threadnum as usize)
}

/// How many threads this process runs now, or `None` where the platform does not say.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub fn thread_count() -> Option<usize> {
    None
}

/// How long [`ensure_single_threaded`] waits for threads that are already joined to leave the
/// count before it believes they still run.
pub const JOINED_THREAD_GRACE: Duration = Duration::from_millis(100);

// ANCHOR: ensure_single_threaded
/// `Ok` if the process runs exactly one thread; otherwise the error `spawn` refuses with.
///
/// A thread that was just joined can still be counted for a moment: `join` returns when the
/// kernel wakes the joining thread, which it does while the exiting thread is still tearing
/// itself down, before it leaves `/proc/self/task` (measured here: up to about half a
/// millisecond, in 1 of a few dozen to 1 of 20,000 joins, depending on load). So a count above
/// one is read again, for at most [`JOINED_THREAD_GRACE`], before `spawn` refuses. A thread
/// that really runs is refused after that grace; one that has finished never is.
pub fn ensure_single_threaded() -> Result<(), ProcessError> {
    let deadline = Instant::now() + JOINED_THREAD_GRACE;
    loop {
        match thread_count() {
            Some(1) => return Ok(()),
            Some(threads) if Instant::now() >= deadline => {
                return Err(ProcessError::OtherThreads { threads });
            }
            Some(_) => std::thread::sleep(Duration::from_micros(100)),
            None => {
                return Err(ProcessError::Unsupported(
                    "cannot count this process's threads on this platform, so fork cannot be \
                     checked; use `spawn_unchecked` if you know the process is single-threaded",
                ));
            }
        }
    }
}
// ANCHOR_END: ensure_single_threaded

/// Waits for child `pid` to end and says how it ended. Retries when a signal interrupts.
pub fn wait_for(pid: Pid) -> Result<Exit, ProcessError> {
    loop {
        match waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(Exit::Code(code)),
            Ok(WaitStatus::Signaled(_, signal, _)) => return Ok(Exit::Signal(signal as i32)),
            // Stopped/continued are reported only with flags we do not pass; wait again.
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Writes out what `print!` and `eprint!` still hold, before a fork.
///
/// Rust's stdout keeps what follows the last newline in a buffer, and a fork copies that
/// buffer into the child. A child that prints would write the parent's pending text too, and
/// the parent writes it again when it flushes. CPython's `multiprocessing` flushes
/// `sys.stdout` and `sys.stderr` before it forks, for the same reason. (Rust's stderr has no
/// buffer; flushing it costs nothing. A `BufWriter` of the program's own is out of reach:
/// flush it before forking.) Errors are ignored, as CPython ignores them: a closed stdout
/// must not stop a fork.
pub fn flush_stdio() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

/// Ends the calling process at once with `code`.
///
/// Unlike `std::process::exit`, `_exit` runs no `atexit` handlers and flushes no stdio
/// buffers. A forked child holds copies of the parent's buffers and handlers: flushing them
/// would print the parent's pending output twice.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` has no preconditions; it is async-signal-safe and never returns.
    unsafe { libc::_exit(code) }
}

/// Waits until `fd` is readable (or closed), for at most `limit`. `true` if it is.
pub fn readable_within(fd: impl AsFd, limit: Duration) -> bool {
    let millis = u16::try_from(limit.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    matches!(poll(&mut fds, PollTimeout::from(millis)), Ok(n) if n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_of_a_pipe_close_on_exec() {
        use nix::fcntl::{FcntlArg, FdFlag, fcntl};
        let (read, write) = pipe().unwrap();
        for end in [&read, &write] {
            let flags = FdFlag::from_bits_truncate(fcntl(end, FcntlArg::F_GETFD).unwrap());
            assert!(
                flags.contains(FdFlag::FD_CLOEXEC),
                "a pipe end would leak into exec'd programs"
            );
        }
    }
}
