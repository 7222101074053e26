//! The tutorial's `MyProcess`, ported: state in a struct, steps as
//! methods, `run` calls them.
//!
//! ```python
//! class MyProcess(Process):
//!     def __init__(self, value): super().__init__(); self.value = value
//!     def step_1(self): print(self.value + 1)
//!     def step_2(self): print(self.value + 2)
//!     def run(self): self.step_1(); self.step_2()
//! ```

use std::io::Write;

use crate::exit::RunError;
use crate::process::Process;

// ANCHOR: my_process
/// The tutorial's process: no base class, just its own state.
#[derive(Debug, Clone)]
pub struct MyProcess {
    pub value: u64,
}

impl MyProcess {
    fn step_1(&self) {
        println!("{}", self.value + 1);
    }

    fn step_2(&self) {
        println!("{}", self.value + 2);
    }
}

impl Process for MyProcess {
    type Output = ();

    fn run(&mut self) -> Result<(), RunError> {
        self.step_1();
        self.step_2();
        // the child leaves through `_exit`: no flush at exit
        std::io::stdout().flush()?;
        Ok(())
    }
}
// ANCHOR_END: my_process

// ANCHOR: counter
/// A process whose `run` changes its own fields, and returns what the
/// parent should know.
#[derive(Debug, Default, Clone)]
pub struct Counter {
    pub count: u64,
}

impl Process for Counter {
    type Output = u64;

    fn run(&mut self) -> Result<u64, RunError> {
        self.count += 10; // the child's copy of `count`
        // the only way back to the parent: the return value, over the pipe
        Ok(self.count)
    }
}
// ANCHOR_END: counter
