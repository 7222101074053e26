//! Step 3: `Send` and `Sync`, or why an `Rc` cannot cross threads.
//!
//! A value may move to another thread only if its type is `Send`; it may be *shared*
//! between threads (through `&T`) only if it is `Sync`. The compiler derives both
//! from the fields of a type, and `thread::spawn` requires its closure, and
//! everything the closure captures, to be `Send`. `Rc` is neither: its reference
//! count is a plain integer, so two threads cloning and dropping clones of one `Rc`
//! at once could lose an update and free the value twice.
//!
//! This program does not compile (`E0277`, "`Rc<Vec<u64>>` cannot be sent between
//! threads safely"); the book shows the same file:
//!
#![doc = concat!("```compile_fail,E0277\n", include_str!("../snippets/rc_across_threads.rs"), "```")]
//!
//! The same program with `Arc`, whose count is atomic, compiles and runs:
//!
#![doc = concat!("```\n", include_str!("../snippets/arc_across_threads.rs"), "```")]
//!
//! In Python every object can be shared between threads, and reference counts are
//! kept right at run time: by the GIL, or, in the free-threaded builds of 3.13 and
//! later (PEP 703), by biased reference counting (the thread that owns an object
//! updates its count with plain instructions, every other thread with atomic ones).
//! Rust makes the same question a type check: a data race on a reference count is a
//! compile error, not a crash.

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::atomic::AtomicU64;
    use std::sync::{Arc, Mutex};

    fn send<T: Send>() {}
    fn sync<T: Sync>() {}

    #[test]
    fn what_may_cross_and_what_may_be_shared() {
        // The types this chapter shares between threads are all Send and Sync.
        send::<Arc<Vec<u64>>>();
        sync::<Arc<Vec<u64>>>();
        sync::<Mutex<u64>>();
        sync::<AtomicU64>();
        // A Cell may move to another thread (Send), just not be shared by reference:
        // only `send::<Cell<u64>>()` compiles, `sync::<Cell<u64>>()` would not.
        send::<Cell<u64>>();
    }
}
