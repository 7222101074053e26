use super::*;

/// `cargo course check` on a wrong ch07-ex02 (typestate): `start(mut self)`, whose error quotes
/// another line than `start_twice.stderr`, and an `exitcode` left callable while running.
const WRONG: &str =
    include_str!("../fixtures/ch07-ex02-mut-self-and-exitcode-while-running.txt");

#[test]
fn colour_codes_are_stripped() {
    assert_eq!(
        strip_ansi("\x1b[0m\x1b[1m\x1b[31mmismatch\n\x1b[0m\x1b[7mx"),
        "mismatch\nx"
    );
    assert!(!strip_ansi(WRONG).contains('\x1b'));
}

#[test]
fn each_failing_ui_file_is_found_with_how_it_failed() {
    let failures = ui_failures(WRONG);
    let files: Vec<&str> = failures.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "tests/ui/exitcode_while_running.rs",
            "tests/ui/start_twice.rs"
        ]
    );
    assert_eq!(
        failures[0].verdict,
        Verdict::Other {
            word: "error".into(),
            said: vec![
                "Expected test case to fail to compile, but it succeeded.".into()
            ],
        }
    );
    let Verdict::Mismatch { expected, actual } = &failures[1].verdict else {
        panic!("{:?}", failures[1]);
    };
    assert_eq!((expected.len(), actual.len()), (15, 15));
    assert_eq!(expected[0], "error[E0382]: use of moved value: `p`");
    assert_eq!(
        actual[13],
        "  |     pub fn start(mut self) -> io::Result<Proc<Running>> {"
    );
}

#[test]
fn a_mismatch_shows_expected_and_actual_from_just_before_the_first_difference() {
    let failures = ui_failures(WRONG);
    assert_eq!(
        failures[0].describe(),
        "tests/ui/exitcode_while_running.rs: error\n    Expected test case to fail to compile, but it succeeded."
    );
    assert_eq!(
        failures[1].describe(),
        "\
tests/ui/start_twice.rs: mismatch: the compiler's error is not the one in tests/ui/start_twice.stderr (it differs from its line 14):
EXPECTED:
    note: `Proc::<CreatedState>::start` takes ownership of the receiver `self`, which moves `p`
     --> src/lib.rs
      |
      |     pub fn start(self) -> io::Result<Proc<Running>> {
      |                  ^^^^
ACTUAL:
    note: `Proc::<CreatedState>::start` takes ownership of the receiver `self`, which moves `p`
     --> src/lib.rs
      |
      |     pub fn start(mut self) -> io::Result<Proc<Running>> {
      |                      ^^^^"
    );
}

#[test]
fn a_long_difference_is_cut_and_passing_output_has_no_failures() {
    let expected: Vec<String> = (0..30).map(|i| format!("e{i}")).collect();
    let mut actual = expected.clone();
    actual[5] = "changed".into();
    actual[20] = "changed too".into();
    let failure = UiFailure {
        file: "tests/ui/x.rs".into(),
        verdict: Verdict::Mismatch { expected, actual },
    };
    let text = failure.describe();
    assert!(text.contains("(it differs from its line 6)"), "{text}");
    assert!(
        text.contains("EXPECTED:\n    e2\n    e3\n    e4\n    e5\n"),
        "{text}"
    );
    assert!(
        text.contains("ACTUAL:\n    e2\n    e3\n    e4\n    changed\n"),
        "{text}"
    );
    assert!(text.ends_with("    e9\n    ..."), "{text}");
    let passing =
        "test \x1b[0m\x1b[1mtests/ui/a.rs\x1b[0m ... \x1b[0m\x1b[32mok\n\x1b[0m";
    assert_eq!(ui_failures(passing), []);
}

#[test]
fn trybuild_cases_are_not_counted_as_tests_even_without_colour() {
    let plain = strip_ansi(WRONG);
    for output in [WRONG, plain.as_str()] {
        let results = crate::libtest::parse_results(output);
        let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names.len(), 8, "{names:?}");
        assert!(names.contains(&"wrong_orders_do_not_compile"), "{names:?}");
        assert_eq!(ui_failures(output).len(), 2);
    }
    assert!(is_ui_case("tests/ui/start_twice.rs"));
    assert!(is_ui_case("tests/ui/ok.rs [should pass]"));
    assert!(!is_ui_case("a::b"));
}
