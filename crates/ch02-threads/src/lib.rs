//! Chapter 02, threads: no GIL in Rust, but contention.
//!
//! The chapter grows its code step by step; each step is a module, tested on its own:
//!
//! * [`s1_spawn`]: one thread per number with [`std::thread::spawn`]; results come back through
//!   [`std::thread::JoinHandle`].
//! * [`s2_scope`]: [`std::thread::scope`] lets threads borrow the input, and the even split of
//!   the whole workload over a fixed number of threads.
//! * [`s3_send_sync`]: why an `Rc` cannot cross threads and an `Arc` can (`Send` and `Sync`).
//! * [`s4_gil`]: a GIL in a bottle: every thread holds one global lock while it computes.
//! * [`s5_contention`]: the same sum with a lock or an atomic per item, false sharing, padded
//!   counters, and local accumulation merged once.
//! * [`pitfalls`]: the mistakes the chapter shows, each backed by a test.

pub mod pitfalls;
pub mod s1_spawn;
pub mod s2_scope;
pub mod s3_send_sync;
pub mod s4_gil;
pub mod s5_contention;

mod error;
pub use error::ThreadsError;
