use super::*;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

fn spec(listed: &[&str], stdout: &str, code: i32) -> SpecRun {
    Ok(Ran {
        listed: listed.iter().map(|s| s.to_string()).collect(),
        results: libtest::parse_results(stdout),
        run: Finished {
            status: Some(ExitStatus::from_raw(code << 8)),
            stdout: stdout.to_string(),
            stderr: String::new(),
        },
    })
}

const LIMIT: Duration = Duration::from_secs(300);

#[test]
fn the_good_case() {
    let starter = spec(&["a", "b"], "test a ... FAILED\ntest b ... FAILED\n", 101);
    let solution = spec(&["a", "b"], "test a ... ok\ntest b ... ok\n", 0);
    let v = judge(&starter, &solution, LIMIT);
    assert_eq!(v.problems, Vec::<String>::new());
    assert_eq!((v.passed.len(), v.failed), (2, 0));
}

#[test]
fn should_panic_passing_on_the_starter_is_reported() {
    let starter = spec(
        &["a", "p"],
        "test a ... FAILED\ntest p - should panic ... ok\n",
        101,
    );
    let solution = spec(
        &["a", "p"],
        "test a ... ok\ntest p - should panic ... ok\n",
        0,
    );
    let v = judge(&starter, &solution, LIMIT);
    assert_eq!((v.passed.len(), v.failed), (1, 1));
    assert!(
        v.problems[0].contains("`p` passes on the starter: it is #[should_panic]"),
        "{:?}",
        v.problems
    );
}

#[test]
fn failures_on_the_solution_name_the_test_and_message() {
    let starter = spec(&["a"], "test a ... FAILED\n", 101);
    let solution = spec(
        &["a"],
        "test a ... FAILED\n\nfailures:\n\n---- a stdout ----\nthread 'a' panicked at tests/spec.rs:3:5:\nexpected 3, got 4\n\nfailures:\n    a\n",
        101,
    );
    let v = judge(&starter, &solution, LIMIT);
    assert_eq!(v.failed, 1);
    assert_eq!(v.problems, ["`a` fails on the solution: expected 3, got 4"]);
}

#[test]
fn different_test_sets_and_empty_specs_are_reported() {
    let starter = spec(&["a", "b"], "", 101);
    let solution = spec(&["a", "c"], "", 0);
    let v = judge(&starter, &solution, LIMIT);
    assert!(
        v.problems[0].contains("only on the starter: [b]; only on the solution: [c]"),
        "{:?}",
        v.problems
    );
    assert_eq!(v.failed, 3);

    let v = judge(&spec(&[], "", 0), &spec(&[], "", 0), LIMIT);
    assert_eq!(v.problems, ["the spec has no tests"]);
}

#[test]
fn missing_results_and_timeouts_are_reported() {
    let starter = spec(&["a"], "", 134);
    let solution = spec(&["a"], "test a ... ok\n", 0);
    let v = judge(&starter, &solution, LIMIT);
    assert!(
        v.problems[0].contains("`a` has no result on the starter"),
        "{:?}",
        v.problems
    );

    let mut hung = spec(&["a"], "", 0);
    hung.as_mut().unwrap().run.status = None;
    let v = judge(&hung, &solution, LIMIT);
    assert!(
        v.problems[0].contains("did not finish within 300 s"),
        "{:?}",
        v.problems
    );
    assert_eq!(v.failed, 1);
}

#[test]
fn a_starter_that_does_not_compile_is_reported() {
    let broken =
        Err("error[E0425]: cannot find value `x`\n --> src/lib.rs:3:5".into());
    let solution = spec(&["a", "b"], "test a ... ok\ntest b ... ok\n", 0);
    let v = judge(&broken, &solution, LIMIT);
    assert!(
        v.problems[0].starts_with("the starter does not compile"),
        "{:?}",
        v.problems
    );
    assert!(v.problems[0].contains("E0425"), "{:?}", v.problems);
    assert_eq!(v.failed, 2);
}
