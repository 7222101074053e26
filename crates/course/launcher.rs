//! `cargo course` inside exercises/ and solutions/: those are workspaces of their own, where the
//! alias `run -q -p course` finds this launcher (package `course` in each), not the tool. It
//! replaces itself with `cargo run` of the real tool, crates/course, found from where the
//! launcher was built, so the command works from any folder of the repository.

use std::path::Path;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    // exercises/course or solutions/course → the repository's root.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["run", "-q", "--manifest-path"])
        .arg(root.join("crates/course/Cargo.toml"))
        .arg("--")
        .args(std::env::args_os().skip(1));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        eprintln!("error: could not run the course tool ({err})");
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: could not run the course tool ({err})");
            ExitCode::FAILURE
        }
    }
}
