//! Chapter 04: pools. Workers that stay, fed from a queue.
//!
//! * [`s1_minimal`]: the smallest thread pool, and why it is not enough.
//! * [`thread_pool`]: [`ThreadPool`] with `apply_async`, [`TaskHandle::get`] and
//!   [`TaskHandle::get_timeout`], caught panics, `close`, `join` and `Drop`.
//! * [`process_pool`]: `ProcessPool`, pre-forked workers fed over
//!   close-on-exec pipes; what can cross a process boundary; a worker
//!   that dies mid-task, seen by its pid.
//! * [`rayon_pools`]: the same jobs with `rayon::ThreadPool`.
//! * [`sizing`]: pools larger than the core count, on CPU-bound and on
//!   sleeping tasks.
//! * [`sleep_tasks`]: the tutorial's sleeping tasks (task i sleeps i units), on
//!   threads and on processes: waiting is not CPU-bound work.
//! * [`data_cost`] and [`shared_memory`]: what moving arguments and results costs,
//!   through pipes and through memory shared before the fork.
//! * [`error`]: [`PoolError`] (submitting) and [`TaskError`] (getting).

#[cfg(unix)]
pub mod data_cost;
pub mod error;
#[cfg(unix)]
pub mod process_pool;
pub mod rayon_pools;
pub mod s1_minimal;
#[cfg(unix)]
pub mod shared_memory;
pub mod sizing;
pub mod sleep_tasks;
pub mod thread_pool;

pub use error::{PoolError, TaskError};
#[cfg(unix)]
pub use process_pool::{ProcessPool, ProcessTaskHandle};
pub use thread_pool::{TaskHandle, ThreadPool};
