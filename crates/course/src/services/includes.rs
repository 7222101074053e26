//! Checks of mdBook's `{{#include}}`-style directives.
//!
//! mdBook fails silently: a missing file leaves the raw `{{#include ...}}` in the page, and a
//! missing anchor includes nothing, and the build still succeeds. These checks find both before
//! the links preprocessor runs, and any `{{#` text it leaves behind after it ran.

use regex::Regex;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// mdBook's own directive syntax (`mdbook-driver` `links.rs`).
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \\\{\{\#.*\}\}      # an escaped directive
        |
        \{\{\s*             # opening braces
        \#([a-zA-Z0-9_]+)   # directive
        \s+
        ([^}]+)             # path and properties
        \}\}",
    )
    .expect("static regex")
});

/// mdBook's own anchor syntax (`take_lines.rs`).
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*(?P<name>[\w_-]+)").expect("static regex"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*(?P<name>[\w_-]+)").expect("static regex"));

/// Stands in for the `\` of an escaped `\{{#...}}` between the two checks, so that the text mdBook
/// unescapes is not mistaken for a directive it failed to expand.
pub const ESCAPE_PLACEHOLDER: &str = "{{\u{E000}#";

const MAX_DEPTH: usize = 10;

/// One broken directive in one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The page, as a path relative to the book's source folder (or the included file).
    pub page: PathBuf,
    /// 1-based line in that page.
    pub line: usize,
    /// The directive as written, e.g. `{{#include ../x.rs:main}}`.
    pub directive: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.page.display(),
            self.line,
            self.directive,
            self.message
        )
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Checks every directive of a page whose content is `content`, whose folder on disk is
/// `base_dir`, and which is reported as `page`. Included Markdown files are checked too.
pub fn check_page(content: &str, base_dir: &Path, page: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_rec(content, base_dir, page, 0, &mut problems);
    problems
}

fn check_rec(content: &str, base_dir: &Path, page: &Path, depth: usize, out: &mut Vec<Problem>) {
    for cap in LINK.captures_iter(content) {
        let Some(whole) = cap.get(0) else { continue };
        if whole.as_str().starts_with('\\') {
            continue;
        }
        let (Some(kind), Some(rest)) = (cap.get(1), cap.get(2)) else {
            continue;
        };
        let mut problem = |message: String| {
            out.push(Problem {
                page: page.to_path_buf(),
                line: line_of(content, whole.start()),
                directive: whole.as_str().to_string(),
                message,
            })
        };
        let kind = kind.as_str();
        let target = rest.as_str().split_whitespace().next().unwrap_or("");
        let (file, spec) = match kind {
            "include" | "rustdoc_include" => match target.split_once(':') {
                Some((file, spec)) => (file, Some(spec)),
                None => (target, None),
            },
            "playground" | "playpen" => (target, None),
            "title" => continue,
            other => {
                problem(format!(
                    "unknown directive `{{{{#{other}`: mdBook knows include, rustdoc_include, playground and title"
                ));
                continue;
            }
        };
        let path = base_dir.join(file);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problem(format!("no such file: {}", normalize(&path).display()));
                continue;
            }
            Err(e) => {
                problem(format!("cannot read {}: {e}", normalize(&path).display()));
                continue;
            }
        };
        if let Some(message) = spec.and_then(|spec| spec_problem(&text, spec)) {
            problem(message);
            continue;
        }
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        if is_markdown && depth < MAX_DEPTH {
            let base = path.parent().unwrap_or(base_dir).to_path_buf();
            check_rec(&text, &base, &path, depth + 1, out);
        }
    }
}

/// Removes `.` and `a/..` from a path without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the part after the file name (`:anchor`, `:3`, `:3:10`, `::10`), if anything.
pub fn spec_problem(text: &str, spec: &str) -> Option<String> {
    let first = spec.split(':').next().unwrap_or("");
    if first.is_empty() || first.parse::<usize>().is_ok() {
        let start = first.parse::<usize>().unwrap_or(1).max(1);
        let lines = text.lines().count();
        if start > lines {
            return Some(format!(
                "the line range starts at line {start}, but the file has {lines} lines"
            ));
        }
        return None;
    }
    anchor_problem(text, first)
}

/// Whether `text` has an `ANCHOR: name` line followed by an `ANCHOR_END: name` line.
pub fn anchor_problem(text: &str, anchor: &str) -> Option<String> {
    let mut start_line = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(cap) = ANCHOR_END.captures(line) {
            if &cap["name"] == anchor {
                return match start_line {
                    Some(_) => None,
                    None => Some(format!(
                        "`ANCHOR_END: {anchor}` at line {} comes before any `ANCHOR: {anchor}`",
                        i + 1
                    )),
                };
            }
        } else if let Some(cap) = ANCHOR_START.captures(line)
            && &cap["name"] == anchor
            && start_line.is_none()
        {
            start_line = Some(i + 1);
        }
    }
    match start_line {
        Some(line) => Some(format!(
            "`ANCHOR: {anchor}` at line {line} has no matching `ANCHOR_END: {anchor}`"
        )),
        None => {
            let known = anchors_in(text);
            let known = if known.is_empty() {
                "the file has no anchors".to_string()
            } else {
                format!("anchors in the file: {}", known.join(", "))
            };
            Some(format!("no `ANCHOR: {anchor}` in the file ({known})"))
        }
    }
}

/// The anchor names a file defines, in order.
pub fn anchors_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if ANCHOR_END.is_match(line) {
            continue;
        }
        if let Some(cap) = ANCHOR_START.captures(line) {
            let name = cap["name"].to_string();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Hides escaped directives (`\{{#...}}`) from mdBook and from [`leftovers`]; [`restore_escapes`]
/// turns them into the literal `{{#...}}` text mdBook would have produced.
pub fn hide_escapes(content: &str) -> String {
    content.replace("\\{{#", ESCAPE_PLACEHOLDER)
}

/// Undoes [`hide_escapes`], printing the directive literally as mdBook does for escapes.
pub fn restore_escapes(content: &str) -> String {
    content.replace(ESCAPE_PLACEHOLDER, "{{#")
}

/// Every `{{#` left in a page after the links preprocessor ran: each is a directive mdBook could
/// not expand (it logs an error and keeps the raw text).
pub fn leftovers(content: &str, page: &Path) -> Vec<Problem> {
    content
        .match_indices("{{#")
        .map(|(offset, _)| {
            let line_start = content[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line_end = content[offset..]
                .find('\n')
                .map_or(content.len(), |i| offset + i);
            Problem {
                page: page.to_path_buf(),
                line: line_of(content, offset),
                directive: content[line_start..line_end].trim().to_string(),
                message: "left unexpanded by mdBook (see its error above)".to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
