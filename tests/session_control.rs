//! Controlling a session from the keyboard and joining it later: the detach keys (default, custom,
//! a broken sequence, a bad spec; `run` exits 0 on detach and leaves the container running, `exec`
//! and `attach` say "read escape sequence" and exit 1), and `attach` to a running container (which
//! takes the terminal's size), to one whose earlier output `--logs` replays, to a created one that
//! attach starts, and to an exec instance made elsewhere. Every session on a terminal leaves its
//! settings as it found them.

mod support;

use std::process::Command;

use support::{
    container_exists, docker, docker_host, is_running, skip_under_docker, sleeper, unique_name,
    ContainerGuard, Pty, TIMEOUT,
};

const PROMPT: &str = "/ # ";

// --- detach keys ----------------------------------------------------------------------------

#[test]
fn ctrl_p_ctrl_q_detaches_run_and_attach_rejoins_the_running_shell() {
    let container = ContainerGuard(unique_name("detach-default"));
    let mut pty = Pty::bin_checked(
        &["run", "-it", "--name", container.name(), "busybox", "sh"],
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

    let mut pty = Pty::bin_checked(&["attach", container.name()], 24, 80);
    pty.type_until("echo attached-$((2+2))", "attached-4");
    pty.send(b"exit 4\r");
    assert_eq!(
        pty.finish(TIMEOUT),
        4,
        "attach exits with the container's code"
    );
}

#[test]
fn detaching_from_run_with_rm_leaves_the_container_running() {
    let container = ContainerGuard(unique_name("detach-rm"));
    let mut pty = Pty::bin_checked(
        &[
            "run",
            "--rm",
            "-it",
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
        "the container was stopped or removed when the session detached"
    );
}

/// A shell script that puts the container's TTY in raw mode, says `ready-for-keys`, then shows the
/// next two bytes it reads in hex.
const SHOW_TWO_BYTES: &str = "stty raw -echo; echo ready-for-keys; head -c 2 | od -An -tx1";

#[test]
fn ctrl_p_then_another_key_reaches_the_container_as_both_bytes() {
    let container = ContainerGuard(unique_name("detach-broken"));
    let mut pty = Pty::bin_checked(
        &[
            "run",
            "--rm",
            "-it",
            "--name",
            container.name(),
            "busybox",
            "sh",
            "-c",
            SHOW_TWO_BYTES,
        ],
        24,
        80,
    );
    pty.expect("ready-for-keys", TIMEOUT);
    // The gap between the keys is what is tested: the ctrl-p must come in a read of its own, be
    // held back as the possible start of the detach sequence, and be let through by the `x`. The
    // client is stopped while the ctrl-p reaches the terminal, so that it is seen waiting there,
    // then let go until it has read it: only then can the `x` not be read together with it.
    let client = support::only_child_of(pty.pid());
    support::send_signal(client, libc::SIGSTOP);
    support::wait_for("the client stopping", TIMEOUT, || {
        support::is_stopped(client)
    });
    pty.send(b"\x10");
    support::wait_for("the ctrl-p reaching the terminal", TIMEOUT, || {
        support::input_queued(client) == 1
    });
    support::send_signal(client, libc::SIGCONT);
    support::wait_for("the client reading the ctrl-p", TIMEOUT, || {
        support::input_queued(client) == 0
    });
    pty.send(b"x");
    pty.expect("10 78", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 0);
}

#[test]
fn custom_detach_keys_detach_and_the_default_ones_reach_the_container() {
    let container = ContainerGuard(unique_name("detach-custom"));
    let script = format!("{SHOW_TWO_BYTES}; echo od-done; exec sleep 600");
    let mut pty = Pty::bin_checked(
        &[
            "run",
            "-it",
            "--detach-keys",
            "ctrl-a,b",
            "--name",
            container.name(),
            "busybox",
            "sh",
            "-c",
            &script,
        ],
        24,
        80,
    );
    pty.expect("ready-for-keys", TIMEOUT);
    pty.send(b"\x10\x11");
    pty.expect("10 11", TIMEOUT);
    pty.expect("od-done", TIMEOUT);
    pty.send(b"\x01b");
    assert_eq!(pty.finish(TIMEOUT), 0, "detaching from `run` exits 0");
    assert!(
        is_running(container.name()),
        "the container stopped when the session detached"
    );
}

#[test]
fn detaching_from_exec_and_attach_says_so_and_exits_1() {
    let target = sleeper("detach-exec");
    let mut pty = Pty::bin_checked(&["exec", "-it", target.name(), "sh"], 24, 80);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.send(b"\x10\x11");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 1, "detaching from `exec` exits 1");

    let container = ContainerGuard(unique_name("detach-attach"));
    let out = docker(&[
        "run",
        "-dit",
        "--network",
        "none",
        "--name",
        container.name(),
        "busybox",
        "sh",
    ]);
    support::assert_success("starting the container", &out);
    let mut pty = Pty::bin_checked(&["attach", container.name()], 24, 80);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.send(b"\x10\x11");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 1, "detaching from `attach` exits 1");
    assert!(
        is_running(container.name()),
        "the container stopped when the session detached"
    );
}

/// Runs the binary under test on a terminal with a bad detach-keys spec and checks that it is
/// refused with `code`, naming `bad_item`.
fn assert_refused(args: &[&str], bad_item: &str, code: Option<i32>) {
    let mut pty = Pty::bin(args, 24, 80);
    let status = pty.wait(TIMEOUT);
    let output = String::from_utf8_lossy(&pty.output()).into_owned();
    match code {
        Some(code) => assert_eq!(status, code, "{args:?}: {output}"),
        None => assert_ne!(status, 0, "{args:?}: {output}"),
    }
    assert!(
        output.contains(bad_item),
        "{args:?}: the message does not name {bad_item:?}: {output}"
    );
}

#[test]
fn a_bad_detach_keys_spec_is_refused_before_anything_is_created() {
    if skip_under_docker(
        "the docker CLI creates the container and lets the engine refuse the keys at attach",
    ) {
        return;
    }
    let container = ContainerGuard(unique_name("detach-invalid"));
    assert_refused(
        &[
            "run",
            "--rm",
            "-it",
            "--detach-keys",
            "ctrl-ä",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ],
        "ctrl-ä",
        // docker's status when the engine refuses the keys (the docker CLI only learns at attach).
        Some(1),
    );
    assert!(
        !container_exists(container.name()),
        "a container was created despite the bad detach keys"
    );

    let target = sleeper("detach-invalid-target");
    assert_refused(
        &[
            "exec",
            "-it",
            "--detach-keys",
            "ctrl-p,shift-q",
            target.name(),
            "sh",
        ],
        "shift-q",
        None,
    );
    assert_refused(
        &["attach", "--detach-keys", "ctrl-ä", target.name()],
        "ctrl-ä",
        None,
    );
    assert!(is_running(target.name()));
}

// --- attach ---------------------------------------------------------------------------------

#[test]
fn attach_logs_replays_earlier_output_then_follows_to_the_end() {
    if skip_under_docker("docker attach has no --logs") {
        return;
    }
    let container = ContainerGuard(unique_name("attach-logs"));
    // The last line waits for a line on stdin, which only the attached session can give it: so
    // the first two lines are in the log before the session starts and the last is written
    // after it, and both halves of --logs are seen.
    let out = docker(&[
        "run",
        "-di",
        "--network",
        "none",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        "echo before-1; echo before-2; read word; echo after-$word",
    ]);
    support::assert_success("starting the container", &out);
    support::wait_for("the container logging its first lines", TIMEOUT, || {
        String::from_utf8_lossy(&docker(&["logs", container.name()]).stdout).contains("before-2")
    });
    // On a terminal stdin stays open until the container ends, which the session must wait for.
    let mut pty = Pty::bin(&["attach", "--logs", container.name()], 24, 80);
    pty.expect("before-1", TIMEOUT);
    pty.expect("before-2", TIMEOUT);
    pty.send(b"now\r");
    pty.expect("after-now", TIMEOUT);
    assert_eq!(
        pty.wait(TIMEOUT),
        0,
        "output:\n{}",
        support::escape(&pty.output())
    );
}

#[test]
fn attach_gives_the_container_tty_the_terminal_size() {
    let container = ContainerGuard(unique_name("attach-size"));
    let out = docker(&[
        "run",
        "-dit",
        "--network",
        "none",
        "--name",
        container.name(),
        "busybox",
        "sh",
    ]);
    support::assert_success("starting the container", &out);
    let mut pty = Pty::bin_checked(&["attach", container.name()], 33, 91);
    pty.type_until("echo size:$(stty size):", "size:33 91:");
    pty.resize(40, 100);
    pty.type_until("echo size:$(stty size):", "size:40 100:");
    pty.send(b"exit\r");
    assert_eq!(pty.finish(TIMEOUT), 0);
}

#[test]
fn attach_starts_a_created_container_without_losing_its_first_line() {
    if skip_under_docker("docker attach refuses a container that was created but not started") {
        return;
    }
    let container = ContainerGuard(unique_name("attach-created"));
    let out = docker(&[
        "create",
        "-t",
        "--network",
        "none",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        "echo first-line; sleep 1",
    ]);
    support::assert_success("creating the container", &out);
    let mut pty = Pty::bin_checked(&["attach", container.name()], 24, 80);
    pty.expect("first-line", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 0);
}

/// Creates an exec instance through the API, as another tool would, and returns its id.
fn create_exec(container: &str, cmd: &[&str]) -> String {
    let host = docker_host();
    let socket = host
        .strip_prefix("unix://")
        .unwrap_or_else(|| panic!("this test needs a unix:// DOCKER_HOST, not {host}"));
    let body = serde_json::json!({
        "AttachStdin": true,
        "AttachStdout": true,
        "AttachStderr": true,
        "Tty": true,
        "Cmd": cmd,
    });
    let mut command = Command::new("curl");
    command.args([
        "-sS",
        "--fail",
        "--unix-socket",
        socket,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        &body.to_string(),
        &format!("http://d/v1.41/containers/{container}/exec"),
    ]);
    let out = support::run_command(command, None, TIMEOUT);
    support::assert_success("creating the exec instance", &out);
    let response: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the engine answers JSON");
    response["Id"]
        .as_str()
        .unwrap_or_else(|| panic!("no Id in {response}"))
        .to_owned()
}

#[test]
fn attach_exec_starts_an_exec_instance_created_elsewhere() {
    if skip_under_docker("the docker CLI has no `attach --exec`") {
        return;
    }
    let container = sleeper("attach-exec");
    let id = create_exec(container.name(), &["sh"]);
    let mut pty = Pty::bin_checked(&["attach", "--exec", &id], 24, 80);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo via-exec-$((3*3))", "via-exec-9");
    pty.send(b"exit 6\r");
    assert_eq!(
        pty.finish(TIMEOUT),
        6,
        "attach --exec exits with the command's code"
    );
    assert!(is_running(container.name()));
}
