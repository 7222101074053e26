//! The spec of exercise 1. The ranks are threads; each pair of ranks has its own
//! channel, so `receive_from(r)` reads only what rank `r` sent. Every message is
//! counted: the tree is checked by structure (who sent and received how many), never
//! by time. A rank that waits for a message nobody sends fails with a message naming
//! both ranks, well before the watchdog.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use ch09_ex01_tree_reduce::{Comm, block_sum, parallel_sum, tree_reduce};
use support::within_patience;

/// How long a rank waits for one message before the spec calls it a hang.
const WAIT: Duration = Duration::from_secs(3);

/// Rank `rank` of a world of `links.len()` ranks: `links[from]`
/// receives what `from` sent us.
struct Rank<'w> {
    rank: usize,
    to: Vec<Sender<u64>>,
    links: Vec<Receiver<u64>>,
    sent: &'w [AtomicUsize],
    received: &'w [AtomicUsize],
}

impl Comm for Rank<'_> {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.to.len()
    }
    fn send(&self, to: usize, value: u64) {
        assert!(
            to < self.size(),
            "rank {} sent to rank {to}, which does not exist",
            self.rank
        );
        assert_ne!(to, self.rank, "rank {to} sent a message to itself");
        self.sent[self.rank].fetch_add(1, Ordering::SeqCst);
        let _ = self.to[to].send(value);
    }
    fn receive_from(&self, from: usize) -> u64 {
        assert!(
            from < self.size(),
            "rank {} waits for rank {from}, which does not exist",
            self.rank
        );
        match self.links[from].recv_timeout(WAIT) {
            Ok(value) => {
                self.received[self.rank].fetch_add(1, Ordering::SeqCst);
                value
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "rank {} waited {WAIT:?} for a message from rank {from} that never came: \
                 does every receive have a matching send?",
                self.rank
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "rank {} waits for rank {from}, which already returned without sending to it",
                self.rank
            ),
        }
    }
}

/// One channel of the world, from one rank to another; the receiver
/// goes to the destination.
type Link = (Sender<u64>, Option<Receiver<u64>>);

/// What a run returns: each rank's result, and how many messages each
/// sent and received.
struct Run {
    results: Vec<Option<u64>>,
    sent: Vec<usize>,
    received: Vec<usize>,
}

/// Runs `main` on `size` ranks, one thread each, and collects what they returned.
fn run(size: usize, main: fn(&Rank<'_>) -> Option<u64>) -> Run {
    within_patience(move || {
        let counters = |n| (0..n).map(|_| AtomicUsize::new(0)).collect::<Vec<_>>();
        let (sent, received) = (counters(size), counters(size));
        // channels[from][to]
        let mut channels: Vec<Vec<Link>> = (0..size)
            .map(|_| {
                (0..size)
                    .map(|_| {
                        let (s, r) = channel();
                        (s, Some(r))
                    })
                    .collect()
            })
            .collect();
        let ranks: Vec<Rank<'_>> = (0..size)
            .map(|rank| Rank {
                rank,
                to: (0..size).map(|to| channels[rank][to].0.clone()).collect(),
                links: (0..size)
                    .map(|from| channels[from][rank].1.take().unwrap())
                    .collect(),
                sent: &sent,
                received: &received,
            })
            .collect();
        drop(channels);
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = ranks
                .into_iter()
                .map(|r| s.spawn(move || main(&r)))
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
            results
                .into_iter()
                .map(|r| r.unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        let load =
            |c: Vec<AtomicUsize>| c.into_iter().map(|a| a.into_inner()).collect();
        Run {
            results,
            sent: load(sent),
            received: load(received),
        }
    })
}

/// `size` ranks each reduce `rank + 1`: the sum is `size * (size + 1) / 2`.
fn reduce_ranks(size: usize) -> Run {
    run(size, |r| tree_reduce(r, r.rank() as u64 + 1))
}

/// "1 value", "2 values".
fn n_values(n: usize) -> String {
    format!("{n} value{}", if n == 1 { "" } else { "s" })
}

/// How long the blocks are, in words: `extra` ranks get `base + 1`
/// values, the others `base`.
fn block_lengths(base: usize, extra: usize) -> String {
    match extra {
        0 => format!("{} each", n_values(base)),
        1 => format!(
            "{} for rank 0 and {} for each other rank",
            n_values(base + 1),
            n_values(base)
        ),
        _ => format!(
            "{} for each of ranks 0 to {} and {} for each other rank",
            n_values(base + 1),
            extra - 1,
            n_values(base)
        ),
    }
}

#[test]
fn block_sum_takes_the_rank_s_contiguous_block() {
    // values[i] = 2^i, so a sum says exactly which indices were taken.
    let values: Vec<u64> = (0..10).map(|i| 1 << i).collect();
    for len in 0..=10 {
        for size in 1..=6 {
            let (base, extra) = (len / size, len % size);
            let mut start = 0;
            for rank in 0..size {
                let end = start + base + usize::from(rank < extra);
                let want: u64 = values[start..end].iter().sum();
                assert_eq!(
                    block_sum(&values[..len], rank, size),
                    want,
                    "{} on {size} ranks: rank {rank} should sum indices {start}..{end} (blocks \
                     in rank order, {})",
                    n_values(len),
                    block_lengths(base, extra)
                );
                start = end;
            }
        }
    }
}

#[test]
fn block_sum_wraps_like_mpi_sum() {
    assert_eq!(
        block_sum(&[u64::MAX, 2], 0, 1),
        1,
        "u64::MAX + 2 should wrap to 1: use wrapping_add"
    );
}

#[test]
fn rank_0_gets_the_sum_and_the_others_none() {
    for size in 1..=9 {
        let run = reduce_ranks(size);
        let want = (size * (size + 1) / 2) as u64;
        assert_eq!(
            run.results[0],
            Some(want),
            "{size} ranks: wrong sum on rank 0"
        );
        for (rank, got) in run.results.iter().enumerate().skip(1) {
            assert_eq!(*got, None, "{size} ranks: rank {rank} should return None");
        }
    }
}

#[test]
fn every_rank_but_0_sends_exactly_once() {
    for size in [2, 5, 8, 9] {
        let run = reduce_ranks(size);
        assert_eq!(
            run.sent[0], 0,
            "{size} ranks: rank 0 holds the result, it sends nothing"
        );
        for rank in 1..size {
            assert_eq!(
                run.sent[rank], 1,
                "{size} ranks: rank {rank} sent {} messages; each partial sum travels on once",
                run.sent[rank]
            );
        }
    }
}

#[test]
fn rank_0_receives_log2_size_messages_not_size_minus_1() {
    for (size, rounds) in [(2, 1), (4, 2), (8, 3), (9, 4), (16, 4)] {
        let run = reduce_ranks(size);
        assert!(
            run.received[0] <= rounds,
            "{size} ranks: rank 0 received {} messages; a tree needs at most {rounds} \
             (every rank sending to rank 0 is a gather, not a tree)",
            run.received[0]
        );
        let busiest = run.received.iter().max().copied().unwrap_or(0);
        assert!(
            busiest <= rounds,
            "{size} ranks: one rank received {busiest} messages"
        );
    }
}

#[test]
fn the_tree_sums_wrap_too() {
    let run = run(3, |r| tree_reduce(r, u64::MAX));
    assert_eq!(
        run.results[0],
        Some(u64::MAX - 2),
        "3 * u64::MAX should wrap: use wrapping_add"
    );
}

#[test]
fn parallel_sum_over_ranks_is_the_sequential_sum() {
    for size in [1, 3, 4, 7] {
        let run = run(size, |r| {
            let values: Vec<u64> = (1..=100).collect();
            parallel_sum(r, &values)
        });
        assert_eq!(
            run.results[0],
            Some(5050),
            "{size} ranks: the sum of 1..=100"
        );
    }
}

/// The same program under a real MPI job: `examples/ex01-mpi-ranks.rs` on every rank
/// of `mpirun -n 2` and `-n 4`. Without MPI here (no `mpirun`, or the `mpi` feature
/// does not build), it says so and runs 2 and 4 ranks as threads instead.
#[test]
fn under_mpirun_with_2_and_4_ranks_or_threads_without_mpi() {
    let ran = support::mpirun::under_mpirun(
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_TARGET_TMPDIR"),
        "ex01-mpi-ranks",
        &[2, 4],
        Duration::from_secs(60),
    );
    if ran != support::mpirun::Mpi::Ran {
        for size in [2, 4] {
            let run =
                run(size, |r| parallel_sum(r, &(1..=100).collect::<Vec<u64>>()));
            assert_eq!(
                run.results[0],
                Some(5050),
                "{size} ranks: the sum of 1..=100"
            );
        }
    }
}
