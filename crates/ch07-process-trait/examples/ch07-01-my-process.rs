//! The tutorial's `MyProcess` through the `Process` trait (prints 3 and 4 from the
//! child), and a process whose changes stay in the child.
//!
//! Run: cargo run --release -p ch07-process-trait --example ch07-01-my-process

#[cfg(unix)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use ch07_process_trait::tutorial::{Counter, MyProcess};
    use ch07_process_trait::{Process, Restart};

    // ANCHOR: tutorial
    let finished = MyProcess { value: 2 }.start()?.join()?;
    println!("exitcode = {}", finished.exitcode());
    // ANCHOR_END: tutorial

    // ANCHOR: counter
    let counter = Counter::default();
    let finished = counter.start_copy()?.join()?;
    println!("returned by the child: {}", finished.output()?);
    println!("in the parent: count = {}", counter.count);
    // ANCHOR_END: counter
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch07_process_trait::UNIX_ONLY);
}
