//! `cargo course grade DIR... [--timeout SECS] [--out DIR] [--template EXPORT]`: run the specs
//! of submissions of an assignment and write the grades (the work is done by the `classroom`
//! crate).

use anyhow::Result;
use std::path::PathBuf;
use std::time::Duration;

pub fn run(
    submissions: &[PathBuf],
    timeout: Duration,
    out: PathBuf,
    template: Option<PathBuf>,
) -> Result<()> {
    let options = classroom::GradeOptions {
        timeout,
        out: Some(out),
        template,
        ..classroom::GradeOptions::default()
    };
    classroom::grade(submissions, &options).map(drop)
}
