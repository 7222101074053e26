// Python: `p.start(); p.start()` raises AssertionError: cannot start a process twice.
use ch07_process_trait::Process;

fn main() {
    let p = (|| 1u64).created();
    let _first = p.start();
    let _second = p.start();
}
