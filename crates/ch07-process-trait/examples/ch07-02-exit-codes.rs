//! Every way a process can end, with CPython's `exitcode` for it, as
//! `process_rules.py` shows them for CPython.
//!
//! Run: cargo run --release -p ch07-process-trait --example ch07-02-exit-codes

#[cfg(unix)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use ch03_processes::sys::exit_now;
    use ch07_process_trait::{Finished, Process, RunError};

    fn show(label: &str, finished: Finished<u64>) {
        let exitcode = finished.exitcode();
        match finished.output() {
            Ok(value) => {
                println!("{label:<22}exitcode = {exitcode:>3}, output {value}")
            }
            Err(e) => println!("{label:<22}exitcode = {exitcode:>3}, {e}"),
        }
    }

    struct Fails;
    impl Process for Fails {
        type Output = u64;
        fn run(&mut self) -> Result<u64, RunError> {
            Err("no input".into())
        }
    }

    // the panic's message is shown below, once
    std::panic::set_hook(Box::new(|_| {}));
    // ANCHOR: endings
    let mut running = (|| -> u64 {
        loop {
            nix::unistd::pause();
        }
    })
    .start()?;
    println!("while running:        is_alive = {}", running.is_alive()?);
    running.kill()?;
    show("after kill():", running.join()?);
    show("returned:", (|| 42u64).start()?.join()?);
    show("returned Err:", Fails.start()?.join()?);
    show(
        "panicked:",
        (|| -> u64 { panic!("step 2 broke") }).start()?.join()?,
    );
    show("exit_now(3):", (|| -> u64 { exit_now(3) }).start()?.join()?);
    let running = (|| -> u64 {
        loop {
            nix::unistd::pause();
        }
    })
    .start()?;
    running.terminate()?;
    show("after terminate():", running.join()?);
    // ANCHOR_END: endings
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch07_process_trait::UNIX_ONLY);
}
