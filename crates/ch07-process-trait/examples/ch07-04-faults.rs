//! Page faults per start and join, static against `dyn` dispatch: does `dyn` make the
//! fork or the child touch more memory? The process is the tutorial's `Counter`.
//! Counted with `getrusage`: minor faults of this process (`RUSAGE_SELF`) and of its
//! reaped children (`RUSAGE_CHILDREN`), over a batch of starts and joins, in
//! alternating rounds. `cargo run --release -p ch07-process-trait --example
//! ch07-04-faults`

#[cfg(unix)]
fn main() {
    use ch07_process_trait::Process;
    use ch07_process_trait::tutorial::Counter;
    use nix::sys::resource::{UsageWho, getrusage};
    use std::hint::black_box;

    const BATCH: u32 = 200;
    let faults = |who| getrusage(who).expect("getrusage").minor_page_faults();
    // Minor faults per start and join, in the parent and in the child,
    // over one batch.
    let measure = |dyn_dispatch: bool| {
        let (parent, children) = (
            faults(UsageWho::RUSAGE_SELF),
            faults(UsageWho::RUSAGE_CHILDREN),
        );
        for _ in 0..BATCH {
            let out = if dyn_dispatch {
                let p: Box<dyn Process<Output = u64>> =
                    Box::new(Counter { count: 2 });
                p.start().unwrap().join().unwrap().output()
            } else {
                Counter { count: 2 }
                    .start()
                    .unwrap()
                    .join()
                    .unwrap()
                    .output()
            };
            black_box(out.expect("Counter::run returns Ok"));
        }
        let per = |before: i64, now: i64| (now - before) as f64 / f64::from(BATCH);
        (
            per(parent, faults(UsageWho::RUSAGE_SELF)),
            per(children, faults(UsageWho::RUSAGE_CHILDREN)),
        )
    };
    // warm up: the first starts fault in code and data for the first time
    measure(false);
    println!(
        "minor page faults per start and join, mean of {BATCH}, alternating rounds"
    );
    println!("round  dispatch  in the parent  in the child");
    for round in 1..=3 {
        for (name, dyn_dispatch) in [("static", false), ("dyn", true)] {
            let (parent, child) = measure(dyn_dispatch);
            println!("{round:>5}  {name:<8}  {parent:>13.1}  {child:>12.1}");
        }
    }
}

#[cfg(not(unix))]
fn main() {
    eprintln!("{}", ch03_processes::UNIX_ONLY);
}
