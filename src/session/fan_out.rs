//! One command in every task of a service at once, what moby/moby#27552
//! first asked for (reload a configuration in every replica): each task a
//! session of its own on its node, at most so many at a time, their output
//! merged line by line as `docker service logs` shows it (`web.2@node-b |
//! ...`), stderr lines on the error stream, no line ever cut by another.
//! The input, when there is one, is read once and given to every task: it
//! is spooled to a file of its own with no name, which each task reads at
//! its own pace as it grows, so memory stays bounded however large the
//! input and however slow (or not yet started) a task is.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncReadExt as _, AsyncWrite};
use tokio::io::{AsyncWriteExt as _, BufReader, ReadBuf};
use tokio::sync::{mpsc, watch, Mutex};

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
                crate::error::Error::from(mark(e.into(), ErrorKind::Local).context("opening stdin"))
            })?)),
            Input::Given(reader) => Some(reader),
        };
        let width = tasks.iter().map(|t| t.label().len()).max().unwrap_or(0);
        let spool = match (input, detach) {
            (Some(input), false) => Some((
                Spool::new().map_err(|e| {
                    crate::error::Error::from(
                        mark(e.into(), ErrorKind::Local).context("making a file for the input"),
                    )
                })?,
                input,
            )),
            _ => None,
        };
        let mut runs = Vec::new();
        for task in tasks {
            let feed = spool.as_ref().map(|(spool, _)| spool.reader());
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
            if let Some((spool, input)) = spool {
                spool.fill(input).await;
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
    async fn run(&self, task: ServiceTask, feed: Option<SpoolReader>, prefix: String) -> TaskEnd {
        let result = self.session(&task, feed, prefix).await;
        if let Ok(SessionEnd::Signalled(signal)) = result {
            self.stopped.store(signal, Ordering::Relaxed);
        }
        TaskEnd { task, result }
    }

    async fn session(
        &self,
        task: &ServiceTask,
        feed: Option<SpoolReader>,
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
        // The task's share of the input is read from the spool only while
        // its session runs, a few pieces ahead at most.
        let (fed, following) = match feed {
            Some(reader) => {
                let (pieces, feed) = mpsc::channel(FOLLOW_AHEAD);
                (Some(feed), Some(reader.follow(pieces)))
            }
            None => (None, None),
        };
        let following = async {
            if let Some(following) = following {
                following.await;
            }
        };
        let lines = tokio::join!(
            copy_lines(from_output, self.output.clone(), prefix.clone()),
            copy_lines(from_error, self.error.clone(), prefix),
            async {
                let mut streams = Streams::new(output, error);
                let stdin = fed.is_some();
                if let Some(feed) = fed {
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
            },
            following,
        );
        lines.2
    }
}

/// How many pieces of the input a task's reader may hold ahead of its
/// session: the rest waits in the spool.
const FOLLOW_AHEAD: usize = 4;

/// The size of the pieces the input is read and handed on in.
const PIECE: usize = 64 * 1024;

/// How far the input has been written to the spool.
#[derive(Debug, Clone, Copy, Default)]
struct Written {
    bytes: u64,
    /// The input has ended (or could not be read further).
    done: bool,
}

/// The input, written once to a file without a name (gone with the last
/// descriptor), and read by each task from its own offset as it grows.
struct Spool {
    file: Arc<File>,
    written: watch::Sender<Written>,
}

/// One task's view of the [`Spool`].
struct SpoolReader {
    file: Arc<File>,
    written: watch::Receiver<Written>,
}

impl Spool {
    /// A spool in the temporary directory.
    fn new() -> io::Result<Spool> {
        Ok(Spool {
            file: Arc::new(unnamed_file()?),
            written: watch::channel(Written::default()).0,
        })
    }

    fn reader(&self) -> SpoolReader {
        SpoolReader {
            file: Arc::clone(&self.file),
            written: self.written.subscribe(),
        }
    }

    /// Copies `input` into the spool to its end, telling the readers how
    /// far it has got.
    async fn fill(self, mut input: Pin<Box<dyn AsyncRead + Send>>) {
        let mut buf = vec![0u8; PIECE];
        let mut at = 0u64;
        loop {
            let n = match input.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // The page cache takes a piece at once; the tasks read it back
            // from there.
            if self.file.write_all_at(&buf[..n], at).is_err() {
                break;
            }
            at += n as u64;
            self.written.send_replace(Written {
                bytes: at,
                done: false,
            });
        }
        self.written.send_replace(Written {
            bytes: at,
            done: true,
        });
    }
}

impl SpoolReader {
    /// Hands the input on to `pieces`, from the start, as the spool fills,
    /// until it ends (which ends the task's input) or the task stops
    /// reading.
    async fn follow(mut self, pieces: mpsc::Sender<Bytes>) {
        let mut at = 0u64;
        let mut buf = vec![0u8; PIECE];
        loop {
            let written = *self.written.borrow_and_update();
            if at < written.bytes {
                let want = (written.bytes - at).min(PIECE as u64) as usize;
                let n = match self.file.read_at(&mut buf[..want], at) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                at += n as u64;
                if pieces
                    .send(Bytes::copy_from_slice(&buf[..n]))
                    .await
                    .is_err()
                {
                    return;
                }
                continue;
            }
            if written.done || self.written.changed().await.is_err() {
                return;
            }
        }
    }
}

/// A file in the temporary directory that has no name, so that nothing is
/// left behind whatever way dpty ends; where the file system cannot make
/// one, a named file is made and unlinked at once.
fn unnamed_file() -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = std::env::temp_dir();
    let unnamed = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(&dir);
    if let Ok(file) = unnamed {
        return Ok(file);
    }
    static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = MADE.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!(".dpty-input-{}-{n}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// One task's share of the input, as a reader.
struct Fed {
    feed: mpsc::Receiver<Bytes>,
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

    /// Read to its end by a task, with its reader following the spool.
    async fn read_all(reader: SpoolReader) -> Vec<u8> {
        let (pieces, feed) = mpsc::channel(FOLLOW_AHEAD);
        let mut fed = Fed {
            feed,
            chunk: Bytes::new(),
        };
        let mut got = Vec::new();
        let (read, ()) = tokio::join!(fed.read_to_end(&mut got), reader.follow(pieces));
        read.unwrap();
        got
    }

    #[tokio::test]
    async fn the_input_is_read_once_and_every_task_gets_all_of_it() {
        let input: Vec<u8> = (0..200_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let spool = Spool::new().unwrap();
        let (first, second) = (spool.reader(), spool.reader());
        // The first task reads while the input is still coming; the second
        // starts only once all of it is in, as with --parallel 1.
        let (got, ()) = tokio::join!(
            read_all(first),
            spool.fill(Box::pin(std::io::Cursor::new(input.clone())))
        );
        assert!(got == input, "{} bytes of {}", got.len(), input.len());
        let got = read_all(second).await;
        assert!(got == input, "{} bytes of {}", got.len(), input.len());
    }

    /// A task that does not read holds back only a few pieces; the rest of
    /// a large input waits in the spool, not in memory.
    #[tokio::test]
    async fn a_task_that_reads_nothing_holds_only_a_few_pieces() {
        let input = vec![7u8; 64 * PIECE];
        let spool = Spool::new().unwrap();
        let reader = spool.reader();
        spool.fill(Box::pin(std::io::Cursor::new(input))).await;
        let (pieces, feed) = mpsc::channel(FOLLOW_AHEAD);
        let following = tokio::spawn(reader.follow(pieces));
        // The follower stops once the channel is full.
        while feed.len() < FOLLOW_AHEAD {
            tokio::task::yield_now().await;
        }
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(feed.len(), FOLLOW_AHEAD);
        assert!(!following.is_finished());
        drop(feed);
        following.await.unwrap();
    }
}
