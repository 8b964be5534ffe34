//! What happens without -i or -t. In a script (stdin and stdout pipes) dpty behaves like the docker
//! CLI: stdin is not attached. At a terminal dpty goes further than docker, which is dpty-only and
//! skipped against the docker CLI: stdin is attached when it is a terminal, and a TTY is used when
//! stdin and stdout both are.

mod support;

use support::{
    bin, code, describe, run_bin, skip_under_docker, sleeper, unique_name, ContainerGuard, Pty,
    TIMEOUT,
};

#[test]
fn run_at_a_terminal_attaches_stdin_and_uses_a_tty_by_default() {
    if skip_under_docker("docker uses neither stdin nor a TTY without -i/-t") {
        return;
    }
    let container = ContainerGuard(unique_name("default-tty"));
    let mut pty = Pty::bin_checked(
        &[
            "run",
            "--rm",
            "--name",
            container.name(),
            "busybox",
            "sh",
            "-c",
            "test -t 0 && echo tty-in; test -t 1 && echo tty-out; echo script-done",
        ],
        24,
        80,
    );
    let seen = pty.expect("script-done", TIMEOUT);
    assert!(
        seen.contains("tty-in") && seen.contains("tty-out"),
        "the container did not get a TTY: {seen:?}"
    );
    assert_eq!(pty.finish(TIMEOUT), 0);
}

#[test]
fn run_with_terminal_stdin_and_piped_stdout_attaches_stdin_without_a_tty() {
    if skip_under_docker("docker does not attach stdin without -i") {
        return;
    }
    let container = ContainerGuard(unique_name("default-stdin"));
    // Upper-casing the typed letters tells the container's output apart from the terminal's echo.
    let script = "test -t 0 || echo no-tty-in; head -c 5 | tr a-z A-Z; echo; echo script-done";
    let bin = bin();
    let mut pty = Pty::spawn(
        &[
            "sh",
            "-c",
            r#""$@" | cat"#,
            "sh",
            &bin,
            "run",
            "--rm",
            "--name",
            container.name(),
            "busybox",
            "sh",
            "-c",
            script,
        ],
        24,
        80,
    );
    pty.expect("no-tty-in", TIMEOUT);
    pty.send(b"abcde\n");
    pty.expect("ABCDE", TIMEOUT);
    pty.expect("script-done", TIMEOUT);
    assert_eq!(pty.wait(TIMEOUT), 0);
}

#[test]
fn run_without_i_in_a_script_reads_no_stdin() {
    let out = run_bin(
        &["run", "--rm", "busybox", "sh", "-c", "cat; echo ran"],
        Some(b"must not arrive\n"),
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(
        out.stdout,
        b"ran\n",
        "stdin was attached: {}",
        describe(&out)
    );
}

#[test]
fn exec_without_i_in_a_script_reads_no_stdin() {
    let container = sleeper("exec-no-stdin");
    let out = run_bin(
        &["exec", container.name(), "sh", "-c", "cat; echo ran"],
        Some(b"must not arrive\n"),
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(
        out.stdout,
        b"ran\n",
        "stdin was attached: {}",
        describe(&out)
    );
}
