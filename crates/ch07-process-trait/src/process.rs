//! The trait: one required method, `run`, and provided methods for the rest.
//!
//! Python's `MyProcess(Process)` inherits `start`, `join`, `terminate`... and
//! overrides `run`. Rust has no inheritance: a type implements [`Process`] by writing
//! `run`, and gets `start` (and through it the [`Running`] handle's `join`, `pid`,
//! `is_alive`, `terminate`, `kill`) as provided methods. The state of `MyProcess`
//! stays in `MyProcess`; the machinery is composed in, not inherited.

use ch03_processes::{ProcessError, Wire};

use crate::exit::RunError;
use crate::state::{Created, Running};

// ANCHOR: process
/// Something that can run in a child process and send back an `Output`.
///
/// Implement [`run`](Process::run); call [`start`](Process::start) (or
/// [`created`](Process::created) to set options first).
pub trait Process {
    /// What `run` sends back to the parent: it crosses a pipe, so it
    /// must be [`Wire`].
    type Output: Wire;

    /// The work, done in the child. `&mut self` is the child's copy: what `run`
    /// changes, the parent never sees. Send results back by returning them.
    fn run(&mut self) -> Result<Self::Output, RunError>;

    /// This process in the `Created` state, to set options (such as
    /// [`daemon`](Created::daemon)) before starting it.
    fn created(self) -> Created<Self>
    where
        Self: Sized,
    {
        Created::new(self)
    }

    /// Forks a child that calls `run`, like `Process.start()`. Consumes `self`: a
    /// process starts once.
    fn start(self) -> Result<Running<Self::Output>, ProcessError>
    where
        Self: Sized,
    {
        self.created().start()
    }
}
// ANCHOR_END: process

// ANCHOR: closures
/// Any closure that returns a [`Wire`] value is a process: its call is
/// the whole `run`.
impl<F, T> Process for F
where
    F: FnMut() -> T,
    T: Wire,
{
    type Output = T;

    fn run(&mut self) -> Result<T, RunError> {
        Ok(self())
    }
}
// ANCHOR_END: closures

// ANCHOR: spawn
/// Chapter 03's `spawn(f)`, rebuilt on the trait: `f` may be `FnOnce`, so it is kept
/// in an `Option` and taken out by the one call to `run`.
pub fn spawn<T: Wire, F: FnOnce() -> T>(f: F) -> Result<Running<T>, ProcessError> {
    let mut f = Some(f);
    (move || f.take().expect("run is called once, in the child")()).start()
}
// ANCHOR_END: spawn

// ANCHOR: dyn
/// A boxed trait object is a process too, so `Vec<Box<dyn Process<Output = T>>>` can
/// hold different process types and start each one.
impl<T: Wire> Process for Box<dyn Process<Output = T>> {
    type Output = T;

    fn run(&mut self) -> Result<T, RunError> {
        (**self).run() // one indirect call, through the vtable
    }
}
// ANCHOR_END: dyn

// ANCHOR: supertrait
/// A supertrait: every `Restart` is a `Process` that is also `Clone`, and gets one
/// more provided method. Python forbids a second `start()`; here the same description
/// of work is started again as a fresh copy, never the running one.
pub trait Restart: Process + Clone {
    /// Starts a copy of `self`, keeping `self` for the next start.
    fn start_copy(&self) -> Result<Running<Self::Output>, ProcessError> {
        self.clone().start()
    }
}

impl<P: Process + Clone> Restart for P {}
// ANCHOR_END: supertrait
