//! `dpty exec`: run a command in a running container, joined to this
//! terminal through [`dpty::Session::exec`], or started in the background
//! with `-d`.

use crate::config::{StreamMode, Wiring};

/// Everything `exec` needs, resolved from the command line.
#[derive(Debug)]
pub struct ExecConfig {
    pub mode: StreamMode,
    pub container: String,
    pub process: dpty::Process,
    /// `-d`: start the command in the background and return at once.
    pub detach: bool,
    /// Detach keys, recording, signals.
    pub wiring: Wiring,
    /// The command is left running when dpty ends before it.
    pub leave_running: bool,
}

pub async fn exec(
    client: &dpty::Client,
    config: ExecConfig,
    signals: &mut dpty::SignalSource,
) -> dpty::Result<dpty::SessionEnd> {
    if config.detach {
        let mode = config.mode;
        let starting =
            client.exec_detached(&config.container, &config.process, mode.tty, mode.stdin);
        return tokio::select! {
            started = starting => started.map(|_| dpty::SessionEnd::Exited(0)),
            signal = signals.interrupted() => Ok(dpty::SessionEnd::Signalled(signal)),
        };
    }
    let session = dpty::Session::exec(config.container, config.process)
        .tty(config.mode.tty)
        .stdin(config.mode.stdin)
        .leave_running(config.leave_running);
    config.wiring.apply(session, signals).run(client).await
}
