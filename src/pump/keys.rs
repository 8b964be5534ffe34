//! Detach keys: the key sequence that leaves a session while the container
//! keeps running, in the docker CLI's syntax (`ctrl-p,ctrl-q` by default).
//!
//! The detector sits on the TTY input path. A partly typed sequence is held
//! back; if the next byte does not continue it, the held bytes go out
//! unchanged, so typing ctrl-p then `x` delivers both. The full sequence is
//! never delivered.

use std::fmt;

/// The sequence the docker CLI uses when none is configured.
pub const DEFAULT_DETACH_KEYS: &str = "ctrl-p,ctrl-q";

/// A detach-keys item that is not a key docker understands.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidKey(pub String);

impl fmt::Display for InvalidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid detach key '{}': use single characters, ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_ or DEL, separated by commas",
            self.0
        )
    }
}

impl std::error::Error for InvalidKey {}

/// Parses a spec such as `ctrl-p,ctrl-q` or `ctrl-a,b` into its bytes.
pub fn parse(spec: &str) -> Result<Vec<u8>, InvalidKey> {
    spec.split(',').map(parse_key).collect()
}

fn parse_key(key: &str) -> Result<u8, InvalidKey> {
    let invalid = || InvalidKey(key.to_owned());
    if let [byte] = key.as_bytes() {
        return if byte.is_ascii() {
            Ok(*byte)
        } else {
            Err(invalid())
        };
    }
    if key.eq_ignore_ascii_case("DEL") {
        return Ok(0x7f);
    }
    let lower = key.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("ctrl-") else {
        return Err(invalid());
    };
    match rest.as_bytes() {
        [c @ b'a'..=b'z'] => Ok(c - b'a' + 1),
        [b'@'] => Ok(0),
        [c @ (b'[' | b'\\' | b']' | b'^' | b'_')] => Ok(c - b'@'),
        _ => Err(invalid()),
    }
}

/// Watches typed bytes for the detach sequence.
#[derive(Debug)]
pub struct Detector {
    keys: Vec<u8>,
    matched: usize,
}

impl Detector {
    pub fn new(keys: Vec<u8>) -> Self {
        Detector { keys, matched: 0 }
    }

    /// Appends to `out` the bytes of `input` that should be forwarded now.
    /// Returns true when the whole sequence has been typed; bytes after it
    /// are dropped, as the session is over.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> bool {
        if self.keys.is_empty() {
            out.extend_from_slice(input);
            return false;
        }
        for &byte in input {
            if byte == self.keys[self.matched] {
                self.matched += 1;
                if self.matched == self.keys.len() {
                    return true;
                }
                continue;
            }
            // Release what was held, then see whether this byte starts anew.
            // Re-scanning the held bytes is not needed: a sequence that
            // repeats its first key is matched greedily, like docker does.
            out.extend_from_slice(&self.keys[..self.matched]);
            self.matched = 0;
            if byte == self.keys[0] {
                self.matched = 1;
                if self.keys.len() == 1 {
                    return true;
                }
            } else {
                out.push(byte);
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_syntax() {
        assert_eq!(parse("ctrl-p,ctrl-q").unwrap(), [0x10, 0x11]);
        assert_eq!(parse("ctrl-a,b").unwrap(), [0x01, b'b']);
        assert_eq!(
            parse("CTRL-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_").unwrap(),
            [0, 27, 28, 29, 30, 31]
        );
        assert_eq!(parse("DEL").unwrap(), [0x7f]);
    }

    #[test]
    fn refuses_bad_items_by_name() {
        assert_eq!(parse("ctrl-ä"), Err(InvalidKey("ctrl-ä".into())));
        assert_eq!(parse("ctrl-p,shift-q"), Err(InvalidKey("shift-q".into())));
        assert_eq!(parse("ä"), Err(InvalidKey("ä".into())));
        assert_eq!(parse(""), Err(InvalidKey(String::new())));
        assert!(InvalidKey("x-y".into()).to_string().contains("'x-y'"));
    }

    fn run(keys: &str, chunks: &[&[u8]]) -> (Vec<u8>, bool) {
        let mut detector = Detector::new(parse(keys).unwrap());
        let mut out = Vec::new();
        for chunk in chunks {
            if detector.feed(chunk, &mut out) {
                return (out, true);
            }
        }
        (out, false)
    }

    #[test]
    fn detaches_on_the_full_sequence_even_across_reads() {
        assert_eq!(
            run("ctrl-p,ctrl-q", &[b"ls\x10", b"\x11more"]),
            (b"ls".to_vec(), true)
        );
    }

    #[test]
    fn a_broken_sequence_is_delivered_unchanged() {
        assert_eq!(
            run("ctrl-p,ctrl-q", &[b"\x10", b"x"]),
            (b"\x10x".to_vec(), false)
        );
        assert_eq!(
            run("ctrl-p,ctrl-q", &[b"\x10\x10\x11"]),
            (b"\x10".to_vec(), true)
        );
    }

    #[test]
    fn custom_keys_replace_the_default() {
        assert_eq!(
            run("ctrl-a,b", &[b"\x10\x11"]),
            (b"\x10\x11".to_vec(), false)
        );
        assert_eq!(run("ctrl-a,b", &[b"a\x01b"]), (b"a".to_vec(), true));
    }
}
