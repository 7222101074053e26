//! The chapter's rendered pages, copied so that they open offline.

use anyhow::{Context, Result, bail};
use std::path::{Component, Path, PathBuf};

/// The page that links to the rest of the book point to.
const ELSEWHERE: &str = "not-in-this-assignment.html";

/// Copies the chapter `slug` of the book built in `book` (`target/book`) into `dest`: its pages
/// and their images, the theme (CSS, fonts, scripts, the sidebar), the chapter's bench chart,
/// an `index.html` that opens the chapter, and a page that the links to other chapters now lead
/// to. Fails if a link of a copied page still leads nowhere.
pub fn copy_chapter(book: &Path, slug: &str, dest: &Path) -> Result<()> {
    let chapter = book.join(slug);
    if !chapter.join("index.html").is_file() {
        bail!(
            "the book is not built ({} is missing): run `cargo course build` first",
            chapter.join("index.html").display()
        );
    }
    copy_dir(&chapter, &dest.join(slug))?;
    for entry in read_dir(book)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            if name == "bench" {
                for bench in read_dir(&path)? {
                    let bench_name = bench.file_name().to_string_lossy().into_owned();
                    if bench_name.starts_with(&format!("{slug}.")) {
                        copy_file(&bench.path(), &dest.join("bench").join(&bench_name))?;
                    }
                }
            }
        } else if !name.ends_with(".html") || name == "toc.html" {
            copy_file(&path, &dest.join(&name))?;
        }
    }
    // The theme's folders (css/, fonts/...): those the copied pages link into.
    let mut pages = Vec::new();
    files_with(&dest.join(slug), &[".html"], &mut pages)?;
    pages.push(dest.join("toc.html"));
    for page in pages.iter().filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(page)?;
        for (start, end) in local_links(&text) {
            let target = target_of(link_base(dest, page), &text[start..end]);
            let Ok(rel) = target.strip_prefix(dest) else {
                continue;
            };
            let Some(Component::Normal(top)) = rel.components().next() else {
                continue;
            };
            let from = book.join(top);
            let name = top.to_string_lossy();
            if from.is_dir()
                && !is_chapter_dir(&name)
                && name != "bench"
                && !dest.join(top).exists()
            {
                copy_dir(&from, &dest.join(top))?;
            }
        }
    }
    std::fs::write(
        dest.join("index.html"),
        format!(
            "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>{slug}</title>\n\
             <meta http-equiv=\"refresh\" content=\"0; url={slug}/index.html\">\n\
             <a href=\"{slug}/index.html\">{slug}</a>\n"
        ),
    )?;
    std::fs::write(
        dest.join(ELSEWHERE),
        "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>Not in this assignment</title>\n\
         <p>This page belongs to another part of the book, which this assignment does not include.\n\
         Ask your instructor for the whole book, or read it online.</p>\n\
         <p><a href=\"index.html\">Back to the chapter</a></p>\n",
    )?;
    rewrite_missing_links(dest)?;
    rewrite_search_index(dest)?;
    let broken = broken_links(dest)?;
    if !broken.is_empty() {
        bail!(
            "links of the copied pages lead nowhere:\n  {}",
            broken.join("\n  ")
        );
    }
    Ok(())
}

fn is_chapter_dir(name: &str) -> bool {
    name.len() > 4 && name.starts_with("ch") && name[2..4].bytes().all(|b| b.is_ascii_digit())
}

fn read_dir(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Copies a folder, skipping `target` folders (build output never goes into an export).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in read_dir(from)? {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &dest)?;
            }
        } else {
            copy_file(&path, &dest)?;
        }
    }
    Ok(())
}

/// Every file of `dir` (recursively) whose name ends with one of `exts`.
fn files_with(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in read_dir(dir)? {
        let path = entry.path();
        if path.is_dir() {
            files_with(&path, exts, out)?;
        } else if exts.iter().any(|e| path.to_string_lossy().ends_with(e)) {
            out.push(path);
        }
    }
    Ok(())
}

/// The local links (`href`/`src`) of a page's text: `(start, end)` byte ranges of the values.
fn local_links(text: &str) -> Vec<(usize, usize)> {
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
fn target_of(base: &Path, link: &str) -> PathBuf {
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
fn link_base<'a>(root: &'a Path, file: &'a Path) -> &'a Path {
    if file.extension().is_some_and(|e| e == "js") {
        root
    } else {
        file.parent().unwrap_or(root)
    }
}

fn rewrite_missing_links(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    files_with(root, &[".html", ".js"], &mut files)?;
    for file in files {
        let is_toc_script = file
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("toc"));
        if file.extension().is_some_and(|e| e == "js") && !is_toc_script {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let base = link_base(root, &file);
        let depth = base
            .strip_prefix(root)
            .map(|p| p.components().count())
            .unwrap_or(0);
        let elsewhere = format!("{}{ELSEWHERE}", "../".repeat(depth));
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (start, end) in local_links(&text) {
            if !target_of(base, &text[start..end]).exists() {
                out.push_str(&text[last..start]);
                out.push_str(&elsewhere);
                last = end;
            }
        }
        out.push_str(&text[last..]);
        if out != text {
            std::fs::write(&file, out)?;
        }
    }
    Ok(())
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
fn rewrite_search_index(root: &Path) -> Result<()> {
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
        let rewritten = format!("{}{}{}", &text[..start], urls.join(","), &text[end..]);
        std::fs::write(path, rewritten)?;
    }
    Ok(())
}

/// The local links of the pages under `root` (and of the sidebar script and the search index)
/// that lead to no file:
/// `page: link` lines. Empty when every page opens offline with its styles, scripts and images.
pub fn broken_links(root: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    files_with(root, &[".html", ".js"], &mut files)?;
    let mut broken = Vec::new();
    for file in files {
        let is_js = file.extension().is_some_and(|e| e == "js");
        if is_js
            && !file
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("toc"))
        {
            continue;
        }
        let text = std::fs::read_to_string(&file)?;
        let base = link_base(root, &file);
        for (start, end) in local_links(&text) {
            if !target_of(base, &text[start..end]).exists() {
                broken.push(format!(
                    "{}: {}",
                    file.strip_prefix(root).unwrap_or(&file).display(),
                    &text[start..end]
                ));
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_chapter_copy_keeps_its_theme_and_sends_other_links_to_one_page() {
        let tmp = tempfile::tempdir().unwrap();
        let book = tmp.path().join("book");
        write(
            &book,
            "ch01-x/index.html",
            r#"<link href="../css/a.css"><a href="rust.html#s">r</a><a href="../ch02-y/index.html">next</a><a href="../print.html">print</a><a href="https://x.org/">x</a><img src="../bench/ch01-x.svg">"#,
        );
        write(&book, "ch01-x/rust.html", r#"<a href="index.html">i</a>"#);
        write(&book, "ch02-y/index.html", "other chapter");
        write(&book, "css/a.css", "body {}");
        write(&book, "bench/ch01-x.svg", "<svg/>");
        write(&book, "bench/ch02-y.svg", "<svg/>");
        write(&book, "classroom/grade.txt", "content, not theme");
        write(&book, "print.html", "the whole book");
        write(&book, "toc.html", r#"<a href="ch02-y/index.html">2</a>"#);
        write(
            &book,
            "toc-1.js",
            r#"x = '<a href="ch01-x/index.html">1</a><a href="ch02-y/index.html">2</a>';"#,
        );
        write(
            &book,
            "searchindex-1.js",
            r#"s('{"doc_urls":["ch01-x/index.html#a","ch02-y/index.html#b"],"index":{}}');"#,
        );
        let dest = tmp.path().join("out");
        copy_chapter(&book, "ch01-x", &dest).unwrap();
        assert!(dest.join("css/a.css").is_file());
        assert!(dest.join("bench/ch01-x.svg").is_file());
        assert!(!dest.join("bench/ch02-y.svg").exists());
        assert!(!dest.join("classroom").exists());
        assert!(!dest.join("ch02-y").exists() && !dest.join("print.html").exists());
        let index = std::fs::read_to_string(dest.join("ch01-x/index.html")).unwrap();
        assert_eq!(
            index.matches("../not-in-this-assignment.html").count(),
            2,
            "{index}"
        );
        assert!(index.contains("rust.html#s") && index.contains("https://x.org/"));
        let toc = std::fs::read_to_string(dest.join("toc-1.js")).unwrap();
        assert!(toc.contains(r#"href="ch01-x/index.html""#), "{toc}");
        assert!(
            toc.contains(r#"href="not-in-this-assignment.html""#),
            "{toc}"
        );
        let search = std::fs::read_to_string(dest.join("searchindex-1.js")).unwrap();
        assert!(
            search.contains(r#"["ch01-x/index.html#a","not-in-this-assignment.html"]"#),
            "{search}"
        );
        assert_eq!(broken_links(&dest).unwrap(), Vec::<String>::new());
        // The check finds what the copy would have broken.
        std::fs::remove_file(dest.join("css/a.css")).unwrap();
        assert_eq!(
            broken_links(&dest).unwrap(),
            ["ch01-x/index.html: ../css/a.css"]
        );
    }
}
