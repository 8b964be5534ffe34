//! Job control: a dpty started in the background (`dpty run ... &`) must not
//! read the terminal or change its mode, or the kernel stops it (SIGTTIN,
//! SIGTTOU) and the shell reports it stopped. So reading stdin, and raw mode
//! with it, wait until the job is brought to the foreground; output and the
//! container run on meanwhile.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures_util::StreamExt;
use signal_hook::consts::signal::SIGCONT;
use tokio::io::{AsyncRead, ReadBuf};
use tracing::debug;

use super::stdio::in_foreground;
use super::terminal::RawMode;

type Gate = Pin<Box<dyn Future<Output = io::Result<Option<RawMode>>> + Send>>;

/// stdin that is read only once its terminal is ours.
pub struct Gated<I> {
    inner: I,
    /// Resolves once we are in the foreground, with raw mode if asked for.
    gate: Option<Gate>,
    /// Raw mode taken when the gate opened; restored when stdin is dropped.
    _raw: Option<RawMode>,
}

impl<I> Gated<I> {
    /// Reads `inner` at once, or, if `background`, once in the foreground,
    /// putting the terminal in raw mode then if `raw`.
    pub fn new(inner: I, background: bool, raw: bool) -> Self {
        let gate: Option<Gate> = background.then(|| Box::pin(until_foreground(raw)) as Gate);
        Gated {
            inner,
            gate,
            _raw: None,
        }
    }
}

/// Whether stdin is a terminal whose foreground job is not ours.
pub fn in_background() -> bool {
    super::stdio::is_terminal(libc::STDIN_FILENO) && !in_foreground(libc::STDIN_FILENO)
}

async fn until_foreground(raw: bool) -> io::Result<Option<RawMode>> {
    debug!("started in the background: stdin waits for the foreground");
    let mut continued = signal_hook_tokio::Signals::new([SIGCONT])?;
    // `fg` sends SIGCONT; the timer covers a foreground gained without one.
    while !in_foreground(libc::STDIN_FILENO) {
        tokio::select! {
            _ = continued.next() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    continued.handle().close();
    debug!("in the foreground: reading stdin");
    match raw {
        true => RawMode::enable().map(Some),
        false => Ok(None),
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Gated<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(gate) = self.gate.as_mut() {
            let raw = ready!(gate.as_mut().poll(cx))?;
            self._raw = raw;
            self.gate = None;
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}
