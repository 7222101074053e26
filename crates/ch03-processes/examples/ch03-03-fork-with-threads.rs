//! fork in a threaded program: only the forking thread lives on, and a
//! lock held by another thread stays locked forever in the child. And
//! `spawn` refuses to fork such a process.

#[cfg(unix)]
fn main() -> Result<(), ch03_processes::ProcessError> {
    use ch03_processes::sys::thread_count;
    use ch03_processes::threads::lock_across_fork;

    println!("threads now: {:?}", thread_count());
    let ok = ch03_processes::spawn(|| 7u64)?.join()?;
    println!("single-threaded: spawn works, the child returned {ok}");

    let seen = lock_across_fork()?;
    println!(
        "threads in the parent at the fork: {}",
        seen.threads_in_parent
    );
    println!(
        "threads in the child:              {}",
        seen.threads_in_child
    );
    println!(
        "parent could take the lock after its holder released it: {}",
        seen.parent_got_the_lock
    );
    println!(
        "child could take the lock, even later:                   {}",
        seen.child_got_the_lock
    );

    // ANCHOR: refusal
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let helper = std::thread::spawn(move || rx.recv());
    match ch03_processes::spawn(|| 7u64) {
        Ok(handle) => println!("unexpected: forked child {}", handle.pid()),
        Err(e) => println!("with a second thread running, spawn says:\n  {e}"),
    }
    drop(tx);
    let _ = helper.join();
    // ANCHOR_END: refusal
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("{}", ch03_processes::UNIX_ONLY);
}
