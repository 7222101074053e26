//! The chapter's files and a workspace manifest of their own: what the exported repository is
//! built from.

use crate::files::copy_dir;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::{Command, Stdio};

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading {}", path.display()))?;
    text.parse()
        .with_context(|| format!("parsing {}", path.display()))
}

/// The workspace's path dependencies: name → folder, from the root `[workspace.dependencies]`.
fn path_deps(root_manifest: &toml::Table) -> Vec<(String, String)> {
    root_manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .map(|deps| {
            deps.iter()
                .filter_map(|(name, v)| {
                    Some((name.clone(), v.get("path")?.as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The folders under `crates/` the chapter's crate needs, itself first: every path dependency
/// (normal, dev or build), transitively. `exercises/support` is added by the caller.
pub fn crate_closure(root: &Path, slug: &str) -> Result<Vec<String>> {
    let paths = path_deps(&read_toml(&root.join("Cargo.toml"))?);
    let mut found = vec![slug.to_string()];
    let mut i = 0;
    while i < found.len() {
        let manifest =
            read_toml(&root.join("crates").join(&found[i]).join("Cargo.toml"))?;
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else {
                continue;
            };
            for (name, spec) in deps {
                if spec.get("path").is_some() {
                    bail!(
                        "crates/{}/Cargo.toml names a path for `{name}`: use the workspace's dependency instead",
                        found[i]
                    );
                }
                let Some((_, path)) = paths.iter().find(|(n, _)| n == name) else {
                    continue;
                };
                if let Some(dir) = path.strip_prefix("crates/")
                    && !found.iter().any(|f| f == dir)
                {
                    found.push(dir.to_string());
                }
            }
        }
        i += 1;
    }
    Ok(found)
}

/// The export's root Cargo.toml: one workspace for the chapter's crates and its exercises.
/// Dependencies, package fields, lints and profiles are the project's, merged with those of the
/// exercises' workspace (whose lints let a starter leave things unused).
pub fn workspace_manifest(
    root: &Path,
    slug: &str,
    crates: &[String],
    members: &[String],
    exercise_members: &[String],
) -> Result<String> {
    let project = read_toml(&root.join("Cargo.toml"))?;
    let exercises = read_toml(&root.join("exercises/Cargo.toml"))?;
    let ws = project
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();
    let ex_ws = exercises
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();

    let mut deps = toml::Table::new();
    for table in [&ex_ws, &ws] {
        if let Some(d) = table.get("dependencies").and_then(|d| d.as_table()) {
            for (name, spec) in d {
                if spec.get("path").is_none() {
                    deps.insert(name.clone(), spec.clone());
                }
            }
        }
    }
    for (name, path) in path_deps(&project) {
        let dir = path.trim_start_matches("crates/");
        if path == "exercises/support" || crates.iter().any(|c| c == dir) {
            let mut spec = toml::Table::new();
            spec.insert("path".into(), path.into());
            deps.insert(name, spec.into());
        }
    }
    let mut lints = ws
        .get("lints")
        .and_then(|l| l.as_table())
        .cloned()
        .unwrap_or_default();
    if let Some(ex_lints) = ex_ws.get("lints").and_then(|l| l.as_table()) {
        for (tool, table) in ex_lints {
            let entry = lints
                .entry(tool.clone())
                .or_insert_with(|| toml::Table::new().into());
            if let (Some(into), Some(from)) = (entry.as_table_mut(), table.as_table())
            {
                for (k, v) in from {
                    into.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert("members".into(), members.to_vec().into());
    workspace.insert("default-members".into(), exercise_members.to_vec().into());
    if let Some(p) = ws.get("package") {
        workspace.insert("package".into(), p.clone());
    }
    workspace.insert("dependencies".into(), deps.into());
    workspace.insert("lints".into(), lints.into());
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), workspace.into());
    if let Some(profile) = project.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    Ok(format!(
        "# One chapter of \"Multiprocessing in Rust\", exported by `cargo course assign {slug}`.\n\
         # `cargo test` runs the exercises' specs (the default members); the chapter's crate is here\n\
         # to read and run: cargo run --release -p {slug} --example <name>.\n{}",
        toml::to_string(&manifest)?
    ))
}

/// Copies `paths` (folders or files, relative to `root`) into `out`: as committed
/// (`git archive HEAD`) in a git repository, else from the folders.
pub fn export_files(root: &Path, paths: &[String], out: &Path) -> Result<()> {
    let in_git = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !in_git {
        for p in paths {
            let from = root.join(p);
            if from.is_dir() {
                copy_dir(&from, &out.join(p))?;
            } else {
                std::fs::create_dir_all(out.join(p).parent().unwrap_or(out))?;
                std::fs::copy(&from, out.join(p))?;
            }
        }
        return Ok(());
    }
    let mut git = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", "HEAD", "--"])
        .args(paths)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git archive")?;
    let tar_in = git.stdout.take().context("git's stdout")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(out)
        .stdin(tar_in)
        .output()
        .context("running tar")?;
    let git_done = git.wait_with_output()?;
    if !git_done.status.success() || !tar.status.success() {
        bail!(
            "copying the chapter's files with git archive failed: {}{}",
            String::from_utf8_lossy(&git_done.stderr),
            String::from_utf8_lossy(&tar.stderr)
        );
    }
    Ok(())
}
