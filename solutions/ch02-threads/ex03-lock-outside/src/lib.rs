//! Exercise 3, solved: a memo whose lock is not held while it computes.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Remembers `compute(key)` for every key it has seen, for any number of threads.
#[derive(Debug, Default)]
pub struct Memo {
    values: Mutex<HashMap<u64, u64>>,
}

impl Memo {
    /// An empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The version under review: right answers, but the lock is held while `compute`
    /// runs. Every other caller, whatever its key, waits for that computation; a
    /// `compute` that uses the memo deadlocks; a `compute` that panics poisons the
    /// lock for everybody.
    pub fn get_or_compute_locked(
        &self,
        key: u64,
        compute: impl FnOnce(u64) -> u64,
    ) -> u64 {
        let mut values = self.values.lock().unwrap();
        *values.entry(key).or_insert_with(|| compute(key))
    }

    // ANCHOR: solution
    /// The value for `key`: the remembered one, or `compute(key)`,
    /// remembered from now on.
    ///
    /// `compute` runs with the lock released, so calls for other keys
    /// proceed meanwhile. If two calls compute the same key at once,
    /// both return the value stored first.
    pub fn get_or_compute(&self, key: u64, compute: impl FnOnce(u64) -> u64) -> u64 {
        {
            let values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(&value) = values.get(&key) {
                return value;
            }
        } // the lock is released here, before the work
        let value = compute(key);
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        *values.entry(key).or_insert(value)
    }
    // ANCHOR_END: solution

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// `true` if nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
