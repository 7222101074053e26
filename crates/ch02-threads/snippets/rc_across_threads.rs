use std::rc::Rc;
use std::thread;

fn main() {
    let numbers = Rc::new(vec![11u64, 23, 53, 34]);
    let for_the_thread = Rc::clone(&numbers);
    // error[E0277]: `Rc<Vec<u64>>` cannot be sent between threads safely
    let handle = thread::spawn(move || for_the_thread.iter().sum::<u64>());
    println!("{} numbers, sum {}", numbers.len(), handle.join().unwrap());
}
