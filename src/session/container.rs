//! A container as a session's target: attached, with its exit wait
//! registered, before it starts, so that neither its first byte nor its exit
//! can be missed; its status comes from that wait, and signals go to it
//! through the engine.

use anyhow::Context as _;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt as _, Stream, StreamExt as _};
use signal_hook::consts::signal::SIGWINCH;
use tracing::{debug, info};

use super::{Outputs, SessionEnd, Target};
use crate::docker::ops::{self, ExitWait};
use crate::docker::{query_escape, Client, Hijacked};
use crate::pump::{Forwarder, Hooks, Passed, SignalSource};

/// A container: attached and its exit wait registered before it starts, so
/// that neither its first byte nor its exit can be missed; started if it
/// was only created; its status from the wait.
pub(super) struct ContainerTarget<'c> {
    pub(super) client: &'c Client,
    pub(super) id: &'c str,
    pub(super) start_after: bool,
    pub(super) stdin: bool,
    pub(super) outputs: Outputs,
    pub(super) logs: bool,
    pub(super) keys_spec: &'c str,
    pub(super) exit_wait: Option<ExitWait>,
}

impl Target for ContainerTarget<'_> {
    const OPEN_STARTS: bool = false;

    async fn open(&mut self) -> anyhow::Result<Hijacked> {
        // The engine watches for detach keys too; give it ours, which we
        // never forward, so only we decide when to detach.
        let path = format!(
            "/containers/{}/attach?stream=1&stdin={}&stdout={}&stderr={}&logs={}&detachKeys={}",
            self.id,
            u8::from(self.stdin),
            u8::from(self.outputs.stdout),
            u8::from(self.outputs.stderr),
            u8::from(self.logs),
            query_escape(self.keys_spec),
        );
        let attached = self
            .client
            .hijack(&path, None)
            .await
            .map_err(ops::attach_failure)
            .context("attaching to the container")?;
        self.exit_wait = Some(ops::wait_next_exit(self.client, self.id).await?);
        Ok(attached)
    }

    fn start(&self) -> BoxFuture<'static, anyhow::Result<()>> {
        match self.start_after {
            true => ops::start_container(self.client, self.id).boxed(),
            false => async { Ok(()) }.boxed(),
        }
    }

    fn hooks(&self, forward: bool) -> Hooks {
        Hooks {
            resize: Some(ops::container_resize_fn(self.client, self.id)),
            signal_proxy: forward
                .then(|| Forwarder::spawn(ops::container_signal_fn(self.client, self.id))),
        }
    }

    async fn after(&self, _outcome: &anyhow::Result<SessionEnd>) {}

    /// Signals are still heard while waiting: `proxy` passes them on behind
    /// those the session queued (three interrupts in a row give up, as in
    /// the session), and without it a signal ends the wait.
    async fn exit_status(
        &mut self,
        signals: Option<&mut SignalSource>,
        proxy: Option<Forwarder>,
    ) -> anyhow::Result<SessionEnd> {
        let Some(mut exit_wait) = self.exit_wait.take() else {
            anyhow::bail!("no wait was registered for the container");
        };
        let mut no_signals = futures_util::stream::pending::<i32>();
        let signals: &mut (dyn Stream<Item = i32> + Unpin + Send) = match signals {
            Some(source) => source,
            None => &mut no_signals,
        };
        // Waits for:
        // - the exit status, which ends the wait;
        // - signals: size changes mean nothing now; others go to the proxy,
        //   or end the wait when there is none or the user insists.
        let status = loop {
            tokio::select! {
                status = &mut exit_wait => break status,
                Some(signal) = signals.next() => {
                    if signal == SIGWINCH {
                        continue;
                    }
                    let Some(proxy) = &proxy else {
                        info!(signal, "ending the wait for the exit status on signal");
                        return Ok(SessionEnd::Signalled(signal));
                    };
                    if let Passed::GaveUp = proxy.pass(signal) {
                        return Ok(SessionEnd::Signalled(signal));
                    }
                }
            }
        };
        let status = match status.context("waiting for the container")? {
            Ok(status) => status,
            Err(error) => return Err(ops::explain_lost_wait(self.client, self.id, error).await),
        };
        if let Some(message) = status.error.map(|e| e.message).filter(|m| !m.is_empty()) {
            anyhow::bail!("waiting for the container: {message}");
        }
        debug!(status = status.status_code, "container exited");
        Ok(SessionEnd::Exited(status.status_code))
    }
}
