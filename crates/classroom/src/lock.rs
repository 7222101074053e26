//! The exported repository's Cargo.lock: the project's own locks, merged, so that the export
//! builds with the very versions the course was tested with.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Merges the `[[package]]` entries of several Cargo.lock files (the first one's header), each
/// `name@version` once. Cargo drops the entries the export does not use on its first build and
/// keeps the versions of the others.
pub fn merge(locks: &[&Path]) -> Result<String> {
    let mut header = None;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for path in locks {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?;
        let mut blocks = text.split("\n[[package]]\n");
        let head = blocks.next().unwrap_or_default();
        header.get_or_insert_with(|| head.trim_end().to_string());
        for block in blocks {
            let block = block.trim_end();
            let (name, version) = name_version(block);
            if seen.insert((name, version)) {
                out.push(block.to_string());
            }
        }
    }
    let mut text = header.unwrap_or_default();
    for block in out {
        text.push_str("\n\n[[package]]\n");
        text.push_str(&block);
    }
    text.push('\n');
    Ok(text)
}

fn name_version(block: &str) -> (String, String) {
    let field = |key: &str| {
        block
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().trim_matches('"').to_string())
            .unwrap_or_default()
    };
    (field("name = "), field("version = "))
}

/// `name -> versions` of the registry packages of a Cargo.lock.
pub fn registry_versions(lock: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for block in lock.split("\n[[package]]\n").skip(1) {
        if block.lines().any(|l| l.starts_with("source = ")) {
            let (name, version) = name_version(block);
            map.entry(name).or_default().insert(version);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.lock");
        let b = dir.path().join("b.lock");
        std::fs::write(&a, "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"1.0.0\"\nsource = \"registry+r\"\n\n[[package]]\nname = \"me\"\nversion = \"0.1.0\"\n").unwrap();
        std::fs::write(&b, "version = 4\n\n[[package]]\nname = \"x\"\nversion = \"1.0.0\"\nsource = \"registry+r\"\n\n[[package]]\nname = \"y\"\nversion = \"2.0.0\"\nsource = \"registry+r\"\n").unwrap();
        let merged = merge(&[&a, &b]).unwrap();
        assert_eq!(merged.matches("name = \"x\"").count(), 1);
        let versions = registry_versions(&merged);
        assert_eq!(versions.len(), 2, "{merged}");
        assert!(versions["y"].contains("2.0.0"));
    }
}
