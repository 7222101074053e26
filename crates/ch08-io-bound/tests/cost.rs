//! Memory per waiting task. One test in its own test binary: no other test allocates
//! in this process while it reads the resident size.

use ch08_io_bound::cost;

#[cfg(target_os = "linux")]
#[test]
fn a_waiting_thread_holds_more_memory_than_a_waiting_task() {
    let threads = cost::threads(1000).expect("1,000 threads");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    let tasks = cost::tasks(&runtime, 1000).expect("1,000 tasks");
    assert!(
        threads.kib_per_task > 4.0 * tasks.kib_per_task,
        "threads {threads:?}, tasks {tasks:?}"
    );
}
