//! A delaying proxy between a client and the test engine, so that a test can hold the client in one
//! chosen moment (while a request is unanswered, or while a response is half delivered) for as
//! long as it likes, and do something to it there, such as send it a signal. Everything else,
//! protocol upgrades included, passes through as bytes.
//!
//! Each request gets its own upstream connection: the proxy asks for `Connection: close` on every
//! request that is not an upgrade, so a connection carries exactly one request and the proxy only
//! has to read request heads, never responses.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{docker_host, TempDir};

/// Request heads longer than this are refused rather than buffered without bound.
const MAX_HEAD: usize = 64 * 1024;

/// Which moment of the chosen request is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The request is not passed on: the client waits for any answer at all.
    Request,
    /// The response's head goes through, its body waits: the client has its answer's status and
    /// waits for what follows (`POST /containers/{id}/wait` sends its head at once).
    Body,
}

/// Picks the request to hold from its method and its path without the version prefix.
pub type Matcher = fn(&str, &str) -> bool;

#[derive(Default)]
struct State {
    /// `METHOD path` of every request, in arrival order.
    requests: Vec<String>,
    /// `METHOD path` of every request whose response the engine has finished, in that order.
    answered: Vec<String>,
    /// Whether the chosen request has been met (only the first one is held).
    met: bool,
    /// Whether it is being held right now.
    holding: bool,
    released: bool,
}

/// The proxy; it listens until the test ends (its socket is removed with its directory).
pub struct SlowProxy {
    path: PathBuf,
    state: Arc<(Mutex<State>, Condvar)>,
    _dir: TempDir,
}

impl SlowProxy {
    /// A proxy to the test engine that holds the first request `matches` picks, as `hold` says.
    pub fn start(matches: Matcher, hold: Hold) -> SlowProxy {
        let host = docker_host();
        let upstream = PathBuf::from(
            host.strip_prefix("unix://")
                .unwrap_or_else(|| panic!("the slow proxy needs a unix:// engine, not {host}")),
        );
        let dir = TempDir::new("slow");
        let path = dir.path().join("engine.sock");
        let listener = UnixListener::bind(&path)
            .unwrap_or_else(|e| panic!("listening on {}: {e}", path.display()));
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let shared = Arc::clone(&state);
        // Connection threads are detached; each ends when its client or the engine closes.
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let (state, upstream) = (Arc::clone(&shared), upstream.clone());
                thread::spawn(move || {
                    let _ = serve(client, &upstream, &state, matches, hold);
                });
            }
        });
        SlowProxy {
            path,
            state,
            _dir: dir,
        }
    }

    /// The address clients use: `unix:///...`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Waits until the chosen request is being held; panics with the requests seen on timeout.
    #[track_caller]
    pub fn wait_held(&self, timeout: Duration) {
        self.wait_until(timeout, "the chosen request to be held", |s| s.holding);
    }

    /// Waits until `count` requests that `matches` picks have arrived.
    #[track_caller]
    pub fn wait_requests(&self, matches: Matcher, count: usize, timeout: Duration) {
        let what = format!("{count} requests of the kind asked for");
        self.wait_until(timeout, &what, |s| count_of(&s.requests, matches) >= count);
    }

    /// Waits until the engine has finished `count` responses (or upgraded streams) to requests
    /// that `matches` picks.
    #[track_caller]
    pub fn wait_answered(&self, matches: Matcher, count: usize, timeout: Duration) {
        let what = format!("{count} answers to requests of the kind asked for");
        self.wait_until(timeout, &what, |s| count_of(&s.answered, matches) >= count);
    }

    /// Lets the held request (and any later one) go on.
    pub fn release(&self) {
        let (lock, changed) = &*self.state;
        lock.lock().unwrap().released = true;
        changed.notify_all();
    }

    #[track_caller]
    fn wait_until(&self, timeout: Duration, what: &str, done: impl Fn(&State) -> bool) {
        let (lock, changed) = &*self.state;
        let state = lock.lock().unwrap();
        let (state, _) = changed
            .wait_timeout_while(state, timeout, |s| !done(s))
            .unwrap();
        assert!(
            done(&state),
            "waited {timeout:?} for {what}; requests so far: {:#?}",
            state.requests
        );
    }
}

fn count_of(requests: &[String], matches: Matcher) -> usize {
    let picked = requests.iter().filter(|r| {
        let (method, path) = r.split_once(' ').unwrap_or_default();
        matches(method, path)
    });
    picked.count()
}

/// `path` without a `/v1.41`-style version prefix.
fn route(path: &str) -> &str {
    let Some(rest) = path.strip_prefix("/v") else {
        return path;
    };
    match rest.find('/') {
        Some(slash)
            if rest[..slash]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.') =>
        {
            &rest[slash..]
        }
        _ => path,
    }
}

fn serve(
    mut client: UnixStream,
    upstream: &Path,
    state: &(Mutex<State>, Condvar),
    matches: Matcher,
    hold: Hold,
) -> io::Result<()> {
    let (head, rest) = read_head(&mut client)?;
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut words = text.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = route(target.split('?').next().unwrap_or(""));
    let chosen = {
        let (lock, changed) = state;
        let mut state = lock.lock().unwrap();
        state.requests.push(format!("{method} {path}"));
        changed.notify_all();
        let chosen = !state.met && matches(method, path);
        state.met |= chosen;
        chosen
    };
    if chosen && hold == Hold::Request {
        held(state);
    }
    let mut engine = UnixStream::connect(upstream)?;
    engine.write_all(&one_request_per_connection(&text))?;
    engine.write_all(&rest)?;
    let (mut to_engine, mut from_client) = (engine.try_clone()?, client.try_clone()?);
    thread::spawn(move || {
        let _ = io::copy(&mut from_client, &mut to_engine);
        let _ = to_engine.shutdown(Shutdown::Write);
    });
    if chosen && hold == Hold::Body {
        let (head, rest) = read_head(&mut engine)?;
        client.write_all(&head)?;
        client.write_all(&rest)?;
        held(state);
    }
    let _ = io::copy(&mut engine, &mut client);
    let (lock, changed) = state;
    lock.lock()
        .unwrap()
        .answered
        .push(format!("{method} {path}"));
    changed.notify_all();
    client.shutdown(Shutdown::Write)
}

/// Marks the chosen request held and blocks until the test releases it.
fn held(state: &(Mutex<State>, Condvar)) {
    let (lock, changed) = state;
    let mut guard = lock.lock().unwrap();
    guard.holding = true;
    changed.notify_all();
    // Bounded, so a test that never releases leaves no thread behind for long.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !guard.released && Instant::now() < deadline {
        guard = changed
            .wait_timeout(guard, Duration::from_secs(1))
            .unwrap()
            .0;
    }
    guard.holding = false;
}

/// The request head with `Connection: close`, unless it asks for an upgrade (attach, exec start),
/// which keeps the connection by nature.
fn one_request_per_connection(head: &str) -> Vec<u8> {
    let lines: Vec<&str> = head.split("\r\n").filter(|l| !l.is_empty()).collect();
    let upgrade = lines
        .iter()
        .any(|l| l.to_ascii_lowercase().starts_with("upgrade:"));
    let mut out = String::new();
    for line in &lines {
        if !upgrade && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    if !upgrade {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Reads up to the blank line that ends a head; returns the head and whatever came after it.
fn read_head(stream: &mut UnixStream) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = bytes.split_off(end + 4);
            return Ok((bytes, rest));
        }
        if bytes.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        bytes.extend_from_slice(&buf[..n]);
    }
}
