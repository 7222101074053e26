//! The typestate's promises, checked by the compiler: each program in `tests/ui/`
//! must fail to compile with the error in its `.stderr` file. (These build programs;
//! they do not fork.) After a change of wording in rustc: `TRYBUILD=overwrite cargo
//! test -p ch07-process-trait --test compile_fail`, then read the diff.

#[test]
fn wrong_orders_of_calls_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
