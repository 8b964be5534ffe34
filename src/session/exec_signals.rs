//! Signals for a process that `exec` started. The Engine API can signal a
//! container but not an exec process (moby/moby#9098), so dpty finds the
//! process itself, by one of two routes:
//!
//! - **pidfd** (a local engine whose processes dpty can see): exec inspect
//!   names the process by its pid in the engine's pid namespace. dpty opens a
//!   pidfd for it, then checks through `/proc` that the process is in the
//!   container's cgroup and that the pidfd still names a live process, so the
//!   pidfd is known to hold the exec's process and no later pid reuse can
//!   redirect a signal. This is race-free, and costs no call to the engine.
//! - **a second exec** (a remote engine, or a process dpty may not signal):
//!   a `sh` in the same container runs `kill`. When `/proc` shows the
//!   process, its pid inside the container comes from `NSpid`; otherwise the
//!   script looks for the one process whose parent is outside the container
//!   (an exec's is) and whose command line is the exec's, and refuses when
//!   there is not exactly one. It needs `sh` and `kill` in the container.
//!
//! When neither works, dpty says so once and the session goes on as before.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use std::time::Duration;

use bollard::models::ExecConfig;
use futures_util::FutureExt;
use serde_json::json;
use tokio::sync::OnceCell;
use tracing::{debug, info, warn};

use crate::basics::SignalFn;
use crate::docker::Client;

/// How long a hung-up process has to end before it is killed.
pub const HANGUP_GRACE: Duration = Duration::from_secs(2);

/// How long an exec whose start was answered may take to run its process
/// (the engine names a pid once it has); one that takes longer is taken
/// never to have started.
const START_AT_MOST: Duration = Duration::from_secs(1);

/// The process an exec instance started, and the way to signal it, found on
/// first use.
pub struct ExecProcess {
    client: Client,
    exec_id: String,
    route: OnceCell<Route>,
    /// Why signals cannot reach the process, once known; said after the session.
    unreachable: std::sync::OnceLock<String>,
}

#[derive(Debug)]
enum Route {
    /// A pidfd for the process itself.
    Pidfd(OwnedFd),
    /// A second exec running `kill` in the container.
    Exec {
        container: String,
        target: InContainer,
    },
    /// Nothing can reach the process; the reason was reported once.
    Unreachable,
}

/// How the second exec names the process.
#[derive(Debug, Clone, PartialEq, Eq)]
enum InContainer {
    /// Its pid in the container's pid namespace.
    Pid(i32),
    /// Found by its command line (the engine's pid is not visible here).
    Command(Vec<String>),
}

/// What exec inspect says about the process.
struct Inspected {
    running: bool,
    pid: i32,
    container: String,
    command: Vec<String>,
}

impl ExecProcess {
    pub fn new(client: &Client, exec_id: &str) -> Arc<Self> {
        Arc::new(Self {
            client: client.clone(),
            exec_id: exec_id.to_owned(),
            route: OnceCell::new(),
            unreachable: std::sync::OnceLock::new(),
        })
    }

    /// The signal proxy for a session: every signal goes to the process.
    pub fn signal_fn(self: &Arc<Self>) -> SignalFn {
        let process = Arc::clone(self);
        Arc::new(move |signal: i32| {
            let process = Arc::clone(&process);
            async move {
                process.signal(signal).await;
            }
            .boxed()
        })
    }

    /// Sends `signal` to the process; false if it could not be delivered.
    pub async fn signal(&self, signal: i32) -> bool {
        self.deliver(signal, true).await
    }

    /// As `signal`; `missing_is_news` says whether a process the second exec
    /// cannot find is worth reporting (not when it may just have ended).
    async fn deliver(&self, signal: i32, missing_is_news: bool) -> bool {
        let route = self.route.get_or_init(|| self.find()).await;
        match route {
            Route::Pidfd(fd) => match pidfd_send_signal(fd, signal) {
                Ok(()) => {
                    debug!(signal, "signal sent through the pidfd");
                    true
                }
                Err(error) => {
                    debug!(signal, %error, "pidfd signal failed");
                    false
                }
            },
            Route::Exec { container, target } => {
                self.kill_by_exec(container, target, signal, missing_is_news)
                    .await
            }
            Route::Unreachable => false,
        }
    }

    /// Ends the process as a closing terminal would end its session: SIGHUP,
    /// then SIGKILL if it is still there after `grace`. Does nothing when the
    /// process has already ended. A start that the engine has answered may
    /// not have run the process yet: it is waited for, briefly.
    pub async fn hang_up(&self, grace: Duration) {
        let deadline = tokio::time::Instant::now() + START_AT_MOST;
        loop {
            match self.inspect().await {
                Ok(state) if state.running => break,
                Ok(state) if state.pid > 0 => return,
                Ok(_) if tokio::time::Instant::now() < deadline => {
                    debug!("the command has not started yet");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Ok(_) => return,
                Err(error) => {
                    debug!(%error, "cannot tell whether the command still runs");
                    return;
                }
            }
        }
        info!("hanging up the command");
        // The process may end between the inspect and the signal.
        if !self.deliver(libc::SIGHUP, false).await {
            return;
        }
        let deadline = tokio::time::Instant::now() + grace;
        while tokio::time::Instant::now() < deadline {
            if self.ended().await {
                debug!("the command ended after the hangup");
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        info!("the command outlived the hangup; killing it");
        self.deliver(libc::SIGKILL, false).await;
    }

    /// Why signals could not reach the process, if they could not: one line
    /// for the user once the terminal is back to normal.
    pub fn report(&self) -> Option<String> {
        let why = self.unreachable.get()?;
        Some(format!("signals could not reach the command: {why}"))
    }

    /// Notes the first reason signals cannot reach the process.
    fn unreachable_once(&self, why: &str) {
        if self.unreachable.set(why.to_owned()).is_ok() {
            warn!("signals cannot reach the command: {why}");
        }
    }

    async fn ended(&self) -> bool {
        if let Some(Route::Pidfd(fd)) = self.route.get() {
            return pidfd_exited(fd);
        }
        matches!(self.inspect().await, Ok(state) if !state.running)
    }

    async fn inspect(&self) -> anyhow::Result<Inspected> {
        let info = self
            .client
            .api()
            .inspect_exec(&self.exec_id)
            .await
            .map_err(Client::error)?;
        let process = info.process_config.unwrap_or_default();
        let mut command: Vec<String> = process.entrypoint.into_iter().collect();
        command.extend(process.arguments.unwrap_or_default());
        Ok(Inspected {
            running: info.running.unwrap_or(false),
            pid: info.pid.and_then(|p| i32::try_from(p).ok()).unwrap_or(0),
            container: info.container_id.unwrap_or_default(),
            command,
        })
    }

    /// Chooses the route, once per session.
    async fn find(&self) -> Route {
        // The engine may name the pid a moment after the start.
        let mut state = None;
        for attempt in 0..20u64 {
            match self.inspect().await {
                Ok(found) if found.pid > 0 || !found.running => {
                    state = Some(found);
                    break;
                }
                Ok(_) => {}
                Err(error) => {
                    debug!(%error, "exec inspect failed");
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(5 + 5 * attempt)).await;
        }
        let Some(state) = state.filter(|s| s.running && s.pid > 0) else {
            debug!("the command is not running; nothing to signal");
            return Route::Unreachable;
        };
        let container = state.container.clone();
        match local_process(state.pid, &container) {
            Some(Local {
                pidfd: Some(pidfd), ..
            }) => {
                info!(pid = state.pid, "signals go through a pidfd");
                Route::Pidfd(pidfd)
            }
            Some(Local {
                ns_pid: Some(ns_pid),
                ..
            }) => {
                info!(ns_pid, "signals go through a second exec, by pid");
                Route::Exec {
                    container,
                    target: InContainer::Pid(ns_pid),
                }
            }
            _ if !state.command.is_empty() => {
                info!("signals go through a second exec, by command line");
                Route::Exec {
                    container,
                    target: InContainer::Command(state.command),
                }
            }
            _ => {
                self.unreachable_once("the engine does not say which command runs");
                Route::Unreachable
            }
        }
    }

    async fn kill_by_exec(
        &self,
        container: &str,
        target: &InContainer,
        signal: i32,
        missing_is_news: bool,
    ) -> bool {
        let Some(name) = signal_name(signal) else {
            return false;
        };
        let mut cmd = vec!["sh".to_owned(), "-c".to_owned()];
        match target {
            InContainer::Pid(pid) => {
                cmd.extend(["kill -s \"$1\" \"$2\"", "sh", name].map(str::to_owned));
                cmd.push(pid.to_string());
            }
            InContainer::Command(command) => {
                cmd.extend([FIND_AND_KILL, "sh", name].map(str::to_owned));
                cmd.extend(command.iter().cloned());
            }
        }
        let body = ExecConfig {
            attach_stdout: Some(false),
            attach_stderr: Some(false),
            cmd: Some(cmd),
            // Root in the container may signal whatever user the command runs as.
            user: Some("0".to_owned()),
            ..Default::default()
        };
        let api = self.client.api();
        let id = match api.create_exec(container, body).await {
            Ok(created) => created.id,
            Err(error) => {
                self.unreachable_once(&format!(
                    "a second exec cannot be created: {}",
                    crate::error::Error::from(error)
                ));
                return false;
            }
        };
        let start = json!({ "Detach": true, "Tty": false });
        if let Err(error) = self
            .client
            .request(
                hyper::Method::POST,
                &format!("/exec/{id}/start"),
                Some(start),
            )
            .await
        {
            debug!(%error, "starting the kill exec failed");
            return false;
        }
        for attempt in 0..100u64 {
            match api.inspect_exec(&id).await {
                Ok(info) if info.running == Some(false) => {
                    let code = info.exit_code.unwrap_or(-1);
                    if code != 0 {
                        let why = match code {
                            3 => "several processes in the container match the command".to_owned(),
                            4 => "the command's process is not found in the container".to_owned(),
                            127 => "the container has no sh to run kill".to_owned(),
                            other => format!("kill in the container failed with status {other}"),
                        };
                        debug!(signal, code, "signal not delivered: {why}");
                        if code != 4 || missing_is_news {
                            self.unreachable_once(&why);
                        }
                    }
                    return code == 0;
                }
                Ok(_) => {}
                Err(error) => {
                    debug!(%error, "inspecting the kill exec failed");
                    return false;
                }
            }
            tokio::time::sleep(Duration::from_millis(2 + 2 * attempt.min(25))).await;
        }
        false
    }
}

/// A process found in this machine's `/proc`, checked to belong to the container.
struct Local {
    /// `None` when the process may not be signalled from here.
    pidfd: Option<OwnedFd>,
    /// Its pid inside the container.
    ns_pid: Option<i32>,
}

/// Opens a pidfd for `pid` and checks it is the container's process; `None`
/// when this machine's `/proc` does not show it (a remote engine, another
/// pid namespace).
fn local_process(pid: i32, container: &str) -> Option<Local> {
    if container.is_empty() {
        return None;
    }
    // Opened first: from here the descriptor names one process, whatever
    // happens to the pid number.
    let pidfd = pidfd_open(pid).ok();
    let cgroup = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    if !cgroup.contains(container) {
        debug!(pid, "the engine's pid is not the container's here");
        return None;
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let ns_pid = innermost_pid(&status);
    // Still alive after the reads, so they were of the pidfd's process.
    let pidfd = pidfd.filter(|fd| pidfd_send_signal(fd, 0).is_ok() && !pidfd_exited(fd));
    Some(Local { pidfd, ns_pid })
}

/// The last pid of the `NSpid` line of `/proc/PID/status`: the pid inside
/// the process's own (innermost) namespace.
fn innermost_pid(status: &str) -> Option<i32> {
    let line = status.lines().find_map(|l| l.strip_prefix("NSpid:"))?;
    line.split_whitespace().last()?.parse().ok()
}

/// The name `kill -s` takes, for the signals dpty passes on.
fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        libc::SIGHUP => "HUP",
        libc::SIGINT => "INT",
        libc::SIGQUIT => "QUIT",
        libc::SIGKILL => "KILL",
        libc::SIGUSR1 => "USR1",
        libc::SIGUSR2 => "USR2",
        libc::SIGTERM => "TERM",
        libc::SIGWINCH => "WINCH",
        _ => return None,
    })
}

/// Run by `sh -c` in the container with the signal name and the exec's
/// command line: signals the one process whose parent is outside the
/// container (PPid 0, as for every exec) and whose command line is that one.
/// Exits 3 when several match, 4 when none does.
const FIND_AND_KILL: &str = r#"s=$1; shift; w=$(printf '%s\n' "$@"); f=
for d in /proc/[0-9]*; do
  p=${d#/proc/}
  [ "$p" = 1 ] || [ "$p" = $$ ] && continue
  grep -q '^PPid:[[:space:]]*0$' "$d/status" 2>/dev/null || continue
  [ "$(tr '\0' '\n' < "$d/cmdline" 2>/dev/null)" = "$w" ] || continue
  [ -n "$f" ] && exit 3
  f=$p
done
[ -n "$f" ] || exit 4
kill -s "$s" "$f""#;

fn pidfd_open(pid: i32) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let fd = i32::try_from(fd).map_err(|_| std::io::Error::from(std::io::ErrorKind::Other))?;
    // SAFETY: the kernel just returned this descriptor and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn pidfd_send_signal(fd: &OwnedFd, signal: i32) -> std::io::Result<()> {
    // SAFETY: a valid pidfd, a signal number, no siginfo, no flags.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            fd.as_raw_fd(),
            signal,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    match rc {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// A pidfd polls readable once its process has ended.
fn pidfd_exited(fd: &OwnedFd) -> bool {
    let mut poll = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no waiting.
    let rc = unsafe { libc::poll(&mut poll, 1, 0) };
    rc > 0 && poll.revents & libc::POLLIN != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_pid_is_the_last_of_nspid() {
        let cases = [
            ("Name:\tsh\nNSpid:\t18190\t14\nNSgid:\t1\n", Some(14)),
            ("NSpid:\t42\n", Some(42)),
            ("NSpid:\t1\t2\t3\n", Some(3)),
            ("Name:\tsh\n", None),
            ("NSpid:\t\n", None),
            ("NSpid:\tx\n", None),
        ];
        for (status, want) in cases {
            assert_eq!(innermost_pid(status), want, "{status:?}");
        }
    }

    #[test]
    fn every_forwarded_signal_has_a_name() {
        use signal_hook::consts::signal::*;
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGKILL] {
            assert!(signal_name(signal).is_some(), "{signal}");
        }
        assert_eq!(signal_name(0), None);
    }

    #[test]
    fn own_process_is_found_through_proc_but_is_in_no_container() {
        let me = i32::try_from(std::process::id()).unwrap();
        assert!(local_process(me, "no-such-container-id").is_none());
        assert!(local_process(me, "").is_none());
    }

    #[test]
    fn pidfd_of_a_live_child_signals_and_sees_its_exit() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = i32::try_from(child.id()).unwrap();
        let fd = pidfd_open(pid).unwrap();
        assert!(!pidfd_exited(&fd));
        pidfd_send_signal(&fd, libc::SIGTERM).unwrap();
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGTERM));
        assert!(pidfd_exited(&fd));
    }
}
