//! No broken internal link or anchor in the built book: every relative `href`/`src` of every page
//! points at a file of the book, and every `#fragment` at an id in that file.

use book_browser_test::{build_book, check_links, html_pages, locate_in_source};
use std::path::Path;

#[test]
fn every_internal_link_and_anchor_of_the_built_book_resolves() {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-links");
    build_book(&dest).expect("the book builds");
    let pages = html_pages(&dest).unwrap();
    let links = check_links(&dest).unwrap();
    let broken = &links.broken;
    let report: Vec<String> = broken
        .iter()
        .map(|b| match locate_in_source(b) {
            Some(source) => format!("{b}\n    written at {source}"),
            None => b.to_string(),
        })
        .collect();
    assert!(
        broken.is_empty(),
        "{} broken link(s) or anchor(s) in the built book ({} pages checked):\n{}",
        broken.len(),
        pages.len(),
        report.join("\n")
    );
    // A checker that found no link at all would pass anything.
    assert!(
        links.checked > 10 * pages.len(),
        "only {} links found in {} pages: is the checker still reading mdBook's HTML?",
        links.checked,
        pages.len()
    );
    eprintln!(
        "{} pages, {} internal links and embedded files: every one resolves",
        pages.len(),
        links.checked
    );
}
