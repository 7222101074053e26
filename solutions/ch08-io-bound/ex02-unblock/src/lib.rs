//! Exercise 2, solved: the helpers give the runtime's thread back while
//! they work or wait.

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

/// Computes `hasher(&password)`, a CPU-bound hash, and returns it.
pub async fn hash_password<H>(password: String, hasher: H) -> u64
where
    H: FnOnce(&str) -> u64 + Send + 'static,
{
    // On tokio's blocking pool: the runtime's thread runs other tasks meanwhile.
    let joined = tokio::task::spawn_blocking(move || hasher(&password)).await;
    joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Waits `pause` before the answer goes out.
pub async fn slow_down(pause: Duration) {
    // A timer: the task waits, the thread does not.
    tokio::time::sleep(pause).await;
}
