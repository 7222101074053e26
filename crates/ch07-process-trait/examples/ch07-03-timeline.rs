//! The tutorial's four numbers as a timeline, each `cpu_bound(n)` in its own process
//! through the `Process` trait: a struct that implements `run`, started and joined.
//!
//! `cargo course capture ch07` runs it with `COURSE_TIMELINE` set and draws
//! `book/ch07-process-trait/output/ch07-03-timeline.timeline.svg`. The workload runs
//! twice, plain then recorded, and the two makespans are printed side by side.

/// One number's work: `run`, in the child, computes `cpu_bound(n)`,
/// recording it if asked.
#[cfg(unix)]
struct CpuBound {
    n: u64,
    record: bool,
}

#[cfg(unix)]
impl ch07_process_trait::Process for CpuBound {
    type Output = u64;

    fn run(&mut self) -> Result<u64, ch07_process_trait::RunError> {
        let n = self.n;
        let label = || format!("cpu_bound({n})");
        Ok(workloads::timeline::task_if(self.record, label, || {
            workloads::cpu_bound(n)
        }))
    }
}

#[cfg(unix)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use ch07_process_trait::Process;
    use workloads::{TUTORIAL_NUMBERS, timeline};

    timeline::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    timeline::plain_then_recorded("one Process per number", cores, |record| {
        let running = TUTORIAL_NUMBERS
            .map(|n| CpuBound { n, record }.start())
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        for process in running {
            process.join()?.output()?;
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    timeline::finish()?;
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch07_process_trait::UNIX_ONLY);
}
