//! Values as bytes: what crosses a pipe between two processes.
//!
//! Threads share memory, so `thread::spawn` hands back any `T: Send`. A
//! child process shares nothing with its parent after `fork`: its result
//! must be turned into bytes, written to a pipe and rebuilt on the other
//! side. Python's `multiprocessing` does this with `pickle`; here a
//! small trait does it for the types the book needs, with no dependency.

use thiserror::Error;

/// Bytes that could not be turned back into a value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed message: {0}")]
pub struct WireError(pub &'static str);

// ANCHOR: wire
/// A value that can travel between processes as bytes.
///
/// `encode` appends the value to `out`; `decode` reads one value from the front of
/// `input` and advances it, so tuples and vectors are built from their parts.
pub trait Wire: Sized {
    /// Appends the bytes of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads one value from the front of `input`, advancing it past the value.
    fn decode(input: &mut &[u8]) -> Result<Self, WireError>;

    /// The bytes of `self`.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// The value held by exactly these bytes (no bytes left over).
    fn from_bytes(mut bytes: &[u8]) -> Result<Self, WireError> {
        let value = Self::decode(&mut bytes)?;
        if bytes.is_empty() {
            Ok(value)
        } else {
            Err(WireError("bytes left over after the value"))
        }
    }
}

impl Wire for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let (head, rest) = input
            .split_first_chunk::<8>()
            .ok_or(WireError("truncated u64"))?;
        *input = rest;
        Ok(u64::from_le_bytes(*head))
    }
}
// ANCHOR_END: wire

impl Wire for i64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        u64::decode(input).map(|v| i64::from_le_bytes(v.to_le_bytes()))
    }
}

impl Wire for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let (head, rest) = input
            .split_first_chunk::<4>()
            .ok_or(WireError("truncated u32"))?;
        *input = rest;
        Ok(u32::from_le_bytes(*head))
    }
}

impl Wire for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let (&first, rest) = input.split_first().ok_or(WireError("truncated u8"))?;
        *input = rest;
        Ok(first)
    }
}

impl Wire for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        match u8::decode(input)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(WireError("a bool must be 0 or 1")),
        }
    }
}

impl Wire for () {
    fn encode(&self, _out: &mut Vec<u8>) {}
    fn decode(_input: &mut &[u8]) -> Result<Self, WireError> {
        Ok(())
    }
}

/// A length in a message: a `u64` that must fit the remaining input.
fn decode_len(input: &mut &[u8]) -> Result<usize, WireError> {
    let len = u64::decode(input)?;
    usize::try_from(len).map_err(|_| WireError("length does not fit in usize"))
}

impl<T: Wire> Wire for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.len() as u64).encode(out);
        for item in self {
            item.encode(out);
        }
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let len = decode_len(input)?;
        // Never trust a length to allocate: grow as items really arrive.
        let mut items = Vec::with_capacity(len.min(input.len()));
        for _ in 0..len {
            items.push(T::decode(input)?);
        }
        Ok(items)
    }
}

impl Wire for String {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.len() as u64).encode(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        let len = decode_len(input)?;
        if input.len() < len {
            return Err(WireError("truncated string"));
        }
        let (text, rest) = input.split_at(len);
        *input = rest;
        String::from_utf8(text.to_vec())
            .map_err(|_| WireError("a string must be UTF-8"))
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        Ok((A::decode(input)?, B::decode(input)?))
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
        self.2.encode(out);
    }
    fn decode(input: &mut &[u8]) -> Result<Self, WireError> {
        Ok((A::decode(input)?, B::decode(input)?, C::decode(input)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Wire + PartialEq + std::fmt::Debug>(value: T) {
        let bytes = value.to_bytes();
        assert_eq!(T::from_bytes(&bytes).unwrap(), value);
    }

    #[test]
    fn values_survive_the_trip() {
        round_trip(0u64);
        round_trip(u64::MAX);
        round_trip(-5i64);
        round_trip(7u32);
        round_trip(true);
        round_trip(());
        round_trip(vec![1u8, 2, 3]);
        round_trip(String::from("héllo"));
        round_trip((3u64, String::from("x")));
        round_trip((1u32, vec![4u64, 5], false));
        round_trip(Vec::<u64>::new());
    }

    #[test]
    fn bad_bytes_are_errors_not_panics() {
        assert_eq!(u64::from_bytes(&[1, 2, 3]), Err(WireError("truncated u64")));
        assert_eq!(
            u64::from_bytes(&[0; 9]),
            Err(WireError("bytes left over after the value"))
        );
        assert!(bool::from_bytes(&[7]).is_err());
        assert!(String::from_bytes(&[2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]).is_err());
        // A huge announced length with no data behind it fails without allocating it.
        let mut lie = u64::MAX.to_bytes();
        lie.push(1);
        assert!(Vec::<u8>::from_bytes(&lie).is_err());
    }
}
