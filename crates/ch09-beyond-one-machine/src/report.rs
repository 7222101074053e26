//! How the examples print a measurement: the median, with the spread beside it.

use ch01_sequential::timing::{Short, Spread};

/// `median 38.2 ms (min..max 37.9 ms..40.1 ms, 5 runs)`.
pub fn spread(s: &Spread) -> String {
    format!(
        "median {} (min..max {}..{}, {} runs)",
        Short(s.median()),
        Short(s.min()),
        Short(s.max()),
        s.runs()
    )
}

/// One variant's line: its spread, its measured speedup over `sequential` (medians),
/// and the best speedup its schedule allows (`best`, from chapter 01's ideal).
pub fn speedup_line(
    name: &str,
    s: &Spread,
    sequential: &Spread,
    best: f64,
) -> String {
    let measured = sequential.median().as_secs_f64() / s.median().as_secs_f64();
    format!(
        "{name:<14} {}  speedup {measured:.2}, this split's best {best:.2}",
        spread(s)
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_median_comes_first_then_the_spread() {
        let ms = Duration::from_millis;
        let s = Spread::new(vec![ms(40), ms(38), ms(39)]).unwrap();
        assert_eq!(
            spread(&s),
            "median 39.0 ms (min..max 38.0 ms..40.0 ms, 3 runs)"
        );
    }

    #[test]
    fn the_speedup_divides_the_medians() {
        let ms = Duration::from_millis;
        let sequential = Spread::new(vec![ms(80)]).unwrap();
        let parallel = Spread::new(vec![ms(40)]).unwrap();
        assert_eq!(
            speedup_line("static split", &parallel, &sequential, 1.39),
            "static split   median 40.0 ms (min..max 40.0 ms..40.0 ms, 1 runs)  speedup 2.00, \
             this split's best 1.39"
        );
    }
}
