//! Container and exec operations: what `run`, `exec` and `attach` ask of the
//! engine besides the stream itself. The public ones are methods of
//! [`Client`]; the rest serve the session's targets.

use std::sync::Arc;

use anyhow::Context as _;
use bollard::models::{ContainerCreateResponse, ExecConfig};
use bollard::query_parameters::{
    KillContainerOptionsBuilder, RemoveContainerOptionsBuilder, ResizeContainerTTYOptionsBuilder,
    ResizeExecOptions,
};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use hyper::Method;
use serde::Deserialize;
use serde_json::json;
use tracing::debug;

use super::{query_escape, read_json, ApiError, Client};
use crate::basics::{ResizeFn, SignalFn, Size};
use crate::error::{mark, start_failure_kind, ErrorKind};

/// A command to run in a running container, as `docker exec` takes it.
///
/// ```
/// let mut process = dpty::Process::new(["sh", "-c", "id -u"]);
/// process.user = Some("nobody".into());
/// process.env.push("LANG=C.UTF-8".into());
/// assert_eq!(process.argv, ["sh", "-c", "id -u"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Process {
    /// The command and its arguments.
    pub argv: Vec<String>,
    /// `NAME=value` entries added to the container's environment.
    pub env: Vec<String>,
    /// The user (`name`, `uid`, `uid:gid`) to run as; the container's by default.
    pub user: Option<String>,
    /// The working directory; the container's by default.
    pub workdir: Option<String>,
    /// Extended privileges, as `docker exec --privileged`.
    pub privileged: bool,
}

impl Process {
    /// The command `argv`, with the container's defaults for the rest.
    pub fn new<I, S>(argv: I) -> Process
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Process {
            argv: argv.into_iter().map(Into::into).collect(),
            ..Process::default()
        }
    }
}

/// A container the engine has just made, as [`Client::create_container`]
/// gives it.
///
/// ```no_run
/// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
/// let created = client.create_container(serde_json::json!({ "Image": "busybox:latest" }), Some("box"), None).await?;
/// for warning in &created.warnings {
///     eprintln!("WARNING: {warning}");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Its full id.
    pub id: String,
    /// What the engine warns about it (e.g. that networking will not work).
    pub warnings: Vec<String>,
}

impl Client {
    /// Creates a container. `body` is the `POST /containers/create` request
    /// as the Engine API defines it (`Image`, `Cmd`, `Tty`, `HostConfig`, ...);
    /// `name` and `platform` go in its query. An image the engine lacks is an
    /// [`ErrorKind::Refused`] error with status 404.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let body = serde_json::json!({
    ///     "Image": "busybox:latest",
    ///     "Cmd": ["sh"],
    ///     "Tty": true,
    ///     "OpenStdin": true,
    ///     "HostConfig": { "AutoRemove": true, "NetworkMode": "none" },
    /// });
    /// let created = client.create_container(body, None, None).await?;
    /// println!("{}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_container(
        &self,
        body: serde_json::Value,
        name: Option<&str>,
        platform: Option<&str>,
    ) -> crate::error::Result<Created> {
        let mut query = Vec::new();
        if let Some(name) = name {
            query.push(format!("name={}", query_escape(name)));
        }
        if let Some(platform) = platform {
            query.push(format!("platform={}", query_escape(platform)));
        }
        let path = match query.is_empty() {
            true => String::from("/containers/create"),
            false => format!("/containers/create?{}", query.join("&")),
        };
        let response = self.request(Method::POST, &path, Some(body)).await?;
        let created = read_json::<ContainerCreateResponse>(response).await?;
        Ok(Created {
            id: created.id,
            warnings: created
                .warnings
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
        })
    }

    /// Starts a created container. A command that does not exist or cannot
    /// be run is [`ErrorKind::CommandNotFound`] or
    /// [`ErrorKind::CommandNotInvokable`].
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let body = serde_json::json!({ "Image": "busybox:latest", "Cmd": ["nosuch"] });
    /// let created = client.create_container(body, None, None).await?;
    /// let error = client.start_container(&created.id).await.unwrap_err();
    /// assert_eq!(error.kind(), dpty::ErrorKind::CommandNotFound);
    /// client.remove_container(&created.id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn start_container(&self, id: &str) -> crate::error::Result<()> {
        Ok(start_container(self, id).await?)
    }

    /// Removes a container, running or not, with its anonymous volumes
    /// left as `docker rm -f` leaves them.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// client.remove_container("web").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_container(&self, id: &str) -> crate::error::Result<()> {
        let options = RemoveContainerOptionsBuilder::default().force(true).build();
        self.api()
            .remove_container(id, Some(options))
            .await
            .map_err(|e| crate::error::Error::from(Client::error(e)))
    }

    /// Starts `process` in the running `container` with nothing attached,
    /// as `docker exec -d`, and returns the exec instance's id. `tty` gives
    /// it a TTY; `stdin` keeps its stdin open.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let process = dpty::Process::new(["sh", "-c", "sleep 60 &"]);
    /// let exec_id = client.exec_detached("web", &process, false, false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn exec_detached(
        &self,
        container: &str,
        process: &Process,
        tty: bool,
        stdin: bool,
    ) -> crate::error::Result<String> {
        let spec = ExecSpec {
            tty,
            stdin,
            attached: false,
            console_size: None,
            detach_keys: None,
        };
        let id = create_exec(self, container, process, &spec).await?;
        let start = json!({ "Detach": true, "Tty": tty });
        self.request(Method::POST, &format!("/exec/{id}/start"), Some(start))
            .await
            .context("starting the command")?;
        Ok(id)
    }
}

/// How an exec instance is made, besides its command.
pub(crate) struct ExecSpec {
    pub tty: bool,
    pub stdin: bool,
    /// Its streams are attached (else it runs detached).
    pub attached: bool,
    pub console_size: Option<Size>,
    pub detach_keys: Option<String>,
}

/// Creates an exec instance; a container that is not running is
/// [`ErrorKind::NotRunning`].
pub(crate) async fn create_exec(
    client: &Client,
    container: &str,
    process: &Process,
    spec: &ExecSpec,
) -> anyhow::Result<String> {
    let body = ExecConfig {
        attach_stdin: Some(spec.attached && spec.stdin),
        attach_stdout: Some(spec.attached),
        attach_stderr: Some(spec.attached),
        console_size: spec
            .console_size
            .map(|s| vec![usize::from(s.rows), usize::from(s.cols)]),
        tty: Some(spec.tty),
        env: (!process.env.is_empty()).then(|| process.env.clone()),
        cmd: Some(process.argv.clone()),
        privileged: Some(process.privileged),
        user: process.user.clone(),
        working_dir: process.workdir.clone(),
        detach_keys: spec.detach_keys.clone(),
    };
    let error = match client.api().create_exec(container, body).await {
        Ok(created) => return Ok(created.id),
        Err(error) => Client::error(error),
    };
    // Docker answers 409 with its own words for a container that is not
    // running; Podman gives a 500 saying "container state improper". The
    // container's state is what tells.
    let status = ApiError::status_of(&error);
    if status == Some(409) && !client.is_podman() {
        return Err(mark(error, ErrorKind::NotRunning));
    }
    if status.is_some_and(|s| s != 404) && is_stopped(client, container).await {
        let message = anyhow::anyhow!("container {container} is not running");
        return Err(mark(message, ErrorKind::NotRunning));
    }
    Err(error)
}

/// Whether the engine says the container exists and is not running.
async fn is_stopped(client: &Client, container: &str) -> bool {
    match client.api().inspect_container(container, None).await {
        Ok(info) => info.state.and_then(|s| s.running) == Some(false),
        Err(_) => false,
    }
}

/// Starts the container; a failure says whether its command was missing or
/// could not be run.
pub(crate) fn start_container(
    client: &Client,
    id: &str,
) -> impl std::future::Future<Output = anyhow::Result<()>> {
    let api = client.api().clone();
    let id = id.to_owned();
    async move {
        api.start_container(&id, None)
            .await
            .map_err(|e| start_failure(Client::error(e)).context("starting the container"))
    }
}

/// Marks a failure to start the process by what the engine's words say of
/// it: a missing or uninvokable command, else a refusal. Podman reports
/// these when attaching to a created container, since it prepares the
/// process then; Docker reports them at start.
pub(crate) fn start_failure(error: anyhow::Error) -> anyhow::Error {
    match start_failure_kind(&format!("{error:#}")) {
        Some(kind) => mark(error, kind),
        None => error,
    }
}

/// Marks a refused attach: a missing or uninvokable command when that is
/// what the engine says (Podman prepares the process at attach), else
/// [`ErrorKind::AttachRefused`].
pub(crate) fn attach_failure(error: anyhow::Error) -> anyhow::Error {
    if Client::is_gone(&error) || ApiError::status_of(&error).is_none() {
        return error;
    }
    let message = format!("{error:#}");
    let kind = start_failure_kind(&message).unwrap_or(ErrorKind::AttachRefused);
    mark(error, kind)
}

/// The exit status of a container, once the wait registered by
/// [`wait_next_exit`] ends.
pub(crate) type ExitWait = tokio::task::JoinHandle<anyhow::Result<WaitResponse>>;

/// Registers a wait for the container's next exit; resolves once the engine
/// has registered it, and the returned task yields the status.
pub(crate) async fn wait_next_exit(client: &Client, id: &str) -> anyhow::Result<ExitWait> {
    let wait = client
        .request(
            Method::POST,
            &format!("/containers/{id}/wait?condition=next-exit"),
            None,
        )
        .await
        .context("waiting for the container")?;
    Ok(tokio::spawn(read_json::<WaitResponse>(wait)))
}

/// The engine's answer to a container wait.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WaitResponse {
    pub status_code: i64,
    pub error: Option<WaitError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WaitError {
    #[serde(default)]
    pub message: String,
}

/// Says why a container's exit status could not be had: the engine went
/// away, or the container was removed from outside.
pub(crate) async fn explain_lost_wait(
    client: &Client,
    id: &str,
    error: anyhow::Error,
) -> anyhow::Error {
    match client
        .api()
        .inspect_container(id, None)
        .await
        .map_err(Client::error)
    {
        Ok(_) => error.context("waiting for the container"),
        Err(e) if ApiError::status_of(&e) == Some(404) => {
            anyhow::anyhow!("the container was removed while attached")
        }
        Err(e) if Client::is_gone(&e) => client.gone(),
        Err(_) => error.context("waiting for the container"),
    }
}

/// A hook for the session: `call` made with the engine handle and `id`
/// each time the session asks (a resize, a signal).
fn hook<A, F, Fut>(
    client: &Client,
    id: &str,
    call: F,
) -> Arc<dyn Fn(A) -> BoxFuture<'static, Fut::Output> + Send + Sync>
where
    F: Fn(bollard::Docker, String, A) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future + Send + 'static,
{
    let api = client.api().clone();
    let id = id.to_owned();
    Arc::new(move |arg: A| call(api.clone(), id.clone(), arg).boxed())
}

pub(crate) fn container_resize_fn(client: &Client, id: &str) -> ResizeFn {
    hook(client, id, |api, id, size: Size| async move {
        let options = ResizeContainerTTYOptionsBuilder::default()
            .h(i32::from(size.rows))
            .w(i32::from(size.cols))
            .build();
        api.resize_container_tty(&id, options)
            .await
            .map_err(Client::error)
    })
}

pub(crate) fn exec_resize_fn(client: &Client, id: &str) -> ResizeFn {
    hook(client, id, |api, id, size: Size| async move {
        let options = ResizeExecOptions {
            h: i32::from(size.rows),
            w: i32::from(size.cols),
        };
        api.resize_exec(&id, options).await.map_err(Client::error)
    })
}

/// Passes a signal to the container's main process.
pub(crate) fn container_signal_fn(client: &Client, id: &str) -> SignalFn {
    hook(client, id, |api, id, signal: i32| async move {
        let options = KillContainerOptionsBuilder::default()
            .signal(&signal.to_string())
            .build();
        if let Err(error) = api.kill_container(&id, Some(options)).await {
            debug!(%error, signal, "forwarding signal failed");
        }
    })
}
