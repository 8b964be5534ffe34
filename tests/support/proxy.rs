//! A recording proxy between a client and the test engine, so that a test can see exactly which
//! `POST /containers/create` request a client sends for a command line without any container ever
//! being made: creates are recorded and refused with 400, image pulls are refused too (a pull
//! could reach a public registry), and every other request goes to the engine unchanged.
//!
//! Each forwarded request gets its own upstream connection with `Connection: close`, and the client
//! connection closes once the response has been relayed, so the proxy never has to track HTTP
//! framing in responses. Protocol upgrades (attach, exec start) are therefore not supported: they
//! only follow a successful create, which never happens here.

use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::TempDir;

/// How long a client or the engine may keep the proxy waiting for bytes; a test's own timeout on
/// the client process is the real guard, this only stops threads from lingering.
const IDLE: Duration = Duration::from_secs(20);

/// Heads longer than this are refused rather than buffered without bound.
const MAX_HEAD: usize = 64 * 1024;

/// One refused `POST /containers/create`.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The query string, without the `?` (`name=web&platform=linux%2Famd64`), or "".
    pub query: String,
    /// The JSON body; a body that is not JSON is kept as a string, so comparisons still show it.
    pub body: serde_json::Value,
}

#[derive(Default)]
struct Log {
    creates: Vec<Recorded>,
    /// `METHOD target` of every request, in arrival order, for failure reports.
    requests: Vec<String>,
    pulls: usize,
}

/// The proxy; it listens until dropped, when its socket is removed.
pub struct RecordingProxy {
    path: PathBuf,
    log: Arc<Mutex<Log>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    /// Holds the directory of a proxy made by `start`; removed after the socket.
    _dir: Option<TempDir>,
}

impl RecordingProxy {
    /// A proxy to the test engine on a socket in a new temporary directory.
    pub fn start() -> RecordingProxy {
        let dir = TempDir::new("proxy");
        let mut proxy = RecordingProxy::start_at(&dir.path().join("engine.sock"));
        proxy._dir = Some(dir);
        proxy
    }

    /// A proxy to the test engine listening at `socket`, which is replaced if it exists. Two
    /// proxies started one after the other at the same path give clients the same address, for
    /// options whose request names the address (`--use-api-socket`).
    pub fn start_at(socket: &Path) -> RecordingProxy {
        let host = super::docker_host();
        let upstream = PathBuf::from(host.strip_prefix("unix://").unwrap_or_else(|| {
            panic!("the recording proxy needs a unix:// engine address, not {host}")
        }));
        let _ = std::fs::remove_file(socket);
        let listener = UnixListener::bind(socket)
            .unwrap_or_else(|e| panic!("listening on {}: {e}", socket.display()));
        let log = Arc::new(Mutex::new(Log::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (log, stop) = (Arc::clone(&log), Arc::clone(&stop));
            thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let (log, upstream) = (Arc::clone(&log), upstream.clone());
                    // Connection threads are detached: each ends when its client or the engine
                    // closes, or after IDLE at the latest.
                    thread::spawn(move || {
                        let _ = serve(client, &upstream, &log);
                    });
                }
            })
        };
        RecordingProxy {
            path: socket.to_path_buf(),
            log,
            stop,
            acceptor: Some(acceptor),
            _dir: None,
        }
    }

    /// The address clients use: `unix:///...`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// The creates recorded so far, oldest first; later calls see only newer ones.
    pub fn take_creates(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.log.lock().unwrap().creates)
    }

    /// `METHOD target` of every request received so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().requests.clone()
    }

    /// How many image pulls were asked for (and refused).
    pub fn pulls(&self) -> usize {
        self.log.lock().unwrap().pulls
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // The acceptor is blocked in accept(); a connection of our own wakes it to see the flag.
        let _ = UnixStream::connect(&self.path);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One request as received: the body is already de-chunked.
struct Request {
    method: String,
    target: String,
    /// Header lines as sent, without the line ending.
    headers: Vec<String>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
    }

    /// The path without the query and without a `/v1.41`-style version prefix.
    fn route(&self) -> &str {
        let path = self.target.split('?').next().unwrap_or_default();
        match path.strip_prefix("/v") {
            Some(rest) => match rest.find('/') {
                Some(slash)
                    if rest[..slash]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.') =>
                {
                    &rest[slash..]
                }
                _ => path,
            },
            None => path,
        }
    }

    fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }
}

fn serve(client: UnixStream, upstream: &Path, log: &Mutex<Log>) -> io::Result<()> {
    client.set_read_timeout(Some(IDLE))?;
    client.set_write_timeout(Some(IDLE))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    log.lock()
        .unwrap()
        .requests
        .push(format!("{} {}", request.method, request.target));
    let post = request.method.eq_ignore_ascii_case("POST");
    match request.route() {
        "/containers/create" if post => {
            let body = serde_json::from_slice(&request.body).unwrap_or_else(|_| {
                serde_json::Value::String(String::from_utf8_lossy(&request.body).into_owned())
            });
            log.lock().unwrap().creates.push(Recorded {
                query: request.query().to_string(),
                body,
            });
            refuse(&mut client, "create refused by the recording proxy")
        }
        "/images/create" if post => {
            log.lock().unwrap().pulls += 1;
            refuse(&mut client, "pull refused by the recording proxy")
        }
        _ => forward(&request, &mut client, upstream),
    }
}

fn refuse(client: &mut UnixStream, message: &str) -> io::Result<()> {
    let body = serde_json::json!({ "message": message }).to_string();
    write!(
        client,
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    client.flush()
}

fn forward(request: &Request, client: &mut UnixStream, upstream: &Path) -> io::Result<()> {
    let mut engine = UnixStream::connect(upstream)?;
    engine.set_read_timeout(Some(IDLE))?;
    engine.set_write_timeout(Some(IDLE))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    // The body has been de-chunked, so its framing is restated; the engine is asked to close
    // after answering so that the end of its response is the end of the connection.
    for line in &request.headers {
        let name = line.split(':').next().unwrap_or_default().trim();
        let framing = [
            "connection",
            "keep-alive",
            "transfer-encoding",
            "content-length",
        ];
        if !framing.iter().any(|f| name.eq_ignore_ascii_case(f)) {
            head.push_str(line);
            head.push_str("\r\n");
        }
    }
    if !request.body.is_empty() || request.header("content-length").is_some() {
        head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    engine.write_all(head.as_bytes())?;
    engine.write_all(&request.body)?;
    engine.flush()?;
    io::copy(&mut engine, client)?;
    client.flush()?;
    client.shutdown(std::net::Shutdown::Both)
}

/// Reads one request; `None` when the client closed before sending one.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut lines = Vec::new();
    let mut size = 0;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            return if lines.is_empty() {
                Ok(None)
            } else {
                Err(bad("the client closed inside a request head"))
            };
        }
        size += n;
        if size > MAX_HEAD {
            return Err(bad("request head too long"));
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                continue; // tolerated before a request line
            }
            break;
        }
        lines.push(line);
    }
    let mut words = lines[0].split_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return Err(bad("malformed request line"));
    };
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers: lines[1..].to_vec(),
        body: Vec::new(),
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(reader)?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| bad("bad Content-Length header"))?;
        request.body = vec![0; length];
        reader.read_exact(&mut request.body)?;
    }
    Ok(Some(request))
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line)? == 0 {
            return Err(bad("the client closed inside a chunked body"));
        }
        let digits = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(digits, 16).map_err(|_| bad("bad chunk size line"))?;
        if size == 0 {
            // Trailers, up to the empty line that ends the message.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn bad(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
