//! Running the benchmark's rank program (`examples/ch09-06-bench-rank`) under
//! `mpirun`, from a program that is not itself an MPI rank: the bench (criterion
//! cannot run inside `mpirun`) and `ch09-08-drift`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The rank program's name, an example of this crate.
pub const NAME: &str = "ch09-06-bench-rank";

/// Runs `program` on `ranks` ranks (`--oversubscribe`: more ranks than cores is the
/// point on a small machine) with `args`, and returns the total time rank 0 printed.
/// Panics, with what `mpirun` printed, if it fails: both callers are measurements
/// that cannot go on without it.
pub fn total_time(program: &Path, ranks: usize, args: &[&str]) -> Duration {
    let out = Command::new("mpirun")
        .args(["--oversubscribe", "-n", &ranks.to_string()])
        .arg(program)
        .args(args)
        // Open MPI refuses to run as root unless asked (containers, CI).
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start mpirun ({e}): install Open MPI"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mpirun -n {ranks} {NAME} {args:?}: {}\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let nanos: u64 = stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("rank 0 printed {stdout:?}, not nanoseconds"));
    Duration::from_nanos(nanos)
}
