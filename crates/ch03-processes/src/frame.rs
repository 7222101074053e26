//! Length-framed messages on a byte stream (a pipe, a child's stdin or stdout).
//!
//! A pipe is a stream of bytes with no message boundaries. Each message is sent as
//! its length (`u64`, little-endian) followed by its bytes, so the reader knows where
//! it ends. A child's last word is a [`Report`]: a tag byte, then one frame.

use std::io::{self, Read, Write};

// ANCHOR: frames
/// Writes `bytes` as one frame: its length, then the bytes.
pub fn write_frame(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)?;
    w.flush()
}

/// Reads one frame. `Ok(None)` means the stream ended cleanly before a
/// frame started (the writer closed its end, or died, without sending
/// anything); a frame cut short is an error.
pub fn read_frame(r: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    let mut filled = 0;
    while filled < len.len() {
        match r.read(&mut len[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u64::from_le_bytes(len);
    let mut bytes = Vec::new();
    // `take` + `read_to_end` grows the buffer as bytes arrive: a corrupt length
    // cannot make us allocate gigabytes up front.
    r.take(len).read_to_end(&mut bytes)?;
    if (bytes.len() as u64) < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "frame cut short",
        ));
    }
    Ok(Some(bytes))
}
// ANCHOR_END: frames

/// A child's last message to its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// The task returned; these are the bytes of its value.
    Value(Vec<u8>),
    /// The task panicked with this message.
    Panic(String),
}

impl Report {
    /// The report of a child whose task panicked. The payload is leaked, never
    /// dropped: a payload is any value (`panic_any`), and a `Drop` that panics would
    /// unwind out of the child, past its report, into the caller's code.
    pub fn of_panic(payload: Box<dyn std::any::Any + Send>) -> Report {
        let message = panic_message(&*payload);
        std::mem::forget(payload);
        Report::Panic(message)
    }
}

const TAG_VALUE: u8 = 0;
const TAG_PANIC: u8 = 1;

/// Writes a [`Report`]: a tag byte, then one frame.
pub fn write_report(w: &mut impl Write, report: &Report) -> io::Result<()> {
    let (tag, bytes) = match report {
        Report::Value(bytes) => (TAG_VALUE, bytes.as_slice()),
        Report::Panic(message) => (TAG_PANIC, message.as_bytes()),
    };
    let mut message = Vec::with_capacity(9 + bytes.len());
    message.push(tag);
    message.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    message.extend_from_slice(bytes);
    // One write: small reports reach the pipe atomically.
    w.write_all(&message)?;
    w.flush()
}

/// The length of the report at the start of `bytes` (tag, length, payload), if all of
/// it is there: how a reader that collects bytes as they come (a non-blocking pipe)
/// knows it may decode one with [`read_report`].
pub fn report_len(bytes: &[u8]) -> Option<usize> {
    let len = u64::from_le_bytes(bytes.get(1..9)?.try_into().ok()?);
    let whole = usize::try_from(len).ok()?.checked_add(9)?;
    (bytes.len() >= whole).then_some(whole)
}

/// Reads a [`Report`]; `Ok(None)` if the stream ended before one started.
pub fn read_report(r: &mut impl Read) -> io::Result<Option<Report>> {
    let mut tag = [0u8; 1];
    loop {
        match r.read(&mut tag) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let bytes = read_frame(r)?.ok_or(io::ErrorKind::UnexpectedEof)?;
    match tag[0] {
        TAG_VALUE => Ok(Some(Report::Value(bytes))),
        TAG_PANIC => Ok(Some(Report::Panic(
            String::from_utf8_lossy(&bytes).into_owned(),
        ))),
        other => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unknown report tag {other}"),
        )),
    }
}

/// The text of a panic payload: chapter 02's, the one the whole book uses.
pub use ch02_threads::panic_message;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_keep_their_boundaries() {
        let mut stream = Vec::new();
        write_frame(&mut stream, b"first").unwrap();
        write_frame(&mut stream, b"").unwrap();
        write_frame(&mut stream, b"third").unwrap();
        let mut r = stream.as_slice();
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"first");
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"");
        assert_eq!(read_frame(&mut r).unwrap().unwrap(), b"third");
        assert_eq!(read_frame(&mut r).unwrap(), None);
    }

    #[test]
    fn a_cut_frame_is_an_error() {
        let mut stream = Vec::new();
        write_frame(&mut stream, b"complete").unwrap();
        stream.truncate(11);
        assert_eq!(
            read_frame(&mut stream.as_slice()).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        assert!(read_frame(&mut [1u8, 0].as_slice()).is_err());
    }

    #[test]
    fn report_len_waits_for_the_whole_report() {
        let mut stream = Vec::new();
        write_report(&mut stream, &Report::Value(vec![7; 5])).unwrap();
        assert_eq!(stream.len(), 14);
        for cut in 0..stream.len() {
            assert_eq!(
                report_len(&stream[..cut]),
                None,
                "{cut} bytes are not a report"
            );
        }
        stream.extend_from_slice(b"next");
        assert_eq!(
            report_len(&stream),
            Some(14),
            "the bytes after it are not its"
        );
        let report = read_report(&mut &stream[..14]).unwrap();
        assert_eq!(report, Some(Report::Value(vec![7; 5])));
    }

    #[test]
    fn reports_round_trip() {
        for report in [Report::Value(vec![1, 2]), Report::Panic("boom".into())] {
            let mut stream = Vec::new();
            write_report(&mut stream, &report).unwrap();
            assert_eq!(read_report(&mut stream.as_slice()).unwrap(), Some(report));
        }
        assert_eq!(read_report(&mut [].as_slice()).unwrap(), None);
        assert!(read_report(&mut [9u8, 0, 0, 0, 0, 0, 0, 0, 0].as_slice()).is_err());
    }

    #[test]
    fn panic_messages_are_recovered() {
        let p = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(&*p), "static");
        let p = std::panic::catch_unwind(|| panic!("formatted {}", 42)).unwrap_err();
        assert_eq!(panic_message(&*p), "formatted 42");
    }
}
