//! Chapter 08: I/O-bound work. Waiting costs no CPU; what differs between threads,
//! tokio tasks and processes is what each waiting task costs.
//!
//! * [`service`]: a local request/response service (127.0.0.1, a port the kernel
//!   picks) with a fixed delay per request, the stand-in for a database or a remote
//!   API; on a thread ([`service::Service`]) or in a child process
//!   ([`service::ChildService`]).
//! * [`clients`]: N requests with N waiting at once: one thread per request, chapter
//!   04's thread pool, tokio tasks in a `JoinSet`, one process per request.
//! * [`sleepers`]: the tutorial's sleeping tasks on threads, tokio
//!   tasks and processes.
//! * [`cost`] and [`memory`]: what one waiting task costs in memory (`VmRSS`,
//!   `VmHWM`) and in start time.
//! * [`limits`]: room for `n` child processes at once? `RLIMIT_NPROC`,
//!   `RLIMIT_NOFILE`, memory.
//! * [`stall`]: a CPU-bound or blocking call inside a task stalls every task of its
//!   thread; `spawn_blocking` and rayon as the fix.

pub mod clients;
pub mod cost;
pub mod limits;
pub mod memory;
pub mod service;
pub mod sleepers;
pub mod stall;
