//! `dpty run`: create a container, attach to it, start it, stream until it
//! exits, and exit with its status, in the order that loses nothing: the
//! attach stream and the exit wait are both in place before the container
//! starts, so neither its first byte nor its exit can be missed.

use std::sync::Arc;

use anyhow::Context as _;
use bollard::models::ContainerCreateResponse;
use bollard::query_parameters::{
    KillContainerOptionsBuilder, RemoveContainerOptionsBuilder, ResizeContainerTTYOptionsBuilder,
};
use futures_util::{FutureExt, StreamExt};
use hyper::Method;
use serde::Deserialize;
use signal_hook::consts::signal::{SIGINT, SIGTERM, SIGWINCH};
use tracing::{debug, info};

use crate::cli::PullPolicy;
use crate::config::StreamMode;
use crate::docker::{query_escape, read_json, ApiError, Client, Hijacked};
use crate::engine::{self, Controls, End, Hooks, SignalSource, Size};
use crate::exit_code::{self, Coded, Outcome};
use crate::opts::Container;
use crate::pull;

/// Everything `run` needs, resolved from the command line.
#[derive(Debug)]
pub struct RunConfig {
    pub mode: StreamMode,
    /// The create request, built from docker run's options.
    pub container: Container,
    pub image: String,
    pub remove: bool,
    pub pull: PullPolicy,
    /// Print nothing while pulling.
    pub quiet: bool,
    /// The detach sequence as the user spelled it, and as bytes.
    pub detach_keys: (String, Vec<u8>),
    /// Forward the signals dpty receives to the container.
    pub sig_proxy: bool,
    /// Where to record the session, if anywhere.
    pub record: Option<engine::RecordSpec>,
}

pub async fn run(
    client: &Client,
    config: RunConfig,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    // The id file is made before anything else, so a path that exists or
    // cannot be written stops dpty before a container does; it is removed
    // again unless an id went into it, as with the docker CLI.
    let mut cidfile = match &config.container.cidfile {
        Some(path) => Some(CidFile::create(path).context(Coded(exit_code::ENGINE_REFUSED))?),
        None => None,
    };
    // Made first too, so that a file that cannot be written stops nothing half
    // way; dropped last, after the session, which puts all of it on disk.
    let recording = config
        .record
        .as_ref()
        .map(engine::Recording::start)
        .transpose()?;
    // Until the session takes over signals, an interrupt stops the set-up
    // and cleans up what was made, instead of killing dpty half way.
    let sent = std::cell::Cell::new(false);
    let creating = create(client, &config, &sent);
    tokio::pin!(creating);
    let id = tokio::select! {
        created = &mut creating => created?,
        signal = signals.interrupted() => {
            // A create the engine has been sent may make the container all
            // the same: its answer is awaited (a second interrupt stops even
            // that), so that --rm leaves nothing behind. A pull is simply
            // abandoned.
            if sent.get() && config.remove {
                tokio::select! {
                    created = &mut creating => {
                        if let Ok(id) = created {
                            remove(client, &id).await;
                        }
                    }
                    _ = signals.interrupted() => {}
                }
            }
            return Ok(Outcome::Failed(exit_code::for_signal(signal)));
        }
    };
    info!(%id, "container created");
    if let Some(file) = cidfile.as_mut() {
        file.write(&id).context(Coded(exit_code::ENGINE_REFUSED))?;
    }
    if !config.container.attach.any() {
        return run_detached(client, &id).await;
    }
    let prepared = tokio::select! {
        prepared = prepare(client, &id, &config) => prepared.map_err(SetUpStop::Failed),
        signal = signals.interrupted() => Err(SetUpStop::Signalled(signal)),
    };
    let (attached, exit_status) = match prepared {
        Ok(prepared) => prepared,
        Err(stop) => {
            if config.remove {
                remove(client, &id).await;
            }
            return match stop {
                SetUpStop::Failed(error) => Err(error),
                SetUpStop::Signalled(signal) => Ok(Outcome::Failed(exit_code::for_signal(signal))),
            };
        }
    };
    // `-a stdin` attaches stdin even without -i, as with docker.
    let mode = StreamMode {
        stdin: config.container.attach.stdin,
        ..config.mode
    };
    let start = start(client, &id);
    let settings = mode.settings(client.is_podman());
    let controls = Controls {
        detach_keys: config.detach_keys.1.clone(),
        record: recording.as_ref().and_then(engine::Recording::tap),
        hangup_ends: false,
    };
    let hooks = Hooks {
        resize: Some(resize_fn(client, &id)),
        signal_proxy: config.sig_proxy.then(|| signal_fn(client, &id)),
    };
    let end = engine::attach(
        attached.conn,
        attached.buffered,
        settings,
        controls,
        hooks,
        signals,
        start,
    )
    .await;
    let end = match end {
        Ok(end) => end,
        Err(error) => {
            if config.remove {
                remove(client, &id).await;
            }
            return Err(error);
        }
    };
    info!(?end, "session ended");
    let early = match end {
        End::Finished => None,
        // The container goes on without us, as with the docker CLI.
        End::Detached => return Ok(Outcome::Exited(0)),
        End::OutputClosed => Some(exit_code::BROKEN_PIPE),
        End::Signalled(signal) => Some(exit_code::for_signal(signal)),
    };
    if let Some(code) = early {
        if config.remove {
            remove(client, &id).await;
        }
        return Ok(Outcome::Failed(code));
    }
    let proxy = config.sig_proxy.then(|| signal_fn(client, &id));
    let outcome = finish(client, &id, exit_status, signals, proxy).await;
    // A signal ended the wait: whatever --rm asked for still happens.
    if config.remove && matches!(outcome, Ok(Outcome::Failed(_))) {
        remove(client, &id).await;
    }
    outcome
}

/// Why setting up a session stopped before it began.
enum SetUpStop {
    Failed(anyhow::Error),
    Signalled(i32),
}

/// Attaches to the created container and registers the wait for its exit,
/// both before it starts, so that neither its first byte nor its exit can
/// be missed.
async fn prepare(
    client: &Client,
    id: &str,
    config: &RunConfig,
) -> anyhow::Result<(
    Hijacked,
    tokio::task::JoinHandle<anyhow::Result<WaitResponse>>,
)> {
    // The engine watches for detach keys too; give it ours, which we never
    // forward, so only dpty decides when to detach.
    let streams = config.container.attach;
    let attach_path = format!(
        "/containers/{id}/attach?stream=1&stdin={}&stdout={}&stderr={}&detachKeys={}",
        u8::from(streams.stdin),
        u8::from(streams.stdout),
        u8::from(streams.stderr),
        query_escape(&config.detach_keys.0),
    );
    let attached = client
        .hijack(&attach_path, None)
        .await
        .map_err(attach_failure)
        .context("attaching to the container")?;
    let exit_status = wait_next_exit(client, id).await?;
    Ok((attached, exit_status))
}

/// The container's exit status once its stream has ended. Signals are still
/// heard meanwhile: `proxy` passes them on (three interrupts in a row give
/// up, as in the session), and without it a signal ends the wait. Only a
/// signal gives [`Outcome::Failed`].
pub async fn finish(
    client: &Client,
    id: &str,
    mut exit_status: tokio::task::JoinHandle<anyhow::Result<WaitResponse>>,
    signals: &mut SignalSource,
    proxy: Option<engine::SignalFn>,
) -> anyhow::Result<Outcome> {
    let mut interrupts = 0;
    // Waits for:
    // - the exit status, which ends the wait;
    // - signals: size changes mean nothing now; others go to the proxy, or
    //   end the wait when there is none or the user insists.
    let status = loop {
        tokio::select! {
            status = &mut exit_status => break status,
            Some(signal) = signals.next() => {
                if signal == SIGWINCH {
                    continue;
                }
                let Some(proxy) = &proxy else {
                    info!(signal, "ending the wait for the exit status on signal");
                    return Ok(Outcome::Failed(exit_code::for_signal(signal)));
                };
                if signal == SIGINT || signal == SIGTERM {
                    interrupts += 1;
                    if interrupts >= engine::GIVE_UP_AFTER {
                        info!(signal, "giving up after repeated interrupts");
                        return Ok(Outcome::Failed(exit_code::for_signal(signal)));
                    }
                } else {
                    interrupts = 0;
                }
                debug!(signal, "forwarding signal");
                proxy(signal).await;
            }
        }
    };
    let status = match status.context("waiting for the container")? {
        Ok(status) => status,
        Err(error) => return Err(explain_lost_wait(client, id, error).await),
    };
    if let Some(message) = status.error.map(|e| e.message).filter(|m| !m.is_empty()) {
        anyhow::bail!("waiting for the container: {message}");
    }
    debug!(status = status.status_code, "container exited");
    Ok(Outcome::Exited(status.status_code))
}

/// Says why the exit status could not be had: the engine went away, or the
/// container was removed from outside.
async fn explain_lost_wait(client: &Client, id: &str, error: anyhow::Error) -> anyhow::Error {
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

/// Registers a wait for the container's next exit; resolves once the engine
/// has registered it, and the returned task yields the status.
pub async fn wait_next_exit(
    client: &Client,
    id: &str,
) -> anyhow::Result<tokio::task::JoinHandle<anyhow::Result<WaitResponse>>> {
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WaitResponse {
    status_code: i64,
    error: Option<WaitError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WaitError {
    #[serde(default)]
    message: String,
}

/// Creates the container, pulling the image first if the engine lacks it.
/// `sent` is set while a create request is out, whose answer may name a
/// container even if nobody waits for it.
async fn create(
    client: &Client,
    config: &RunConfig,
    sent: &std::cell::Cell<bool>,
) -> anyhow::Result<String> {
    let container = &config.container;
    let mut path = String::from("/containers/create");
    let mut query = Vec::new();
    if let Some(name) = &container.name {
        query.push(format!("name={}", query_escape(name)));
    }
    if let Some(platform) = &container.platform_query {
        query.push(format!("platform={}", query_escape(platform)));
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let platform = container.platform.as_deref();
    let progress = || pull::Progress::choose(config.quiet);
    if config.pull == PullPolicy::Always {
        pull::pull(client, &config.image, platform, progress()).await?;
    }
    let send = || async {
        sent.set(true);
        let response = client
            .request(Method::POST, &path, Some(container.body.clone()))
            .await;
        let created = match response {
            Ok(response) => read_json::<ContainerCreateResponse>(response).await,
            Err(error) => Err(error),
        };
        sent.set(false);
        created
    };
    match send().await {
        Ok(response) => Ok(created(response)),
        Err(error) if ApiError::status_of(&error) == Some(404) => {
            if config.pull == PullPolicy::Never {
                return Err(error.context(format!(
                    "image '{}' is not present and --pull=never forbids pulling it",
                    config.image
                )));
            }
            if !config.quiet {
                eprintln!("Unable to find image '{}' locally", config.image);
            }
            pull::pull(client, &config.image, platform, progress()).await?;
            Ok(created(send().await?))
        }
        Err(error) => Err(error),
    }
}

/// The new container's id, after passing on the engine's warnings about it
/// (e.g. that networking will not work), as the docker CLI does.
fn created(response: ContainerCreateResponse) -> String {
    for warning in response.warnings.iter().filter(|w| !w.is_empty()) {
        eprintln!("WARNING: {warning}");
    }
    response.id
}

/// `--cidfile`: made before the container, holding its id once it exists,
/// and removed on drop while it holds none.
struct CidFile {
    path: std::path::PathBuf,
    file: std::fs::File,
    written: bool,
}

impl CidFile {
    fn create(path: &std::path::Path) -> anyhow::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                    "container ID file found, make sure the other container isn't running or delete {}",
                    path.display()
                ),
                _ => anyhow::Error::new(error)
                    .context(format!("creating the container ID file {}", path.display())),
            })?;
        Ok(CidFile {
            path: path.to_owned(),
            file,
            written: false,
        })
    }

    fn write(&mut self, id: &str) -> anyhow::Result<()> {
        use std::io::Write as _;
        self.file
            .write_all(id.as_bytes())
            .with_context(|| format!("writing the container ID file {}", self.path.display()))?;
        self.written = true;
        Ok(())
    }
}

impl Drop for CidFile {
    fn drop(&mut self) {
        if !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `-d`, or nothing attached: print the id, start, and leave the container
/// to itself. The id comes first, so a script has it even when the start
/// fails (the status then says why, as with the docker CLI).
async fn run_detached(client: &Client, id: &str) -> anyhow::Result<Outcome> {
    println!("{id}");
    start(client, id).await?;
    Ok(Outcome::Exited(0))
}

/// Starts the container; a failure carries the docker CLI's status for it.
pub fn start(client: &Client, id: &str) -> impl std::future::Future<Output = anyhow::Result<()>> {
    let api = client.api().clone();
    let id = id.to_owned();
    async move {
        api.start_container(&id, None)
            .await
            .map_err(|e| start_failure(Client::error(e)).context("starting the container"))
    }
}

/// Marks a refused attach: 126 or 127 when it is really the process that
/// cannot start (Podman prepares it at attach), else 1, as the docker CLI
/// exits when the engine refuses its attach.
fn attach_failure(error: anyhow::Error) -> anyhow::Error {
    let code = exit_code::for_start_failure(&error.to_string());
    let code = match code {
        exit_code::NOT_FOUND | exit_code::CANNOT_INVOKE => code,
        _ => exit_code::GENERAL,
    };
    error.context(Coded(code))
}

/// Marks a failure to start the process with the docker CLI's status for
/// it. Podman reports these when attaching to a created container, since it
/// prepares the process then; Docker reports them at start.
pub fn start_failure(error: anyhow::Error) -> anyhow::Error {
    let code = exit_code::for_start_failure(&error.to_string());
    error.context(Coded(code))
}

pub fn resize_fn(client: &Client, id: &str) -> engine::ResizeFn {
    let api = client.api().clone();
    let id = id.to_owned();
    Arc::new(move |size: Size| {
        let api = api.clone();
        let id = id.clone();
        async move {
            let options = ResizeContainerTTYOptionsBuilder::default()
                .h(i32::from(size.rows))
                .w(i32::from(size.cols))
                .build();
            api.resize_container_tty(&id, options)
                .await
                .map_err(Client::error)
        }
        .boxed()
    })
}

pub fn signal_fn(client: &Client, id: &str) -> engine::SignalFn {
    let api = client.api().clone();
    let id = id.to_owned();
    Arc::new(move |signal: i32| {
        let api = api.clone();
        let id = id.clone();
        async move {
            let options = KillContainerOptionsBuilder::default()
                .signal(&signal.to_string())
                .build();
            if let Err(error) = api.kill_container(&id, Some(options)).await {
                debug!(%error, signal, "forwarding signal failed");
            }
        }
        .boxed()
    })
}

/// Best-effort removal after a failure; the engine may be removing it already.
async fn remove(client: &Client, id: &str) {
    let options = RemoveContainerOptionsBuilder::default().force(true).build();
    if let Err(error) = client.api().remove_container(id, Some(options)).await {
        debug!(%error, "removing the container failed");
    }
}
