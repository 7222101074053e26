//! The MPI side under `mpirun` (feature `mpi`). Run by
//! `cargo test --features mpi`: this test starts itself again under
//! `mpirun -n 2` and `-n 4`; each rank then runs the checks in `rank_main`.
//! Without `mpirun` on the PATH it says so and passes (skipped).

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use ch09_beyond_one_machine::master_worker::master_worker;
use ch09_beyond_one_machine::mpi_world::{MpiTransport, ping_pong, static_split};
use mpi::traits::*;
use workloads::{Scale, TUTORIAL_NUMBERS, cpu_bound_at, cpu_bound_expected};

/// The longest one `mpirun` may take before it is killed and the test fails.
const LIMIT: Duration = Duration::from_secs(60);

fn rank_main() {
    let universe = mpi::initialize().expect("MPI initialised once");
    let world = universe.world();
    let work = |n| cpu_bound_at(n, Scale::TEST);
    let want: Vec<u64> = TUTORIAL_NUMBERS
        .iter()
        .map(|&n| cpu_bound_expected(n, Scale::TEST))
        .collect();

    // Static: scatter, compute, gather in order, reduce the sum.
    let got = static_split(&world, &TUTORIAL_NUMBERS, work);
    if world.rank() == 0 {
        let (results, sum) = got.expect("rank 0 gets the results");
        assert_eq!(results, want, "static split: results out of order or wrong");
        assert_eq!(sum, want.iter().sum::<u64>(), "reduce: wrong sum");
    } else {
        assert_eq!(got, None, "only rank 0 holds the results");
    }

    // More inputs than ranks, and fewer, through the same collectives.
    for inputs in [(1..=11).collect::<Vec<u64>>(), vec![7]] {
        if let Some((results, _)) = static_split(&world, &inputs, |n| n * 3) {
            assert_eq!(results, inputs.iter().map(|n| n * 3).collect::<Vec<_>>());
        }
    }

    // Master/worker over MPI: every task once, results in order, every worker stops.
    let transport = MpiTransport::new(&world);
    let inputs: Vec<u64> = (0..25).collect();
    let outcome = master_worker(&transport, &inputs, |n| n * n).expect("protocol");
    if let Some(outcome) = outcome {
        assert_eq!(
            outcome.results,
            inputs.iter().map(|n| n * n).collect::<Vec<_>>()
        );
        assert!(
            outcome
                .done_by
                .iter()
                .all(|&r| r >= 1 && r < world.size() as usize)
        );
    }

    // Ping-pong: rank 0 gets a time, the others none; the bytes arrive intact.
    let one_way = ping_pong(&world, &mut vec![0u8; 1 << 16], 3);
    assert_eq!(one_way.is_some(), world.rank() == 0);
    world.barrier();
}

fn main() -> ExitCode {
    if std::env::var_os("OMPI_COMM_WORLD_SIZE").is_some()
        || std::env::var_os("PMI_RANK").is_some()
    {
        rank_main();
        return ExitCode::SUCCESS;
    }
    let exe = std::env::current_exe().expect("own path");
    for ranks in [2, 4] {
        let mut child = match Command::new("mpirun")
            .args(["--oversubscribe", "-n", &ranks.to_string()])
            .arg(&exe)
            .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
            .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
            .stdin(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!(
                    "skipped: mpirun not found (install openmpi-bin, see the chapter's page)"
                );
                return ExitCode::SUCCESS;
            }
            Err(e) => panic!("could not start mpirun: {e}"),
        };
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for mpirun") {
                break status;
            }
            if start.elapsed() > LIMIT {
                child.kill().expect("kill mpirun");
                child.wait().expect("reap mpirun");
                panic!(
                    "mpirun -n {ranks} did not finish within {LIMIT:?}: a rank is waiting for a message nobody sends"
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "mpirun -n {ranks}: {status}");
        println!("mpirun -n {ranks}: every rank passed");
    }
    ExitCode::SUCCESS
}
