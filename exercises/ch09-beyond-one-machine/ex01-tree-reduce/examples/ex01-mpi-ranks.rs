//! Exercise 1 under MPI: every rank of `mpirun -n N` runs this program. The spec
//! builds it (feature `mpi`) and starts it under `mpirun -n 2` and `-n 4`; you can
//! too, from the `exercises` folder:
//!
//! ```console
//! $ cargo build -p ch09-ex01-tree-reduce --features mpi --example ex01-mpi-ranks
//! $ mpirun --oversubscribe -n 4 target/debug/examples/ex01-mpi-ranks
//! ```
//!
//! A rank that fails a check panics; `mpirun` then ends the job and fails.

use std::cell::Cell;
use std::time::{Duration, Instant};

use ch09_ex01_tree_reduce::{Comm, parallel_sum};
use mpi::point_to_point::Source;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

/// How long a rank waits for one message before calling it a hang.
const WAIT: Duration = Duration::from_secs(10);

/// [`Comm`] over MPI's world, counting the messages this rank sends and receives.
struct World {
    world: SimpleCommunicator,
    sent: Cell<usize>,
    received: Cell<usize>,
}

impl Comm for World {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }
    fn size(&self) -> usize {
        self.world.size() as usize
    }
    fn send(&self, to: usize, value: u64) {
        assert!(
            to < self.size() && to != self.rank(),
            "rank {} sent to rank {to}: not another rank of {}",
            self.rank(),
            self.size()
        );
        self.sent.set(self.sent.get() + 1);
        self.world.process_at_rank(to as i32).send(&value);
    }
    fn receive_from(&self, from: usize) -> u64 {
        assert!(
            from < self.size(),
            "rank {} waits for rank {from}, which does not exist",
            self.rank()
        );
        // Polls, sleeping in between, so a missing message is a failure
        // naming both ranks.
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some((message, _)) = self
                .world
                .process_at_rank(from as i32)
                .immediate_matched_probe()
            {
                let mut value = 0u64;
                message.matched_receive_into(&mut value);
                self.received.set(self.received.get() + 1);
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "rank {} waited {WAIT:?} for a message from rank {from} that never came: does \
                 every receive have a matching send?",
                self.rank()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn main() {
    let universe = mpi::initialize().expect("MPI initialised once");
    let comm = World {
        world: universe.world(),
        sent: Cell::new(0),
        received: Cell::new(0),
    };
    let (rank, size) = (comm.rank(), comm.size());
    let values: Vec<u64> = (1..=100).collect();
    let got = parallel_sum(&comm, &values);
    if rank == 0 {
        assert_eq!(
            got,
            Some(5050),
            "{size} ranks: rank 0 got the wrong sum of 1..=100"
        );
        assert_eq!(
            comm.sent.get(),
            0,
            "rank 0 holds the result, it sends nothing"
        );
    } else {
        assert_eq!(got, None, "{size} ranks: rank {rank} should return None");
        assert_eq!(
            comm.sent.get(),
            1,
            "{size} ranks: rank {rank} sent {} messages; each partial sum travels on once",
            comm.sent.get()
        );
    }
    let rounds = size.next_power_of_two().trailing_zeros() as usize;
    assert!(
        comm.received.get() <= rounds,
        "{size} ranks: rank {rank} received {} messages; a tree needs at most {rounds}",
        comm.received.get()
    );
    comm.world.barrier();
}
