//! An exec as a session's target: its start request is the stream; its
//! status is polled once the stream ends; a command that would outlive the
//! session is hung up, and signals reach it through [`ExecProcess`].

use std::sync::Arc;

use anyhow::Context as _;
use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
use serde_json::json;
use tracing::debug;

use super::exec_signals::{ExecProcess, HANGUP_GRACE};
use super::{interruptible, Interruptible, Notices, SessionEnd, Target};
use crate::docker::ops;
use crate::docker::{Client, Hijacked};
use crate::pump::{Forwarder, Hooks, SignalSource, Size};

/// An exec instance: its start request is the stream; the status is polled
/// once the stream ends; a command that would outlive us is hung up.
pub(super) struct ExecTarget<'c> {
    pub(super) client: &'c Client,
    pub(super) id: &'c str,
    pub(super) tty: bool,
    pub(super) size: Option<Size>,
    pub(super) leave_running: bool,
    /// The process, for signals and the hang-up; the engine has no API to
    /// signal an exec process, so it is found.
    pub(super) process: Arc<ExecProcess>,
    /// Told when signals could not reach the process.
    pub(super) notices: Notices,
}

/// Polls of the status (about 100 ms) after which a process that is still
/// running is taken to have lost its stream rather than to be ending.
const HANG_UP_AFTER_ATTEMPTS: u64 = 10;

impl Target for ExecTarget<'_> {
    const OPEN_STARTS: bool = true;

    /// An interrupt before the stream is ours ends the run at once. (The
    /// docker CLI only notes it, and carries on once the start is answered.)
    async fn open(&mut self) -> anyhow::Result<Hijacked> {
        let console_size = self
            .size
            .filter(|_| self.tty)
            .map(|s| vec![usize::from(s.rows), usize::from(s.cols)]);
        let start = json!({ "Detach": false, "Tty": self.tty, "ConsoleSize": console_size });
        let path = format!("/exec/{}/start", self.id);
        self.client
            .hijack(&path, Some(start))
            .await
            .context("starting the command")
    }

    fn start(&self) -> BoxFuture<'static, anyhow::Result<()>> {
        async { Ok(()) }.boxed()
    }

    fn hooks(&self, forward: bool) -> Hooks {
        Hooks {
            resize: Some(ops::exec_resize_fn(self.client, self.id)),
            signal_proxy: forward.then(|| Forwarder::spawn(self.process.signal_fn())),
        }
    }

    /// Ending first must not leave the command behind with nobody attached:
    /// it gets what a closing terminal gives its session. That holds however
    /// the run ended before the command did (a signal during the start, the
    /// session or the wait for the status; a closed output; a failure), so
    /// the order in which a closing terminal's EOF and SIGHUP arrive does
    /// not matter.
    async fn after(&self, outcome: &anyhow::Result<SessionEnd>) {
        let outlived = !matches!(outcome, Ok(SessionEnd::Exited(_) | SessionEnd::Detached));
        if outlived && !self.leave_running {
            self.process.hang_up(HANGUP_GRACE).await;
        }
        if let Some(report) = self.process.report() {
            (self.notices)(&report);
        }
    }

    /// The stream ends when the process does, but the engine may record the
    /// status a moment later. The stream also ends when the terminal goes
    /// away (Docker closes a TTY exec's stream when its stdin ends): a
    /// process still running after a moment is then hung up, unless it is
    /// to be left running. A signal while polling ends the run at once (the
    /// docker CLI ends at once too), and [`after`](Target::after) hangs up
    /// the command; one that comes during a hang-up is heard once the
    /// hang-up is done.
    async fn exit_status(
        &mut self,
        mut signals: Option<&mut SignalSource>,
        _proxy: Option<Forwarder>,
    ) -> anyhow::Result<SessionEnd> {
        let client = self.client;
        let mut hang_up = (!self.leave_running).then_some(&*self.process);
        for attempt in 0..50u64 {
            if attempt == HANG_UP_AFTER_ATTEMPTS {
                if let Some(process) = hang_up.take() {
                    process.hang_up(HANGUP_GRACE).await;
                }
            }
            let inspect = client.api().inspect_exec(self.id);
            let inspect = match interruptible(inspect, signals.as_deref_mut()).await {
                Interruptible::Done(inspect) => inspect,
                Interruptible::Signalled(signal) => return Ok(SessionEnd::Signalled(signal)),
            };
            let inspect = match inspect.map_err(Client::error) {
                Ok(inspect) => inspect,
                Err(error) if Client::is_gone(&error) => return Err(client.gone()),
                Err(error) => return Err(error.context("reading the command's exit status")),
            };
            match (inspect.running, inspect.exit_code) {
                (Some(false), Some(code)) => return Ok(SessionEnd::Exited(code)),
                state => debug!(?state, attempt, "exec still running"),
            }
            let pause = tokio::time::sleep(std::time::Duration::from_millis(2 + attempt * 2));
            if let Interruptible::Signalled(signal) =
                interruptible(pause, signals.as_deref_mut()).await
            {
                return Ok(SessionEnd::Signalled(signal));
            }
        }
        anyhow::bail!("the engine did not report the command's exit status")
    }
}
