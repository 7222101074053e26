//! `cargo course capture`: run a chapter's examples and Python scripts and write what they print
//! into `book/<chapter>/output/<name>.txt`, the files the book includes as program output.
//!
//! Each file starts with the command a reader would type (`$ cargo run --release -p ch01-sequential
//! --example ch01-01-sequential`), followed by the program's stdout, then its stderr if any. A run
//! that fails (non-zero exit, killed, timed out) writes nothing: the committed file stays as it was.
//!
//! A chapter's `Cargo.toml` can ask for more or fewer runs:
//!
//! ```toml
//! [package.metadata.course.capture]
//! skip = ["ch02-09-slow"]          # examples or script stems not to run
//! extra = [                         # runs beyond the plain release run of each example
//!   { name = "ch01-01-sequential.debug", example = "ch01-01-sequential", profile = "dev" },
//! ]
//! ```

use crate::libtest;
use crate::libtest::cargo;
use crate::project::{Chapter, Project};
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// What one capture runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// `cargo run [--release | --profile P] -p <package> --example <example> [-- args]`.
    Example {
        package: String,
        example: String,
        profile: String,
        args: Vec<String>,
    },
    /// `python3 crates/<chapter>/python/<file>`.
    Python { script: String },
}

/// One capture: a program and the file stem its output is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub name: String,
    pub program: Program,
}

impl Run {
    /// The command shown on the file's first line, as a reader would type it (without `-q`).
    pub fn shown_command(&self) -> String {
        match &self.program {
            Program::Example {
                package,
                example,
                profile,
                args,
            } => {
                let mut line = String::from("cargo run");
                match profile.as_str() {
                    "release" => line.push_str(" --release"),
                    "dev" => {}
                    other => {
                        let _ = write!(line, " --profile {other}");
                    }
                }
                let _ = write!(line, " -p {package} --example {example}");
                if !args.is_empty() {
                    let _ = write!(line, " -- {}", args.join(" "));
                }
                line
            }
            Program::Python { script } => format!("python3 {script}"),
        }
    }

    /// The command actually run, from the project's root.
    pub fn command(&self, project: &Project) -> Command {
        let mut cmd = match &self.program {
            Program::Example {
                package,
                example,
                profile,
                args,
            } => {
                let mut cmd = cargo();
                cmd.args(["run", "-q"]);
                cmd.args(profile_args(profile));
                cmd.args(["-p", package, "--example", example]);
                if !args.is_empty() {
                    cmd.arg("--").args(args);
                }
                cmd
            }
            Program::Python { script } => {
                let mut cmd = Command::new("python3");
                cmd.arg(script).env("PYTHONDONTWRITEBYTECODE", "1");
                cmd
            }
        };
        cmd.current_dir(&project.root);
        cmd
    }
}

fn profile_args(profile: &str) -> Vec<String> {
    match profile {
        "release" => vec!["--release".into()],
        "dev" => Vec::new(),
        other => vec!["--profile".into(), other.into()],
    }
}

/// The file names in `dir` ending in `.ext`, without it, sorted.
fn stems(dir: &Path, ext: &str) -> Result<Vec<String>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let path = entry.path();
        if path.is_file()
            && path.extension().is_some_and(|e| e == ext)
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Everything `capture` runs for a chapter, in order: each example (by name), the extra runs,
/// then each Python script (by name), minus the skipped ones.
pub fn plan(project: &Project, chapter: &Chapter) -> Result<Vec<Run>> {
    let crate_dir = project.path("crates").join(&chapter.name);
    let meta = project.course_metadata(chapter)?;
    let capture = meta.capture;
    let skip: BTreeSet<&str> = capture
        .skip
        .iter()
        .chain(&meta.capture_skip)
        .map(String::as_str)
        .collect();
    let examples = stems(&crate_dir.join("examples"), "rs")?;
    let scripts = stems(&crate_dir.join("python"), "py")?;
    let manifest = format!("crates/{}/Cargo.toml", chapter.name);

    for name in &skip {
        if !examples.iter().chain(&scripts).any(|n| n == name) {
            bail!(
                "{manifest}: capture skips `{name}`, which is neither an example nor a Python script of {chapter}. Known: {}",
                known(&examples, &scripts)
            );
        }
    }

    let mut runs = Vec::new();
    for example in &examples {
        if !skip.contains(example.as_str()) {
            runs.push(Run {
                name: example.clone(),
                program: Program::Example {
                    package: chapter.name.clone(),
                    example: example.clone(),
                    profile: "release".into(),
                    args: Vec::new(),
                },
            });
        }
    }
    for extra in &capture.extra {
        if !examples.contains(&extra.example) {
            bail!(
                "{manifest}: capture extra `{}` runs example `{}`, which does not exist. Examples: {}",
                extra.name,
                extra.example,
                if examples.is_empty() {
                    "none".into()
                } else {
                    examples.join(", ")
                }
            );
        }
        if extra.name.is_empty() || extra.name.contains(['/', '\\']) || extra.name.starts_with('.')
        {
            bail!(
                "{manifest}: capture extra name `{}` is not a plain file stem",
                extra.name
            );
        }
        runs.push(Run {
            name: extra.name.clone(),
            program: Program::Example {
                package: chapter.name.clone(),
                example: extra.example.clone(),
                profile: extra.profile.clone(),
                args: extra.args.clone(),
            },
        });
    }
    for script in &scripts {
        if !skip.contains(script.as_str()) {
            runs.push(Run {
                name: script.clone(),
                program: Program::Python {
                    script: format!("crates/{}/python/{script}.py", chapter.name),
                },
            });
        }
    }

    let mut seen = BTreeSet::new();
    for run in &runs {
        if !seen.insert(run.name.as_str()) {
            bail!(
                "{manifest}: two captures write output/{}.txt (an example and a Python script, or an extra run, share the name)",
                run.name
            );
        }
    }
    Ok(runs)
}

fn known(examples: &[String], scripts: &[String]) -> String {
    let all: Vec<&str> = examples.iter().chain(scripts).map(String::as_str).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// The text of an output file: the command line, stdout, then stderr, each ending in a newline.
pub fn render(shown_command: &str, stdout: &str, stderr: &str) -> String {
    let mut text = format!("$ {shown_command}\n");
    for part in [stdout, stderr] {
        if !part.is_empty() {
            text.push_str(part);
            if !part.ends_with('\n') {
                text.push('\n');
            }
        }
    }
    text
}

/// Runs one capture and writes its file into `<out>/<chapter>/output/`. On failure nothing is
/// written and the error carries the program's stderr.
pub fn capture_one(
    project: &Project,
    chapter: &Chapter,
    run: &Run,
    out: &Path,
    limit: Duration,
) -> Result<PathBuf> {
    let timeline = crate::timeline::prepare(&project.root, &chapter.name, &run.name)?;
    let mut command = run.command(project);
    command.env(workloads::timeline::ENV, &timeline);
    let done = libtest::run_with_timeout(&mut command, limit)?;
    let shown = run.shown_command();
    match done.status {
        None => bail!(
            "`{shown}` was killed after {} s (use --timeout to allow longer){}",
            limit.as_secs(),
            stderr_block(&done.stderr)
        ),
        Some(status) if !status.success() => {
            bail!("`{shown}` failed ({status}){}", stderr_block(&done.stderr))
        }
        Some(_) => {}
    }
    let path = out
        .join(&chapter.name)
        .join("output")
        .join(format!("{}.txt", run.name));
    crate::files::write_atomically(&path, render(&shown, &done.stdout, &done.stderr))?;
    let cpython = matches!(run.program, Program::Python { .. });
    crate::timeline::after_capture(&timeline, &path, &run.name, cpython)?;
    Ok(path)
}

fn stderr_block(stderr: &str) -> String {
    let stderr = stderr.trim_end();
    if stderr.is_empty() {
        ", with nothing on stderr".into()
    } else {
        let lines: Vec<String> = stderr.lines().map(|l| format!("    {l}")).collect();
        format!(", stderr:\n{}", lines.join("\n"))
    }
}

/// Compiles the chapter's examples once per profile, with cargo's progress shown, so that each
/// `cargo run -q` afterwards only runs (and a compile error shows up once, in full).
fn prebuild(project: &Project, chapter: &Chapter, runs: &[Run]) -> Result<()> {
    let profiles: BTreeSet<&str> = runs
        .iter()
        .filter_map(|r| match &r.program {
            Program::Example { profile, .. } => Some(profile.as_str()),
            Program::Python { .. } => None,
        })
        .collect();
    for profile in profiles {
        println!("building {chapter} examples ({profile} profile)...");
        let status = cargo()
            .arg("build")
            .args(profile_args(profile))
            .args(["-p", &chapter.name, "--examples"])
            .current_dir(&project.root)
            .status()
            .context("starting cargo")?;
        if !status.success() {
            bail!("the examples of {chapter} do not build ({profile} profile)");
        }
    }
    Ok(())
}

/// `cargo course capture [chapter] [--out DIR]`: every chapter with a crate if none is named.
pub fn run(
    project: &Project,
    chapter: Option<&str>,
    out: Option<&Path>,
    limit: Duration,
) -> Result<()> {
    let named = chapter.is_some();
    let chapters = project.chapters_or_all(chapter)?;
    let out = out.map_or_else(|| project.path("book"), Path::to_path_buf);
    let mut written = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for ch in &chapters {
        if !project.path("crates").join(&ch.name).is_dir() {
            if named {
                bail!(
                    "{ch} has no crate at crates/{}: nothing to capture",
                    ch.name
                );
            }
            continue;
        }
        let runs = plan(project, ch)?;
        if runs.is_empty() {
            println!("capturing {ch}: no examples or Python scripts");
            continue;
        }
        if let Err(e) = prebuild(project, ch, &runs) {
            failures.push(format!("{e:#}"));
            println!("capturing {ch}: skipped, its examples do not build");
            continue;
        }
        for r in &runs {
            print!("capturing {ch}: {} ... ", r.name);
            let _ = std::io::stdout().flush();
            let started = Instant::now();
            match capture_one(project, ch, r, &out, limit) {
                Ok(path) => {
                    written += 1;
                    let shown = path.strip_prefix(&project.root).unwrap_or(&path);
                    println!(
                        "ok ({:.1} s) -> {}",
                        started.elapsed().as_secs_f64(),
                        shown.display()
                    );
                }
                Err(e) => {
                    println!("FAILED");
                    println!("  {e:#}");
                    failures.push(format!("{ch}: {}", r.name));
                }
            }
        }
    }
    println!(
        "capture: {written} file{} written, {} failed",
        if written == 1 { "" } else { "s" },
        failures.len()
    );
    if !failures.is_empty() {
        bail!(
            "{} capture{} failed (their files were left unchanged):\n  {}",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            failures.join("\n  ")
        );
    }
    if written == 0 {
        bail!("nothing to capture: no chapter crate has examples or Python scripts");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{ExtraRun, parse_course_metadata};

    fn example(name: &str, profile: &str) -> Run {
        Run {
            name: name.into(),
            program: Program::Example {
                package: "ch01-sequential".into(),
                example: "ch01-01-sequential".into(),
                profile: profile.into(),
                args: Vec::new(),
            },
        }
    }

    #[test]
    fn shown_commands_match_the_committed_files() {
        assert_eq!(
            example("ch01-01-sequential", "release").shown_command(),
            "cargo run --release -p ch01-sequential --example ch01-01-sequential"
        );
        assert_eq!(
            example("ch01-01-sequential.debug", "dev").shown_command(),
            "cargo run -p ch01-sequential --example ch01-01-sequential"
        );
        assert_eq!(
            example("x", "bench").shown_command(),
            "cargo run --profile bench -p ch01-sequential --example ch01-01-sequential"
        );
        let py = Run {
            name: "cores".into(),
            program: Program::Python {
                script: "crates/ch01-sequential/python/cores.py".into(),
            },
        };
        assert_eq!(
            py.shown_command(),
            "python3 crates/ch01-sequential/python/cores.py"
        );
    }

    #[test]
    fn rendered_files_end_in_one_newline_with_stderr_after_stdout() {
        assert_eq!(render("cmd", "a\nb\n", ""), "$ cmd\na\nb\n");
        assert_eq!(render("cmd", "a", ""), "$ cmd\na\n");
        assert_eq!(render("cmd", "out\n", "err"), "$ cmd\nout\nerr\n");
        assert_eq!(render("cmd", "", ""), "$ cmd\n");
    }

    #[test]
    fn capture_metadata_parses_extra_runs_and_skips() {
        let meta = parse_course_metadata(
            r#"
            [package]
            name = "ch01-sequential"
            [package.metadata.course.capture]
            skip = ["ch01-09-slow"]
            extra = [{ name = "ch01-01-sequential.debug", example = "ch01-01-sequential", profile = "dev" }]
            "#,
        )
        .unwrap();
        assert_eq!(meta.capture.skip, ["ch01-09-slow"]);
        assert_eq!(
            meta.capture.extra,
            [ExtraRun {
                name: "ch01-01-sequential.debug".into(),
                example: "ch01-01-sequential".into(),
                profile: "dev".into(),
                args: Vec::new(),
            }]
        );
        let typo = parse_course_metadata(
            "[package]\nname = \"x\"\n[package.metadata.course.capture]\nskipp = [\"a\"]\n",
        );
        assert!(typo.is_err(), "an unknown key is an error, not ignored");
    }
}
