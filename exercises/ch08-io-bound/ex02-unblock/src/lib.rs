//! Exercise 2: a login handler whose helpers block the runtime's
//! thread. Fix the helpers.

use std::time::Duration;

/// How long a login waits before answering, against password guessing.
pub const PAUSE: Duration = Duration::from_millis(20);

/// What the handler answers.
#[derive(Debug, PartialEq, Eq)]
pub struct Login {
    pub user: String,
    pub hash: u64,
}

/// The login handler: hash the password, slow down, answer. Given, and correct.
pub async fn handle_login<H>(user: String, password: String, hasher: H) -> Login
where
    H: FnOnce(&str) -> u64 + Send + 'static,
{
    let hash = hash_password(password, hasher).await;
    slow_down(PAUSE).await;
    Login { user, hash }
}

// ANCHOR: starter
/// Computes `hasher(&password)`, a CPU-bound hash, and returns it.
pub async fn hash_password<H>(password: String, hasher: H) -> u64
where
    H: FnOnce(&str) -> u64 + Send + 'static,
{
    // TODO: this works, and holds the runtime's thread for the whole hash.
    hasher(&password)
}

/// Waits `pause` before the answer goes out.
pub async fn slow_down(pause: Duration) {
    // TODO: this works too, and holds the thread just as long.
    std::thread::sleep(pause);
}
// ANCHOR_END: starter
