// Python lets the parent read `p.count` after `join()`, and gets the value from
// before `start()`. Here `start` moved the process into the child's machinery:
// nothing to misread.
use ch07_process_trait::Process;
use ch07_process_trait::tutorial::Counter;

fn main() {
    let counter = Counter::default();
    let _finished = counter.start().unwrap().join().unwrap();
    println!("{}", counter.count);
}
