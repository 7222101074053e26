//! What the students read first: the README and the GitHub Classroom workflow.

use crate::manifest::ClassroomManifest;
use std::path::Path;

pub fn chapter_title(index_md: &Path) -> String {
    std::fs::read_to_string(index_md)
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("# ").map(|s| s.trim().to_string()))
        })
        .unwrap_or_default()
}

pub fn readme(
    slug: &str,
    title: &str,
    manifest: &ClassroomManifest,
    out: &Path,
) -> String {
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
    let features = featured_examples(slug, out);
    format!(
        "# {title}\n\n\
         One chapter of *Multiprocessing in Rust*, to do as an assignment. Read the chapter, then\n\
         solve its exercises: each one is a starter whose tests (its spec) fail until you solve it.\n\n\
         ## Two commands\n\n\
         ```console\n\
         $ cargo test --no-fail-fast        # run the tests of every exercise\n\
         $ cargo test -p {first}   # check one exercise\n\
         ```\n\n\
         (Without `--no-fail-fast`, `cargo test` stops after the first exercise that fails.)\n\n\
         You are done when every test passes. Each spec test is worth one point: GitHub Classroom\n\
         runs them on every push (`.github/workflows/classroom.yml`), so push when you want a grade.\n\n\
         | exercise | task | your code | tests |\n|---|---|---|---|\n{exercises}\n\
         Each exercise folder holds the task (`README.md`), hints one at a time (`hints.md`: read\n\
         them in order, only when stuck), the starter (`src/lib.rs`: replace each `todo!()`) and\n\
         the spec (`tests/spec.rs`: leave it as it is; it is what grades you).\n\n\
         The chapter's exercises page was written for the whole book: this repository has no\n\
         `cargo course` command (its `check` is the `cargo test -p` above; the hints are in\n\
         `hints.md`) and no `solutions/`.\n\n\
         ## Read the chapter\n\n\
         Open `book/html/{slug}/index.html` in a browser (it works offline). The Markdown sources\n\
         are in `book/{slug}/`; the code they show is in `crates/{slug}/`. Run the chapter's\n\
         examples with `cargo run --release -p {slug} --example <name>` (the names are in\n\
         `crates/{slug}/examples/`){features}.\n\n\
         You need Rust 1.88 or newer (`rustup`, stable) on Linux or macOS (on Windows, WSL).\n"
    )
}

/// The examples of the chapter's crate (in the export `out`) that need a feature
/// (`required-features`), as the end of the README's sentence on running examples: how to
/// build them, and for the `mpi` feature how to start them under `mpirun`. Empty if none.
fn featured_examples(slug: &str, out: &Path) -> String {
    let manifest = out.join("crates").join(slug).join("Cargo.toml");
    let table: toml::Table = std::fs::read_to_string(manifest)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    // (features, the examples that need exactly them), in the manifest's order.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for example in table
        .get("example")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(needs)) = (
            example.get("name").and_then(|n| n.as_str()),
            example.get("required-features").and_then(|f| f.as_array()),
        ) else {
            continue;
        };
        let needs: Vec<_> = needs.iter().filter_map(|f| f.as_str()).collect();
        let needs = needs.join(",");
        match groups.iter_mut().find(|(f, _)| *f == needs) {
            Some((_, names)) => names.push(format!("`{name}`")),
            None => groups.push((needs, vec![format!("`{name}`")])),
        }
    }
    let mut text = String::new();
    for (features, names) in groups {
        text.push_str(&format!(
            ", except {}: they need `--features {features}`",
            names.join(", ")
        ));
        if features == "mpi" {
            let first = names[0].trim_matches('`');
            text.push_str(&format!(
                ", and are MPI programs, started by `mpirun`. Install Open MPI and libclang\n\
                 (Debian/Ubuntu: `apt install libopenmpi-dev openmpi-bin libclang-dev`), then\n\n\
                 ```console\n\
                 $ cargo build --release -p {slug} --features mpi --examples\n\
                 $ mpirun -n 2 target/release/examples/{first}\n\
                 ```\n\n\
                 (more ranks than cores need `mpirun --oversubscribe`; as root, Open MPI wants\n\
                 `OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1`; the chapter's pages\n\
                 say which examples take arguments)"
            ));
        }
    }
    text
}

/// A GitHub Classroom workflow: one graded step per spec test (one point each), then the
/// reporter that sends the points to GitHub Classroom.
///
/// A step passes on its command's exit status alone, and `--exact` with a name that matches no
/// test (one the student renamed or deleted) runs nothing and exits 0, as does an ignored test.
/// So the step also asks libtest's summary (libtest-mimic's too) for exactly one test passed.
/// The grader runs the command with `sh -c` (Node's `execSync`); `tee` keeps the output in the
/// log.
pub fn workflow_yaml(manifest: &ClassroomManifest) -> String {
    let mut steps = String::new();
    let mut ids = Vec::new();
    for e in &manifest.exercises {
        for t in &e.tests {
            let id = format!("t{:02}", ids.len() + 1);
            let name = format!("{} {}", e.package, t);
            steps.push_str(&format!(
                "      - name: '{name}'\n        id: {id}\n        uses: classroom-resources/autograding-command-grader@v1\n        with:\n          test-name: '{name}'\n          setup-command: ''\n          command: 'cargo test -q -p {} --test spec -- --exact {t} 2>&1 | tee /dev/stderr | grep -q \"^test result: ok. 1 passed;\"'\n          timeout: 5\n          max-score: 1\n",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ExerciseTests;

    /// `cargo test` stops at the first test target that fails: on the starters, it would run
    /// the first exercise's spec only. The README's command for every exercise must run them all.
    #[test]
    fn the_readme_runs_every_exercise_and_warns_about_the_book_s_commands() {
        let manifest = ClassroomManifest {
            chapter: "ch04-pools".into(),
            exercises: ["ex01", "ex02"]
                .map(|e| ExerciseTests {
                    package: format!("ch04-{e}"),
                    dir: format!("exercises/ch04-pools/{e}"),
                    tests: vec!["t".into()],
                })
                .to_vec(),
        };
        let out = std::env::temp_dir();
        let text = readme("ch04-pools", "Pools", &manifest, &out);
        let every = text
            .lines()
            .find(|l| l.contains("every exercise"))
            .expect(&text);
        assert!(every.contains("cargo test --no-fail-fast"), "{every}");
        assert!(text.contains("`cargo course`"), "{text}");
        assert!(text.contains("`solutions/`"), "{text}");
    }

    /// ch09's MPI examples do not run with the README's plain `cargo run --example`: it must say
    /// `--features mpi` and `mpirun` for them, and only for them.
    #[test]
    fn the_readme_says_how_to_run_examples_that_need_a_feature() {
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("crates/ch09-mpi");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"ch09-mpi\"\n\n\
             [[example]]\nname = \"spmd\"\nrequired-features = [\"mpi\"]\n\n\
             [[example]]\nname = \"tutorial\"\nrequired-features = [\"mpi\"]\n\n\
             [[example]]\nname = \"best\"\n",
        )
        .unwrap();
        let manifest = ClassroomManifest {
            chapter: "ch09-mpi".into(),
            exercises: vec![ExerciseTests {
                package: "ch09-ex01".into(),
                dir: "exercises/ch09-mpi/ex01".into(),
                tests: vec!["t".into()],
            }],
        };
        let text = readme("ch09-mpi", "MPI", &manifest, out.path());
        assert!(
            text.contains("except `spmd`, `tutorial`: they need `--features mpi`"),
            "{text}"
        );
        assert!(
            text.contains(
                "cargo build --release -p ch09-mpi --features mpi --examples"
            ),
            "{text}"
        );
        assert!(
            text.contains("mpirun -n 2 target/release/examples/spmd"),
            "{text}"
        );
        assert!(!text.contains("`best`"), "{text}");
        // A chapter without such examples: the plain sentence.
        let plain = readme("ch04-pools", "Pools", &manifest, out.path());
        assert!(
            plain.contains("`crates/ch04-pools/examples/`).\n"),
            "{plain}"
        );
        assert!(!plain.contains("mpirun"), "{plain}");
    }
}
