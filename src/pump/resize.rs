//! Keeps the container's TTY the size of the local terminal.
//!
//! The task owns the engine's resize call. It sends the initial size with a
//! few retries (engines before API 1.42, and Podman, ignore the size given at
//! create time, and a resize can fail until the process has started), then
//! follows a `watch` channel: a burst of changes collapses into its last value,
//! so the container always ends at the size the terminal ended at; a change
//! whose resize fails is tried again in the same way, until a newer one comes. The task
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
                // A failed resize is tried again, as the first is, unless a
                // newer size has come (it goes next) or the session is over.
                for attempt in 1..=INITIAL_ATTEMPTS {
                    match resize(size).await {
                        Ok(()) => {
                            sent = Some(size);
                            break;
                        }
                        Err(error) => debug!(attempt, %error, "resize failed"),
                    }
                    if changes.has_changed().unwrap_or(true) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use anyhow::anyhow;
    use tokio::sync::{mpsc, oneshot};
    use tokio::time::timeout;

    use super::*;

    /// One resize call the task made, held until the test answers it.
    struct Call {
        size: Size,
        answer: oneshot::Sender<anyhow::Result<()>>,
    }

    /// A resize call that hands every call to the test and waits for its answer, so that the
    /// test decides when and how each call ends. The calls stop when the task drops its copy.
    fn engine() -> (ResizeFn, mpsc::UnboundedReceiver<Call>) {
        let (calls, rx) = mpsc::unbounded_channel();
        let resize: ResizeFn = Arc::new(move |size| {
            let (answer, answered) = oneshot::channel();
            let made = calls.send(Call { size, answer });
            Box::pin(async move {
                made.map_err(|_| anyhow!("the test stopped listening"))?;
                answered
                    .await
                    .unwrap_or_else(|_| Err(anyhow!("the test dropped the call")))
            })
        });
        (resize, rx)
    }

    /// The next call the task makes; a hang fails the test instead.
    async fn next(calls: &mut mpsc::UnboundedReceiver<Call>) -> Call {
        timeout(Duration::from_secs(5), calls.recv())
            .await
            .expect("no resize call within 5 s")
            .expect("the task ended before it made the call")
    }

    /// Whether the task has ended: it drops the resize call, and with it the calls' sender.
    async fn ended(calls: &mut mpsc::UnboundedReceiver<Call>) -> Result<(), Size> {
        match timeout(Duration::from_secs(5), calls.recv()).await {
            Ok(None) => Ok(()),
            Ok(Some(call)) => Err(call.size),
            Err(_) => panic!("the task still runs 5 s after its Resizer was dropped"),
        }
    }

    const INITIAL: Size = Size { rows: 24, cols: 80 };

    fn size(rows: u16, cols: u16) -> Size {
        Size { rows, cols }
    }

    #[tokio::test]
    async fn the_initial_size_is_retried_until_it_succeeds_and_only_then_applied() {
        let (resize, mut calls) = engine();
        let (_resizer, mut applied) = Resizer::spawn(resize, INITIAL);
        for _ in 0..2 {
            let call = next(&mut calls).await;
            assert_eq!(call.size, INITIAL);
            call.answer.send(Err(anyhow!("no such process"))).unwrap();
        }
        // The third attempt being made shows that the task has taken the failures in.
        let call = next(&mut calls).await;
        assert_eq!(call.size, INITIAL);
        assert!(
            applied.try_recv().is_err(),
            "applied before the initial size was"
        );
        call.answer.send(Ok(())).unwrap();
        timeout(Duration::from_secs(5), &mut applied)
            .await
            .expect("not applied within 5 s of the successful resize")
            .expect("the task ended without saying so");
    }

    #[tokio::test]
    async fn applied_resolves_once_every_initial_attempt_has_failed() {
        let (resize, mut calls) = engine();
        let (_resizer, mut applied) = Resizer::spawn(resize, INITIAL);
        for attempt in 1..=INITIAL_ATTEMPTS {
            let call = next(&mut calls).await;
            assert_eq!(call.size, INITIAL);
            assert!(
                applied.try_recv().is_err(),
                "applied before attempt {attempt} was answered"
            );
            call.answer.send(Err(anyhow!("no such process"))).unwrap();
        }
        timeout(Duration::from_secs(5), &mut applied)
            .await
            .expect("not applied within 5 s of the last failed attempt")
            .expect("the task ended without saying so");
        // Given up: the task makes no eleventh attempt, it waits for a change.
        assert!(calls.try_recv().is_err(), "an attempt after the last one");
    }

    #[tokio::test]
    async fn a_change_whose_resize_fails_is_tried_again_until_a_newer_one_comes() {
        let (resize, mut calls) = engine();
        let (resizer, applied) = Resizer::spawn(resize, INITIAL);
        next(&mut calls).await.answer.send(Ok(())).unwrap();
        applied.await.unwrap();

        resizer.update(size(30, 100));
        let call = next(&mut calls).await;
        assert_eq!(call.size, size(30, 100));
        call.answer
            .send(Err(anyhow!("the engine was busy")))
            .unwrap();
        let call = next(&mut calls).await;
        assert_eq!(
            call.size,
            size(30, 100),
            "the failed size was not tried again"
        );
        // While it is out, a newer size comes: that one goes next, not a third try of the old.
        resizer.update(size(40, 120));
        call.answer
            .send(Err(anyhow!("the engine was busy")))
            .unwrap();
        let call = next(&mut calls).await;
        assert_eq!(call.size, size(40, 120));
        call.answer.send(Ok(())).unwrap();
        drop(resizer);
        assert_eq!(ended(&mut calls).await, Ok(()));
    }

    #[tokio::test]
    async fn a_burst_of_changes_sends_only_its_last_size() {
        let (resize, mut calls) = engine();
        let (resizer, applied) = Resizer::spawn(resize, INITIAL);
        next(&mut calls).await.answer.send(Ok(())).unwrap();
        applied.await.unwrap();

        resizer.update(size(30, 100));
        let held = next(&mut calls).await;
        assert_eq!(held.size, size(30, 100));
        // While that call is out, the terminal goes on changing.
        for n in 1..=5 {
            resizer.update(size(30 + n, 100 + n));
        }
        held.answer.send(Ok(())).unwrap();
        let call = next(&mut calls).await;
        assert_eq!(call.size, size(35, 105), "not the burst's last size");
        call.answer.send(Ok(())).unwrap();

        // A burst that ends where the container already is sends nothing at all.
        resizer.update(size(40, 120));
        resizer.update(size(35, 105));
        drop(resizer);
        assert_eq!(ended(&mut calls).await, Ok(()), "a call after the burst");
    }

    #[tokio::test]
    async fn the_task_ends_when_the_resizer_is_dropped() {
        let (resize, mut calls) = engine();
        let (resizer, applied) = Resizer::spawn(resize, INITIAL);
        next(&mut calls).await.answer.send(Ok(())).unwrap();
        applied.await.unwrap();
        drop(resizer);
        assert_eq!(ended(&mut calls).await, Ok(()));
    }
}
