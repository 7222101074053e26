//! `cargo course assign chNN --out DIR`: a standalone repository for one chapter.

use crate::html;
use crate::lock;
use crate::manifest::{ClassroomManifest, ExerciseTests};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use testrun::cargo_json::{Build, tail};
use testrun::libtest::parse_list;
use testrun::process::{cargo, run_with_watchdog};

/// Settings of [`assign`] beyond the chapter and the folder.
#[derive(Debug, Clone)]
pub struct AssignOptions {
    /// Where to build the exported specs to list their tests (default:
    /// `<root>/target/classroom`).
    pub target_dir: Option<PathBuf>,
    /// Build the book with `cargo run -p course -- build --no-test` when `target/book` does not
    /// hold the chapter (otherwise: an error that says to run `cargo course build`).
    pub build_book: bool,
    /// Kill the build of the exported specs after this long.
    pub build_limit: Duration,
}

impl Default for AssignOptions {
    fn default() -> Self {
        AssignOptions {
            target_dir: None,
            build_book: true,
            build_limit: Duration::from_secs(1800),
        }
    }
}

/// What [`assign`] wrote.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The exported repository.
    pub dir: PathBuf,
    /// Its chapter and spec tests (also in its `classroom.toml`).
    pub manifest: ClassroomManifest,
}

/// Writes a standalone repository for `chapter` (`ch01`, `01` or `ch01-sequential`) of the
/// project at `root` into `out`, which must not exist or be empty.
///
/// Files come from the last commit (`git archive HEAD`) when `root` is a git repository, so
/// that an exercise someone solved in this copy is never handed out solved; from the folders
/// otherwise. The book's pages come from `target/book`.
pub fn assign(
    root: &Path,
    chapter: &str,
    out: &Path,
    options: &AssignOptions,
) -> Result<Assignment> {
    let slug = resolve_chapter(root, chapter)?;
    let exercise_dirs = exercises_of(root, &slug)?;
    if out.exists() {
        let empty = out.is_dir()
            && std::fs::read_dir(out)
                .with_context(|| format!("reading {}", out.display()))?
                .next()
                .is_none();
        if !empty {
            bail!(
                "{} exists and is not empty: name a new folder (assign never overwrites)",
                out.display()
            );
        }
    }
    let book = root.join("target/book");
    if !book.join(&slug).join("index.html").is_file() {
        if !options.build_book {
            bail!(
                "the book is not built ({} is missing): run `cargo course build` first",
                book.join(&slug).join("index.html").display()
            );
        }
        eprintln!("the book is not built: building it (cargo run -p course -- build --no-test)...");
        let status = cargo()
            .current_dir(root)
            .args(["run", "-q", "-p", "course", "--", "build", "--no-test"])
            .status()
            .context("running cargo")?;
        if !status.success() {
            bail!(
                "building the book failed ({status}): run `cargo course build` and read its errors"
            );
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let out = out
        .canonicalize()
        .with_context(|| format!("resolving {}", out.display()))?;

    // The chapter's crate and every crate of this workspace it needs, then support.
    let crates = crate_closure(root, &slug)?;
    let mut paths: Vec<String> = crates.iter().map(|c| format!("crates/{c}")).collect();
    paths.push("exercises/support".into());
    paths.push(format!("exercises/{slug}"));
    paths.push(format!("book/{slug}"));
    for ext in ["md", "svg", "txt"] {
        let bench = format!("book/bench/{slug}.{ext}");
        if root.join(&bench).is_file() {
            paths.push(bench);
        }
    }
    export_files(root, &paths, &out)?;

    let members: Vec<String> = paths
        .iter()
        .filter(|p| p.starts_with("crates/") || *p == "exercises/support")
        .cloned()
        .chain(
            exercise_dirs
                .iter()
                .map(|d| format!("exercises/{slug}/{d}")),
        )
        .collect();
    let exercise_members: Vec<String> = exercise_dirs
        .iter()
        .map(|d| format!("exercises/{slug}/{d}"))
        .collect();
    std::fs::write(
        out.join("Cargo.toml"),
        workspace_manifest(root, &slug, &crates, &members, &exercise_members)?,
    )?;
    std::fs::write(
        out.join("Cargo.lock"),
        lock::merge(&[&root.join("Cargo.lock"), &root.join("exercises/Cargo.lock")])?,
    )?;
    std::fs::write(out.join(".gitignore"), "/target/\n")?;
    html::copy_chapter(&book, &slug, &out.join("book/html"))?;

    // Build the specs once: lists their tests, proves the export compiles, finishes Cargo.lock.
    let target = options
        .target_dir
        .clone()
        .unwrap_or_else(|| root.join("target/classroom"));
    let mut build = cargo();
    build
        .current_dir(&out)
        .args(["build", "--test", "spec", "--message-format=json"])
        .arg("--target-dir")
        .arg(&target);
    for m in &exercise_members {
        build.args(["-p", &package_name(&out.join(m))?]);
    }
    eprintln!(
        "building the exported specs (target dir {})...",
        target.display()
    );
    let done = run_with_watchdog(&mut build, options.build_limit)?;
    if !done.success() {
        bail!(
            "the exported repository does not build ({}):\n{}",
            done.status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "killed by the watchdog".into()),
            tail(&done.stderr, 30)
        );
    }
    let built = Build::parse(&done.stdout);
    let mut exercises = Vec::new();
    for m in &exercise_members {
        let dir = out.join(m);
        let package = package_name(&dir)?;
        let exe = built
            .executable(&package, "spec")
            .with_context(|| format!("cargo built no `spec` test for {package}"))?;
        let listed = run_with_watchdog(
            Command::new(exe)
                .arg("--list")
                .current_dir(&dir)
                .env("CARGO_MANIFEST_DIR", &dir),
            Duration::from_secs(60),
        )?;
        let tests = parse_list(&listed.stdout);
        if tests.is_empty() {
            bail!("the spec of {package} lists no tests:\n{}", listed.stdout);
        }
        exercises.push(ExerciseTests {
            package,
            dir: m.clone(),
            tests,
        });
    }
    let manifest = ClassroomManifest {
        chapter: slug.clone(),
        exercises,
    };
    manifest.write(&out)?;
    let title = chapter_title(&out.join("book").join(&slug).join("index.md"));
    std::fs::write(
        out.join("README.md"),
        readme(&slug, &title, &manifest, &out),
    )?;
    let workflow = out.join(".github/workflows/classroom.yml");
    std::fs::create_dir_all(workflow.parent().unwrap_or(&out))?;
    std::fs::write(&workflow, workflow_yaml(&manifest))?;
    let assignment = Assignment { dir: out, manifest };
    println!("{}", assignment.summary());
    Ok(assignment)
}

impl Assignment {
    /// What was written, in a few lines (what `cargo course assign` prints).
    pub fn summary(&self) -> String {
        let mut s = format!(
            "wrote {} for {}: {} exercises, {} spec tests (one point each)\n",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            self.manifest.chapter,
            self.manifest.exercises.len(),
            self.manifest.test_count()
        );
        for e in &self.manifest.exercises {
            s.push_str(&format!(
                "  {:<24} {:>2} tests  {}\n",
                e.package,
                e.tests.len(),
                e.dir
            ));
        }
        s.push_str(
            "  README.md, classroom.toml, .github/workflows/classroom.yml, book/html/index.html",
        );
        s
    }
}

/// `ch01`, `01`, `1` or `ch01-sequential` → `ch01-sequential`, from the chapters that have
/// exercises.
pub fn resolve_chapter(root: &Path, name: &str) -> Result<String> {
    let mut chapters: Vec<String> = std::fs::read_dir(root.join("exercises"))
        .with_context(|| format!("reading {}/exercises", root.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ch") && root.join("crates").join(n).is_dir())
        .collect();
    chapters.sort();
    let number = name.strip_prefix("ch").unwrap_or(name);
    let number = number.split('-').next().unwrap_or_default();
    let found = chapters.iter().find(|c| {
        *c == name
            || (number.parse::<u32>().ok().is_some()
                && c[2..4].parse::<u32>().ok() == number.parse::<u32>().ok()
                && !name.contains('-'))
    });
    match found {
        Some(c) => Ok(c.clone()),
        None => bail!(
            "unknown chapter `{name}`: the chapters with exercises are {}",
            chapters.join(", ")
        ),
    }
}

fn exercises_of(root: &Path, slug: &str) -> Result<Vec<String>> {
    let mut dirs: Vec<String> = std::fs::read_dir(root.join("exercises").join(slug))?
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ex"))
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        bail!("chapter {slug} has no exercises");
    }
    Ok(dirs)
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.parse()
        .with_context(|| format!("parsing {}", path.display()))
}

fn package_name(dir: &Path) -> Result<String> {
    let manifest = read_toml(&dir.join("Cargo.toml"))?;
    manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .with_context(|| format!("{}/Cargo.toml has no package name", dir.display()))
}

/// The workspace's path dependencies: name → folder, from the root `[workspace.dependencies]`.
fn path_deps(root_manifest: &toml::Table) -> Vec<(String, String)> {
    root_manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .map(|deps| {
            deps.iter()
                .filter_map(|(name, v)| Some((name.clone(), v.get("path")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The folders under `crates/` the chapter's crate needs, itself first: every path dependency
/// (normal, dev or build), transitively. `exercises/support` is added by the caller.
fn crate_closure(root: &Path, slug: &str) -> Result<Vec<String>> {
    let paths = path_deps(&read_toml(&root.join("Cargo.toml"))?);
    let mut found = vec![slug.to_string()];
    let mut i = 0;
    while i < found.len() {
        let manifest = read_toml(&root.join("crates").join(&found[i]).join("Cargo.toml"))?;
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else {
                continue;
            };
            for (name, spec) in deps {
                if spec.get("path").is_some() {
                    bail!(
                        "crates/{}/Cargo.toml names a path for `{name}`: use the workspace's dependency instead",
                        found[i]
                    );
                }
                let Some((_, path)) = paths.iter().find(|(n, _)| n == name) else {
                    continue;
                };
                if let Some(dir) = path.strip_prefix("crates/")
                    && !found.iter().any(|f| f == dir)
                {
                    found.push(dir.to_string());
                }
            }
        }
        i += 1;
    }
    Ok(found)
}

/// The export's root Cargo.toml: one workspace for the chapter's crates and its exercises.
/// Dependencies, package fields, lints and profiles are the project's, merged with those of the
/// exercises' workspace (whose lints let a starter leave things unused).
fn workspace_manifest(
    root: &Path,
    slug: &str,
    crates: &[String],
    members: &[String],
    exercise_members: &[String],
) -> Result<String> {
    let project = read_toml(&root.join("Cargo.toml"))?;
    let exercises = read_toml(&root.join("exercises/Cargo.toml"))?;
    let ws = project
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();
    let ex_ws = exercises
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();

    let mut deps = toml::Table::new();
    for table in [&ex_ws, &ws] {
        if let Some(d) = table.get("dependencies").and_then(|d| d.as_table()) {
            for (name, spec) in d {
                if spec.get("path").is_none() {
                    deps.insert(name.clone(), spec.clone());
                }
            }
        }
    }
    for (name, path) in path_deps(&project) {
        let dir = path.trim_start_matches("crates/");
        if path == "exercises/support" || crates.iter().any(|c| c == dir) {
            let mut spec = toml::Table::new();
            spec.insert("path".into(), path.into());
            deps.insert(name, spec.into());
        }
    }
    let mut lints = ws
        .get("lints")
        .and_then(|l| l.as_table())
        .cloned()
        .unwrap_or_default();
    if let Some(ex_lints) = ex_ws.get("lints").and_then(|l| l.as_table()) {
        for (tool, table) in ex_lints {
            let entry = lints
                .entry(tool.clone())
                .or_insert_with(|| toml::Table::new().into());
            if let (Some(into), Some(from)) = (entry.as_table_mut(), table.as_table()) {
                for (k, v) in from {
                    into.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert("members".into(), members.to_vec().into());
    workspace.insert("default-members".into(), exercise_members.to_vec().into());
    if let Some(p) = ws.get("package") {
        workspace.insert("package".into(), p.clone());
    }
    workspace.insert("dependencies".into(), deps.into());
    workspace.insert("lints".into(), lints.into());
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), workspace.into());
    if let Some(profile) = project.get("profile") {
        manifest.insert("profile".into(), profile.clone());
    }
    Ok(format!(
        "# One chapter of \"Multiprocessing in Rust\", exported by `cargo course assign {slug}`.\n\
         # `cargo test` runs the exercises' specs (the default members); the chapter's crate is here\n\
         # to read and run: cargo run --release -p {slug} --example <name>.\n{}",
        toml::to_string(&manifest)?
    ))
}

/// Copies `paths` (folders or files, relative to `root`) into `out`: as committed
/// (`git archive HEAD`) in a git repository, else from the folders.
fn export_files(root: &Path, paths: &[String], out: &Path) -> Result<()> {
    let in_git = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "-q", "HEAD"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !in_git {
        for p in paths {
            let from = root.join(p);
            if from.is_dir() {
                html::copy_dir(&from, &out.join(p))?;
            } else {
                std::fs::create_dir_all(out.join(p).parent().unwrap_or(out))?;
                std::fs::copy(&from, out.join(p))?;
            }
        }
        return Ok(());
    }
    let mut git = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", "HEAD", "--"])
        .args(paths)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git archive")?;
    let tar_in = git.stdout.take().context("git's stdout")?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(out)
        .stdin(tar_in)
        .output()
        .context("running tar")?;
    let git_done = git.wait_with_output()?;
    if !git_done.status.success() || !tar.status.success() {
        bail!(
            "copying the chapter's files with git archive failed: {}{}",
            String::from_utf8_lossy(&git_done.stderr),
            String::from_utf8_lossy(&tar.stderr)
        );
    }
    Ok(())
}

fn chapter_title(index_md: &Path) -> String {
    std::fs::read_to_string(index_md)
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("# ").map(|s| s.trim().to_string()))
        })
        .unwrap_or_default()
}

fn readme(slug: &str, title: &str, manifest: &ClassroomManifest, out: &Path) -> String {
    let mut exercises = String::new();
    for e in &manifest.exercises {
        let task = chapter_title(&out.join(&e.dir).join("README.md"));
        exercises.push_str(&format!(
            "| `{}` | {} | `{}/src/lib.rs` | {} |\n",
            e.package,
            task,
            e.dir,
            e.tests.len()
        ));
    }
    let first = &manifest.exercises[0].package;
    format!(
        "# {title}\n\n\
         One chapter of *Multiprocessing in Rust*, to do as an assignment. Read the chapter, then\n\
         solve its exercises: each one is a starter whose tests (its spec) fail until you solve it.\n\n\
         ## Two commands\n\n\
         ```console\n\
         $ cargo test                       # run the tests of every exercise\n\
         $ cargo test -p {first}   # check one exercise\n\
         ```\n\n\
         You are done when every test passes. Each spec test is worth one point: GitHub Classroom\n\
         runs them on every push (`.github/workflows/classroom.yml`), so push when you want a grade.\n\n\
         | exercise | task | your code | tests |\n|---|---|---|---|\n{exercises}\n\
         Each exercise folder holds the task (`README.md`), hints one at a time (`hints.md`: read\n\
         them in order, only when stuck), the starter (`src/lib.rs`: replace each `todo!()`) and\n\
         the spec (`tests/spec.rs`: leave it as it is; it is what grades you).\n\n\
         ## Read the chapter\n\n\
         Open `book/html/{slug}/index.html` in a browser (it works offline). The Markdown sources\n\
         are in `book/{slug}/`; the code they show is in `crates/{slug}/`. Run the chapter's\n\
         examples with `cargo run --release -p {slug} --example <name>` (the names are in\n\
         `crates/{slug}/examples/`).\n\n\
         You need Rust 1.88 or newer (`rustup`, stable) on Linux or macOS (on Windows, WSL).\n"
    )
}

/// A GitHub Classroom workflow: one graded step per spec test (one point each), then the
/// reporter that sends the points to GitHub Classroom.
fn workflow_yaml(manifest: &ClassroomManifest) -> String {
    let mut steps = String::new();
    let mut ids = Vec::new();
    for e in &manifest.exercises {
        for t in &e.tests {
            let id = format!("t{:02}", ids.len() + 1);
            let name = format!("{} {}", e.package, t);
            steps.push_str(&format!(
                "      - name: '{name}'\n        id: {id}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: '{name}'\n          setup-command: ''\n          command: 'cargo test -q -p {} --test spec -- --exact {t}'\n          timeout: 5\n          max-score: 1\n",
                e.package
            ));
            ids.push(id);
        }
    }
    let env: String = ids
        .iter()
        .map(|id| {
            format!(
                "          {}_RESULTS: \"${{{{steps.{id}.outputs.result}}}}\"\n",
                id.to_uppercase()
            )
        })
        .collect();
    format!(
        "# GitHub Classroom autograding, written by `cargo course assign {chapter}`: each spec\n\
         # test is one graded step worth one point.\n\
         name: Autograding Tests\n\
         'on':\n  - push\n  - repository_dispatch\n\
         permissions:\n  checks: write\n  actions: read\n  contents: read\n\
         jobs:\n  run-autograding-tests:\n    runs-on: ubuntu-latest\n\
         \x20   if: github.actor != 'github-classroom[bot]'\n\
         \x20   steps:\n\
         \x20     - name: Checkout code\n        uses: actions/checkout@v4\n\
         \x20     - name: Build the specs (a compile error fails the tests below, not the workflow)\n        run: cargo test --no-run\n        continue-on-error: true\n\
         {steps}\
         \x20     - name: Autograding Reporter\n        uses: classroom-resources/autograding-grading-reporter@v1\n        env:\n{env}\
         \x20       with:\n          runners: {}\n",
        ids.join(","),
        chapter = manifest.chapter,
    )
}
