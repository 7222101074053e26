//! Resolving what a user typed to a chapter or an exercise; errors list the valid names.

use super::{Chapter, Exercise};
use anyhow::{Result, bail, ensure};

/// Resolves a chapter name against a list; the error lists the valid names.
pub fn resolve_chapter(chapters: &[Chapter], query: &str) -> Result<Chapter> {
    let q = query.trim().trim_end_matches('/');
    let digits = q.strip_prefix("ch").unwrap_or(q);
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    let number = digits.parse::<u32>().ok().filter(|_| all_digits);
    if let Some(c) = chapters
        .iter()
        .find(|c| c.name == q || Some(c.number) == number)
    {
        return Ok(c.clone());
    }
    ensure!(
        !chapters.is_empty(),
        "unknown chapter `{query}`: this project has no chapters yet"
    );
    let line =
        |c: &Chapter| format!("{} (or {}, {:02})", c.name, c.short(), c.number);
    bail!(
        "unknown chapter `{query}`. Valid chapters:\n{}",
        listed(chapters, line)
    )
}

/// Resolves an exercise name against a list; the error lists the valid names.
pub fn resolve_exercise(exercises: &[Exercise], query: &str) -> Result<Exercise> {
    let q = query.trim().trim_end_matches('/');
    let named = |e: &&Exercise| {
        e.package == q || e.short() == q || format!("{}/{}", e.chapter, e.dir) == q
    };
    if let Some(e) = exercises.iter().find(named) {
        return Ok(e.clone());
    }
    ensure!(
        !exercises.is_empty(),
        "unknown exercise `{query}`: this project has no exercises yet"
    );
    let names = exercises
        .iter()
        .flat_map(|e| [e.short(), e.package.clone()]);
    let suggestion = closest(q, names)
        .map(|n| format!(" Did you mean {n}?"))
        .unwrap_or_default();
    let line = |e: &Exercise| format!("{} (or {})", e.package, e.short());
    bail!(
        "unknown exercise `{query}`.{suggestion} Valid exercises:\n{}",
        listed(exercises, line)
    )
}

/// One indented line per item.
fn listed<T>(items: &[T], line: impl Fn(&T) -> String) -> String {
    let lines: Vec<String> = items.iter().map(|i| format!("  {}", line(i))).collect();
    lines.join("\n")
}

/// The name closest to `query` by edit distance, if it is close enough to be a typo (at most
/// 2 edits, or a third of the name's length).
pub fn closest(
    query: &str,
    names: impl IntoIterator<Item = String>,
) -> Option<String> {
    names
        .into_iter()
        .map(|n| (strsim::levenshtein(query, &n), n))
        .filter(|(d, n)| *d > 0 && *d <= 2.max(n.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}
