//! Small Unix helpers shared by the fork-based modules: a close-on-exec pipe, waiting
//! for a child, reading a child's result pipe until the child ends, leaving a child,
//! and counting this process's threads (which `spawn` does before every fork).

use std::ffi::c_void;
use std::fs::File;
use std::io::{self, Read, Write};
use std::num::NonZeroUsize;
use std::os::fd::{AsFd, OwnedFd};
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::error::{EXIT_WRITE_FAILED, Exit, ProcessError};
use crate::frame::{Report, read_report, write_report};

/// A pipe whose two ends close on `exec`, so programs started later
/// never inherit them.
///
/// Where the system allows it, the pipe is created close-on-exec in one call,
/// `pipe2(O_CLOEXEC)`: setting the flag afterwards leaves a moment in which another
/// thread's `fork` + `exec` would carry both ends into an unrelated program. macOS
/// has no `pipe2`; there the flag is set right after creation.
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
    // SAFETY: `proc_taskinfo` is a plain C struct of integers: all-zero
    // bytes are a valid value.
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

/// How long [`ensure_single_threaded`] waits for threads that are already joined to
/// leave the count before it believes they still run.
pub const JOINED_THREAD_GRACE: Duration = Duration::from_millis(100);

// ANCHOR: ensure_single_threaded
/// `Ok` if the process runs exactly one thread; otherwise the error
/// `spawn` refuses with.
///
/// A thread that was just joined can still be counted for a moment: `join` returns
/// when the kernel wakes the joining thread, which it does while the exiting thread
/// is still tearing itself down, before it leaves `/proc/self/task` (measured here:
/// up to about half a millisecond, in 1 of a few dozen to 1 of 20,000 joins,
/// depending on load). So a count above one is read again, for at most
/// [`JOINED_THREAD_GRACE`], before `spawn` refuses. A thread that really runs is
/// refused after that grace; one that has finished never is.
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
                    "cannot count this process's threads on this platform, \
                     so fork cannot be checked; use `spawn_unchecked` \
                     if you know the process is single-threaded",
                ));
            }
        }
    }
}
// ANCHOR_END: ensure_single_threaded

/// Waits for child `pid` to end and says how it ended. Retries when a
/// signal interrupts.
pub fn wait_for(pid: Pid) -> Result<Exit, ProcessError> {
    loop {
        if let Some(exit) = reap(pid, None)? {
            return Ok(exit);
        }
    }
}

/// How child `pid` ended, if it has (it is reaped then); `None` while it runs. This
/// is `waitpid` with `WNOHANG`, which CPython's `is_alive` calls too.
pub fn try_wait(pid: Pid) -> Result<Option<Exit>, ProcessError> {
    reap(pid, Some(WaitPidFlag::WNOHANG))
}

fn reap(pid: Pid, flags: Option<WaitPidFlag>) -> Result<Option<Exit>, ProcessError> {
    loop {
        match waitpid(pid, flags) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(Some(Exit::Code(code))),
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                return Ok(Some(Exit::Signal(signal as i32)));
            }
            Ok(WaitStatus::StillAlive) => return Ok(None),
            // Stopped/continued are reported only with flags we do not
            // pass; wait again.
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The end of a forked child: writes `report` to `out` and leaves with `code`, or
/// with [`EXIT_WRITE_FAILED`] if the report could not be written. Never returns.
pub fn report_and_exit(out: &mut File, report: &Report, code: i32) -> ! {
    let code = if write_report(out, report).is_ok() {
        code
    } else {
        EXIT_WRITE_FAILED
    };
    exit_now(code)
}

// ANCHOR: child_pipe
/// The read end of a child's result pipe, read until the *child* ends,
/// not until end-of-file.
///
/// End-of-file comes when every write end is closed, and a child that forks (a
/// process of its own, a pool) gives each grandchild a copy of its write end. Killed
/// before it reported, that child would leave end-of-file to its last grandchild, and
/// a parent reading to end-of-file would wait for the grandchildren too. So the
/// reader also watches the child: once the child has ended, everything it wrote is in
/// the pipe already, and the reader takes what is there, then says end-of-file
/// without waiting for the other copies to close.
///
/// On Linux the watch is a pidfd (`pidfd_open`, Linux 5.3), readable when the child
/// ends and polled together with the pipe. Elsewhere, or if the kernel refuses, the
/// pipe is polled for at most [`CHILD_CHECK_INTERVAL`] at a time, and the child is
/// checked between two polls with `waitpid(WNOHANG)`, which reaps it if it has ended.
#[derive(Debug)]
pub struct ChildPipe {
    pipe: File,
    pid: Pid,
    /// Readable once the child has ended (Linux); `None`: check with
    /// `waitpid(WNOHANG)`.
    pidfd: Option<OwnedFd>,
    /// How the child ended, once reaped.
    exit: Option<Exit>,
    /// The child has ended: read what the pipe holds, never wait for more.
    ended: bool,
}
// ANCHOR_END: child_pipe

/// How long [`ChildPipe`] waits on the pipe alone, where it has no pidfd, before it
/// checks whether the child has ended.
pub const CHILD_CHECK_INTERVAL: Duration = Duration::from_millis(20);

impl ChildPipe {
    /// Watches child `pid` (not yet reaped) while reading `pipe`, the read end of its
    /// result pipe. Uses a pidfd where the system has one.
    pub fn new(pipe: File, pid: Pid) -> Self {
        ChildPipe {
            pidfd: pidfd_open(pid),
            ..Self::polling(pipe, pid)
        }
    }

    /// Like [`new`](Self::new), without a pidfd: the portable way, used
    /// where there is none.
    pub fn polling(pipe: File, pid: Pid) -> Self {
        ChildPipe {
            pipe,
            pid,
            pidfd: None,
            exit: None,
            ended: false,
        }
    }

    /// For a child that was reaped already (it ended with `exit`): only
    /// what the pipe holds is read.
    pub fn reaped(pipe: File, pid: Pid, exit: Exit) -> Self {
        ChildPipe {
            exit: Some(exit),
            ended: true,
            ..Self::polling(pipe, pid)
        }
    }

    /// Reads the child's [`Report`]: `Ok(None)` if it ended without writing one.
    pub fn read_report(&mut self) -> io::Result<Option<Report>> {
        read_report(self)
    }

    /// Sends `signal` to the child, unless it has been reaped (its pid may be another
    /// process's by now).
    pub fn kill(&self, signal: Signal) -> Result<(), ProcessError> {
        if self.exit.is_some() {
            return Ok(());
        }
        kill(self.pid, signal).map_err(Into::into)
    }

    /// Closes the pipe and reaps the child (unless it was reaped
    /// already): how it ended.
    pub fn wait(self) -> Result<Exit, ProcessError> {
        drop(self.pipe);
        match self.exit {
            Some(exit) => Ok(exit),
            None => wait_for(self.pid),
        }
    }

    /// Blocks until the pipe is readable (`true`) or the child has ended (`false`).
    fn pipe_readable_before_exit(&mut self) -> io::Result<bool> {
        loop {
            let pipe = PollFd::new(self.pipe.as_fd(), PollFlags::POLLIN);
            let polled = match &self.pidfd {
                Some(pidfd) => {
                    let mut fds =
                        [pipe, PollFd::new(pidfd.as_fd(), PollFlags::POLLIN)];
                    poll(&mut fds, PollTimeout::NONE).map(|_| {
                        let ready =
                            |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
                        (ready(&fds[0]), ready(&fds[1]))
                    })
                }
                None => {
                    let mut fds = [pipe];
                    let limit = PollTimeout::try_from(CHILD_CHECK_INTERVAL)
                        .expect("a short interval fits a poll timeout");
                    poll(&mut fds, limit).map(|n| (n > 0, false))
                }
            };
            match polled {
                // data or end-of-file: read it first
                Ok((true, _)) => return Ok(true),
                Ok((false, true)) => return Ok(false),
                Ok((false, false)) if self.pidfd.is_none() => {
                    self.exit = try_wait(self.pid).map_err(io::Error::other)?;
                    if self.exit.is_some() {
                        return Ok(false);
                    }
                }
                Ok((false, false)) | Err(Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

impl Read for ChildPipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.ended && !self.pipe_readable_before_exit()? {
            self.ended = true;
        }
        if self.ended && !readable_within(&self.pipe, Duration::ZERO) {
            // the child is gone and the pipe is empty: end of its output
            return Ok(0);
        }
        // Readable: this does not block (the parent is the pipe's only reader).
        (&self.pipe).read(buf)
    }
}

/// A pidfd for child `pid`: close-on-exec (always, for a pidfd), readable once the
/// child has ended. `None` where the system has none.
#[cfg(target_os = "linux")]
fn pidfd_open(pid: Pid) -> Option<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: `pidfd_open(pid, 0)` takes two integers and returns a new
    // descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    let fd = i32::try_from(fd).ok().filter(|&fd| fd >= 0)?;
    // SAFETY: `fd` was just returned by the kernel, open, and owned by nothing else.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A pidfd for child `pid`: `None` where the system has none.
#[cfg(not(target_os = "linux"))]
fn pidfd_open(_pid: Pid) -> Option<OwnedFd> {
    None
}

// ANCHOR: sigpipe
/// Writes all of `bytes` with `SIGPIPE` blocked in this thread: a dead reader is an
/// `EPIPE` error, not the death of the writer's whole program (a pool's owner, a
/// parent handing a re-executed child its argument). (Rust's `main` ignores
/// `SIGPIPE`; a C `main`, or a program that loaded this code as a library, may not.)
pub fn write_all_without_sigpipe(
    file: &mut impl Write,
    bytes: &[u8],
) -> io::Result<()> {
    let sigpipe = SigSet::from(Signal::SIGPIPE);
    let before = sigpipe.thread_swap_mask(SigmaskHow::SIG_BLOCK)?;
    let written = file.write_all(bytes);
    let broken = matches!(&written, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
    if broken && !before.contains(Signal::SIGPIPE) && sigpipe_pending() {
        // The failed write raised SIGPIPE at this thread; take it before unblocking.
        let _ = sigpipe.wait();
    }
    before.thread_set_mask()?;
    written
}

fn sigpipe_pending() -> bool {
    // SAFETY: `sigset_t` is plain data; `sigpending` fills it,
    // `sigismember` reads it.
    unsafe {
        let mut pending: libc::sigset_t = std::mem::zeroed();
        libc::sigpending(&mut pending) == 0
            && libc::sigismember(&pending, libc::SIGPIPE) == 1
    }
}
// ANCHOR_END: sigpipe

/// A new anonymous mapping of `size` readable, writable, zero-filled bytes, at an
/// address the kernel chooses: private to each process after a fork (`MAP_PRIVATE`:
/// copy-on-write) or one copy that parent and children share (`MAP_SHARED`), as
/// `sharing` says.
pub fn map_anonymous(
    size: NonZeroUsize,
    sharing: MapFlags,
) -> nix::Result<NonNull<c_void>> {
    let access = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
    // SAFETY: a fresh anonymous mapping at an address the kernel
    // chooses aliases no Rust object.
    unsafe { mmap_anonymous(None, size, access, sharing) }
}

/// Writes out what `print!` and `eprint!` still hold, before a fork.
///
/// Rust's stdout keeps what follows the last newline in a buffer, and a fork copies
/// that buffer into the child. A child that prints would write the parent's pending
/// text too, and the parent writes it again when it flushes. CPython's
/// `multiprocessing` flushes `sys.stdout` and `sys.stderr` before it forks, for the
/// same reason. (Rust's stderr has no buffer; flushing it costs nothing. A
/// `BufWriter` of the program's own is out of reach: flush it before forking.) Errors
/// are ignored, as CPython ignores them: a closed stdout must not stop a fork.
pub fn flush_stdio() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

/// Ends the calling process at once with `code`.
///
/// Unlike `std::process::exit`, `_exit` runs no `atexit` handlers and flushes no
/// stdio buffers. A forked child holds copies of the parent's buffers and handlers:
/// flushing them would print the parent's pending output twice.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` has no preconditions; it is async-signal-safe and
    // never returns.
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
            let flags =
                FdFlag::from_bits_truncate(fcntl(end, FcntlArg::F_GETFD).unwrap());
            assert!(
                flags.contains(FdFlag::FD_CLOEXEC),
                "a pipe end would leak into exec'd programs"
            );
        }
    }
}
