//! Requests per second and latency against a local service that waits 10 ms per
//! request (the benchmark's delay): C clients at once (C = 1, 10, 100, 1000), three
//! rounds each, for one process per request, one thread per request, a pool of
//! 10 threads and tokio tasks. Latency runs from the start of a round to each answer.
//! The service runs in a child process first (forking needs a single-threaded
//! process), then on a thread. A row runs only if the machine has room for it
//! (`limits`); a row left out says why.

use std::io;
use std::time::{Duration, Instant};

use ch04_pools::ThreadPool;
use ch08_io_bound::clients::{
    each_in_processes, each_on_pool, each_on_tasks, each_on_threads,
};
use ch08_io_bound::limits::{self, Needs};
use ch08_io_bound::service::{ChildService, Config, Service, request, request_async};

const DELAY: Duration = Duration::from_millis(10);
const ROUNDS: usize = 3;
const LEVELS: [usize; 4] = [1, 10, 100, 1000];

/// The levels at which `model` has room for what `needs(c)` asks; says
/// which it leaves out.
fn levels(
    model: &str,
    needs: impl Fn(usize) -> Needs,
) -> impl Iterator<Item = usize> {
    LEVELS
        .into_iter()
        .filter(move |&c| match limits::room_for(needs(c)) {
            Ok(()) => true,
            Err(why) => {
                println!("{model:<17} {c:>5} | left out, no room: {why}");
                false
            }
        })
}

fn nanos_since(start: Instant) -> u64 {
    start.elapsed().as_nanos() as u64
}

// ANCHOR: rounds
/// Runs `ROUNDS` rounds of `round(start)`, which returns each request's latency in
/// ns, and prints requests per second and latency percentiles.
fn measure(
    model: &str,
    c: usize,
    mut round: impl FnMut(Instant) -> io::Result<Vec<u64>>,
) {
    let (mut latencies, mut total) = (Vec::new(), Duration::ZERO);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        latencies.extend(round(start).expect("the requests failed"));
        total += start.elapsed();
    }
    latencies.sort_unstable();
    let at = |p: usize| {
        latencies[(p * latencies.len() / 100).min(latencies.len() - 1)] as f64 / 1e6
    };
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
    // 1,000 requests hold 2,000 sockets in this process: the soft limit
    // is often 1,024
    limits::raise_fd_limit()?;
    // ANCHOR: main
    // Processes first, while this process runs one thread.
    let child = ChildService::start(Config::with_delay(DELAY))?;
    let addr = child.addr();
    // the service's sockets
    let processes = |c| Needs::processes(c).and(Needs::sockets(c));
    for c in levels("processes", processes) {
        measure("processes", c, |start| {
            each_in_processes(c, |id| request(addr, id).map(|_| nanos_since(start)))
        });
    }
    child.stop()?;
    println!();

    let service = Service::start(Config::with_delay(DELAY))?;
    let addr = service.addr();
    let sockets = |c| Needs::sockets(2 * c); // both ends in this process
    for c in levels("threads", |c| Needs::threads(c).and(sockets(c))) {
        measure("threads", c, |start| {
            each_on_threads(c, |id| request(addr, id).map(|_| nanos_since(start)))
        });
    }
    println!();
    let pool = ThreadPool::new(10)?;
    for c in LEVELS {
        measure("thread pool of 10", c, |start| {
            each_on_pool(&pool, c, move |id| {
                request(addr, id).map(|_| nanos_since(start))
            })
        });
    }
    println!();
    let runtime = tokio::runtime::Runtime::new()?;
    for c in levels("tokio tasks", sockets) {
        measure("tokio tasks", c, |start| {
            runtime.block_on(each_on_tasks(c, |id| async move {
                request_async(addr, id).await.map(|_| nanos_since(start))
            }))
        });
    }
    // ANCHOR_END: main
    println!(
        "\nthe service held at most {} requests at once",
        service.stats().max_in_flight()
    );
    Ok(())
}
