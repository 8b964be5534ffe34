//! Fuzzes the attach-stream demuxer (Docker's framing and Podman's variant)
//! with arbitrary bytes cut at arbitrary points: it must never panic, must always make progress, must never hand
//! out more payload than the input held, and must give the same streams
//! however the input is cut.
#![no_main]

use libfuzzer_sys::fuzz_target;

use dpty::fuzzing::{Demuxer, Piece};

#[derive(Default, PartialEq, Debug)]
struct Streams {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    engine: Vec<String>,
    failed: bool,
}

fn run(input: &[u8], cut: usize, podman: bool) -> Streams {
    let mut demux = if podman { Demuxer::podman() } else { Demuxer::new() };
    let mut out = Streams::default();
    'chunks: for chunk in input.chunks(cut.max(1)) {
        let mut rest = chunk;
        while !rest.is_empty() {
            match demux.step(rest) {
                Ok((used, piece)) => {
                    assert!(used > 0 && used <= rest.len(), "no progress or overrun");
                    match piece {
                        Some(Piece::Stdout(b)) => out.stdout.extend_from_slice(b),
                        Some(Piece::Stderr(b)) => out.stderr.extend_from_slice(b),
                        Some(Piece::EngineError(m)) => out.engine.push(m),
                        None => {}
                    }
                    rest = &rest[used..];
                }
                Err(_) => {
                    out.failed = true;
                    break 'chunks;
                }
            }
        }
    }
    if !out.failed && demux.finish().is_err() {
        out.failed = true;
    }
    assert!(out.stdout.len() + out.stderr.len() <= input.len());
    out
}

fuzz_target!(|data: &[u8]| {
    let [mode, cut, input @ ..] = data else {
        return;
    };
    let podman = mode & 1 == 1;
    let whole = run(input, input.len(), podman);
    let pieces = run(input, usize::from(*cut), podman);
    assert_eq!(whole, pieces, "result depends on how the input was cut");
});
