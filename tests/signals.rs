//! Signals and interference from outside during a session: signals sent to dpty are forwarded to
//! the container by `run` and `attach`, and to the command by `exec` (given up on after three
//! interrupts in a row), end a `--sig-proxy=false` session with 128 + the signal, and `--rm` is
//! kept whatever ends the session; a container killed or removed from outside ends the session with
//! a failure. Every session on a terminal leaves its settings as it found them.

mod support;

use std::time::Duration;

use support::watched::Watched;
use support::{
    container_exists, docker, escape, is_running, only_child_of, send_signal, skip_under_docker,
    sleeper, unique_name, wait_for, ContainerGuard, Pty, TIMEOUT,
};

const PROMPT: &str = "/ # ";

#[test]
fn sigterm_reaches_the_container_and_rm_still_removes_it() {
    let container = ContainerGuard(unique_name("sigterm-proxy"));
    let mut dpty = Watched::spawn(&[
        "run",
        "--rm",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        r#"trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done"#,
    ]);
    dpty.expect_stdout("ready", TIMEOUT);
    dpty.signal(libc::SIGTERM);
    let code = dpty.wait(TIMEOUT);
    dpty.expect_stdout("got-term", Duration::ZERO);
    assert_eq!(code, 7, "{}", dpty.describe());
    // The engine may still be removing it when the client ends, but not for long.
    wait_for("the container's removal", Duration::from_secs(5), || {
        !container_exists(container.name())
    });
}

#[test]
fn three_interrupts_in_a_row_make_run_give_up_and_rm_still_removes_the_container() {
    let container = ContainerGuard(unique_name("sigint-give-up"));
    let mut dpty = Watched::spawn(&[
        "run",
        "--rm",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        r#"trap "echo got-int" INT; echo ready; while true; do sleep 0.1; done"#,
    ]);
    dpty.expect_stdout("ready", TIMEOUT);
    dpty.signal(libc::SIGINT);
    dpty.expect_stdout("got-int", TIMEOUT);
    // Each interrupt is sent only once the one before it has reached the container: two sent
    // together may merge into one pending signal, and the client would count two, not three.
    dpty.signal(libc::SIGINT);
    dpty.expect_stdout_times("got-int", 2, TIMEOUT);
    dpty.signal(libc::SIGINT);
    let code = dpty.wait(TIMEOUT);
    // Both say "got 3 SIGTERM/SIGINTs, forcefully exiting" and exit 1; the docker CLI leaves the
    // container running, dpty keeps its --rm promise.
    let said = dpty.describe();
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("got 3 SIGTERM/SIGINTs, forcefully exiting"),
        "{said}"
    );
    if support::is_docker() {
        return;
    }
    wait_for("the container's removal", Duration::from_secs(5), || {
        !container_exists(container.name())
    });
}

#[test]
fn without_the_signal_proxy_a_signal_ends_run_and_rm_still_removes_the_container() {
    if skip_under_docker(
        "with --sig-proxy=false the docker CLI dies of the signal and leaves the container running",
    ) {
        return;
    }
    let container = ContainerGuard(unique_name("no-sig-proxy"));
    let mut dpty = Watched::spawn(&[
        "run",
        "--rm",
        "--sig-proxy=false",
        "--name",
        container.name(),
        "busybox",
        "sh",
        "-c",
        r#"trap "echo got-term" TERM; echo ready; while true; do sleep 0.1; done"#,
    ]);
    dpty.expect_stdout("ready", TIMEOUT);
    dpty.signal(libc::SIGTERM);
    let code = dpty.wait(TIMEOUT);
    assert_eq!(code, 143, "{}", dpty.describe());
    assert!(
        !dpty.stdout().contains("got-term"),
        "the signal was forwarded despite --sig-proxy=false: {}",
        dpty.describe()
    );
    wait_for("the container's removal", Duration::from_secs(5), || {
        !container_exists(container.name())
    });
}

#[test]
fn attach_forwards_signals_to_the_container_and_exits_with_its_code() {
    let container = ContainerGuard(unique_name("attach-sigterm"));
    support::docker_run_detached(
        container.name(),
        r#"trap "echo got-term; exit 7" TERM; while true; do echo tick; sleep 0.2; done"#,
    );
    let mut dpty = Watched::spawn(&["attach", container.name()]);
    // A tick seen through the session proves it is attached, its signal handlers in place.
    dpty.expect_stdout("tick", TIMEOUT);
    dpty.signal(libc::SIGTERM);
    let code = dpty.wait(TIMEOUT);
    dpty.expect_stdout("got-term", Duration::ZERO);
    assert_eq!(code, 7, "{}", dpty.describe());
}

#[test]
fn a_signal_ends_exec_without_sig_proxy_with_128_plus_it_and_restores_the_terminal() {
    if skip_under_docker("docker exec has no --sig-proxy") {
        return;
    }
    let target = sleeper("exec-signal");
    let mut pty = Pty::bin_checked(
        &["exec", "-it", "--sig-proxy=false", target.name(), "sh"],
        24,
        80,
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    send_signal(only_child_of(pty.pid()), libc::SIGTERM);
    assert_eq!(pty.finish(TIMEOUT), 143);
    assert!(
        is_running(target.name()),
        "the container stopped when the exec session was signalled"
    );
}

#[test]
fn exec_gives_up_after_three_sigterms_an_interactive_shell_ignores() {
    if skip_under_docker("on SIGTERM the docker CLI ends `exec -it` with status 0") {
        return;
    }
    let target = sleeper("exec-give-up");
    let mut pty = Pty::bin_checked(&["exec", "-it", target.name(), "sh"], 24, 80);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    let dpty = only_child_of(pty.pid());
    // An interactive shell ignores SIGTERM: the first two are passed on and change nothing.
    send_signal(dpty, libc::SIGTERM);
    pty.type_until("echo still-$((6*7))", "still-42");
    send_signal(dpty, libc::SIGTERM);
    pty.type_until("echo again-$((6*7))", "again-42");
    send_signal(dpty, libc::SIGTERM);
    // The third gives up, as run's does: in the docker CLI's words, with its status.
    assert_eq!(pty.finish(TIMEOUT), 1);
    let output = escape(&pty.output());
    assert!(output.contains("forcefully exiting"), "{output}");
}

#[test]
fn docker_kill_ends_the_session_with_137_and_restores_the_terminal() {
    let container = ContainerGuard(unique_name("killed-outside"));
    let mut pty = Pty::bin_checked(
        &["run", "-it", "--name", container.name(), "busybox", "sh"],
        24,
        80,
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    support::assert_success("docker kill", &docker(&["kill", container.name()]));
    assert_eq!(pty.finish(TIMEOUT), 137);
}

#[test]
fn docker_rm_f_ends_the_session_with_a_failure_and_restores_the_terminal() {
    let container = ContainerGuard(unique_name("removed-outside"));
    let mut pty = Pty::bin_checked(
        &["run", "-it", "--name", container.name(), "busybox", "sh"],
        24,
        80,
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    support::assert_success("docker rm -f", &docker(&["rm", "-f", container.name()]));
    let code = pty.finish(TIMEOUT);
    assert_ne!(
        code,
        0,
        "a session whose container was removed exited 0; output:\n{}",
        escape(&pty.output())
    );
}
