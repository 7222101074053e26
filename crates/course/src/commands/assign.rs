//! `cargo course assign chNN --out DIR`: one chapter as a standalone repository for a class (the
//! work is done by the `classroom` crate).

use crate::services::project::Project;
use anyhow::Result;
use std::path::Path;

pub fn run(project: &Project, chapter: &str, out: &Path) -> Result<()> {
    let options = classroom::AssignOptions::default();
    classroom::assign(&project.root, chapter, out, &options).map(drop)
}
