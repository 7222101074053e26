//! `cargo course build [--dest DIR] [--no-test]`: build the book, then test its inline snippets.

use crate::services::book::build_book;
use crate::services::project::Project;
use anyhow::Result;
use std::path::Path;

pub fn run(project: &Project, dest: Option<&Path>, no_test: bool) -> Result<()> {
    println!("building the book...");
    build_book(&project.root, dest, !no_test)?;
    let out = dest.map_or_else(|| project.path("target/book"), Path::to_path_buf);
    println!("built the book into {}", out.display());
    Ok(())
}
