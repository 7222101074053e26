//! Reading libtest's human output: the `test <name> ... ok|FAILED` lines, `--list`, and the panic
//! message of each failed test.

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
/// with spaces to one width).
pub fn parse_results(stdout: &str) -> Vec<TestResult> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^test (.+?)( - should panic)? +\.\.\. (ok|FAILED|ignored(?:,.*)?)\s*?$")
            .expect("static regex")
    });
    LINE.captures_iter(stdout)
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

/// The panic message of each failed test, from libtest's `---- <name> stdout ----` sections
/// (libtest-mimic, behind `support::fork`, writes `---- <name> ----`).
pub fn failure_messages(stdout: &str) -> BTreeMap<String, String> {
    let lines: Vec<&str> = stdout.lines().collect();
    let sections = lines.iter().enumerate().filter_map(|(i, line)| {
        let name = line.strip_prefix("---- ")?;
        let name = name
            .strip_suffix(" stdout ----")
            .or_else(|| name.strip_suffix(" ----"))?;
        let name = name.strip_suffix(" - should panic").unwrap_or(name);
        let section: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("---- ") && **l != "failures:")
            .copied()
            .collect();
        Some((name.to_string(), panic_message(&section)))
    });
    sections.collect()
}

/// `thread 'x' panicked at src/lib.rs:3:5:`, followed by the message on the next lines.
fn is_panic(line: &&str) -> bool {
    line.starts_with("thread '") && line.contains("panicked at")
}

/// The line after a panic message: a blank line, a note, a backtrace or the next panic.
fn ends_message(line: &&str) -> bool {
    let notes = ["note: ", "stack backtrace:"];
    line.is_empty() || is_panic(line) || notes.iter().any(|n| line.starts_with(n))
}

/// The message of the first panic in a test's captured output, or the output itself.
fn panic_message(section: &[&str]) -> String {
    let after_panic = section.iter().skip_while(|l| !is_panic(l)).skip(1);
    let mut message: Vec<&str> = after_panic
        .take_while(|l| !ends_message(l))
        .copied()
        .collect();
    if message.is_empty() {
        message = section
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect();
    }
    message.join("\n")
}

/// The message of each failed test in *merged* output (stdout and stderr in the order written),
/// for test binaries that print no `---- <name> stdout ----` sections: the `harness = false`
/// spec runner of chapters 03 and 04 lets each test's panic go to stderr, just before the test's
/// `test <name> ... FAILED` line. The message is the last panic printed since the previous
/// result line (a test may provoke panics on purpose before its own assertion fails), or, if
/// nothing panicked, the lines printed there (for example "did not finish within 5s").
pub fn inline_failure_messages(merged: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut since_last: Vec<&str> = Vec::new();
    for line in merged.lines() {
        match parse_results(line).pop() {
            None if line.starts_with("running ") => since_last.clear(),
            None => since_last.push(line),
            Some(result) => {
                let last_panic = since_last.iter().rposition(is_panic).unwrap_or(0);
                let message = panic_message(&since_last[last_panic..]);
                if result.outcome == Outcome::Failed && !message.is_empty() {
                    out.insert(result.name, message);
                }
                since_last.clear();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 4 tests
test returns_value ... ok
test measures_time ... FAILED
test panics_on_zero - should panic ... ok
test slow_one ... ignored, needs a quiet machine
test with ... dots ... in name ... FAILED

failures:

---- measures_time stdout ----

thread 'measures_time' panicked at src/lib.rs:12:5:
not yet implemented: measure how long f takes
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- with ... dots ... in name stdout ----
thread 'with ... dots ... in name' panicked at tests/spec.rs:20:9:
assertion `left == right` failed
  left: 1
 right: 2


failures:
    measures_time

test result: FAILED. 2 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn parses_results() {
        let results = parse_results(OUTPUT);
        let summary: Vec<(&str, Outcome, bool)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.outcome, r.should_panic))
            .collect();
        assert_eq!(
            summary,
            [
                ("returns_value", Outcome::Ok, false),
                ("measures_time", Outcome::Failed, false),
                ("panics_on_zero", Outcome::Ok, true),
                ("slow_one", Outcome::Ignored, false),
                ("with ... dots ... in name", Outcome::Failed, false),
            ]
        );
    }

    #[test]
    fn parses_padded_names_and_ignores_other_lines() {
        let results = parse_results(
            "test a      ... ok\ntest b - should panic ... FAILED\r\ntest c... ok\ntest d ... okay\n",
        );
        assert_eq!(results.len(), 2, "{results:?}");
        assert_eq!(
            (results[0].name.as_str(), results[0].outcome),
            ("a", Outcome::Ok)
        );
        assert_eq!(
            (results[1].name.as_str(), results[1].should_panic),
            ("b", true)
        );
        assert_eq!(results[1].outcome, Outcome::Failed);
    }

    #[test]
    fn extracts_panic_messages() {
        let messages = failure_messages(OUTPUT);
        assert_eq!(
            messages["measures_time"],
            "not yet implemented: measure how long f takes"
        );
        assert_eq!(
            messages["with ... dots ... in name"],
            "assertion `left == right` failed\n  left: 1\n right: 2"
        );
    }

    #[test]
    fn parses_lists() {
        assert_eq!(
            parse_list("a::b: test\nc: test\n\n2 tests, 0 benchmarks\n"),
            ["a::b", "c"]
        );
    }
}
