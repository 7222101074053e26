//! The chapter's rendered pages, copied so that they open offline.

use crate::files::{copy_dir, copy_file, files_with, read_dir};
use crate::links::{
    ELSEWHERE, broken_links, link_base, local_links, rewrite_missing_links,
    rewrite_search_index, target_of,
};
use anyhow::{Result, bail};
use std::path::{Component, Path};

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
                        copy_file(
                            &bench.path(),
                            &dest.join("bench").join(&bench_name),
                        )?;
                    }
                }
            }
        } else if !name.ends_with(".html") || name == "toc.html" {
            copy_file(&path, &dest.join(&name))?;
        }
    }
    // The theme's folders (css/, fonts/...): those the copied pages link into.
    let mut pages = files_with(&dest.join(slug), &[".html"])?;
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
    name.len() > 4
        && name.starts_with("ch")
        && name[2..4].bytes().all(|b| b.is_ascii_digit())
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
            search
                .contains(r#"["ch01-x/index.html#a","not-in-this-assignment.html"]"#),
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
