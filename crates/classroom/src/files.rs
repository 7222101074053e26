//! Copying folders and finding files, for the export.

use anyhow::{Context, Result};
use project_model::files::files_under;
use std::path::{Path, PathBuf};

/// The entries of `dir`, sorted by name.
pub fn read_dir(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

pub fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Copies a folder's files, skipping `target` folders (build output never goes into an export).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for rel in files_under(from)? {
        copy_file(&from.join(&rel), &to.join(&rel))?;
    }
    Ok(())
}

/// Every file below `dir` whose name ends with one of `exts`.
pub fn files_with(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let files = files_under(dir)?.into_iter().map(|rel| dir.join(rel));
    Ok(files
        .filter(|p| exts.iter().any(|e| p.to_string_lossy().ends_with(e)))
        .collect())
}
