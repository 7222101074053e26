//! An exercise's hints: its `hints.md` holds sections headed `## Hint 1`, `## Hint 2`, ... (the
//! book shows them in `<details>` blocks).

use crate::services::progress::Progress;
use crate::services::project::{Exercise, Project};
use anyhow::{Context, Result, ensure};
use mdbook_markdown::pulldown_cmark::{Event, HeadingLevel::H2, Parser, Tag};
use std::fs;
use std::ops::Range;

/// Splits `hints.md` into the texts (trimmed) of its `## Hint ...` sections, in order, as mdBook's
/// markdown parser reads it: text before the first one is ignored; headings inside fenced code
/// blocks do not count.
pub fn parse_hints(markdown: &str) -> Vec<String> {
    let is_hint = |heading: &Range<usize>| {
        let text = markdown[heading.clone()].strip_prefix("##");
        text.is_some_and(|t| t.trim_start().starts_with("Hint"))
    };
    let mut headings: Vec<Range<usize>> = Parser::new(markdown)
        .into_offset_iter()
        .filter(|(event, _)| {
            matches!(event, Event::Start(Tag::Heading { level: H2, .. }))
        })
        .map(|(_, range)| range)
        .filter(is_hint)
        .collect();
    headings.push(markdown.len()..markdown.len());
    let text = |pair: &[Range<usize>]| {
        markdown[pair[0].end..pair[1].start].trim().to_string()
    };
    headings.windows(2).map(text).collect()
}

/// The hints of an exercise, read from its `hints.md`; a clear error if there are none.
pub fn hints_of(project: &Project, ex: &Exercise) -> Result<Vec<String>> {
    let rel = ex.starter_dir().join("hints.md");
    let no_hints =
        |why| format!("{} has no hints: {} {why}", ex.package, rel.display());
    let path = project.path(&rel);
    ensure!(path.is_file(), no_hints("does not exist"));
    let text = fs::read_to_string(&path)
        .with_context(|| format!("reading {}", rel.display()))?;
    let hints = parse_hints(&text);
    ensure!(!hints.is_empty(), no_hints("has no `## Hint 1` section"));
    Ok(hints)
}

/// How many hints of an exercise are still unseen, for `check`'s advice (`None` if it has none).
pub fn hints_left(
    project: &Project,
    ex: &Exercise,
    progress: &Progress,
) -> Option<usize> {
    let total = hints_of(project, ex).ok()?.len();
    Some(total.saturating_sub(progress.get(ex).hints_shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections_in_order() {
        let hints = parse_hints(
            "Intro text that is not a hint.\n\n## Hint 1\n\nRead the clock.\n\n## Hint 2\n\nCall `f()`:\n\n```rust\n## Hint 9 inside a fence\nlet x = 1;\n```\n\nDone.\n## Hint 3\nLast one.\n",
        );
        assert_eq!(hints.len(), 3, "{hints:?}");
        assert_eq!(hints[0], "Read the clock.");
        assert_eq!(
            hints[1],
            "Call `f()`:\n\n```rust\n## Hint 9 inside a fence\nlet x = 1;\n```\n\nDone."
        );
        assert_eq!(hints[2], "Last one.");
    }

    #[test]
    fn other_headings_stay_inside_a_hint() {
        let hints =
            parse_hints("# Hints\n## Hint 1\nA\n## Why\nB\n### Hint-like\nC\n");
        assert_eq!(hints.len(), 1);
        assert_eq!(hints[0], "A\n## Why\nB\n### Hint-like\nC");
    }

    #[test]
    fn no_sections_no_hints() {
        assert!(parse_hints("").is_empty());
        assert!(parse_hints("# Hints\n\nJust text.\n").is_empty());
    }

    #[test]
    fn the_real_hints_parse() {
        let project = Project::new(crate::services::project::default_root());
        for ex in project.exercises().unwrap() {
            let hints = hints_of(&project, &ex).unwrap();
            assert!(
                hints.iter().all(|h| !h.is_empty()),
                "{}: an empty hint",
                ex.package
            );
        }
    }
}
