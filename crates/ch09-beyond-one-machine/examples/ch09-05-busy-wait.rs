//! A rank that waits for a message is not idle: MPI polls for it. Rank 0 sleeps a
//! second before each message; rank 1 waits once in a blocking `receive`, once in
//! `quiet_barrier`, and reports the CPU time it used while waiting.
//!
//! `mpirun -n 2 target/release/examples/ch09-05-busy-wait`

use std::time::{Duration, Instant};

use ch01_sequential::timing::Short;
use ch09_beyond_one_machine::mpi_world::quiet_barrier;
use mpi::traits::*;

/// User plus system CPU time of this process so far.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` points to writable memory of the right size; getrusage fills it
    // in and cannot fail with RUSAGE_SELF.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let tv =
        |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn main() {
    let universe = mpi::initialize().expect("MPI was initialised twice");
    let world = universe.world();
    if world.size() != 2 {
        eprintln!("run with exactly 2 ranks: mpirun -n 2 ...");
        std::process::exit(2);
    }
    let pause = Duration::from_secs(1);
    let waits: [(&str, &dyn Fn()); 2] = [
        ("blocking receive", &|| {
            if world.rank() == 0 {
                std::thread::sleep(pause);
                world.process_at_rank(1).send(&1u8);
            } else {
                let _: (u8, _) = world.process_at_rank(0).receive();
            }
        }),
        ("quiet_barrier", &|| {
            if world.rank() == 0 {
                std::thread::sleep(pause);
            }
            quiet_barrier(&world);
        }),
    ];
    for (name, wait) in waits {
        world.barrier();
        let (wall, cpu) = (Instant::now(), cpu_time());
        wait();
        let (wall, cpu) = (wall.elapsed(), cpu_time() - cpu);
        let report = [wall.as_nanos() as u64, cpu.as_nanos() as u64];
        if world.rank() == 1 {
            world.process_at_rank(0).send(&report[..]);
        } else {
            let (got, _) = world.process_at_rank(1).receive_vec::<u64>();
            println!(
                "rank 1 in a {name}: waited {}, used {} of CPU",
                Short(Duration::from_nanos(got[0])),
                Short(Duration::from_nanos(got[1]))
            );
        }
    }
}
