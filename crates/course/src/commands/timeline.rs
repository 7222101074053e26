//! `cargo course timeline <file.tsv> <out.svg> --title NAME`: draw a timeline file recorded
//! outside `cargo course capture` (chapter 09's MPI runs, started by capture-mpi.sh), keeping the
//! recording beside the chart as capture does (`services::recordings`).

use crate::services::recordings::{keep_and_draw, recording_of};
use anyhow::{Result, bail};
use std::path::Path;

pub fn run(timeline: &Path, svg: &Path, title: &str, cpython: bool) -> Result<()> {
    if !timeline.is_file() {
        bail!("{} does not exist: nothing to draw", timeline.display());
    }
    if !keep_and_draw(timeline, svg, title, cpython)? {
        bail!("{} records no section: nothing to draw", timeline.display());
    }
    println!(
        "wrote {} and {}",
        svg.display(),
        recording_of(svg).display()
    );
    Ok(())
}
