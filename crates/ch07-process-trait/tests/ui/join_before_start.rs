// Python: `p.join()` before `p.start()` raises AssertionError: can only join a
// started process.
use ch07_process_trait::Process;

fn main() {
    let p = (|| 1u64).created();
    let _finished = p.join();
}
