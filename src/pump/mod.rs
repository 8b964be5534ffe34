//! The pump: bytes moved between the local side (this process's terminal,
//! or streams a caller gave) and an attach or exec connection, until the
//! process in the container ends.
//!
//! The pump owns everything that has to be torn down in order: raw mode,
//! the standard streams and the resize task; signals come from the process's
//! one [`SignalSource`], which outlives every session. It takes
//! the already hijacked connection as any `AsyncRead + AsyncWrite`, so tests
//! can hand it a `tokio::io::duplex` pair, and it knows nothing of clap or
//! of the Docker API beyond the callbacks in [`Hooks`].

pub(crate) mod demux;
mod foreground;
mod given;
mod input;
mod keys;
mod record;
mod resize;
mod select;
mod signals;
mod splice;
mod stdio;
mod terminal;

use std::future::Future;

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use signal_hook::consts::signal::SIGWINCH;
use tokio::io::{AsyncRead, AsyncWrite};
use tracing::info;

use demux::Demuxer;
use foreground::Gated;
use keys::Detector;
use resize::Resizer;
use select::{session, Options, Pipes};
use splice::Splice;
pub(crate) use stdio::StdStream;
use terminal::RawMode;

pub use given::Streams;
pub use keys::{parse as parse_detach_keys, DEFAULT_DETACH_KEYS};
pub use record::{RecordSpec, Recording, Tap};
pub use select::{Forwarder, Passed};
pub use signals::SignalSource;
pub use stdio::is_terminal;
pub use terminal::{local_size, terminal_is_raw, Size};

pub use crate::basics::{RawSocket, ResizeFn};

/// After this many interrupts in a row we stop proxying and give up, so a
/// container that ignores SIGINT cannot hold the user's terminal hostage.
pub const GIVE_UP_AFTER: u32 = 3;

/// How the session's streams are set up; resolved by the front end.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The connection carries raw TTY bytes rather than multiplexed frames.
    pub tty: bool,
    /// Local stdin is forwarded to the container.
    pub stdin: bool,
    /// The local terminal is put in raw mode for the session.
    pub raw: bool,
    /// The engine is Podman, whose multiplexed framing has a quirk.
    pub podman: bool,
    /// Bulk output is left to gather between reads by napping the thread
    /// (see `select::COALESCE_FOR`); only for a runtime the session has to itself.
    pub batch_output: bool,
}

/// What the local side of a session does besides moving bytes.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    /// The detach sequence, watched for on TTY input; empty for none.
    pub detach_keys: Vec<u8>,
    /// Where the session is recorded (`--record`), if anywhere.
    pub record: Option<Tap>,
    /// SIGHUP ends the session even with a signal proxy, so that the process
    /// is not hung up along with a closed terminal (`exec --leave-running`).
    pub hangup_ends: bool,
}

/// What the engine may ask of the Docker API during a session.
#[derive(Default)]
pub struct Hooks {
    /// Resizes the container's TTY; `None` without a TTY.
    pub resize: Option<ResizeFn>,
    /// Passes on signals dpty receives; `None` means a signal ends the session.
    pub signal_proxy: Option<Forwarder>,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The engine closed the stream: the process ended and all output is out.
    Finished,
    /// Nobody reads our output any more (a closed pipe).
    OutputClosed,
    /// dpty was told to stop by this signal.
    Signalled(i32),
    /// The user typed the detach keys; the process goes on without us.
    Detached,
}

/// The local side of a session.
pub(crate) enum LocalSide {
    /// The process's own terminal and standard streams: raw mode, splice,
    /// foreground checks and SIGWINCH resizes.
    Terminal,
    /// Streams given by the caller, with sizes of their own.
    Streams(Box<Streams>),
}

/// Runs a session: the local side joined to the connection, with signals
/// and resizes, until the process ends or the user detaches.
///
/// `start` runs once the terminal is ready and before any byte is exchanged,
/// so that output from a container started by it cannot be missed.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn attach<S, F>(
    conn: S,
    buffered: Bytes,
    settings: Settings,
    controls: Controls,
    hooks: Hooks,
    signals: Option<&mut SignalSource>,
    local: LocalSide,
    start: F,
) -> anyhow::Result<End>
where
    S: AsyncRead + AsyncWrite + RawSocket + Send + 'static,
    F: Future<Output = anyhow::Result<()>>,
{
    info!(?settings, "session starting");
    // Size changes matter only to a TTY on this process's terminal.
    let terminal = matches!(local, LocalSide::Terminal);
    let keep_winch = settings.tty && terminal;
    let signals: SignalStream<'_> = match signals {
        Some(source) => Box::pin(
            source.filter(move |signal| std::future::ready(keep_winch || *signal != SIGWINCH)),
        ),
        None => Box::pin(futures_util::stream::pending()),
    };
    // Detach keys only make sense for keystrokes: piped data must pass untouched.
    let detector = settings.tty.then(|| Detector::new(controls.detach_keys));
    let demux = match (settings.tty, settings.podman) {
        (true, _) => None,
        (false, false) => Some(Demuxer::new()),
        (false, true) => Some(Demuxer::podman()),
    };
    let records_input = controls.record.as_ref().is_some_and(Tap::records_input);
    let options = |size: Option<Size>, sizes, hold_input| Options {
        signal_proxy: hooks.signal_proxy,
        tap: controls.record,
        hangup_ends: controls.hangup_ends,
        batch_output: settings.batch_output,
        size,
        sizes,
        hold_input,
    };
    // The resize task, and when the initial size is in place.
    let start_resizer = |size: Option<Size>| match (hooks.resize, size) {
        (Some(resize), Some(size)) if settings.tty => {
            let (resizer, applied) = Resizer::spawn(resize, size);
            (Some(resizer), Some(applied))
        }
        _ => (None, None),
    };
    let LocalSide::Streams(given) = local else {
        let stdout = StdStream::stdout().context("opening stdout")?;
        let stderr = StdStream::stderr().context("opening stderr")?;
        // A background job waits for the foreground before touching the terminal.
        let background = settings.stdin && foreground::in_background();
        let mut stdin = match settings.stdin {
            true => Some(StdStream::stdin().context("opening stdin")?),
            false => None,
        };
        // Piped stdin without a TTY (so no detach keys) goes by splice when it can.
        let mut splice = None;
        if let (false, false, Some(socket)) = (settings.tty, records_input, conn.raw_socket()) {
            if let Some(piped) = stdin.take() {
                match Splice::new(piped, socket) {
                    Ok(spliced) => splice = Some(spliced),
                    Err(piped) => stdin = Some(piped),
                }
            }
        }
        let stdin = stdin.map(|stdin| Gated::new(stdin, background, settings.raw));
        // Held until this function returns; its drop restores the terminal on
        // every way out, after the session's streams are done.
        let _raw = match settings.raw && !background {
            true => Some(RawMode::enable().context("putting the terminal in raw mode")?),
            false => None,
        };
        start.await?;
        let size = local_size();
        let (resizer, applied) = start_resizer(size);
        let (conn_read, conn_write) = tokio::io::split(conn);
        let pipes = Pipes {
            conn_read,
            conn_write,
            buffered,
            stdin,
            splice,
            stdout,
            stderr,
        };
        let options = options(size, None, applied);
        return session(pipes, demux, detector, signals, resizer, options).await;
    };
    let Streams {
        input,
        output,
        error,
        size,
        resizes,
    } = *given;
    start.await?;
    let (resizer, applied) = start_resizer(size);
    let (conn_read, conn_write) = tokio::io::split(conn);
    let pipes = Pipes {
        conn_read,
        conn_write,
        buffered,
        stdin: input.filter(|_| settings.stdin),
        splice: None,
        stdout: output,
        stderr: error,
    };
    let options = options(size, resizes, applied);
    session(pipes, demux, detector, signals, resizer, options).await
}

/// The signals a session hears.
type SignalStream<'a> = std::pin::Pin<Box<dyn Stream<Item = i32> + Send + 'a>>;

/// Size changes of a caller's streams.
pub(crate) type SizeStream = std::pin::Pin<Box<dyn Stream<Item = Size> + Send>>;
