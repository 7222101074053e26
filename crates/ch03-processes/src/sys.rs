//! Small Unix helpers shared by the fork-based modules.

use std::fs::File;
use std::os::fd::AsFd;
use std::time::Duration;

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
