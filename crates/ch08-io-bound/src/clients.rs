//! N requests to the service, N waiting at once, four ways.
//!
//! Every client returns the answers in request order (`answers[i]` answers request `i`), or the
//! first error. The service's delay is the same for all; what differs is what each waiting
//! request costs the client: a thread (one per request, or one of a pool), a tokio task, or a
//! whole process.

use std::io;
use std::net::SocketAddr;

use ch04_pools::ThreadPool;
use tokio::task::JoinSet;

use crate::service::{request, request_async};

// ANCHOR: threads
/// One OS thread per request, like `threading.Thread` per request.
pub fn one_thread_per_request(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n as u64)
            .map(|id| scope.spawn(move || request(addr, id)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a request thread panicked"))
            .collect()
    })
}
// ANCHOR_END: threads

// ANCHOR: pool
/// The requests queued on chapter 04's thread pool: at most `pool.size()` wait at once.
pub fn thread_pool(pool: &ThreadPool, addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    let handles = (0..n as u64)
        .map(|id| pool.apply_async(move || request(addr, id)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    handles
        .into_iter()
        .map(|handle| handle.get().map_err(io::Error::other)?)
        .collect()
}
// ANCHOR_END: pool

// ANCHOR: tasks
/// One tokio task per request, gathered with a `JoinSet` (asyncio's `gather`). Tasks finish
/// in any order; each carries its index, so the answers come back in request order.
pub async fn tokio_tasks(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    let mut tasks = JoinSet::new();
    for id in 0..n as u64 {
        tasks.spawn(async move { (id, request_async(addr, id).await) });
    }
    let mut answers = vec![0; n];
    while let Some(joined) = tasks.join_next().await {
        let (id, answer) = joined.map_err(io::Error::other)?;
        answers[id as usize] = answer?; // returning drops `tasks`, which aborts the rest
    }
    Ok(answers)
}
// ANCHOR_END: tasks

// ANCHOR: processes
/// One process per request (chapter 03's `spawn`), for contrast. The service must not run in
/// this process ([`crate::service::ChildService`]): a process that forks runs one thread.
#[cfg(unix)]
pub fn one_process_per_request(addr: SocketAddr, n: usize) -> io::Result<Vec<u64>> {
    // The child's result crosses as bytes: (answer, "") or (0, the error's message).
    let child = move |id| match request(addr, id) {
        Ok(answer) => (answer, String::new()),
        Err(e) => (0, e.to_string()),
    };
    let handles = (0..n as u64)
        .map(|id| ch03_processes::spawn(move || child(id)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    handles
        .into_iter()
        .map(|handle| match handle.join().map_err(io::Error::other)? {
            (answer, error) if error.is_empty() => Ok(answer),
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
        Service::start(Config::with_delay(Duration::from_millis(1)).meeting(n, MEET)).unwrap()
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
            let config = Config::with_delay(Duration::ZERO).meeting(3, Duration::from_millis(200));
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
