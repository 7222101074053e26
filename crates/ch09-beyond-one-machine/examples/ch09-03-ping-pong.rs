//! What a message costs: ranks 0 and 1 bounce messages from 8 B to 64 MB; rank 0
//! prints the one-way time (half a round trip) and the bandwidth it implies, as a
//! median with its spread.
//!
//! `mpirun -n 2 target/release/examples/ch09-03-ping-pong`

use ch01_sequential::timing::Spread;
use ch09_beyond_one_machine::mpi_world::ping_pong;
use ch09_beyond_one_machine::report;
use mpi::traits::*;

const REPEATS: usize = 7;

fn main() {
    let universe = mpi::initialize().expect("MPI was initialised twice");
    let world = universe.world();
    if world.size() < 2 {
        eprintln!("ping-pong needs 2 ranks: mpirun -n 2 ...");
        std::process::exit(2);
    }
    if world.rank() == 0 {
        println!(
            "one-way time of a message between ranks 0 and 1, {REPEATS} repeats"
        );
    }
    // ANCHOR: sizes
    // 8 B, 64 B, ... 16 MB (times 8 each step), then 64 MB.
    let sizes = (0..=21).step_by(3).map(|k| 8usize << k).chain([64 << 20]);
    for bytes in sizes {
        // Enough round trips that each repeat lasts about a millisecond or more.
        let round_trips = (1 << 20) / bytes.max(1 << 10) as u32 + 2;
        // one buffer for the warm-up and every repeat
        let mut buffer = vec![0u8; bytes];
        let _warm_up = ping_pong(&world, &mut buffer, round_trips);
        let times: Vec<_> = (0..REPEATS)
            .filter_map(|_| ping_pong(&world, &mut buffer, round_trips))
            .collect();
        // ANCHOR_END: sizes
        if let Some(spread) = Spread::new(times) {
            let bandwidth = bytes as f64 / spread.median().as_secs_f64();
            println!(
                "{bytes:>9} B  {}  {:>8.1} MB/s  ({round_trips} round trips per repeat)",
                report::spread(&spread),
                bandwidth / 1e6,
            );
        }
    }
}
