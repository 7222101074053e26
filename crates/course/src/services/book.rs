//! Building the book with mdBook as a library, with checks mdBook itself does not make.

use crate::services::exercise_page;
use crate::services::includes::{self, Problem};
use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::builtin_preprocessors::{IndexPreprocessor, LinkPreprocessor};
use mdbook_driver::config::Config;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Makes mdBook's own warnings and errors visible (it logs through `tracing`). `RUST_LOG`
/// overrides the default level, `warn`.
pub fn init_logging() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        // Another subscriber may already be installed (e.g. by a test harness): keep it.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .without_time()
            .with_target(false)
            .try_init();
    });
}

/// Runs first: expands `{{#exercise ch01-ex01}}` (see `exercise_page`).
struct ExerciseDirective;

impl Preprocessor for ExerciseDirective {
    fn name(&self) -> &str {
        "course-exercise"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let published = exercise_page::Published::new(&ctx.root);
        let mut problems: Vec<Problem> = Vec::new();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = &ch.path
                && ch.content.contains("#exercise")
            {
                let (content, failed) = exercise_page::expand(&ch.content, &published);
                ch.content = content;
                let page = Path::new(&ctx.config.book.src).join(path);
                problems.extend(
                    failed
                        .into_iter()
                        .map(|(line, directive, message)| Problem {
                            page: page.clone(),
                            line,
                            directive,
                            message,
                        }),
                );
            }
        });
        fail_on(problems, "broken exercise directive", &ctx.root)?;
        Ok(book)
    }
}

/// Runs before mdBook's links preprocessor: every include must name an existing file and anchor.
struct IncludeCheck;

impl Preprocessor for IncludeCheck {
    fn name(&self) -> &str {
        "course-include-check"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src = ctx.root.join(&ctx.config.book.src);
        let mut problems: Vec<Problem> = Vec::new();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = &ch.path
            {
                let base = path.parent().map_or_else(|| src.clone(), |p| src.join(p));
                let page = Path::new(&ctx.config.book.src).join(path);
                problems.extend(includes::check_page(&ch.content, &base, &page));
                ch.content = includes::hide_escapes(&ch.content);
            }
        });
        fail_on(problems, "broken include", &ctx.root)?;
        Ok(book)
    }
}

/// Runs after mdBook's links preprocessor: no `{{#` may be left in any page.
struct LeftoverCheck;

impl Preprocessor for LeftoverCheck {
    fn name(&self) -> &str {
        "course-leftover-check"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let mut problems: Vec<Problem> = Vec::new();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = &ch.path
            {
                let page = Path::new(&ctx.config.book.src).join(path);
                problems.extend(includes::leftovers(&ch.content, &page));
                ch.content = includes::restore_escapes(&ch.content);
            }
        });
        fail_on(problems, "unexpanded directive", &ctx.root)?;
        Ok(book)
    }
}

fn fail_on(problems: Vec<Problem>, what: &str, root: &Path) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let page = p.page.strip_prefix(root).unwrap_or(&p.page);
            let message = p.message.replace(&format!("{}/", root.display()), "");
            format!(
                "  {}:{}: {}: {message}",
                page.display(),
                p.line,
                p.directive
            )
        })
        .collect();
    bail!(
        "the book has {} {what}{}:\n{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        lines.join("\n")
    )
}

/// Loads the book at `root` with the preprocessors in a fixed order: exercise directive, include check, links,
/// leftover check, index. The HTML goes to `dest` (default: `build-dir` of book.toml).
pub fn load(root: &Path, dest: Option<&Path>) -> Result<MDBook> {
    init_logging();
    let config_path = root.join("book.toml");
    let mut config = Config::from_disk(&config_path)
        .with_context(|| format!("reading {}", config_path.display()))?;
    config.build.use_default_preprocessors = false;
    if let Some(dest) = dest {
        config.build.build_dir = absolute(dest)?;
    }
    let mut book = MDBook::load_with_config(root, config)
        .with_context(|| format!("loading the book in {}", root.display()))?;
    book.with_preprocessor(ExerciseDirective)
        .with_preprocessor(IncludeCheck)
        .with_preprocessor(LinkPreprocessor::new())
        .with_preprocessor(LeftoverCheck)
        .with_preprocessor(IndexPreprocessor::new());
    Ok(book)
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_path_buf())
    } else {
        Ok(std::env::current_dir()
            .context("reading the current directory")?
            .join(path))
    }
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
