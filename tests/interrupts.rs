//! An interrupt at any moment does what the user expects, including the moments when no session is
//! running: while `exec` starts its command, while it reads the command's exit status, and while
//! `run --rm` waits for the container's end. A delaying proxy between the binary and the engine
//! holds one chosen request, so the signal lands in that moment every time. Each run checks the
//! exit status, that the terminal is left as it was, and that nothing `--rm` should remove is left.

#[path = "support/slow.rs"]
mod slow;
mod support;

use std::time::Duration;

use slow::{Hold, Matcher, SlowProxy};
use support::{
    bin, container_exists, only_child_of, send_signal, sleeper, unique_name, wait_for,
    ContainerGuard, Pty, TIMEOUT,
};

const EXEC_START: Matcher =
    |method, path| method == "POST" && path.starts_with("/exec/") && path.ends_with("/start");
const EXEC_INSPECT: Matcher =
    |method, path| method == "GET" && path.starts_with("/exec/") && path.ends_with("/json");
const CONTAINER_WAIT: Matcher =
    |method, path| method == "POST" && path.starts_with("/containers/") && path.ends_with("/wait");
const CONTAINER_ATTACH: Matcher = |method, path| {
    method == "POST" && path.starts_with("/containers/") && path.ends_with("/attach")
};
const CONTAINER_KILL: Matcher =
    |method, path| method == "POST" && path.starts_with("/containers/") && path.ends_with("/kill");

/// The binary under test with `args`, talking to the engine through `proxy`, inside a shell that
/// records the terminal settings around it and its exit status (see `Pty::finish`).
fn checked_via(proxy: &SlowProxy, args: &[&str]) -> Pty {
    let script = r#"stty -g; echo BEFORE-DONE; "$@"; echo "rc=$?"; stty -g; echo AFTER-DONE"#;
    let host = format!("DOCKER_HOST={}", proxy.host());
    let bin = bin();
    let argv: Vec<&str> = ["sh", "-c", script, "sh", "env", host.as_str(), bin.as_str()]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let mut pty = Pty::spawn(&argv, 24, 80);
    pty.expect("BEFORE-DONE", TIMEOUT);
    pty
}

/// Sends `signal` to the binary under the shell of `pty`.
fn interrupt(pty: &Pty, signal: libc::c_int) {
    // `env` has made itself the binary by now: the proxy has heard from it.
    send_signal(only_child_of(pty.pid()), signal);
}

/// How long the docker CLI is given to end after a signal before it is taken to be waiting on:
/// it ignores some interrupts, and the held request is then let go to see what it does. dpty
/// must end, so it gets the whole test timeout.
fn patience() -> Duration {
    match support::is_docker() {
        true => Duration::from_secs(5),
        false => TIMEOUT,
    }
}

/// Sends SIGINT once `proxy` holds its request; returns the exit status and whether the binary
/// ended while the request was still held (else it ended only once the request was let go).
fn interrupt_while_held(proxy: &SlowProxy, pty: &mut Pty) -> (i32, bool) {
    proxy.wait_held(TIMEOUT);
    interrupt(pty, libc::SIGINT);
    let ended_while_held = pty.try_expect("rc=", patience()).is_some();
    proxy.release();
    (pty.finish(TIMEOUT), ended_while_held)
}

#[test]
fn an_interrupt_while_exec_starts_ends_it_with_130() {
    let container = sleeper("int-exec-start");
    let proxy = SlowProxy::start(EXEC_START, Hold::Request);
    let mut pty = checked_via(&proxy, &["exec", "-it", container.name(), "sh"]);
    let ended = interrupt_while_held(&proxy, &mut pty);
    if support::is_docker() {
        // The docker CLI takes the first interrupt as a cancellation it does not act on until
        // the start is answered, and then ends with 0 without running the shell's session.
        assert_eq!(ended, (0, false));
        return;
    }
    assert_eq!(ended, (130, true));
}

#[test]
fn an_interrupt_while_exec_reads_the_exit_status_ends_it_with_130() {
    let container = sleeper("int-exec-status");
    let proxy = SlowProxy::start(EXEC_INSPECT, Hold::Request);
    let mut pty = checked_via(
        &proxy,
        &["exec", "-it", container.name(), "sh", "-c", "exit 3"],
    );
    let ended = interrupt_while_held(&proxy, &mut pty);
    if support::is_docker() {
        // The docker CLI ends at once too, but with 255, its status for an engine it cannot
        // reach, as its cancelled inspect looks to it like a lost connection.
        assert_eq!(ended, (255, true));
        return;
    }
    assert_eq!(ended, (130, true));
}

#[test]
fn without_the_signal_proxy_an_interrupt_while_run_rm_finishes_ends_it_and_removes_the_container() {
    let container = ContainerGuard(unique_name("int-run-finish"));
    let proxy = SlowProxy::start(CONTAINER_WAIT, Hold::Body);
    let mut pty = checked_via(
        &proxy,
        &[
            "run",
            "--rm",
            "-it",
            "--sig-proxy=false",
            "--network",
            "none",
            "--pull",
            "never",
            "--name",
            container.name(),
            "busybox:latest",
            "sh",
            "-c",
            "exit 3",
        ],
    );
    // The stream has ended, so the container has; once the terminal is back from raw mode the
    // session is over too, and only the status is awaited.
    proxy.wait_answered(CONTAINER_ATTACH, 1, TIMEOUT);
    pty.wait_canonical(TIMEOUT);
    let ended = interrupt_while_held(&proxy, &mut pty);
    if support::is_docker() {
        // The docker CLI ignores the interrupt here and goes on waiting for the status (3 once
        // the wait is let go); only a third interrupt would end it.
        assert_eq!(ended, (3, false));
    } else {
        assert_eq!(ended, (130, true));
    }
    // The engine's own removal may still be under way when the client ends.
    wait_for("the container's removal", TIMEOUT, || {
        !container_exists(container.name())
    });
}

#[test]
fn with_the_signal_proxy_run_rm_passes_interrupts_on_while_it_finishes_and_gives_up_after_three() {
    let container = ContainerGuard(unique_name("int-run-finish-proxy"));
    let proxy = SlowProxy::start(CONTAINER_WAIT, Hold::Body);
    let mut pty = checked_via(
        &proxy,
        &[
            "run",
            "--rm",
            "-it",
            "--network",
            "none",
            "--pull",
            "never",
            "--name",
            container.name(),
            "busybox:latest",
            "sh",
            "-c",
            "exit 3",
        ],
    );
    proxy.wait_answered(CONTAINER_ATTACH, 1, TIMEOUT);
    pty.wait_canonical(TIMEOUT);
    proxy.wait_held(TIMEOUT);
    // Each interrupt is sent once the one before it has been passed on, so none merge.
    for passed_on in 1..=2 {
        interrupt(&pty, libc::SIGINT);
        proxy.wait_requests(CONTAINER_KILL, passed_on, TIMEOUT);
    }
    interrupt(&pty, libc::SIGINT);
    let ended_while_held = pty.try_expect("rc=", patience()).is_some();
    proxy.release();
    let code = pty.finish(TIMEOUT);
    assert!(ended_while_held, "the third interrupt did not end it");
    // Both pass the first two on, then say "got 3 SIGTERM/SIGINTs, forcefully exiting" and end
    // with 1.
    let output = support::escape(&pty.output());
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("forcefully exiting"), "{output}");
    wait_for("the container's removal", TIMEOUT, || {
        !container_exists(container.name())
    });
}

#[test]
fn an_interrupt_while_run_rm_creates_leaves_no_container_behind() {
    const CREATE: Matcher = |method, path| method == "POST" && path == "/containers/create";
    let container = ContainerGuard(unique_name("int-run-create"));
    let proxy = SlowProxy::start(CREATE, Hold::Request);
    let mut pty = checked_via(
        &proxy,
        &[
            "run",
            "--rm",
            "-it",
            "--network",
            "none",
            "--pull",
            "never",
            "--name",
            container.name(),
            "busybox:latest",
            "sh",
            "-c",
            "exit 3",
        ],
    );
    proxy.wait_held(TIMEOUT);
    interrupt(&pty, libc::SIGINT);
    // The create goes on once let go, as one already sent would: the container is made, and
    // must not outlive the interrupted run.
    proxy.release();
    let code = pty.finish(TIMEOUT);
    // The docker CLI too ends with 130 here, but leaves the container it asked for behind, created
    // and never started, --rm or not.
    assert_eq!(code, 130, "{}", support::escape(&pty.output()));
    if support::is_docker() {
        assert!(container_exists(container.name()));
        return;
    }
    wait_for("the container's removal", TIMEOUT, || {
        !container_exists(container.name())
    });
}
