//! What one waiting task costs, for processes, OS threads and tokio tasks:
//!
//! * memory: N tasks parked on a gate, resident memory above the program before them,
//!   per task (processes: each child's private memory, the pages it alone holds);
//! * start: the time to start them, per task;
//! * time: N tasks sleeping 500 ms at once, wall time over the ideal 500 ms.
//!
//! Every measurement runs in a fresh process (this program runs itself
//! with arguments), so that memory freed by one measurement is not
//! reused by the next one's tasks.

use std::process::Command;
use std::time::{Duration, Instant};

use ch08_io_bound::{cost, memory, sleepers};

const SLEEP: Duration = Duration::from_millis(500);

fn line(model: &str, c: &cost::Cost, slept: Duration) -> String {
    format!(
        "{model:<9} {:>6} | {:>8.2} KiB each | {:>7.1} µs each | {:>7.1} ms = {:.3}x",
        c.n,
        c.kib_per_task,
        c.start_per_task.as_secs_f64() * 1e6,
        slept.as_secs_f64() * 1e3,
        slept.as_secs_f64() / SLEEP.as_secs_f64(),
    )
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

// ANCHOR: one
/// One measurement, in this process.
fn measure(model: &str, n: usize) -> Result<String, Box<dyn std::error::Error>> {
    Ok(match model {
        "processes" => {
            let c = cost::processes(n)?;
            let mut failed = None;
            let slept =
                timed(|| failed = sleepers::sleep_on_processes(n, SLEEP).err());
            if let Some(e) = failed {
                return Err(e.into());
            }
            line(model, &c, slept)
        }
        "threads" => {
            let c = cost::threads(n)?;
            line(model, &c, timed(|| sleepers::sleep_on_threads(n, SLEEP)))
        }
        "tokio" => {
            let runtime = tokio::runtime::Runtime::new()?;
            let c = cost::tasks(&runtime, n)?;
            let slept =
                timed(|| runtime.block_on(sleepers::sleep_on_tasks(n, SLEEP)));
            line(model, &c, slept)
        }
        "target" => {
            // The target: 10,000 sleeping tokio tasks under 10 MB above the
            // idle program, within 5% of the ideal time.
            let runtime = tokio::runtime::Runtime::new()?;
            let idle = memory::memory().ok_or("no /proc/self/status")?;
            memory::reset_peak();
            let slept =
                timed(|| runtime.block_on(sleepers::sleep_on_tasks(n, SLEEP)));
            let peak = memory::memory().ok_or("no /proc/self/status")?.peak_kib;
            let above_mb = peak.saturating_sub(idle.rss_kib) as f64 * 1024.0 / 1e6;
            let ratio = slept.as_secs_f64() / SLEEP.as_secs_f64();
            format!(
                "{n} sleeping tokio tasks: peak {above_mb:.2} MB above the idle \
                 program (target under 10 MB: {}), {ratio:.3}x the ideal time \
                 (target within 5%: {})",
                if above_mb < 10.0 { "met" } else { "missed" },
                if ratio <= 1.05 { "met" } else { "missed" },
            )
        }
        _ => return Err(format!("unknown model {model:?}").into()),
    })
}
// ANCHOR_END: one

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [model, n] = args.as_slice() {
        println!("{}", measure(model, n.parse()?)?);
        return Ok(());
    }
    let idle = memory::memory().ok_or("no /proc/self/status")?;
    println!("idle program: {} KiB resident", idle.rss_kib);
    println!(
        "each row is a fresh process; processes stop at 1,000 (a fork each, on 2 cores)\n"
    );
    println!(
        "model          N | memory per task  | start per task | N sleeping {} ms at once",
        SLEEP.as_millis()
    );
    let runs = [
        ("processes", &[10, 100, 1000][..]),
        ("threads", &[10, 100, 1000, 10_000][..]),
        ("tokio", &[10, 100, 1000, 10_000][..]),
        ("target", &[10_000][..]),
    ];
    for (model, sizes) in runs {
        if model == "target" {
            println!();
        }
        for n in sizes {
            let out = Command::new(std::env::current_exe()?)
                .args([model, &n.to_string()])
                .output()?;
            if !out.status.success() {
                return Err(format!(
                    "{model} {n}: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
                .into());
            }
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
    }
    Ok(())
}
