//! The grades as a table (Markdown), CSV and JUnit XML.

use crate::grade::{Outcome, Report, TestGrade};
use anyhow::{Context, Result};
use project_model::project::short_name;
use std::fmt::Write as _;
use std::path::Path;

impl Report {
    /// How many tests each submission could pass.
    pub fn max_points(&self) -> usize {
        self.submissions.first().map_or(0, |s| s.tests.len())
    }

    /// The per-test table (one column per student, a points row), then one line per student and
    /// exercise that did not pass, with the first failing test's message.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = write!(s, "| {} |", self.chapter);
        for sub in &self.submissions {
            let _ = write!(s, " {} |", sub.name);
        }
        s.push_str("\n|---|");
        s.push_str(&"---|".repeat(self.submissions.len()));
        s.push('\n');
        let Some(first) = self.submissions.first() else {
            return s;
        };
        for (i, t) in first.tests.iter().enumerate() {
            let _ = write!(s, "| {} `{}` |", short_name(&t.exercise), t.test);
            for sub in &self.submissions {
                let _ = write!(s, " {} |", sub.tests[i].outcome.label());
            }
            s.push('\n');
        }
        s.push_str("| **points** |");
        for sub in &self.submissions {
            let _ = write!(s, " **{}/{}** |", sub.points(), sub.tests.len());
        }
        s.push_str("\n\n");
        for sub in &self.submissions {
            let mut by_exercise: Vec<(&str, usize, &TestGrade)> = Vec::new();
            for t in sub.tests.iter().filter(|t| t.outcome != Outcome::Passed) {
                match by_exercise.iter_mut().find(|(e, _, _)| *e == t.exercise) {
                    Some(entry) => entry.1 += 1,
                    None => by_exercise.push((&t.exercise, 1, t)),
                }
            }
            for (exercise, count, t) in by_exercise {
                let _ = writeln!(
                    s,
                    "- {}, {}: {} of {} not passed; `{}`: {}",
                    sub.name,
                    short_name(exercise),
                    count,
                    sub.tests.iter().filter(|x| x.exercise == exercise).count(),
                    t.test,
                    t.message
                );
            }
        }
        for sub in self.submissions.iter().filter(|s| !s.differs.is_empty()) {
            let _ = writeln!(
                s,
                "- {}: differs from the template (graded with the template's): {}",
                sub.name,
                sub.differs.join(", ")
            );
        }
        if self.template.is_none() {
            s.push_str(
                "\nGraded with each submission's own specs, classroom.toml and workflow \
                 (`--template <export>` grades with yours).\n",
            );
        }
        s
    }

    /// One row per student and test: `student,exercise,test,outcome,points,message`.
    pub fn csv(&self) -> String {
        let mut s = String::from("student,exercise,test,outcome,points,message\n");
        for sub in &self.submissions {
            for t in &sub.tests {
                let points = usize::from(t.outcome == Outcome::Passed);
                let _ = writeln!(
                    s,
                    "{},{},{},{},{},{}",
                    csv_field(&sub.name),
                    csv_field(&t.exercise),
                    csv_field(&t.test),
                    t.outcome.label(),
                    points,
                    csv_field(&t.message)
                );
            }
        }
        s
    }

    /// JUnit XML: one `<testsuite>` per student, one `<testcase>` per spec test; a failed test
    /// has a `<failure>`, a hung, unbuilt or result-less one an `<error>`.
    pub fn junit(&self) -> String {
        let failed = |t: &&TestGrade| t.outcome == Outcome::Failed;
        let errored =
            |t: &&TestGrade| !matches!(t.outcome, Outcome::Failed | Outcome::Passed);
        let all = || self.submissions.iter().flat_map(|x| &x.tests);
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            xml(&self.chapter),
            all().count(),
            all().filter(failed).count(),
            all().filter(errored).count()
        );
        for sub in &self.submissions {
            let _ = writeln!(
                s,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
                xml(&sub.name),
                sub.tests.len(),
                sub.tests.iter().filter(failed).count(),
                sub.tests.iter().filter(errored).count()
            );
            for t in &sub.tests {
                let _ = write!(
                    s,
                    "    <testcase classname=\"{}.{}\" name=\"{}\"",
                    xml(&sub.name),
                    xml(&t.exercise),
                    xml(&t.test)
                );
                match t.outcome {
                    Outcome::Passed => s.push_str("/>\n"),
                    o => {
                        let tag = if o == Outcome::Failed {
                            "failure"
                        } else {
                            "error"
                        };
                        let _ = writeln!(
                            s,
                            ">\n      <{tag} type=\"{}\" message=\"{}\"/>\n    </testcase>",
                            o.label(),
                            xml(&t.message)
                        );
                    }
                }
            }
            s.push_str("  </testsuite>\n");
        }
        s.push_str("</testsuites>\n");
        s
    }

    /// Writes `grades.md`, `grades.csv` and `grades.xml` into `out` (created if missing).
    pub fn write(&self, out: &Path) -> Result<()> {
        std::fs::create_dir_all(out)
            .with_context(|| format!("creating {}", out.display()))?;
        std::fs::write(out.join("grades.md"), self.markdown())?;
        std::fs::write(out.join("grades.csv"), self.csv())?;
        std::fs::write(out.join("grades.xml"), self.junit())?;
        Ok(())
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .fold(String::new(), |mut out, c| {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                '\n' => out.push_str("&#10;"),
                c => out.push(c),
            }
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::Submission;
    use std::path::PathBuf;

    fn report() -> Report {
        let t = |test: &str, outcome, message: &str| TestGrade {
            exercise: "ch01-ex01-timed".into(),
            test: test.into(),
            outcome,
            message: message.into(),
        };
        Report {
            chapter: "ch01-sequential".into(),
            submissions: vec![
                Submission {
                    name: "alice".into(),
                    dir: PathBuf::new(),
                    differs: Vec::new(),
                    tests: vec![
                        t("a", Outcome::Passed, ""),
                        t("b", Outcome::Passed, ""),
                    ],
                },
                Submission {
                    name: "bob".into(),
                    dir: PathBuf::new(),
                    differs: Vec::new(),
                    tests: vec![
                        t("a", Outcome::Failed, "expected \"3\", got <4>, & more"),
                        t("b", Outcome::Hung, "no result"),
                    ],
                },
            ],
            template: None,
        }
    }

    #[test]
    fn the_table_csv_and_junit_agree() {
        let r = report();
        let md = r.markdown();
        assert!(md.contains("| ch01-ex01 `a` | pass | FAIL |"), "{md}");
        assert!(md.contains("| **points** | **2/2** | **0/2** |"), "{md}");
        let csv = r.csv();
        assert!(
            csv.contains(
                "bob,ch01-ex01-timed,a,FAIL,0,\"expected \"\"3\"\", got <4>, & more\""
            ),
            "{csv}"
        );
        let xml = r.junit();
        assert!(
            xml.contains("tests=\"4\" failures=\"1\" errors=\"1\""),
            "{xml}"
        );
        assert!(
            xml.contains(
                "message=\"expected &quot;3&quot;, got &lt;4&gt;, &amp; more\""
            ),
            "{xml}"
        );
    }
}
