//! A daemon dies with its parent.
//!
//! CPython's daemon flag works from the parent's side: on a normal exit,
//! `multiprocessing`'s exit handler calls `terminate()` on each daemon child. A
//! parent killed by `SIGKILL` runs no handler, and its daemons live on as orphans
//! (`python/process_rules.py` shows it).
//!
//! Linux can do it from the child's side: `prctl(PR_SET_PDEATHSIG,
//! SIGKILL)` asks the kernel to send the child `SIGKILL` when its
//! parent dies, however it dies. Two details:
//!
//! * the parent may die between `fork` and `prctl`; then the child is
//!   already an orphan and no signal will come. So the child checks
//!   `getppid()` right after: if it is no longer the pid that forked
//!   it, the parent is gone and the child ends itself;
//! * "parent" means the *thread* that forked: if that thread exits while the process
//!   goes on, the child is killed too. `start` forks only single-threaded processes,
//!   so here the thread is the whole process.
//!
//! macOS and the BSDs have no `PR_SET_PDEATHSIG`. There a daemon is killed when its
//! handle is dropped, which a parent killed by `SIGKILL` never does; the child would
//! have to watch its parent itself (a kqueue `EVFILT_PROC` / `NOTE_EXIT` on the
//! parent's pid, or polling `getppid()`).

use nix::unistd::Pid;

// ANCHOR: die_with_parent
/// Called in the child right after `fork`: arrange to be killed when `parent` dies.
#[cfg(target_os = "linux")]
pub fn die_with_parent(parent: Pid) {
    use nix::sys::signal::{Signal, raise};
    if nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).is_err()
        || nix::unistd::getppid() != parent
    {
        // Could not arrange it, or the parent died before we did: end
        // as the signal would.
        let _ = raise(Signal::SIGKILL);
    }
}
// ANCHOR_END: die_with_parent

/// Elsewhere there is no death signal: a daemon is killed only when its
/// handle is dropped.
#[cfg(not(target_os = "linux"))]
pub fn die_with_parent(_parent: Pid) {}

/// Whether a daemon also dies when its parent is killed (Linux), not only on `Drop`.
pub const DIES_WITH_PARENT: bool = cfg!(target_os = "linux");
