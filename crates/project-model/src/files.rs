//! The files of a folder, as an exercise or an export sees them.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Every file below `dir`, as paths relative to it, sorted; `target/` folders are skipped (build
/// output is never part of an exercise or an export).
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let rel = rel.join(entry.file_name());
            if !entry.file_type()?.is_dir() {
                out.push(rel);
            } else if entry.file_name() != "target" {
                walk(&entry.path(), &rel, out)?;
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}
