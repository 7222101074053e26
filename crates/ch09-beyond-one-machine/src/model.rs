//! When adding ranks (and machines) pays: a message costs a fixed latency plus its
//! size over the bandwidth, and that cost sits beside the work as a part that does
//! not shrink with more ranks. Amdahl's law (chapter 01) with one more term.

// ANCHOR: link
/// What a message costs on one link, measured by ping-pong (example
/// `ch09-03-ping-pong`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Seconds for a message of (almost) no bytes to arrive.
    pub latency: f64,
    /// Bytes per second for large messages.
    pub bandwidth: f64,
}

impl Link {
    /// Seconds to send one message of `bytes`: `latency + bytes / bandwidth`.
    pub fn message(&self, bytes: f64) -> f64 {
        self.latency + bytes / self.bandwidth
    }

    /// Of each task's time on a worker, the fraction spent computing rather than
    /// waiting for its round trip (the task out, the result back):
    /// `task / (task + 2 messages)`.
    pub fn efficiency(&self, task_seconds: f64, bytes_each_way: f64) -> f64 {
        task_seconds / (task_seconds + 2.0 * self.message(bytes_each_way))
    }
}
// ANCHOR_END: link

// ANCHOR: amdahl_comm
/// Amdahl's speedup with communication: `serial` seconds that no rank shares,
/// `parallel` seconds divided over `ranks`, and `communication` seconds that come on
/// top (messages, and the waiting on them). Returns `None` for zero ranks.
///
/// With `communication = 0` this is chapter 01's `amdahl`; a communication that grows
/// with the ranks (one more message per rank) makes the speedup peak and then fall.
pub fn speedup(
    serial: f64,
    parallel: f64,
    ranks: usize,
    communication: f64,
) -> Option<f64> {
    (ranks > 0).then(|| {
        (serial + parallel) / (serial + parallel / ranks as f64 + communication)
    })
}

/// The number of ranks, up to `max_ranks`, with the best [`speedup`]
/// when every rank costs one message of `message` seconds more (a
/// scatter and a gather through rank 0, say).
pub fn best_ranks(
    serial: f64,
    parallel: f64,
    message: f64,
    max_ranks: usize,
) -> Option<usize> {
    (1..=max_ranks).max_by(|&a, &b| {
        let s = |p: usize| {
            speedup(serial, parallel, p, message * p as f64).unwrap_or(0.0)
        };
        s(a).total_cmp(&s(b))
    })
}
// ANCHOR_END: amdahl_comm

#[cfg(test)]
mod tests {
    use super::*;
    use ch01_sequential::ideal::amdahl;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn without_communication_it_is_chapter_01s_amdahl() {
        for ranks in 1..9 {
            let ours = speedup(1.0, 9.0, ranks, 0.0).unwrap();
            assert!(close(ours, amdahl(0.9, ranks).unwrap()));
        }
        assert_eq!(speedup(1.0, 1.0, 0, 0.0), None);
    }

    #[test]
    fn a_message_costs_latency_plus_size_over_bandwidth() {
        let link = Link {
            latency: 1e-6,
            bandwidth: 1e9,
        };
        assert!(close(link.message(0.0), 1e-6));
        assert!(close(link.message(1e9), 1.0 + 1e-6));
        // A 1 ms task with 24-byte messages on a 1 us link: almost all compute.
        assert!(link.efficiency(1e-3, 24.0) > 0.99);
        // A task as long as its round trip: half the time is messages.
        assert!(close(link.efficiency(2.0 * link.message(24.0), 24.0), 0.5));
    }

    #[test]
    fn a_cost_per_rank_makes_more_ranks_worse_past_a_point() {
        // 1 s of parallel work, 10 ms per rank of messages: the best is
        // 10 ranks (p = sqrt(1/0.01)).
        assert_eq!(best_ranks(0.0, 1.0, 0.01, 64), Some(10));
        // Free messages: the more ranks the better.
        assert_eq!(best_ranks(0.0, 1.0, 0.0, 64), Some(64));
    }
}
