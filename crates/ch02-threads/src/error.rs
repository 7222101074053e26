use std::any::Any;

use thiserror::Error;

// ANCHOR: error
/// What can go wrong when work is handed to threads.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThreadsError {
    /// The work was to be split over zero threads: there is nobody to do it.
    #[error("cannot split work over zero threads")]
    ZeroThreads,
    /// The thread that ran task `index` panicked with `message`.
    #[error("the thread running task {index} panicked: {message}")]
    Panicked {
        /// Which task (in input order) panicked.
        index: usize,
        /// The panic message, if it was a string.
        message: String,
    },
}
// ANCHOR_END: error

impl ThreadsError {
    /// Turns the payload of a panicked thread (what `join` returns as
    /// `Err`) into an error.
    pub(crate) fn panicked(index: usize, payload: Box<dyn Any + Send>) -> Self {
        ThreadsError::Panicked {
            index,
            message: panic_message(&*payload),
        }
    }
}

// ANCHOR: panic_message
/// The text of a panic payload: `panic!("...")` gives a `&str`, `panic!("{x}")` a
/// `String`; anything else (`std::panic::panic_any(42)`) has no text to show.
///
/// The one place the book turns a payload into a message: chapters 03
/// and 04 use it too.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}
// ANCHOR_END: panic_message

/// Collects joined results in order; the first panic (by task index)
/// becomes the error.
///
/// Callers join *every* handle before calling this, so no thread is left running when
/// an earlier one panicked.
pub(crate) fn collect_joined<T>(
    joined: Vec<Result<T, Box<dyn Any + Send>>>,
) -> Result<Vec<T>, ThreadsError> {
    joined
        .into_iter()
        .enumerate()
        .map(|(index, r)| r.map_err(|payload| ThreadsError::panicked(index, payload)))
        .collect()
}
