//! The machine the numbers come from: CPU model, cores, rustc, and the date.

use std::ffi::OsStr;
use std::fs;
use std::process::Command;

/// Where and how the numbers were measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    /// The `python3` that timed the CPython rows (`Python 3.11.7`); `None` without CPython rows.
    pub python: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// The machine the numbers come from.
pub fn machine() -> Machine {
    Machine {
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        rustc: rustc_version(),
        python: None,
        date: today(),
    }
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| cpuinfo_model(&info))
        .or_else(|| stdout_of("sysctl", &["-n", "machdep.cpu.brand_string"]))
        .unwrap_or_else(|| format!("unknown {} CPU", std::env::consts::ARCH))
}

/// The CPU model from `/proc/cpuinfo` (`model name` on x86, `Hardware`/`Model` elsewhere).
pub fn cpuinfo_model(info: &str) -> Option<String> {
    ["model name", "Hardware", "Model", "cpu model"]
        .into_iter()
        .find_map(|key| {
            info.lines().find_map(|line| {
                let (k, v) = line.split_once(':')?;
                (k.trim() == key && !v.trim().is_empty())
                    .then(|| v.split_whitespace().collect::<Vec<_>>().join(" "))
            })
        })
}

/// What a command printed, trimmed; `None` if it failed or printed nothing.
fn stdout_of(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    stdout_of(rustc, &["-V"]).unwrap_or_else(|| "rustc (unknown version)".to_string())
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()
}

/// The date (UTC, `YYYY-MM-DD`) `path` was last written; `None` if it does not exist.
pub fn date_written(path: &std::path::Path) -> Option<String> {
    let written = fs::metadata(path).ok()?.modified().ok()?;
    let written = jiff::Timestamp::try_from(written).ok()?;
    Some(written.strftime("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_from_cpuinfo() {
        let x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)  CPU @ 2.20GHz\n";
        assert_eq!(
            cpuinfo_model(x86).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        let arm = "processor\t: 0\nBogoMIPS\t: 48.00\n\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";
        assert_eq!(
            cpuinfo_model(arm).as_deref(),
            Some("Raspberry Pi 4 Model B Rev 1.4")
        );
        assert_eq!(cpuinfo_model("processor : 0\n"), None);
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!((t.len(), &t[4..5], &t[7..8]), (10, "-", "-"), "{t}");
    }

    #[test]
    fn a_file_is_dated_by_its_last_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("course-run.json");
        let file = std::fs::File::create(&path).unwrap();
        // 2026-12-01T21:20:53Z
        let written =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_160_053);
        file.set_modified(written).unwrap();
        assert_eq!(date_written(&path).as_deref(), Some("2026-12-01"));
        assert_eq!(date_written(&dir.path().join("none")), None);
    }
}
