// Python: AssertionError: can only join a started process.
use ch07_ex02_typestate::Proc;

fn main() {
    let p = Proc::new("true", &[]);
    let _finished = p.join();
}
