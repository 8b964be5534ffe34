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

impl Client {
    /// Whether the engine has the image `name` (a reference or an id).
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// if !client.has_image("busybox:latest").await? {
    ///     eprintln!("busybox:latest would be pulled");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn has_image(&self, name: &str) -> crate::error::Result<bool> {
        // Image references are path-safe as they are: `/` and `:` belong to them.
        let path = format!("/images/{name}/json");
        match self.request(Method::GET, &path, None).await {
            Ok(_) => Ok(true),
            Err(error) if ApiError::status_of(&error) == Some(404) => Ok(false),
            Err(error) => Err(error.context("looking for the image").into()),
        }
    }
}

/// Commits `container` to a new, untagged image with `changes` (Dockerfile
/// instructions such as `LABEL k=v`) applied, without pausing it, and
/// returns the image's id. Podman takes the request only with a body.
pub(crate) async fn commit(
    client: &Client,
    container: &str,
    changes: &[String],
) -> anyhow::Result<String> {
    #[derive(Deserialize)]
    struct Committed {
        #[serde(rename = "Id")]
        id: String,
    }
    let mut path = format!("/commit?container={}&pause=false", query_escape(container));
    for change in changes {
        path.push_str(&format!("&changes={}", query_escape(change)));
    }
    let response = client.request(Method::POST, &path, Some(json!({}))).await?;
    Ok(read_json::<Committed>(response).await?.id)
}

/// Removes an image; with `force`, even one a created container uses (which
/// keeps its layers until it goes itself).
pub(crate) async fn remove_image(client: &Client, id: &str, force: bool) -> anyhow::Result<()> {
    let path = format!("/images/{id}?force={}", u8::from(force));
    client.request(Method::DELETE, &path, None).await?;
    Ok(())
}

/// Puts the tar archive `tar` into directory `path` of container `id`.
pub(crate) async fn put_archive(
    client: &Client,
    id: &str,
    path: &str,
    tar: bytes::Bytes,
) -> anyhow::Result<()> {
    let options = bollard::query_parameters::UploadToContainerOptions {
        path: path.to_owned(),
        ..Default::default()
    };
    client
        .api()
        .upload_to_container(id, Some(options), bollard::body_full(tar))
        .await
        .map_err(Client::error)
}

/// Copies `from_path` of container `from` into directory `to_path` of
/// container `to` through the archive API, streamed: the files are never
/// all in memory at once.
pub(crate) async fn copy_between(
    client: &Client,
    from: &str,
    from_path: &str,
    to: &str,
    to_path: &str,
) -> anyhow::Result<()> {
    use futures_util::StreamExt as _;
    let download = bollard::query_parameters::DownloadFromContainerOptions {
        path: from_path.to_owned(),
    };
    // A failed download ends the upload's body with an error, which fails
    // the upload; the download's own words are kept for the message.
    let failure = Arc::new(std::sync::Mutex::new(None));
    let noted = Arc::clone(&failure);
    let stream = client
        .api()
        .download_from_container(from, Some(download))
        .map(move |piece| {
            piece.map_err(|error| {
                let error = Client::error(error);
                let io = std::io::Error::other(format!("{error:#}"));
                *noted.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
                io
            })
        });
    let upload = bollard::query_parameters::UploadToContainerOptions {
        path: to_path.to_owned(),
        ..Default::default()
    };
    let uploaded = client
        .api()
        .upload_to_container(to, Some(upload), bollard::body_try_stream(stream))
        .await
        .map_err(Client::error);
    let failed = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
    match (uploaded, failed) {
        (_, Some(error)) => Err(error.context(format!("reading {from_path}"))),
        (Err(error), None) => Err(error.context(format!("writing {to_path}"))),
        (Ok(()), None) => Ok(()),
    }
}

/// A container or image that carries a label, as a list by label shows it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Labelled {
    #[serde(rename = "Id")]
    pub id: String,
    /// Containers only: `created`, `running`, `exited`, ...
    #[serde(rename = "State", default)]
    pub state: String,
    /// When it was made, in seconds since the epoch.
    #[serde(rename = "Created", default)]
    pub created: i64,
}

/// Every container (in any state) or image (`kind`: `containers`,
/// `images`) that carries `label`.
pub(crate) async fn labelled(
    client: &Client,
    kind: &str,
    label: &str,
) -> anyhow::Result<Vec<Labelled>> {
    let filters = json!({ "label": [label] }).to_string();
    let path = format!("/{kind}/json?all=1&filters={}", query_escape(&filters));
    let response = client.request(Method::GET, &path, None).await?;
    read_json(response).await
}
