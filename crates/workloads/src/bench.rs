//! The book's criterion settings, written once for every chapter's
//! benches (feature `criterion`).

use criterion::Criterion;
use std::time::Duration;

// ANCHOR: criterion
/// The book's criterion settings: 10 samples after 1 s of warm-up, 3 s
/// of measurement.
///
/// Every chapter's `benches/*.rs` uses this, so the chapters' numbers
/// are measured alike.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
// ANCHOR_END: criterion
