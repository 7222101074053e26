//! Reading trybuild's report, for a spec's compile-fail tests (`tests/ui/*.rs`, each with the
//! compiler's error it expects in `tests/ui/*.stderr`).
//!
//! The test that runs them fails with only "1 of 4 tests failed"; which ui file failed, and how,
//! is in the report trybuild prints past libtest's capture, with colour codes even into a pipe.

use regex::Regex;
use std::sync::LazyLock;

/// At most this many lines of EXPECTED and of ACTUAL are shown.
const SHOWN: usize = 8;
/// Of which this many, at most, come before the first line that differs.
const CONTEXT: usize = 3;

/// `text` without its ANSI escape sequences (colours, bold, inverse video).
pub fn strip_ansi(text: &str) -> String {
    static CSI: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").expect("static regex")
    });
    CSI.replace_all(text, "").into_owned()
}

/// How one ui test failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The compiler's error is not the one in the `.stderr` file: both, whole.
    Mismatch {
        expected: Vec<String>,
        actual: Vec<String>,
    },
    /// Anything else (`error`: it compiled, or did not build as expected; `wip`: no `.stderr`
    /// file yet): trybuild's word and the lines it printed after it.
    Other { word: String, said: Vec<String> },
}

/// One ui test that did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiFailure {
    /// As trybuild names it: `tests/ui/start_twice.rs`.
    pub file: String,
    pub verdict: Verdict,
}

/// A line trybuild draws above and below each snippet.
fn is_dotted(line: &str) -> bool {
    !line.is_empty() && line.chars().all(|c| c == '┈')
}

/// How trybuild names a test case: `tests/ui/x.rs`, perhaps followed by `[should pass]` or
/// `[should fail to compile]`.
const CASE_NAME: &str = r"(\S+\.rs)(?: \[should [a-z ]+\])?";

/// `name` (from a `test <name> ... ok` line) is one of trybuild's test cases, not a test.
pub fn is_ui_case(name: &str) -> bool {
    static NAME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!("^{CASE_NAME}$")).expect("static regex")
    });
    NAME.is_match(name)
}

/// Every ui test that did not pass, from (merged) output with trybuild's report in it.
pub fn ui_failures(output: &str) -> Vec<UiFailure> {
    static CASE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^test {CASE_NAME} \.\.\. (\S+)$"))
            .expect("static regex")
    });
    let text = strip_ansi(output);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(case) = CASE.captures(line) else {
            continue;
        };
        if &case[2] == "ok" {
            continue;
        }
        let block: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("test ") && **l != "failures:")
            .copied()
            .collect();
        let dots: Vec<usize> =
            (0..block.len()).filter(|&j| is_dotted(block[j])).collect();
        let snippet = |k: usize| -> Vec<String> {
            block[dots[2 * k] + 1..dots[2 * k + 1]]
                .iter()
                .map(|l| l.to_string())
                .collect()
        };
        let verdict = if &case[2] == "mismatch" && dots.len() >= 4 {
            Verdict::Mismatch {
                expected: snippet(0),
                actual: snippet(1),
            }
        } else {
            let said = block
                .iter()
                .filter(|l| !l.trim().is_empty() && !is_dotted(l));
            Verdict::Other {
                word: case[2].to_string(),
                said: said.take(SHOWN).map(|l| l.to_string()).collect(),
            }
        };
        out.push(UiFailure {
            file: case[1].to_string(),
            verdict,
        });
    }
    out
}

/// `lines` from `from`, at most [`SHOWN`] of them (and `...` if some are left out), indented.
fn excerpt(lines: &[String], from: usize, to: usize) -> Vec<String> {
    let end = to.min(from + SHOWN);
    let mut shown: Vec<String> = lines[from..end]
        .iter()
        .map(|l| format!("    {l}"))
        .collect();
    if end < lines.len() {
        shown.push("    ...".to_string());
    }
    shown
}

impl UiFailure {
    /// For a learner: which file failed and how; for a mismatch, EXPECTED and ACTUAL from a few
    /// lines before the first line that differs.
    pub fn describe(&self) -> String {
        let stderr = self.file.strip_suffix(".rs").unwrap_or(&self.file);
        let mut out = Vec::new();
        match &self.verdict {
            Verdict::Mismatch { expected, actual } => {
                let same = expected.iter().zip(actual).take_while(|(e, a)| e == a);
                let first = same.count();
                let from = first.saturating_sub(CONTEXT);
                // Where the two end alike, so that only what differs (and the context) is shown.
                let tail = expected[first..]
                    .iter()
                    .rev()
                    .zip(actual[first..].iter().rev())
                    .take_while(|(e, a)| e == a)
                    .count();
                out.push(format!(
                    "{}: mismatch: the compiler's error is not the one in {stderr}.stderr (it differs from its line {}):",
                    self.file,
                    first + 1
                ));
                out.push("EXPECTED:".to_string());
                out.extend(excerpt(expected, from, expected.len() - tail));
                out.push("ACTUAL:".to_string());
                out.extend(excerpt(actual, from, actual.len() - tail));
            }
            Verdict::Other { word, said } => {
                out.push(format!("{}: {word}", self.file));
                out.extend(said.iter().map(|l| format!("    {l}")));
            }
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests;
