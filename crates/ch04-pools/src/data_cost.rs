//! Moving data to a process-pool worker and back: what arguments and results cost
//! when they cross as bytes through the pool's pipes (the `data` benchmark), against
//! shared memory ([`crate::shared_memory`]).

use ch03_processes::{Wire, WireError};

// ANCHOR: sizes
/// The sizes the `data` benchmark and `python/data_cost.py` send: 1 KiB to 100 MiB.
pub const SIZES: [(&str, usize); 5] = [
    ("1 KiB", 1 << 10),
    ("64 KiB", 64 << 10),
    ("1 MiB", 1 << 20),
    ("16 MiB", 16 << 20),
    ("100 MiB", 100 << 20),
];
// ANCHOR_END: sizes

// ANCHOR: bytes
/// A block of bytes that crosses the pipe as one copy: its length, then the bytes.
///
/// `Vec<u8>` is `Wire` too, but through the generic `Vec<T>` code, one
/// element at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Wire for Bytes {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.0.len() as u64).encode(out);
        out.extend_from_slice(&self.0);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let len = usize::try_from(u64::decode(input)?)
            .map_err(|_| WireError("length does not fit in usize"))?;
        if input.len() < len {
            return Err(WireError("truncated bytes"));
        }
        let (bytes, rest) = input.split_at(len);
        *input = rest;
        Ok(Bytes(bytes.to_vec()))
    }
}

/// The `data` benchmark's task: the argument comes back as the result, so `n` bytes
/// cross the pipes each way.
pub fn echo(bytes: Bytes) -> Bytes {
    bytes
}
// ANCHOR_END: bytes

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_survive_the_trip_and_bad_lengths_are_errors() {
        let data = Bytes((0..=255u8).cycle().take(1000).collect());
        assert_eq!(Bytes::from_bytes(&data.to_bytes()), Ok(data.clone()));
        assert_eq!(echo(data.clone()), data);
        let mut lie = 10u64.to_bytes();
        lie.extend([1, 2, 3]);
        assert_eq!(Bytes::from_bytes(&lie), Err(WireError("truncated bytes")));
    }

    #[test]
    fn the_sizes_are_what_their_labels_say() {
        let labels: Vec<String> = SIZES
            .iter()
            .map(|&(_, n)| match n {
                n if n >= 1 << 20 => format!("{} MiB", n >> 20),
                n => format!("{} KiB", n >> 10),
            })
            .collect();
        assert_eq!(labels, SIZES.map(|(label, _)| label.to_owned()));
    }
}
