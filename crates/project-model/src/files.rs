//! The files of a folder, as an exercise or an export sees them.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Every file below `dir`, as paths relative to it, sorted; `target/` folders are skipped (build
/// output is never part of an exercise or an export).
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let walk = WalkDir::new(dir).sort_by_file_name().into_iter();
    let mut out = Vec::new();
    for entry in walk.filter_entry(|e| {
        e.depth() == 0 || !e.file_type().is_dir() || e.file_name() != "target"
    }) {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            out.push(entry.path().strip_prefix(dir)?.to_path_buf());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_are_relative_sorted_and_skip_target_folders() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["b.rs", "a/x.rs", "a.txt", "target/debug/y", "src/target"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let files = super::files_under(dir.path()).unwrap();
        let files: Vec<_> = files.iter().map(|f| f.to_str().unwrap()).collect();
        assert_eq!(files, ["a/x.rs", "a.txt", "b.rs", "src/target"]);
    }
}
