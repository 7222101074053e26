//! Tests of the built book as a reader gets it.
//!
//! - `tests/links.rs`: every internal link and image of the built HTML points at a file that
//!   exists, and every `#fragment` at an `id` in that file ([`check_links`], plain Rust, no
//!   browser).
//! - `tests/browser.rs`: Debian's `chromium`, driven through `chromedriver`, loads every page with
//!   no console error, finds chapter 03 when searching for "fork", reaches every chapter through
//!   the sidebar and shows every chart with a non-zero size. It skips (with a message) on a
//!   machine without chromium, and fails in CI (`CI=true`) instead.
//!
//! Both build the book themselves into their own folder ([`build_book`]), so they test the
//! sources as they are, never a stale `target/book`.

use anyhow::{Context, Result, bail};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

/// The repository root (this crate is `crates/book-browser-test`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the book (as `cargo course build --no-test` does) into `dest`, emptied first.
pub fn build_book(dest: &Path) -> Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest)
            .with_context(|| format!("emptying {}", dest.display()))?;
    }
    course::book::build_book(&root(), Some(dest), false)
}

/// Every `.html` file under `dir`, as paths relative to it with `/` separators, sorted.
pub fn html_pages(dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in
            fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(base).expect("walked under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// One link or image of the built book that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The page holding the link, relative to the book folder.
    pub page: String,
    /// Its line in that page's HTML.
    pub line: usize,
    /// The attribute's value as written.
    pub target: String,
    /// Why it leads nowhere.
    pub reason: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {:?}: {}",
            self.page, self.line, self.target, self.reason
        )
    }
}

/// A tag: its name and its attributes (quoted values may hold `>`).
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).unwrap()
});
/// One attribute of a tag: `name="v"`, `name='v'` or `name=v`.
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"#,
    )
    .unwrap()
});
/// The body of an inline script or style: not HTML, so not scanned for tags.
static RAW_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)(<script\b[^>]*>|<style\b[^>]*>).*?(</script>|</style>)")
        .unwrap()
});

/// A tag of a page, with the line it starts on.
struct Tag {
    name: String,
    line: usize,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn tags(html: &str) -> Vec<Tag> {
    // Blank out script and style bodies, keeping their length and newlines so lines stay right.
    let mut text = html.to_string();
    for m in RAW_TEXT.find_iter(html) {
        let blank: String = m
            .as_str()
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        // Keep the opening tag itself (a <script src> is a link too).
        let open_len = m.as_str().find('>').map_or(0, |i| i + 1);
        text.replace_range(
            m.start() + open_len..m.end(),
            &blank[open_len.min(blank.len())..],
        );
    }
    let mut line = 1;
    let mut last = 0;
    TAG.captures_iter(&text)
        .map(|c| {
            let whole = c.get(0).unwrap();
            line += text[last..whole.start()].matches('\n').count();
            last = whole.start();
            let attrs = ATTR
                .captures_iter(&c[2])
                .map(|a| {
                    let value = a.get(2).or(a.get(3)).or(a.get(4)).unwrap().as_str();
                    (a[1].to_ascii_lowercase(), unescape(value))
                })
                .collect();
            Tag {
                name: c[1].to_ascii_lowercase(),
                line,
                attrs,
            }
        })
        .collect()
}

/// Decodes the character references mdBook writes into attribute values.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    static REF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);").unwrap()
    });
    REF.replace_all(value, |c: &regex::Captures| {
        let name = &c[1];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => {
                name[1..].parse().ok().and_then(char::from_u32)
            }
            _ => None,
        };
        decoded.map_or_else(|| c[0].to_string(), String::from)
    })
    .into_owned()
}

/// Decodes `%XX` escapes of a URL path or fragment (invalid ones are kept as written).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ids (and `<a name>`s) of a page: what a `#fragment` may point at.
fn anchors(tags: &[Tag]) -> BTreeSet<String> {
    tags.iter()
        .flat_map(|t| {
            let name = (t.name == "a").then(|| t.attr("name")).flatten();
            t.attr("id").into_iter().chain(name)
        })
        .map(str::to_string)
        .collect()
}

/// Is `target` outside the book (another site, mail, script)? Such links are not checked.
fn is_external(target: &str) -> bool {
    if target.starts_with("//") {
        return true;
    }
    // A scheme is letters, digits, `+-.` before the first `:`, and comes before any `/?#`.
    let end = target.find(['/', '?', '#']).unwrap_or(target.len());
    target[..end].contains(':')
}

/// Resolves `path` (already without query and fragment) from the folder `from` (relative to the
/// book folder, `/`-separated). `None` when it climbs out of the book.
fn resolve(from: &str, path: &str) -> Option<String> {
    let joined = if from.is_empty() {
        path.to_string()
    } else {
        format!("{from}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for component in Path::new(&joined).components() {
        match component {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    Some(parts.join("/"))
}

/// Checks every link (`href`) and embedded file (`src`) of every page under `dir`, the book's
/// build folder: a relative target must be a file of the book (a folder means its `index.html`),
/// and a `#fragment` into an HTML page must name an `id` (or `<a name>`) of that page. A target
/// with a scheme (`https:`, `mailto:`) or starting with `//` is another site's and is skipped; a
/// target starting with `/` is reported, because the book is published under a path prefix
/// (`https://<owner>.github.io/<repo>/`) where such a link leaves the book. A page's `<base
/// href>` is honoured (mdBook's `404.html` has one).
pub fn check_links(dir: &Path) -> Result<Links> {
    let pages = html_pages(dir)?;
    if pages.is_empty() {
        bail!("no HTML page in {}: is the book built?", dir.display());
    }
    let mut parsed: HashMap<String, Vec<Tag>> = HashMap::new();
    for page in &pages {
        let html = fs::read_to_string(dir.join(page))
            .with_context(|| format!("reading {page}"))?;
        parsed.insert(page.clone(), tags(&html));
    }
    let ids: BTreeMap<&str, BTreeSet<String>> = parsed
        .iter()
        .map(|(page, tags)| (page.as_str(), anchors(tags)))
        .collect();

    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let tags = &parsed[page];
        let page_dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        // `<base href="/">` (the only kind mdBook writes) makes relative links start at the root.
        let base = tags
            .iter()
            .find(|t| t.name == "base")
            .and_then(|t| t.attr("href"));
        for tag in tags {
            for attr in ["href", "src"] {
                let Some(target) = tag.attr(attr) else {
                    continue;
                };
                if tag.name == "base" || target.is_empty() || is_external(target) {
                    continue;
                }
                checked += 1;
                let mut report = |reason: String| {
                    broken.push(Broken {
                        page: page.clone(),
                        line: tag.line,
                        target: target.to_string(),
                        reason,
                    })
                };
                let (rest, fragment) = match target.split_once('#') {
                    Some((r, f)) => (r, Some(percent_decode(f))),
                    None => (target, None),
                };
                let path = percent_decode(rest.split('?').next().unwrap_or(""));
                let from = match base {
                    Some("/") => "",
                    Some(other) => {
                        report(format!(
                            "the page's <base href={other:?}> is not handled"
                        ));
                        continue;
                    }
                    None => page_dir,
                };
                let file = if path.is_empty() {
                    page.clone()
                } else if path.starts_with('/') && base.is_none() {
                    report(
                        "starts with `/`: on GitHub Pages the book lives under /<repo>/, \
                         so this leaves the book; write it relative"
                            .into(),
                    );
                    continue;
                } else {
                    let Some(mut file) = resolve(from, &path) else {
                        report("climbs out of the book folder".into());
                        continue;
                    };
                    if path.ends_with('/') || dir.join(&file).is_dir() {
                        file = if file.is_empty() {
                            "index.html".into()
                        } else {
                            format!("{file}/index.html")
                        };
                    }
                    file
                };
                if !dir.join(&file).is_file() {
                    report(format!("no file {file} in the book"));
                    continue;
                }
                if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                    && file.ends_with(".html")
                    && !ids
                        .get(file.as_str())
                        .is_some_and(|s| s.contains(&fragment))
                {
                    report(format!("{file} has no id {fragment:?}"));
                }
            }
        }
    }
    Ok(Links { checked, broken })
}

/// What [`check_links`] found.
#[derive(Debug)]
pub struct Links {
    /// How many internal links and embedded files were checked.
    pub checked: usize,
    /// Those that lead nowhere, in page order.
    pub broken: Vec<Broken>,
}

/// The Markdown source of a built page (`ch03-processes/rust.html` comes from
/// `book/ch03-processes/rust.md`), when there is one.
pub fn source_of(page: &str) -> Option<PathBuf> {
    let md = root()
        .join("book")
        .join(page.strip_suffix(".html")?.to_string() + ".md");
    md.is_file().then_some(md)
}

/// Where in the Markdown source a broken link is written: `book/x.md:LINE` of the first line that
/// holds its fragment (or its file name), for a report a person can act on.
pub fn locate_in_source(broken: &Broken) -> Option<String> {
    let md = source_of(&broken.page)?;
    let text = fs::read_to_string(&md).ok()?;
    let (rest, fragment) = broken
        .target
        .split_once('#')
        .unwrap_or((&broken.target, ""));
    let name = rest
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".html");
    let needle = if !fragment.is_empty() {
        format!("#{fragment}")
    } else {
        name.to_string()
    };
    if needle.is_empty() {
        return None;
    }
    let line = text.lines().position(|l| l.contains(&needle))? + 1;
    let rel = md
        .strip_prefix(root())
        .unwrap_or(&md)
        .to_string_lossy()
        .into_owned();
    Some(format!("{rel}:{line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A small built site: every kind of good link, and one of each mistake.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "index.html",
            "<html><head><link rel=\"stylesheet\" href=\"css/a.css\"><script src=\"book.js\"></script>\
             <script>if (a<b) { x.href = '<a href=\"gone.html\">'; }</script></head><body>\n\
             <h1 id=\"top\">T</h1>\n\
             <a href=\"ch/page.html#sec-1\">ok</a> <a href='ch/'>dir</a> <a href=\"#top\">self</a>\n\
             <a href=\"https://example.org/x\">ext</a> <a href=\"mailto:a@b\">m</a> <a href=\"#\">top</a>\n\
             <img src=\"bench/c.svg\" alt=\"\"> <a href=\"ch/page.html?x=1&amp;y=2#sec%2D1\">q</a>\n\
             <a href=\"ch/page.html#nope\">bad anchor</a>\n\
             <a href=\"ch/missing.html\">bad file</a>\n\
             <a href=\"/ch/page.html\">absolute</a>\n\
             <a href=\"../outside.html\">out</a>\n\
             </body></html>",
        );
        write(d, "css/a.css", "");
        write(d, "book.js", "");
        write(d, "bench/c.svg", "<svg/>");
        write(
            d,
            "ch/page.html",
            "<h2 id=\"sec-1\">S</h2><a href=\"../index.html#top\">back</a><a name=\"old\"></a><a href=\"#old\">o</a>",
        );
        write(d, "ch/index.html", "<p>index</p>");
        write(
            d,
            "404.html",
            "<base href=\"/\"><a href=\"ch/page.html#sec-1\">ok</a><a href=\"ch/page.html#x\">bad</a>",
        );
        dir
    }

    #[test]
    fn finds_each_kind_of_broken_link_and_nothing_else() {
        let dir = site();
        let links = check_links(dir.path()).unwrap();
        let broken = links.broken;
        let found: Vec<(&str, usize, &str)> = broken
            .iter()
            .map(|b| (b.page.as_str(), b.line, b.target.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("404.html", 1, "ch/page.html#x"),
                ("index.html", 6, "ch/page.html#nope"),
                ("index.html", 7, "ch/missing.html"),
                ("index.html", 8, "/ch/page.html"),
                ("index.html", 9, "../outside.html"),
            ],
            "{broken:#?}"
        );
        assert!(broken[1].reason.contains("no id \"nope\""), "{}", broken[1]);
        assert!(
            broken[2].reason.contains("no file ch/missing.html"),
            "{}",
            broken[2]
        );
        assert!(broken[3].reason.contains("GitHub Pages"), "{}", broken[3]);
        // index: stylesheet, script, 5 good links, image, 4 bad; page: 2; 404: 2.
        assert_eq!(links.checked, 16);
    }

    #[test]
    fn an_empty_folder_is_an_error_not_a_pass() {
        let dir = tempfile::tempdir().unwrap();
        let err = check_links(dir.path()).unwrap_err();
        assert!(err.to_string().contains("is the book built?"), "{err}");
    }

    #[test]
    fn unescapes_and_decodes() {
        assert_eq!(unescape("a&amp;b&#39;&#x41;&unknown;"), "a&b'A&unknown;");
        assert_eq!(percent_decode("sec%2D1%zz%"), "sec-1%zz%");
        assert!(
            is_external("https://x") && is_external("//x") && is_external("mailto:a")
        );
        assert!(!is_external("a/b:c.html") && !is_external("#x:y"));
        assert_eq!(
            resolve("a/b", "../c/./d.html").as_deref(),
            Some("a/c/d.html")
        );
        assert_eq!(resolve("", "../x"), None);
    }
}
