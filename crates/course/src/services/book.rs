//! Building the book with mdBook as a library, with checks mdBook itself does not make.

use crate::services::exercise_page;
use crate::services::includes::{self, Problem};
use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::Path;
use tracing_subscriber::EnvFilter;

/// Makes mdBook's own warnings and errors visible (it logs through `tracing`). `RUST_LOG`
/// overrides the default level, `warn`.
fn init_logging() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    // A subscriber may already be installed (by an earlier call, a test harness): keep it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}

/// One of the course's passes over every page: `pass` may rewrite a page's text (given with its
/// path relative to the book's root, e.g. `book/intro.md`) and returns its problems; any problem
/// fails the build.
struct PagePass {
    name: &'static str,
    /// What a problem is called in the error: `broken include`.
    what: &'static str,
    pass: fn(&PreprocessorContext, &Path, &mut String) -> Vec<Problem>,
}

impl Preprocessor for PagePass {
    fn name(&self) -> &str {
        self.name
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let mut problems: Vec<Problem> = Vec::new();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = &ch.path
            {
                let page = Path::new(&ctx.config.book.src).join(path);
                problems.extend((self.pass)(ctx, &page, &mut ch.content));
            }
        });
        if problems.is_empty() {
            return Ok(book);
        }
        // Paths as the user sees them: relative to the root.
        let root = format!("{}/", ctx.root.display());
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("  {p}").replace(&root, ""))
            .collect();
        bail!(
            "the book has {} {}{}:\n{}",
            problems.len(),
            self.what,
            if problems.len() == 1 { "" } else { "s" },
            lines.join("\n")
        )
    }
}

/// Runs first: expands `{{#exercise ch01-ex01}}` (see `exercise_page`).
const EXERCISE_DIRECTIVE: PagePass = PagePass {
    name: "course-exercise",
    what: "broken exercise directive",
    pass: |ctx, page, content| {
        if !content.contains("#exercise") {
            return Vec::new();
        }
        let published = exercise_page::Published::new(&ctx.root);
        let (expanded, problems) = exercise_page::expand(content, &published, page);
        *content = expanded;
        problems
    },
};

/// Runs before mdBook's links preprocessor: every include must name an existing file and anchor.
const INCLUDE_CHECK: PagePass = PagePass {
    name: "course-include-check",
    what: "broken include",
    pass: |ctx, page, content| {
        let base = ctx.root.join(page);
        let problems =
            includes::check_page(content, base.parent().unwrap_or(&ctx.root), page);
        *content = includes::hide_escapes(content);
        problems
    },
};

/// Runs after mdBook's links preprocessor: no `{{#` may be left in any page.
const LEFTOVER_CHECK: PagePass = PagePass {
    name: "course-leftover-check",
    what: "unexpanded directive",
    pass: |_, page, content| {
        let problems = includes::leftovers(content, page);
        *content = includes::restore_escapes(content);
        problems
    },
};

/// Loads the book at `root` with the preprocessors in a fixed order: exercise directive, include
/// check, links, leftover check, index. The HTML goes to `dest` (default: `build-dir` of book.toml).
pub fn load(root: &Path, dest: Option<&Path>) -> Result<MDBook> {
    init_logging();
    let config_path = root.join("book.toml");
    let mut config = Config::from_disk(&config_path)
        .with_context(|| format!("reading {}", config_path.display()))?;
    config.build.use_default_preprocessors = false;
    if let Some(dest) = dest {
        config.build.build_dir =
            std::path::absolute(dest).context("reading the current directory")?;
    }
    let mut book = MDBook::load_with_config(root, config)
        .with_context(|| format!("loading the book in {}", root.display()))?;
    book.with_preprocessor(EXERCISE_DIRECTIVE)
        .with_preprocessor(INCLUDE_CHECK)
        .with_preprocessor(LinkPreprocessor::new())
        .with_preprocessor(LEFTOVER_CHECK)
        .with_preprocessor(IndexPreprocessor::new());
    Ok(book)
}

/// Builds the book at `root` into `dest` (default `target/book`), failing on a broken include.
/// With `run_tests`, also compiles and runs the book's inline Rust snippets with rustdoc
/// (blocks fenced `rust,ignore` are skipped, as rustdoc does).
pub fn build_book(root: &Path, dest: Option<&Path>, run_tests: bool) -> Result<()> {
    let mut book = load(root, dest)?;
    book.build().context("building the book")?;
    if run_tests {
        book.test(Vec::new())
            .context("testing the book's inline Rust snippets with rustdoc")?;
    }
    Ok(())
}
