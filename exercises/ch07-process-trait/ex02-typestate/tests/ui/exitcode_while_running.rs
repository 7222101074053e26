// Python: exitcode is None while the process runs. Here there is no exitcode to ask for.
use ch07_ex02_typestate::Proc;

fn main() {
    let running = Proc::new("true", &[]).start().unwrap();
    let _code = running.exitcode();
}
