//! Data passes through intact: binary stdin into `run -i` and `exec -i`, large outputs without a TTY
//! (stdout and stderr kept apart), TTY output containing bytes that look like the engine's stream
//! headers (which must not be demultiplexed), and large outputs on a terminal, repeatedly.

mod support;

use std::time::Duration;

use support::{
    code, describe, escape, first_word, local_md5, random_bytes, run_bin, sleeper, Pty, TIMEOUT,
};

const LONG: Duration = Duration::from_secs(60);

fn assert_md5_through(args: &[&str]) {
    let data = random_bytes(0, 20 << 20);
    let out = run_bin(args, Some(&data), LONG);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(
        first_word(&out.stdout),
        local_md5(&data),
        "stdin arrived altered: {}",
        describe(&out)
    );
}

#[test]
fn run_i_passes_20_mib_of_binary_stdin_intact() {
    assert_md5_through(&["run", "--rm", "-i", "busybox", "md5sum"]);
}

#[test]
fn exec_i_passes_20_mib_of_binary_stdin_intact() {
    let container = sleeper("exec-i-md5");
    assert_md5_through(&["exec", "-i", container.name(), "md5sum"]);
}

#[test]
fn run_without_tty_streams_300000_lines_intact_five_times() {
    let expected: String = (1..=300_000).map(|n| format!("{n}\n")).collect();
    for attempt in 1..=5 {
        let out = run_bin(
            &["run", "--rm", "busybox", "seq", "1", "300000"],
            None,
            LONG,
        );
        assert_eq!(code(&out), 0, "attempt {attempt}: {}", describe(&out));
        assert!(
            out.stdout == expected.as_bytes(),
            "attempt {attempt}: stdout differs from seq's ({} bytes instead of {}): {}",
            out.stdout.len(),
            expected.len(),
            describe(&out)
        );
    }
}

#[test]
fn run_without_tty_keeps_stdout_and_stderr_apart() {
    let out = run_bin(
        &[
            "run",
            "--rm",
            "busybox",
            "sh",
            "-c",
            "echo out; echo err >&2",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"out\n", "{}", describe(&out));
    assert_eq!(
        without_engine_warnings(&out.stderr),
        b"err\n",
        "{}",
        describe(&out)
    );
}

/// The docker CLI prints the engine's create warnings on stderr; with no bridge network the engine
/// warns "WARNING: IPv4 forwarding is disabled. Networking will not work." on every `run`.
fn without_engine_warnings(stderr: &[u8]) -> Vec<u8> {
    stderr
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"WARNING: "))
        .flatten()
        .copied()
        .collect()
}

/// A TTY stream is raw: these bytes form a valid multiplexed-stream header (stdout, 5 bytes) and must
/// come out as they are, not be taken for framing.
const HEADER_LIKE: &[u8] = b"\x01\x00\x00\x00\x00\x00\x00\x05hello";
const HEADER_LIKE_PRINTF: &str = r"\001\000\000\000\000\000\000\005hello";

#[test]
fn run_t_to_a_pipe_passes_header_like_bytes_unchanged() {
    let out = run_bin(
        &["run", "--rm", "-t", "busybox", "printf", HEADER_LIKE_PRINTF],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, HEADER_LIKE, "{}", describe(&out));
}

#[test]
fn run_t_on_a_terminal_passes_header_like_bytes_unchanged() {
    let mut pty = Pty::bin(
        &["run", "--rm", "-t", "busybox", "printf", HEADER_LIKE_PRINTF],
        24,
        80,
    );
    assert_eq!(pty.wait(TIMEOUT), 0);
    let output = pty.output();
    assert!(
        output.windows(HEADER_LIKE.len()).any(|w| w == HEADER_LIKE),
        "the bytes came out altered: {}",
        escape(&output)
    );
}

#[test]
fn run_t_on_a_terminal_shows_30000_lines_in_order_four_times() {
    let expected: String = (1..=30_000).map(|n| format!("{n}\n")).collect();
    for attempt in 1..=4 {
        let mut pty = Pty::bin(
            &["run", "--rm", "-t", "busybox", "seq", "1", "30000"],
            24,
            80,
        );
        assert_eq!(pty.wait(LONG), 0, "attempt {attempt}");
        let output = pty.output();
        // The container's TTY turns each "\n" into "\r\n"; the local terminal, unless raw, adds
        // another "\r". Lines are compared without the carriage returns.
        let lines: Vec<u8> = output.iter().copied().filter(|&b| b != b'\r').collect();
        let found = lines
            .windows(expected.len())
            .position(|w| w == expected.as_bytes());
        assert!(
            found.is_some_and(|at| at == 0 || lines[at - 1] == b'\n'),
            "attempt {attempt}: the 30000 lines are not all there in order: {}",
            escape(&output)
        );
        assert!(
            output.windows(7).any(|w| w == b"\n29999\r"),
            "attempt {attempt}: lines did not come from a TTY: {}",
            escape(&output)
        );
    }
}
