//! Logging set up from `--log-level`/`DPTY_LOG` and `--log-file`.
//!
//! Logs never land on a terminal in raw mode: while a session holds the
//! terminal raw, lines meant for a terminal stderr are kept in a bounded
//! buffer and written out once the terminal is restored.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context as _;

/// Lines kept while the terminal is raw; beyond this they are dropped and counted.
const HELD_LIMIT: usize = 1 << 20;

static HELD: Mutex<Held> = Mutex::new(Held {
    buffer: Vec::new(),
    dropped: 0,
});

struct Held {
    buffer: Vec<u8>,
    dropped: usize,
}

/// Sets up logging; without a level nothing is logged at all.
pub fn init(level: Option<&str>, file: Option<&Path>) -> anyhow::Result<()> {
    let Some(level) = level.filter(|l| !l.is_empty()) else {
        return Ok(());
    };
    // bollard logs request bodies at debug and trace, and those carry the
    // process's environment (`-e SECRET=...`): its own lines stop at info,
    // whatever the level, while dpty logs every call's method and path.
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .with_context(|| format!("invalid log level '{level}'"))?
        .add_directive(
            "bollard=info"
                .parse()
                .context("the filter for bollard's own logs")?,
        );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false);
    match file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening log file {}", path.display()))?;
            builder.with_writer(Mutex::new(file)).init();
        }
        None => builder.with_writer(|| HeldStderr).init(),
    }
    Ok(())
}

/// Writes out what was held (the terminal is restored, or dpty is ending).
pub fn release() {
    let Ok(mut held) = HELD.lock() else { return };
    write_held(&mut held);
}

fn write_held(held: &mut Held) {
    if held.buffer.is_empty() && held.dropped == 0 {
        return;
    }
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(&held.buffer);
    if held.dropped > 0 {
        let _ = writeln!(
            stderr,
            "({} bytes of logs dropped while the terminal was raw)",
            held.dropped
        );
    }
    held.buffer = Vec::new();
    held.dropped = 0;
}

/// stderr, or the hold buffer while the terminal is raw.
struct HeldStderr;

impl Write for HeldStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        hold_or_write(dpty::terminal_is_raw(), buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// Keeps `buf` while the terminal is `raw`; else writes what was kept, then `buf`.
fn hold_or_write(raw: bool, buf: &[u8]) -> io::Result<usize> {
    if let Ok(mut held) = HELD.lock() {
        if raw {
            if held.buffer.len() + buf.len() <= HELD_LIMIT {
                held.buffer.extend_from_slice(buf);
            } else {
                held.dropped += buf.len();
            }
            return Ok(buf.len());
        }
        write_held(&mut held);
    }
    io::stderr().write(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_held_while_raw_and_bounded() {
        hold_or_write(true, b"held line\n").unwrap();
        let big = vec![b'x'; HELD_LIMIT];
        hold_or_write(true, &big).unwrap();
        {
            let held = HELD.lock().unwrap();
            assert_eq!(held.buffer, b"held line\n");
            assert_eq!(held.dropped, HELD_LIMIT);
        }
        release();
        let held = HELD.lock().unwrap();
        assert!(held.buffer.is_empty() && held.dropped == 0);
    }
}
