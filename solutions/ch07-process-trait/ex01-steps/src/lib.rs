//! Exercise 1: the tutorial's MyProcess, with steps whose results reach the parent.

use std::fs::File;
use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork, pipe};

// ANCHOR: starter
/// What `run` returns: its steps' results, or the error that stopped it.
pub type Outcome = Result<Vec<u64>, String>;

/// Bytes that are not an encoded [`Outcome`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

/// The tutorial's process; `results` records each step's result, in
/// this process's copy.
#[derive(Debug, Clone, Default)]
pub struct MyProcess {
    pub value: u64,
    pub results: Vec<u64>,
}

impl MyProcess {
    /// `value + 1`, pushed onto `results` and returned; an error naming
    /// `step_1` on overflow.
    pub fn step_1(&mut self) -> Result<u64, String> {
        let r = self
            .value
            .checked_add(1)
            .ok_or_else(|| format!("step_1: {} + 1 overflows u64", self.value))?;
        self.results.push(r);
        Ok(r)
    }

    /// `value + 2`, pushed onto `results` and returned; an error naming
    /// `step_2` on overflow.
    pub fn step_2(&mut self) -> Result<u64, String> {
        let r = self
            .value
            .checked_add(2)
            .ok_or_else(|| format!("step_2: {} + 2 overflows u64", self.value))?;
        self.results.push(r);
        Ok(r)
    }
}

impl Process for MyProcess {
    /// Step 1, then step 2, stopping at the first error; returns the results.
    fn run(&mut self) -> Outcome {
        self.step_1()?;
        self.step_2()?;
        Ok(self.results.clone())
    }
}

/// The bytes of `outcome`.
pub fn encode(outcome: &Outcome) -> Vec<u8> {
    let mut out = Vec::new();
    match outcome {
        Ok(values) => {
            out.push(0);
            out.extend_from_slice(&(values.len() as u64).to_le_bytes());
            for v in values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        Err(message) => {
            out.push(1);
            out.extend_from_slice(message.as_bytes());
        }
    }
    out
}

/// The outcome `encode` turned into `bytes`; an error for anything else.
pub fn decode(bytes: &[u8]) -> Result<Outcome, DecodeError> {
    match bytes.split_first() {
        Some((0, rest)) => {
            let (count, numbers) = rest
                .split_first_chunk::<8>()
                .ok_or(DecodeError("no count"))?;
            let count = u64::from_le_bytes(*count);
            if numbers.len() as u64 != count.saturating_mul(8) {
                return Err(DecodeError("the count does not match the numbers"));
            }
            let values = numbers
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("chunks of 8")))
                .collect();
            Ok(Ok(values))
        }
        Some((1, rest)) => String::from_utf8(rest.to_vec())
            .map(Err)
            .map_err(|_| DecodeError("the error is not UTF-8")),
        _ => Err(DecodeError("unknown or missing tag")),
    }
}

/// CPython's `exitcode` for a process whose `run` gave `outcome`.
pub fn exit_code_for(outcome: &Outcome) -> i32 {
    if outcome.is_ok() { 0 } else { 1 }
}
// ANCHOR_END: starter

// ---- Given: the trait and the machinery. Nothing to change below. ----

/// Something that runs in a child process and sends back an [`Outcome`].
pub trait Process {
    fn run(&mut self) -> Outcome;
}

/// Why `run_in_child` has no outcome to give.
#[derive(Debug)]
pub enum ChildFailed {
    /// The child ended without a decodable outcome (a panic, a
    /// signal...): its wait status.
    NoOutcome(WaitStatus),
    /// The child's bytes did not decode.
    Decode(DecodeError),
    /// The exit code does not match the outcome: `exit_code_for` and
    /// the outcome disagree.
    WrongExitCode { code: i32, outcome: Outcome },
    /// A system call failed.
    Io(io::Error),
}

/// Runs `process.run()` in a child: returns the child's exit code and
/// the outcome it sent. The child works on its own copy of `process`:
/// `process` itself is not changed.
pub fn run_in_child<P: Process>(
    process: &mut P,
) -> Result<(i32, Outcome), ChildFailed> {
    let (reader, writer) = pipe().map_err(|e| ChildFailed::Io(e.into()))?;
    // SAFETY: the spec runs each test in a single-threaded process, so
    // the child is a complete copy; it leaves through `_exit` below and
    // never returns into the caller.
    match unsafe { fork() }.map_err(|e| ChildFailed::Io(e.into()))? {
        ForkResult::Child => {
            drop(reader);
            let code = catch_unwind(AssertUnwindSafe(|| {
                let outcome = process.run();
                let sent = File::from(writer).write_all(&encode(&outcome));
                if sent.is_ok() {
                    exit_code_for(&outcome)
                } else {
                    2
                }
            }))
            .unwrap_or(101);
            // SAFETY: `_exit` has no preconditions; it never returns
            // and runs no destructor.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(writer);
            let mut bytes = Vec::new();
            let read = File::from(reader).read_to_end(&mut bytes);
            let status =
                waitpid(child, None).map_err(|e| ChildFailed::Io(e.into()))?;
            read.map_err(ChildFailed::Io)?;
            let WaitStatus::Exited(_, code) = status else {
                return Err(ChildFailed::NoOutcome(status));
            };
            if bytes.is_empty() {
                return Err(ChildFailed::NoOutcome(status));
            }
            let outcome = decode(&bytes).map_err(ChildFailed::Decode)?;
            if code != i32::from(outcome.is_err()) {
                return Err(ChildFailed::WrongExitCode { code, outcome });
            }
            Ok((code, outcome))
        }
    }
}
