//! The `{{#exercise ch01-ex01}}` directive of the book: one exercise's task (its README.md
//! without the title line), its starter as published, the commands that check it, and its first
//! hint, with a pointer to `cargo course hint` for the others.
//!
//! "As published" means as committed: every file is read from git's `HEAD`, so a learner's
//! edits in `exercises/` (a solved starter, a deleted ANCHOR comment, a removed README) never
//! reach the book and never break its build. A file that is not committed (a new exercise being
//! written, or a copy of the project without git) is read from disk. An author who changes a
//! starter sees the change in the book once it is committed.

use crate::services::hints::parse_hints;
use crate::services::includes::{Problem, line_of};
use crate::services::project::subdirs;
use anyhow::{Context, Result, bail};
use regex::Regex;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\?\{\{\s*#exercise\s+([^}\s]+)\s*\}\}").expect("static regex"));

/// The project's files as committed (`HEAD`), falling back to the files on disk.
pub struct Published<'a> {
    root: &'a Path,
}

impl<'a> Published<'a> {
    pub fn new(root: &'a Path) -> Self {
        Published { root }
    }

    fn git(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.root)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The file at `rel` (relative to the root, `/`-separated) as committed, else as on disk.
    pub fn read(&self, rel: &str) -> Result<String> {
        if let Some(text) = self.git(&["show", &format!("HEAD:./{rel}")]) {
            return Ok(text);
        }
        let path = self.root.join(rel);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// The folders in folder `rel`, as committed, else as on disk; sorted.
    pub fn dirs(&self, rel: &str) -> Vec<String> {
        let mut names: Vec<String> =
            match self.git(&["ls-tree", "-d", "--name-only", "HEAD", &format!("./{rel}/")]) {
                Some(out) if !out.trim().is_empty() => out
                    .lines()
                    .filter_map(|l| l.rsplit('/').next())
                    .map(str::to_string)
                    .collect(),
                _ => subdirs(&self.root.join(rel)),
            };
        names.sort();
        names
    }
}

/// The lines between `// ANCHOR: starter` and its end (the whole file if there is no such
/// anchor), without any ANCHOR comment lines.
pub fn starter_region(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let is_anchor = |l: &str, kind: &str| {
        let t = l.trim_start();
        t.starts_with("//") && t.contains(kind)
    };
    let start = lines
        .iter()
        .position(|l| is_anchor(l, "ANCHOR: starter"))
        .map_or(0, |i| i + 1);
    let end = lines[start..]
        .iter()
        .position(|l| is_anchor(l, "ANCHOR_END: starter"))
        .map_or(lines.len(), |i| start + i);
    lines[start..end]
        .iter()
        .filter(|l| !is_anchor(l, "ANCHOR:") && !is_anchor(l, "ANCHOR_END:"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders `{{#exercise <id>}}` (`id` = `ch01-ex01`).
pub fn render(published: &Published, id: &str) -> Result<String> {
    let Some((chapter, exercise)) = id.split_once('-').filter(|(c, e)| {
        c.len() == 4 && c.starts_with("ch") && e.len() == 4 && e.starts_with("ex")
    }) else {
        bail!("`{id}` is not an exercise id like ch01-ex01");
    };
    let find = |dirs: Vec<String>, prefix: &str| {
        dirs.into_iter()
            .find(|d| d.starts_with(&format!("{prefix}-")))
    };
    let Some(chapter_dir) = find(published.dirs("exercises"), chapter) else {
        bail!("no folder exercises/{chapter}-*");
    };
    let Some(dir) = find(
        published.dirs(&format!("exercises/{chapter_dir}")),
        exercise,
    ) else {
        bail!("no folder exercises/{chapter_dir}/{exercise}-*");
    };
    let base = format!("exercises/{chapter_dir}/{dir}");
    let package = format!("{chapter}-{dir}");

    let readme = published.read(&format!("{base}/README.md"))?;
    let task = match readme.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => rest,
        _ => readme.as_str(),
    };
    let lib = format!("{base}/src/lib.rs");
    let starter = starter_region(&published.read(&lib)?);
    let hints = parse_hints(
        &published
            .read(&format!("{base}/hints.md"))
            .unwrap_or_default(),
    );

    let mut md = String::new();
    let _ = writeln!(md, "{}\n", task.trim());
    let _ = writeln!(
        md,
        "The starter, `{lib}`:\n\n```rust,ignore\n{}\n```\n",
        starter.trim_end()
    );
    let _ = writeln!(
        md,
        "Write your code there. `cargo course check {id}` runs its tests and says what to do \
         next (or, in `exercises/`, `cargo test -p {package}`)."
    );
    if let Some(first) = hints.first() {
        let _ = writeln!(
            md,
            "\n<details>\n<summary>Hint 1 of {}</summary>\n\n{}\n\n</details>",
            hints.len(),
            first
        );
        if hints.len() > 1 {
            let _ = writeln!(
                md,
                "\nThe next hints, one at a time: `cargo course hint {id}`."
            );
        }
    }
    Ok(md)
}

/// Replaces every `{{#exercise <id>}}` in a page; an escaped `\{{#exercise ...}}` is left for
/// mdBook to unescape. Returns the new text and a problem of `page` for each directive that
/// failed.
pub fn expand(content: &str, published: &Published, page: &Path) -> (String, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for cap in DIRECTIVE.captures_iter(content) {
        let (Some(whole), Some(id)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        if whole.as_str().starts_with('\\') {
            continue;
        }
        out.push_str(&content[last..whole.start()]);
        match render(published, id.as_str()) {
            Ok(md) => out.push_str(md.trim_end()),
            Err(e) => {
                problems.push(Problem {
                    page: page.to_path_buf(),
                    line: line_of(content, whole.start()),
                    directive: whole.as_str().to_string(),
                    message: format!("{e:#}"),
                });
                out.push_str(whole.as_str());
            }
        }
        last = whole.end();
    }
    out.push_str(&content[last..]);
    (out, problems)
}

#[cfg(test)]
mod tests;
