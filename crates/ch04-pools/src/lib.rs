//! Chapter 04: pools. Workers that stay, fed from a queue.
//!
//! * [`s1_minimal`]: the smallest thread pool, and why it is not enough.
//! * [`s2_thread_pool`]: [`ThreadPool`] with `apply_async`, [`TaskHandle::get`], caught panics,
//!   `close`, `join` and `Drop`.
//! * [`s3_process_pool`]: `ProcessPool`, pre-forked workers fed over pipes; what can cross a
//!   process boundary; a worker that dies mid-task.
//! * [`rayon_pools`]: the same jobs with `rayon::ThreadPool`.
//! * [`sizing`]: pools larger than the core count, on CPU-bound and on sleeping tasks.
//! * [`error`]: [`PoolError`] (submitting) and [`TaskError`] (getting).

pub mod error;
pub mod rayon_pools;
pub mod s1_minimal;
pub mod s2_thread_pool;
#[cfg(unix)]
pub mod s3_process_pool;
pub mod sizing;

pub use error::{PoolError, TaskError};
pub use s2_thread_pool::{TaskHandle, ThreadPool};
#[cfg(unix)]
pub use s3_process_pool::{ProcessPool, ProcessTaskHandle};
