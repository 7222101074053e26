//! CPython rows in the benchmark tables (CONTRIBUTING.md, "Benchmarks", has the format). The
//! scripts a chapter declares under `[package.metadata.course.python-bench]` run in bench mode
//! after criterion and before the second calibration, printing one JSON row per line; every
//! variant starts with `CPython `. The rows are kept beside criterion's results
//! (`target/criterion/<chapter>/python-rows.json`) so that `--report-only` can re-render them.

use crate::services::criterion::Measurement;
use crate::services::report::slugify;
use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};

/// The file beside criterion's results that keeps the CPython rows of the last run.
pub const ROWS_FILE: &str = "python-rows.json";

/// The prefix every CPython variant name starts with.
pub const PREFIX: &str = "CPython ";

/// One line a script prints in bench mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonRow {
    pub group: String,
    pub variant: String,
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
    pub samples: u32,
}

impl PythonRow {
    /// The row as a measurement of its group (no criterion function id).
    pub fn measurement(&self) -> Measurement {
        Measurement {
            group: self.group.clone(),
            variant: self.variant.clone(),
            function: None,
            median_ns: self.median_ns,
            spread_ns: Some((self.min_ns, self.max_ns)),
        }
    }

    fn check(&self) -> Result<()> {
        let (min, median, max) = (self.min_ns, self.median_ns, self.max_ns);
        ensure!(!self.group.trim().is_empty(), "empty `group`");
        ensure!(
            self.variant.starts_with(PREFIX) && self.variant.len() > PREFIX.len(),
            "variant `{}` must start with `{PREFIX}` (e.g. `CPython Pool(2)`), so that it reads apart from the Rust rows",
            self.variant
        );
        ensure!(
            [min, median, max].iter().all(|v| v.is_finite() && *v > 0.0),
            "times must be positive numbers of nanoseconds"
        );
        ensure!(
            min <= median && median <= max,
            "expected min_ns <= median_ns <= max_ns, got {min} <= {median} <= {max}"
        );
        ensure!(self.samples > 0, "`samples` must be at least 1");
        Ok(())
    }
}

/// What is kept of one run's CPython rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PythonRun {
    /// `python3 --version`, e.g. `Python 3.11.7`.
    pub python: String,
    pub rows: Vec<PythonRow>,
}

impl PythonRun {
    /// The rows kept in `home`, if the last run had any.
    pub fn read(home: &Path) -> Result<Option<PythonRun>> {
        crate::services::files::read_json(&home.join(ROWS_FILE))
    }

    pub fn write(&self, home: &Path) -> Result<()> {
        crate::services::files::write_json(&home.join(ROWS_FILE), self)
    }
}

/// Parses a script's bench-mode stdout: one JSON row per non-blank line.
pub fn parse_rows(script: &str, stdout: &str) -> Result<Vec<PythonRow>> {
    let lines = stdout.lines().enumerate();
    let rows = lines.filter(|(_, line)| !line.trim().is_empty());
    let rows = rows.map(|(i, line)| {
        let at = format!("`{script}`, line {} of its output: `{}`", i + 1, line.trim());
        let row: PythonRow = serde_json::from_str(line).with_context(|| {
            format!("{at}: expected {{\"group\", \"variant\", \"median_ns\", \"min_ns\", \"max_ns\", \"samples\"}} (see CONTRIBUTING.md, \"Benchmarks\")")
        })?;
        row.check().context(at)?;
        Ok(row)
    });
    let rows = rows.collect::<Result<Vec<_>>>()?;
    ensure!(
        !rows.is_empty(),
        "`{script}` printed no benchmark rows (does it support bench mode?)"
    );
    Ok(rows)
}

/// Appends the CPython rows to criterion's measurements. A row whose group and variant are
/// already taken is an error (two results would compete for one anchor).
pub fn merge(
    mut measured: Vec<Measurement>,
    rows: &[PythonRow],
) -> Result<Vec<Measurement>> {
    let slug = |m: &Measurement| (slugify(&m.group), slugify(&m.variant));
    for m in rows.iter().map(PythonRow::measurement) {
        ensure!(
            !measured.iter().any(|other| slug(other) == slug(&m)),
            "two benchmarks are named `{}` in group `{}` (after slugifying): rename one",
            m.variant,
            m.group
        );
        measured.push(m);
    }
    Ok(measured)
}

/// Runs each declared script in `crate_dir` and collects its rows (stderr passes through), with
/// `python3 --version`.
pub fn run_scripts(crate_dir: &Path, scripts: &[String]) -> Result<PythonRun> {
    let version = Command::new("python3")
        .arg("--version")
        .output()
        .context("running `python3 --version` (is python3 installed?)")?;
    ensure!(
        version.status.success(),
        "`python3 --version` failed ({})",
        version.status
    );
    let mut rows = Vec::new();
    for script in scripts {
        let mut words = script.split_whitespace();
        let Some(file) = words.next() else {
            bail!("an empty entry in [package.metadata.course.python-bench] scripts");
        };
        ensure!(
            crate_dir.join(file).is_file(),
            "[package.metadata.course.python-bench] names `{file}`, but {} has no such file",
            crate_dir.display()
        );
        println!("running python3 {script}...");
        let out = Command::new("python3")
            .arg(file)
            .args(words)
            .current_dir(crate_dir)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("running `python3 {script}`"))?;
        ensure!(
            out.status.success(),
            "`python3 {script}` failed ({})",
            out.status
        );
        rows.extend(parse_rows(script, &String::from_utf8_lossy(&out.stdout))?);
    }
    let python = String::from_utf8_lossy(&version.stdout).trim().to_string();
    Ok(PythonRun { python, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"group": "round-trip", "variant": "CPython Pool(2)", "median_ns": 80000.0, "min_ns": 79000, "max_ns": 90000.5, "samples": 20}"#;

    #[test]
    fn bench_lines_parse_into_rows() {
        let rows =
            parse_rows("python/round_trip.py --bench-json", &format!("{LINE}\n\n"))
                .unwrap();
        assert_eq!(
            rows,
            [PythonRow {
                group: "round-trip".into(),
                variant: "CPython Pool(2)".into(),
                median_ns: 80000.0,
                min_ns: 79000.0,
                max_ns: 90000.5,
                samples: 20,
            }]
        );
        let m = rows[0].measurement();
        assert_eq!(m.spread_ns, Some((79000.0, 90000.5)));
        assert_eq!(m.function, None);
    }

    #[test]
    fn bad_lines_are_errors_that_name_the_script_and_the_rule() {
        let err = |out: &str| {
            format!(
                "{:#}",
                parse_rows("python/x.py --bench-json", out).unwrap_err()
            )
        };
        let e = err("hello\n");
        assert!(e.contains("`python/x.py --bench-json`, line 1"), "{e}");
        assert!(e.contains("CONTRIBUTING.md"), "{e}");
        let e = err(&LINE.replace("CPython Pool(2)", "Pool(2)"));
        assert!(e.contains("must start with `CPython `"), "{e}");
        let e = err(&LINE.replace("79000", "95000"));
        assert!(e.contains("min_ns <= median_ns <= max_ns"), "{e}");
        let e = err(&LINE.replace("\"samples\": 20", "\"samples\": 0"));
        assert!(e.contains("at least 1"), "{e}");
        let e = err(&LINE.replace("\"samples\"", "\"runs\""));
        assert!(e.contains("line 1"), "{e}");
        let e = err("\n");
        assert!(e.contains("printed no benchmark rows"), "{e}");
    }

    #[test]
    fn rows_merge_after_criterion_and_collisions_are_errors() {
        let rust = Measurement {
            group: "round-trip".into(),
            variant: "thread pool".into(),
            function: Some("thread pool".into()),
            median_ns: 10_000.0,
            spread_ns: None,
        };
        let rows = parse_rows("s", LINE).unwrap();
        let merged = merge(vec![rust.clone()], &rows).unwrap();
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0], rust);
        assert_eq!(merged[1].variant, "CPython Pool(2)");
        let err = merge(merged, &rows).unwrap_err().to_string();
        assert!(err.contains("two benchmarks are named"), "{err}");
    }

    #[test]
    fn the_rows_round_trip_beside_criterion_results() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(PythonRun::read(dir.path()).unwrap(), None);
        let run = PythonRun {
            python: "Python 3.11.7".into(),
            rows: parse_rows("s", LINE).unwrap(),
        };
        run.write(dir.path()).unwrap();
        assert_eq!(PythonRun::read(dir.path()).unwrap(), Some(run));
    }
}
