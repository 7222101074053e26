//! Reading libtest's human output: the `test <name> ... ok|FAILED` lines, `--list`, and the panic
//! message of each failed test.

use std::collections::BTreeMap;

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

/// Parses libtest's `test <name> ... ok|FAILED|ignored` lines.
pub fn parse_results(stdout: &str) -> Vec<TestResult> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, outcome) = rest.rsplit_once(" ... ")?;
            let name = name.trim_end(); // libtest-mimic pads names to one width
            let outcome = match outcome.trim() {
                "ok" => Outcome::Ok,
                "FAILED" => Outcome::Failed,
                o if o == "ignored" || o.starts_with("ignored,") => Outcome::Ignored,
                _ => return None,
            };
            let (name, should_panic) = match name.strip_suffix(" - should panic") {
                Some(n) => (n, true),
                None => (name, false),
            };
            Some(TestResult {
                name: name.to_string(),
                outcome,
                should_panic,
            })
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
    let mut out = BTreeMap::new();
    let mut lines = stdout.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("---- ").and_then(|l| {
            l.strip_suffix(" stdout ----")
                .or_else(|| l.strip_suffix(" ----"))
        }) else {
            continue;
        };
        let name = name.strip_suffix(" - should panic").unwrap_or(name);
        let mut section = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("---- ") || *next == "failures:" {
                break;
            }
            section.push(lines.next().unwrap_or_default());
        }
        out.insert(name.to_string(), panic_message(&section));
    }
    out
}

/// The message of the first panic in a test's captured output, or the output itself.
fn panic_message(section: &[&str]) -> String {
    let mut message = Vec::new();
    let mut in_panic = false;
    for line in section {
        if line.starts_with("thread '") && line.contains("panicked at") {
            if in_panic {
                break;
            }
            // `thread 'x' panicked at src/lib.rs:3:5:` then the message on the next lines.
            in_panic = true;
            continue;
        }
        if in_panic {
            if line.is_empty() || line.starts_with("note: ") || line.starts_with("stack backtrace:")
            {
                break;
            }
            message.push(*line);
        }
    }
    if message.is_empty() {
        section
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        message.join("\n")
    }
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
        if line.starts_with("running ") {
            since_last.clear();
            continue;
        }
        let Some(result) = parse_results(line).pop() else {
            since_last.push(line);
            continue;
        };
        if result.outcome == Outcome::Failed {
            let last_panic = since_last
                .iter()
                .rposition(|l| l.starts_with("thread '") && l.contains("panicked at"))
                .unwrap_or(0);
            let message = panic_message(&since_last[last_panic..]);
            if !message.is_empty() {
                out.insert(result.name, message);
            }
        }
        since_last.clear();
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
