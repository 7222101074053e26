//! The MPI side (feature `mpi`): the same protocol over Open MPI, the
//! tutorial scattered and reduced with collectives, and a ping-pong
//! that measures what a message costs.
//!
//! Every function here is called by every rank (SPMD): what differs is
//! what `rank()` says.

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use ch01_sequential::timing::Spread;

use mpi::collective::SystemOperation;
use mpi::datatype::{Partition, PartitionMut};
use mpi::traits::*;

use crate::decompose::counts_and_displs;
use crate::transport::{Message, Transport, TransportError, WORDS};

// ANCHOR: mpi_transport
/// [`Transport`] over an MPI communicator: a message is three `u64`
/// sent as one array.
pub struct MpiTransport<'a, C: Communicator> {
    comm: &'a C,
}

impl<'a, C: Communicator> MpiTransport<'a, C> {
    /// Wraps a communicator, usually `universe.world()`.
    pub fn new(comm: &'a C) -> Self {
        MpiTransport { comm }
    }
}

impl<C: Communicator> Transport for MpiTransport<'_, C> {
    fn rank(&self) -> usize {
        self.comm.rank() as usize
    }

    fn size(&self) -> usize {
        self.comm.size() as usize
    }

    fn send(&self, to: usize, message: Message) -> Result<(), TransportError> {
        let size = self.size();
        let rank = i32::try_from(to)
            .ok()
            .filter(|_| to < size)
            .ok_or(TransportError::NoSuchRank { to, size })?;
        self.comm
            .process_at_rank(rank)
            .send(&message.to_words()[..]);
        Ok(())
    }

    fn receive(&self) -> Result<(usize, Message), TransportError> {
        let mut words = [0u64; WORDS];
        let status = self.comm.any_process().receive_into(&mut words[..]);
        let message =
            Message::from_words(words).ok_or(TransportError::Garbled(words))?;
        Ok((status.source_rank() as usize, message))
    }
}
// ANCHOR_END: mpi_transport

// ANCHOR: static_split
/// Static decomposition with collectives: rank 0 scatters `inputs` (only rank 0's are
/// read) in one block per rank, every rank computes its block, rank 0 gathers the
/// results in order and reduces the sum. Returns `Some((results, sum))` on rank 0,
/// `None` elsewhere.
pub fn static_split<C: Communicator>(
    comm: &C,
    inputs: &[u64],
    work: impl Fn(u64) -> u64,
) -> Option<(Vec<u64>, u64)> {
    let root = comm.process_at_rank(0);
    let size = comm.size() as usize;
    // Every rank needs the block sizes: broadcast the count, then each
    // computes the same split.
    let mut len = inputs.len() as u64;
    root.broadcast_into(&mut len);
    let (counts, displs) =
        counts_and_displs(len as usize, size).expect("size is at least 1");
    let mine = counts[comm.rank() as usize] as usize;

    let mut block = vec![0u64; mine];
    if comm.rank() == 0 {
        let partition = Partition::new(inputs, &counts[..], &displs[..]);
        root.scatter_varcount_into_root(&partition, &mut block[..]);
    } else {
        root.scatter_varcount_into(&mut block[..]);
    }

    let results: Vec<u64> = block.iter().map(|&n| work(n)).collect();
    let partial: u64 = results.iter().fold(0, |a, &r| a.wrapping_add(r));

    if comm.rank() == 0 {
        let mut all = vec![0u64; len as usize];
        let mut partition = PartitionMut::new(&mut all[..], &counts[..], &displs[..]);
        root.gather_varcount_into_root(&results[..], &mut partition);
        let mut sum = 0u64;
        root.reduce_into_root(&partial, &mut sum, SystemOperation::sum());
        Some((all, sum))
    } else {
        root.gather_varcount_into(&results[..]);
        root.reduce_into(&partial, SystemOperation::sum());
        None
    }
}
// ANCHOR_END: static_split

// ANCHOR: quiet_barrier
/// A barrier whose waiting ranks sleep instead of spinning.
///
/// A rank blocked in an MPI call (`barrier`, `receive`) polls for the message in a
/// loop: it keeps a core busy while it waits (with more ranks than slots, Open MPI
/// has it yield the core between polls, which still costs the others CPU time).
/// While rank 0 times the sequential run, the other ranks wait here, in an immediate
/// (non-blocking) barrier tested every millisecond, so they leave the cores to rank
/// 0.
pub fn quiet_barrier<C: Communicator>(comm: &C) {
    let mut request = comm.immediate_barrier();
    loop {
        match request.test() {
            Ok(_) => return,
            Err(pending) => {
                request = pending;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}
// ANCHOR_END: quiet_barrier

/// Runs `run` `runs` times on every rank, each run starting at a [`quiet_barrier`] so
/// rank 0's clock starts when every rank is ready; returns the times on rank 0,
/// `None` elsewhere.
pub fn timed_runs<C: Communicator>(
    comm: &C,
    runs: NonZeroUsize,
    run: &mut dyn FnMut(),
) -> Option<Spread> {
    let times = (0..runs.get())
        .map(|_| {
            quiet_barrier(comm);
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    (comm.rank() == 0).then(|| Spread::new(times).expect("runs is at least one"))
}

// ANCHOR: ping_pong
/// Ranks 0 and 1 bounce `buffer` (the message) back and forth
/// `round_trips` times; returns, on rank 0, the one-way time of one
/// message (half a round trip, averaged over the round trips). The
/// other ranks take no part and return `None`. Needs at least 2 ranks.
///
/// The caller owns the buffer and passes the same one to every call,
/// warm-up included, as `python/ping_pong.py` does: a fresh allocation
/// per call would put the first touch of its pages (and Open MPI's
/// first sight of that memory) inside the timed loop.
pub fn ping_pong<C: Communicator>(
    comm: &C,
    buffer: &mut [u8],
    round_trips: u32,
) -> Option<Duration> {
    match comm.rank() {
        0 => {
            let other = comm.process_at_rank(1);
            let start = Instant::now();
            for _ in 0..round_trips {
                other.send(&*buffer);
                other.receive_into(&mut *buffer);
            }
            Some(start.elapsed() / (2 * round_trips.max(1)))
        }
        1 => {
            let other = comm.process_at_rank(0);
            for _ in 0..round_trips {
                other.receive_into(&mut *buffer);
                other.send(&*buffer);
            }
            None
        }
        _ => None,
    }
}
// ANCHOR_END: ping_pong
