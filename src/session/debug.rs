//! A debug session, as a target: a shell (or a command) that sees a
//! container as its own, even one that has no shell, running or not, and
//! that leaves nothing behind. `docker exec` needs a shell in the image and
//! a running container; slim images have neither to offer.
//!
//! A running target is joined live: a helper container from a toolbox image
//! shares its pid and network namespaces (IPC and UTS where the engine
//! allows it), and the session's shell is chrooted into the target's root
//! through `/proc/PID/root`, reaching the toolbox's own binaries through the
//! helper's `/proc/PID/root`: nothing is written into the target, so
//! read-only targets work too. A target that is not running is committed to
//! an image and a copy of it is run, with its environment, working
//! directory, hostname and volumes, and the toolbox put in through the
//! archive API.
//!
//! Either way the helper's (or the copy's) main process is a watchdog that
//! reads a stdin only this process holds open: when that connection closes,
//! however this process ended, SIGKILL included, it ends what the session
//! started there and exits, and the engine removes the container
//! (auto-remove). Everything made carries the label `dpty.debug`, so that
//! [`Client::remove_debug_leftovers`] finds what a crash of the engine left.
//! The exec into the helper is an ordinary [`ExecTarget`]; what is new here
//! is the set-up, the end of the session when the target or the helper
//! ends, and the clean-up.

use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context as _;
use bollard::models::ContainerInspectResponse;
use bytes::Bytes;
use hyper::Method;
use serde_json::json;
use tracing::{debug, info};

use super::exec::ExecTarget;
use super::{Found, SessionEnd};
use crate::docker::ops::{self, ExecSpec, ExitWait, Process};
use crate::docker::{query_escape, read_json, ApiError, Client, Hijacked};
use crate::error::{mark, start_failure_kind, ErrorKind};
use crate::pump::{self, Controls, LocalSide, SignalSource, Size};

/// The label every container and image a debug session makes carries; its
/// value says which part it is (`helper`, `copy`, `toolbox`, `snapshot`).
pub const DEBUG_LABEL: &str = "dpty.debug";

/// The label naming the debugged container's id.
const TARGET_LABEL: &str = "dpty.debug.target";

/// Where the toolbox goes in a snapshot copy.
const TOOLBOX_DIR: &str = "/.dpty";

/// The PATH a process gets when its image sets none, as the engines give it.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The helper's main process, run from the environment variable
/// [`WATCHDOG_VAR`] so that `ps` in the session shows a short line. It
/// reads a stdin that only this process's attach holds open, so its end
/// means that this process has gone, however it went. It then kills the
/// processes of its own cgroup, which are the session's: in a pid namespace
/// shared with the target, Podman leaves them running when the main process
/// ends (Docker kills them), and the container would never be removed.
const WATCHDOG: &str = r#"unset DPTY_WATCHDOG
while read -r _; do :; done
cg() { c=; while read -r l; do c="$c$l;"; done <"$1"; }
cg /proc/$$/cgroup
me=$c
for _ in 1 2 3; do
    for d in /proc/[0-9]*; do
        [ "$d" = "/proc/$$" ] && continue
        cg "$d/cgroup" 2>/dev/null && [ "$c" = "$me" ] && kill -9 "${d#/proc/}" 2>/dev/null
    done
done
exit 0"#;

/// The variable that holds [`WATCHDOG`] in the helper's environment.
const WATCHDOG_VAR: &str = "DPTY_WATCHDOG";

/// The helper's entrypoint: the watchdog, named in `ps`.
fn watchdog_entrypoint(shell: &str) -> serde_json::Value {
    json!([
        shell,
        "-c",
        format!("eval \"${WATCHDOG_VAR}\""),
        "dpty-watchdog"
    ])
}

/// The variables that hold [`LIVE`] and [`LIVE_INNER`] in the exec's
/// environment, which the scripts take out again.
const LIVE_VAR: &str = "DPTY_LIVE";
const INNER_VAR: &str = "DPTY_INNER";

/// The live session's first process, in the helper's root, as root: finds
/// the target's process ($1: a pid, or `cgroup:ID` for a target that shares
/// another container's pid namespace), checks that its root can be entered
/// and that the toolbox's shell runs there, then runs [`LIVE_INNER`]
/// chrooted into it with the workdir ($2), the user ($3) and the command
/// (the rest).
/// `S` is this shell's own root, the toolbox's, reached through `/proc`;
/// the trailing `exit` keeps the shell from exec'ing chroot, which would
/// take `/proc/$$` away. A user other than root cannot follow a root
/// process's `/proc/PID/root`: the toolbox's `bin` is then handed down as
/// an open descriptor instead.
const LIVE: &str = r#"S=/proc/$$/root
I=$DPTY_INNER
unset DPTY_LIVE DPTY_INNER DPTY_WATCHDOG
case $1 in
cgroup:*)
    P=
    for d in /proc/[0-9]*; do
        while read -r l; do
            case $l in *"${1#cgroup:}"*) P=${d#/proc/}; break 2 ;; esac
        done <"$d/cgroup"
    done 2>/dev/null ;;
*) P=$1 ;;
esac
R=/proc/$P/root W=$2 U=$3
shift 3
if ! [ -e "$R/." ]; then
    echo "dpty: cannot enter the container's root at /proc/$P/root: if its process runs as another user, add --cap-add SYS_PTRACE" >&2
    exit 125
fi
if ! command -v chroot >/dev/null; then
    echo "dpty: the toolbox has no chroot: choose another with --image (such as busybox:musl)" >&2
    exit 125
fi
if ! chroot "$R" "$S/bin/sh" -c : 2>/dev/null; then
    echo "dpty: the toolbox's /bin/sh cannot run inside the container's root: choose a statically linked toolbox with --image (such as busybox:musl)" >&2
    exit 125
fi
if [ -n "$U" ]; then
    exec 9<"$S/bin" || exit 125
    B=/proc/self/fd/9
    PATH=${PATH:+$PATH:}$B
else
    B=$S/bin
    PATH=${PATH:+$PATH:}$S/usr/local/sbin:$S/usr/local/bin:$S/usr/sbin:$S/usr/bin:$S/sbin:$S/bin
fi
export PATH
[ $# -gt 0 ] || set -- "$B/sh"
chroot "$R" "$S/bin/sh" -c "$I" sh "$W" "$U" "$B" "$@"
exit $?"#;

/// The live session's second process, inside the target's root, as root:
/// into the working directory, then the command, as the user if one was
/// asked for: `su` takes a name from the target's own /etc/passwd, where a
/// uid is looked up first (a group given after `:` is the user's own).
const LIVE_INNER: &str = r#"cd -- "$1" || exit 126
U=${2%%:*} B=$3
shift 3
[ -z "$U" ] && exec "$@"
case $U in
*[!0-9]*) ;;
*)
    while IFS=: read -r n _ id _; do
        [ "$id" = "$U" ] && U=$n && break
    done </etc/passwd 2>/dev/null
    case $U in *[!0-9]*) ;; *)
        echo "dpty: no user $U in the container's /etc/passwd: a live session can only be run as a user it names (add --copy for any other)" >&2
        exit 125 ;;
    esac ;;
esac
exec su -m -s "$B/sh" -c 'exec "$@"' -- "$U" sh "$@""#;

/// What [`Session::debug`](super::Session::debug) debugs with.
///
/// ```
/// let mut options = dpty::DebugOptions::new("busybox:musl");
/// options.process.argv = vec!["ps".into()];
/// options.cap_add.push("NET_ADMIN".into());
/// assert!(!options.copy);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugOptions {
    /// The toolbox image, whose `/bin/sh` and tools the session runs. It
    /// runs inside the target's root, so it must be statically linked.
    pub toolbox: String,
    /// The command (none: the toolbox's shell), the environment added to
    /// the target's, the user (root by default), the working directory
    /// (the target's by default) and extended privileges.
    pub process: Process,
    /// Capabilities the session gets besides the engine's defaults.
    pub cap_add: Vec<String>,
    /// Debug a snapshot copy even of a running target.
    pub copy: bool,
    /// The network mode of a snapshot copy (`none` by default). A live
    /// session has the target's network.
    pub network: Option<String>,
    /// Say nothing about the set-up (which namespaces were joined, that a
    /// copy is debugged); how the target ended is said all the same.
    pub quiet: bool,
}

impl DebugOptions {
    /// Checks that `container` exists and that these options fit it (a
    /// network is only for a copy), before anything slow or lasting is done
    /// for it, such as pulling the toolbox; [`Session::debug`](super::Session::debug)
    /// checks the same as it starts.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let options = dpty::DebugOptions::new("busybox:musl");
    /// options.check(&client, "web").await?;
    /// # Ok(()) }
    /// ```
    pub async fn check(&self, client: &Client, container: &str) -> crate::error::Result<()> {
        target_of(client, container, self).await?;
        Ok(())
    }

    /// The toolbox's shell, as root, with the rest as the target has it.
    pub fn new(toolbox: impl Into<String>) -> DebugOptions {
        DebugOptions {
            toolbox: toolbox.into(),
            process: Process::default(),
            cap_add: Vec::new(),
            copy: false,
            network: None,
            quiet: false,
        }
    }
}

/// What [`Client::remove_debug_leftovers`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebugLeftovers {
    /// The containers' ids.
    pub containers: Vec<String>,
    /// The images' ids.
    pub images: Vec<String>,
}

impl Client {
    /// Removes what debug sessions left behind when the engine went away in
    /// the middle (their own clean-up, and their watchdog's, cover every
    /// other way out): every container labelled `dpty.debug` that is not
    /// running (or, created in the last minute, being set up), and every
    /// image so labelled that no container uses.
    ///
    /// ```no_run
    /// # async fn demo(client: dpty::Client) -> dpty::Result<()> {
    /// let removed = client.remove_debug_leftovers().await?;
    /// println!("{} containers, {} images", removed.containers.len(), removed.images.len());
    /// # Ok(()) }
    /// ```
    pub async fn remove_debug_leftovers(&self) -> crate::error::Result<DebugLeftovers> {
        let mut removed = DebugLeftovers::default();
        let now = seconds_since_epoch();
        for container in ops::labelled(self, "containers", DEBUG_LABEL).await? {
            // A session being set up has a container that has not started yet.
            let setting_up =
                container.state == "created" && now - container.created <= LEFT_BEHIND_AFTER_SECS;
            if container.state == "running" || setting_up {
                continue;
            }
            if remove_container(self, &container.id).await {
                removed.containers.push(container.id);
            }
        }
        for image in ops::labelled(self, "images", DEBUG_LABEL).await? {
            match ops::remove_image(self, &image.id, false).await {
                Ok(()) => removed.images.push(image.id),
                Err(error) => debug!(%error, id = image.id, "keeping the image"),
            }
        }
        Ok(removed)
    }
}

/// What a debug session made, to be removed however it ends, and what the
/// session needs from its set-up.
#[derive(Default)]
pub(super) struct State {
    made: Mutex<Made>,
}

#[derive(Default)]
struct Made {
    /// Containers to remove, by name or id, in the order they were made.
    containers: Vec<String>,
    /// Images to remove once the containers are gone.
    images: Vec<String>,
    /// The watchdog's stdin: dropping it ends the helper.
    watchdog: Option<Hijacked>,
    /// What the session watches and reports.
    watched: Option<Watched>,
    /// What to tell the user once the set-up is done.
    notes: Vec<String>,
}

/// The target of a live session, watched for its end.
struct Watched {
    id: String,
    name: String,
    /// When it started, to tell a restart from a process that still runs.
    started_at: Option<String>,
    exit_wait: Option<ExitWait>,
}

impl State {
    fn with<T>(&self, f: impl FnOnce(&mut Made) -> T) -> T {
        f(&mut self.made.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn made_container(&self, name: &str) {
        self.with(|made| made.containers.push(name.to_owned()));
    }

    fn gone_container(&self, name: &str) {
        self.with(|made| made.containers.retain(|c| c != name));
    }

    /// Removes whatever the session made: the watchdog's connection first,
    /// which ends the helper, then the containers, then the images. Waits
    /// until they are gone, so that nothing is left once the run returns.
    pub(super) async fn clean_up(&self, client: &Client) {
        let made = self.with(std::mem::take);
        drop(made.watchdog);
        if let Some(watched) = made.watched {
            if let Some(wait) = watched.exit_wait {
                wait.abort();
            }
        }
        for container in made.containers.iter().rev() {
            remove_container(client, container).await;
        }
        for image in &made.images {
            if let Err(error) = ops::remove_image(client, image, false).await {
                debug!(%error, image, "removing the snapshot failed");
            }
        }
        sweep(client).await;
    }
}

/// Removes a container, running or not, with its anonymous volumes, and
/// waits until it is gone (the engine may be removing it already, as its
/// auto-remove asks); false if it could not be removed.
async fn remove_container(client: &Client, id: &str) -> bool {
    let path = format!("/containers/{}?force=1&v=1", query_escape(id));
    match client.request(Method::DELETE, &path, None).await {
        Ok(_) => return true,
        Err(error) if ApiError::status_of(&error) == Some(404) => return true,
        Err(error) => debug!(%error, id, "removing the container"),
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let path = format!("/containers/{}/json", query_escape(id));
        match client.request(Method::GET, &path, None).await {
            Err(error) if ApiError::status_of(&error) == Some(404) => return true,
            Err(error) if Client::is_gone(&error) => return false,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    false
}

/// A name of its own for a container the session makes, so that it can be
/// removed even when the answer to its create never came.
fn unique_name(part: &str) -> String {
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("dpty-debug-{part}-{:x}{nanos:08x}{n:x}", std::process::id())
}

/// Whether a container's `User` is root (the default when it names none).
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default();
    matches!(name, "" | "0" | "root")
}

/// `base` with `extra` laid over it: a `KEY=value` replaces `base`'s KEY.
fn merge_env(base: &[String], extra: &[String]) -> Vec<String> {
    let key = |entry: &str| entry.split('=').next().unwrap_or_default().to_owned();
    let mut merged: Vec<String> = base.to_vec();
    for entry in extra {
        let name = key(entry);
        merged.retain(|e| key(e) != name);
        merged.push(entry.clone());
    }
    merged
}

/// The value of `name` in an environment.
fn env_value<'e>(env: &'e [String], name: &str) -> Option<&'e str> {
    env.iter()
        .find_map(|e| e.strip_prefix(name)?.strip_prefix('='))
}

/// A tar archive holding one empty directory, `name`, mode 0755: the
/// archive API puts files only into directories that exist.
fn directory_tar(name: &str) -> Bytes {
    let mut header = [0u8; 512];
    let entry = format!("{name}/");
    header[..entry.len()].copy_from_slice(entry.as_bytes());
    let octal = |field: &mut [u8], value: u64| {
        let text = format!("{value:0width$o}\0", width = field.len() - 1);
        field.copy_from_slice(text.as_bytes());
    };
    octal(&mut header[100..108], 0o755);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], 0);
    octal(&mut header[136..148], 0);
    header[156] = b'5';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    // The checksum is taken with its own field as spaces.
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(text.as_bytes());
    let mut tar = header.to_vec();
    tar.resize(512 * 3, 0);
    Bytes::from(tar)
}

/// How a container's state reads in a sentence: "exited with status 42".
fn describe_state(info: &ContainerInspectResponse) -> String {
    let state = info.state.clone().unwrap_or_default();
    let code = state.exit_code.unwrap_or_default();
    if state.restarting == Some(true) {
        return format!("it is restarting, after exiting with status {code}");
    }
    if state.running == Some(true) {
        return String::from("it restarted");
    }
    let oom = match state.oom_killed {
        Some(true) => ", out of memory",
        _ => "",
    };
    match state.status {
        Some(bollard::models::ContainerStateStatusEnum::CREATED) => {
            String::from("it was created and never started")
        }
        _ => format!("it exited with status {code}{oom}"),
    }
}

/// The container's name as the user knows it, without the engine's `/`.
fn display_name(info: &ContainerInspectResponse, asked: &str) -> String {
    info.name
        .as_deref()
        .map(|n| n.trim_start_matches('/').to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| asked.to_owned())
}

/// Creates a container named `name`, noted first so that it is removed
/// however the set-up ends.
async fn create(
    client: &Client,
    state: &State,
    name: &str,
    body: serde_json::Value,
) -> anyhow::Result<()> {
    state.made_container(name);
    let path = format!("/containers/create?name={}", query_escape(name));
    let response = client.request(Method::POST, &path, Some(body)).await?;
    let created: bollard::models::ContainerCreateResponse = read_json(response).await?;
    info!(id = created.id, name, "debug container created");
    Ok(())
}

/// Attaches to the watchdog's stdin, starts the container and keeps the
/// connection for the session: from here on the container ends with us.
async fn start_watched(
    client: &Client,
    state: &State,
    name: &str,
    toolbox: &str,
) -> anyhow::Result<()> {
    let path = format!("/containers/{name}/attach?stream=1&stdin=1&stdout=1&stderr=1");
    let attached = client
        .hijack(&path, None)
        .await
        .map_err(|e| toolbox_failure(e, toolbox))
        .context("attaching to the debug container")?;
    state.with(|made| made.watchdog = Some(attached));
    ops::start_container(client, name)
        .await
        .map_err(|e| toolbox_failure(e, toolbox))
}

/// A container of the toolbox that does not start says so, in words that
/// point at the toolbox rather than at a command the user never gave.
fn toolbox_failure(error: anyhow::Error, toolbox: &str) -> anyhow::Error {
    match start_failure_kind(&format!("{error:#}")) {
        Some(_) => mark(
            error.context(format!(
                "the toolbox image {toolbox} has no /bin/sh that runs here (it must be statically linked): choose another with --image"
            )),
            ErrorKind::Refused,
        ),
        None => error,
    }
}

/// The target as the engine sees it, and whether it runs, once the options
/// are known to fit it.
async fn target_of(
    client: &Client,
    name: &str,
    options: &DebugOptions,
) -> anyhow::Result<(bollard::models::ContainerInspectResponse, bool)> {
    let info = client
        .api()
        .inspect_container(name, None)
        .await
        .map_err(Client::error)?;
    let running = info
        .state
        .as_ref()
        .is_some_and(|s| s.running == Some(true) && s.restarting != Some(true));
    if running && !options.copy && options.network.is_some() {
        return Err(mark(
            anyhow::anyhow!(
                "--net sets the network of a snapshot copy, and {name} is running: add --copy to debug a copy of it"
            ),
            ErrorKind::Refused,
        ));
    }
    Ok((info, running))
}

/// Sets the debug session up, as far as the exec instance of its shell:
/// live for a running target, on a snapshot copy otherwise (or with
/// `copy`). Everything made is noted in `state` as it is made.
#[allow(clippy::too_many_arguments)]
pub(super) async fn prepare(
    client: &Client,
    name: &str,
    options: &DebugOptions,
    state: &State,
    tty: bool,
    stdin: bool,
    size: Option<Size>,
    keys_spec: &str,
) -> anyhow::Result<Found> {
    let (info, running) = target_of(client, name, options).await?;
    let spec = ExecSpec {
        tty,
        stdin,
        attached: true,
        console_size: size.filter(|_| tty),
        detach_keys: Some(keys_spec.to_owned()),
    };
    let (container, process) = match running && !options.copy {
        true => live(client, &info, name, options, state).await?,
        false => snapshot(client, &info, name, options, state).await?,
    };
    let id = ops::create_exec(client, &container, &process, &spec).await?;
    info!(%id, "debug exec created");
    Ok(Found {
        id,
        tty,
        open_stdin: stdin,
        start_after: false,
        exec: true,
    })
}

/// The target's environment as its process has it: its configuration's,
/// with PATH, HOME and HOSTNAME as the engine adds them (HOME as for a
/// user the image's /etc/passwd does not name).
fn target_env(info: &ContainerInspectResponse) -> Vec<String> {
    let config = info.config.clone().unwrap_or_default();
    let mut env = config.env.unwrap_or_default();
    if env_value(&env, "PATH").is_none() {
        env.push(format!("PATH={DEFAULT_PATH}"));
    }
    if env_value(&env, "HOME").is_none() {
        env.push(String::from("HOME=/"));
    }
    if let Some(hostname) = config.hostname.filter(|h| !h.is_empty()) {
        if env_value(&env, "HOSTNAME").is_none() {
            env.push(format!("HOSTNAME={hostname}"));
        }
    }
    env
}

/// The labels of a container or image the session makes.
fn labels(part: &str, target: &str) -> serde_json::Value {
    json!({ DEBUG_LABEL: part, TARGET_LABEL: target })
}

/// Whether `caps` holds `cap`, however it is spelled (`SYS_PTRACE`, `CAP_SYS_PTRACE`).
fn has_cap(caps: &[String], cap: &str) -> bool {
    caps.iter().any(|c| {
        let c = c.to_ascii_uppercase();
        c == "ALL" || c.trim_start_matches("CAP_") == cap
    })
}

/// Makes the helper that joins the running target, and returns it with
/// the process that enters the target's root.
async fn live(
    client: &Client,
    info: &ContainerInspectResponse,
    asked: &str,
    options: &DebugOptions,
    state: &State,
) -> anyhow::Result<(String, Process)> {
    let id = info.id.clone().unwrap_or_else(|| asked.to_owned());
    let name = display_name(info, asked);
    let host = info.host_config.clone().unwrap_or_default();
    let config = info.config.clone().unwrap_or_default();
    let podman = client.is_podman();
    let mut joined = vec!["pid"];
    let mut skipped = Vec::new();
    // A target in the host's pid namespace has the host's pid 1: its own
    // pid is the one to enter. One that shares another container's is
    // found by its cgroup, which names it.
    let (pid_mode, process) = match host.pid_mode.as_deref().unwrap_or_default() {
        "host" => {
            let pid = info.state.as_ref().and_then(|s| s.pid).unwrap_or(0);
            (String::from("host"), pid.to_string())
        }
        mode if mode.starts_with("container:") => {
            (format!("container:{id}"), format!("cgroup:{id}"))
        }
        _ => (format!("container:{id}"), String::from("1")),
    };
    let network_mode = match host.network_mode.as_deref().unwrap_or_default() {
        "host" => String::from("host"),
        mode if mode.starts_with("container:") => mode.to_owned(),
        _ => format!("container:{id}"),
    };
    joined.push("network");
    // Docker refuses to join an IPC namespace that was not made shareable.
    let ipc_mode = match host.ipc_mode.as_deref().unwrap_or_default() {
        "shareable" => Some(format!("container:{id}")),
        "host" => Some(String::from("host")),
        mode if mode.starts_with("container:") => Some(mode.to_owned()),
        mode => {
            let mode = if mode.is_empty() { "private" } else { mode };
            skipped.push(format!(
                "not IPC, which is {mode}: start it with --ipc shareable to share it"
            ));
            None
        }
    };
    if ipc_mode.is_some() {
        joined.push("IPC");
    }
    // Docker ignores a UTS mode of another container; Podman honours it.
    let uts_mode = match (podman, host.uts_mode.as_deref().unwrap_or_default()) {
        (true, "host") => Some(String::from("host")),
        (true, _) => Some(format!("container:{id}")),
        (false, _) => None,
    };
    if uts_mode.is_some() {
        joined.push("UTS");
    }
    // Reading another process's root takes what ptrace takes: the same
    // user and no fewer capabilities, or CAP_SYS_PTRACE.
    let user = config.user.clone().unwrap_or_default();
    let added = host.cap_add.clone().unwrap_or_default();
    let why_ptrace = if !is_root(&user) {
        Some(format!("it runs as {user}"))
    } else if host.privileged == Some(true) {
        Some(String::from("it is privileged"))
    } else if !added.is_empty() {
        Some(format!("it has {} added", added.join(", ")))
    } else {
        None
    };
    let mut caps = options.cap_add.clone();
    let mut extra = String::new();
    if let Some(why) = why_ptrace {
        if !has_cap(&caps, "SYS_PTRACE") && !options.process.privileged {
            caps.push(String::from("SYS_PTRACE"));
            extra = format!("; CAP_SYS_PTRACE added to read its root, as {why}");
        }
    }
    let mut host_config = json!({
        "AutoRemove": true,
        "PidMode": pid_mode,
        "NetworkMode": network_mode,
        "CapAdd": caps,
        "Privileged": options.process.privileged,
    });
    if let Some(ipc) = ipc_mode {
        host_config["IpcMode"] = json!(ipc);
    }
    if let Some(uts) = uts_mode {
        host_config["UTSMode"] = json!(uts);
    }
    let body = json!({
        "Image": options.toolbox,
        "Entrypoint": watchdog_entrypoint("/bin/sh"),
        "Env": [format!("{WATCHDOG_VAR}={WATCHDOG}")],
        "User": "0",
        "OpenStdin": true,
        "StdinOnce": true,
        "AttachStdin": true,
        "AttachStdout": true,
        "AttachStderr": true,
        "Labels": labels("helper", &id),
        "HostConfig": host_config,
    });
    let helper = unique_name("helper");
    create(client, state, &helper, body)
        .await
        .context("creating the debug container")?;
    // Registered before the start, so that no end of the target is missed.
    let exit_wait = ops::wait_next_exit(client, &id).await?;
    let started_at = info.state.as_ref().and_then(|s| s.started_at.clone());
    state.with(|made| {
        made.watched = Some(Watched {
            id: id.clone(),
            name: name.clone(),
            started_at,
            exit_wait: Some(exit_wait),
        })
    });
    start_watched(client, state, &helper, &options.toolbox).await?;

    let skipped = match skipped.is_empty() {
        true => String::new(),
        false => format!(" ({})", skipped.join("; ")),
    };
    let joined = match joined.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    state.with(|made| {
        if options.quiet {
            return;
        }
        made.notes.push(format!(
            "debugging {name} live with {}: joined its {joined} namespaces{skipped}; / is its root, and nothing is written into it{extra}",
            options.toolbox,
        ))
    });

    // The user's environment over the target's; no shell history written
    // into the target's HOME.
    let mut env = target_env(info);
    if env_value(&options.process.env, "HISTFILE").is_none() {
        env.push(String::from("HISTFILE=/dev/null"));
    }
    let mut env = merge_env(&env, &options.process.env);
    env.push(format!("{LIVE_VAR}={LIVE}"));
    env.push(format!("{INNER_VAR}={LIVE_INNER}"));
    let workdir = options
        .process
        .workdir
        .clone()
        .or(config.working_dir)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| String::from("/"));
    let user = options.process.user.clone().unwrap_or_default();
    let mut argv = vec![
        String::from("/bin/sh"),
        String::from("-c"),
        format!("eval \"${LIVE_VAR}\""),
        String::from("dpty-debug"),
        process,
        workdir,
        user,
    ];
    argv.extend(options.process.argv.iter().cloned());
    let process = Process {
        argv,
        env,
        user: Some(String::from("0")),
        workdir: Some(String::from("/")),
        privileged: options.process.privileged,
    };
    Ok((helper, process))
}

/// Makes a copy of the target from a snapshot of it, with the toolbox put
/// in, and returns it with the process that runs there.
async fn snapshot(
    client: &Client,
    info: &ContainerInspectResponse,
    asked: &str,
    options: &DebugOptions,
    state: &State,
) -> anyhow::Result<(String, Process)> {
    let id = info.id.clone().unwrap_or_else(|| asked.to_owned());
    let name = display_name(info, asked);
    let config = info.config.clone().unwrap_or_default();

    // The toolbox's files come from a container of its image that never runs.
    let toolbox = unique_name("toolbox");
    let body = json!({
        "Image": options.toolbox,
        "Entrypoint": ["/bin/sh"],
        "Labels": labels("toolbox", &id),
        "HostConfig": { "NetworkMode": "none" },
    });
    create(client, state, &toolbox, body)
        .await
        .context("creating a container of the toolbox image")?;

    let image = ops::commit(
        client,
        &id,
        &[
            format!("LABEL {DEBUG_LABEL}=snapshot"),
            format!("LABEL {TARGET_LABEL}={id}"),
        ],
    )
    .await
    .with_context(|| format!("taking a snapshot of {name}"))?;
    state.with(|made| made.images.push(image.clone()));

    let env = target_env(info);
    let path = env_value(&env, "PATH").unwrap_or(DEFAULT_PATH).to_owned();
    let tools = [
        "usr/local/sbin",
        "usr/local/bin",
        "usr/sbin",
        "usr/bin",
        "sbin",
        "bin",
    ]
    .map(|dir| format!("{TOOLBOX_DIR}/{dir}"))
    .join(":");
    let env = merge_env(&env, &[format!("PATH={path}:{tools}")]);
    let hostname = config.hostname.clone().unwrap_or_default();
    let network = options
        .network
        .clone()
        .unwrap_or_else(|| String::from("none"));
    let mut body = json!({
        "Image": image,
        "Entrypoint": watchdog_entrypoint(&format!("{TOOLBOX_DIR}/bin/sh")),
        "Env": merge_env(&env, &[format!("{WATCHDOG_VAR}={WATCHDOG}")]),
        "User": "0",
        "OpenStdin": true,
        "StdinOnce": true,
        "AttachStdin": true,
        "AttachStdout": true,
        "AttachStderr": true,
        "Labels": labels("copy", &id),
        "HostConfig": {
            "AutoRemove": true,
            "VolumesFrom": [id],
            "NetworkMode": network,
            "CapAdd": options.cap_add,
            "Privileged": options.process.privileged,
        },
    });
    if let Some(workdir) = config.working_dir.clone().filter(|w| !w.is_empty()) {
        body["WorkingDir"] = json!(workdir);
    }
    if !hostname.is_empty() && !network.starts_with("container:") && network != "host" {
        body["Hostname"] = json!(hostname);
    }
    let copy = unique_name("copy");
    create(client, state, &copy, body)
        .await
        .context("creating the copy")?;
    // Docker lets the image go while a container that has not started uses
    // it, which keeps its layers until it goes itself: nothing is then left
    // even if this process is killed. Podman would remove the copy with it.
    if !client.is_podman() {
        match ops::remove_image(client, &image, true).await {
            Ok(()) => state.with(|made| made.images.retain(|i| *i != image)),
            Err(error) => debug!(%error, "the snapshot stays until the end"),
        }
    }

    let dir = TOOLBOX_DIR.trim_start_matches('/');
    ops::put_archive(client, &copy, "/", directory_tar(dir))
        .await
        .context("making the toolbox's directory in the copy")?;
    ops::copy_between(client, &toolbox, "/", &copy, TOOLBOX_DIR)
        .await
        .context("putting the toolbox into the copy")?;
    if remove_container(client, &toolbox).await {
        state.gone_container(&toolbox);
    }
    start_watched(client, state, &copy, &options.toolbox).await?;

    let how = describe_state(info);
    let how = how.trim_start_matches("it ");
    let network = options.network.as_deref().unwrap_or("none");
    state.with(|made| {
        if options.quiet {
            return;
        }
        made.notes.push(format!(
            "{name} is not running ({how}): debugging a copy made from a snapshot of it, with its volumes and network {network}; changes to its files are discarded, but writes to its volumes are real"
        ))
    });

    // The watchdog's script is taken out of the environment the command
    // inherits from the copy.
    let shell = format!("{TOOLBOX_DIR}/bin/sh");
    let mut argv = vec![
        shell.clone(),
        String::from("-c"),
        format!("unset {WATCHDOG_VAR}; exec \"$@\""),
        String::from("dpty-debug"),
    ];
    match options.process.argv.is_empty() {
        true => argv.push(shell),
        false => argv.extend(options.process.argv.iter().cloned()),
    }
    let process = Process {
        argv,
        env: options.process.env.clone(),
        user: Some(
            options
                .process
                .user
                .clone()
                .unwrap_or_else(|| String::from("0")),
        ),
        workdir: options.process.workdir.clone(),
        privileged: options.process.privileged,
    };
    Ok((copy, process))
}

/// How long a set-up may take before what it made counts as left behind by
/// a set-up that was killed.
const LEFT_BEHIND_AFTER_SECS: i64 = 60;

fn seconds_since_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Removes what earlier sessions killed during their set-up left (their
/// watchdog covers them from their start on): containers that were created
/// and never started, and snapshots that no container uses (Podman keeps a
/// snapshot as long as its copy), once they are old enough not to belong to
/// a set-up under way. Best effort.
async fn sweep(client: &Client) {
    let now = seconds_since_epoch();
    let old = |created: i64| now - created > LEFT_BEHIND_AFTER_SECS;
    match ops::labelled(client, "containers", DEBUG_LABEL).await {
        Ok(containers) => {
            for container in containers {
                if container.state == "created" && old(container.created) {
                    remove_container(client, &container.id).await;
                }
            }
        }
        Err(error) => debug!(%error, "listing earlier debug containers"),
    }
    match ops::labelled(client, "images", DEBUG_LABEL).await {
        Ok(images) => {
            for image in images.into_iter().filter(|i| old(i.created)) {
                if let Err(error) = ops::remove_image(client, &image.id, false).await {
                    debug!(%error, id = image.id, "an earlier snapshot stays");
                }
            }
        }
        Err(error) => debug!(%error, "listing earlier snapshots"),
    }
}

/// Runs the debug session: the exec made by [`prepare`], joined as any
/// exec is, until it ends, or until the helper or the live target ends
/// (Docker may then never close the exec's stream). A target that ended is
/// reported and the session's status is 137, as an exec's is when its
/// container is killed, whatever the engine says of the exec.
pub(super) async fn join(
    state: &State,
    mut exec: ExecTarget<'_>,
    settings: pump::Settings,
    controls: Controls,
    local: LocalSide,
    signals: Option<&mut SignalSource>,
    forward: bool,
) -> anyhow::Result<SessionEnd> {
    let (client, notices) = (exec.client, exec.notices.clone());
    let (mut watchdog, watched, notes) = state.with(|made| {
        let notes = std::mem::take(&mut made.notes);
        (made.watchdog.take(), made.watched.take(), notes)
    });
    for note in notes {
        notices(&note);
    }
    let (watched, mut exit_wait) = match watched {
        Some(mut watched) => {
            let wait = watched.exit_wait.take();
            (Some(watched), wait)
        }
        None => (None, None),
    };
    // The helper's end ends the command: nothing is to be hung up.
    exec.leave_running = true;
    let session = super::join(exec, settings, controls, local, signals, forward);
    // Waits for:
    // - the session, which ends as an exec's does;
    // - the watchdog's stream, which ends with the helper's main process;
    // - the live target's exit.
    let outcome = {
        let helper_ended = async {
            match watchdog.as_mut() {
                Some(attached) => {
                    let _ = tokio::io::copy(&mut attached.conn, &mut tokio::io::sink()).await;
                }
                None => std::future::pending().await,
            }
        };
        let target_ended = async {
            match exit_wait.as_mut() {
                Some(wait) => {
                    let _ = wait.await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            outcome = session => Some(outcome),
            () = helper_ended => None,
            () = target_ended => None,
        }
    };
    let (exited, failed) = match outcome {
        Some(Ok(SessionEnd::Exited(status))) => (Some(status), None),
        Some(Ok(other)) => return Ok(other),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    // A command that ended by itself needs no wait; an end that came from
    // elsewhere (the helper gone, the command killed, its status lost with
    // the helper) may come before the engine has seen the target end.
    let grace = !matches!(exited, Some(status) if status != KILLED);
    let ended = match &watched {
        Some(watched) => target_ended(client, watched, exit_wait, grace).await,
        None => None,
    };
    match (ended, exited, failed) {
        (Some(how), _, _) => {
            let name = watched
                .as_ref()
                .map_or("the container", |w| w.name.as_str());
            notices(&format!("{name} ended during the session: {how}"));
            Ok(SessionEnd::Exited(KILLED))
        }
        (None, Some(status), _) => Ok(SessionEnd::Exited(status)),
        (None, None, Some(error)) => Err(error),
        (None, None, None) => {
            notices("the debug container ended during the session");
            Ok(SessionEnd::Exited(KILLED))
        }
    }
}

/// The status of an exec whose container was killed: 128 + SIGKILL.
const KILLED: i64 = 137;

/// How long the engine may take to see the target end after what the
/// target's end did to the session (Podman closes the helper's streams
/// first).
const TARGET_END_GRACE: Duration = Duration::from_secs(2);

/// Whether the live target ended (or restarted) during the session, and
/// how, as its state says. With `grace`, the engine is given a moment to
/// see the end (Podman closes the helper's streams first, and answers an
/// inspect with an error meanwhile).
async fn target_ended(
    client: &Client,
    watched: &Watched,
    exit_wait: Option<ExitWait>,
    grace: bool,
) -> Option<String> {
    if let Some(wait) = exit_wait {
        wait.abort();
    }
    let deadline = tokio::time::Instant::now() + TARGET_END_GRACE;
    loop {
        match client.api().inspect_container(&watched.id, None).await {
            Ok(info) => {
                let state = info.state.clone().unwrap_or_default();
                let same_run = state.running == Some(true)
                    && state.restarting != Some(true)
                    && state.started_at == watched.started_at;
                if !same_run {
                    return Some(describe_state(&info));
                }
            }
            Err(error) => {
                let error = Client::error(error);
                if ApiError::status_of(&error) == Some(404) {
                    return Some(String::from("it was removed"));
                }
                debug!(%error, "cannot tell yet whether the target still runs");
            }
        }
        if !grace || tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_other_than_root_are_told_apart() {
        for root in ["", "0", "root", "0:0", "root:wheel"] {
            assert!(is_root(root), "{root}");
        }
        for other in ["1000", "nobody", "1000:0", "rootless"] {
            assert!(!is_root(other), "{other}");
        }
    }

    #[test]
    fn the_user_s_environment_lies_over_the_target_s() {
        let base = ["PATH=/bin", "A=1", "B=2"].map(String::from);
        let extra = ["A=3", "C=4"].map(String::from);
        assert_eq!(merge_env(&base, &extra), ["PATH=/bin", "B=2", "A=3", "C=4"]);
        assert_eq!(env_value(&base, "A"), Some("1"));
        assert_eq!(env_value(&base, "PAT"), None);
    }

    #[test]
    fn capabilities_are_found_however_spelled() {
        let caps = ["cap_sys_ptrace".to_owned()];
        assert!(has_cap(&caps, "SYS_PTRACE"));
        assert!(has_cap(&["ALL".to_owned()], "SYS_PTRACE"));
        assert!(!has_cap(&["NET_ADMIN".to_owned()], "SYS_PTRACE"));
    }

    #[test]
    fn the_directory_archive_is_a_valid_tar() {
        let tar = directory_tar(".dpty");
        assert_eq!(tar.len(), 1536);
        assert_eq!(&tar[..7], b".dpty/\0");
        assert_eq!(tar[156], b'5');
        let stored = std::str::from_utf8(&tar[148..154]).unwrap();
        let mut header = tar[..512].to_vec();
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        assert_eq!(u32::from_str_radix(stored, 8).unwrap(), sum);
        assert!(tar[512..].iter().all(|&b| b == 0));
    }

    #[test]
    fn names_are_unique_and_valid_container_names() {
        let (a, b) = (unique_name("helper"), unique_name("helper"));
        assert!(a.starts_with("dpty-debug-helper-"), "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_ne!(a, b);
    }

    #[test]
    fn a_state_reads_as_a_sentence() {
        let mut info = ContainerInspectResponse {
            state: Some(bollard::models::ContainerState {
                status: Some(bollard::models::ContainerStateStatusEnum::EXITED),
                running: Some(false),
                exit_code: Some(42),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(describe_state(&info), "it exited with status 42");
        if let Some(state) = info.state.as_mut() {
            state.restarting = Some(true);
        }
        assert_eq!(
            describe_state(&info),
            "it is restarting, after exiting with status 42"
        );
    }
}
