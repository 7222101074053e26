//! The local links of copied pages: which lead nowhere, and sending those to one page.

use crate::files::{files_with, read_dir};
use anyhow::Result;
use std::path::{Component, Path, PathBuf};

/// The page that links to the rest of the book point to.
pub const ELSEWHERE: &str = "not-in-this-assignment.html";

/// The local links (`href`/`src`) of a page's text: `(start, end)` byte ranges of the values.
pub fn local_links(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut from = 0;
        while let Some(i) = text[from..].find(attr) {
            let start = from + i + attr.len();
            let Some(len) = text[start..].find('"') else {
                break;
            };
            let value = &text[start..start + len];
            let external = value.is_empty()
                || value.starts_with('#')
                || value.starts_with('/')
                || value.contains("://")
                || value.starts_with("mailto:")
                || value.starts_with("javascript:")
                || value.starts_with("data:")
                || value.contains('{')
                || value.contains('\'')
                || value.contains('+');
            if !external {
                found.push((start, start + len));
            }
            from = start + len;
        }
    }
    found
}

/// Where a link leads: the file, relative links resolved against `base`.
pub fn target_of(base: &Path, link: &str) -> PathBuf {
    let path = link.split(['#', '?']).next().unwrap_or_default();
    let mut out = base.to_path_buf();
    for c in Path::new(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    out
}

/// The sidebar script's links are relative to the book's root; a page's to its own folder.
pub fn link_base<'a>(root: &'a Path, file: &'a Path) -> &'a Path {
    if file.extension().is_some_and(|e| e == "js") {
        root
    } else {
        file.parent().unwrap_or(root)
    }
}

/// Sends every link that leads nowhere to [`ELSEWHERE`].
pub fn rewrite_missing_links(root: &Path) -> Result<()> {
    for (file, text, dead) in dead_links(root)? {
        if dead.is_empty() {
            continue;
        }
        let depth = link_base(root, &file)
            .strip_prefix(root)
            .map(|p| p.components().count())
            .unwrap_or(0);
        let elsewhere = format!("{}{ELSEWHERE}", "../".repeat(depth));
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, end) in dead {
            out.push_str(&text[last..start]);
            out.push_str(&elsewhere);
            last = end;
        }
        out.push_str(&text[last..]);
        std::fs::write(&file, out)?;
    }
    Ok(())
}

/// Pages, each with its text and the ranges of its local links that lead to no file, in order.
type DeadLinks = Vec<(PathBuf, String, Vec<(usize, usize)>)>;

/// The pages under `root` whose links count: every `.html`, and the sidebar's `toc*.js`.
fn dead_links(root: &Path) -> Result<DeadLinks> {
    let mut found = Vec::new();
    for file in files_with(root, &[".html", ".js"])? {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".js") && !name.starts_with("toc") {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let base = link_base(root, &file);
        let mut dead: Vec<_> = local_links(&text)
            .into_iter()
            .filter(|&(start, end)| !target_of(base, &text[start..end]).exists())
            .collect();
        dead.sort();
        found.push((file, text, dead));
    }
    Ok(found)
}

/// The search index's `doc_urls`: `(file, start, end)` of the array's text, for each
/// `searchindex*.js` at `root`.
fn search_indexes(root: &Path) -> Result<Vec<(PathBuf, String, usize, usize)>> {
    let mut found = Vec::new();
    for entry in read_dir(root)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("searchindex") && name.ends_with(".js")) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())?;
        let key = "\"doc_urls\":[";
        let Some(at) = text.find(key) else {
            continue;
        };
        let start = at + key.len();
        let Some(len) = text[start..].find(']') else {
            continue;
        };
        found.push((entry.path(), text, start, start + len));
    }
    Ok(found)
}

/// Search results that lead to pages of other chapters lead to the page that says so.
pub fn rewrite_search_index(root: &Path) -> Result<()> {
    for (path, text, start, end) in search_indexes(root)? {
        let urls: Vec<String> = text[start..end]
            .split(',')
            .map(|u| {
                if target_of(root, u.trim_matches('"')).exists() {
                    u.to_string()
                } else {
                    format!("\"{ELSEWHERE}\"")
                }
            })
            .collect();
        let rewritten =
            format!("{}{}{}", &text[..start], urls.join(","), &text[end..]);
        std::fs::write(path, rewritten)?;
    }
    Ok(())
}

/// The local links of the pages under `root` (and of the sidebar script and the search index)
/// that lead to no file:
/// `page: link` lines. Empty when every page opens offline with its styles, scripts and images.
pub fn broken_links(root: &Path) -> Result<Vec<String>> {
    let mut broken = Vec::new();
    for (file, text, dead) in dead_links(root)? {
        let page = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        broken.extend(
            dead.iter()
                .map(|&(s, e)| format!("{page}: {}", &text[s..e])),
        );
    }
    for (path, text, start, end) in search_indexes(root)? {
        for url in text[start..end].split(',') {
            let url = url.trim_matches('"');
            if !target_of(root, url).exists() {
                broken.push(format!("{} (search result): {url}", path.display()));
            }
        }
    }
    Ok(broken)
}
