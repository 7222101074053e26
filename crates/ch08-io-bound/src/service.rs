//! A local request/response service with a fixed delay per request: the stand-in for
//! a database or a remote API.
//!
//! The protocol is one line each way, one request per connection: the
//! client sends a number (`"7\n"`), the service waits [`Config::delay`],
//! then answers `"ok 7\n"`. Anything else gets `"err ...\n"`. The
//! service listens on `127.0.0.1`, on a port the kernel picks, so
//! nothing leaves the machine and two runs never fight over a port.
//!
//! [`Service::start`] runs it on a thread of its own (a tokio runtime with one
//! thread); dropping the [`Service`] stops it. [`ChildService::start`] runs it in a
//! child process instead, for clients that fork (one process per request): a process
//! that forks must have one thread.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::sync::{oneshot, watch};

/// How long a client waits for the service before it gives up with an error.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The listen backlog: room for this many connections not yet accepted.
/// The default of `std::net::TcpListener` (128) makes the 129th
/// simultaneous `connect` wait for a retry.
pub const BACKLOG: i32 = 4096;

/// The longest line either side reads.
const MAX_LINE: u64 = 64;

// ANCHOR: config
/// What the service does with each request.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The fixed wait before each answer (the "database").
    pub delay: Duration,
    /// For tests: hold each request until this many have arrived
    /// together, or answer with an error after the given patience.
    /// Proves that clients really wait at the same time.
    pub meet: Option<(usize, Duration)>,
}
// ANCHOR_END: config

impl Config {
    /// A service that answers every request after `delay`.
    pub fn with_delay(delay: Duration) -> Self {
        Config { delay, meet: None }
    }

    /// The same, holding each request until `n` requests are in the service at once.
    pub fn meeting(self, n: usize, patience: Duration) -> Self {
        Config {
            meet: Some((n, patience)),
            ..self
        }
    }
}

/// What the service counted.
#[derive(Debug, Default)]
pub struct Stats {
    served: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Stats {
    /// Requests answered with `ok`.
    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    /// The most requests the service held at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

/// The service, running on a thread of its own until dropped.
#[derive(Debug)]
pub struct Service {
    addr: SocketAddr,
    stats: Arc<Stats>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Service {
    /// Binds `127.0.0.1:0` and serves on a new thread.
    pub fn start(config: Config) -> io::Result<Service> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let (stop, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let counted = Arc::clone(&stats);
        let thread =
            std::thread::Builder::new()
                .name("service".into())
                .spawn(move || {
                    runtime.block_on(serve(listener, config, counted, async {
                        let _ = stopped.await;
                    }))
                })?;
        Ok(Service {
            addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where to connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the service counted so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ANCHOR: serve
/// Accepts connections until `stop` completes; each connection is one task.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    stats: Arc<Stats>,
    stop: impl Future<Output = ()>,
) -> io::Result<()> {
    listen_again(&listener)?;
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    // How many requests have arrived so far, for `Config::meet`.
    let (arrived, _) = watch::channel(0usize);
    let arrived = Arc::new(arrived);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let (stats, arrived) = (Arc::clone(&stats), Arc::clone(&arrived));
                tokio::spawn(async move {
                    let _ = answer(stream, config, &stats, &arrived).await;
                });
            }
        }
    }
}

async fn answer(
    stream: tokio::net::TcpStream,
    config: Config,
    stats: &Stats,
    arrived: &watch::Sender<usize>,
) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read.take(MAX_LINE))
        .read_line(&mut line)
        .await?;
    let reply = match line.trim().parse::<u64>() {
        Err(_) => format!("err bad request {:?}\n", line.trim()),
        Ok(id) => {
            let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
            let reply = match met(config, arrived).await {
                Err(message) => message,
                Ok(()) => {
                    tokio::time::sleep(config.delay).await; // the "database"
                    stats.served.fetch_add(1, Ordering::SeqCst);
                    format!("ok {id}\n")
                }
            };
            stats.in_flight.fetch_sub(1, Ordering::SeqCst);
            reply
        }
    };
    write.write_all(reply.as_bytes()).await
}
// ANCHOR_END: serve

/// Waits until `Config::meet`'s count of requests has arrived, if there is one.
async fn met(config: Config, arrived: &watch::Sender<usize>) -> Result<(), String> {
    let Some((n, patience)) = config.meet else {
        return Ok(());
    };
    arrived.send_modify(|count| *count += 1);
    let mut seen = arrived.subscribe();
    match tokio::time::timeout(patience, seen.wait_for(|&count| count >= n)).await {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "err only {} of {n} requests were in the service together\n",
            *arrived.borrow()
        )),
    }
}

/// `std` listens with a backlog of 128; a second `listen` on Linux raises it.
#[cfg(unix)]
fn listen_again(listener: &TcpListener) -> io::Result<()> {
    let backlog = nix::sys::socket::Backlog::new(BACKLOG).map_err(io::Error::from)?;
    nix::sys::socket::listen(listener, backlog).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn listen_again(_: &TcpListener) -> io::Result<()> {
    Ok(())
}

// ANCHOR: request
/// One request with blocking I/O: connect, send `id`, wait for the answer.
pub fn request(addr: SocketAddr, id: u64) -> io::Result<u64> {
    let mut stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    writeln!(stream, "{id}")?;
    let mut line = String::new();
    BufReader::new(Read::take(stream, MAX_LINE)).read_line(&mut line)?;
    parse_reply(&line)
}

/// The same request with async I/O: while it waits, its thread runs other tasks.
pub async fn request_async(addr: SocketAddr, id: u64) -> io::Result<u64> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(format!("{id}\n").as_bytes()).await?;
        let mut line = String::new();
        tokio::io::BufReader::new(stream.take(MAX_LINE))
            .read_line(&mut line)
            .await?;
        parse_reply(&line)
    };
    tokio::time::timeout(IO_TIMEOUT, exchange)
        .await
        .map_err(|_| {
            io::Error::new(io::ErrorKind::TimedOut, "no answer from the service")
        })?
}
// ANCHOR_END: request

/// `"ok 7\n"` is `Ok(7)`; `"err ..."` is an error with the service's message.
pub fn parse_reply(line: &str) -> io::Result<u64> {
    let line = line.trim_end();
    if let Some(message) = line.strip_prefix("err ") {
        return Err(io::Error::other(format!("the service said: {message}")));
    }
    line.strip_prefix("ok ")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unexpected answer {line:?}"),
            )
        })
}

// ANCHOR: child_service
/// The service in a child process: for clients that fork one process
/// per request, since a process that forks must run a single thread
/// (chapter 03), and [`Service`] runs one.
#[cfg(unix)]
#[derive(Debug)]
pub struct ChildService {
    addr: SocketAddr,
    /// A byte written to it tells the child to stop. Not end-of-file: every process
    /// forked from this one meanwhile holds a copy of this end of the pipe.
    stop: Option<std::fs::File>,
    child: Option<ch03_processes::ProcessHandle<u64>>,
}

#[cfg(unix)]
impl ChildService {
    /// Binds `127.0.0.1:0` here, then forks a child that serves on it. Call it while
    /// this process runs one thread (`ch03_processes::spawn` checks).
    pub fn start(
        config: Config,
    ) -> Result<ChildService, ch03_processes::ProcessError> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let (mut stop_read, stop_write) = ch03_processes::pipe()?;
        let mut parent_end = Some(stop_write);
        let child = ch03_processes::spawn(|| {
            // the child's copy: only the parent's may keep it open
            drop(parent_end.take());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime in the service's process");
            let stats = Arc::new(Stats::default());
            let until_stopped = async move {
                let waiting = tokio::task::spawn_blocking(move || {
                    // returns at the parent's byte, or at end-of-file once no
                    // copy of the write end is left open (the parent died)
                    let _ = stop_read.read(&mut [0u8; 1]);
                });
                let _ = waiting.await;
            };
            runtime
                .block_on(serve(listener, config, Arc::clone(&stats), until_stopped))
                .expect("the service failed");
            stats.served() as u64
        })?;
        Ok(ChildService {
            addr,
            stop: parent_end,
            child: Some(child),
        })
    }

    /// Where to connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the child and reaps it: how many requests it answered with `ok`.
    pub fn stop(mut self) -> Result<u64, ch03_processes::ProcessError> {
        self.tell_stop();
        let child = self.child.take().expect("taken only here and in drop");
        child.join()
    }

    /// Writes the stop byte. Closing the pipe alone would not do: a process forked
    /// from this one since `start` (a client, another service) holds a copy of it.
    fn tell_stop(&mut self) {
        if let Some(mut stop) = self.stop.take() {
            // fails (EPIPE, not SIGPIPE) only if the child is gone already
            let _ = ch03_processes::sys::write_all_without_sigpipe(&mut stop, b".");
        }
    }
}

#[cfg(unix)]
impl Drop for ChildService {
    fn drop(&mut self) {
        self.tell_stop();
        if let Some(child) = self.child.take() {
            let _ = child.join();
        }
    }
}
// ANCHOR_END: child_service

#[cfg(test)]
mod tests {
    use super::*;
    use support::{PATIENCE, watchdog};

    #[test]
    fn answers_with_the_request_id() {
        watchdog(PATIENCE, || {
            let service = Service::start(Config::with_delay(Duration::ZERO)).unwrap();
            assert_eq!(request(service.addr(), 7).unwrap(), 7);
            assert_eq!(service.stats().served(), 1);
        });
    }

    #[test]
    fn listens_on_loopback_only() {
        let service = Service::start(Config::with_delay(Duration::ZERO)).unwrap();
        assert!(service.addr().ip().is_loopback());
    }

    #[test]
    fn a_bad_request_gets_an_error_not_a_hang() {
        watchdog(PATIENCE, || {
            let service = Service::start(Config::with_delay(Duration::ZERO)).unwrap();
            let mut stream = TcpStream::connect(service.addr()).unwrap();
            writeln!(stream, "hello").unwrap();
            let mut line = String::new();
            BufReader::new(stream).read_line(&mut line).unwrap();
            let err = parse_reply(&line).unwrap_err();
            assert!(err.to_string().contains("bad request"), "{err}");
            assert_eq!(service.stats().served(), 0);
        });
    }

    #[test]
    fn a_lone_request_cannot_meet_two_and_says_so() {
        watchdog(PATIENCE, || {
            let config = Config::with_delay(Duration::ZERO)
                .meeting(2, Duration::from_millis(50));
            let service = Service::start(config).unwrap();
            let err = request(service.addr(), 1).unwrap_err();
            assert!(err.to_string().contains("only 1 of 2"), "{err}");
        });
    }

    #[test]
    fn a_reply_that_is_not_the_protocol_is_invalid_data() {
        let err = parse_reply("HTTP/1.1 200 OK").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn dropping_the_service_stops_it() {
        watchdog(PATIENCE, || {
            let service = Service::start(Config::with_delay(Duration::ZERO)).unwrap();
            let addr = service.addr();
            drop(service);
            assert!(request(addr, 1).is_err(), "nobody should answer any more");
        });
    }
}
