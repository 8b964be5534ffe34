//! `--record`: the session written as an asciicast v2 file (asciinema's
//! format), without slowing the session or risking a byte of it.
//!
//! The session only timestamps and copies what it moves into a bounded
//! queue; a thread of its own turns that into JSON lines and writes them, and
//! flushes whenever the queue runs dry, so the file on disk is complete up
//! to the last event even if dpty is killed. When the disk cannot keep up
//! and the queue holds [`QUEUE_BYTES`], events are left out of the recording
//! rather than held or waited for; that, and a failure to write, are said
//! once after the session. Nothing here ever ends a session.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use tracing::debug;

use super::terminal::{local_size, Size};

/// At most this many bytes of events wait for the disk at any time.
pub const QUEUE_BYTES: usize = 16 * 1024 * 1024;

/// Where to record a session as an asciicast v2 file (what `asciinema
/// play` shows), and whether keystrokes go in too.
///
/// ```
/// let spec = dpty::RecordSpec { path: "session.cast".into(), input: false };
/// # let _ = dpty::Session::attach("web").record(spec);
/// ```
#[derive(Debug, Clone)]
pub struct RecordSpec {
    /// The file, made anew.
    pub path: PathBuf,
    /// Keystrokes too (`--record-input`); they can hold passwords.
    pub input: bool,
}

/// A recording in progress. Dropping it waits for the writer to put every
/// queued event on disk and reports, once, anything that went wrong.
pub struct Recording {
    tap: Option<Tap>,
    writer: Option<JoinHandle<Option<String>>>,
    path: PathBuf,
}

/// The session's handle: cheap to clone, never blocks.
#[derive(Clone)]
pub struct Tap {
    queue: SyncSender<Event>,
    shared: Arc<Shared>,
    start: Instant,
    input: bool,
}

struct Shared {
    /// Bytes queued and not yet written.
    queued: AtomicUsize,
    /// Bytes of events left out because the queue was full.
    left_out: AtomicU64,
}

enum Event {
    Output(Duration, Vec<u8>),
    Input(Duration, Vec<u8>),
    Resize(Duration, Size),
}

impl Recording {
    /// Creates the file and writes the header: the local side's size now
    /// (`size`, else this process's terminal's, else 80x24), the command
    /// line and the time.
    pub fn start(spec: &RecordSpec, size: Option<Size>) -> anyhow::Result<Self> {
        let command = std::env::args().collect::<Vec<_>>().join(" ");
        Self::start_with(spec, &command, size)
    }

    fn start_with(spec: &RecordSpec, command: &str, size: Option<Size>) -> anyhow::Result<Self> {
        let file = File::create(&spec.path)
            .with_context(|| format!("creating the recording {}", spec.path.display()))?;
        let size = size
            .or_else(local_size)
            .unwrap_or(Size { rows: 24, cols: 80 });
        let timestamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = header(size, timestamp, command, |key| std::env::var(key).ok());
        let mut out = BufWriter::with_capacity(256 * 1024, file);
        out.write_all(header.as_bytes())
            .and_then(|()| out.flush())
            .with_context(|| format!("writing the recording {}", spec.path.display()))?;
        // Counted in events, bounded in bytes by `queued`.
        let (queue, events) = mpsc::sync_channel(4096);
        let shared = Arc::new(Shared {
            queued: AtomicUsize::new(0),
            left_out: AtomicU64::new(0),
        });
        let for_writer = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("record".into())
            .spawn(move || write_events(out, events, &for_writer))
            .context("starting the recorder")?;
        Ok(Recording {
            tap: Some(Tap {
                queue,
                shared,
                start: Instant::now(),
                input: spec.input,
            }),
            writer: Some(writer),
            path: spec.path.clone(),
        })
    }

    pub fn tap(&self) -> Option<Tap> {
        self.tap.clone()
    }
}

impl Recording {
    /// Waits for everything to be on disk; says what went wrong, if anything.
    pub fn finish(mut self) -> Option<String> {
        self.close()
    }

    fn close(&mut self) -> Option<String> {
        let left_out = self
            .tap
            .as_ref()
            .map_or(0, |tap| tap.shared.left_out.load(Ordering::Relaxed));
        // The writer ends once every sender is gone and the queue is drained.
        self.tap = None;
        let failure = self
            .writer
            .take()
            .and_then(|writer| writer.join().ok().flatten());
        let path = self.path.display();
        if let Some(error) = failure {
            Some(format!(
                "writing the recording {path} failed: {error}; the session went on without it"
            ))
        } else if left_out > 0 {
            Some(format!(
                "the disk did not keep up: {left_out} bytes of the session are missing from the recording {path}"
            ))
        } else {
            None
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // Only when not finished (an early return): the failure is logged.
        if let Some(notice) = self.close() {
            tracing::warn!(notice);
        }
    }
}

impl std::fmt::Debug for Tap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tap").field("input", &self.input).finish()
    }
}

impl Tap {
    pub fn output(&self, data: &[u8]) {
        self.send(data.len(), |at| Event::Output(at, data.to_vec()));
    }

    /// Whether keystrokes are recorded (so they must pass through dpty).
    pub fn records_input(&self) -> bool {
        self.input
    }

    /// Keystrokes, recorded only when asked for.
    pub fn input(&self, data: &[u8]) {
        if self.input {
            self.send(data.len(), |at| Event::Input(at, data.to_vec()));
        }
    }

    pub fn resize(&self, size: Size) {
        self.send(16, |at| Event::Resize(at, size));
    }

    fn send(&self, len: usize, event: impl FnOnce(Duration) -> Event) {
        let shared = &self.shared;
        let queued = shared.queued.fetch_add(len, Ordering::Relaxed);
        let sent =
            queued + len <= QUEUE_BYTES && self.queue.try_send(event(self.start.elapsed())).is_ok();
        if !sent {
            shared.queued.fetch_sub(len, Ordering::Relaxed);
            shared.left_out.fetch_add(len as u64, Ordering::Relaxed);
        }
    }
}

/// The writer thread: events to JSON lines until the session is over. After
/// a write error it only drains the queue, and returns the error.
fn write_events(
    mut out: BufWriter<File>,
    events: Receiver<Event>,
    shared: &Shared,
) -> Option<String> {
    let mut encoder = Encoder::default();
    let mut failure: Option<io::Error> = None;
    let mut next = events.recv().ok();
    while let Some(event) = next {
        let len = match &event {
            Event::Output(_, data) | Event::Input(_, data) => data.len(),
            Event::Resize(..) => 16,
        };
        if failure.is_none() {
            failure = encoder.line(&event, &mut out).err();
        }
        shared.queued.fetch_sub(len, Ordering::Relaxed);
        next = match events.try_recv() {
            Ok(event) => Some(event),
            Err(_) => {
                // The queue ran dry: put everything so far on disk.
                if failure.is_none() {
                    failure = out.flush().err();
                }
                events.recv().ok()
            }
        };
    }
    if failure.is_none() {
        failure = out.flush().err();
    }
    debug!(?failure, "recorder finished");
    failure.map(|e| e.to_string())
}

/// Turns events into asciicast lines. Output is text to asciinema, but a
/// read can end inside a UTF-8 character: the rest of it is kept for the
/// next event of the same stream, and bytes that are not UTF-8 at all
/// become U+FFFD, as asciinema's own recorder does.
#[derive(Default)]
struct Encoder {
    output: Vec<u8>,
    input: Vec<u8>,
}

impl Encoder {
    /// Writes the event's line straight into `out`, with no copy of its own.
    fn line(&mut self, event: &Event, out: &mut impl Write) -> io::Result<()> {
        let (at, kind, text) = match event {
            Event::Output(at, data) => (at, "o", decode(&mut self.output, data)),
            Event::Input(at, data) => (at, "i", decode(&mut self.input, data)),
            Event::Resize(at, size) => (at, "r", format!("{}x{}", size.cols, size.rows)),
        };
        write!(
            out,
            "[{}.{:06}, \"{kind}\", ",
            at.as_secs(),
            at.subsec_micros()
        )?;
        serde_json::to_writer(&mut *out, &text)?;
        out.write_all(b"]\n")
    }
}

/// `pending` + `data` as text, keeping an unfinished last character in `pending`.
fn decode(pending: &mut Vec<u8>, data: &[u8]) -> String {
    if pending.is_empty() {
        if let Ok(text) = std::str::from_utf8(data) {
            return text.to_owned();
        }
    }
    pending.extend_from_slice(data);
    let mut text = String::with_capacity(pending.len());
    let mut rest = &pending[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                rest = &[];
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                // from_utf8 has just said this prefix is valid.
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                match error.error_len() {
                    Some(bad) => {
                        text.push(char::REPLACEMENT_CHARACTER);
                        rest = &after[bad..];
                    }
                    None => {
                        rest = after;
                        break;
                    }
                }
            }
        }
    }
    let keep = rest.len();
    let from = pending.len() - keep;
    pending.drain(..from);
    text
}

/// The asciicast v2 header line.
fn header(
    size: Size,
    timestamp: u64,
    command: &str,
    env: impl Fn(&str) -> Option<String>,
) -> String {
    let mut vars = serde_json::Map::new();
    for key in ["SHELL", "TERM"] {
        if let Some(value) = env(key) {
            vars.insert(key.to_owned(), value.into());
        }
    }
    let header = serde_json::json!({
        "version": 2,
        "width": size.cols,
        "height": size.rows,
        "timestamp": timestamp,
        "command": command,
        "env": vars,
    });
    format!("{header}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_keeps_split_characters_and_replaces_bad_bytes() {
        // (reads, text of each event)
        let cases: &[(&[&[u8]], &[&str])] = &[
            (&[b"plain"], &["plain"]),
            (&[b"caf\xc3", b"\xa9!"], &["caf", "\u{e9}!"]),
            (&[b"\xe2\x82", b"\xac"], &["", "\u{20ac}"]),
            (&[b"a\xffb"], &["a\u{fffd}b"]),
            (&[b"\xc3(", b"x"], &["\u{fffd}(", "x"]),
            (&[b"\x1b[1m\r\n"], &["\x1b[1m\r\n"]),
        ];
        for (reads, want) in cases {
            let mut pending = Vec::new();
            let got: Vec<String> = reads.iter().map(|r| decode(&mut pending, r)).collect();
            assert_eq!(got, *want, "{reads:?}");
        }
    }

    #[test]
    fn lines_are_json_arrays_of_time_kind_and_text() {
        let mut encoder = Encoder::default();
        let mut line = Vec::new();
        let at = Duration::from_micros(1_500_042);
        encoder
            .line(&Event::Output(at, b"hi \"x\"\r\n".to_vec()), &mut line)
            .unwrap();
        encoder
            .line(
                &Event::Resize(
                    at,
                    Size {
                        rows: 30,
                        cols: 100,
                    },
                ),
                &mut line,
            )
            .unwrap();
        encoder
            .line(&Event::Input(at, b"\x03".to_vec()), &mut line)
            .unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(line)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0], serde_json::json!([1.500042, "o", "hi \"x\"\r\n"]));
        assert_eq!(lines[1], serde_json::json!([1.500042, "r", "100x30"]));
        assert_eq!(lines[2], serde_json::json!([1.500042, "i", "\u{3}"]));
    }

    #[test]
    fn header_has_size_command_time_and_terminal_env() {
        let env = |key: &str| (key == "TERM").then(|| "xterm".to_owned());
        let line = header(
            Size { rows: 24, cols: 80 },
            1700000000,
            "dpty run -it busybox sh",
            env,
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["version"], 2);
        assert_eq!(value["width"], 80);
        assert_eq!(value["height"], 24);
        assert_eq!(value["timestamp"], 1700000000);
        assert_eq!(value["command"], "dpty run -it busybox sh");
        assert_eq!(value["env"], serde_json::json!({"TERM": "xterm"}));
    }

    #[test]
    fn a_recording_holds_every_event_in_order_and_input_only_when_asked() {
        for input in [false, true] {
            let dir = std::env::temp_dir()
                .join(format!("dpty-record-unit-{}-{input}", std::process::id()));
            let spec = RecordSpec {
                path: dir.clone(),
                input,
            };
            // The size given (a caller's streams) heads the file.
            let size = Some(Size {
                rows: 30,
                cols: 100,
            });
            let recording = Recording::start_with(&spec, "test", size).unwrap();
            let tap = recording.tap().unwrap();
            for i in 0..1000 {
                tap.output(format!("line {i}\r\n").as_bytes());
            }
            tap.input(b"typed");
            tap.resize(Size { rows: 10, cols: 20 });
            drop(tap);
            drop(recording);
            let text = std::fs::read_to_string(&dir).unwrap();
            let _ = std::fs::remove_file(&dir);
            let lines: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(lines[0]["version"], 2);
            assert_eq!(
                (&lines[0]["width"], &lines[0]["height"]),
                (&100.into(), &30.into())
            );
            let events = &lines[1..];
            assert_eq!(events.len(), 1001 + usize::from(input));
            assert_eq!(events[999][2], "line 999\r\n");
            assert_eq!(events.last().unwrap()[1], "r");
            assert_eq!(events.iter().any(|e| e[1] == "i"), input);
        }
    }

    #[test]
    fn a_full_queue_leaves_events_out_instead_of_waiting() {
        let (queue, events) = mpsc::sync_channel(1);
        let tap = Tap {
            queue,
            shared: Arc::new(Shared {
                queued: AtomicUsize::new(0),
                left_out: AtomicU64::new(0),
            }),
            start: Instant::now(),
            input: false,
        };
        tap.output(b"first");
        tap.output(b"second");
        tap.output(&vec![0; QUEUE_BYTES + 1]);
        assert_eq!(
            tap.shared.left_out.load(Ordering::Relaxed),
            6 + QUEUE_BYTES as u64 + 1
        );
        assert_eq!(tap.shared.queued.load(Ordering::Relaxed), 5);
        assert!(matches!(events.try_recv(), Ok(Event::Output(_, d)) if d == b"first"));
    }
}
