//! `dpty attach`: join this terminal to a container that already exists, or
//! (with `--exec`) start an exec instance that was created elsewhere.
//!
//! A container that was created but never started is attached first and
//! started after, so its first byte is not lost; `--logs` replays what it
//! printed before we came.

use anyhow::{bail, Context as _};
use bollard::models::ContainerStateStatusEnum;

use crate::config::{LocalTerminal, NotATerminal, StreamMode};
use crate::docker::{query_escape, Client};
use crate::engine::{self, Controls, End, Hooks, SignalSource};
use crate::exit_code::{self, Coded, Outcome};
use crate::{exec, run};

/// Everything `attach` needs, resolved from the command line.
#[derive(Debug)]
pub struct AttachConfig {
    pub target: String,
    /// `target` names an exec instance rather than a container.
    pub exec: bool,
    pub no_stdin: bool,
    pub sig_proxy: bool,
    /// With `exec`: leave the command running when dpty ends first.
    pub leave_running: bool,
    /// Where to record the session, if anywhere.
    pub record: Option<engine::RecordSpec>,
    pub logs: bool,
    /// The detach sequence as the user spelled it, and as bytes.
    pub detach_keys: (String, Vec<u8>),
    pub local: LocalTerminal,
}

pub async fn attach(
    client: &Client,
    config: AttachConfig,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    // Dropped after the session, which puts all of it on disk.
    let recording = config
        .record
        .as_ref()
        .map(engine::Recording::start)
        .transpose()?;
    let record = recording.as_ref().and_then(engine::Recording::tap);
    if config.exec {
        return attach_exec(client, config, record, signals).await;
    }
    let info = client
        .api()
        .inspect_container(&config.target, None)
        .await
        .map_err(Client::error)?;
    let id = info.id.unwrap_or_else(|| config.target.clone());
    let container = info.config.unwrap_or_default();
    let tty = container.tty.unwrap_or(false);
    let stdin = !config.no_stdin && container.open_stdin.unwrap_or(false);
    let mode = mode_for(tty, stdin, config.local)?;
    let status = info.state.and_then(|s| s.status);
    let start_after = match status {
        Some(ContainerStateStatusEnum::RUNNING) => false,
        Some(ContainerStateStatusEnum::CREATED) => true,
        Some(ContainerStateStatusEnum::PAUSED) => {
            bail!(
                "cannot attach to the paused container {}: unpause it first",
                config.target
            )
        }
        _ => bail!(
            "cannot attach to the stopped container {}: start it first",
            config.target
        ),
    };
    let path = format!(
        "/containers/{id}/attach?stream=1&stdin={}&stdout=1&stderr=1&logs={}&detachKeys={}",
        u8::from(mode.stdin),
        u8::from(config.logs),
        query_escape(&config.detach_keys.0),
    );
    let attached = client
        .hijack(&path, None)
        .await
        .map_err(run::start_failure)
        .context("attaching to the container")?;
    let exit_status = run::wait_next_exit(client, &id).await?;
    let start_client = client.clone();
    let start_id = id.clone();
    let start = async move {
        match start_after {
            true => run::start(&start_client, &start_id).await,
            false => Ok(()),
        }
    };
    let settings = mode.settings(client.is_podman());
    let controls = Controls {
        detach_keys: config.detach_keys.1,
        record,
        hangup_ends: false,
    };
    let proxy = config.sig_proxy.then(|| run::signal_fn(client, &id));
    let hooks = Hooks {
        resize: Some(run::resize_fn(client, &id)),
        signal_proxy: proxy.clone(),
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
    .await?;
    match end {
        End::Finished => run::finish(client, &id, exit_status, signals, proxy).await,
        End::Detached => Err(exec::detached()),
        End::OutputClosed => Ok(Outcome::Failed(exit_code::BROKEN_PIPE)),
        End::Signalled(signal) => Ok(Outcome::Failed(exit_code::for_signal(signal))),
    }
}

/// Starts an exec instance someone else created, attached to this terminal.
async fn attach_exec(
    client: &Client,
    config: AttachConfig,
    record: Option<engine::Tap>,
    signals: &mut SignalSource,
) -> anyhow::Result<Outcome> {
    let info = client
        .api()
        .inspect_exec(&config.target)
        .await
        .map_err(Client::error)?;
    // Docker reports no exit code before the start; Podman reports 0 with
    // no process, so a process id is what shows a start happened.
    let started =
        info.running == Some(true) || (info.exit_code.is_some() && info.pid.unwrap_or(0) != 0);
    if started {
        bail!(
            "the exec instance {} has already been started: an exec instance can be attached only before it starts",
            config.target
        );
    }
    let tty = info.process_config.and_then(|p| p.tty).unwrap_or(false);
    let stdin = !config.no_stdin && info.open_stdin.unwrap_or(false);
    let mode = mode_for(tty, stdin, config.local)?;
    let controls = Controls {
        detach_keys: config.detach_keys.1,
        record,
        hangup_ends: false,
    };
    let size = mode.tty.then(engine::local_size).flatten();
    let console_size = size.map(|s| vec![usize::from(s.rows), usize::from(s.cols)]);
    let lifetime = exec::Lifetime {
        sig_proxy: config.sig_proxy,
        leave_running: config.leave_running,
    };
    exec::start_attached(
        client,
        &config.target,
        mode,
        console_size,
        controls,
        lifetime,
        signals,
    )
    .await
}

/// The stream mode is the container's: we can only choose to leave stdin out.
fn mode_for(tty: bool, stdin: bool, local: LocalTerminal) -> anyhow::Result<StreamMode> {
    if tty && stdin && !local.stdin {
        return Err(anyhow::Error::new(NotATerminal).context(Coded(exit_code::GENERAL)));
    }
    Ok(StreamMode {
        stdin,
        tty,
        raw: tty && stdin && local.stdin,
    })
}
