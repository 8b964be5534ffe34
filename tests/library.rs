//! The library as its users meet it: the programs in `examples/`, which use the public API alone,
//! run against the real engine. `exec` is `docker exec` in a page: the command's status, a TTY only
//! on a terminal, piped stdin passed on to its end, the terminal given back. `script` drives a shell
//! over in-memory streams and checks what comes back itself.
//!
//! The examples are run as built: `cargo build --all-targets` (scripts/test.sh does it first) puts
//! them in `examples/` beside this test binary's `deps/`.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{
    code, container_exists, describe, run_command, sleeper, wait_for, ContainerGuard, Pty, TIMEOUT,
};

/// The built example `name`, from the same build as this test.
fn example(name: &str) -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/library-<hash> -> target/<profile>/examples/<name>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary is in target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the examples first with `cargo build --all-targets` \
         (scripts/test.sh does)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// Runs the `exec` example into `container` without a terminal, `stdin` piped in.
fn exec_piped(container: &ContainerGuard, command: &[&str], stdin: &[u8]) -> Output {
    let mut exec = Command::new(example("exec"));
    exec.arg(container.name()).args(command);
    run_command(exec, Some(stdin), TIMEOUT)
}

#[test]
fn exec_example_on_a_terminal_exits_with_the_command_status_and_gives_the_terminal_back() {
    let container = sleeper("lib-exec-pty");
    let exec = example("exec");
    let mut pty = Pty::spawn_checked(&[&exec, container.name(), "sh", "-c", "exit 7"], 24, 80);
    assert_eq!(pty.finish(TIMEOUT), 7, "{}", support::escape(&pty.output()));
}

#[test]
fn exec_example_with_piped_stdin_exits_with_the_command_status() {
    let container = sleeper("lib-exec-piped");
    let out = exec_piped(&container, &["sh", "-c", "exit 7"], b"");
    assert_eq!(code(&out), 7, "{}", describe(&out));
}

#[test]
fn exec_example_passes_piped_stdin_to_its_end() {
    let container = sleeper("lib-exec-cat");
    let input: String = (0..5000)
        .map(|n| format!("line {n} of the input\n"))
        .collect();
    let out = exec_piped(&container, &["sh", "-c", "cat; exit 3"], input.as_bytes());
    assert_eq!(code(&out), 3, "{}", describe(&out));
    assert!(
        out.stdout == input.as_bytes(),
        "stdout is not the input: {}",
        describe(&out)
    );
}

#[test]
fn exec_example_gives_a_tty_on_a_terminal_and_none_through_pipes() {
    let container = sleeper("lib-exec-tty");
    let exec = example("exec");
    let mut pty = Pty::spawn(&[&exec, container.name(), "tty"], 24, 80);
    pty.expect("/dev/pts/", TIMEOUT);
    assert_eq!(pty.wait(TIMEOUT), 0, "{}", support::escape(&pty.output()));

    let out = exec_piped(&container, &["tty"], b"");
    assert_ne!(code(&out), 0, "tty found a terminal: {}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("not a tty"),
        "{}",
        describe(&out)
    );
}

#[test]
fn exec_example_reports_a_failure_in_one_line_and_exits_1() {
    support::docker_host();
    let mut exec = Command::new(example("exec"));
    exec.args(["dpty-test-no-such-container", "true"]);
    let out = run_command(exec, None, TIMEOUT);
    assert_eq!(code(&out), 1, "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("exec: ")
            && stderr.contains("dpty-test-no-such-container")
            && stderr.trim_end().lines().count() == 1,
        "{}",
        describe(&out)
    );
}

#[test]
fn script_example_succeeds_and_leaves_no_container_behind() {
    support::docker_host();
    let out = run_command(Command::new(example("script")), None, TIMEOUT);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    // "script: sh in container <short id> ended as ..."
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id = stdout
        .split_once("container ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no container id in the summary: {}", describe(&out)))
        .to_owned();
    // The engine may still be removing it when the example exits.
    wait_for("the example's container going away", TIMEOUT, || {
        !container_exists(&id)
    });
}
