//! Chapter 07: `run()` without inheritance.
//!
//! * [`process`]: the [`Process`] trait, one required method (`run`)
//!   and provided ones (`start`, `created`); any closure is a process;
//!   [`spawn`] is chapter 03's `spawn` rebuilt on the trait; a
//!   `Box<dyn Process>` is one too; the [`Restart`] supertrait.
//! * [`state`]: typestate, [`Created`] then [`Running`] then
//!   [`Finished`], so that starting twice, joining before starting and
//!   using a joined process do not compile.
//! * [`exit`]: how a process ended, as an [`ExitError`] with CPython's `exitcode`.
//! * [`daemon`]: a daemon is killed on `Drop`, and on Linux when its parent dies.
//! * [`tutorial`]: the tutorial's `MyProcess`, its steps and its result.
//!
//! Everything forks, so it exists on Unix only (chapter 03's [`UNIX_ONLY`]).

#[cfg(unix)]
pub mod daemon;
pub mod exit;
#[cfg(unix)]
pub mod process;
#[cfg(unix)]
pub mod state;
#[cfg(unix)]
pub mod tutorial;

pub use ch03_processes::UNIX_ONLY;
pub use exit::{ExitError, RunError};
#[cfg(unix)]
pub use process::{Process, Restart, spawn};
#[cfg(unix)]
pub use state::{Created, Finished, Running};
