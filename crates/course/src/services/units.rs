//! Numbers as the book prints them (durations and ratios with 3 significant digits), and
//! indented text as the tool prints it.

/// Rounds to 3 significant digits and prints without exponent (`38.2`, `412`, `1.86`).
fn three_digits(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A duration in nanoseconds in human units with 3 significant digits: `412 ns`, `38.2 ms`.
pub fn format_duration(ns: f64) -> String {
    let fits = |scale: f64| {
        three_digits(ns / scale)
            .parse::<f64>()
            .is_ok_and(|s| s < 1000.0)
    };
    let units = [("ns", 1.0), ("µs", 1e3), ("ms", 1e6)];
    let (unit, scale) = units.into_iter().find(|u| fits(u.1)).unwrap_or(("s", 1e9));
    format!("{} {unit}", three_digits(ns / scale))
}

/// A speedup ratio with 3 significant digits: `1.86x`, `12.3x`, `0.48x`. Below 0.1 it keeps
/// two significant digits (`0.019x`, `0.0043x`), so a large slowdown never shows as `0.00x`.
pub fn format_speedup(ratio: f64) -> String {
    if ratio > 0.0 && ratio < 0.1 {
        let decimals = (1.0 - ratio.log10().floor()) as usize;
        return format!("{ratio:.decimals$}x");
    }
    format!("{}x", three_digits(ratio))
}

/// `24.9 ms..26.1 ms`, or `-` when there are no samples.
pub fn format_spread(spread: Option<(f64, f64)>) -> String {
    match spread {
        Some((lo, hi)) => format!("{}..{}", format_duration(lo), format_duration(hi)),
        None => "-".to_string(),
    }
}

/// `text` with every line indented by `by` spaces.
pub fn indent(text: &str, by: usize) -> String {
    let lines: Vec<String> = text.lines().map(|l| format!("{:by$}{l}", "")).collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_have_three_significant_digits() {
        assert_eq!(format_duration(412.3), "412 ns");
        assert_eq!(format_duration(5.0), "5.00 ns");
        assert_eq!(format_duration(1_234.0), "1.23 µs");
        assert_eq!(format_duration(38_215_000.0), "38.2 ms");
        assert_eq!(format_duration(999_700.0), "1.00 ms");
        assert_eq!(format_duration(2.5e9), "2.50 s");
        assert_eq!(format_duration(1234e9), "1234 s");
    }

    #[test]
    fn speedups() {
        assert_eq!(format_speedup(1.8612), "1.86x");
        assert_eq!(format_speedup(12.34), "12.3x");
        assert_eq!(format_speedup(0.4812), "0.48x");
        assert_eq!(format_speedup(1.0), "1.00x");
        assert_eq!(format_speedup(0.019), "0.019x");
        assert_eq!(format_speedup(0.004_31), "0.0043x");
        assert_eq!(format_speedup(0.0), "0.00x");
    }
}
