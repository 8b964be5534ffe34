//! `dpty attach`: join this terminal to a container that already exists
//! ([`dpty::Session::attach`]), or (with `--exec`) start an exec instance
//! that was created elsewhere ([`dpty::Session::start_exec`]).

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
    pub record: Option<dpty::RecordSpec>,
    /// Replay what the container printed before.
    pub logs: bool,
    /// The detach sequence as the user spelled it.
    pub detach_keys: String,
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
    let mut session = session
        .detach_keys(config.detach_keys)
        .signals(signals, config.sig_proxy)
        .batch_output(true)
        .notices(|notice| eprintln!("dpty: {notice}"));
    if config.no_stdin {
        session = session.stdin(false);
    }
    if let Some(record) = config.record {
        session = session.record(record);
    }
    session.run(client).await
}
