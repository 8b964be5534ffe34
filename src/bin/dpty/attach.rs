//! `dpty attach`: join this terminal to a container that already exists
//! ([`dpty::Session::attach`]), or (with `--exec`) start an exec instance
//! that was created elsewhere ([`dpty::Session::start_exec`]).

use crate::config::Wiring;

/// Everything `attach` needs, resolved from the command line.
#[derive(Debug)]
pub struct AttachConfig {
    pub target: String,
    /// `target` names an exec instance rather than a container.
    pub exec: bool,
    pub no_stdin: bool,
    /// With `exec`: leave the command running when dpty ends first.
    pub leave_running: bool,
    /// Replay what the container printed before.
    pub logs: bool,
    /// Detach keys, recording, signals.
    pub wiring: Wiring,
}

pub async fn attach(
    client: &dpty::Client,
    config: AttachConfig,
    signals: &mut dpty::SignalSource,
) -> dpty::Result<dpty::SessionEnd> {
    let session = match config.exec {
        true => dpty::Session::start_exec(config.target).leave_running(config.leave_running),
        false => dpty::Session::attach(config.target).logs(config.logs),
    };
    let session = match config.no_stdin {
        true => session.stdin(false),
        false => session,
    };
    config.wiring.apply(session, signals).run(client).await
}
