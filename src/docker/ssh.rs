//! Engines at `ssh://[user@]host[:port][/path/to/docker.sock]`, reached as
//! the docker CLI reaches them: each connection is the system's `ssh` running
//! `docker system dial-stdio` on the remote host, and HTTP goes over its
//! stdin and stdout. Using OpenSSH itself means the user's `~/.ssh/config`,
//! agent, keys and known_hosts all apply, exactly as for `ssh host`.
//!
//! ssh must never touch the user's terminal, which dpty may have in raw mode:
//! it runs in a session of its own (so it has no controlling terminal and
//! terminal signals never reach it) with `BatchMode=yes` (so it fails rather
//! than asking for a password or passphrase), its stdin and stdout are pipes
//! and its stderr is kept for error messages. Every ssh process is killed and
//! reaped when its connection is dropped, and dies with dpty if dpty is
//! killed outright.
//!
//! A handshake costs a few hundred milliseconds, so connections are reused:
//! [`SshPool`] keeps HTTP connections open between requests.

use std::fmt;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt as _;
use std::pin::Pin;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::anyhow;
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::client::conn::http1::SendRequest;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, ReadBuf};
use tokio::net::unix::pipe;
use tokio::sync::watch;
use tracing::debug;

use crate::error::{mark, ErrorKind};

/// Where an `ssh://` address points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshSpec {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    /// The engine's socket on the remote host; its default when `None`.
    pub path: Option<String>,
    /// More arguments for `ssh`, before dpty's own options (ssh keeps the
    /// first value it is given for an option, so these win): `-J bastion`,
    /// `-o ConnectTimeout=5`. Never part of an `ssh://` address.
    pub options: Vec<String>,
}

/// Seconds ssh may take to reach the host, as the docker CLI allows.
const CONNECT_TIMEOUT: u32 = 30;

impl SshSpec {
    /// Parses `ssh://...`, refusing what the docker CLI refuses: a password,
    /// a query string, a fragment, an empty host. The error carries status 1,
    /// docker's for an address it cannot use.
    pub fn parse(address: &str) -> anyhow::Result<SshSpec> {
        parse_url(address).map_err(|reason| {
            mark(
                anyhow!("invalid SSH URL: {reason}"),
                ErrorKind::InvalidAddress,
            )
        })
    }

    /// The arguments after `ssh`: options, user and port, `--`, the host and
    /// the remote command. `--` keeps a host name that starts with `-` from
    /// being read as an option.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.options.clone();
        args.extend::<[String; 7]>([
            "-o".into(),
            format!("ConnectTimeout={CONNECT_TIMEOUT}"),
            // Fail instead of prompting: nobody could answer a prompt.
            "-o".into(),
            "BatchMode=yes".into(),
            // No escape character: stdin is data and `~.` in it must pass.
            "-e".into(),
            "none".into(),
            // No TTY on the remote side, so no login shell and no line editing.
            "-T".into(),
        ]);
        if let Some(user) = &self.user {
            args.extend(["-l".into(), user.clone()]);
        }
        if let Some(port) = self.port {
            args.extend(["-p".into(), port.to_string()]);
        }
        args.extend(["--".into(), self.host.clone()]);
        args.push("docker".into());
        if let Some(path) = &self.path {
            // ssh hands the command to the remote user's shell as one string.
            args.extend(["--host".into(), shell_quote(&format!("unix://{path}"))]);
        }
        args.extend(["system".into(), "dial-stdio".into()]);
        args
    }

    /// The plain `ssh` command that must log in for this address to work.
    pub fn login_command(&self) -> String {
        let mut words = vec!["ssh".to_owned()];
        words.extend(self.options.iter().map(|word| shell_quote(word)));
        if let Some(port) = self.port {
            words.extend(["-p".into(), port.to_string()]);
        }
        match &self.user {
            Some(user) => words.push(format!("{user}@{}", self.host)),
            None => words.push(self.host.clone()),
        }
        words.join(" ")
    }
}

impl fmt::Display for SshSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ssh://")?;
        if let Some(user) = &self.user {
            write!(f, "{user}@")?;
        }
        match self.host.contains(':') {
            true => write!(f, "[{}]", self.host)?,
            false => f.write_str(&self.host)?,
        }
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        f.write_str(self.path.as_deref().unwrap_or(""))
    }
}

/// The URL rules of the docker CLI (Go's URL parser plus its own checks),
/// for the parts an ssh address can have.
fn parse_url(address: &str) -> Result<SshSpec, String> {
    let Some(rest) = address.strip_prefix("ssh://") else {
        return Err("no ssh:// scheme".into());
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let user = match userinfo {
        Some(info) if info.contains(':') => {
            return Err("plain-text password is not supported".into())
        }
        Some(info) => Some(unescape(info)?).filter(|u| !u.is_empty()),
        None => None,
    };
    let (host, port) = split_host_port(hostport)?;
    if host.is_empty() {
        return Err("hostname is empty".into());
    }
    if host
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "%\\\"'<>^`{|}".contains(c))
    {
        return Err(format!("invalid character in host name {host:?}"));
    }
    if !query.is_empty() {
        return Err(format!("query parameters are not allowed: {query:?}"));
    }
    if !fragment.is_empty() {
        return Err(format!("fragments are not allowed: {fragment:?}"));
    }
    let path = unescape(path)?;
    Ok(SshSpec {
        user,
        host: host.to_owned(),
        port,
        path: Some(path).filter(|p| !p.is_empty()),
        options: Vec::new(),
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`; an empty port counts as none.
fn split_host_port(hostport: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = match hostport.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((host, "")) => (host, ""),
            Some((host, rest)) => match rest.strip_prefix(':') {
                Some(port) => (host, port),
                None => return Err(format!("invalid port {rest:?} after host")),
            },
            None => return Err("missing ']' in host".into()),
        },
        None => hostport.rsplit_once(':').unwrap_or((hostport, "")),
    };
    if port.is_empty() {
        return Ok((host, None));
    }
    match port.parse::<u16>() {
        Ok(port) if port > 0 => Ok((host, Some(port))),
        _ => Err(format!("invalid port \":{port}\" after host")),
    }
}

/// Percent-decoding, as Go's URL parser does for the user and the path.
fn unescape(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let escape = bytes.get(i + 1..i + 3);
        let decoded = escape
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => out.push(byte),
            None => {
                let shown: String = text[i..].chars().take(3).collect();
                return Err(format!("invalid URL escape {shown:?}"));
            }
        }
        i += 3;
    }
    String::from_utf8(out).map_err(|_| "the URL is not valid UTF-8".into())
}

/// Quotes a word for a POSIX shell, leaving plain ones as they are.
fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-:@+=,%".contains(c);
    match !word.is_empty() && word.chars().all(plain) {
        true => word.to_owned(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

/// How much of ssh's stderr is kept for an error message.
const STDERR_KEPT: usize = 4096;

/// How long a failed connection's ssh is given to finish saying why.
const EXPLAIN_WITHIN: Duration = Duration::from_secs(5);

/// One ssh process carrying one connection to the remote engine.
pub struct SshConn {
    /// `None` once the write side is closed: ssh then sends EOF on.
    stdin: Option<pipe::Sender>,
    stdout: pipe::Receiver,
    process: Arc<Process>,
}

impl fmt::Debug for SshConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshConn")
            .field("pid", &self.process.pid)
            .field("stdin_open", &self.stdin.is_some())
            .finish()
    }
}

/// The ssh child itself: killed and reaped when the last handle drops.
pub struct Process {
    pid: u32,
    child: Mutex<Child>,
    /// The tail of ssh's stderr, filled by a task until it reaches EOF.
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Becomes true when stderr reaches EOF, that is when ssh exits.
    stderr_done: watch::Receiver<bool>,
}

impl SshConn {
    /// Starts `ssh` for `spec`. Returns once the process runs; whether it
    /// reaches the engine shows on the first request.
    pub fn spawn(spec: &SshSpec) -> io::Result<SshConn> {
        let args = spec.args();
        debug!(?args, "starting ssh");
        let mut command = Command::new("ssh");
        command
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let parent = std::process::id();
        // SAFETY: between fork and exec only async-signal-safe calls are
        // made (setsid, prctl, getppid), touching no memory of the parent.
        unsafe {
            command.pre_exec(move || {
                // A session of its own: no controlling terminal, so ssh can
                // neither read the user's keys typed at it nor get their
                // Ctrl-C or window changes.
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                // Dies with dpty, even when dpty is killed outright.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) < 0 {
                    return Err(io::Error::last_os_error());
                }
                // dpty may have died before the line above took effect.
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::other("dpty ended while starting ssh"));
                }
                Ok(())
            });
        }
        let mut child = command.spawn().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => io::Error::new(
                io::ErrorKind::NotFound,
                "ssh is not installed: no 'ssh' command on PATH (install the OpenSSH client)",
            ),
            _ => io::Error::new(e.kind(), format!("cannot start ssh: {e}")),
        })?;
        let pid = child.id();
        let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let process = |stderr, stderr_done| Process {
            pid,
            child: Mutex::new(child),
            stderr,
            stderr_done,
        };
        let (Some(stdin), Some(stdout), Some(stderr)) = pipes else {
            // Dropping it kills and reaps the child.
            drop(process(Arc::default(), watch::channel(true).1));
            return Err(io::Error::other("ssh started without its pipes"));
        };
        let stdin = pipe::Sender::from_owned_fd(OwnedFd::from(stdin));
        let stdout = pipe::Receiver::from_owned_fd(OwnedFd::from(stdout));
        let stderr = pipe::Receiver::from_owned_fd(OwnedFd::from(stderr));
        let (stdin, stdout, stderr) = match (stdin, stdout, stderr) {
            (Ok(stdin), Ok(stdout), Ok(stderr)) => (stdin, stdout, stderr),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                drop(process(Arc::default(), watch::channel(true).1));
                return Err(e);
            }
        };
        let tail = Arc::new(Mutex::new(Vec::new()));
        let (done_tx, done_rx) = watch::channel(false);
        tokio::spawn(keep_stderr(stderr, tail.clone(), done_tx, pid));
        Ok(SshConn {
            stdin: Some(stdin),
            stdout,
            process: Arc::new(process(tail, done_rx)),
        })
    }

    /// A handle that outlives the connection, to explain its failure.
    pub fn process(&self) -> Arc<Process> {
        self.process.clone()
    }
}

/// Reads ssh's stderr until EOF, keeping the last few KiB.
async fn keep_stderr(
    mut stderr: pipe::Receiver,
    tail: Arc<Mutex<Vec<u8>>>,
    done: watch::Sender<bool>,
    pid: u32,
) {
    let mut buf = [0u8; 1024];
    loop {
        let n = match stderr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        debug!(pid, text = %String::from_utf8_lossy(&buf[..n]).trim_end(), "ssh stderr");
        let Ok(mut tail) = tail.lock() else { break };
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > STDERR_KEPT {
            let excess = tail.len() - STDERR_KEPT;
            tail.drain(..excess);
        }
    }
    let _ = done.send(true);
}

/// ssh ended, or its remote command did, before the engine answered.
#[derive(Debug)]
pub struct SshFailed {
    pub status: Option<ExitStatus>,
    /// ssh's (or the remote command's) last line on stderr.
    pub last_line: String,
    /// The plain ssh command to try, for the hint.
    pub login: String,
}

impl fmt::Display for SshFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.status.and_then(|s| s.code());
        let said = match self.last_line.is_empty() {
            true => "ssh ended",
            false => self.last_line.as_str(),
        };
        // ssh exits 255 for its own failures; a shell says 127 when it
        // finds no such command; anything else is the remote command's.
        let hint = match code {
            Some(255) => format!(
                "`{}` must log in without a prompt: keys in ssh-agent, host key accepted once",
                self.login
            ),
            Some(127) => "is the docker CLI installed on the remote host?".to_owned(),
            _ => "is the engine running on the remote host?".to_owned(),
        };
        match code {
            Some(code) => write!(f, "{said} (ssh exited with status {code}; {hint})"),
            None => write!(f, "{said} ({hint})"),
        }
    }
}

impl std::error::Error for SshFailed {}

impl Process {
    /// Why the connection failed, if ssh (or its remote command) failed: the
    /// status and last stderr line. Waits (briefly) for ssh to exit.
    pub async fn failure(&self, spec: &SshSpec) -> Option<SshFailed> {
        let mut done = self.stderr_done.clone();
        // stderr reaches EOF when ssh exits; a live ssh explains nothing.
        if tokio::time::timeout(EXPLAIN_WITHIN, done.wait_for(|d| *d))
            .await
            .is_err()
        {
            return None;
        }
        let status = self.child.lock().ok().and_then(|mut child| {
            // EOF on stderr means ssh is exiting: its stderr closes only
            // then, so this wait is over within moments.
            child.wait().ok()
        });
        // A clean exit means the engine ended the connection, not ssh.
        if status.is_some_and(|s| s.success()) {
            return None;
        }
        let last_line = self
            .stderr
            .lock()
            .map(|tail| last_line(&tail))
            .unwrap_or_default();
        Some(SshFailed {
            status,
            last_line,
            login: spec.login_command(),
        })
    }
}

fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or_default()
        .to_owned()
}

impl Drop for Process {
    fn drop(&mut self) {
        let Ok(child) = self.child.get_mut() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        // SIGKILL: ssh holds no state worth a graceful end, and the wait
        // below must not depend on ssh cooperating.
        let _ = child.kill();
        let _ = child.wait();
        debug!(pid = self.pid, "ssh ended");
    }
}

impl AsyncRead for SshConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stdout).poll_read(cx, buf)
    }
}

impl AsyncWrite for SshConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().stdin {
            Some(stdin) => Pin::new(stdin).poll_write(cx, buf),
            None => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match &mut self.get_mut().stdin {
            Some(stdin) => Pin::new(stdin).poll_write_vectored(cx, bufs),
            None => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Closes ssh's stdin, which ssh passes on as EOF: the remote
    /// `dial-stdio` then half-closes its connection to the engine.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stdin = None;
        Poll::Ready(Ok(()))
    }
}

/// The body type of pooled connections, which carry both bollard's requests
/// and dpty's own.
pub type PooledBody = UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// An HTTP connection over ssh, with the process behind it.
pub struct Pooled {
    pub sender: SendRequest<PooledBody>,
    pub process: Arc<Process>,
    /// Never used yet: hyper takes a first request before the connection
    /// has said it is ready, and the handshake may still be under way.
    pub fresh: bool,
}

/// The open connections to one ssh engine.
///
/// A session needs at most three connections at once: one for short REST
/// calls, one for the attach or exec stream, one for the wait on the
/// container's exit (an exec has none). The first request opens all it
/// will need, so their handshakes overlap instead of adding up; later
/// requests take an idle one and open a new one only when all are busy.
pub struct SshPool {
    parked: Mutex<Vec<Pooled>>,
    /// Whether the first connections have been opened.
    warmed: AtomicBool,
    /// Connections opened with the first request, besides its own.
    spares: AtomicUsize,
}

/// Connections a session holds at once unless told otherwise.
const CONNECTIONS: usize = 3;

impl Default for SshPool {
    fn default() -> Self {
        SshPool {
            parked: Mutex::default(),
            warmed: AtomicBool::new(false),
            spares: AtomicUsize::new(CONNECTIONS - 1),
        }
    }
}

impl SshPool {
    /// An idle connection that has served before, else a fresh one.
    pub fn take(&self) -> Option<Pooled> {
        let mut parked = self.parked.lock().ok()?;
        parked.retain(|p| !p.sender.is_closed());
        let at = parked
            .iter()
            .position(|p| !p.fresh && p.sender.is_ready())
            .or_else(|| parked.iter().position(|p| p.fresh))?;
        Some(parked.swap_remove(at))
    }

    /// Keeps a connection for later requests; it is handed out again once
    /// it is ready, i.e. its response has been read to the end.
    pub fn park(&self, pooled: Pooled) {
        if let Ok(mut parked) = self.parked.lock() {
            parked.push(pooled);
        }
    }

    /// How many spare connections to open with this one: all of them the
    /// first time, none after.
    pub fn spares_to_open(&self) -> usize {
        match self.warmed.swap(true, Ordering::Relaxed) {
            false => self.spares.load(Ordering::Relaxed),
            true => 0,
        }
    }

    /// Says how many connections the first request opens in all (at least one).
    pub fn open_together(&self, connections: usize) {
        self.spares.store(connections.max(1) - 1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(user: Option<&str>, host: &str, port: Option<u16>, path: Option<&str>) -> SshSpec {
        SshSpec {
            user: user.map(str::to_owned),
            host: host.to_owned(),
            port,
            path: path.map(str::to_owned),
            options: Vec::new(),
        }
    }

    #[test]
    fn parses_what_docker_accepts() {
        let cases = [
            ("ssh://example.com", spec(None, "example.com", None, None)),
            (
                "ssh://me@example.com:10022",
                spec(Some("me"), "example.com", Some(10022), None),
            ),
            (
                "ssh://me@example.com:10022/var/run/docker.sock",
                spec(
                    Some("me"),
                    "example.com",
                    Some(10022),
                    Some("/var/run/docker.sock"),
                ),
            ),
            (
                "ssh://example.com/var/run/docker.sock",
                spec(None, "example.com", None, Some("/var/run/docker.sock")),
            ),
            ("ssh://[::1]:22", spec(None, "::1", Some(22), None)),
            ("ssh://[::1]", spec(None, "::1", None, None)),
            ("ssh://@host", spec(None, "host", None, None)),
            ("ssh://host:", spec(None, "host", None, None)),
            ("ssh://host?", spec(None, "host", None, None)),
            ("ssh://host#", spec(None, "host", None, None)),
            (
                "ssh://a%40b@host/run/my%20docker.sock",
                spec(Some("a@b"), "host", None, Some("/run/my docker.sock")),
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(SshSpec::parse(url).unwrap(), expected, "{url}");
        }
    }

    #[test]
    fn refuses_what_docker_refuses_with_status_1() {
        let cases = [
            (
                "ssh://me:passw0rd@example.com",
                "plain-text password is not supported",
            ),
            (
                "ssh://me:@example.com",
                "plain-text password is not supported",
            ),
            (
                "ssh://example.com?foo=bar&bar=baz",
                r#"query parameters are not allowed: "foo=bar&bar=baz""#,
            ),
            (
                "ssh://example.com#bar",
                r#"fragments are not allowed: "bar""#,
            ),
            ("ssh://", "hostname is empty"),
            ("ssh:///no-hostname", "hostname is empty"),
            ("ssh://me@", "hostname is empty"),
            ("ssh://host:port", r#"invalid port ":port" after host"#),
            ("ssh://host:70000", r#"invalid port ":70000" after host"#),
            ("ssh://[::1", "missing ']' in host"),
            ("ssh://ho st", "invalid character"),
            ("ssh://host/%zz", r#"invalid URL escape "%zz""#),
        ];
        for (url, reason) in cases {
            let error = SshSpec::parse(url).unwrap_err();
            let error = crate::error::Error::from(error);
            let text = error.to_string();
            assert!(text.starts_with("invalid SSH URL: "), "{url}: {text}");
            assert!(text.contains(reason), "{url}: {text}");
            assert_eq!(
                error.kind(),
                crate::error::ErrorKind::InvalidAddress,
                "{url}"
            );
            assert!(!text.contains("passw0rd"), "{text}");
        }
    }

    #[test]
    fn displays_as_given() {
        for url in [
            "ssh://example.com",
            "ssh://me@example.com:10022/var/run/docker.sock",
            "ssh://[::1]:22",
        ] {
            assert_eq!(SshSpec::parse(url).unwrap().to_string(), url);
        }
    }

    #[test]
    fn argument_lists_follow_the_docker_cli() {
        const OPTIONS: [&str; 7] = [
            "-o",
            "ConnectTimeout=30",
            "-o",
            "BatchMode=yes",
            "-e",
            "none",
            "-T",
        ];
        let cases: [(&str, &[&str]); 4] = [
            (
                "ssh://example.com",
                &["--", "example.com", "docker", "system", "dial-stdio"],
            ),
            (
                "ssh://me@example.com:10022",
                &[
                    "-l",
                    "me",
                    "-p",
                    "10022",
                    "--",
                    "example.com",
                    "docker",
                    "system",
                    "dial-stdio",
                ],
            ),
            (
                "ssh://example.com/var/run/docker.sock",
                &[
                    "--",
                    "example.com",
                    "docker",
                    "--host",
                    "unix:///var/run/docker.sock",
                    "system",
                    "dial-stdio",
                ],
            ),
            (
                "ssh://-oProxyCommand=x/run/it's.sock",
                &[
                    "--",
                    "-oProxyCommand=x",
                    "docker",
                    "--host",
                    r"'unix:///run/it'\''s.sock'",
                    "system",
                    "dial-stdio",
                ],
            ),
        ];
        for (url, tail) in cases {
            let args = SshSpec::parse(url).unwrap().args();
            let mut expected: Vec<&str> = OPTIONS.to_vec();
            expected.extend_from_slice(tail);
            assert_eq!(args, expected, "{url}");
        }
    }

    #[test]
    fn failures_name_the_last_line_and_a_hint() {
        use std::os::unix::process::ExitStatusExt as _;
        let failed = |code: i32, stderr: &str| {
            SshFailed {
                status: Some(ExitStatus::from_raw(code << 8)),
                last_line: last_line(stderr.as_bytes()),
                login: "ssh -p 1 me@127.0.0.1".into(),
            }
            .to_string()
        };
        let text = failed(
            255,
            "ssh: connect to host 127.0.0.1 port 1: Connection refused\r\n",
        );
        assert!(text.starts_with("ssh: connect to host 127.0.0.1 port 1: Connection refused (ssh exited with status 255;"), "{text}");
        assert!(
            text.contains("`ssh -p 1 me@127.0.0.1` must log in"),
            "{text}"
        );
        let text = failed(127, "warning\nbash: docker: command not found\n\n");
        assert!(
            text.starts_with("bash: docker: command not found"),
            "{text}"
        );
        assert!(text.contains("docker CLI installed"), "{text}");
        let text = failed(1, "failed to open the raw stream connection: dial unix /x.sock: connect: no such file or directory\n");
        assert!(text.contains("engine running"), "{text}");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn the_login_to_try_is_plain_ssh() {
        let login = |url| SshSpec::parse(url).unwrap().login_command();
        assert_eq!(login("ssh://me@host:2222/x.sock"), "ssh -p 2222 me@host");
        assert_eq!(login("ssh://host"), "ssh host");
    }

    #[test]
    fn extra_options_come_first_so_that_they_win() {
        let mut spec = SshSpec::parse("ssh://me@host").unwrap();
        spec.options = vec!["-J".into(), "bastion".into(), "-oPort=2222".into()];
        let args = spec.args();
        assert_eq!(args[..4], ["-J", "bastion", "-oPort=2222", "-o"]);
        assert_eq!(args[4], "ConnectTimeout=30");
        assert_eq!(spec.login_command(), "ssh -J bastion -oPort=2222 me@host");
        // They are not part of the address.
        assert_eq!(spec.to_string(), "ssh://me@host");
    }

    #[test]
    fn shell_quoting_leaves_plain_words_alone() {
        assert_eq!(
            shell_quote("unix:///var/run/docker.sock"),
            "unix:///var/run/docker.sock"
        );
        assert_eq!(shell_quote("unix:///a b"), "'unix:///a b'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }
}
