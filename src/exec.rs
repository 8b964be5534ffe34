//! `dpty exec`: run a command in a running container, attached to this
//! terminal, and exit with the command's status. The exec's output stream is
//! the start request itself, so nothing can be missed before it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use bollard::models::ExecConfig;
use bollard::query_parameters::ResizeExecOptions;
use futures_util::FutureExt;
use serde_json::json;
use tracing::{debug, info};

use crate::config::{Process, StreamMode};
use crate::deliver::{ExecProcess, HANGUP_GRACE};
use crate::docker::Client;
use crate::engine::{self, Controls, End, Hooks, SignalSource, Size};
use crate::exit_code::{self, Outcome};

/// Everything `exec` needs, resolved from the command line.
#[derive(Debug)]
pub struct ExecConfigResolved {
    pub mode: StreamMode,
    pub process: Process,
    pub container: String,
    pub command: Vec<String>,
    /// The detach sequence as the user spelled it, and as bytes.
    pub detach_keys: (String, Vec<u8>),
    /// `-d`: start the command in the background and return at once.
    pub detach: bool,
    /// Where to record the session, if anywhere.
    pub record: Option<engine::RecordSpec>,
    pub lifetime: Lifetime,
}

/// What becomes of the command while dpty runs and when dpty ends first.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    /// Signals dpty receives are passed on to the command.
    pub sig_proxy: bool,
    /// The command is left running when dpty ends before it (a closed
    /// terminal, a signal, a lost connection); otherwise it is hung up.
    pub leave_running: bool,
}

pub async fn exec(
    client: &Client,
    config: ExecConfigResolved,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    let mode = config.mode;
    let size = mode.tty.then(engine::local_size).flatten();
    let console_size = size.map(|s| vec![usize::from(s.rows), usize::from(s.cols)]);
    let process = &config.process;
    let attached = !config.detach;
    let body = ExecConfig {
        attach_stdin: Some(attached && mode.stdin),
        attach_stdout: Some(attached),
        attach_stderr: Some(attached),
        console_size: console_size.clone(),
        tty: Some(mode.tty),
        env: (!process.env.is_empty()).then(|| process.env.clone()),
        cmd: Some(config.command.clone()),
        privileged: Some(process.privileged),
        user: process.user.clone(),
        working_dir: process.workdir.clone(),
        detach_keys: Some(config.detach_keys.0.clone()),
    };
    let api = client.api();
    let created = api.create_exec(&config.container, body);
    let id = tokio::select! {
        created = created => created
            .map_err(|e| not_running(client, &config.container, Client::error(e)))?
            .id,
        signal = signals.interrupted() => return Ok(Outcome::Failed(exit_code::for_signal(signal))),
    };
    info!(%id, "exec created");
    if config.detach {
        let start = json!({ "Detach": true, "Tty": mode.tty, "ConsoleSize": console_size });
        client
            .request(
                hyper::Method::POST,
                &format!("/exec/{id}/start"),
                Some(start),
            )
            .await
            .context("starting the command")?;
        return Ok(Outcome::Exited(0));
    }
    let recording = config
        .record
        .as_ref()
        .map(engine::Recording::start)
        .transpose()?;
    let controls = Controls {
        detach_keys: config.detach_keys.1,
        record: recording.as_ref().and_then(engine::Recording::tap),
        hangup_ends: false,
    };
    start_attached(
        client,
        &id,
        mode,
        console_size,
        controls,
        config.lifetime,
        signals,
    )
    .await
}

/// Starts an exec instance attached to this terminal and waits for its end.
pub async fn start_attached(
    client: &Client,
    id: &str,
    mode: StreamMode,
    console_size: Option<Vec<usize>>,
    mut controls: Controls,
    lifetime: Lifetime,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    controls.hangup_ends = lifetime.leave_running;
    let start = json!({ "Detach": false, "Tty": mode.tty, "ConsoleSize": console_size });
    let path = format!("/exec/{id}/start");
    let start = client.hijack(&path, Some(start));
    // An interrupt before the stream is ours ends dpty at once. (The docker
    // CLI only notes it, and carries on once the start is answered.)
    let attached = tokio::select! {
        attached = start => attached.context("starting the command")?,
        signal = signals.interrupted() => {
            info!(signal, "interrupted while starting the command");
            return Ok(Outcome::Failed(exit_code::for_signal(signal)));
        }
    };
    let settings = mode.settings(client.is_podman());
    // The engine has no API to signal an exec process; dpty finds it.
    let process = ExecProcess::new(client, id);
    let hooks = Hooks {
        resize: Some(resize_fn(client, id)),
        signal_proxy: lifetime.sig_proxy.then(|| process.signal_fn()),
    };
    let no_start = async { Ok(()) };
    let end = engine::attach(
        attached.conn,
        attached.buffered,
        settings,
        controls,
        hooks,
        signals,
        no_start,
    )
    .await;
    // dpty going first must not leave the command behind with nobody
    // attached: it gets what a closing terminal gives its session.
    let outlived = !matches!(end, Ok(End::Finished | End::Detached));
    if outlived && !lifetime.leave_running {
        process.hang_up(HANGUP_GRACE).await;
    }
    if let Some(report) = process.report() {
        eprintln!("dpty: {report}");
    }
    let end = end?;
    info!(?end, "session ended");
    let hang_up = (!lifetime.leave_running).then_some(&*process);
    match end {
        End::Finished => exit_status(client, id, hang_up, signals).await,
        End::Detached => Err(detached()),
        End::OutputClosed => Ok(Outcome::Failed(exit_code::BROKEN_PIPE)),
        End::Signalled(signal) => Ok(Outcome::Failed(exit_code::for_signal(signal))),
    }
}

/// Polls of the status (about 100 ms) after which a process that is still
/// running is taken to have lost its stream rather than to be ending.
const HANG_UP_AFTER_ATTEMPTS: u64 = 10;

/// Podman refuses an exec in a stopped container as "container state
/// improper"; say what Docker says instead: that it is not running.
fn not_running(client: &Client, container: &str, error: anyhow::Error) -> anyhow::Error {
    let improper =
        client.is_podman() && crate::exit_code::render(&error).contains("container state improper");
    if improper {
        return anyhow::anyhow!("container {container} is not running");
    }
    error
}

/// What `exec` and `attach` report after a detach, like the docker CLI.
pub fn detached() -> anyhow::Error {
    anyhow::anyhow!("read escape sequence").context(exit_code::Coded(exit_code::GENERAL))
}

/// The exec process's status. The stream ends when the process does, but the
/// engine may record the status a moment later. The stream also ends when
/// the terminal goes away (Docker closes a TTY exec's stream when its stdin
/// ends): a process still running after a moment is then hung up, when
/// `hang_up` gives it. An interrupt while polling ends dpty at once with
/// 128 + the signal (the docker CLI ends at once too, with 255); one that
/// comes during a hang-up is heard once the hang-up is done.
async fn exit_status(
    client: &Client,
    id: &str,
    hang_up: Option<&ExecProcess>,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    let mut hang_up = hang_up;
    for attempt in 0..50u64 {
        if attempt == HANG_UP_AFTER_ATTEMPTS {
            if let Some(process) = hang_up.take() {
                process.hang_up(HANGUP_GRACE).await;
            }
        }
        let inspect = tokio::select! {
            inspect = client.api().inspect_exec(id) => inspect,
            signal = signals.interrupted() => {
                info!(signal, "interrupted while reading the command's exit status");
                return Ok(Outcome::Failed(exit_code::for_signal(signal)));
            }
        };
        let inspect = match inspect.map_err(Client::error) {
            Ok(inspect) => inspect,
            Err(error) if Client::is_gone(&error) => return Err(client.gone()),
            Err(error) => return Err(error.context("reading the command's exit status")),
        };
        match (inspect.running, inspect.exit_code) {
            (Some(false), Some(code)) => return Ok(Outcome::Exited(code)),
            state => debug!(?state, attempt, "exec still running"),
        }
        let pause = tokio::time::sleep(Duration::from_millis(2 + attempt * 2));
        tokio::select! {
            () = pause => {}
            signal = signals.interrupted() => {
                info!(signal, "interrupted while reading the command's exit status");
                return Ok(Outcome::Failed(exit_code::for_signal(signal)));
            }
        }
    }
    anyhow::bail!("the engine did not report the command's exit status")
}

fn resize_fn(client: &Client, id: &str) -> engine::ResizeFn {
    let api = client.api().clone();
    let id = id.to_owned();
    Arc::new(move |size: Size| {
        let api = api.clone();
        let id = id.clone();
        async move {
            let options = ResizeExecOptions {
                h: i32::from(size.rows),
                w: i32::from(size.cols),
            };
            api.resize_exec(&id, options).await.map_err(Client::error)
        }
        .boxed()
    })
}
