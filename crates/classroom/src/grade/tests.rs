use super::run::run_exercise;
use super::*;
use std::os::unix::fs::PermissionsExt;

/// Writes `script` as an executable `spec` in `dir`: a fake spec binary.
fn fake_spec(dir: &Path, script: &str) -> PathBuf {
    let exe = dir.join("spec");
    std::fs::write(&exe, script).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    exe
}

/// The (test, outcome) pairs of `grades`.
fn outcomes(grades: &[TestGrade]) -> Vec<(&str, Outcome)> {
    grades
        .iter()
        .map(|g| (g.test.as_str(), g.outcome))
        .collect()
}

/// A spec on `support::fork`'s runner stops after a hung test and reports the later ones
/// "not run". Alone (as the GitHub Classroom workflow runs each test, `--exact`), the
/// second passes: the grade must not take a point for a test that never ran.
#[test]
fn a_test_not_run_behind_a_hung_one_is_graded_alone() {
    let dir = tempfile::tempdir().unwrap();
    let exe = fake_spec(
        dir.path(),
        r#"#!/bin/sh
if [ "$1" = "--exact" ]; then
    printf '\nrunning 1 test\n'
    if [ "$2" = "hangs" ]; then
        printf 'test hangs ... FAILED\n\nfailures:\n\n---- hangs ----\nthe test did not finish within 10s: it probably hangs (killed).\n\n\nfailures:\n    hangs\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 2 filtered out; finished in 10.00s\n\n'
        exit 101
    fi
    printf 'test %s ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 0.01s\n\n' "$2"
    exit 0
fi
cat <<'END'

running 3 tests
test hangs  ... FAILED
test second ... FAILED
test third  ... FAILED

failures:

---- hangs ----
the test did not finish within 10s: it probably hangs (killed).

---- second ----
not run: test hangs hung before it; fix that first

---- third ----
not run: test hangs hung before it; fix that first


failures:
    hangs
    second
    third

test result: FAILED. 0 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out; finished in 10.00s

END
exit 101
"#,
    );
    let tests = ["hangs", "second", "third"].map(String::from);
    let grades =
        run_exercise(&exe, dir.path(), "ex", &tests, Duration::from_secs(30))
            .unwrap();
    assert_eq!(
        outcomes(&grades),
        [
            ("hangs", Outcome::Failed),
            ("second", Outcome::Passed),
            ("third", Outcome::Passed)
        ],
        "{grades:#?}"
    );
    assert!(grades[0].message.contains("did not finish"), "{grades:#?}");
}

/// libtest runs as many tests at once as there are cores: tests that hang hold every thread,
/// and a test queued behind them has no result when grade's watchdog kills the run (`hung`).
/// The GitHub Classroom workflow runs each test alone, where it passes: run it alone again.
/// A test that hangs alone too stays `hung`; one that passed in the full run is not re-run.
#[test]
fn a_test_hung_behind_others_is_graded_alone() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let exe = fake_spec(
        dir.path(),
        &format!(
            r#"#!/bin/sh
echo "$*" >> {log}
if [ "$1" = "--exact" ]; then
    printf '\nrunning 1 test\n'
    if [ "$2" = "hangs" ]; then sleep 60; fi
    printf 'test %s ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 0.01s\n\n' "$2"
    exit 0
fi
printf '\nrunning 3 tests\ntest passes ... ok\n'
sleep 60
"#,
            log = log.display()
        ),
    );
    let tests = ["passes", "queued", "hangs"].map(String::from);
    let grades =
        run_exercise(&exe, dir.path(), "ex", &tests, Duration::from_secs(2)).unwrap();
    assert_eq!(
        outcomes(&grades),
        [
            ("passes", Outcome::Passed),
            ("queued", Outcome::Passed),
            ("hangs", Outcome::Hung)
        ],
        "{grades:#?}"
    );
    assert!(grades[2].message.contains("alone"), "{grades:#?}");
    let runs = std::fs::read_to_string(&log).unwrap();
    assert_eq!(runs, "\n--exact queued\n--exact hangs\n", "the spec's runs");
}

/// Where `mpirun` exists, a chapter 09 spec builds its MPI example with cargo inside its timed
/// run (`support::mpirun::under_mpirun`). grade builds it first with the same command: the
/// spec's build then compiles nothing. A fake exercise: an `mpi` feature without rsmpi.
#[test]
fn the_mpi_examples_are_built_before_the_spec_runs_as_the_spec_builds_them() {
    let dir = tempfile::tempdir().unwrap();
    let (ex, target) = (dir.path().join("ex"), dir.path().join("target"));
    std::fs::create_dir_all(ex.join("examples")).unwrap();
    std::fs::create_dir_all(ex.join("src")).unwrap();
    std::fs::write(
        ex.join("Cargo.toml"),
        "[package]\nname = \"ex\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [features]\nmpi = []\n\n\
         [[example]]\nname = \"ranks\"\nrequired-features = [\"mpi\"]\n\n\
         [[example]]\nname = \"plain\"\n",
    )
    .unwrap();
    std::fs::write(ex.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    for example in ["ranks", "plain"] {
        let code = "fn main() { ex::f() }\n";
        std::fs::write(ex.join(format!("examples/{example}.rs")), code).unwrap();
    }
    let builds = super::mpi::prebuilds(&ex, &target).unwrap();
    assert_eq!(builds.len(), 1, "only the example that needs `mpi`");
    for mut build in builds {
        assert!(build.status().unwrap().success());
    }
    // What the spec runs (support/src/mpirun.rs), CARGO_TARGET_TMPDIR being <target>/tmp.
    let spec_build = testrun::process::cargo()
        .args(["build", "--features=mpi", "--example", "ranks"])
        .args(["--message-format=json", "--manifest-path"])
        .arg(ex.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target.join("tmp/mpi"))
        .output()
        .unwrap();
    assert!(spec_build.status.success());
    let json = String::from_utf8_lossy(&spec_build.stdout);
    let artifacts: Vec<_> = json
        .lines()
        .filter(|l| l.contains("\"reason\":\"compiler-artifact\""))
        .collect();
    assert_eq!(artifacts.len(), 2, "the lib and the example: {json}");
    assert!(
        artifacts.iter().all(|a| a.contains("\"fresh\":true")),
        "the spec's build compiled again: {json}"
    );
}
