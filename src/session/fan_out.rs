//! One command in every task of a service at once, what moby/moby#27552
//! first asked for (reload a configuration in every replica): each task a
//! session of its own on its node, at most so many at a time, their output
//! merged line by line as `docker service logs` shows it (`web.2@node-b |
//! ...`), stderr lines on the error stream, no line ever cut by another.
//! The input, when there is one, is read once and given to every task.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, AsyncWrite};
use tokio::io::{AsyncWriteExt as _, BufReader, ReadBuf};
use tokio::sync::{mpsc, Mutex};

use super::service::ServiceTask;
use super::{Session, SessionEnd};
use crate::docker::ops::Process;
use crate::docker::Client;
use crate::error::{mark, ErrorKind, Result};
use crate::pump::{SignalSource, StdStream, Streams};

/// How a task of a [`FanOut`] ended.
#[derive(Debug)]
pub struct TaskEnd {
    /// The task.
    pub task: ServiceTask,
    /// How its session ended, or why it could not run (its node could not
    /// be reached, its container was gone, ...).
    pub result: Result<SessionEnd>,
}

/// A shared writer that whole lines go to, one at a time.
type Sink = Arc<Mutex<Pin<Box<dyn AsyncWrite + Send>>>>;

/// What the tasks read.
enum Input {
    Nothing,
    /// This process's stdin.
    Stdin,
    Given(Pin<Box<dyn AsyncRead + Send>>),
}

/// The same command in every task given, without a TTY, each line of its
/// output prefixed with where it came from.
///
/// ```no_run
/// # async fn demo(manager: dpty::Client) -> dpty::Result<()> {
/// let reach = dpty::Reach::default();
/// let tasks = dpty::ServiceTask::every(&manager, "web", &reach).await?;
/// // `web.1@node-a | reloaded`, `web.2@node-b | reloaded`, ... on stdout
/// let ends = dpty::FanOut::new(dpty::Process::new(["sh", "-c", "kill -HUP 1 && echo reloaded"]))
///     .parallel(2)
///     .run(&manager, tasks)
///     .await?;
/// for end in &ends {
///     if !matches!(end.result, Ok(dpty::SessionEnd::Exited(0))) {
///         eprintln!("{}: {:?}", end.task.label(), end.result);
///     }
/// }
/// # Ok(()) }
/// ```
pub struct FanOut {
    process: Process,
    parallel: usize,
    input: Input,
    outputs: Option<(Sink, Sink)>,
    forward_signals: bool,
    leave_running: bool,
    detach: bool,
}

/// Lines longer than this are cut into pieces of this size, each a line of
/// its own, so that memory stays bounded and no task holds the output.
const LONGEST_LINE: usize = 64 * 1024;

/// What a task's output may hold before its session waits for the line
/// writer: enough for the longest line.
const PIPE: usize = 2 * LONGEST_LINE;

impl FanOut {
    /// `process` in every task, all at once; no input; output to this
    /// process's stdout and stderr; signals passed on to every command.
    pub fn new(process: Process) -> FanOut {
        FanOut {
            process,
            parallel: 0,
            input: Input::Nothing,
            outputs: None,
            forward_signals: true,
            leave_running: false,
            detach: false,
        }
    }

    /// At most `tasks` at a time (0: all at once, the default).
    pub fn parallel(mut self, tasks: usize) -> Self {
        self.parallel = tasks;
        self
    }

    /// This process's stdin is every task's stdin: read once, and each
    /// piece given to every task (held in memory for those that have not
    /// started or read it yet).
    pub fn stdin(mut self, read: bool) -> Self {
        self.input = match read {
            true => Input::Stdin,
            false => Input::Nothing,
        };
        self
    }

    /// `input` is every task's stdin, as with [`stdin`](Self::stdin).
    pub fn input(mut self, input: impl AsyncRead + Send + 'static) -> Self {
        self.input = Input::Given(Box::pin(input));
        self
    }

    /// Lines of output go to `output` and lines of stderr to `error`
    /// instead of this process's stdout and stderr.
    pub fn outputs(
        mut self,
        output: impl AsyncWrite + Send + 'static,
        error: impl AsyncWrite + Send + 'static,
    ) -> Self {
        let sink = |w: Pin<Box<dyn AsyncWrite + Send>>| Arc::new(Mutex::new(w));
        self.outputs = Some((sink(Box::pin(output)), sink(Box::pin(error))));
        self
    }

    /// Whether the signals this process receives (SIGINT, SIGTERM, ...) go
    /// on to every command (the default), or end its session at once.
    pub fn signals(mut self, forward: bool) -> Self {
        self.forward_signals = forward;
        self
    }

    /// Leave the commands running when their sessions end before them; by
    /// default they are hung up, as with one session.
    pub fn leave_running(mut self, leave: bool) -> Self {
        self.leave_running = leave;
        self
    }

    /// Start the command in every task with nothing attached (`exec -d`);
    /// each ends as [`SessionEnd::Exited`] with 0 once started.
    pub fn detach(mut self, detach: bool) -> Self {
        self.detach = detach;
        self
    }

    /// Runs the command in every task of `tasks` (found through `manager`,
    /// which is also the client of those that run on its node) and returns
    /// how each ended, in the order given. One task's failure ends no
    /// other; a signal that ends a session keeps those not started yet from
    /// starting. Fails only when this process's stdout or stderr cannot be
    /// used.
    pub async fn run(self, manager: &Client, tasks: Vec<ServiceTask>) -> Result<Vec<TaskEnd>> {
        let FanOut {
            process,
            parallel,
            input,
            outputs,
            forward_signals,
            leave_running,
            detach,
        } = self;
        let (output, error) = match outputs {
            Some(outputs) => outputs,
            None => {
                let open = |stream: io::Result<StdStream>| -> Result<Sink> {
                    let stream = stream.map_err(|e| {
                        mark(e.into(), ErrorKind::Local).context("opening stdout and stderr")
                    })?;
                    Ok(Arc::new(Mutex::new(Box::pin(stream))))
                };
                (open(StdStream::stdout())?, open(StdStream::stderr())?)
            }
        };
        let input: Option<Pin<Box<dyn AsyncRead + Send>>> = match input {
            Input::Nothing => None,
            Input::Stdin => Some(Box::pin(StdStream::stdin().map_err(|e| {
                crate::Error::from(mark(e.into(), ErrorKind::Local).context("opening stdin"))
            })?)),
            Input::Given(reader) => Some(reader),
        };
        let width = tasks.iter().map(|t| t.label().len()).max().unwrap_or(0);
        let mut feeds = Vec::new();
        let mut runs = Vec::new();
        for task in tasks {
            let feed = match (&input, detach) {
                (Some(_), false) => {
                    let (sender, receiver) = mpsc::unbounded_channel();
                    feeds.push(sender);
                    Some(receiver)
                }
                _ => None,
            };
            let prefix = format!("{:<width$} | ", task.label());
            runs.push((task, feed, prefix));
        }
        // A signal that ended one session: those not started yet stay so.
        let stopped = Arc::new(AtomicI32::new(0));
        let one = OneTask {
            manager,
            process: &process,
            output: &output,
            error: &error,
            forward_signals,
            leave_running,
            detach,
            stopped: &stopped,
        };
        let parallel = match parallel {
            0 => runs.len().max(1),
            n => n,
        };
        let sessions = futures_util::stream::iter(runs)
            .map(|(task, feed, prefix)| one.run(task, feed, prefix))
            .buffered(parallel)
            .collect::<Vec<_>>();
        // Waits for:
        // - every task's end, which ends the fan-out;
        // - the input, handed on to every task until it ends; then only
        //   the tasks are waited for.
        let feeding = async {
            if let Some(input) = input {
                broadcast(input, feeds).await;
            }
            std::future::pending::<()>().await
        };
        tokio::select! {
            ends = sessions => Ok(ends),
            _ = feeding => unreachable!("feeding never ends"),
        }
    }
}

/// What every task's run shares.
struct OneTask<'a> {
    manager: &'a Client,
    process: &'a Process,
    output: &'a Sink,
    error: &'a Sink,
    forward_signals: bool,
    leave_running: bool,
    detach: bool,
    stopped: &'a AtomicI32,
}

impl OneTask<'_> {
    async fn run(
        &self,
        task: ServiceTask,
        feed: Option<mpsc::UnboundedReceiver<Bytes>>,
        prefix: String,
    ) -> TaskEnd {
        let result = self.session(&task, feed, prefix).await;
        if let Ok(SessionEnd::Signalled(signal)) = result {
            self.stopped.store(signal, Ordering::Relaxed);
        }
        TaskEnd { task, result }
    }

    async fn session(
        &self,
        task: &ServiceTask,
        feed: Option<mpsc::UnboundedReceiver<Bytes>>,
        prefix: String,
    ) -> Result<SessionEnd> {
        let signal = self.stopped.load(Ordering::Relaxed);
        if signal != 0 {
            return Ok(SessionEnd::Signalled(signal));
        }
        // Every session hears the signals itself, so that each can pass
        // them on to its command.
        let mut signals = SignalSource::install()?;
        // Its requests and its stream, as for one exec.
        let node = task.connect(self.manager, 2).await?;
        if self.detach {
            let starting = node.exec_detached(&task.container, self.process, false, false);
            return tokio::select! {
                started = starting => started.map(|_| SessionEnd::Exited(0)),
                signal = signals.interrupted() => Ok(SessionEnd::Signalled(signal)),
            };
        }
        let (output, from_output) = tokio::io::duplex(PIPE);
        let (error, from_error) = tokio::io::duplex(PIPE);
        let lines = tokio::join!(
            copy_lines(from_output, self.output.clone(), prefix.clone()),
            copy_lines(from_error, self.error.clone(), prefix),
            async {
                let mut streams = Streams::new(output, error);
                let stdin = feed.is_some();
                if let Some(feed) = feed {
                    streams = streams.input(Fed {
                        feed,
                        chunk: Bytes::new(),
                    });
                }
                // The session ends by dropping its streams, which ends the
                // line writers with the last line out.
                Session::exec(task.container.clone(), self.process.clone())
                    .tty(false)
                    .stdin(stdin)
                    .streams(streams)
                    .signals(&mut signals, self.forward_signals)
                    .leave_running(self.leave_running)
                    .run(&node)
                    .await
            }
        );
        lines.2
    }
}

/// Reads `input` to its end, handing each piece to every task that still
/// takes input; a task's end of input is the end of this one.
async fn broadcast(
    mut input: Pin<Box<dyn AsyncRead + Send>>,
    mut feeds: Vec<mpsc::UnboundedSender<Bytes>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let piece = Bytes::copy_from_slice(&buf[..n]);
        feeds.retain(|feed| feed.send(piece.clone()).is_ok());
        if feeds.is_empty() {
            break;
        }
    }
}

/// One task's share of the input, as a reader.
struct Fed {
    feed: mpsc::UnboundedReceiver<Bytes>,
    chunk: Bytes,
}

impl AsyncRead for Fed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.chunk.is_empty() {
            match self.feed.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => self.chunk = chunk,
                // Every piece handed on: the end of the input.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = self.chunk.len().min(buf.remaining());
        let piece = self.chunk.split_to(n);
        buf.put_slice(&piece);
        Poll::Ready(Ok(()))
    }
}

/// Copies `from` to `to` a line at a time, each with `prefix` in front and
/// written whole while no other task may write; a last line without its
/// newline gets one. Ends at the end of `from`, or when `to` fails (the
/// task's session then finds its output closed).
async fn copy_lines(from: impl AsyncRead + Unpin, to: Sink, prefix: String) {
    let mut from = BufReader::with_capacity(LONGEST_LINE, from);
    let mut line = prefix.clone().into_bytes();
    loop {
        let (done, used) = match from.fill_buf().await {
            Ok([]) | Err(_) => break,
            Ok(buf) => {
                let room = LONGEST_LINE + prefix.len() - line.len();
                match buf.iter().take(room).position(|&b| b == b'\n') {
                    Some(at) => {
                        line.extend_from_slice(&buf[..=at]);
                        (true, at + 1)
                    }
                    None => {
                        let used = buf.len().min(room);
                        line.extend_from_slice(&buf[..used]);
                        (line.len() == LONGEST_LINE + prefix.len(), used)
                    }
                }
            }
        };
        from.consume(used);
        if done {
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            if write_whole(&to, &line).await.is_err() {
                return;
            }
            line.truncate(prefix.len());
        }
    }
    if line.len() > prefix.len() {
        line.push(b'\n');
        let _ = write_whole(&to, &line).await;
    }
}

async fn write_whole(to: &Sink, line: &[u8]) -> io::Result<()> {
    let mut to = to.lock().await;
    to.write_all(line).await?;
    to.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink() -> (Sink, tokio::io::DuplexStream) {
        let (writer, reader) = tokio::io::duplex(1 << 20);
        (Arc::new(Mutex::new(Box::pin(writer))), reader)
    }

    async fn text(reader: &mut tokio::io::DuplexStream) -> String {
        let mut text = String::new();
        reader.read_to_string(&mut text).await.unwrap();
        text
    }

    #[tokio::test]
    async fn lines_are_prefixed_and_never_cut_by_another_task() {
        let (to, mut reader) = sink();
        let (mut a, from_a) = tokio::io::duplex(8);
        let (mut b, from_b) = tokio::io::duplex(8);
        let copies = tokio::join!(
            copy_lines(from_a, to.clone(), "a | ".into()),
            copy_lines(from_b, to.clone(), "b | ".into()),
            async {
                // Halves of lines from both, interleaved.
                a.write_all(b"one ").await.unwrap();
                b.write_all(b"uno ").await.unwrap();
                a.write_all(b"two\nthree").await.unwrap();
                b.write_all(b"dos\n").await.unwrap();
                drop((a, b));
            }
        );
        let _ = copies;
        drop(to);
        let text = text(&mut reader).await;
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort();
        assert_eq!(lines, ["a | one two", "a | three", "b | uno dos"]);
        assert!(text.ends_with('\n'));
    }

    #[tokio::test]
    async fn a_long_line_comes_in_pieces_of_bounded_size() {
        let (to, mut reader) = sink();
        let (mut writer, from) = tokio::io::duplex(1 << 20);
        let long = vec![b'x'; LONGEST_LINE * 2 + 10];
        let ((), ()) = tokio::join!(copy_lines(from, to.clone(), "p | ".into()), async {
            writer.write_all(&long).await.unwrap();
            writer.write_all(b"\nend\n").await.unwrap();
            drop(writer);
        });
        drop(to);
        let text = text(&mut reader).await;
        let lengths: Vec<usize> = text.lines().map(str::len).collect();
        assert_eq!(
            lengths,
            [LONGEST_LINE + 4, LONGEST_LINE + 4, 10 + 4, 3 + 4],
            "{}",
            &text[..40]
        );
    }

    #[tokio::test]
    async fn the_input_is_read_once_and_every_task_gets_all_of_it() {
        let input: Vec<u8> = (0..200_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let (first, one) = mpsc::unbounded_channel();
        let (second, two) = mpsc::unbounded_channel();
        broadcast(
            Box::pin(std::io::Cursor::new(input.clone())),
            vec![first, second],
        )
        .await;
        for feed in [one, two] {
            let mut fed = Fed {
                feed,
                chunk: Bytes::new(),
            };
            let mut got = Vec::new();
            fed.read_to_end(&mut got).await.unwrap();
            assert!(got == input, "{} bytes of {}", got.len(), input.len());
        }
    }
}
