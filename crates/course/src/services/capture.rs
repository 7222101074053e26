//! What `cargo course capture` runs for a chapter and how it writes what each program prints
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

use crate::services::files::write_atomically;
use crate::services::process::{cargo, run_with_watchdog};
use crate::services::project::{Chapter, Project};
use crate::services::timeline;
use crate::services::units::indent;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

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
    /// The program and its arguments as a reader would type them (cargo without `-q`).
    fn words(&self) -> (&str, Vec<String>) {
        match &self.program {
            Program::Example {
                package,
                example,
                profile,
                args,
            } => {
                let mut words = vec!["run".to_string()];
                words.extend(profile_args(profile));
                words.extend(["-p", package, "--example", example].map(String::from));
                if !args.is_empty() {
                    words.push("--".into());
                    words.extend(args.iter().cloned());
                }
                ("cargo", words)
            }
            Program::Python { script } => ("python3", vec![script.clone()]),
        }
    }

    /// The command shown on the file's first line, as a reader would type it (without `-q`).
    pub fn shown_command(&self) -> String {
        let (program, words) = self.words();
        format!("{program} {}", words.join(" "))
    }

    /// The command actually run, from the project's root.
    pub fn command(&self, project: &Project) -> Command {
        let (program, mut words) = self.words();
        let mut cmd = if program == "cargo" {
            words.insert(1, "-q".into());
            cargo()
        } else {
            let mut cmd = Command::new(program);
            cmd.env("PYTHONDONTWRITEBYTECODE", "1");
            cmd
        };
        cmd.args(words).current_dir(&project.root);
        cmd
    }
}

pub fn profile_args(profile: &str) -> Vec<String> {
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
    let timeline = timeline::prepare(&project.root, &chapter.name, &run.name)?;
    let mut command = run.command(project);
    command.env(workloads::timeline::ENV, &timeline);
    let done = run_with_watchdog(&mut command, limit)?;
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
    write_atomically(&path, render(&shown, &done.stdout, &done.stderr))?;
    let cpython = matches!(run.program, Program::Python { .. });
    timeline::after_capture(&timeline, &path, &run.name, cpython)?;
    Ok(path)
}

fn stderr_block(stderr: &str) -> String {
    let stderr = stderr.trim_end();
    if stderr.is_empty() {
        ", with nothing on stderr".into()
    } else {
        format!(", stderr:\n{}", indent(stderr, 4))
    }
}

#[cfg(test)]
mod tests;
