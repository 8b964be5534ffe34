//! Keeps the container's TTY the size of the local terminal.
//!
//! The task owns the engine's resize call. It sends the initial size with a
//! few retries (engines before API 1.42, and Podman, ignore the size given at
//! create time, and a resize can fail until the process has started), then
//! follows a `watch` channel: a burst of changes collapses into its last value,
//! so the container always ends at the size the terminal ended at. The task
//! ends when the session drops its `Resizer`.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tracing::debug;

use super::terminal::Size;

/// The engine call that resizes this session's TTY.
pub type ResizeFn = Arc<dyn Fn(Size) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

const INITIAL_ATTEMPTS: u32 = 10;

/// Handle to the resize task; dropping it ends the task.
pub struct Resizer {
    sizes: watch::Sender<Size>,
}

impl Resizer {
    pub fn spawn(resize: ResizeFn, initial: Size) -> Self {
        let (sizes, mut changes) = watch::channel(initial);
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
        Self { sizes }
    }

    /// Records the terminal's new size; the task sends the latest one.
    pub fn update(&self, size: Size) {
        self.sizes.send_replace(size);
    }
}
