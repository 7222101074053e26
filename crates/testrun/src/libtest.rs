//! Reading libtest's human output: the `test <name> ... ok|FAILED` lines, `--list`, and the panic
//! message of each failed test.

pub mod trybuild;

use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// How one test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Ignored,
}

/// One `test <name> ... <outcome>` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub outcome: Outcome,
    /// The test is `#[should_panic]` (libtest prints `<name> - should panic`).
    pub should_panic: bool,
}

/// Parses libtest's `test <name> ... ok|FAILED|ignored` lines (libtest-mimic pads the names
/// with spaces to one width); not trybuild's, `test tests/ui/x.rs ... ok` (uncoloured when
/// `NO_COLOR` is set), which are no tests of their own.
pub fn parse_results(stdout: &str) -> Vec<TestResult> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^test (.+?)( - should panic)? +\.\.\. (ok|FAILED|ignored(?:,.*)?)\s*?$")
            .expect("static regex")
    });
    LINE.captures_iter(stdout)
        .filter(|c| !trybuild::is_ui_case(&c[1]))
        .map(|c| TestResult {
            name: c[1].to_string(),
            should_panic: c.get(2).is_some(),
            outcome: match &c[3] {
                "ok" => Outcome::Ok,
                "FAILED" => Outcome::Failed,
                _ => Outcome::Ignored,
            },
        })
        .collect()
}

/// Parses the output of `<test binary> --list`: `<name>: test` lines.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// What a failed test's output says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedTest {
    /// Why it failed: the message of the panic that failed it, with the fork
    /// harness's own words (a hang, a child process that ran on into the test,
    /// children left behind); for a `should_panic` test whose panic lacked the
    /// expected text, libtest's note; or, if nothing panicked, the output itself.
    pub message: String,
    /// Where the panic shown in `message` happened (`src/lib.rs:3:5`).
    pub location: Option<String>,
    /// The fork harness did not run it, because a test before it hung (the section is the
    /// harness's `not run: test <name> hung before it; fix that first`).
    pub not_run: bool,
}

/// Each failed test, from libtest's `---- <name> stdout ----` sections, or libtest-mimic's
/// `---- <name> ----` (the `support::fork` harness of the exercises, whose sections start with
/// the harness's own explanation, then what the test and its child processes printed).
pub fn failures(stdout: &str) -> BTreeMap<String, FailedTest> {
    let lines: Vec<&str> = stdout.lines().collect();
    let sections = lines.iter().enumerate().filter_map(|(i, line)| {
        let name = line.strip_prefix("---- ")?;
        let (name, harness) = match name.strip_suffix(" stdout ----") {
            Some(name) => (name, false),
            None => (name.strip_suffix(" ----")?, true),
        };
        let name = name.strip_suffix(" - should panic").unwrap_or(name);
        let section: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("---- ") && **l != "failures:")
            .copied()
            .collect();
        Some((name.to_string(), explain(&section, harness)))
    });
    sections.collect()
}

/// The message of each failed test ([`failures`]).
pub fn failure_messages(stdout: &str) -> BTreeMap<String, String> {
    let all = failures(stdout).into_iter();
    all.map(|(name, failed)| (name, failed.message)).collect()
}

/// `thread 'x' (12) panicked at src/lib.rs:3:5:`, followed by the message on the next
/// lines.
fn is_panic(line: &&str) -> bool {
    line.starts_with("thread '") && line.contains("panicked at")
}

/// The fork harness's mark before the panic of a child process the test forked.
fn is_child_mark(line: &&str) -> bool {
    line.starts_with("[in child process ") && line.ends_with(", forked by the test]")
}

/// What std writes after a panic's message, but only after the first panic of a
/// process, when backtraces are off.
const BACKTRACE_NOTE: &str = "note: run with `RUST_BACKTRACE=1`";

/// libtest's note after the output of a `#[should_panic(expected = "...")]` test
/// whose panic did not contain that text; it runs to the end of the test's section.
fn is_expected_note(line: &&str) -> bool {
    let notes = [
        "note: panic did not contain expected string",
        "note: expected panic with string value",
    ];
    notes.iter().any(|n| line.starts_with(n))
}

/// Whether a panic's message ends before `line` (which follows `before`): at std's
/// note or backtrace, the fork harness's mark of a child's panic, libtest's
/// `should_panic` note, or the next panic. A message may hold blank lines, lines
/// starting `note:`, and a line that looks like a panic's first line (a test quoting
/// another thread's panic): std writes a newline before each panic (since early 2025,
/// rust-lang/rust#122565), so the next panic follows a blank line, and a quoted one,
/// inside a message, does not.
fn ends_message(line: &&str, before: &&str) -> bool {
    line.starts_with(BACKTRACE_NOTE)
        || *line == "stack backtrace:"
        || is_child_mark(line)
        || is_expected_note(line)
        || (is_panic(line) && before.trim().is_empty())
}

/// Lines that say something: not blank, not a note, not a backtrace (its frames are
/// indented), not a panic's first line nor the fork harness's mark.
fn words<'a>(lines: &[&'a str]) -> impl Iterator<Item = &'a str> {
    lines
        .iter()
        .filter(|l| !l.trim().is_empty() && !l.starts_with(char::is_whitespace))
        .filter(|l| !l.starts_with("note: ") && **l != "stack backtrace:")
        .filter(|l| !is_panic(l) && !is_child_mark(l))
        .copied()
}

/// One panic in a test's output, as std writes it: a newline, `thread 'x' (12)
/// panicked at <where>:`, the message, then a note (after a process's first panic) or
/// a backtrace.
struct Panic<'a> {
    /// The index of its first line.
    at: usize,
    /// The message, without the blank lines after it.
    message: Vec<&'a str>,
    /// The index of the line after the panic, its note or backtrace included.
    end: usize,
}

/// The panics in `lines`, in order.
fn panics<'a>(lines: &[&'a str]) -> Vec<Panic<'a>> {
    let mut panics = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_panic(&lines[i]) {
            i += 1;
            continue;
        }
        let at = i;
        i += 1;
        while i < lines.len() && !ends_message(&lines[i], &lines[i - 1]) {
            i += 1;
        }
        let mut message = lines[at + 1..i].to_vec();
        while message.last().is_some_and(|l| l.trim().is_empty()) {
            message.pop();
        }
        if lines.get(i).is_some_and(|l| l.starts_with(BACKTRACE_NOTE)) {
            i += 1;
        } else if lines.get(i) == Some(&"stack backtrace:") {
            let frames = lines[i + 1..].iter();
            i += 1 + frames
                .take_while(|l| l.starts_with(char::is_whitespace))
                .count();
            if lines
                .get(i)
                .is_some_and(|l| l.starts_with("note: Some details are omitted"))
            {
                i += 1;
            }
        }
        panics.push(Panic {
            at,
            message,
            end: i,
        });
    }
    panics
}

/// Why a test failed, from its output (`section`); `harness`: the fork harness wrote
/// it.
///
/// The panic shown is the test's own: the last one, not counting those of child
/// processes the test forked (the harness marks them). A spec often provokes panics
/// on purpose (in a child, in a task) before its own assertion fails, and that
/// assertion names the mistake. The fork harness's own words come before what the
/// test printed (a hang, a child that ran on into the test) or after its last panic
/// (children left behind), and are kept.
///
/// For a `#[should_panic(expected = "...")]` test whose panic did not contain that
/// text, the message is libtest's note saying so, which quotes both texts.
fn explain(section: &[&str], harness: bool) -> FailedTest {
    let panics = panics(section);
    let is_childs = |p: &&Panic| {
        let before = section[..p.at].iter().rev().find(|l| !l.trim().is_empty());
        before.is_some_and(is_child_mark)
    };
    let own = panics.iter().rev().find(|p| !is_childs(p));
    let (mut before, mut after) = (Vec::new(), Vec::new());
    if harness {
        let first = section.iter().position(|l| is_panic(l) || is_child_mark(l));
        before = words(&section[..first.unwrap_or(section.len())]).collect();
        if let Some(last) = panics.last() {
            after = words(&section[last.end..]).collect();
        }
    }
    let no_words = before.is_empty() && after.is_empty();
    let shown = own.or(panics.last().filter(|_| no_words));
    let expected = section.iter().position(is_expected_note).map(|i| {
        let note = section[i..].iter().take_while(|l| !l.trim().is_empty());
        note.copied().collect::<Vec<_>>()
    });
    let panic = expected.or(shown.map(|p| p.message.clone()));
    let mut message: Vec<&str> = before
        .into_iter()
        .chain(panic.unwrap_or_default())
        .chain(after)
        .collect();
    if message.is_empty() {
        message = section
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
    }
    let location = shown.and_then(|p| {
        let (_, at) = section[p.at].split_once("panicked at ")?;
        Some(at.trim_end_matches(':').to_string())
    });
    let not_run =
        harness && message.first().is_some_and(|l| l.starts_with("not run: "));
    FailedTest {
        message: message.join("\n"),
        location,
        not_run,
    }
}

/// Each failed test in *merged* output (stdout and stderr in the order written), for test
/// binaries that print no `---- <name> stdout ----` sections: a `harness = false` spec runner
/// that lets each test's panic go to stderr, just before the test's `test <name> ... FAILED`
/// line. The message is the last panic printed since the previous result line (a test may
/// provoke panics on purpose before its own assertion fails), or, if nothing panicked, the
/// lines printed there (for example "did not finish within 5s").
pub fn inline_failures(merged: &str) -> BTreeMap<String, FailedTest> {
    let mut out = BTreeMap::new();
    let mut since_last: Vec<&str> = Vec::new();
    for line in merged.lines() {
        match parse_results(line).pop() {
            None if line.starts_with("running ") => since_last.clear(),
            None => since_last.push(line),
            Some(result) => {
                let failed = explain(&since_last, false);
                if result.outcome == Outcome::Failed && !failed.message.is_empty() {
                    out.insert(result.name, failed);
                }
                since_last.clear();
            }
        }
    }
    out
}

/// The message of each failed test in merged output ([`inline_failures`]).
pub fn inline_failure_messages(merged: &str) -> BTreeMap<String, String> {
    let all = inline_failures(merged).into_iter();
    all.map(|(name, failed)| (name, failed.message)).collect()
}

#[cfg(test)]
mod tests;
