use clap::Parser;
use nix::sys::signal::{SigHandler, Signal, signal};
use std::process::ExitCode;

fn main() -> ExitCode {
    // `cargo course list | head` closes our stdout early: end quietly, like any Unix tool,
    // instead of panicking in `println!` (Rust ignores SIGPIPE by default).
    // SAFETY: called first in `main`, before any thread exists; SIG_DFL is a valid disposition
    // and no handler of ours runs. Children get SIG_DFL from `Command` anyway.
    unsafe {
        let _ = signal(Signal::SIGPIPE, SigHandler::SigDfl);
    }
    let cli = course::cli::Cli::parse();
    match course::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}
