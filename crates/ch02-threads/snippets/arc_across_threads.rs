use std::sync::Arc;
use std::thread;

fn main() {
    let numbers = Arc::new(vec![11u64, 23, 53, 34]);
    let for_the_thread = Arc::clone(&numbers);
    // Arc counts its owners with atomic operations: it is Send and Sync.
    let handle = thread::spawn(move || for_the_thread.iter().sum::<u64>());
    let sum = handle.join().unwrap();
    assert_eq!(sum, 121);
    println!("{} numbers, sum {sum}", numbers.len());
}
