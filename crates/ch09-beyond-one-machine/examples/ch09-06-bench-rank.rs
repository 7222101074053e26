//! One measurement of the chapter's benchmark (benches/ranks.rs), run
//! by every rank of `mpirun -n N`. The bench starts it once per
//! criterion sample, with the number of iterations criterion asks for,
//! and reads the total time rank 0 prints, in nanoseconds:
//!
//! * `ch09-06-bench-rank static tutorial 5`: the static split of the
//!   tutorial, 5 times;
//! * `ch09-06-bench-rank master-worker uneven 5`: master/worker on the uneven list
//!   (needs 2 ranks or more: rank 0 only hands out tasks);
//! * `ch09-06-bench-rank ping-pong 8 1000`: 1000 one-way messages of 8 bytes between
//!   ranks 0 and 1 (500 round trips; each message counts as half a round trip).
//!
//! Each run of a workload starts at a quiet barrier, so rank 0's clock starts when
//! every rank is ready and a waiting rank does not spin. A first run is not timed: it
//! pays for what a fresh process sets up once. The ping-pong has no barrier before
//! its clock starts: a rank leaves a quiet barrier up to a millisecond after the
//! others (it sleeps between tests), which a few timed messages would pay in full;
//! its untimed first messages (as many round trips as the mpi4py rows warm up with)
//! leave both ranks awake and in step instead.

use std::time::{Duration, Instant};

use ch09_beyond_one_machine::decompose::uneven_tasks;
use ch09_beyond_one_machine::master_worker::master_worker;
use ch09_beyond_one_machine::mpi_world::{
    MpiTransport, ping_pong, quiet_barrier, static_split,
};
use mpi::traits::*;
use workloads::{TUTORIAL_NUMBERS, cpu_bound};

fn usage(why: &str) -> ! {
    eprintln!(
        "{why}\nusage: ch09-06-bench-rank (static|master-worker) (tutorial|uneven) ITERS\n       \
         ch09-06-bench-rank ping-pong BYTES ITERS"
    );
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [what, arg, iters] = &args[..] else {
        usage("three arguments expected")
    };
    let iters: u32 = iters.parse().unwrap_or_else(|_| usage("ITERS is a number"));
    let universe = mpi::initialize().expect("MPI initialised once");
    let world = universe.world();
    let size = world.size();

    let total: Option<Duration> = match what.as_str() {
        "ping-pong" => {
            let bytes: usize =
                arg.parse().unwrap_or_else(|_| usage("BYTES is a number"));
            if size < 2 {
                usage("ping-pong needs 2 ranks");
            }
            // A fresh process's first messages set up the connection: not timed. The
            // warm-up's last message hands over straight to the timed ones (no
            // barrier: see above).
            let warm_up = ((1 << 20) / bytes.max(1 << 10)) as u32 + 2;
            let mut buffer = vec![0u8; bytes];
            let _ = ping_pong(&world, &mut buffer, warm_up);
            ping_pong(&world, &mut buffer, iters.div_ceil(2))
                .map(|one_way| one_way * iters)
        }
        "static" | "master-worker" => {
            let inputs = match arg.as_str() {
                "tutorial" => TUTORIAL_NUMBERS.to_vec(),
                "uneven" => uneven_tasks(),
                _ => usage("the workload is tutorial or uneven"),
            };
            if what == "master-worker" && size < 2 {
                usage("master/worker needs 2 ranks: rank 0 only hands out tasks");
            }
            let transport = MpiTransport::new(&world);
            let run = || {
                if what == "static" {
                    std::hint::black_box(static_split(&world, &inputs, cpu_bound));
                } else {
                    std::hint::black_box(
                        master_worker(&transport, &inputs, cpu_bound)
                            .expect("protocol"),
                    );
                }
            };
            // A fresh process's first run sets up connections and
            // touches its pages: not timed.
            run();
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                quiet_barrier(&world);
                let start = Instant::now();
                run();
                total += start.elapsed();
            }
            (world.rank() == 0).then_some(total)
        }
        _ => usage("the first argument is static, master-worker or ping-pong"),
    };
    if let Some(total) = total {
        println!("{}", total.as_nanos());
    }
}
