// Python: AssertionError: cannot start a process twice.
use ch07_ex02_typestate::Proc;

fn main() {
    let p = Proc::new("true", &[]);
    let _first = p.start();
    let _second = p.start();
}
