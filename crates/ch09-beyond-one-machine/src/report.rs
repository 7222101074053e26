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
}
