//! N requests to a local service that waits 50 ms per request, made four ways: one process per
//! request, one thread per request, a thread pool of 10, tokio tasks. The service runs in a
//! child process first (forking needs a single-threaded process), then on a thread.

use std::time::{Duration, Instant};

use ch04_pools::ThreadPool;
use ch08_io_bound::clients;
use ch08_io_bound::service::{ChildService, Config, Service};

const DELAY: Duration = Duration::from_millis(50);

fn report(model: &str, n: usize, elapsed: Duration) {
    let ideal = DELAY.as_secs_f64();
    println!(
        "{model:<28} {n:>5} requests in {:>7.1} ms = {:>6.0} requests/s ({:.2}x the ideal {:.0} ms)",
        elapsed.as_secs_f64() * 1e3,
        n as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / ideal,
        ideal * 1e3,
    );
}

fn timed<T>(f: impl FnOnce() -> std::io::Result<T>) -> Duration {
    let start = Instant::now();
    f().expect("the requests failed");
    start.elapsed()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "each request waits {} ms in the service\n",
        DELAY.as_millis()
    );
    // ANCHOR: main
    // Processes first, while this process runs one thread.
    let child = ChildService::start(Config::with_delay(DELAY))?;
    for n in [10, 100] {
        let elapsed = timed(|| clients::one_process_per_request(child.addr(), n));
        report("one process per request", n, elapsed);
    }
    child.stop()?;

    let service = Service::start(Config::with_delay(DELAY))?;
    let pool = ThreadPool::new(10)?;
    let runtime = tokio::runtime::Runtime::new()?;
    for n in [10, 100, 1000] {
        report(
            "one thread per request",
            n,
            timed(|| clients::one_thread_per_request(service.addr(), n)),
        );
        report(
            "thread pool of 10",
            n,
            timed(|| clients::thread_pool(&pool, service.addr(), n)),
        );
        let tasks = timed(|| runtime.block_on(clients::tokio_tasks(service.addr(), n)));
        report("tokio tasks", n, tasks);
    }
    // ANCHOR_END: main
    println!(
        "\nthe service held at most {} requests at once",
        service.stats().max_in_flight()
    );
    Ok(())
}
