//! `cargo course hint <exercise> [--all]`: the hints of an exercise, one at a time. The number
//! shown so far is kept in the progress file, so each call shows the next one.

use crate::services::hints::{Hint, hints_of};
use crate::services::progress::Progress;
use crate::services::project::{Exercise, Project};
use anyhow::Result;

fn show(ex: &Exercise, hints: &[Hint], index: usize) {
    println!(
        "hint {} of {} for {}:\n",
        index + 1,
        hints.len(),
        ex.short()
    );
    println!("{}\n", hints[index].text);
}

/// `cargo course hint <exercise> [--all]`.
pub fn run(project: &Project, query: &str, all: bool) -> Result<()> {
    let ex = project.exercise(query)?;
    let hints = hints_of(project, &ex)?;
    let path = Progress::path(project);
    let mut progress = Progress::load(&path)?;
    let shown = progress.get(&ex).hints_shown;
    let total = hints.len();
    if all {
        for i in 0..total {
            show(&ex, &hints, i);
        }
        progress.entry(&ex).hints_shown = total;
    } else if shown >= total {
        println!(
            "You have seen all {total} hints of {}; here is the last one again.\n",
            ex.short()
        );
        show(&ex, &hints, total - 1);
    } else {
        show(&ex, &hints, shown);
        progress.entry(&ex).hints_shown = shown + 1;
    }
    progress.save(&path)?;
    let left = total - progress.get(&ex).hints_shown;
    if left > 0 {
        println!(
            "{left} more hint{} left: cargo course hint {}",
            if left == 1 { "" } else { "s" },
            ex.short()
        );
    } else {
        println!(
            "No hints left. The reference solution is in {} (for after you tried).",
            ex.solution_dir().join("src/lib.rs").display()
        );
    }
    println!("Check your work: cargo course check {}", ex.short());
    Ok(())
}
