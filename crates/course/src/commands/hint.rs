//! `cargo course hint <exercise> [--all]`: the hints of an exercise, one at a time. The number
//! shown so far is kept in the progress file, so each call shows the next one.

use crate::services::hints::hints_of;
use crate::services::progress::Progress;
use crate::services::project::Project;
use anyhow::Result;

/// `cargo course hint <exercise> [--all]`.
pub fn run(project: &Project, query: &str, all: bool) -> Result<()> {
    let ex = project.exercise(query)?;
    let (id, hints) = (ex.short(), hints_of(project, &ex)?);
    let path = Progress::path(project);
    let mut progress = Progress::load(&path)?;
    let (shown, total) = (progress.get(&ex).hints_shown, hints.len());
    let to_show = if all {
        0..total
    } else if shown >= total {
        println!(
            "You have seen all {total} hints of {id}; here is the last one again.\n"
        );
        total - 1..total
    } else {
        shown..shown + 1
    };
    for (n, hint) in (to_show.start + 1..).zip(&hints[to_show.clone()]) {
        println!("hint {n} of {total} for {id}:\n\n{hint}\n");
    }
    progress.entry(&ex).hints_shown = to_show.end;
    progress.save(&path)?;
    match total - to_show.end {
        0 => println!(
            "No hints left. The reference solution is in {} (for after you tried).",
            ex.solution_dir().join("src/lib.rs").display()
        ),
        1 => println!("1 more hint left: cargo course hint {id}"),
        left => println!("{left} more hints left: cargo course hint {id}"),
    }
    println!("Check your work: cargo course check {id}");
    Ok(())
}
