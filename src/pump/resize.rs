//! Keeps the container's TTY the size of the local terminal.
//!
//! The task owns the engine's resize call. It sends the initial size with a
//! few retries (engines before API 1.42, and Podman, ignore the size given at
//! create time, and a resize can fail until the process has started), then
//! follows a `watch` channel: a burst of changes collapses into its last value,
//! so the container always ends at the size the terminal ended at. The task
//! ends when the session drops its `Resizer`.
//!
//! Until the initial size is in place the process may already be reading
//! its input, and a command typed then (`stty size`, a full-screen program)
//! would see no size at all. So the task also says when the initial resize
//! is done ([`Applied`]), and the session holds typed input until then.

use std::time::Duration;

use tokio::sync::{oneshot, watch};
use tracing::debug;

use crate::basics::{ResizeFn, Size};

const INITIAL_ATTEMPTS: u32 = 10;

/// The longest typed input is held for the initial size: the attempts'
/// pauses add up to 550 ms, and each call may take a while over ssh on a
/// busy machine; an engine that never answers must not swallow the session.
pub const HOLD_INPUT_AT_MOST: Duration = Duration::from_secs(2);

/// Resolves once the initial resize has been answered (applied, or given
/// up after every attempt), or when the task is gone.
pub type Applied = oneshot::Receiver<()>;

/// Handle to the resize task; dropping it ends the task.
pub struct Resizer {
    sizes: watch::Sender<Size>,
}

impl Resizer {
    /// Starts the task, which first sets `initial`; the second value says
    /// when that is done.
    pub fn spawn(resize: ResizeFn, initial: Size) -> (Self, Applied) {
        let (sizes, mut changes) = watch::channel(initial);
        let (applied, applied_rx) = oneshot::channel();
        tokio::spawn(async move {
            let mut sent = None;
            for attempt in 1..=INITIAL_ATTEMPTS {
                match resize(initial).await {
                    Ok(()) => {
                        sent = Some(initial);
                        break;
                    }
                    Err(error) => {
                        debug!(attempt, %error, "initial resize failed");
                        tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
                    }
                }
            }
            debug!(?sent, "initial size");
            // Nobody may be waiting any more; that is fine.
            let _ = applied.send(());
            // `changed` fails once the Resizer is dropped: the session is over.
            while changes.changed().await.is_ok() {
                let size = *changes.borrow_and_update();
                if sent == Some(size) {
                    continue;
                }
                debug!(?size, "resizing tty");
                match resize(size).await {
                    Ok(()) => sent = Some(size),
                    Err(error) => debug!(%error, "resize failed"),
                }
            }
        });
        (Self { sizes }, applied_rx)
    }

    /// Records the terminal's new size; the task sends the latest one.
    pub fn update(&self, size: Size) {
        self.sizes.send_replace(size);
    }
}
