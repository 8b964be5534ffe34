//! The harness shared by the end-to-end tests: it runs the binary under test on a real pseudo-terminal
//! or with plain pipes, against a real Docker Engine, and turns every hang into a failure by a timeout.
//!
//! The binary under test is `$DPTY_TEST_BIN` when set, else the freshly built `dpty`. Because dpty must
//! behave like the docker CLI, every test that does not check a dpty-only behaviour is also run with
//! `DPTY_TEST_BIN=$(which docker)`: a test that passes against docker states a real expectation. The
//! engine comes from `DOCKER_HOST`, which `scripts/test.sh` sets after starting a private engine; without
//! a reachable engine every test fails, saying so, rather than passing silently. The exception is
//! `fake.rs`, an engine inside the test process for tests of the library's sessions that need none
//! (included by path by `tests/fake_engine.rs` alone, so other test binaries do not compile it).

// Each test file compiles its own copy of this module and uses only part of it.
#![allow(dead_code)]

pub mod load;
pub mod proxy;
pub mod watched;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// Long enough for a container to be created, started and removed on a loaded machine.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The binary under test.
pub fn bin() -> String {
    std::env::var("DPTY_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_dpty").to_string())
}

/// Whether the binary under test is the docker CLI itself (the reference run).
pub fn is_docker() -> bool {
    Path::new(&bin())
        .file_name()
        .is_some_and(|name| name == "docker")
}

/// For a test of a dpty-specific behaviour that the docker CLI does not share: returns true, after
/// printing why, when the binary under test is docker, and the caller returns at once.
pub fn skip_under_docker(reason: &str) -> bool {
    if is_docker() {
        eprintln!("skipped against the docker CLI, dpty-only behaviour: {reason}");
    }
    is_docker()
}

const ADVICE: &str =
    "run the end-to-end tests through scripts/test.sh, which starts a private engine and sets DOCKER_HOST";

/// The engine address from `DOCKER_HOST`; panics with advice unless the engine answers there.
pub fn docker_host() -> String {
    static CHECKED: OnceLock<Result<String, String>> = OnceLock::new();
    let checked = CHECKED.get_or_init(|| {
        let host = std::env::var("DOCKER_HOST")
            .map_err(|_| format!("DOCKER_HOST is not set: {ADVICE}"))?;
        let out = run_command(
            docker_command(&host, &["version", "--format", "{{.Server.Version}}"]),
            None,
            Duration::from_secs(20),
        );
        if out.status.success() {
            Ok(host)
        } else {
            Err(format!(
                "no Docker Engine answers at DOCKER_HOST={host} ({}): {ADVICE}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    });
    checked
        .clone()
        .unwrap_or_else(|message| panic!("{message}"))
}

fn docker_command(host: &str, args: &[&str]) -> Command {
    let mut command = Command::new("docker");
    command.arg("-H").arg(host).args(args);
    command
}

// --- engine-agnostic: Podman (added for scripts/podman.sh runs) -------------------------------
/// Whether the test engine is Podman's Docker-compatible service (scripts/podman.sh), whose own
/// messages (pull progress, registry errors) differ from dockerd's.
pub fn is_podman() -> bool {
    static PODMAN: OnceLock<bool> = OnceLock::new();
    *PODMAN.get_or_init(|| {
        let out = docker(&[
            "version",
            "--format",
            "{{range .Server.Components}}{{.Name}};{{end}}",
        ]);
        String::from_utf8_lossy(&out.stdout).contains("Podman")
    })
}
// --- end engine-agnostic ----------------------------------------------------------------------

/// Runs the docker CLI against the test engine, for setup and teardown.
#[track_caller]
pub fn docker(args: &[&str]) -> Output {
    run_command(docker_command(&docker_host(), args), None, TIMEOUT)
}

/// A container name no other test, nor another run of the suite, uses at the same time.
pub fn unique_name(test: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("dpty-test-{}-{n}-{test}", std::process::id())
}

/// Removes the named container, whatever state it is in, when dropped, so that a failing test leaves
/// nothing behind.
pub struct ContainerGuard(pub String);

impl ContainerGuard {
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl Drop for ContainerGuard {
    fn drop(&mut self) {
        if let Ok(host) = std::env::var("DOCKER_HOST") {
            let mut command = docker_command(&host, &["rm", "-f", &self.0]);
            command.stdout(Stdio::null()).stderr(Stdio::null());
            let _ = command.status();
        }
    }
}

/// Starts a long-running busybox container with the docker CLI, to exec into.
pub fn sleeper(test: &str) -> ContainerGuard {
    let guard = ContainerGuard(unique_name(test));
    let out = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--name",
        &guard.0,
        "busybox",
        "sleep",
        "600",
    ]);
    assert_success("starting the container to exec into", &out);
    guard
}

/// Starts a busybox container running `sh -c script` in the background with the docker CLI.
pub fn docker_run_detached(name: &str, script: &str) {
    let out = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--name",
        name,
        "busybox",
        "sh",
        "-c",
        script,
    ]);
    assert_success("starting the container", &out);
}

/// Whether the container is running, as `docker inspect` says.
pub fn is_running(name: &str) -> bool {
    let out = docker(&["inspect", "-f", "{{.State.Running}}", name]);
    assert_success("inspecting the container", &out);
    String::from_utf8_lossy(&out.stdout).trim() == "true"
}

/// Whether a container of that name exists at all, in any state.
pub fn container_exists(name: &str) -> bool {
    docker(&["inspect", "--type", "container", name])
        .status
        .success()
}

#[track_caller]
pub fn assert_success(what: &str, out: &Output) {
    assert!(out.status.success(), "{what} failed: {}", describe(out));
}

/// Exit status, stdout and stderr, escaped, for failure messages.
pub fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        escape(&out.stdout),
        escape(&out.stderr)
    )
}

/// The exit code, panicking (with the output) if a signal ended the process.
#[track_caller]
pub fn code(out: &Output) -> i32 {
    match out.status.code() {
        Some(code) => code,
        None => panic!("killed by a signal: {}", describe(out)),
    }
}

/// Printable form of raw output; a very long one keeps its head and tail.
pub fn escape(bytes: &[u8]) -> String {
    const HEAD: usize = 4096;
    const TAIL: usize = 16384;
    let show = |b: &[u8]| b.escape_ascii().to_string();
    if bytes.len() <= HEAD + TAIL {
        show(bytes)
    } else {
        format!(
            "{}\n[... {} bytes elided ...]\n{}",
            show(&bytes[..HEAD]),
            bytes.len() - HEAD - TAIL,
            show(&bytes[bytes.len() - TAIL..])
        )
    }
}

/// Runs the binary under test with `args`, without a terminal: stdin is `stdin` (or /dev/null), stdout
/// and stderr are pipes.
#[track_caller]
pub fn run_bin(args: &[&str], stdin: Option<&[u8]>, timeout: Duration) -> Output {
    docker_host();
    let mut command = Command::new(bin());
    command.args(args);
    run_command(command, stdin, timeout)
}

/// Runs `command` with piped stdout and stderr, feeding `stdin` (or /dev/null); kills it and panics if
/// it has not exited within `timeout`.
#[track_caller]
pub fn run_command(mut command: Command, stdin: Option<&[u8]>, timeout: Duration) -> Output {
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {command:?}: {e}"));
    // Feeding and draining happen on threads so that neither side can block the other; a write
    // error only means the process stopped reading, which the test judges by its output.
    let feeder = child.stdin.take().map(|mut pipe| {
        let input = stdin.unwrap_or_default().to_vec();
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));

    let Some(status) = exit_within(&mut child, timeout) else {
        let _ = child.kill();
        let out = Output {
            status: child.wait().expect("reaping the child"),
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        };
        panic!(
            "{command:?} did not exit within {timeout:?}: {}",
            describe(&out)
        );
    };
    if let Some(feeder) = feeder {
        feeder.join().unwrap();
    }
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Everything the program wrote on the terminal so far, and whether the terminal has closed.
#[derive(Default)]
struct Screen {
    bytes: Vec<u8>,
    closed: bool,
}

/// A program running on a new pseudo-terminal, as a user at a terminal runs it. A reader thread
/// collects everything it writes; `expect` waits for text to appear after a cursor.
pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<(Mutex<Screen>, Condvar)>,
    /// Where in the output the next `expect` starts looking.
    cursor: usize,
}

impl Pty {
    /// Spawns `argv` on a new terminal of `rows` x `cols`, with this process's environment (so
    /// `DOCKER_HOST` passes through).
    pub fn spawn(argv: &[&str], rows: u16, cols: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(size(rows, cols))
            .expect("opening a pseudo-terminal");
        let mut command = CommandBuilder::from_argv(argv.iter().map(OsString::from).collect());
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        let child = pair
            .slave
            .spawn_command(command)
            .unwrap_or_else(|e| panic!("spawning {argv:?} on a pty: {e}"));
        // Only the child may hold the terminal open, so that the reader sees its end.
        drop(pair.slave);

        let screen = Arc::new((Mutex::new(Screen::default()), Condvar::new()));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let shared = Arc::clone(&screen);
        thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut screen = shared.0.lock().unwrap();
                if n == 0 {
                    screen.closed = true;
                } else {
                    screen.bytes.extend_from_slice(&buf[..n]);
                }
                shared.1.notify_all();
                if n == 0 {
                    break;
                }
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Pty {
            master: pair.master,
            writer,
            child,
            screen,
            cursor: 0,
        }
    }

    /// Spawns the binary under test with `args`.
    pub fn bin(args: &[&str], rows: u16, cols: u16) -> Pty {
        docker_host();
        let bin = bin();
        let argv: Vec<&str> = std::iter::once(bin.as_str())
            .chain(args.iter().copied())
            .collect();
        Pty::spawn(&argv, rows, cols)
    }

    /// Spawns the binary under test inside a shell that prints the terminal settings (`stty -g`)
    /// before and after it, and its exit code; `finish` then checks them.
    pub fn bin_checked(args: &[&str], rows: u16, cols: u16) -> Pty {
        docker_host();
        let bin = bin();
        let argv: Vec<&str> = std::iter::once(bin.as_str())
            .chain(args.iter().copied())
            .collect();
        Pty::spawn_checked(&argv, rows, cols)
    }

    /// Spawns `argv` as `bin_checked` spawns the binary under test: inside a shell that prints the
    /// terminal settings before and after it, and its exit code, for `finish` to check.
    pub fn spawn_checked(argv: &[&str], rows: u16, cols: u16) -> Pty {
        let script = r#"stty -g; echo BEFORE-DONE; "$@"; echo "rc=$?"; stty -g; echo AFTER-DONE"#;
        let argv: Vec<&str> = ["sh", "-c", script, "sh"]
            .into_iter()
            .chain(argv.iter().copied())
            .collect();
        let mut pty = Pty::spawn(&argv, rows, cols);
        pty.expect("BEFORE-DONE", TIMEOUT);
        pty
    }

    /// For a `bin_checked` or `spawn_checked` run: waits for it to end, asserts that the terminal settings afterwards
    /// equal those before, and returns the binary's exit code.
    #[track_caller]
    pub fn finish(&mut self, timeout: Duration) -> i32 {
        self.expect("AFTER-DONE", timeout);
        assert_eq!(self.wait(timeout), 0, "the wrapping shell failed");
        let text = String::from_utf8_lossy(&self.output()).into_owned();
        let lines: Vec<&str> = text.lines().map(|l| l.trim_matches('\r')).collect();
        let after_done = lines
            .iter()
            .rposition(|l| *l == "AFTER-DONE")
            .unwrap_or_else(|| panic!("no AFTER-DONE line in {text:?}"));
        let (before, after) = (lines[0], lines[after_done - 1]);
        let rc = lines[..after_done - 1]
            .iter()
            .rev()
            .find_map(|l| l.rsplit_once("rc=").map(|(_, code)| code))
            .unwrap_or_else(|| panic!("no rc= line in {text:?}"));
        assert_eq!(
            before,
            after,
            "terminal settings differ after the run; whole output:\n{}",
            escape(text.as_bytes())
        );
        rc.parse()
            .unwrap_or_else(|_| panic!("bad rc= line {rc:?} in {text:?}"))
    }

    /// Types `bytes` at the terminal.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("writing to the pty");
        self.writer.flush().expect("flushing the pty");
    }

    /// Waits until the output after the cursor contains `needle`, moves the cursor past it and returns
    /// the text up to it; panics with the whole output on timeout.
    #[track_caller]
    pub fn expect(&mut self, needle: &str, timeout: Duration) -> String {
        match self.try_expect(needle, timeout) {
            Some(text) => text,
            None => panic!(
                "{needle:?} did not appear within {timeout:?}; output so far:\n{}",
                escape(&self.output())
            ),
        }
    }

    /// Like `expect`, but returns `None` on timeout.
    pub fn try_expect(&mut self, needle: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let (lock, changed) = &*self.screen;
        let mut screen = lock.lock().unwrap();
        loop {
            let seen = &screen.bytes[self.cursor..];
            if let Some(at) = seen
                .windows(needle.len())
                .position(|w| w == needle.as_bytes())
            {
                let end = at + needle.len();
                let text = String::from_utf8_lossy(&seen[..end]).into_owned();
                self.cursor += end;
                return Some(text);
            }
            let now = Instant::now();
            if screen.closed || now >= deadline {
                return None;
            }
            screen = changed.wait_timeout(screen, deadline - now).unwrap().0;
        }
    }

    /// Types `command` (and Enter) until `answer` appears, which must differ from the command's
    /// echo. Keys typed before a session is joined to the container may be lost (or eaten by
    /// busybox sh while it asks the terminal for the cursor position), so it retries every second.
    #[track_caller]
    pub fn type_until(&mut self, command: &str, answer: &str) {
        let answered = holds_within(TIMEOUT, || {
            self.send(format!("{command}\r").as_bytes());
            self.try_expect(answer, Duration::from_secs(1)).is_some()
        });
        assert!(
            answered,
            "{command:?} never printed {answer:?}; output:\n{}",
            escape(&self.output())
        );
    }

    /// Asks the shell for its TTY size until it reports `rows` x `cols`; resizes reach the
    /// container asynchronously, so it may ask for up to `timeout`.
    #[track_caller]
    pub fn expect_size(&mut self, rows: u16, cols: u16, timeout: Duration) {
        let want = format!("size:{rows} {cols}:");
        let reached = holds_within(timeout, || {
            self.send(b"echo size:$(stty size):\r");
            self.try_expect(&want, Duration::from_millis(500)).is_some()
        });
        assert!(
            reached,
            "the container's TTY never became {rows}x{cols}; output:\n{}",
            escape(&self.output())
        );
    }

    /// Resizes the terminal; the kernel sends SIGWINCH to its foreground process group.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.master
            .resize(size(rows, cols))
            .expect("resizing the pty");
    }

    /// Waits for the program to exit and for its output to be read to the end; returns its exit code.
    /// Kills it and panics on timeout.
    #[track_caller]
    pub fn wait(&mut self, timeout: Duration) -> i32 {
        let mut status = None;
        holds_within(timeout, || {
            status = self.child.try_wait().expect("waiting for the child");
            status.is_some()
        });
        let Some(status) = status else {
            let _ = self.child.kill();
            panic!(
                "did not exit within {timeout:?}; output so far:\n{}",
                escape(&self.output())
            );
        };
        let (lock, changed) = &*self.screen;
        let screen = lock.lock().unwrap();
        let (screen, _) = changed
            .wait_timeout_while(screen, Duration::from_secs(5), |s| !s.closed)
            .unwrap();
        assert!(
            screen.closed,
            "the terminal stayed open after the program exited"
        );
        drop(screen);
        assert!(
            status.signal().is_none(),
            "ended by a signal: {status}; output:\n{}",
            escape(&self.output())
        );
        status.exit_code() as i32
    }

    /// The process id of the program on the terminal (for `bin_checked`, the wrapping shell).
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    /// Everything written on the terminal so far.
    pub fn output(&self) -> Vec<u8> {
        self.screen.0.lock().unwrap().bytes.clone()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// `len` bytes from a xorshift generator seeded by `seed`: every stream
/// different, every byte value present.
#[allow(dead_code)]
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0xff51_afd7_ed55_8ccd);
    let mut data = Vec::with_capacity(len + 8);
    while data.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(len);
    data
}

/// The first word `md5sum` prints for `data`, computed by the local `md5sum`.
#[allow(dead_code)]
pub fn local_md5(data: &[u8]) -> String {
    let out = run_command(Command::new("md5sum"), Some(data), Duration::from_secs(120));
    assert_success("the local md5sum", &out);
    first_word(&out.stdout)
}

/// The first whitespace-separated word of some output.
#[allow(dead_code)]
pub fn first_word(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A directory of its own under the system's temporary directory, removed with all it holds when
/// dropped. Names stay short: unix socket paths made inside it must fit in 108 bytes.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("dpty-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long a poll waits before it checks again. Short, as every command a test runs ends in one
/// (`run_command` polls for its exit); a check that runs the docker CLI takes far longer itself.
const POLL: Duration = Duration::from_millis(10);

/// Polls `condition` every few milliseconds until it holds; panics, saying `what` never happened,
/// if it does not within `timeout`. For waiting on a state nothing announces (a container's state,
/// a process's counters), never as a pause of a fixed length.
#[track_caller]
pub fn wait_for(what: &str, timeout: Duration, condition: impl FnMut() -> bool) {
    assert!(
        holds_within(timeout, condition),
        "{what} did not happen within {timeout:?}"
    );
}

/// Polls `condition` as `wait_for` does, and says whether it held within `timeout` instead of
/// panicking: for a test that has more to say when it did not (the output so far), or that expects
/// a state never to come (a process that must stay). The condition is checked at least once, so a
/// zero timeout asks whether it holds now.
pub fn holds_within(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(POLL);
    }
}

/// The exit status of `child` once it has exited, or `None` if it still runs after `timeout`;
/// the caller then kills it and says what it was waiting for.
pub fn exit_within(child: &mut std::process::Child, timeout: Duration) -> Option<ExitStatus> {
    let mut status = None;
    holds_within(timeout, || {
        status = child.try_wait().expect("waiting for the child");
        status.is_some()
    });
    status
}

/// The one child process of `pid` (for a `bin_checked` terminal: the binary under test).
#[track_caller]
pub fn only_child_of(pid: u32) -> u32 {
    let path = format!("/proc/{pid}/task/{pid}/children");
    let children = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    match children.split_whitespace().collect::<Vec<_>>()[..] {
        [child] => child.parse().expect("a pid"),
        ref other => panic!("{pid} has children {other:?}, not exactly one"),
    }
}

/// How many bytes typed at the terminal that is `pid`'s stdin wait there unread (FIONREAD). The
/// count covers only what the line discipline holds: a byte just written to the master may still be
/// on its way there.
#[track_caller]
pub fn input_queued(pid: u32) -> usize {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let path = format!("/proc/{pid}/fd/0");
    // O_NOCTTY: opening the terminal must not make it this test's controlling one.
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(&path)
        .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    let mut queued: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which points at one.
    let rc = unsafe { libc::ioctl(tty.as_raw_fd(), libc::FIONREAD, &mut queued) };
    assert_eq!(
        rc,
        0,
        "FIONREAD on {path}: {}",
        std::io::Error::last_os_error()
    );
    usize::try_from(queued).unwrap_or_default()
}

/// Sends `signal` to `pid`, a process this test started (directly or through a shell of its own).
#[track_caller]
pub fn send_signal(pid: u32, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(pid).expect("a pid fits pid_t");
    // SAFETY: kill only sends a signal, to a process of this test's own.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "signalling {pid} failed");
}

/// Whether every thread of `pid` is stopped by a signal: a SIGSTOP takes effect some time after
/// `kill` returns, and until then the process may go on reading.
#[track_caller]
pub fn is_stopped(pid: u32) -> bool {
    let tasks = format!("/proc/{pid}/task");
    let entries = std::fs::read_dir(&tasks).unwrap_or_else(|e| panic!("reading {tasks}: {e}"));
    entries.flatten().all(|task| {
        // The state is the first field after the command name, which is in parentheses.
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('T'))
    })
}

impl Pty {
    /// Whether the terminal is in canonical (line) mode, as a shell leaves it; false while a
    /// session holds it in raw mode.
    pub fn is_canonical(&self) -> bool {
        let fd = self
            .master
            .as_raw_fd()
            .expect("the pty master has a descriptor");
        // SAFETY: a zeroed termios is a valid value for tcgetattr to overwrite.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: tcgetattr only fills in the termios it is given, for a descriptor we hold.
        let rc = unsafe { libc::tcgetattr(fd, &mut termios) };
        assert_eq!(rc, 0, "reading the terminal's settings");
        termios.c_lflag & libc::ICANON != 0
    }

    /// Waits until the terminal is back in canonical mode, as a session leaves it when it ends.
    #[track_caller]
    pub fn wait_canonical(&self, timeout: Duration) {
        wait_for("the terminal leaving raw mode", timeout, || {
            self.is_canonical()
        });
    }
}
