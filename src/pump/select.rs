//! The select loop: bytes moved both ways between the local side and the
//! connection until the engine ends the stream, with signals passed on in
//! order, resizes, detach keys and the recording tap. `mod.rs` sets up what
//! it joins (the terminal or a caller's streams, raw mode, the resize task);
//! this file only runs it.

use std::io::{self, IoSlice};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{debug, info};

use super::demux::{self, Demuxer, Piece};
use super::input::{pump_input, InputEnd, BUFFER_SIZE};
use super::keys::Detector;
use super::record::Tap;
use super::resize::{self, Resizer};
use super::splice::Splice;
use super::terminal::{local_size, Size};
use super::{End, SizeStream, GIVE_UP_AFTER};
use crate::basics::SignalFn;

/// Reads at least this large mean bulk output rather than interaction.
const COALESCE_FROM: usize = 2048;
/// How long bulk output is left to gather before the next read: short enough
/// that the engine's socket buffer does not fill even at a few hundred MB/s.
const COALESCE_FOR: std::time::Duration = std::time::Duration::from_micros(250);

/// The byte streams a session joins.
pub struct Pipes<R, W, I, O, E> {
    pub conn_read: R,
    pub conn_write: W,
    /// Bytes that arrived with the engine's response, before the stream.
    pub buffered: Bytes,
    pub stdin: Option<I>,
    /// Piped stdin spliced into the connection's socket, instead of `stdin`.
    pub splice: Option<Splice>,
    pub stdout: O,
    pub stderr: E,
}

/// What the select loop does besides moving bytes.
#[derive(Default)]
pub struct Options {
    /// Passes signals on; `None` means a signal ends the session.
    pub signal_proxy: Option<Forwarder>,
    /// Records what passes, with the terminal's size changes.
    pub tap: Option<Tap>,
    /// SIGHUP ends the session rather than going to the proxy.
    pub hangup_ends: bool,
    /// Bulk output naps the thread between reads.
    pub batch_output: bool,
    /// The local side's size when the session starts.
    pub size: Option<Size>,
    /// The local side's size changes, when they come from the caller rather
    /// than from SIGWINCH.
    pub sizes: Option<SizeStream>,
    /// Typed input waits for this (the TTY's initial size being set), for
    /// at most [`resize::HOLD_INPUT_AT_MOST`]; it stays in the terminal's
    /// own buffer meanwhile, so nothing is lost or reordered.
    pub hold_input: Option<resize::Applied>,
}

/// The select loop: moves bytes both ways until the engine ends the stream.
/// `demux` splits a multiplexed stream; `None` passes TTY bytes through.
pub async fn session<R, W, I, O, E>(
    pipes: Pipes<R, W, I, O, E>,
    demux: Option<Demuxer>,
    detector: Option<Detector>,
    mut signals: impl Stream<Item = i32> + Unpin,
    resizer: Option<Resizer>,
    options: Options,
) -> anyhow::Result<End>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    E: AsyncWrite + Unpin,
{
    let Pipes {
        conn_read,
        conn_write,
        buffered,
        stdin,
        splice,
        stdout,
        stderr,
    } = pipes;
    let Options {
        signal_proxy,
        tap,
        hangup_ends,
        batch_output,
        size,
        sizes,
        hold_input,
    } = options;
    let mut input_open = stdin.is_some() || splice.is_some();
    let output = pump_output(
        conn_read,
        buffered,
        demux,
        (stdout, stderr),
        tap.clone(),
        batch_output,
    );
    let input = async {
        if let Some(applied) = hold_input {
            let held = tokio::time::timeout(resize::HOLD_INPUT_AT_MOST, applied).await;
            debug!(
                in_time = held.is_ok(),
                "input released after the initial size"
            );
        }
        match splice {
            Some(splice) => splice.run(conn_write).await,
            None => pump_input(stdin, conn_write, detector, tap.clone()).await,
        }
    };
    let mut recorded_size = size;
    // The loop polls this again after it has ended, which a caller's stream
    // need not allow (`unfold` panics): once ended, it stays ended here.
    let mut sizes = sizes
        .unwrap_or_else(|| Box::pin(futures_util::stream::pending()))
        .fuse();
    tokio::pin!(output, input);
    let forward = signal_proxy;

    // Waits for:
    // - output: the engine ending the stream, which ends the session once
    //   every byte before it has been written out;
    // - input: local stdin reaching EOF, after which the connection is
    //   half-closed and output goes on, or the detach keys, which end the
    //   session at once;
    // - signals: WINCH resizes the TTY; others go to the signal proxy, or end
    //   the session when there is none or the user insists;
    // - size changes of a caller's streams, which resize the TTY.
    loop {
        tokio::select! {
            Some(size) = sizes.next() => {
                if let Some(resizer) = &resizer {
                    resizer.update(size);
                }
                if let Some(tap) = &tap {
                    if recorded_size != Some(size) {
                        tap.resize(size);
                        recorded_size = Some(size);
                    }
                }
            }
            end = &mut output => {
                info!(?end, "output finished");
                return end;
            }
            result = &mut input, if input_open => {
                input_open = false;
                match result {
                    Ok(InputEnd::Eof) => debug!("stdin finished; write side closed"),
                    Ok(InputEnd::Detached) => {
                        info!("detach keys read");
                        return Ok(End::Detached);
                    }
                    Err(error) => debug!(%error, "stdin forwarding stopped"),
                }
            }
            Some(signal) = signals.next() => {
                if signal == SIGWINCH {
                    let size = local_size();
                    if let (Some(resizer), Some(size)) = (&resizer, size) {
                        resizer.update(size);
                    }
                    if let (Some(tap), Some(new)) = (&tap, size) {
                        if recorded_size != Some(new) {
                            tap.resize(new);
                            recorded_size = Some(new);
                        }
                    }
                    continue;
                }
                let proxy = forward
                    .as_ref()
                    .filter(|_| !(hangup_ends && signal == SIGHUP));
                let Some(proxy) = proxy else {
                    info!(signal, "ending session on signal");
                    return Ok(End::Signalled(signal));
                };
                if let Passed::GaveUp = proxy.pass(signal) {
                    return Ok(End::Signalled(signal));
                }
            }
        }
    }
}

/// How many received signals may wait to be passed on; more are dropped,
/// so memory stays bounded whatever arrives.
const SIGNAL_QUEUE: usize = 64;

/// Passes signals on one at a time, in the order they were received: each
/// is delivered before the next is sent, so SIGINT then SIGTERM cannot
/// arrive reversed, whichever phase (the session, the wait for the exit
/// status) received them. Clones share the one queue; its task ends once
/// every clone is dropped and the queue is empty.
///
/// It also counts the interrupts (SIGINT, SIGTERM) it is handed, over the
/// whole run as the docker CLI counts them, whatever came in between: the
/// [`GIVE_UP_AFTER`]th is not passed on, and the caller gives up.
#[derive(Clone)]
pub struct Forwarder {
    queue: tokio::sync::mpsc::Sender<i32>,
    interrupts: Arc<AtomicU32>,
}

/// What became of a signal handed to a [`Forwarder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// Queued to be passed on (or dropped because the queue was full).
    Queued,
    /// The interrupt that makes the user's insistence clear: give up.
    GaveUp,
}

impl Forwarder {
    /// Starts the task that hands each signal to `proxy`; needs a runtime.
    pub fn spawn(proxy: SignalFn) -> Forwarder {
        let (queue, mut queued) = tokio::sync::mpsc::channel::<i32>(SIGNAL_QUEUE);
        tokio::spawn(async move {
            while let Some(signal) = queued.recv().await {
                proxy(signal).await;
            }
        });
        Forwarder {
            queue,
            interrupts: Arc::default(),
        }
    }

    /// Queues `signal` behind those not yet delivered, unless it is the
    /// interrupt to give up at.
    pub fn pass(&self, signal: i32) -> Passed {
        if signal == SIGINT || signal == SIGTERM {
            let interrupts = self.interrupts.fetch_add(1, Ordering::Relaxed) + 1;
            if interrupts >= GIVE_UP_AFTER {
                info!(signal, interrupts, "giving up after repeated interrupts");
                return Passed::GaveUp;
            }
        }
        debug!(signal, "forwarding signal");
        if self.queue.try_send(signal).is_err() {
            debug!(
                signal,
                "signal dropped: the queue of signals to pass on is full"
            );
        }
        Passed::Queued
    }
}

/// Copies the engine's stream to stdout/stderr until EOF.
async fn pump_output<R, O, E>(
    mut conn: R,
    buffered: Bytes,
    mut demux: Option<Demuxer>,
    (mut stdout, mut stderr): (O, E),
    tap: Option<Tap>,
    batch: bool,
) -> anyhow::Result<End>
where
    R: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    E: AsyncWrite + Unpin,
{
    let mut sink = Sink {
        demux: demux.as_mut(),
        stdout: &mut stdout,
        stderr: &mut stderr,
        tap: tap.as_ref(),
    };
    if let Err(e) = sink.deliver(&buffered).await {
        return sink_failure(e);
    }
    let mut buf = vec![0u8; BUFFER_SIZE];
    loop {
        let n = conn
            .read(&mut buf)
            .await
            .map_err(|e| crate::error::mark(e.into(), crate::error::ErrorKind::EngineGone))
            .context("reading from the engine")?;
        if n == 0 {
            break;
        }
        if let Err(e) = sink.deliver(&buf[..n]).await {
            return sink_failure(e);
        }
        // Bulk output that drained the socket: let the next chunk gather for
        // a moment, so a fast stream costs a few large reads instead of a
        // wake-up for every small write of the engine (this halves the CPU a
        // flood of output costs). Keystroke echoes (small reads) and full
        // reads (more is already waiting) go on at once. The nap blocks the
        // thread because tokio's timer cannot wait less than a millisecond,
        // which would stall a fast stream; the yield after it lets the
        // session's other branches (stdin, signals) run between naps. Only
        // where the caller says the thread is the session's own.
        if batch && (COALESCE_FROM..BUFFER_SIZE).contains(&n) {
            std::thread::sleep(COALESCE_FOR);
            tokio::task::yield_now().await;
        }
    }
    if let Some(demux) = &demux {
        demux
            .finish()
            .map_err(|e| crate::error::mark(e.into(), crate::error::ErrorKind::Protocol))?;
    }
    Ok(End::Finished)
}

fn sink_failure(error: SinkError) -> anyhow::Result<End> {
    match error {
        SinkError::Local(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(End::OutputClosed),
        SinkError::Local(e) => Err(crate::error::mark(e.into(), crate::error::ErrorKind::Local))
            .context("writing output"),
        SinkError::Engine(message) => Err(crate::error::mark(
            anyhow::anyhow!("the engine reported: {message}"),
            crate::error::ErrorKind::Refused,
        )),
        SinkError::Protocol(e) => Err(crate::error::mark(
            e.into(),
            crate::error::ErrorKind::Protocol,
        )),
    }
}

enum SinkError {
    Local(io::Error),
    Engine(String),
    Protocol(demux::DemuxError),
}

/// Where output bytes go: straight to stdout with a TTY, else through the demuxer.
struct Sink<'a, O, E> {
    demux: Option<&'a mut Demuxer>,
    stdout: &'a mut O,
    stderr: &'a mut E,
    /// Gets a copy of every byte shown, in the order shown.
    tap: Option<&'a Tap>,
}

impl<O: AsyncWrite + Unpin, E: AsyncWrite + Unpin> Sink<'_, O, E> {
    async fn deliver(&mut self, mut data: &[u8]) -> Result<(), SinkError> {
        let Sink {
            demux,
            stdout,
            stderr,
            tap,
        } = self;
        let Some(demux) = demux.as_deref_mut() else {
            if let Some(tap) = tap {
                tap.output(data);
            }
            return stdout.write_all(data).await.map_err(SinkError::Local);
        };
        // A read usually holds several frames. Consecutive pieces for the
        // same stream go out in one writev rather than one write per frame.
        let mut run: Vec<IoSlice<'_>> = Vec::new();
        let mut run_is_stderr = false;
        while !data.is_empty() {
            let (used, piece) = demux.step(data).map_err(SinkError::Protocol)?;
            let (is_stderr, bytes) = match piece {
                Some(Piece::Stdout(bytes)) => (false, bytes),
                Some(Piece::Stderr(bytes)) => (true, bytes),
                Some(Piece::EngineError(message)) => {
                    flush_run(&mut **stdout, &mut **stderr, &mut run, run_is_stderr).await?;
                    return Err(SinkError::Engine(message));
                }
                None => {
                    data = &data[used..];
                    continue;
                }
            };
            if is_stderr != run_is_stderr || run.len() == MAX_SLICES {
                flush_run(&mut **stdout, &mut **stderr, &mut run, run_is_stderr).await?;
                run_is_stderr = is_stderr;
            }
            if let Some(tap) = tap {
                tap.output(bytes);
            }
            run.push(IoSlice::new(bytes));
            data = &data[used..];
        }
        flush_run(&mut **stdout, &mut **stderr, &mut run, run_is_stderr).await
    }
}

async fn flush_run<O: AsyncWrite + Unpin, E: AsyncWrite + Unpin>(
    stdout: &mut O,
    stderr: &mut E,
    run: &mut Vec<IoSlice<'_>>,
    to_stderr: bool,
) -> Result<(), SinkError> {
    let result = match to_stderr {
        true => write_all_vectored(stderr, run).await,
        false => write_all_vectored(stdout, run).await,
    };
    run.clear();
    result.map_err(SinkError::Local)
}

/// At most this many pieces per writev, well under any system's IOV_MAX.
const MAX_SLICES: usize = 64;

async fn write_all_vectored<W: AsyncWrite + Unpin>(
    writer: &mut W,
    slices: &mut [IoSlice<'_>],
) -> io::Result<()> {
    let mut slices = slices;
    while !slices.is_empty() {
        let n = writer.write_vectored(slices).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut slices, n);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pump::keys::{self, DEFAULT_DETACH_KEYS};
    use std::sync::Arc;
    use tokio::io::duplex;

    fn frame(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![id, 0, 0, 0];
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    async fn run_session(
        tty: bool,
        buffered: &[u8],
        from_engine: Vec<u8>,
        stdin: Option<&'static [u8]>,
    ) -> (anyhow::Result<End>, Vec<u8>, Vec<u8>, Vec<u8>) {
        let (ours, theirs) = duplex(1024);
        let (conn_read, conn_write) = tokio::io::split(ours);
        let (mut engine_read, mut engine_write) = tokio::io::split(theirs);
        let engine = tokio::spawn(async move {
            let mut received = Vec::new();
            // The engine sees stdin up to our half-close, then sends its output.
            if stdin.is_some() {
                engine_read.read_to_end(&mut received).await.unwrap();
            }
            engine_write.write_all(&from_engine).await.unwrap();
            engine_write.shutdown().await.unwrap();
            received
        });
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let pipes = Pipes {
            conn_read,
            conn_write,
            buffered: Bytes::copy_from_slice(buffered),
            stdin,
            splice: None,
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        let detector = tty.then(|| Detector::new(keys::parse(DEFAULT_DETACH_KEYS).unwrap()));
        let demux = (!tty).then(Demuxer::new);
        let end = session(
            pipes,
            demux,
            detector,
            futures_util::stream::pending(),
            None,
            Options::default(),
        )
        .await;
        let received = engine.await.unwrap();
        (end, stdout, stderr, received)
    }

    #[tokio::test]
    async fn signals_are_passed_on_in_the_order_they_came() {
        use futures_util::FutureExt as _;
        let delivered = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (done, mut all_done) = tokio::sync::mpsc::channel::<()>(8);
        let seen = Arc::clone(&delivered);
        // The first signal takes longest to deliver: sent each on its own, the
        // later ones would overtake it.
        let proxy: SignalFn = Arc::new(move |signal: i32| {
            let seen = Arc::clone(&seen);
            let done = done.clone();
            async move {
                let delay = match signal {
                    2 => 30,
                    15 => 10,
                    _ => 0,
                };
                tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                seen.lock().unwrap().push(signal);
                let _ = done.send(()).await;
            }
            .boxed()
        });
        let forwarder = Forwarder::spawn(proxy);
        for signal in [2, 15, 1] {
            forwarder.pass(signal);
        }
        for _ in 0..3 {
            all_done.recv().await.unwrap();
        }
        assert_eq!(*delivered.lock().unwrap(), [2, 15, 1]);
    }

    /// As the docker CLI counts: every interrupt of the run, in any phase (a
    /// clone serves the exit wait), whatever other signals came between.
    #[tokio::test]
    async fn the_third_interrupt_gives_up_whatever_came_between() {
        use futures_util::FutureExt as _;
        let proxy: SignalFn = Arc::new(|_| async {}.boxed());
        let session = Forwarder::spawn(proxy);
        let exit_wait = session.clone();
        assert_eq!(session.pass(SIGINT), Passed::Queued);
        assert_eq!(session.pass(libc::SIGUSR1), Passed::Queued);
        assert_eq!(session.pass(SIGHUP), Passed::Queued);
        assert_eq!(exit_wait.pass(SIGTERM), Passed::Queued);
        assert_eq!(exit_wait.pass(libc::SIGUSR1), Passed::Queued);
        assert_eq!(exit_wait.pass(SIGINT), Passed::GaveUp);
    }

    #[tokio::test]
    async fn tty_bytes_pass_through_unparsed() {
        let bytes = b"\x01\x00\x00\x00\x00\x00\x00\x05hello".to_vec();
        let (end, stdout, stderr, _) = run_session(true, b"", bytes.clone(), None).await;
        assert_eq!(end.unwrap(), End::Finished);
        assert_eq!(stdout, bytes);
        assert!(stderr.is_empty());
    }

    #[tokio::test]
    async fn multiplexed_output_is_split_and_buffered_bytes_come_first() {
        let mut first = frame(1, b"early ");
        let rest = first.split_off(5);
        let mut stream = rest;
        stream.extend(frame(2, b"oops"));
        stream.extend(frame(1, b"late"));
        let (end, stdout, stderr, _) = run_session(false, &first, stream, None).await;
        assert_eq!(end.unwrap(), End::Finished);
        assert_eq!(stdout, b"early late");
        assert_eq!(stderr, b"oops");
    }

    #[tokio::test]
    async fn stdin_is_forwarded_then_half_closed_and_output_still_drains() {
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (end, stdout, _, received) =
            run_session(true, b"", big.clone(), Some(b"typed input")).await;
        assert_eq!(end.unwrap(), End::Finished);
        assert_eq!(received, b"typed input");
        assert_eq!(stdout, big);
    }

    #[tokio::test]
    async fn detach_keys_end_a_tty_session_and_are_not_forwarded() {
        let (ours, theirs) = duplex(1024);
        let (conn_read, conn_write) = tokio::io::split(ours);
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let pipes = Pipes {
            conn_read,
            conn_write,
            buffered: Bytes::new(),
            stdin: Some(&b"ls\x10x\x10\x11after"[..]),
            splice: None,
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        let detector = Some(Detector::new(keys::parse(DEFAULT_DETACH_KEYS).unwrap()));
        let end = session(
            pipes,
            None,
            detector,
            futures_util::stream::pending(),
            None,
            Options::default(),
        )
        .await;
        assert_eq!(end.unwrap(), End::Detached);
        let (mut engine_read, _engine_write) = tokio::io::split(theirs);
        let mut received = vec![0u8; 4];
        engine_read.read_exact(&mut received).await.unwrap();
        assert_eq!(received, b"ls\x10x");
    }

    #[tokio::test]
    async fn piped_input_passes_detach_bytes_untouched() {
        let (end, _, _, received) =
            run_session(false, b"", Vec::new(), Some(b"\x10\x11data")).await;
        assert_eq!(end.unwrap(), End::Finished);
        assert_eq!(received, b"\x10\x11data");
    }

    #[tokio::test]
    async fn engine_error_frame_fails_the_session() {
        let (end, _, _, _) = run_session(false, b"", frame(3, b"no such exec"), None).await;
        let error = crate::error::Error::from(end.unwrap_err());
        assert!(error.to_string().contains("no such exec"), "{error}");
        assert_eq!(error.kind(), crate::error::ErrorKind::Refused);
    }

    #[tokio::test]
    async fn stream_cut_inside_a_frame_is_an_error() {
        let mut bytes = frame(1, b"0123456789");
        bytes.truncate(12);
        let (end, stdout, _, _) = run_session(false, b"", bytes, None).await;
        let error = crate::error::Error::from(end.unwrap_err());
        assert!(error.to_string().contains("short of a frame"), "{error}");
        assert_eq!(error.kind(), crate::error::ErrorKind::Protocol);
        assert_eq!(stdout, b"0123");
    }
}
