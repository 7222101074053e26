// A finished process has nothing left to signal: `Finished` has no `kill`.
use ch07_process_trait::Process;

fn main() {
    let finished = (|| 1u64).start().unwrap().join().unwrap();
    finished.kill().unwrap();
}
