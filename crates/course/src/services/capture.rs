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

use crate::services::files::{stems, write_atomically};
use crate::services::process::{cargo, run_with_watchdog};
use crate::services::project::{Chapter, Project};
use crate::services::recordings;
use crate::services::units::indent;
use anyhow::{Context, Result, bail, ensure};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// One capture: a program, and the file stem its output is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub name: String,
    /// The command as a reader would type it, program first (cargo without `-q`).
    pub words: Vec<String>,
    /// The cargo profile of an example; `None` for a Python script.
    pub profile: Option<String>,
}

impl Run {
    /// `cargo run [--release | --profile P] -p <package> --example <example> [-- args]`.
    pub fn example(
        name: &str,
        package: &str,
        example: &str,
        profile: &str,
        args: &[String],
    ) -> Run {
        let mut words = vec!["cargo", "run"];
        words.extend(profile_args(profile));
        words.extend(["-p", package, "--example", example]);
        if !args.is_empty() {
            words.push("--");
            words.extend(args.iter().map(String::as_str));
        }
        Run {
            name: name.into(),
            words: words.into_iter().map(String::from).collect(),
            profile: Some(profile.into()),
        }
    }

    /// `python3 crates/<chapter>/python/<file>`.
    pub fn python(name: &str, script: String) -> Run {
        let words = vec!["python3".into(), script];
        Run {
            name: name.into(),
            words,
            profile: None,
        }
    }

    /// The command shown on the file's first line.
    pub fn shown_command(&self) -> String {
        self.words.join(" ")
    }

    /// The command actually run, from the project's root.
    pub fn command(&self, project: &Project) -> Command {
        let mut cmd = if self.profile.is_some() {
            let mut cmd = cargo();
            cmd.args(["run", "-q"]).args(&self.words[2..]);
            cmd
        } else {
            let mut cmd = Command::new(&self.words[0]);
            cmd.env("PYTHONDONTWRITEBYTECODE", "1")
                .args(&self.words[1..]);
            cmd
        };
        cmd.current_dir(&project.root);
        cmd
    }
}

pub fn profile_args(profile: &str) -> Vec<&str> {
    match profile {
        "release" => vec!["--release"],
        "dev" => Vec::new(),
        other => vec!["--profile", other],
    }
}

/// `names` joined with commas, or `none`.
fn listed<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let all: Vec<&str> = names.map(String::as_str).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// Everything `capture` runs for a chapter, in order: each example (by name), the extra runs,
/// then each Python script (by name), minus the skipped ones.
pub fn plan(project: &Project, chapter: &Chapter) -> Result<Vec<Run>> {
    let crate_dir = project.path("crates").join(&chapter.name);
    let meta = project.course_metadata(chapter)?;
    let skip: BTreeSet<&String> =
        meta.capture.skip.iter().chain(&meta.capture_skip).collect();
    let examples = stems(&crate_dir.join("examples"), "rs")?;
    let scripts = stems(&crate_dir.join("python"), "py")?;
    let manifest = format!("crates/{}/Cargo.toml", chapter.name);
    if let Some(name) = skip
        .iter()
        .find(|n| !examples.contains(n) && !scripts.contains(n))
    {
        bail!(
            "{manifest}: capture skips `{name}`, which is neither an example nor a Python script of {chapter}. Known: {}",
            listed(examples.iter().chain(&scripts))
        );
    }

    let example = |name: &str, example: &str, profile: &str, args: &[String]| {
        Run::example(name, &chapter.name, example, profile, args)
    };
    let kept = |name: &&String| !skip.contains(name);
    let mut runs: Vec<Run> = (examples.iter().filter(kept))
        .map(|e| example(e, e, "release", &[]))
        .collect();
    for extra in &meta.capture.extra {
        ensure!(
            examples.contains(&extra.example),
            "{manifest}: capture extra `{}` runs example `{}`, which does not exist. Examples: {}",
            extra.name,
            extra.example,
            listed(examples.iter())
        );
        let plain = !extra.name.starts_with('.') && !extra.name.contains(['/', '\\']);
        ensure!(
            !extra.name.is_empty() && plain,
            "{manifest}: capture extra name `{}` is not a plain file stem",
            extra.name
        );
        runs.push(example(
            &extra.name,
            &extra.example,
            &extra.profile,
            &extra.args,
        ));
    }
    runs.extend(scripts.iter().filter(kept).map(|script| {
        Run::python(
            script,
            format!("crates/{}/python/{script}.py", chapter.name),
        )
    }));

    let mut seen = BTreeSet::new();
    if let Some(run) = runs.iter().find(|run| !seen.insert(&run.name)) {
        bail!(
            "{manifest}: two captures write output/{}.txt (an example and a Python script, or an extra run, share the name)",
            run.name
        );
    }
    Ok(runs)
}

/// The text of an output file: the command line, stdout, then stderr, each ending in a newline.
pub fn render(shown_command: &str, stdout: &str, stderr: &str) -> String {
    let mut text = format!("$ {shown_command}\n");
    for part in [stdout, stderr].into_iter().filter(|p| !p.is_empty()) {
        text.push_str(part);
        if !part.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// Runs one capture and writes its file into `<out>/<chapter>/output/`, and beside it, if the
/// run recorded a timeline (in `target/timeline/<chapter>/<name>.tsv`), the recording
/// `<name>.timeline.tsv` and the chart drawn from it, `<name>.timeline.svg` (see
/// `services::recordings`); a run that recorded none removes a stale pair of that name. On
/// failure nothing is written and the error carries the program's stderr.
pub fn capture_one(
    project: &Project,
    chapter: &Chapter,
    run: &Run,
    out: &Path,
    limit: Duration,
) -> Result<PathBuf> {
    let dir = project.path("target/timeline").join(&chapter.name);
    fs::create_dir_all(&dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    let timeline = dir.join(format!("{}.tsv", run.name));
    let _ = fs::remove_file(&timeline);
    let mut command = run.command(project);
    command.env(workloads::timeline::ENV, &timeline);
    let done = run_with_watchdog(&mut command, limit)?;
    let shown = run.shown_command();
    let stderr = match done.stderr.trim_end() {
        "" => ", with nothing on stderr".into(),
        stderr => format!(", stderr:\n{}", indent(stderr, 4)),
    };
    match done.status {
        None => bail!(
            "`{shown}` was killed after {} s (use --timeout to allow longer){stderr}",
            limit.as_secs(),
        ),
        Some(status) if !status.success() => {
            bail!("`{shown}` failed ({status}){stderr}")
        }
        Some(_) => {}
    }
    let path = out
        .join(&chapter.name)
        .join("output")
        .join(format!("{}.txt", run.name));
    write_atomically(&path, render(&shown, &done.stdout, &done.stderr))?;
    let svg = path.with_extension("timeline.svg");
    recordings::keep_and_draw(&timeline, &svg, &run.name, run.profile.is_none())?;
    Ok(path)
}

#[cfg(test)]
mod tests;
