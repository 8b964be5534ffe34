//! Talking to the engine: one [`Client`] per invocation, holding the endpoint
//! and a bollard handle whose requests go over dpty's own transport.
//!
//! bollard serves the plain REST calls. The streams that matter (attach,
//! exec start) and the container wait, whose response headers tell us the
//! wait is registered, are made here over the same transport: bollard's
//! attach decoder guesses the framing from the bytes and buffers whole frames,
//! and it gives no access to the raw connection.

mod choose;
mod connect;
pub mod context;
mod hijack;
pub mod ops;
mod ssh;
pub mod swarm;
mod tls;

use std::fmt;
use std::io;
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST, UPGRADE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tracing::debug;

use crate::error::{mark, ErrorKind};

pub use choose::{Engine, EngineFlags};
pub use connect::{Endpoint, Transport, DEFAULT_SOCKET};
pub use hijack::Hijacked;
pub use tls::TlsOptions;

pub(crate) use crate::error::ApiError;

impl ApiError {
    fn from_bollard(error: bollard::errors::Error) -> anyhow::Error {
        match error {
            bollard::errors::Error::DockerResponseServerError {
                status_code,
                message,
            } => ApiError {
                status: status_code,
                message,
            }
            .into(),
            bollard::errors::Error::DockerStreamError { error } => ApiError {
                status: 500,
                message: error,
            }
            .into(),
            bollard::errors::Error::RequestTimeoutError => mark(
                NoAnswer {
                    waited: Duration::from_secs(REQUEST_TIMEOUT_SECS),
                }
                .into(),
                ErrorKind::NoAnswer,
            ),
            // Our transport's only I/O is the connection to the engine.
            error @ bollard::errors::Error::IOError { .. } => {
                mark(anyhow::Error::new(error), ErrorKind::EngineGone)
            }
            error @ (bollard::errors::Error::JsonDataError { .. }
            | bollard::errors::Error::JsonSerdeError { .. }) => {
                mark(anyhow::Error::new(error), ErrorKind::Protocol)
            }
            other => anyhow::Error::new(other),
        }
    }
}

/// A failure of a call made through [`Client::api`], told as dpty's own
/// calls tell theirs: the engine's words with the kind of failure, not the
/// client library's "Docker responded with status code 404: ...".
///
/// ```no_run
/// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
/// let info = client.api().info().await?;
/// # Ok(()) }
/// ```
impl From<bollard::errors::Error> for crate::error::Error {
    fn from(error: bollard::errors::Error) -> Self {
        crate::error::Error::from(ApiError::from_bollard(error))
    }
}

/// How long a plain REST call may wait for the engine's answer. Streams
/// (attach, exec start, wait, pull) have no such limit.
const REQUEST_TIMEOUT_SECS: u64 = 120;

/// The engine took a request and gave no answer in time. Callers add which
/// step waited, so the user reads e.g. "starting the container: the engine
/// did not answer within 120 s".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoAnswer {
    pub waited: Duration,
}

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the engine did not answer within {} s",
            self.waited.as_secs()
        )
    }
}

impl std::error::Error for NoAnswer {}

/// The engine could not be reached at all.
#[derive(Debug)]
pub struct Unreachable {
    pub endpoint: Endpoint,
    pub source: io::Error,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Endpoint::Ssh(_) = self.endpoint {
            // ssh's own words say what went wrong, and what to check.
            return write!(
                f,
                "cannot connect to the Docker engine at {}: {}",
                self.endpoint, self.source
            );
        }
        let reason = match self.source.kind() {
            io::ErrorKind::NotFound => "no such socket".to_owned(),
            io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => self.source.to_string(),
        };
        write!(
            f,
            "cannot connect to the Docker engine at {} ({reason}): is it running? Choose another with -H or DOCKER_HOST",
            self.endpoint
        )
    }
}

impl std::error::Error for Unreachable {}

impl Unreachable {
    /// As an error of its kind, [`ErrorKind::Unreachable`].
    fn marked(self) -> anyhow::Error {
        mark(self.into(), ErrorKind::Unreachable)
    }
}

/// A connection to one engine: the API version both sides speak, and what
/// kind of engine it is. Cheap to clone; clones share the connection pool.
///
/// ```no_run
/// # async fn demo() -> dpty::Result<()> {
/// let client = dpty::Client::connect(&dpty::Engine::from_env()?).await?;
/// println!("API {:?}, Podman: {}", client.api_version(), client.is_podman());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    api: bollard::Docker,
    /// `/v1.NN`: the API version both sides speak.
    version_prefix: String,
    /// The same version as numbers.
    version: (usize, usize),
    /// The engine's OS as its ping answer says (`linux`, `windows`), or empty.
    os_type: String,
    /// The engine is Podman's Docker-compatible service.
    podman: bool,
}

/// The newest API version dpty asks for; older engines get their own.
const MAX_API_VERSION: (usize, usize) = (1, 47);

impl Client {
    /// Pings the engine and agrees on an API version.
    pub async fn connect(engine: &Engine) -> crate::error::Result<Self> {
        Ok(Self::connect_transport(engine.transport()?).await?)
    }

    /// As [`connect`](Self::connect), for a caller that holds at most
    /// `connections` at once. An engine reached over ssh opens that many
    /// with its first request, so that their handshakes overlap and each is
    /// ready when it is wanted: two for `exec` (its requests and its
    /// stream), three (the default) for a container's session, which also
    /// waits for the container's exit. Other engines open connections as
    /// they are needed.
    ///
    /// ```no_run
    /// # async fn demo() -> dpty::Result<()> {
    /// let client = dpty::Client::connect_with(&dpty::Engine::from_env()?, 2).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(engine: &Engine, connections: usize) -> crate::error::Result<Self> {
        let transport = engine.transport()?;
        if let Some(pool) = &transport.ssh_pool {
            pool.open_together(connections);
        }
        Ok(Self::connect_transport(transport).await?)
    }

    async fn connect_transport(transport: Transport) -> anyhow::Result<Self> {
        let endpoint = transport.endpoint.clone();
        let ping = Request::get("/_ping")
            .header(HOST, endpoint.host_header())
            .body(Full::new(Bytes::new()))?;
        let response = match send(&transport, ping).await {
            // Read to the end, so that its connection can be reused.
            Ok(response) => {
                let (parts, body) = response.into_parts();
                let _ = body.collect().await;
                Response::from_parts(parts, ())
            }
            Err(SendError::Connect(source)) => {
                return Err(Unreachable { endpoint, source }.marked())
            }
            Err(SendError::Http(e)) => {
                return Err(mark(e.into(), ErrorKind::EngineGone))
                    .with_context(|| format!("talking to the Docker engine at {endpoint}"))
            }
        };
        let version = response
            .headers()
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_version)
            .map_or(MAX_API_VERSION, |engine| engine.min(MAX_API_VERSION));
        let os_type = response
            .headers()
            .get("ostype")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        // Podman's compatible service says so in its ping answer.
        let podman = response.headers().contains_key("libpod-api-version");
        debug!(%endpoint, ?version, podman, "engine answered ping");
        let version_prefix = format!("/v{}.{}", version.0, version.1);
        let for_bollard = transport.clone();
        let prefix_for_bollard = version_prefix.clone();
        let bollard_transport = move |request: bollard::BollardRequest| {
            let transport = for_bollard.clone();
            let prefix = prefix_for_bollard.clone();
            async move {
                let request = to_origin_form(request, &transport.endpoint, &prefix);
                debug!(method = %request.method(), uri = %request.uri(), "api call");
                send(&transport, request)
                    .await
                    .map_err(|e| bollard::errors::Error::IOError { err: e.into_io() })
            }
        };
        let client_version = bollard::ClientVersion {
            major_version: version.0,
            minor_version: version.1,
        };
        let api = bollard::Docker::connect_with_custom_transport(
            bollard_transport,
            Some("http://docker"),
            REQUEST_TIMEOUT_SECS,
            &client_version,
        )?;
        Ok(Client {
            transport,
            api,
            version_prefix,
            version,
            os_type,
            podman,
        })
    }

    /// Whether the engine is Podman, whose compatible API has quirks of its own.
    pub fn is_podman(&self) -> bool {
        self.podman
    }

    /// The API version both sides speak.
    pub fn api_version(&self) -> (usize, usize) {
        self.version
    }

    /// The engine's OS (`linux`, `windows`), or empty when it did not say.
    pub fn os_type(&self) -> &str {
        &self.os_type
    }

    /// A bollard handle for plain REST calls, over the same transport: an
    /// escape hatch for what dpty's own API does not cover (listing images,
    /// events, ...). Its types are bollard's, and follow bollard's versions
    /// rather than dpty's; its errors become an [`Error`](crate::Error) with
    /// `?`, worded as dpty's own.
    ///
    /// bollard logs every request body at its debug level (`tracing` target
    /// `bollard`), and a create or exec body carries the environment values
    /// it was given: do not turn that level on where logs are kept or shared.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let version = client.api().version().await?;
    /// println!("{:?}", version.version);
    /// # Ok(()) }
    /// ```
    pub fn api(&self) -> &bollard::Docker {
        &self.api
    }

    /// Sends a request with a JSON body and returns the response once its
    /// headers have arrived; an error status becomes an [`ApiError`].
    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<Response<Incoming>> {
        let request = self.build(method, path, body)?;
        debug!(method = %request.method(), uri = %request.uri(), "api call");
        let response = send(&self.transport, request)
            .await
            .map_err(|e| self.send_error(e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(error_from_response(response).await.into())
    }

    /// Opens a stream endpoint (attach, exec start) and takes over its connection.
    pub(crate) async fn hijack(
        &self,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<Hijacked> {
        let request = self.build(Method::POST, path, body)?;
        debug!(uri = %request.uri(), "api call, upgrading to a stream");
        hijack::hijack(&self.transport, request)
            .await
            .map_err(|e| match e {
                hijack::HijackError::Send(e) => self.send_error(e),
                hijack::HijackError::Api(e) => e.into(),
                hijack::HijackError::Upgrade(e) => mark(e.into(), ErrorKind::EngineGone)
                    .context("taking over the attach connection"),
            })
    }

    fn build(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<Request<Full<Bytes>>> {
        let body = match body {
            Some(value) => Bytes::from(serde_json::to_vec(&value)?),
            None => Bytes::new(),
        };
        Ok(Request::builder()
            .method(method)
            .uri(format!("{}{}", self.version_prefix, path))
            .header(HOST, self.transport.endpoint.host_header())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))?)
    }

    fn send_error(&self, error: SendError) -> anyhow::Error {
        match error {
            SendError::Connect(source) => Unreachable {
                endpoint: self.transport.endpoint.clone(),
                source,
            }
            .marked(),
            SendError::Http(e) => {
                mark(e.into(), ErrorKind::EngineGone).context("the engine connection failed")
            }
        }
    }

    /// Whether an error means the engine itself is gone: it could not be
    /// reached, or its connection broke, as marked where that happened.
    pub(crate) fn is_gone(error: &anyhow::Error) -> bool {
        let marked = error.downcast_ref::<crate::error::Kind>();
        marked.is_some_and(|k| matches!(k.0, ErrorKind::EngineGone | ErrorKind::Unreachable))
            || error.chain().any(|e| e.is::<Unreachable>())
    }

    /// The engine's address, as the user would give it (`unix:///...`,
    /// `ssh://...`), for messages.
    pub(crate) fn address(&self) -> String {
        self.transport.endpoint.to_string()
    }

    /// The error to report when the engine went away mid-session.
    pub(crate) fn gone(&self) -> anyhow::Error {
        mark(
            anyhow::anyhow!("the Docker engine at {} went away", self.transport.endpoint),
            ErrorKind::EngineGone,
        )
    }

    /// Converts a bollard failure into dpty's error types.
    pub(crate) fn error(error: bollard::errors::Error) -> anyhow::Error {
        ApiError::from_bollard(error)
    }
}

/// Percent-encodes a query parameter value.
pub fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn parse_version(text: &str) -> Option<(usize, usize)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// bollard builds absolute URIs without the API version; the engine wants a
/// versioned path (the version both sides agreed on) and a Host header.
fn to_origin_form<B>(request: Request<B>, endpoint: &Endpoint, version_prefix: &str) -> Request<B> {
    let (mut parts, body) = request.into_parts();
    if let Some(path) = parts.uri.path_and_query().cloned() {
        let path = path.as_str();
        let versioned =
            match path.starts_with("/v") && path[2..].starts_with(|c: char| c.is_ascii_digit()) {
                true => path.to_owned(),
                false => format!("{version_prefix}{path}"),
            };
        parts.uri = versioned.parse().unwrap_or(parts.uri);
    }
    if let Ok(host) = endpoint.host_header().parse() {
        parts.headers.insert(HOST, host);
    }
    Request::from_parts(parts, body)
}

#[derive(Debug)]
enum SendError {
    Connect(io::Error),
    Http(hyper::Error),
}

impl SendError {
    fn into_io(self) -> io::Error {
        match self {
            SendError::Connect(e) => e,
            SendError::Http(e) => io::Error::other(e),
        }
    }
}

/// Sends one request and returns once the response headers are in. The
/// connection task lives as long as the response body (or the upgraded
/// stream) needs it. Local sockets get a new connection for every request;
/// ssh engines reuse theirs.
async fn send<B>(
    transport: &Transport,
    request: Request<B>,
) -> Result<Response<Incoming>, SendError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if let (Some(pool), Endpoint::Ssh(spec)) = (&transport.ssh_pool, &transport.endpoint) {
        return send_over_ssh(pool, spec, request).await;
    }
    let io = transport.connect().await.map_err(SendError::Connect)?;
    let mut sender = handshake(io).await?;
    sender.send_request(request).await.map_err(SendError::Http)
}

/// Starts HTTP on a new connection; its task ends when the connection does.
async fn handshake<B>(io: connect::Connection) -> Result<SendRequest<B>, SendError>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(SendError::Http)?;
    tokio::spawn(async move {
        if let Err(error) = connection.with_upgrades().await {
            debug!(%error, "engine connection ended with an error");
        }
    });
    Ok(sender)
}

/// Sends a request over an idle ssh connection, or a new one. A connection
/// that is upgraded to a stream leaves the pool for good; any other goes
/// back and is handed out again once its response has been read.
async fn send_over_ssh<B>(
    pool: &ssh::SshPool,
    spec: &ssh::SshSpec,
    request: Request<B>,
) -> Result<Response<Incoming>, SendError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let upgrade = request.headers().contains_key(UPGRADE);
    let request = request.map(|body| body.map_err(Into::into).boxed_unsync());
    let mut pooled = loop {
        let Some(mut pooled) = pool.take() else {
            let pooled = open_ssh(spec).await?;
            for _ in 0..pool.spares_to_open() {
                match open_ssh(spec).await {
                    Ok(spare) => pool.park(spare),
                    Err(error) => debug!(?error, "opening a spare ssh connection failed"),
                }
            }
            break pooled;
        };
        // One that served before is ready already; this only notices one
        // that closed since.
        if pooled.fresh || pooled.sender.ready().await.is_ok() {
            break pooled;
        }
    };
    let process = pooled.process.clone();
    match pooled.sender.send_request(request).await {
        Ok(response) => {
            if !upgrade {
                pooled.fresh = false;
                pool.park(pooled);
            }
            Ok(response)
        }
        Err(error) => {
            drop(pooled);
            match process.failure(spec).await {
                Some(failed) => Err(SendError::Connect(io::Error::other(failed))),
                None => Err(SendError::Http(error)),
            }
        }
    }
}

async fn open_ssh(spec: &ssh::SshSpec) -> Result<ssh::Pooled, SendError> {
    let conn = ssh::SshConn::spawn(spec).map_err(SendError::Connect)?;
    let process = conn.process();
    let sender = handshake(connect::Connection::Ssh(conn)).await?;
    Ok(ssh::Pooled {
        sender,
        process,
        fresh: true,
    })
}

/// Reads an error response's `{"message": ...}` body into an [`ApiError`].
async fn error_from_response(response: Response<Incoming>) -> ApiError {
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    let status = response.status();
    let body = match response.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let message = serde_json::from_slice::<Message>(&body)
        .map(|m| m.message)
        .unwrap_or_else(|_| String::from_utf8_lossy(&body).trim().to_owned());
    ApiError {
        status: status.as_u16(),
        message: if status == StatusCode::OK {
            String::new()
        } else {
            message
        },
    }
}

/// Reads a whole (small) JSON response body.
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(
    response: Response<Incoming>,
) -> anyhow::Result<T> {
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| mark(e.into(), ErrorKind::EngineGone))
        .context("reading the engine's answer")?
        .to_bytes();
    serde_json::from_slice(&body)
        .map_err(|e| mark(e.into(), ErrorKind::Protocol))
        .context("decoding the engine's answer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unanswered_request_says_how_long_it_waited_and_is_not_a_lost_engine() {
        let error = Client::error(bollard::errors::Error::RequestTimeoutError)
            .context("starting the container");
        assert!(!Client::is_gone(&error));
        let error = crate::error::Error::from(error);
        assert_eq!(error.kind(), crate::error::ErrorKind::NoAnswer);
        assert_eq!(
            error.to_string(),
            "starting the container: the engine did not answer within 120 s"
        );
    }

    #[test]
    fn escapes_query_values() {
        assert_eq!(query_escape("ctrl-p,ctrl-q"), "ctrl-p%2Cctrl-q");
        assert_eq!(query_escape("ctrl-\\"), "ctrl-%5C");
    }

    #[test]
    fn bollard_paths_get_the_agreed_version() {
        let endpoint = Endpoint::parse("unix:///d.sock").unwrap();
        let request = Request::post("http://docker/containers/create?platform=")
            .body(())
            .unwrap();
        let request = to_origin_form(request, &endpoint, "/v1.41");
        assert_eq!(request.uri(), "/v1.41/containers/create?platform=");
        assert_eq!(request.headers()[HOST], "docker");
        let request = Request::get("http://docker/v1.47/info").body(()).unwrap();
        assert_eq!(
            to_origin_form(request, &endpoint, "/v1.41").uri(),
            "/v1.47/info"
        );
    }

    #[test]
    fn parses_api_versions() {
        assert_eq!(parse_version("1.41"), Some((1, 41)));
        assert_eq!(parse_version(" 1.47\n"), Some((1, 47)));
        assert_eq!(parse_version("v1"), None);
    }

    #[test]
    fn unreachable_message_names_the_socket_and_what_to_do() {
        let error = Unreachable {
            endpoint: Endpoint::parse("unix:///nonexistent.sock").unwrap(),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        let text = error.to_string();
        assert!(text.contains("unix:///nonexistent.sock"), "{text}");
        assert!(text.contains("no such socket"), "{text}");
        assert!(text.contains("DOCKER_HOST"), "{text}");
        assert!(!text.contains('\n'));
    }
}
