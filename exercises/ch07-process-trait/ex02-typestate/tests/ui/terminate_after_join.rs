// A finished process has nothing left to signal.
use ch07_ex02_typestate::Proc;

fn main() {
    let finished = Proc::new("true", &[]).start().unwrap().join().unwrap();
    let _ = finished.terminate();
}
