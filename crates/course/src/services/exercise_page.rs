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
use regex::{Captures, Regex};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\?\{\{\s*#exercise\s+([^}\s]+)\s*\}\}").expect("static regex")
});

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
        fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))
    }

    /// The folders in folder `rel`, as committed, else as on disk; sorted (git lists a tree's
    /// folders in byte order).
    pub fn dirs(&self, rel: &str) -> Vec<String> {
        match self.git(&[
            "ls-tree",
            "-d",
            "--name-only",
            "HEAD",
            &format!("./{rel}/"),
        ]) {
            Some(out) if !out.trim().is_empty() => out
                .lines()
                .map(|l| l.rsplit_once('/').map_or(l, |(_, name)| name).to_string())
                .collect(),
            _ => subdirs(&self.root.join(rel)),
        }
    }
}

/// The lines between `// ANCHOR: starter` and its end (the whole file if there is no such
/// anchor), without any ANCHOR comment lines.
pub fn starter_region(source: &str) -> String {
    let is_comment_with = |l: &str, marks: &[&str]| {
        let t = l.trim_start();
        t.starts_with("//") && marks.iter().any(|m| t.contains(m))
    };
    let anchored = source
        .lines()
        .any(|l| is_comment_with(l, &["ANCHOR: starter"]));
    source
        .lines()
        .skip_while(|l| anchored && !is_comment_with(l, &["ANCHOR: starter"]))
        .take_while(|l| !is_comment_with(l, &["ANCHOR_END: starter"]))
        .filter(|l| !is_comment_with(l, &["ANCHOR:", "ANCHOR_END:"]))
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
    let find = |parent: &str, prefix: &str| {
        published
            .dirs(parent)
            .into_iter()
            .find(|d| d.starts_with(&format!("{prefix}-")))
            .with_context(|| format!("no folder {parent}/{prefix}-*"))
    };
    let chapter_dir = find("exercises", chapter)?;
    let dir = find(&format!("exercises/{chapter_dir}"), exercise)?;
    let base = format!("exercises/{chapter_dir}/{dir}");

    let readme = published.read(&format!("{base}/README.md"))?;
    let task = readme
        .split_once('\n')
        .filter(|(first, _)| first.starts_with("# "))
        .map_or(readme.as_str(), |(_, rest)| rest);
    let lib = format!("{base}/src/lib.rs");
    let starter = starter_region(&published.read(&lib)?);
    let hints = parse_hints(
        &published
            .read(&format!("{base}/hints.md"))
            .unwrap_or_default(),
    );
    let more =
        format!("\nThe next hints, one at a time: `cargo course hint {id}`.\n");
    let hint = match hints.as_slice() {
        [] => String::new(),
        [first, rest @ ..] => format!(
            "\n<details>\n<summary>Hint 1 of {}</summary>\n\n{}\n\n</details>\n{}",
            hints.len(),
            first,
            if rest.is_empty() { "" } else { &more }
        ),
    };
    Ok(format!(
        "{}\n\nThe starter, `{lib}`:\n\n```rust,ignore\n{}\n```\n\n\
         Write your code there. `cargo course check {id}` runs its tests and says what to do next \
         (or, in `exercises/`, `cargo test -p {chapter}-{dir}`).\n{hint}",
        task.trim(),
        starter.trim_end()
    ))
}

/// Replaces every `{{#exercise <id>}}` in a page; an escaped `\{{#exercise ...}}` is left for
/// mdBook to unescape. Returns the new text and a problem of `page` for each directive that
/// failed.
pub fn expand(
    content: &str,
    published: &Published,
    page: &Path,
) -> (String, Vec<Problem>) {
    let mut problems = Vec::new();
    let expanded = DIRECTIVE.replace_all(content, |cap: &Captures| {
        let whole = cap.get_match();
        if whole.as_str().starts_with('\\') {
            return whole.as_str().to_string();
        }
        match render(published, &cap[1]) {
            Ok(md) => md.trim_end().to_string(),
            Err(e) => {
                problems.push(Problem {
                    page: page.to_path_buf(),
                    line: line_of(content, whole.start()),
                    directive: whole.as_str().to_string(),
                    message: format!("{e:#}"),
                });
                whole.as_str().to_string()
            }
        }
    });
    (expanded.into_owned(), problems)
}

#[cfg(test)]
mod tests;
