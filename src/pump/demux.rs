//! The stdout/stderr multiplexing format the engine uses on attach and exec
//! connections without a TTY.
//!
//! Each frame is an 8-byte header `[stream, 0, 0, 0, size: u32 big-endian]`
//! followed by `size` payload bytes. The parser is check-then-parse: a header
//! split across reads is kept in an 8-byte array, payloads are handed out as
//! slices of whatever the caller read (so nothing is copied and memory never
//! follows a header's declared size), and "need more bytes" is the normal
//! answer, not an error.

use std::fmt;

/// Where a piece of payload belongs.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Stdout(&'a [u8]),
    Stderr(&'a [u8]),
    /// A complete message the engine sent on its error stream (id 3).
    EngineError(String),
}

/// The stream is not in the multiplexed format, or ended inside a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum DemuxError {
    UnknownStream(u8),
    Truncated { missing: usize },
}

impl fmt::Display for DemuxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemuxError::UnknownStream(id) => {
                write!(f, "engine sent a frame for unknown stream {id}")
            }
            DemuxError::Truncated { missing } => {
                write!(f, "engine stream ended {missing} bytes short of a frame")
            }
        }
    }
}

impl std::error::Error for DemuxError {}

const HEADER_LEN: usize = 8;
/// The engine's error messages are short; anything beyond this is dropped so
/// that a hostile peer cannot make us buffer without bound.
const ENGINE_MESSAGE_LIMIT: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
    Engine,
}

/// Incremental demultiplexer: feed it whatever arrives, in any pieces.
#[derive(Debug, Default)]
pub struct Demuxer {
    header: [u8; HEADER_LEN],
    header_len: usize,
    /// Payload bytes still to come in the current frame; `None` between frames.
    frame: Option<(Stream, usize)>,
    engine_message: Vec<u8>,
    /// Accept a bare newline where a header should start (see [`Demuxer::podman`]).
    stray_newlines: bool,
    /// The stream of the last frame, which a stray newline belongs to.
    last_stream: Option<Stream>,
}

impl Demuxer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A demuxer for Podman 4's compatible API, whose log replay on attach
    /// sends each line's newline outside its frame (the header counts the
    /// line without it). A newline is never a valid stream id, so taking it
    /// as one more byte of the previous frame rebuilds the output exactly.
    pub fn podman() -> Self {
        Demuxer {
            stray_newlines: true,
            ..Self::default()
        }
    }

    /// Consumes a prefix of `input` and returns how many bytes it took, plus
    /// the piece of payload those bytes carried, if any. Call again with the
    /// rest until the input is used up.
    pub fn step<'a>(&mut self, input: &'a [u8]) -> Result<(usize, Option<Piece<'a>>), DemuxError> {
        let Some((stream, remaining)) = self.frame else {
            if self.stray_newlines && self.header_len == 0 && input[0] == b'\n' {
                match self.last_stream {
                    Some(Stream::Stdout) => return Ok((1, Some(Piece::Stdout(&input[..1])))),
                    Some(Stream::Stderr) => return Ok((1, Some(Piece::Stderr(&input[..1])))),
                    _ => {}
                }
            }
            let take = (HEADER_LEN - self.header_len).min(input.len());
            self.header[self.header_len..self.header_len + take].copy_from_slice(&input[..take]);
            self.header_len += take;
            if self.header_len == HEADER_LEN {
                self.header_len = 0;
                self.start_frame()?;
            }
            return Ok((take, None));
        };
        let take = remaining.min(input.len());
        let payload = &input[..take];
        let left = remaining - take;
        self.frame = (left > 0).then_some((stream, left));
        let piece = match stream {
            Stream::Stdout => (take > 0).then_some(Piece::Stdout(payload)),
            Stream::Stderr => (take > 0).then_some(Piece::Stderr(payload)),
            Stream::Engine => {
                let room = ENGINE_MESSAGE_LIMIT.saturating_sub(self.engine_message.len());
                self.engine_message
                    .extend_from_slice(&payload[..room.min(payload.len())]);
                (left == 0).then(|| self.take_engine_message())
            }
        };
        Ok((take, piece))
    }

    /// Checks that the stream ended on a frame boundary.
    pub fn finish(&self) -> Result<(), DemuxError> {
        match (self.header_len, self.frame) {
            (0, None) => Ok(()),
            (got, None) => Err(DemuxError::Truncated {
                missing: HEADER_LEN - got,
            }),
            (_, Some((_, remaining))) => Err(DemuxError::Truncated { missing: remaining }),
        }
    }

    fn start_frame(&mut self) -> Result<(), DemuxError> {
        let stream = match self.header[0] {
            // Stream 0 is stdin; the engine uses it for stdout in old versions.
            0 | 1 => Stream::Stdout,
            2 => Stream::Stderr,
            3 => Stream::Engine,
            id => return Err(DemuxError::UnknownStream(id)),
        };
        let size = u32::from_be_bytes([
            self.header[4],
            self.header[5],
            self.header[6],
            self.header[7],
        ]);
        // A zero-length frame carries nothing; stay between frames.
        self.frame = (size > 0).then_some((stream, size as usize));
        self.last_stream = Some(stream);
        Ok(())
    }

    fn take_engine_message(&mut self) -> Piece<'static> {
        let text = String::from_utf8_lossy(&self.engine_message)
            .trim_end()
            .to_owned();
        self.engine_message.clear();
        Piece::EngineError(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Collected {
        stdout: Vec<u8>,
        stderr: Vec<u8>,
        engine: Vec<String>,
    }

    fn frame(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![id, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    fn feed(demux: &mut Demuxer, mut input: &[u8], into: &mut Collected) -> Result<(), DemuxError> {
        while !input.is_empty() {
            let (used, piece) = demux.step(input)?;
            match piece {
                Some(Piece::Stdout(b)) => into.stdout.extend_from_slice(b),
                Some(Piece::Stderr(b)) => into.stderr.extend_from_slice(b),
                Some(Piece::EngineError(m)) => into.engine.push(m),
                None => {}
            }
            input = &input[used..];
        }
        Ok(())
    }

    fn demux_in_chunks(input: &[u8], chunk: usize) -> Collected {
        let mut demux = Demuxer::new();
        let mut out = Collected::default();
        for piece in input.chunks(chunk) {
            feed(&mut demux, piece, &mut out).unwrap();
        }
        demux.finish().unwrap();
        out
    }

    #[test]
    fn separates_stdout_and_stderr() {
        let mut input = frame(1, b"out\n");
        input.extend(frame(2, b"err\n"));
        input.extend(frame(1, b"more"));
        let out = demux_in_chunks(&input, input.len());
        assert_eq!(out.stdout, b"out\nmore");
        assert_eq!(out.stderr, b"err\n");
    }

    #[test]
    fn stream_zero_goes_to_stdout() {
        let out = demux_in_chunks(&frame(0, b"x"), 64);
        assert_eq!(out.stdout, b"x");
    }

    #[test]
    fn any_split_point_gives_the_same_streams() {
        let mut input = frame(1, b"hello ");
        input.extend(frame(2, &[0u8, 1, 2, 3, 255]));
        input.extend(frame(1, &[]));
        input.extend(frame(1, b"world"));
        let whole = demux_in_chunks(&input, input.len());
        for chunk in 1..input.len() {
            assert_eq!(demux_in_chunks(&input, chunk), whole, "chunk size {chunk}");
        }
    }

    #[test]
    fn payload_is_handed_out_as_it_arrives() {
        let mut demux = Demuxer::new();
        let header = [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(demux.step(&header).unwrap(), (8, None));
        // A header announcing 4 GiB does not make us wait for, or allocate, 4 GiB.
        assert_eq!(
            demux.step(b"abc").unwrap(),
            (3, Some(Piece::Stdout(b"abc")))
        );
        assert_eq!(
            demux.finish(),
            Err(DemuxError::Truncated {
                missing: 0xffff_ffff - 3
            })
        );
    }

    #[test]
    fn engine_error_frame_is_reported_whole() {
        let out = demux_in_chunks(&frame(3, b"exec failed: boom\n"), 5);
        assert_eq!(out.engine, vec!["exec failed: boom".to_string()]);
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn engine_error_message_is_bounded() {
        let big = vec![b'e'; ENGINE_MESSAGE_LIMIT * 4];
        let out = demux_in_chunks(&frame(3, &big), 1000);
        assert_eq!(out.engine[0].len(), ENGINE_MESSAGE_LIMIT);
    }

    #[test]
    fn podman_log_replay_newlines_outside_frames_are_kept() {
        // What Podman 4.3 sends for `attach?logs=1` replaying two lines.
        let mut input = frame(1, b"before-1");
        input.push(b'\n');
        input.extend(frame(2, b"warn"));
        input.push(b'\n');
        input.extend(frame(1, b"after\n"));
        for chunk in 1..input.len() {
            let mut demux = Demuxer::podman();
            let mut out = Collected::default();
            for piece in input.chunks(chunk) {
                feed(&mut demux, piece, &mut out).unwrap();
            }
            assert_eq!(out.stdout, b"before-1\nafter\n", "chunk {chunk}");
            assert_eq!(out.stderr, b"warn\n", "chunk {chunk}");
        }
        // Docker's framing never needs it, so it stays an error there.
        let mut demux = Demuxer::new();
        let mut out = Collected::default();
        assert_eq!(
            feed(&mut demux, &input, &mut out),
            Err(DemuxError::UnknownStream(b'\n'))
        );
    }

    #[test]
    fn unknown_stream_is_a_protocol_error() {
        let mut demux = Demuxer::new();
        let mut out = Collected::default();
        assert_eq!(
            feed(&mut demux, &frame(7, b"x"), &mut out),
            Err(DemuxError::UnknownStream(7))
        );
    }

    #[test]
    fn end_inside_a_header_is_reported() {
        let mut demux = Demuxer::new();
        demux.step(&[1, 0, 0]).unwrap();
        assert_eq!(demux.finish(), Err(DemuxError::Truncated { missing: 5 }));
    }

    #[test]
    fn end_inside_a_payload_is_reported() {
        let mut demux = Demuxer::new();
        let mut out = Collected::default();
        let input = frame(1, b"0123456789");
        feed(&mut demux, &input[..12], &mut out).unwrap();
        assert_eq!(demux.finish(), Err(DemuxError::Truncated { missing: 6 }));
        assert_eq!(out.stdout, b"0123");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn frames() -> impl Strategy<Value = Vec<(u8, Vec<u8>)>> {
            let frame = (
                prop_oneof![Just(0u8), Just(1u8), Just(2u8)],
                proptest::collection::vec(any::<u8>(), 0..300),
            );
            proptest::collection::vec(frame, 0..40)
        }

        proptest! {
            /// Whatever the frames and wherever the reads cut them, the two
            /// output streams are exactly the concatenated payloads.
            #[test]
            fn output_equals_payloads_for_any_cuts(
                frames in frames(),
                cuts in proptest::collection::vec(1usize..97, 1..50),
            ) {
                let mut input = Vec::new();
                let mut expected = Collected::default();
                for (id, payload) in &frames {
                    input.extend(frame(*id, payload));
                    match id {
                        2 => expected.stderr.extend_from_slice(payload),
                        _ => expected.stdout.extend_from_slice(payload),
                    }
                }
                let mut demux = Demuxer::new();
                let mut got = Collected::default();
                let mut rest = &input[..];
                for cut in cuts.iter().cycle() {
                    if rest.is_empty() {
                        break;
                    }
                    let (piece, tail) = rest.split_at((*cut).min(rest.len()));
                    feed(&mut demux, piece, &mut got).unwrap();
                    rest = tail;
                }
                prop_assert!(demux.finish().is_ok());
                prop_assert_eq!(got, expected);
            }

            /// Arbitrary bytes never panic, and every byte is accounted for:
            /// a step always consumes something or reports an error.
            #[test]
            fn arbitrary_input_never_panics(input in proptest::collection::vec(any::<u8>(), 0..2000)) {
                let mut demux = Demuxer::new();
                let mut rest = &input[..];
                while !rest.is_empty() {
                    match demux.step(rest) {
                        Ok((used, _)) => {
                            prop_assert!(used > 0);
                            rest = &rest[used..];
                        }
                        Err(_) => break,
                    }
                }
                let _ = demux.finish();
            }
        }
    }
}
