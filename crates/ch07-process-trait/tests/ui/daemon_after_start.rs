// Python: `p.daemon = True` after `p.start()` raises AssertionError: process has
// already started.
use ch07_process_trait::Process;

fn main() {
    let running = (|| 1u64).start().unwrap();
    let _running = running.daemon(true);
}
