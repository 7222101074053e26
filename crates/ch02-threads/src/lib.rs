//! Chapter 02, threads: no GIL in Rust, but contention.
//!
//! The chapter grows its code step by step; each step is a module, tested on its own:
//!
//! * [`spawn`]: one thread per number with [`std::thread::spawn`]; results come back
//!   through [`std::thread::JoinHandle`].
//! * [`scope`]: [`std::thread::scope`] lets threads borrow the input, and the even
//!   split of the whole workload over a fixed number of threads.
//! * [`send_sync`]: why an `Rc` cannot cross threads and an `Arc` can
//!   (`Send` and `Sync`).
//! * [`gil`]: a GIL in a bottle: every thread holds one global lock
//!   while it computes.
//! * [`contention`]: the same sum with a lock or an atomic per item, false sharing,
//!   padded counters, and local accumulation merged once.
//! * [`pitfalls`]: the mistakes the chapter shows, each backed by a test.
//! * [`usage`]: wall time against CPU time (`getrusage`) and steal time
//!   (`/proc/stat`), to tell a slow program from a machine that did not
//!   give it its cores.

pub mod contention;
pub mod gil;
pub mod pitfalls;
pub mod scope;
pub mod send_sync;
pub mod spawn;
pub mod usage;

pub mod error;
pub use error::{ThreadsError, panic_message};
