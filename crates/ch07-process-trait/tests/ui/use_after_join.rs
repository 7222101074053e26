// Python: after `join()`, `terminate()` and `is_alive()` still answer; here the
// handle is gone.
use ch07_process_trait::Process;

fn main() {
    let running = (|| 1u64).start().unwrap();
    let _finished = running.join().unwrap();
    running.terminate().unwrap();
}
