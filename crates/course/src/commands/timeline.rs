//! `cargo course timeline <file.tsv> <out.svg> --title NAME`: draw a timeline file recorded
//! outside `cargo course capture` (chapter 09's MPI runs, started by capture-mpi.sh).

use crate::services::timeline::render_file;
use anyhow::{Result, bail};
use std::path::Path;

pub fn run(timeline: &Path, svg: &Path, title: &str, cpython: bool) -> Result<()> {
    if !render_file(timeline, svg, title, cpython)? {
        bail!("{} records no section: nothing to draw", timeline.display());
    }
    println!("wrote {}", svg.display());
    Ok(())
}
