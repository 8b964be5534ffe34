//! Interactive sessions on a real terminal: `run -it` and `exec -it` give a working shell, end with the
//! shell's exit code, leave the terminal as they found it, and keep the container's TTY the size of the
//! user's terminal, through single resizes and bursts of them.

mod support;

use std::time::Duration;

use support::{is_running, sleeper, unique_name, ContainerGuard, Pty, TIMEOUT};

const PROMPT: &str = "/ # ";

/// Types a command whose output differs from its echo, so seeing the output proves it ran.
fn assert_shell_works(pty: &mut Pty) {
    pty.expect(PROMPT, TIMEOUT);
    pty.send(b"echo hi-$((6*7))\r");
    pty.expect("hi-42", TIMEOUT);
    pty.expect(PROMPT, TIMEOUT);
}

/// How long a resize may take to reach the container.
const RESIZED: Duration = Duration::from_secs(5);

fn assert_follows_terminal_size(pty: &mut Pty) {
    pty.expect(PROMPT, TIMEOUT);
    pty.expect_size(20, 70, RESIZED);

    pty.resize(30, 100);
    pty.expect_size(30, 100, RESIZED);

    for n in 1..=5 {
        pty.resize(20 + n, 70 + n);
    }
    pty.expect_size(25, 75, RESIZED);

    pty.send(b"exit\r");
    assert_eq!(pty.wait(TIMEOUT), 0);
}

#[test]
fn run_it_gives_a_shell_that_exits_with_its_code_and_restores_the_terminal() {
    let container = ContainerGuard(unique_name("run-it-shell"));
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
    assert_shell_works(&mut pty);
    pty.send(b"exit 3\r");
    assert_eq!(pty.finish(TIMEOUT), 3);
}

#[test]
fn run_it_tty_follows_the_terminal_size() {
    let container = ContainerGuard(unique_name("run-it-size"));
    let mut pty = Pty::bin(
        &[
            "run",
            "--rm",
            "-it",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ],
        20,
        70,
    );
    assert_follows_terminal_size(&mut pty);
}

#[test]
fn exec_it_tty_follows_the_terminal_size() {
    let container = sleeper("exec-it-size");
    let mut pty = Pty::bin(&["exec", "-it", container.name(), "sh"], 20, 70);
    assert_follows_terminal_size(&mut pty);
}

/// Tries of the first-command tests: each is a few hundred milliseconds, and on today's engines an
/// input that overtakes the initial resize shows up within a handful.
const FIRST_COMMAND_TRIES: usize = 12;

/// The TTY's initial size is set after the start (engines before API 1.42 ignore the size given at
/// create), so a command typed at once could run before it; dpty holds typed input until the size
/// is in place. The cores are kept busy, where the race is lost most often.
#[test]
fn the_first_command_of_run_it_sees_the_terminal_size() {
    let _load = support::load::CpuLoad::start();
    for attempt in 1..=FIRST_COMMAND_TRIES {
        let container = ContainerGuard(unique_name("run-it-first"));
        let args = [
            "run",
            "--rm",
            "-it",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ];
        let mut pty = Pty::bin(&args, 33, 97);
        support::load::first_command_sees_the_size(&mut pty, (33, 97), attempt % 2 == 0, attempt);
        pty.send(b"exit\r");
        assert_eq!(pty.wait(TIMEOUT), 0);
    }
}

#[test]
fn the_first_command_of_exec_it_sees_the_terminal_size() {
    let container = sleeper("exec-it-first");
    let _load = support::load::CpuLoad::start();
    for attempt in 1..=FIRST_COMMAND_TRIES {
        let mut pty = Pty::bin(&["exec", "-it", container.name(), "sh"], 33, 97);
        support::load::first_command_sees_the_size(&mut pty, (33, 97), attempt % 2 == 0, attempt);
        pty.send(b"exit\r");
        assert_eq!(pty.wait(TIMEOUT), 0);
    }
}

#[test]
fn exec_it_gives_a_shell_that_exits_with_its_code_and_leaves_the_container_running() {
    let container = sleeper("exec-it-shell");
    let mut pty = Pty::bin_checked(&["exec", "-it", container.name(), "sh"], 24, 80);
    assert_shell_works(&mut pty);
    pty.send(b"exit 5\r");
    assert_eq!(pty.finish(TIMEOUT), 5);
    assert!(
        is_running(container.name()),
        "the container stopped after the exec session ended"
    );
}
