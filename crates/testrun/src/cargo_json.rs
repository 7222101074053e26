//! Reading cargo's JSON messages (`--message-format=json`): which test executables a build made,
//! and the compiler's errors per package, as rustc rendered them. No scraping of cargo's human
//! output.

use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::{Message, PackageId};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What one `cargo build/test --message-format=json` printed on stdout.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Build {
    /// `(package, target)` → the test executable built for it.
    pub executables: BTreeMap<(String, String), PathBuf>,
    /// Package → the compiler's errors, rendered, in order.
    pub errors: BTreeMap<String, Vec<String>>,
}

impl Build {
    /// Reads every JSON message line of `stdout` (cargo_metadata's parser); other lines are
    /// ignored.
    pub fn parse(stdout: &str) -> Build {
        let mut build = Build::default();
        for message in Message::parse_stream(stdout.as_bytes()).map_while(Result::ok)
        {
            match message {
                Message::CompilerArtifact(a) => {
                    if let Some(exe) = a.executable {
                        build.executables.insert(
                            (package_name(&a.package_id), a.target.name),
                            exe.into(),
                        );
                    }
                }
                Message::CompilerMessage(m)
                    if m.message.level == DiagnosticLevel::Error =>
                {
                    let text = m.message.rendered.unwrap_or(m.message.message);
                    build
                        .errors
                        .entry(package_name(&m.package_id))
                        .or_default()
                        .push(text.trim_end().to_string());
                }
                _ => {}
            }
        }
        build
    }

    /// The executable of `package`'s test target `target`.
    pub fn executable(&self, package: &str, target: &str) -> Option<&PathBuf> {
        self.executables
            .get(&(package.to_string(), target.to_string()))
    }

    /// The first `max_lines` lines of `package`'s compiler errors, if it has any.
    pub fn errors_of(&self, package: &str, max_lines: usize) -> Option<String> {
        let text = self.errors.get(package)?.join("\n\n");
        Some(text.lines().take(max_lines).collect::<Vec<_>>().join("\n"))
    }
}

/// The package name in a package id: `path+file:///x/ex01#ch01-ex01-timed@0.1.0` (or
/// `path+file:///x/ch01-ex01-timed#0.1.0` when the folder has the package's name).
pub fn package_name(id: &PackageId) -> String {
    let repr = id.repr.as_str();
    match repr.rsplit_once('#') {
        Some((_, tail)) if tail.contains('@') => {
            tail.split('@').next().unwrap_or(tail).to_string()
        }
        Some((path, _)) => path.rsplit('/').next().unwrap_or(path).to_string(),
        None => repr.to_string(),
    }
}

/// The last `n` lines of `text`: cargo's own errors (a bad manifest, say) end its stderr.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///x/exercises/ch01-sequential/ex01-timed#ch01-ex01-timed@0.1.0","manifest_path":"/x/exercises/ch01-sequential/ex01-timed/Cargo.toml","target":{"kind":["test"],"crate_types":["bin"],"name":"spec","src_path":"/x/exercises/ch01-sequential/ex01-timed/tests/spec.rs","edition":"2024","doc":false,"doctest":false,"test":true},"profile":{"opt_level":"0","debuginfo":2,"debug_assertions":true,"overflow_checks":true,"test":true},"features":[],"filenames":["/t/debug/deps/spec-1"],"executable":"/t/debug/deps/spec-1","fresh":false}
   Compiling ch01-ex02-makespan v0.1.0
{"reason":"compiler-message","package_id":"path+file:///x/exercises/ch01-sequential/ch01-ex02-makespan#0.1.0","manifest_path":"/x/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"ch01_ex02_makespan","src_path":"/x/src/lib.rs","edition":"2024","doc":true,"doctest":true,"test":true},"message":{"rendered":"error[E0308]: mismatched types\n --> src/lib.rs:16:5\n","$message_type":"diagnostic","children":[],"code":{"code":"E0308","explanation":null},"level":"error","message":"mismatched types","spans":[]}}
{"reason":"compiler-message","package_id":"path+file:///x/exercises/ch01-sequential/ch01-ex02-makespan#0.1.0","manifest_path":"/x/Cargo.toml","target":{"kind":["lib"],"crate_types":["lib"],"name":"ch01_ex02_makespan","src_path":"/x/src/lib.rs","edition":"2024","doc":true,"doctest":true,"test":true},"message":{"rendered":"warning: unused variable\n","$message_type":"diagnostic","children":[],"code":null,"level":"warning","message":"unused variable","spans":[]}}
{"reason":"build-finished","success":false}
"#;

    #[test]
    fn executables_and_errors_come_from_the_json_messages() {
        let build = Build::parse(OUTPUT);
        assert_eq!(
            build.executable("ch01-ex01-timed", "spec"),
            Some(&PathBuf::from("/t/debug/deps/spec-1"))
        );
        assert_eq!(
            build.errors_of("ch01-ex02-makespan", 10).as_deref(),
            Some("error[E0308]: mismatched types\n --> src/lib.rs:16:5")
        );
        assert_eq!(build.errors_of("ch01-ex01-timed", 10), None);
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
    }
}
