//! SPMD: one program, N ranks. Run with `mpirun -n 4
//! target/release/examples/ch09-01-spmd`.
//!
//! Every rank runs this same `main`; only `rank` differs. Rank 0 prints what the
//! others sent, so the output does not depend on which rank's `println!` reaches the
//! terminal first.

use mpi::collective::SystemOperation;
use mpi::traits::*;

fn main() {
    // ANCHOR: init
    let universe = mpi::initialize().expect("MPI was initialised twice");
    let world = universe.world();
    let (rank, size) = (world.rank(), world.size());
    let root = world.process_at_rank(0);
    // ANCHOR_END: init

    // ANCHOR: point_to_point
    // Point to point, a ring: each rank sends its rank to the next and
    // receives from the previous.
    let next = world.process_at_rank((rank + 1) % size);
    let previous = world.process_at_rank((rank + size - 1) % size);
    let from_previous: i32 = if rank % 2 == 0 {
        next.send(&rank);
        previous.receive().0
    } else {
        let (got, _) = previous.receive::<i32>();
        next.send(&rank);
        got
    };
    // ANCHOR_END: point_to_point

    // ANCHOR: collectives
    // Broadcast: rank 0's value reaches everyone.
    let mut numbers_len = if rank == 0 { 4u64 } else { 0 };
    root.broadcast_into(&mut numbers_len);

    // Scatter: rank 0 holds one number per rank, each rank receives one.
    let mut mine = 0u64;
    if rank == 0 {
        let numbers: Vec<u64> = (0..size as u64).map(|r| 10 * (r + 1)).collect();
        root.scatter_into_root(&numbers[..], &mut mine);
    } else {
        root.scatter_into(&mut mine);
    }

    // Gather: rank 0 collects one value from each rank, in rank order.
    let report = [rank as u64, from_previous as u64, numbers_len, mine];
    // Reduce: rank 0 receives the sum of every rank's value.
    if rank == 0 {
        let mut all = vec![0u64; 4 * size as usize];
        root.gather_into_root(&report[..], &mut all[..]);
        let mut sum = 0u64;
        root.reduce_into_root(&mine, &mut sum, SystemOperation::sum());
        println!("{size} ranks");
        for r in all.chunks(4) {
            println!(
                "rank {}: received {} from the previous rank, \
                 broadcast {}, scattered {}",
                r[0], r[1], r[2], r[3]
            );
        }
        println!("reduce (sum of the scattered numbers): {sum}");
    } else {
        root.gather_into(&report[..]);
        root.reduce_into(&mine, SystemOperation::sum());
    }
    // ANCHOR_END: collectives
}
