//! An engine inside the test process, for tests of the session layer that need no real engine:
//! it listens on a unix socket in a directory of its own and speaks just enough of the Engine API
//! over HTTP/1.1 for a test to drive dpty's public API against it.
//!
//! A test gives it its answers as a function from request to [`Reply`] (a `match` on method and
//! path reads as a table of routes). It records every request (method, path without the API
//! version prefix, body) in the order it read them, and a test or an upgraded stream's script
//! awaits a request it expects through [`Log::seen`] rather than sleeping.
//!
//! dpty opens a connection per request on a local socket, so the fake reads one request per
//! connection, answers, and closes it; an upgrade hands the raw socket to the reply's script.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::TempDir;

/// The API version the fake's ping announces, so dpty's paths start with `/v1.47`.
const API_VERSION: &str = "1.47";

/// Request heads longer than this are refused rather than buffered without bound.
const MAX_HEAD: usize = 64 * 1024;

/// One request as the fake read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path and query, without the `/v1.NN` prefix.
    pub path: String,
    pub body: Vec<u8>,
}

impl Request {
    /// The body as JSON (`null` when it is empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// `METHOD path`, for assertions on the order of requests.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A script run on an upgraded connection: the raw socket, and the fake's log.
pub type Script = Box<dyn FnOnce(UnixStream, Log) -> BoxFuture<'static, ()> + Send>;

/// How the fake answers one request.
pub enum Reply {
    /// This status, with this JSON body.
    Json(u16, Value),
    /// This status and no body.
    Empty(u16),
    /// `101 Switching Protocols`, then the socket is the script's.
    Upgrade(Script),
    /// `200` with its head at once and its JSON body once the future gives it, as the engine
    /// answers a container wait.
    Later(BoxFuture<'static, Value>),
}

impl Reply {
    /// An upgrade whose stream `script` plays.
    pub fn upgrade<F, Fut>(script: F) -> Reply
    where
        F: FnOnce(UnixStream, Log) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Reply::Upgrade(Box::new(move |stream, log| script(stream, log).boxed()))
    }

    /// A `200` whose body comes once `body` resolves.
    pub fn later(body: impl Future<Output = Value> + Send + 'static) -> Reply {
        Reply::Later(body.boxed())
    }

    /// An engine-style error answer: `{"message": ...}`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::Json(status, serde_json::json!({ "message": message }))
    }

    /// The answer to a request the test did not expect: a 404 that names it, so a failure says
    /// what dpty asked for.
    pub fn unexpected(request: &Request) -> Reply {
        Reply::error(
            404,
            &format!("the fake engine has no answer for {}", request.line()),
        )
    }
}

/// The requests the fake has read, in order; cheap to clone.
#[derive(Clone)]
pub struct Log(watch::Receiver<Vec<Request>>);

impl Log {
    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.0.borrow().clone()
    }

    /// `METHOD path` of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().iter().map(Request::line).collect()
    }

    /// Waits until a request `METHOD path` has been read, and returns it.
    pub async fn seen(&self, method: &str, path: &str) -> Request {
        let mut log = self.0.clone();
        let matches = |r: &Request| r.method == method && r.path == path;
        let requests = log
            .wait_for(|requests| requests.iter().any(matches))
            .await
            .expect("the fake engine outlives its log");
        requests.iter().find(|r| matches(r)).cloned().unwrap()
    }
}

/// The fake engine; it stops listening when dropped.
pub struct Fake {
    dir: TempDir,
    log: Log,
    accepting: JoinHandle<()>,
}

impl Fake {
    /// Listens at once; `routes` answers every request but the ping. Call from a tokio runtime.
    pub fn start(routes: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Fake {
        let dir = TempDir::new("fake");
        let listener = UnixListener::bind(dir.path().join("engine.sock")).expect("binding");
        let (record, log) = watch::channel(Vec::new());
        let record = Arc::new(record);
        let routes = Arc::new(routes);
        let log = Log(log);
        let for_scripts = log.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, routes, log) = (record.clone(), routes.clone(), for_scripts.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, &record, &*routes, log).await;
                });
            }
        });
        Fake {
            dir,
            log,
            accepting,
        }
    }

    /// The socket's path.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("engine.sock")
    }

    /// The fake as dpty names an engine.
    pub fn engine(&self) -> dpty::Engine {
        dpty::Engine::parse(&format!("unix://{}", self.socket().display())).expect("an address")
    }

    /// A client connected to the fake (which has then seen the ping).
    pub async fn client(&self) -> dpty::Client {
        dpty::Client::connect(&self.engine())
            .await
            .expect("connecting to the fake engine")
    }

    pub fn log(&self) -> &Log {
        &self.log
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// Reads one request from `stream`, records it, and answers it.
async fn serve(
    mut stream: UnixStream,
    record: &watch::Sender<Vec<Request>>,
    routes: &(dyn Fn(&Request) -> Reply + Send + Sync),
    log: Log,
) -> std::io::Result<()> {
    let request = read_request(&mut stream).await?;
    record.send_modify(|requests| requests.push(request.clone()));
    if request.method == "GET" && request.path == "/_ping" {
        let head = format!(
            "HTTP/1.1 200 OK\r\nApi-Version: {API_VERSION}\r\nOstype: linux\r\n\
             Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"
        );
        return stream.write_all(head.as_bytes()).await;
    }
    match routes(&request) {
        Reply::Json(status, body) => {
            let body = body.to_string();
            let head = head(status, &format!("Content-Length: {}\r\n", body.len()));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(body.as_bytes()).await?;
        }
        Reply::Empty(status) => {
            // A 204 has no body and says nothing of its length.
            let length = if status == 204 {
                ""
            } else {
                "Content-Length: 0\r\n"
            };
            stream.write_all(head(status, length).as_bytes()).await?;
        }
        Reply::Upgrade(script) => {
            let head =
                "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n\
                        Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            script(stream, log).await;
            return Ok(());
        }
        Reply::Later(body) => {
            let head = head(200, "Transfer-Encoding: chunked\r\n");
            stream.write_all(head.as_bytes()).await?;
            let body = body.await.to_string();
            let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
            stream.write_all(chunked.as_bytes()).await?;
        }
    }
    stream.shutdown().await
}

fn head(status: u16, extra: &str) -> String {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    format!("HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{extra}\r\n")
}

/// Reads a request head and its body (by `Content-Length`; dpty sends no chunked bodies).
async fn read_request(stream: &mut UnixStream) -> std::io::Result<Request> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut bytes = Vec::new();
    let head_end = loop {
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if bytes.len() > MAX_HEAD {
            return Err(invalid("request head too long"));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(invalid("connection closed inside a request head"));
        }
        bytes.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default();
    let mut length = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().map_err(|_| invalid("length"))?,
            "transfer-encoding" => return Err(invalid("chunked request bodies are not read")),
            _ => {}
        }
    }
    let mut body = bytes.split_off(head_end);
    if body.len() < length {
        let start = body.len();
        body.resize(length, 0);
        stream.read_exact(&mut body[start..]).await?;
    }
    Ok(Request {
        method,
        path: without_version(target).to_owned(),
        body,
    })
}

/// `/v1.47/containers/json` is `/containers/json`.
fn without_version(target: &str) -> &str {
    let Some(rest) = target.strip_prefix("/v") else {
        return target;
    };
    match rest.find('/') {
        Some(at) if rest[..at].chars().all(|c| c.is_ascii_digit() || c == '.') => &rest[at..],
        _ => target,
    }
}

/// One frame of the engine's multiplexed stream: 1 is stdout, 2 stderr.
pub fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![stream, 0, 0, 0];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// Where a session's output went, and in which order: writers for its stdout and stderr that
/// note every write in one shared journal.
#[derive(Clone, Default)]
pub struct Journal(Arc<Mutex<Vec<Write>>>);

/// One write: which stream, and its bytes.
type Write = (Which, Vec<u8>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Out,
    Err,
}

impl Journal {
    /// A writer whose bytes the journal notes as `which`'s.
    pub fn writer(&self, which: Which) -> JournalWriter {
        JournalWriter {
            journal: self.clone(),
            which,
        }
    }

    /// Everything written to `which`.
    pub fn bytes(&self, which: Which) -> Vec<u8> {
        let entries = self.0.lock().unwrap();
        entries
            .iter()
            .filter(|(w, _)| *w == which)
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect()
    }

    /// The writes in order, with neighbouring writes to the same stream joined.
    pub fn runs(&self) -> Vec<Write> {
        let mut runs: Vec<Write> = Vec::new();
        for (which, bytes) in self.0.lock().unwrap().iter() {
            match runs.last_mut() {
                Some((last, joined)) if last == which => joined.extend_from_slice(bytes),
                _ => runs.push((*which, bytes.clone())),
            }
        }
        runs
    }
}

pub struct JournalWriter {
    journal: Journal,
    which: Which,
}

impl AsyncWrite for JournalWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let mut entries = self.journal.0.lock().unwrap();
        entries.push((self.which, buf.to_vec()));
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
