//! The one place dpty receives signals. Handlers are installed once, in
//! `main`, and never taken away: a handler that is dropped leaves the signal
//! caught and ignored rather than restored to its default, so a source
//! installed per phase would swallow every signal that came between phases.
//! Every phase (set-up, the session, waiting for the exit status) therefore
//! listens to this one source, each deciding what a signal means there.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
use signal_hook_tokio::Handle;

/// Every signal dpty handles: those the signal proxy passes on, and the
/// terminal's size changes.
pub const HANDLED: [i32; 7] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH];

/// The signals this process has received, in the order they came: the one
/// place a session hears them, from its set-up to its exit status.
///
/// ```no_run
/// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
/// let mut signals = dpty::SignalSource::install()?;
/// // Ctrl-C, SIGTERM, ... go on to the container; SIGWINCH resizes its TTY.
/// let end = dpty::Session::attach("web")
///     .signals(&mut signals, true)
///     .run(&client)
///     .await?;
/// # Ok(()) }
/// ```
pub struct SignalSource {
    signals: Pin<Box<dyn Stream<Item = i32> + Send>>,
    /// Closes the signal stream when the source is dropped.
    handle: Option<Handle>,
}

impl SignalSource {
    /// Installs the handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
    /// SIGUSR2 and SIGWINCH; needs a tokio runtime. Once installed they stay
    /// for the life of the process: make one source and pass it to every
    /// session.
    pub fn install() -> crate::error::Result<SignalSource> {
        let signals = signal_hook_tokio::Signals::new(HANDLED).map_err(|e| {
            crate::error::mark(e.into(), crate::error::ErrorKind::Local)
                .context("installing signal handlers")
        })?;
        let handle = signals.handle();
        Ok(SignalSource {
            signals: Box::pin(signals),
            handle: Some(handle),
        })
    }

    /// A source that yields what `signals` yields, for tests.
    #[cfg(test)]
    pub fn from_stream(signals: impl Stream<Item = i32> + Send + 'static) -> SignalSource {
        SignalSource {
            signals: Box::pin(signals),
            handle: None,
        }
    }

    /// Resolves with the next signal that ends dpty when nothing forwards
    /// it: every handled signal but SIGWINCH, whose default is to be
    /// ignored. Without the handlers each of the others would have ended
    /// the process, so they end it here too rather than vanish. Never
    /// resolves once the stream has closed.
    pub async fn interrupted(&mut self) -> i32 {
        while let Some(signal) = self.signals.next().await {
            if signal != SIGWINCH {
                return signal;
            }
        }
        std::future::pending().await
    }
}

impl Stream for SignalSource {
    type Item = i32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<i32>> {
        self.signals.as_mut().poll_next(cx)
    }
}

impl Drop for SignalSource {
    fn drop(&mut self) {
        if let Some(handle) = &self.handle {
            handle.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn interrupted_passes_over_size_changes() {
        let cases: [(&[i32], i32); 4] = [
            (&[SIGINT], SIGINT),
            (&[SIGWINCH, SIGWINCH, SIGTERM], SIGTERM),
            (&[SIGWINCH, SIGHUP, SIGINT], SIGHUP),
            (&[SIGQUIT], SIGQUIT),
        ];
        for (received, expected) in cases {
            let stream = futures_util::stream::iter(received.to_vec());
            let mut source =
                SignalSource::from_stream(stream.chain(futures_util::stream::pending()));
            assert_eq!(source.interrupted().await, expected, "{received:?}");
        }
    }

    #[tokio::test]
    async fn a_closed_stream_is_never_an_interrupt() {
        use futures_util::FutureExt as _;
        let mut source = SignalSource::from_stream(futures_util::stream::iter([SIGWINCH]));
        assert_eq!(source.interrupted().now_or_never(), None);
    }

    #[tokio::test]
    async fn a_signal_raised_before_the_wait_is_not_lost() {
        let mut source = SignalSource::install().unwrap();
        // SAFETY: raise only sends a signal to this process, whose handler is installed.
        assert_eq!(unsafe { libc::raise(SIGUSR2) }, 0);
        assert_eq!(source.interrupted().await, SIGUSR2);
    }
}
