use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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
