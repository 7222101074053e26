//! Spec for exercise 2. A ticker task shares a one-thread runtime with the code under
//! test and counts its turns: code that holds the thread sees the count frozen. No
//! test measures time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ch08_ex02_unblock::{Login, PAUSE, handle_login, hash_password, slow_down};
use support::{PATIENCE, watchdog};

/// How long a hasher computes while waiting for ticks it may never see:
/// well under the watchdog.
const PATIENT: Duration = Duration::from_secs(2);

/// Counts its turns on the runtime, one a yield, until `stop`.
async fn tick(ticks: Arc<AtomicUsize>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::SeqCst) {
        ticks.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
    }
}

/// Runs `body` on a one-thread runtime beside a ticker; returns its value and the
/// ticks counted while it ran.
fn with_ticker<T, F>(body: impl FnOnce(Arc<AtomicUsize>) -> F) -> (T, usize)
where
    F: Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (ticks, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let ticker = tokio::spawn(tick(Arc::clone(&ticks), Arc::clone(&stop)));
        tokio::task::yield_now().await; // the ticker has started
        let before = ticks.load(Ordering::SeqCst);
        let value = body(Arc::clone(&ticks)).await;
        let during = ticks.load(Ordering::SeqCst) - before;
        stop.store(true, Ordering::SeqCst);
        ticker.await.unwrap();
        (value, during)
    })
}

/// Computes until it has seen 100 more ticks, or gives up after `PATIENT`: `true` if
/// it saw them, which it can only if the ticker runs while it computes.
fn compute_until_ticks(ticks: &AtomicUsize) -> bool {
    let start = ticks.load(Ordering::SeqCst);
    let deadline = Instant::now() + PATIENT;
    while ticks.load(Ordering::SeqCst) - start < 100 {
        if Instant::now() > deadline {
            return false;
        }
        std::hint::black_box((0..1000u64).sum::<u64>());
    }
    true
}

fn simple_hash(password: &str) -> u64 {
    password
        .bytes()
        .fold(17u64, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
}

/// A CPU-bound hash that watches the ticker: the right hash if the ticker ran while
/// it computed, 0 if it was frozen.
fn hasher_that_watches(
    ticks: Arc<AtomicUsize>,
) -> impl FnOnce(&str) -> u64 + Send + 'static {
    move |password| {
        if compute_until_ticks(&ticks) {
            simple_hash(password)
        } else {
            0
        }
    }
}

/// Keeps quiet about the panics a test expects (their message is exactly `text`);
/// every other panic is reported as usual, even while that test runs beside others.
fn quiet_panics_saying(text: &'static str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if support::panic_message(info.payload()) != text {
                report(info)
            }
        }));
    });
}

#[test]
fn other_tasks_run_while_the_hash_is_computed() {
    watchdog(PATIENCE, || {
        let (hash, _) = with_ticker(|ticks| {
            hash_password("secret".into(), hasher_that_watches(ticks))
        });
        assert_ne!(
            hash, 0,
            "the ticker never ran while the hash was computed: the hash still holds the \
             runtime's thread (move it to a thread of its own)"
        );
        assert_eq!(hash, simple_hash("secret"), "not the hasher's hash");
    });
}

#[test]
fn other_tasks_run_while_the_handler_pauses() {
    watchdog(PATIENCE, || {
        let ((), ticks) = with_ticker(|_| slow_down(PAUSE));
        assert!(
            ticks > 0,
            "the ticker never ran during the pause: the pause blocks the thread, not only the \
             task (or there is no pause: nothing was awaited)"
        );
    });
}

#[test]
fn a_panicking_hasher_panics_with_its_own_message() {
    watchdog(PATIENCE, || {
        quiet_panics_saying("the hasher broke");
        let result = std::panic::catch_unwind(|| {
            with_ticker(|ticks| {
                hash_password("secret".into(), move |_: &str| -> u64 {
                    if compute_until_ticks(&ticks) {
                        panic!("the hasher broke");
                    }
                    0
                })
            })
        });
        let Err(payload) = result else {
            panic!(
                "hash_password returned instead of panicking: the hasher gave up, since the \
                 ticker never ran while it computed (the hash still holds the runtime's thread)"
            );
        };
        let message = support::panic_message(&*payload);
        assert_eq!(
            message, "the hasher broke",
            "hash_password panicked with another message than the hasher's: resume the \
             hasher's own panic (JoinError::into_panic, std::panic::resume_unwind)"
        );
    });
}

#[test]
fn the_whole_login_lets_other_tasks_run() {
    watchdog(PATIENCE, || {
        let (login, _) = with_ticker(|ticks| {
            handle_login("ada".into(), "secret".into(), hasher_that_watches(ticks))
        });
        assert_eq!(
            login,
            Login {
                user: "ada".into(),
                hash: simple_hash("secret")
            },
            "hash 0 means the ticker was frozen while the hash was computed"
        );
    });
}
