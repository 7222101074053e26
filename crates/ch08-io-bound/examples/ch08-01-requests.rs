//! Requests per second and latency against a local service that waits 50 ms per request: C
//! clients at once (C = 1, 10, 100, 1000), three rounds each, for one process per request, one
//! thread per request, a pool of 10 threads and tokio tasks. Latency runs from the start of a
//! round to each answer. The service runs in a child process first (forking needs a
//! single-threaded process), then on a thread.

use std::io;
use std::time::{Duration, Instant};

use ch04_pools::ThreadPool;
use ch08_io_bound::clients::{each_in_processes, each_on_pool, each_on_tasks, each_on_threads};
use ch08_io_bound::service::{ChildService, Config, Service, request, request_async};

const DELAY: Duration = Duration::from_millis(50);
const ROUNDS: usize = 3;
const LEVELS: [usize; 4] = [1, 10, 100, 1000];
/// Processes and the pool of 10 stop here: above, a round takes seconds (a fork per request;
/// 1,000 requests in turns of 10).
const CAP: usize = 100;

fn nanos_since(start: Instant) -> u64 {
    start.elapsed().as_nanos() as u64
}

// ANCHOR: rounds
/// Runs `ROUNDS` rounds of `round(start)`, which returns each request's latency in ns, and
/// prints requests per second and latency percentiles.
fn measure(model: &str, c: usize, mut round: impl FnMut(Instant) -> io::Result<Vec<u64>>) {
    let (mut latencies, mut total) = (Vec::new(), Duration::ZERO);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        latencies.extend(round(start).expect("the requests failed"));
        total += start.elapsed();
    }
    latencies.sort_unstable();
    let at =
        |p: usize| latencies[(p * latencies.len() / 100).min(latencies.len() - 1)] as f64 / 1e6;
    println!(
        "{model:<17} {c:>5} | {:>8.0} req/s | p50 {:>7.1} ms | p99 {:>7.1} ms | max {:>7.1} ms",
        latencies.len() as f64 / total.as_secs_f64(),
        at(50),
        at(99),
        at(100),
    );
}
// ANCHOR_END: rounds

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "each request waits {} ms in the service; {ROUNDS} rounds of C requests at once per row",
        DELAY.as_millis()
    );
    println!(
        "the ideal: C / {} ms requests per second, every latency {} ms\n",
        DELAY.as_millis(),
        DELAY.as_millis()
    );
    // ANCHOR: main
    // Processes first, while this process runs one thread.
    let child = ChildService::start(Config::with_delay(DELAY))?;
    let addr = child.addr();
    for c in LEVELS.into_iter().filter(|&c| c <= CAP) {
        measure("processes", c, |start| {
            each_in_processes(c, |id| request(addr, id).map(|_| nanos_since(start)))
        });
    }
    child.stop()?;
    println!();

    let service = Service::start(Config::with_delay(DELAY))?;
    let addr = service.addr();
    for c in LEVELS {
        measure("threads", c, |start| {
            each_on_threads(c, |id| request(addr, id).map(|_| nanos_since(start)))
        });
    }
    println!();
    let pool = ThreadPool::new(10)?;
    for c in LEVELS.into_iter().filter(|&c| c <= CAP) {
        measure("thread pool of 10", c, |start| {
            each_on_pool(&pool, c, move |id| {
                request(addr, id).map(|_| nanos_since(start))
            })
        });
    }
    println!();
    let runtime = tokio::runtime::Runtime::new()?;
    for c in LEVELS {
        measure("tokio tasks", c, |start| {
            runtime.block_on(each_on_tasks(c, |id| async move {
                request_async(addr, id).await.map(|_| nanos_since(start))
            }))
        });
    }
    // ANCHOR_END: main
    println!(
        "\nprocesses and the pool of 10 stop at {CAP} clients; the service held at most {} \
         requests at once",
        service.stats().max_in_flight()
    );
    Ok(())
}
