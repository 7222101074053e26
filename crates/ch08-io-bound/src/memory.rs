//! What this process holds in memory, from `/proc/self/status` (Linux).
//!
//! `VmRSS` is the resident set now; `VmHWM` its peak ("high water mark"). Writing `5`
//! to `/proc/self/clear_refs` resets the peak to the current value, so one program
//! can measure several peaks one after the other.

// ANCHOR: rss
/// Resident memory of this process now (`VmRSS`) and at its peak (`VmHWM`), in KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

/// Reads `/proc/self/status`; `None` where there is none (not Linux).
pub fn memory() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        peak_kib: field("VmHWM:")?,
    })
}

/// Resets the peak (`VmHWM`) to the current resident size. `false` if
/// the kernel refused.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
// ANCHOR_END: rss

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    // One test, not two: tests run on parallel threads, and one test's 32 MiB would
    // show in the other's reading.
    #[test]
    fn touching_memory_raises_the_resident_size_and_the_peak_can_be_reset() {
        let before = memory().unwrap();
        let mut block = vec![0u8; 32 << 20];
        for page in block.chunks_mut(4096) {
            page[0] = 1;
        }
        let after = memory().unwrap();
        std::hint::black_box(&block);
        assert!(
            after.rss_kib >= before.rss_kib + (16 << 10),
            "{before:?} -> {after:?}"
        );
        assert!(after.peak_kib >= after.rss_kib);
        drop(block);
        assert!(reset_peak());
        let now = memory().unwrap();
        assert!(now.peak_kib < after.peak_kib, "{after:?} -> {now:?}");
    }
}
