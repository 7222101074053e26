//! N requests to the service, N waiting at once, four ways.
//!
//! Every client returns the answers in request order (`answers[i]` answers request
//! `i`), or the first error. The service's delay is the same for all; what differs is
//! what each waiting request costs the client: a thread (one per request, or one of a
//! pool), a tokio task, or a whole process.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use ch04_pools::ThreadPool;
use tokio::task::JoinSet;

use crate::service::{request, request_async};

// ANCHOR: threads
/// One OS thread per request, like `threading.Thread` per request.
pub fn one_thread_per_request(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    each_on_threads(n, |id| request(addr, id))
}

/// `call(0)`, ..., `call(n - 1)` on one OS thread each, all at once; results in
/// order. A thread the OS cannot create is an error (the ones started finish first).
pub fn each_on_threads<R, F>(n: usize, call: F) -> io::Result<Vec<R>>
where
    R: Send,
    F: Fn(u64) -> io::Result<R> + Sync,
{
    let call = &call;
    std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(n);
        for id in 0..n as u64 {
            // `scope.spawn` would panic where the OS refuses a thread
            let thread = std::thread::Builder::new()
                .spawn_scoped(scope, move || call(id))
                .map_err(|e| {
                    let why = format!("thread {id} of {n} did not start: {e}");
                    io::Error::new(e.kind(), why)
                })?;
            handles.push(thread);
        }
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a request thread panicked"))
            .collect()
    })
}
// ANCHOR_END: threads

// ANCHOR: pool
/// The requests queued on chapter 04's thread pool: at most
/// `pool.size()` wait at once.
pub fn thread_pool(
    pool: &ThreadPool,
    addr: SocketAddr,
    n: usize,
) -> io::Result<Vec<u64>> {
    each_on_pool(pool, n, move |id| request(addr, id))
}

/// `call(0)`, ..., `call(n - 1)` queued on `pool`; results in order.
pub fn each_on_pool<R, F>(pool: &ThreadPool, n: usize, call: F) -> io::Result<Vec<R>>
where
    R: Send + 'static,
    F: Fn(u64) -> io::Result<R> + Send + Sync + 'static,
{
    let call = Arc::new(call);
    let handles = (0..n as u64)
        .map(|id| {
            let call = Arc::clone(&call);
            pool.apply_async(move || call(id))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    handles
        .into_iter()
        .map(|handle| handle.get().map_err(io::Error::other)?)
        .collect()
}
// ANCHOR_END: pool

// ANCHOR: tasks
/// One tokio task per request, gathered with a `JoinSet` (asyncio's `gather`).
pub async fn tokio_tasks(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    each_on_tasks(n, |id| request_async(addr, id)).await
}

/// `call(0)`, ..., `call(n - 1)` as tokio tasks, all at once. Tasks finish in any
/// order; each carries its index, so the results come back in order.
pub async fn each_on_tasks<R, F, Fut>(n: usize, call: F) -> io::Result<Vec<R>>
where
    R: Send + 'static,
    F: Fn(u64) -> Fut,
    Fut: Future<Output = io::Result<R>> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for id in 0..n as u64 {
        let answer = call(id);
        tasks.spawn(async move { (id, answer.await) });
    }
    let mut results: Vec<Option<R>> = (0..n).map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (id, answer) = joined.map_err(io::Error::other)?;
        // returning drops `tasks`, which aborts the rest
        results[id as usize] = Some(answer?);
    }
    Ok(results.into_iter().flatten().collect())
}
// ANCHOR_END: tasks

// ANCHOR: processes
/// One process per request (chapter 03's `spawn`), for contrast. The
/// service must not run in this process ([`crate::service::ChildService`]):
/// a process that forks runs one thread.
#[cfg(unix)]
pub fn one_process_per_request(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    each_in_processes(n, |id| request(addr, id))
}

/// `call(0)`, ..., `call(n - 1)` in one child process each, all at once; results in
/// order. Call it while this process runs one thread.
#[cfg(unix)]
pub fn each_in_processes<R, F>(n: usize, call: F) -> io::Result<Vec<R>>
where
    R: ch03_processes::Wire + Default,
    F: Fn(u64) -> io::Result<R>,
{
    // The child's result crosses as bytes: (result, "") or
    // (R::default(), the error's message).
    let child = |id| match call(id) {
        Ok(result) => (result, String::new()),
        Err(e) => (R::default(), e.to_string()),
    };
    let handles = (0..n as u64)
        .map(|id| ch03_processes::spawn(|| child(id)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    handles
        .into_iter()
        .map(|handle| match handle.join().map_err(io::Error::other)? {
            (result, error) if error.is_empty() => Ok(result),
            (_, error) => Err(io::Error::other(error)),
        })
        .collect()
}
// ANCHOR_END: processes

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Config, Service};
    use std::time::Duration;
    use support::{PATIENCE, watchdog};

    /// Patience of the service's meeting point: well under the watchdog.
    const MEET: Duration = Duration::from_secs(5);

    fn meeting_service(n: usize) -> Service {
        Service::start(Config::with_delay(Duration::from_millis(1)).meeting(n, MEET))
            .unwrap()
    }

    fn in_order(n: usize) -> Vec<u64> {
        (0..n as u64).collect()
    }

    #[test]
    fn one_thread_per_request_has_all_requests_waiting_at_once() {
        watchdog(PATIENCE, || {
            let service = meeting_service(50);
            let answers = one_thread_per_request(service.addr(), 50).unwrap();
            assert_eq!(answers, in_order(50));
            assert_eq!(service.stats().max_in_flight(), 50);
        });
    }

    #[test]
    fn a_pool_has_as_many_requests_waiting_as_it_has_workers() {
        watchdog(PATIENCE, || {
            let pool = ThreadPool::new(4).unwrap();
            let service = meeting_service(4);
            let answers = thread_pool(&pool, service.addr(), 4).unwrap();
            assert_eq!(answers, in_order(4));
            assert_eq!(service.stats().max_in_flight(), 4);
        });
    }

    #[test]
    fn a_pool_smaller_than_the_requests_cannot_have_them_all_waiting() {
        watchdog(PATIENCE, || {
            let pool = ThreadPool::new(2).unwrap();
            let config = Config::with_delay(Duration::ZERO)
                .meeting(3, Duration::from_millis(200));
            let service = Service::start(config).unwrap();
            let err = thread_pool(&pool, service.addr(), 3).unwrap_err();
            assert!(err.to_string().contains("of 3 requests"), "{err}");
        });
    }

    #[test]
    fn tokio_tasks_on_one_thread_have_all_requests_waiting_at_once() {
        watchdog(PATIENCE, || {
            let service = meeting_service(200);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let answers = runtime.block_on(tokio_tasks(service.addr(), 200)).unwrap();
            assert_eq!(answers, in_order(200));
            assert_eq!(service.stats().max_in_flight(), 200);
        });
    }

    #[test]
    fn an_error_in_one_task_is_returned() {
        watchdog(PATIENCE, || {
            // nobody listens here any more: every request fails to connect
            let addr = Service::start(Config::with_delay(Duration::ZERO))
                .unwrap()
                .addr();
            let runtime = tokio::runtime::Runtime::new().unwrap();
            assert!(runtime.block_on(tokio_tasks(addr, 3)).is_err());
        });
    }
}
