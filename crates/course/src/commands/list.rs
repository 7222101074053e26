//! `cargo course list [chapter]`: the chapters, their exercises and the learner's progress.

use crate::services::exercise_check::test_exercise;
use crate::services::fingerprint;
use crate::services::manifests::summary_chapters;
use crate::services::progress::{Progress, first_unfinished};
use crate::services::project::{Exercise, Project};
use anyhow::Result;
use regex::Regex;
use std::fs;
use std::sync::LazyLock;
use std::time::Duration;

/// The exercise's one-line title: the first `# ` heading of its README.md, without a leading
/// `Exercise N: ` (the id already says which one it is).
pub fn readme_title(readme: &str) -> Option<String> {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("^Exercise [0-9]+: ").expect("static regex"));
    let heading = readme.lines().find_map(|l| l.strip_prefix("# "))?.trim();
    Some(NUMBER.replace(heading, "").into_owned())
}

/// The titles of the chapters that SUMMARY.md lists as drafts (`- [Title]()`), not written yet.
pub fn draft_titles(summary: &str) -> Vec<String> {
    summary_chapters(summary)
        .into_iter()
        .filter(|(_, target)| target.is_none())
        .map(|(title, _)| title)
        .collect()
}

/// Checks again, quietly, every exercise whose files changed since its last check, and every
/// exercise built but never checked: the learner may have run `cargo test` instead of `check`.
/// Returns the progress after.
fn recheck_changed(
    project: &Project,
    exercises: &[Exercise],
    limit: Duration,
) -> Result<Progress> {
    let path = Progress::path(project);
    let progress = Progress::load(&path)?;
    for ex in exercises {
        if fingerprint::changed_since_check(project, ex, &progress.get(ex))? {
            let id = ex.short();
            eprintln!(
                "checking {id} again (changed since its last `cargo course check`)..."
            );
            test_exercise(project, ex, limit, false, |_| {})?;
        }
    }
    Progress::load(&path)
}

/// `cargo course list [chapter]`.
pub fn run(project: &Project, chapter: Option<&str>, limit: Duration) -> Result<()> {
    let chapters = project.chapters_or_all(chapter)?;
    let titles = project.chapter_titles();
    let shown: Vec<Exercise> = project
        .exercises()?
        .into_iter()
        .filter(|e| chapters.iter().any(|c| c.name == e.chapter))
        .collect();
    let progress = recheck_changed(project, &shown, limit)?;
    let labels: Vec<String> = shown.iter().map(|e| progress.get(e).label()).collect();
    let id_width = shown.iter().map(|e| e.short().len()).max().unwrap_or(0);
    let label_width = labels.iter().map(String::len).max().unwrap_or(0);

    for ch in &chapters {
        let title = titles.get(&ch.name).map_or("", String::as_str);
        println!("{} {}  {}", ch.short(), ch.slug(), title);
        let mut rows = shown
            .iter()
            .zip(&labels)
            .filter(|(e, _)| e.chapter == ch.name)
            .peekable();
        if rows.peek().is_none() {
            println!("  (no exercises)");
        }
        for (ex, label) in rows {
            let readme =
                fs::read_to_string(project.path(ex.starter_dir().join("README.md")));
            let title = readme.ok().and_then(|text| readme_title(&text));
            let title = title.unwrap_or_else(|| "(no README.md)".into());
            println!("  {:id_width$}  {label:label_width$}  {title}", ex.short());
        }
        println!();
    }

    if chapter.is_none() {
        let summary =
            fs::read_to_string(project.path("book/SUMMARY.md")).unwrap_or_default();
        let drafts = draft_titles(&summary);
        if !drafts.is_empty() {
            println!("not written yet: {}\n", drafts.join("; "));
        }
    }

    let done = shown.iter().filter(|e| progress.is_passed(e)).count();
    let plural = if shown.len() == 1 { "" } else { "s" };
    println!("progress: {done} of {} exercise{plural} done", shown.len());
    match first_unfinished(&shown, &progress) {
        Some(ex) => println!(
            "next: cargo course check {}   (the task: {})",
            ex.short(),
            ex.starter_dir().join("README.md").display()
        ),
        None if !shown.is_empty() => {
            println!("every exercise here passes. Well done!")
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_first_heading() {
        assert_eq!(
            readme_title(
                "# Exercise 1: a timing helper\n\nPython times...\n# Other\n"
            )
            .as_deref(),
            Some("a timing helper")
        );
        assert_eq!(
            readme_title("Intro\n# Workers, `apply_async` and `get`\n").as_deref(),
            Some("Workers, `apply_async` and `get`")
        );
        assert_eq!(
            readme_title("# Exercise one: words\n").as_deref(),
            Some("Exercise one: words")
        );
        assert_eq!(readme_title("## Not a title\n"), None);
    }

    #[test]
    fn drafts_are_the_top_level_entries_without_a_page() {
        let summary = "# Summary\n- [Pools](ch04-pools/index.md)\n  - [Sub]()\n- [Starmap: many arguments]()\n- [Executors]()\n";
        assert_eq!(
            draft_titles(summary),
            ["Starmap: many arguments", "Executors"]
        );
    }
}
