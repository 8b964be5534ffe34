//! A session: a container's or an exec's streams joined to a local side
//! until the process ends, with signals, resizes and detach keys.
//!
//! [`Session`] says what to join ([`Session::attach`], [`Session::start`],
//! [`Session::exec`], [`Session::start_exec`]) and how; [`Session::run`]
//! does it. Every way of starting goes through one set-up, [`Target`]: find
//! the target ([`find`]), then [`join`] it through what every [`Target`]
//! knows: how to open its stream, start, resize, signal and give its exit
//! status. Each step hears the caller's signals.
//!
//! One file per target: `container.rs` (run, attach), `exec.rs` (exec), with
//! `exec_signals.rs`, which finds an exec's process to signal and hang up.
//! A task of a Swarm service is found, and its node reached, by
//! `service.rs`, then joined as a container; `fan_out.rs` runs one command
//! in every task of a service at once. `debug.rs` sets up a debug session
//! (a helper that enters a container, or a copy of one) and joins it as an
//! exec.

use bollard::models::ContainerStateStatusEnum;
use futures_util::future::BoxFuture;
use tracing::{debug, info};

use crate::docker::ops::Process;
use crate::docker::ops::{self, ExecSpec};
use crate::docker::{ApiError, Client, Hijacked};
use crate::error::{mark, ErrorKind, Result};
mod container;
mod debug;
mod exec;
mod exec_signals;
mod fan_out;
mod service;

pub use debug::{DebugLeftovers, DebugOptions, DEBUG_LABEL};
pub use fan_out::{FanOut, TaskEnd};
pub use service::{Reach, Route, ServiceTask, SwarmNode};

use container::ContainerTarget;
use exec::ExecTarget;
use exec_signals::ExecProcess;

use crate::pump::{
    self, Controls, End, Forwarder, Hooks, LocalSide, RecordSpec, SignalSource, Size, Streams,
};

/// How a session ended.
///
/// ```
/// use dpty::SessionEnd;
///
/// fn describe(end: SessionEnd) -> String {
///     match end {
///         SessionEnd::Exited(status) => format!("exited with {status}"),
///         SessionEnd::Detached => "detached; it goes on".into(),
///         SessionEnd::OutputClosed => "nobody reads the output".into(),
///         SessionEnd::Signalled(signal) => format!("stopped by signal {signal}"),
///     }
/// }
/// assert_eq!(describe(SessionEnd::Exited(7)), "exited with 7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// The process ended with this status (the engine's 32-bit value).
    Exited(i64),
    /// The detach keys were typed: the process goes on without us.
    Detached,
    /// The local output was closed (a broken pipe) before the process ended.
    OutputClosed,
    /// A signal the session was not to forward ended it (or the same
    /// interrupt came three times); no exit status was waited for.
    Signalled(i32),
}

/// Which of a container's output streams a session joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    /// The container's standard output.
    pub stdout: bool,
    /// Its standard error.
    pub stderr: bool,
}

impl Outputs {
    /// Both streams, the default.
    pub const BOTH: Outputs = Outputs {
        stdout: true,
        stderr: true,
    };
}

/// What the caller asked to join.
enum Wanted {
    /// A container that exists: running, or created and started once attached.
    Attach(String),
    /// A container just created, started once attached.
    Start(String),
    /// A command to run in a running container.
    Exec { container: String, process: Process },
    /// An exec instance created elsewhere, not yet started.
    StartExec(String),
    /// A container to debug, with what the set-up makes for it.
    Debug {
        container: String,
        options: Box<DebugOptions>,
        state: debug::State,
    },
}

/// One session, built up and then [run](Session::run).
///
/// Run a command in a container on this process's terminal, as
/// `docker exec -it web sh -c 'exit 7'` does:
///
/// ```no_run
/// # async fn demo() -> dpty::Result<()> {
/// let client = dpty::Client::connect(&dpty::Engine::from_env()?).await?;
/// let end = dpty::Session::exec("web", dpty::Process::new(["sh", "-c", "exit 7"]))
///     .tty(true)
///     .stdin(true)
///     .run(&client)
///     .await?;
/// assert_eq!(end, dpty::SessionEnd::Exited(7));
/// # Ok(()) }
/// ```
pub struct Session<'a> {
    target: Wanted,
    tty: Option<bool>,
    stdin: Option<bool>,
    outputs: Outputs,
    local: Option<Streams>,
    detach_keys: Option<String>,
    signals: Option<&'a mut SignalSource>,
    forward_signals: bool,
    leave_running: bool,
    logs: bool,
    record: Option<RecordSpec>,
    batch_output: bool,
    notices: Notices,
}

/// Where a session's notices go: what the user should hear that is not an
/// error (e.g. that signals cannot reach an exec'd command).
type Notices = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

impl<'a> Session<'a> {
    fn new(target: Wanted) -> Session<'a> {
        Session {
            target,
            tty: None,
            stdin: None,
            outputs: Outputs::BOTH,
            local: None,
            detach_keys: None,
            signals: None,
            forward_signals: true,
            leave_running: false,
            logs: false,
            record: None,
            batch_output: false,
            notices: std::sync::Arc::new(|notice: &str| tracing::warn!(notice)),
        }
    }

    /// Joins a container that exists, as `docker attach`: a running one
    /// directly, a created one by attaching first and starting it after, so
    /// that its first byte is not lost. Its TTY and stdin are its own
    /// (`stdin(false)` leaves stdin out); paused and stopped containers are
    /// [`ErrorKind::NotRunning`].
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// // `docker attach --detach-keys=ctrl-x web`
    /// let end = dpty::Session::attach("web").detach_keys("ctrl-x").run(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn attach(container: impl Into<String>) -> Session<'a> {
        Session::new(Wanted::Attach(container.into()))
    }

    /// Starts a container that was just created, joined from its first
    /// byte, and waits for its exit status, as `docker run` does after its
    /// create. Say [`tty`](Self::tty) and [`stdin`](Self::stdin) as the
    /// container was created; otherwise they are looked up.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let body = serde_json::json!({
    ///     "Image": "busybox:latest", "Cmd": ["sh"], "Tty": true, "OpenStdin": true,
    ///     "HostConfig": { "AutoRemove": true, "NetworkMode": "none" },
    /// });
    /// let created = client.create_container(body, None, None).await?;
    /// // `docker run -it --rm busybox sh`, from the create on
    /// let end = dpty::Session::start(created.id).tty(true).stdin(true).run(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn start(container: impl Into<String>) -> Session<'a> {
        Session::new(Wanted::Start(container.into()))
    }

    /// Runs `process` in the running `container`, as `docker exec`.
    /// Without [`tty`](Self::tty) and [`stdin`](Self::stdin) it gets neither.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// // `docker exec -u nobody web id -u`, output to this process's stdout
    /// let mut process = dpty::Process::new(["id", "-u"]);
    /// process.user = Some("nobody".into());
    /// let end = dpty::Session::exec("web", process).run(&client).await?;
    /// assert_eq!(end, dpty::SessionEnd::Exited(0));
    /// # Ok(()) }
    /// ```
    pub fn exec(container: impl Into<String>, process: Process) -> Session<'a> {
        Session::new(Wanted::Exec {
            container: container.into(),
            process,
        })
    }

    /// Starts an exec instance that was created elsewhere and not yet
    /// started, with the TTY and stdin it was created with.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client, exec_id: String) -> dpty::Result<()> {
    /// let end = dpty::Session::start_exec(exec_id).leave_running(true).run(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn start_exec(exec_id: impl Into<String>) -> Session<'a> {
        Session::new(Wanted::StartExec(exec_id.into()))
    }

    /// A shell (or [`DebugOptions::process`]'s command) that sees
    /// `container` as its own, even when it has no shell, as `dpty debug`
    /// does: its processes, network, environment and working directory,
    /// with its root as `/`. A running container is joined live, and
    /// nothing is written into it; one that is not running (or with
    /// [`DebugOptions::copy`]) is debugged on a copy made from a snapshot,
    /// with its volumes. Whatever the session made is removed when it ends,
    /// however it ends; if this process is killed, the engine removes it.
    /// A live target that ends ends the session with status 137. Without
    /// [`tty`](Self::tty) and [`stdin`](Self::stdin) it gets neither.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// // `dpty debug web -- ps`, with the toolbox already on the engine
    /// let mut options = dpty::DebugOptions::new("busybox:musl");
    /// options.process.argv = vec!["ps".into()];
    /// let end = dpty::Session::debug("web", options).run(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn debug(container: impl Into<String>, options: DebugOptions) -> Session<'a> {
        Session::new(Wanted::Debug {
            container: container.into(),
            options: Box::new(options),
            state: debug::State::default(),
        })
    }

    /// A TTY for the process (for `start` and `exec`: how it was created or
    /// is to be made).
    pub fn tty(mut self, tty: bool) -> Self {
        self.tty = Some(tty);
        self
    }

    /// Whether the local input is the process's stdin. For `attach` and
    /// `start_exec` only `false` changes anything.
    pub fn stdin(mut self, stdin: bool) -> Self {
        self.stdin = Some(stdin);
        self
    }

    /// Which of a container's output streams to join (`docker run -a`);
    /// both by default.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// // `docker attach` with `-a stdout` only
    /// let only_stdout = dpty::Outputs { stdout: true, stderr: false };
    /// let end = dpty::Session::attach("web").outputs(only_stdout).run(&client).await?;
    /// # Ok(()) }
    /// ```
    pub fn outputs(mut self, outputs: Outputs) -> Self {
        self.outputs = outputs;
        self
    }

    /// Joins `streams` instead of the process's terminal: no raw mode, no
    /// SIGWINCH; sizes come from the streams.
    pub fn streams(mut self, streams: Streams) -> Self {
        self.local = Some(streams);
        self
    }

    /// The detach sequence, in docker's notation (`ctrl-p,ctrl-q`, the
    /// default). A sequence docker would refuse fails the run with
    /// [`ErrorKind::InvalidDetachKeys`] before the engine is asked anything.
    pub fn detach_keys(mut self, keys: impl Into<String>) -> Self {
        self.detach_keys = Some(keys.into());
        self
    }

    /// Listens to `signals` for the whole run. With `forward`, SIGINT,
    /// SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 go on to the process
    /// (the third interrupt in a row ends the session); without it, or while
    /// nothing can take them (set-up, the exit-status wait of an exec), a
    /// signal ends the run with [`SessionEnd::Signalled`]. Without a source,
    /// the session hears no signals at all.
    pub fn signals(mut self, signals: &'a mut SignalSource, forward: bool) -> Self {
        self.signals = Some(signals);
        self.forward_signals = forward;
        self
    }

    /// For exec sessions: when the session ends before the command (a
    /// signal, a closed output, a lost connection), leave the command
    /// running rather than hang it up (SIGHUP, then SIGKILL after 2 s).
    pub fn leave_running(mut self, leave: bool) -> Self {
        self.leave_running = leave;
        self
    }

    /// For `attach`: replay what the container printed before.
    pub fn logs(mut self, logs: bool) -> Self {
        self.logs = logs;
        self
    }

    /// Records the session as an asciicast v2 file.
    pub fn record(mut self, spec: RecordSpec) -> Self {
        self.record = Some(spec);
        self
    }

    /// Lets bulk output gather for 250 µs between reads by blocking the
    /// thread, which halves the CPU a flood of output costs. Only for a
    /// runtime whose thread the session has to itself (the `dpty` binary's);
    /// off by default, so that no other task of the caller's waits.
    pub fn batch_output(mut self, batch: bool) -> Self {
        self.batch_output = batch;
        self
    }

    /// Where notices go: what the user should hear once the session is over
    /// that is not an error, such as that the signals meant for an exec'd
    /// command could not reach it. By default they are logged (`tracing`,
    /// warn level); a session never prints.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let end = dpty::Session::exec("web", dpty::Process::new(["sh"]))
    ///     .notices(|notice| eprintln!("note: {notice}"))
    ///     .run(&client)
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn notices(mut self, notices: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.notices = std::sync::Arc::new(notices);
        self
    }

    /// Runs the session to its end: set-up, the joined streams, then the
    /// exit status. A session on this process's terminal restores it on
    /// every way out.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let (output, mut reader) = tokio::io::duplex(64 * 1024);
    /// let streams = dpty::Streams::new(output, tokio::io::sink());
    /// let end = dpty::Session::exec("web", dpty::Process::new(["uname"]))
    ///     .streams(streams)
    ///     .run(&client)
    ///     .await?;
    /// let mut text = String::new();
    /// tokio::io::AsyncReadExt::read_to_string(&mut reader, &mut text).await.unwrap();
    /// assert_eq!(text, "Linux\n");
    /// # Ok(()) }
    /// ```
    pub async fn run(self, client: &Client) -> Result<SessionEnd> {
        Ok(run(self, client).await?)
    }
}

/// What the set-up found out about the target.
struct Found {
    /// The container or exec instance id.
    id: String,
    tty: bool,
    /// The target takes stdin at all.
    open_stdin: bool,
    /// For containers: started once attached.
    start_after: bool,
    exec: bool,
}

async fn run(session: Session<'_>, client: &Client) -> anyhow::Result<SessionEnd> {
    let Session {
        target,
        tty,
        stdin,
        outputs,
        local,
        detach_keys,
        mut signals,
        forward_signals,
        leave_running,
        logs,
        record,
        batch_output,
        notices,
    } = session;
    let keys_spec = detach_keys.unwrap_or_else(|| pump::DEFAULT_DETACH_KEYS.to_owned());
    let keys = pump::parse_detach_keys(&keys_spec)
        .map_err(|e| mark(e.into(), ErrorKind::InvalidDetachKeys))?;
    let on_terminal = local.is_none();
    let stdin_is_terminal = on_terminal && pump::is_terminal(libc::STDIN_FILENO);
    // Made first, so that a file that cannot be written stops nothing half
    // way; finished last, after the session, which puts all of it on disk.
    let given_size = local.as_ref().and_then(|streams| streams.size);
    let recording = record
        .as_ref()
        .map(|spec| pump::Recording::start(spec, given_size))
        .transpose()
        .map_err(|e| mark(e, ErrorKind::Local))?;
    let tap = recording.as_ref().and_then(pump::Recording::tap);
    let for_recording = notices.clone();
    let ended = async {
        let size = match &local {
            None => pump::local_size(),
            Some(streams) => streams.size,
        };

        // Find the target, hearing signals meanwhile.
        let finding = find(client, &target, tty, stdin, size, &keys_spec);
        let found = match interruptible(finding, signals.as_deref_mut()).await {
            Interruptible::Done(found) => found?,
            Interruptible::Signalled(signal) => return Ok(SessionEnd::Signalled(signal)),
        };
        let stdin = found.open_stdin && stdin != Some(false);
        if on_terminal && found.tty && stdin && !stdin_is_terminal {
            return Err(mark(
                anyhow::anyhow!("the input device is not a TTY: drop -t, or run from a terminal"),
                ErrorKind::NotATerminal,
            ));
        }
        let settings = pump::Settings {
            tty: found.tty,
            stdin,
            raw: found.tty && stdin && stdin_is_terminal,
            podman: client.is_podman(),
            batch_output,
        };
        let controls = Controls {
            detach_keys: keys,
            record: tap,
            hangup_ends: found.exec && leave_running,
        };
        let local = match local {
            None => LocalSide::Terminal,
            Some(streams) => LocalSide::Streams(Box::new(streams)),
        };
        let id = found.id.clone();
        if found.exec {
            let exec = ExecTarget {
                client,
                id: &id,
                tty: found.tty,
                size,
                leave_running,
                process: ExecProcess::new(client, &id),
                notices,
            };
            if let Wanted::Debug { state, .. } = &target {
                let forward = forward_signals;
                let joining = debug::join(state, exec, settings, controls, local, signals, forward);
                return joining.await;
            }
            return join(exec, settings, controls, local, signals, forward_signals).await;
        }
        let container = ContainerTarget {
            client,
            id: &id,
            start_after: found.start_after,
            stdin,
            outputs,
            logs,
            keys_spec: &keys_spec,
            exit_wait: None,
        };
        join(
            container,
            settings,
            controls,
            local,
            signals,
            forward_signals,
        )
        .await
    }
    .await;
    // Whatever a debug session made goes, however it ended.
    if let Wanted::Debug { state, .. } = &target {
        state.clean_up(client).await;
    }
    // Everything recorded is on disk before the run returns; the wait for
    // the recorder's thread is not the caller's runtime's to bear.
    if let Some(recording) = recording {
        let finished = tokio::task::spawn_blocking(move || recording.finish()).await;
        if let Ok(Some(notice)) = finished {
            for_recording(&notice);
        }
    }
    ended
}

/// Finds the target: for containers, their TTY, stdin and state; for
/// commands, the exec instance made for them.
async fn find(
    client: &Client,
    target: &Wanted,
    tty: Option<bool>,
    stdin: Option<bool>,
    size: Option<Size>,
    keys_spec: &str,
) -> anyhow::Result<Found> {
    match target {
        Wanted::Start(id) if tty.is_some() => Ok(Found {
            id: id.clone(),
            tty: tty.unwrap_or(false),
            open_stdin: stdin.unwrap_or(false),
            start_after: true,
            exec: false,
        }),
        Wanted::Attach(name) | Wanted::Start(name) => {
            let inspected = client.api().inspect_container(name, None).await;
            let info = match inspected.map_err(Client::error) {
                Ok(info) => info,
                Err(error) if matches!(target, Wanted::Attach(_)) => {
                    return Err(missing(client, name, "attach", error).await)
                }
                Err(error) => return Err(error),
            };
            let id = info.id.unwrap_or_else(|| name.clone());
            let config = info.config.unwrap_or_default();
            let start_after = match info.state.and_then(|s| s.status) {
                Some(ContainerStateStatusEnum::RUNNING) => false,
                Some(ContainerStateStatusEnum::CREATED) => true,
                Some(ContainerStateStatusEnum::PAUSED) => {
                    return Err(mark(
                        anyhow::anyhow!(
                            "cannot attach to the paused container {name}: unpause it first"
                        ),
                        ErrorKind::NotRunning,
                    ))
                }
                _ => {
                    return Err(mark(
                        anyhow::anyhow!(
                            "cannot attach to the stopped container {name}: start it first"
                        ),
                        ErrorKind::NotRunning,
                    ))
                }
            };
            Ok(Found {
                id,
                tty: tty.unwrap_or(config.tty.unwrap_or(false)),
                open_stdin: config.open_stdin.unwrap_or(false),
                start_after,
                exec: false,
            })
        }
        Wanted::Exec { container, process } => {
            let tty = tty.unwrap_or(false);
            let stdin = stdin.unwrap_or(false);
            let spec = ExecSpec {
                tty,
                stdin,
                attached: true,
                console_size: size.filter(|_| tty),
                detach_keys: Some(keys_spec.to_owned()),
            };
            let id = match ops::create_exec(client, container, process, &spec).await {
                Ok(id) => id,
                Err(error) => return Err(missing(client, container, "exec", error).await),
            };
            info!(%id, "exec created");
            Ok(Found {
                id,
                tty,
                open_stdin: stdin,
                start_after: false,
                exec: true,
            })
        }
        Wanted::Debug {
            container,
            options,
            state,
        } => {
            let (tty, stdin) = (tty.unwrap_or(false), stdin.unwrap_or(false));
            debug::prepare(
                client, container, options, state, tty, stdin, size, keys_spec,
            )
            .await
        }
        Wanted::StartExec(id) => {
            let info = client.api().inspect_exec(id).await.map_err(Client::error)?;
            // Docker reports no exit code before the start; Podman reports 0
            // with no process, so a process id is what shows a start happened.
            let started = info.running == Some(true)
                || (info.exit_code.is_some() && info.pid.unwrap_or(0) != 0);
            if started {
                return Err(mark(
                    anyhow::anyhow!(
                        "the exec instance {id} has already been started: an exec instance can be attached only before it starts"
                    ),
                    ErrorKind::NotRunning,
                ));
            }
            Ok(Found {
                id: id.clone(),
                tty: info.process_config.and_then(|p| p.tty).unwrap_or(false),
                open_stdin: info.open_stdin.unwrap_or(false),
                start_after: false,
                exec: true,
            })
        }
    }
}

/// A container the engine does not have may be a swarm's task or service
/// (`web.1`): the refusal then says which command was meant.
async fn missing(client: &Client, name: &str, verb: &str, error: anyhow::Error) -> anyhow::Error {
    if ApiError::status_of(&error) != Some(404) {
        return error;
    }
    match service::missing_container(client, name, verb).await {
        Some(message) => ApiError {
            status: 404,
            message,
        }
        .into(),
        None => error,
    }
}

enum Interruptible<T> {
    Done(T),
    Signalled(i32),
}

/// Runs a set-up step; a signal (other than a size change) stops it.
async fn interruptible<F: std::future::Future>(
    step: F,
    signals: Option<&mut SignalSource>,
) -> Interruptible<F::Output> {
    let Some(signals) = signals else {
        return Interruptible::Done(step.await);
    };
    tokio::select! {
        done = step => Interruptible::Done(done),
        signal = signals.interrupted() => {
            info!(signal, "interrupted while setting up");
            Interruptible::Signalled(signal)
        }
    }
}

/// What a session is joined to, seen the same way whatever it is: a
/// stream to open, a start, resizes, signals, and an exit status.
trait Target {
    /// Whether opening the stream starts the process (an exec's start
    /// request does), so that an open cut short may leave it running.
    const OPEN_STARTS: bool;
    /// Opens the target's stream, with whatever must be in place before it
    /// starts (a container's exit wait).
    async fn open(&mut self) -> anyhow::Result<Hijacked>;
    /// Starts the target once the local side is ready; nothing for a target
    /// that runs already (or whose stream was its start).
    fn start(&self) -> BoxFuture<'static, anyhow::Result<()>>;
    /// How to resize its TTY, and to pass it a signal.
    fn hooks(&self, forward: bool) -> Hooks;
    /// What must happen once the run's outcome is known, whichever phase
    /// ended it, before it is acted on.
    async fn after(&self, outcome: &anyhow::Result<SessionEnd>);
    /// The exit status, once the stream has ended.
    async fn exit_status(
        &mut self,
        signals: Option<&mut SignalSource>,
        proxy: Option<Forwarder>,
    ) -> anyhow::Result<SessionEnd>;
}

/// How long an open that a signal cut short may take to finish, when the
/// open starts the process: long enough for the engine's answer, after which
/// the process can be hung up instead of left running with nobody attached.
const FINISH_OPEN_AT_MOST: std::time::Duration = std::time::Duration::from_secs(5);

/// Joins a target's stream to the local side: open it (hearing signals),
/// run the session, then take the exit status. Whichever phase ends the
/// run, and in whatever order a signal, the end of the input and the end of
/// the stream arrive, the outcome goes through [`Target::after`] once.
async fn join(
    mut target: impl Target,
    settings: pump::Settings,
    controls: Controls,
    local: LocalSide,
    signals: Option<&mut SignalSource>,
    forward: bool,
) -> anyhow::Result<SessionEnd> {
    let outcome = joined(&mut target, settings, controls, local, signals, forward).await;
    target.after(&outcome).await;
    outcome
}

async fn joined<T: Target>(
    target: &mut T,
    settings: pump::Settings,
    controls: Controls,
    local: LocalSide,
    mut signals: Option<&mut SignalSource>,
    forward: bool,
) -> anyhow::Result<SessionEnd> {
    let attached = {
        let opening = target.open();
        tokio::pin!(opening);
        match interruptible(&mut opening, signals.as_deref_mut()).await {
            Interruptible::Done(opened) => opened?,
            Interruptible::Signalled(signal) => {
                if T::OPEN_STARTS {
                    // The start may have reached the engine: let its answer
                    // come, so that `after` finds the process to hang up.
                    let finished = tokio::time::timeout(FINISH_OPEN_AT_MOST, opening).await;
                    let opened = matches!(finished, Ok(Ok(_)));
                    debug!(opened, "open finished after a signal");
                }
                return Ok(SessionEnd::Signalled(signal));
            }
        }
    };
    let hooks = target.hooks(forward);
    let proxy = hooks.signal_proxy.clone();
    let end = pump::attach(
        attached.conn,
        attached.buffered,
        settings,
        controls,
        hooks,
        signals.as_deref_mut(),
        local,
        target.start(),
    )
    .await?;
    info!(?end, "session ended");
    match end {
        End::Finished => target.exit_status(signals, proxy).await,
        End::Detached => Ok(SessionEnd::Detached),
        End::OutputClosed => Ok(SessionEnd::OutputClosed),
        End::Signalled(signal) => Ok(SessionEnd::Signalled(signal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller can spawn a session on a multi-threaded runtime.
    #[test]
    fn a_session_can_move_between_threads() {
        fn is_send<T: Send>(_: &T) {}
        async fn run_one(client: Client, mut signals: SignalSource) -> Result<SessionEnd> {
            Session::attach("c")
                .signals(&mut signals, true)
                .run(&client)
                .await
        }
        fn check(client: Client, signals: SignalSource) {
            is_send(&run_one(client, signals));
        }
        let _ = check;
    }
}
