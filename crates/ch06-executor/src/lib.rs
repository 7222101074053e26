//! Chapter 06: executors. Submit a task, get a ticket, redeem it for the result.
//!
//! * [`ticket`]: [`Ticket`] (CPython's `Future`), with `result`, `result_timeout`,
//!   `done`, `cancel`; [`state`]: its state machine and the cancel-vs-start race
//!   (checked with loom under `--cfg loom`).
//! * [`executor`]: the [`Executor`] trait (`submit`, `map`, `shutdown`),
//!   [`as_completed`] and [`wait`].
//! * [`handoff`]: [`Handoff`], how a waiter waits: spin up to a budget, then park.
//! * [`thread`]: [`ThreadExecutor`], CPython's `ThreadPoolExecutor`.
//! * [`process`]: [`ProcessExecutor`], CPython's `ProcessPoolExecutor`: re-executed
//!   workers, a broken pool when one dies (Linux).
//! * [`bridge`]: a ticket is also a `std::future::Future`; [`bridge::block_on`].
//! * [`tutorial`]: the Nvicta tutorial's `do_something` rows and their ideal times.
//! * [`error`]: [`SubmitError`], [`TaskError`], [`Broken`].
//!
//! The model-checked tests of the ticket's state machine run only under loom:
//! `RUSTFLAGS="--cfg loom" cargo test -p ch06-executor --release --lib
//! loom` (a separate `--target-dir` keeps the normal build's cache).

pub mod bridge;
pub mod error;
pub mod executor;
pub mod handoff;
#[cfg(target_os = "linux")]
pub mod process;
mod queue;
pub mod state;
pub mod thread;
pub mod ticket;
pub mod tutorial;

pub use error::{Broken, SubmitError, TaskError};
pub use executor::{AsCompleted, Executor, InOrder, ReturnWhen, as_completed, wait};
pub use handoff::{Handoff, SPIN_BUDGET};
#[cfg(target_os = "linux")]
pub use process::{ProcessExecutor, serve_if_worker};
pub use state::Phase;
pub use thread::ThreadExecutor;
pub use ticket::Ticket;
