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

/// mdBook's own directive syntax (`mdbook-driver` `links.rs`): an escaped `\{{#...}}` (no
/// groups), or `{{#directive path and properties}}`.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
        .expect("static regex")
});

/// mdBook's own anchor syntax (`take_lines.rs`): the first marker of a line, `ANCHOR_END: name`
/// (group 1 set) or `ANCHOR: name`.
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ANCHOR(_END)?:\s*([\w_-]+)").expect("static regex")
});

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
        let Problem {
            page,
            line,
            directive,
            message,
        } = self;
        write!(f, "{}:{line}: {directive}: {message}", page.display())
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Checks every directive of a page whose content is `content`, whose folder on disk is
/// `base_dir`, and which is reported as `page`. Included Markdown files are checked too.
pub fn check_page(content: &str, base_dir: &Path, page: &Path) -> Vec<Problem> {
    check_rec(content, base_dir, page, 0)
}

fn check_rec(
    content: &str,
    base_dir: &Path,
    page: &Path,
    depth: usize,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for cap in LINK.captures_iter(content) {
        // An escaped directive matches without groups.
        let (whole, Some(kind), Some(rest)) =
            (cap.get_match(), cap.get(1), cap.get(2))
        else {
            continue;
        };
        let target = rest.as_str().split_whitespace().next().unwrap_or("");
        match check_directive(kind.as_str(), target, base_dir) {
            Ok(Some((path, text))) if depth < MAX_DEPTH => {
                let base = path.parent().unwrap_or(base_dir);
                problems.extend(check_rec(&text, base, &path, depth + 1));
            }
            Ok(_) => {}
            Err(message) => problems.push(Problem {
                page: page.to_path_buf(),
                line: line_of(content, whole.start()),
                directive: whole.as_str().to_string(),
                message,
            }),
        }
    }
    problems
}

/// What is wrong with directive `{{#kind target ...}}`; else the path and text of the Markdown
/// file it includes, to be checked in turn.
fn check_directive(
    kind: &str,
    target: &str,
    base_dir: &Path,
) -> Result<Option<(PathBuf, String)>, String> {
    let (file, spec) = match kind {
        "include" | "rustdoc_include" => target
            .split_once(':')
            .map_or((target, None), |(file, spec)| (file, Some(spec))),
        "playground" | "playpen" => (target, None),
        "title" => return Ok(None),
        other => {
            return Err(format!(
                "unknown directive `{{{{#{other}`: mdBook knows include, rustdoc_include, playground and title"
            ));
        }
    };
    let path = base_dir.join(file);
    let text = fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("no such file: {}", normalize(&path).display())
        }
        _ => format!("cannot read {}: {e}", normalize(&path).display()),
    })?;
    if let Some(message) = spec.and_then(|spec| spec_problem(&text, spec)) {
        return Err(message);
    }
    Ok(path
        .extension()
        .is_some_and(|e| e == "md")
        .then_some((path, text)))
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
    let first = spec.split_once(':').map_or(spec, |(first, _)| first);
    if !first.is_empty() && first.parse::<usize>().is_err() {
        return anchor_problem(text, first);
    }
    let start = first.parse::<usize>().unwrap_or(1).max(1);
    let lines = text.lines().count();
    (start > lines).then(|| {
        format!(
            "the line range starts at line {start}, but the file has {lines} lines"
        )
    })
}

/// Every anchor marker of `text`: (1-based line, whether it is an `ANCHOR_END`, name).
fn markers(text: &str) -> impl Iterator<Item = (usize, bool, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let cap = ANCHOR.captures(line)?;
        Some((i + 1, cap.get(1).is_some(), cap.get(2)?.as_str()))
    })
}

/// Whether `text` has an `ANCHOR: name` line followed by an `ANCHOR_END: name` line.
pub fn anchor_problem(text: &str, anchor: &str) -> Option<String> {
    let first = |end: bool| {
        markers(text)
            .find(|&(_, e, name)| e == end && name == anchor)
            .map(|m| m.0)
    };
    match (first(false), first(true)) {
        (Some(start), Some(end)) if start < end => None,
        (_, Some(end)) => Some(format!(
            "`ANCHOR_END: {anchor}` at line {end} comes before any `ANCHOR: {anchor}`"
        )),
        (Some(start), None) => Some(format!(
            "`ANCHOR: {anchor}` at line {start} has no matching `ANCHOR_END: {anchor}`"
        )),
        (None, None) => {
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
    for (_, end, name) in markers(text) {
        if !end && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
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
        .lines()
        .enumerate()
        .flat_map(|(i, line)| {
            line.match_indices("{{#").map(move |_| Problem {
                page: page.to_path_buf(),
                line: i + 1,
                directive: line.trim().to_string(),
                message: "left unexpanded by mdBook (see its error above)"
                    .to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
