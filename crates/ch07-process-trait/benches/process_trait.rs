//! Chapter 07's benchmark.
//!
//! * `start-join`: start and join one process whose `run` returns a number, through
//!   the trait with static dispatch (a concrete type), with dynamic dispatch (a
//!   `Box<dyn Process>`), and with chapter 03's `spawn`. Baseline: chapter 03's
//!   `spawn`. CPython's `MyProcess` is timed by `python/start_join.py`.

use std::hint::black_box;

#[cfg(unix)]
mod unix {
    use super::*;
    use ch07_process_trait::{Process, RunError};
    use criterion::Criterion;

    /// A process with state, like the tutorial's `MyProcess`, returning
    /// its two steps.
    #[derive(Clone)]
    struct Steps {
        value: u64,
    }

    impl Process for Steps {
        type Output = (u64, u64);
        fn run(&mut self) -> Result<(u64, u64), RunError> {
            Ok((black_box(self.value) + 1, black_box(self.value) + 2))
        }
    }

    pub fn start_join(c: &mut Criterion) {
        let mut group = c.benchmark_group("start-join");
        group.bench_function("trait, static dispatch", |b| {
            b.iter(|| Steps { value: 2 }.start().unwrap().join().unwrap().output())
        });
        group.bench_function("trait, dyn dispatch", |b| {
            b.iter(|| {
                let p: Box<dyn Process<Output = (u64, u64)>> =
                    Box::new(Steps { value: 2 });
                p.start().unwrap().join().unwrap().output()
            })
        });
        group.bench_function("ch03 spawn", |b| {
            b.iter(|| {
                let value = black_box(2u64);
                ch03_processes::spawn(move || (value + 1, value + 2))
                    .unwrap()
                    .join()
                    .unwrap()
            })
        });
        group.finish();
    }
}

fn main() {
    #[cfg(unix)]
    {
        let mut c = workloads::bench::criterion().configure_from_args();
        unix::start_join(&mut c);
        c.final_summary();
    }
    #[cfg(not(unix))]
    println!("{}", ch07_process_trait::UNIX_ONLY);
}
