//! Engines at ssh:// addresses, end to end: a private sshd on loopback (`scripts/sshd.sh`, key
//! login only) lets the system's ssh client run `docker system dial-stdio` on this same machine,
//! against the test engine. Over it: an interactive shell with its prompt, size, resizes and exit
//! status; `exec -it`; 20 MiB of stdin and 300000 lines of output intact; a forwarded signal;
//! detaching and attaching again; a pull from the loopback registry; a context the docker CLI made. Each way of failing
//! (host unreachable, key refused, host key unknown, no docker or no engine on the remote side, no
//! ssh at all, a bad URL) gives one line and docker's status, and no ssh process outlives dpty.
//!
//! The ssh client is `scripts/sshd.sh`'s wrapper, put first on PATH, which uses the generated keys
//! and known_hosts and nothing from ~/.ssh; the docker CLI finds the same wrapper in reference runs.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use support::{
    assert_success, code, describe, docker, docker_host, exit_within, first_word, is_docker,
    is_running, local_md5, random_bytes, run_command, send_signal, sleeper, unique_name, wait_for,
    ContainerGuard, Pty, TIMEOUT,
};

/// Installing openssh-server on a fresh machine takes a while.
const SETUP_TIMEOUT: Duration = Duration::from_secs(300);
/// Bulk data through ssh's encryption, on a busy 2-core machine.
const LONG: Duration = Duration::from_secs(120);
const PROMPT: &str = "/ # ";

/// The private sshd: its ports and the directory with its client wrappers.
struct Sshd {
    port: String,
    nodocker_port: String,
    dir: String,
}

/// Starts the private sshd through `scripts/sshd.sh up` once per test binary (the script is
/// idempotent and takes a lock) and reads where it listens.
fn sshd() -> &'static Sshd {
    static SSHD: OnceLock<Sshd> = OnceLock::new();
    SSHD.get_or_init(|| {
        let script = |arg: &str| {
            let mut command = Command::new("bash");
            command
                .args(["scripts/sshd.sh", arg])
                .current_dir(env!("CARGO_MANIFEST_DIR"));
            let out = run_command(command, None, SETUP_TIMEOUT);
            assert_success(&format!("scripts/sshd.sh {arg}"), &out);
            out
        };
        script("up");
        let env = String::from_utf8_lossy(&script("env").stdout).into_owned();
        let value = |key: &str| {
            env.split_whitespace()
                .find_map(|word| word.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("no {key} in `scripts/sshd.sh env`: {env}"))
                .to_owned()
        };
        Sshd {
            port: value("DPTY_SSHD_PORT"),
            nodocker_port: value("DPTY_SSHD_NODOCKER_PORT"),
            dir: value("DPTY_SSHD_DIR"),
        }
    })
}

/// The test engine's socket, which the remote `docker system dial-stdio` connects to.
fn engine_socket() -> String {
    let host = docker_host();
    match host.strip_prefix("unix://") {
        Some(path) => path.to_owned(),
        None => panic!("the ssh tests need a unix:// DOCKER_HOST, not {host}"),
    }
}

/// `ssh://root@127.0.0.1:PORT/path/to/the/engine.sock`.
fn url() -> String {
    url_on(&sshd().port, &engine_socket())
}

fn url_on(port: &str, socket: &str) -> String {
    format!("ssh://root@127.0.0.1:{port}{socket}")
}

/// Which ssh client the binary under test finds first on PATH.
#[derive(Clone, Copy)]
enum Client {
    /// Our key, our known_hosts.
    Good,
    /// A key the sshd does not accept.
    BadKey,
    /// An empty known_hosts.
    UnknownHostKey,
    /// No ssh at all.
    Missing,
}

fn path_for(client: Client) -> String {
    let system = std::env::var("PATH").unwrap_or_default();
    let wrappers = match client {
        Client::Good => "bin",
        Client::BadKey => "bin-badkey",
        Client::UnknownHostKey => "bin-nohostkey",
        Client::Missing => return "/nonexistent-dpty-test".to_owned(),
    };
    format!("{}/{wrappers}:{system}", sshd().dir)
}

/// The binary under test with `DOCKER_HOST` at `url` and the given ssh client.
fn over_ssh(client: Client, url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(support::bin());
    command
        .args(args)
        .env("PATH", path_for(client))
        .env("DOCKER_HOST", url)
        .env_remove("DOCKER_CONTEXT");
    command
}

fn run_over_ssh(args: &[&str], stdin: Option<&[u8]>, timeout: Duration) -> Output {
    run_command(over_ssh(Client::Good, &url(), args), stdin, timeout)
}

/// The binary under test on a terminal with `DOCKER_HOST` at the sshd; as with
/// `Pty::bin_checked`, the terminal settings are printed before and after, for `finish`.
fn pty_over_ssh_checked(args: &[&str], rows: u16, cols: u16) -> Pty {
    let script = r#"stty -g; echo BEFORE-DONE; "$@"; echo "rc=$?"; stty -g; echo AFTER-DONE"#;
    let env = env_prefix();
    let argv: Vec<&str> = ["sh", "-c", script, "sh"]
        .into_iter()
        .chain(env.iter().map(String::as_str))
        .chain(args.iter().copied())
        .collect();
    let mut pty = Pty::spawn(&argv, rows, cols);
    pty.expect("BEFORE-DONE", TIMEOUT);
    pty
}

/// `env PATH=... DOCKER_HOST=ssh://... BINARY`
fn env_prefix() -> Vec<String> {
    vec![
        "env".to_owned(),
        "-u".to_owned(),
        "DOCKER_CONTEXT".to_owned(),
        format!("PATH={}", path_for(Client::Good)),
        format!("DOCKER_HOST={}", url()),
        support::bin(),
    ]
}

/// How long a resize may take to reach the container over ssh.
const RESIZED: Duration = Duration::from_secs(10);

// --- sessions over ssh -----------------------------------------------------------------------

#[test]
fn run_it_over_ssh_prompts_follows_the_size_and_exits_with_the_shells_code() {
    let container = ContainerGuard(unique_name("ssh-run-it"));
    let mut pty = pty_over_ssh_checked(
        &[
            "run",
            "--rm",
            "-it",
            "--network",
            "none",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ],
        24,
        80,
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.expect_size(24, 80, RESIZED);
    pty.resize(30, 100);
    pty.expect_size(30, 100, RESIZED);
    pty.send(b"exit 3\r");
    assert_eq!(pty.finish(TIMEOUT), 3);
}

#[test]
fn exec_it_over_ssh_gives_a_shell_of_the_terminals_size() {
    let container = sleeper("ssh-exec-it");
    let mut pty = pty_over_ssh_checked(&["exec", "-it", container.name(), "sh"], 20, 70);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.expect_size(20, 70, RESIZED);
    pty.resize(25, 90);
    pty.expect_size(25, 90, RESIZED);
    pty.send(b"exit 5\r");
    assert_eq!(pty.finish(TIMEOUT), 5);
    assert!(is_running(container.name()), "the exec ended the container");
}

/// Over ssh the initial resize needs a connection of its own and a round trip; under load a command
/// typed at the first prompt would run before it lands. dpty holds typed input until it has.
#[test]
fn the_first_command_over_ssh_sees_the_terminal_size() {
    const TRIES: usize = 10;
    let container = sleeper("ssh-exec-first");
    let _load = support::load::CpuLoad::start();
    for attempt in 1..=TRIES {
        let mut pty = pty_over_ssh_checked(&["exec", "-it", container.name(), "sh"], 33, 97);
        support::load::first_command_sees_the_size(&mut pty, (33, 97), attempt % 2 == 0, attempt);
        pty.send(b"exit\r");
        assert_eq!(pty.finish(TIMEOUT), 0);
    }
}

#[test]
fn detaching_over_ssh_leaves_the_container_running_and_attach_rejoins_it() {
    let container = ContainerGuard(unique_name("ssh-detach"));
    let mut pty = pty_over_ssh_checked(
        &[
            "run",
            "-it",
            "--network",
            "none",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ],
        24,
        80,
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.send(b"\x10\x11");
    assert_eq!(pty.finish(TIMEOUT), 0, "detaching from `run` exits 0");
    assert!(
        is_running(container.name()),
        "the container stopped when the session detached"
    );

    let mut pty = pty_over_ssh_checked(&["attach", container.name()], 24, 80);
    pty.type_until("echo attached-$((2+2))", "attached-4");
    pty.send(b"exit 4\r");
    assert_eq!(
        pty.finish(TIMEOUT),
        4,
        "attach exits with the container's code"
    );
}

#[test]
fn twenty_mib_of_stdin_pass_over_ssh_intact_and_eof_arrives() {
    let data = random_bytes(10, 20 << 20);
    let out = run_over_ssh(
        &[
            "run",
            "--rm",
            "-i",
            "--network",
            "none",
            "busybox",
            "md5sum",
        ],
        Some(&data),
        LONG,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(
        first_word(&out.stdout),
        local_md5(&data),
        "stdin arrived altered: {}",
        describe(&out)
    );
}

#[test]
fn exec_i_over_ssh_passes_stdin_and_its_end() {
    let container = sleeper("ssh-exec-i");
    let data = random_bytes(11, 1 << 20);
    let out = run_over_ssh(
        &["exec", "-i", container.name(), "md5sum"],
        Some(&data),
        LONG,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(
        first_word(&out.stdout),
        local_md5(&data),
        "{}",
        describe(&out)
    );
}

#[test]
fn three_hundred_thousand_lines_arrive_over_ssh_byte_for_byte() {
    let expected: String = (1..=300_000).map(|n| format!("{n}\n")).collect();
    let out = run_over_ssh(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            "busybox",
            "seq",
            "1",
            "300000",
        ],
        None,
        LONG,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert!(
        out.stdout == expected.as_bytes(),
        "stdout differs from seq's ({} bytes instead of {}): {}",
        out.stdout.len(),
        expected.len(),
        describe(&out)
    );
}

#[test]
fn the_containers_exit_status_comes_back_over_ssh() {
    let out = run_over_ssh(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            "busybox",
            "sh",
            "-c",
            "exit 42",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 42, "{}", describe(&out));
    let out = run_over_ssh(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            "busybox",
            "nosuchcommand",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 127, "{}", describe(&out));
}

#[test]
fn a_missing_image_is_pulled_from_the_loopback_registry_over_ssh() {
    let registry = registry();
    let reference = format!("{registry}/dpty-ssh/busybox:{}", unique_name("pull"));
    let _cleanup = ImageGuard(reference.clone());
    assert_success("tagging", &docker(&["tag", "busybox:latest", &reference]));
    assert_success("pushing", &docker(&["push", &reference]));
    assert_success("untagging", &docker(&["rmi", &reference]));
    let out = run_over_ssh(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            &reference,
            "echo",
            "pulled",
        ],
        None,
        LONG,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"pulled\n", "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("Unable to find image '{reference}' locally")),
        "{}",
        describe(&out)
    );
}

/// Removes an image from the test engine when dropped.
struct ImageGuard(String);

impl Drop for ImageGuard {
    fn drop(&mut self) {
        let _ = docker(&["rmi", "-f", &self.0]);
    }
}

/// The loopback registry's address, started through `scripts/registry.sh up`.
fn registry() -> String {
    let mut command = Command::new("bash");
    command
        .args(["scripts/registry.sh", "up"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let out = run_command(command, None, SETUP_TIMEOUT);
    assert_success("scripts/registry.sh up", &out);
    let port = std::env::var("DPTY_REGISTRY_PORT").unwrap_or_else(|_| "5000".into());
    format!("127.0.0.1:{port}")
}

#[test]
fn a_context_the_docker_cli_made_with_an_ssh_host_is_used() {
    let dir = std::env::temp_dir().join(format!("dpty-ssh-ctx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let _cleanup = DirGuard(dir.clone());
    let out = Command::new("docker")
        .arg("--config")
        .arg(&dir)
        .args(["context", "create", "over-ssh", "--docker"])
        .arg(format!("host={}", url()))
        .env_remove("DOCKER_HOST")
        .output()
        .expect("docker context create");
    assert_success("docker context create", &out);
    let mut command = over_ssh(
        Client::Good,
        "",
        &[
            "--context",
            "over-ssh",
            "run",
            "--rm",
            "--network",
            "none",
            "busybox",
            "echo",
            "via-ssh-context",
        ],
    );
    command.env_remove("DOCKER_HOST").env("DOCKER_CONFIG", &dir);
    let out = run_command(command, None, TIMEOUT);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"via-ssh-context\n", "{}", describe(&out));
}

struct DirGuard(std::path::PathBuf);

impl Drop for DirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn signals_reach_the_container_over_ssh() {
    let container = ContainerGuard(unique_name("ssh-signal"));
    let script = "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 1; done";
    let (mut child, _) = started_with_ssh(&[
        "run",
        "--rm",
        "-i",
        "--network",
        "none",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        script,
    ]);
    send_signal(child.id(), libc::SIGTERM);
    let Some(status) = exit_within(&mut child, TIMEOUT) else {
        let _ = child.kill();
        panic!("the container did not end on the forwarded SIGTERM");
    };
    assert_eq!(status.code(), Some(7), "{status}");
}

// --- failures --------------------------------------------------------------------------------

/// Checks a failure: docker's status, and from dpty one line that contains `says`.
#[track_caller]
fn assert_fails(out: &Output, status: i32, says: &str) {
    assert_eq!(code(out), status, "{}", describe(out));
    if is_docker() {
        return;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(says),
        "expected {says:?}: {}",
        describe(out)
    );
    assert_eq!(stderr.lines().count(), 1, "not one line: {}", describe(out));
}

#[test]
fn each_way_of_failing_to_connect_gives_one_line_and_dockers_status() {
    let socket = engine_socket();
    let good = url();
    let refused = url_on("1", &socket);
    let nodocker = url_on(&sshd().nodocker_port, &socket);
    let no_engine = url_on(&sshd().port, "/nonexistent-dpty-test.sock");
    let run = ["run", "--rm", "--network", "none", "busybox", "true"];
    struct Case<'a> {
        what: &'a str,
        client: Client,
        url: &'a str,
        args: &'a [&'a str],
        status: i32,
        says: &'a str,
    }
    let case = |what, client, url, args, status, says| Case {
        what,
        client,
        url,
        args,
        status,
        says,
    };
    let exec: &[&str] = &["exec", "c", "true"];
    let cases = [
        case(
            "host unreachable",
            Client::Good,
            &refused,
            &run,
            125,
            "Connection refused",
        ),
        case(
            "key refused",
            Client::BadKey,
            &good,
            &run,
            125,
            "Permission denied",
        ),
        case(
            "host key unknown",
            Client::UnknownHostKey,
            &good,
            &run,
            125,
            "Host key verification failed",
        ),
        case(
            "no docker on the remote side",
            Client::Good,
            &nodocker,
            &run,
            125,
            "docker: command not found",
        ),
        case(
            "no engine on the remote side",
            Client::Good,
            &no_engine,
            &run,
            125,
            "nonexistent-dpty-test.sock",
        ),
        case(
            "exec, no engine",
            Client::Good,
            &no_engine,
            exec,
            1,
            "nonexistent-dpty-test.sock",
        ),
        case(
            "no ssh",
            Client::Missing,
            &good,
            &run,
            125,
            "ssh is not installed",
        ),
    ];
    // The docker CLI exits 127 without ssh: its error says "executable file not found", which it
    // takes for the container's command not being found.
    let cases = cases
        .into_iter()
        .filter(|c| !(is_docker() && matches!(c.client, Client::Missing)));
    for Case {
        what,
        client,
        url,
        args,
        status,
        says,
    } in cases
    {
        let out = run_command(over_ssh(client, url, args), None, TIMEOUT);
        eprintln!("{what}: {}", String::from_utf8_lossy(&out.stderr).trim());
        assert_fails(&out, status, says);
    }
}

#[test]
fn bad_ssh_urls_are_refused_as_docker_refuses_them() {
    let cases = [
        (
            "ssh://root:s3cret@127.0.0.1",
            "plain-text password is not supported",
        ),
        ("ssh://127.0.0.1?x=1", "query parameters are not allowed"),
        ("ssh://", "hostname is empty"),
        ("ssh:///var/run/docker.sock", "hostname is empty"),
    ];
    for (url, says) in cases {
        let out = run_command(
            over_ssh(Client::Good, url, &["run", "busybox", "true"]),
            None,
            TIMEOUT,
        );
        assert_fails(&out, 1, says);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("s3cret"),
            "the password was shown: {}",
            describe(&out)
        );
    }
}

// --- no ssh left behind ----------------------------------------------------------------------

/// The ssh processes `pid` started, from /proc (each thread has its own list of children).
fn ssh_children(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
            if comm(child).as_deref() == Some("ssh") {
                found.push(child);
            }
        }
    }
    found
}

fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|c| c.trim().to_owned())
}

/// Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session.
fn stat(pid: u32) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &text[text.rfind(')')? + 2..];
    Some(after_name.split(' ').map(str::to_owned).collect())
}

/// Whether `pid` is still a live ssh (not gone, not a zombie waiting to be reaped).
fn live_ssh(pid: u32) -> bool {
    comm(pid).as_deref() == Some("ssh")
        && stat(pid).is_some_and(|fields| fields.first().map(String::as_str) != Some("Z"))
}

/// Starts the binary under test over ssh running `script` in a container, waits for the line
/// `ready` and returns it with the ssh processes it started, after checking that each runs in
/// a session of its own.
fn started_with_ssh(args: &[&str]) -> (std::process::Child, Vec<u32>) {
    let mut command = over_ssh(Client::Good, &url(), args);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("spawning the binary under test");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).expect("reading its output");
    assert_eq!(line, "ready\n", "the session did not start");
    let ssh = ssh_children(child.id());
    assert!(
        !ssh.is_empty(),
        "no ssh process found under pid {}",
        child.id()
    );
    for &pid in &ssh {
        let fields = stat(pid).unwrap_or_default();
        assert_eq!(
            fields.get(3).map(String::as_str),
            Some(pid.to_string().as_str()),
            "ssh {pid} is not the leader of a session of its own: {fields:?}"
        );
    }
    // Keep the pipe open, so that the session does not end on its own.
    std::mem::forget(stdout);
    (child, ssh)
}

/// Waits up to 10 s for the ssh processes to be gone (a process killed by the kernel for its
/// parent's death may need a moment).
#[track_caller]
fn assert_gone(ssh: &[u32], how: &str) {
    let what = format!("the end of ssh processes {ssh:?} after the binary under test ({how})");
    wait_for(&what, Duration::from_secs(10), || {
        !ssh.iter().any(|&pid| live_ssh(pid))
    });
}

#[test]
fn no_ssh_process_outlives_dpty_however_it_ends() {
    let container = sleeper("ssh-leftovers");
    let session = [
        "exec",
        "-i",
        container.name(),
        "sh",
        "-c",
        "echo ready; cat >/dev/null; echo done",
    ];

    // Ending normally: stdin ends, the command ends, dpty exits.
    let (mut child, ssh) = started_with_ssh(&session);
    child.stdin.take().unwrap().write_all(b"bye\n").unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    if !is_docker() {
        // dpty reaps its ssh processes itself before exiting.
        let left: Vec<u32> = ssh
            .iter()
            .copied()
            .filter(|&p| {
                Path::new(&format!("/proc/{p}")).exists() && comm(p).as_deref() == Some("ssh")
            })
            .collect();
        assert!(
            left.is_empty(),
            "ssh processes {left:?} left after a normal exit"
        );
    }
    assert_gone(&ssh, "normal exit");

    // Ended by a signal it handles.
    let (mut child, ssh) = started_with_ssh(&session);
    // Held open: `wait` would close it, and the command could then end on its own, not by the
    // signal that dpty passes on.
    let stdin = child.stdin.take();
    send_signal(child.id(), libc::SIGTERM);
    let status = child.wait().unwrap();
    drop(stdin);
    // The docker CLI's exec exits 0 here; dpty passes SIGTERM on, and the command's status says so.
    assert!(is_docker() || status.code() == Some(143), "{status}");
    assert_gone(&ssh, "SIGTERM");

    // Killed outright.
    let (mut child, ssh) = started_with_ssh(&session);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_gone(&ssh, "SIGKILL");
}
