//! `--record`: a session written as an asciicast v2 file, checked with the real asciinema player
//! (Debian's `asciinema`, which `scripts/test.sh` installs): `asciinema cat` plays back what the
//! terminal showed, the file carries the terminal's size changes, and keystrokes only with
//! `--record-input`. The docker CLI has no `--record`.

mod support;

use std::path::Path;

use serde_json::Value;
use support::watched::Watched;
use support::{
    docker_host, skip_under_docker, sleeper, unique_name, wait_for, ContainerGuard, Pty, TempDir,
};

const PROMPT: &str = "/ # ";

/// The header and the events of an asciicast v2 file.
fn read_cast(path: &Path) -> (Value, Vec<Value>) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines().map(|line| {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("bad line {line:?}: {e}"))
    });
    let header = lines.next().expect("a header line");
    (header, lines.collect())
}

/// The text of every event of `kind`, in order.
fn texts(events: &[Value], kind: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e[1] == kind)
        .map(|e| e[2].as_str().expect("event text").to_owned())
        .collect()
}

/// What `asciinema cat` prints for the file; it needs a terminal of its own.
fn asciinema_cat(path: &Path) -> Vec<u8> {
    let path = path.to_str().expect("a UTF-8 path");
    let mut pty = Pty::spawn(&["asciinema", "cat", path], 24, 80);
    assert_eq!(pty.wait(support::TIMEOUT), 0, "asciinema cat failed");
    pty.output()
}

/// Bytes as lines without carriage returns: a terminal's output post-processing may add them.
fn lines(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\r', "")
}

/// Runs `dpty run --record FILE [extra] --rm -it busybox sh`, types two commands around two
/// resizes, exits, and returns what the terminal showed.
fn record_shell(cast: &Path, extra: &[&str]) -> Vec<u8> {
    docker_host();
    let name = ContainerGuard(unique_name("record"));
    let cast = cast.to_str().expect("a UTF-8 path");
    let mut args = vec!["run", "--record", cast];
    args.extend_from_slice(extra);
    args.extend([
        "--rm",
        "-it",
        "--network",
        "none",
        "--name",
        name.name(),
        "busybox",
        "sh",
    ]);
    let mut pty = Pty::bin(&args, 24, 80);
    pty.expect(PROMPT, support::TIMEOUT);
    pty.type_until("echo first-$((6*7))", "first-42");
    // The container's tty follows a moment later: ask until it has.
    pty.resize(30, 100);
    pty.type_until("stty size", "30 100");
    pty.resize(40, 120);
    pty.type_until("stty size", "40 120");
    pty.send(b"exit\r");
    assert_eq!(pty.wait(support::TIMEOUT), 0);
    pty.output()
}

#[test]
fn a_recorded_shell_plays_back_as_shown_with_its_resizes() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let dir = TempDir::new("record");
    let cast = dir.path().join("s.cast");
    let shown = record_shell(&cast, &[]);
    let (header, events) = read_cast(&cast);
    assert_eq!(header["version"], 2);
    assert_eq!(
        (header["width"].as_u64(), header["height"].as_u64()),
        (Some(80), Some(24))
    );
    assert!(header["timestamp"]
        .as_u64()
        .is_some_and(|t| t > 1_600_000_000));
    assert!(header["command"]
        .as_str()
        .is_some_and(|c| c.contains("busybox sh")));
    assert_eq!(texts(&events, "r"), ["100x30", "120x40"]);
    assert!(
        texts(&events, "i").is_empty(),
        "keystrokes recorded without --record-input"
    );
    let mut last = 0.0;
    for event in &events {
        let at = event[0].as_f64().expect("a time");
        assert!(at >= last, "times go back at {event}");
        last = at;
    }
    let recorded = texts(&events, "o").concat();
    let played = asciinema_cat(&cast);
    assert_eq!(
        lines(&played),
        lines(recorded.as_bytes()),
        "asciinema cat differs from the file"
    );
    assert_eq!(
        lines(&played),
        lines(&shown),
        "the playback differs from what the terminal showed"
    );
    for answer in ["first-42", "30 100", "40 120"] {
        assert!(
            recorded.contains(answer),
            "{answer:?} missing from {recorded:?}"
        );
    }
}

#[test]
fn record_input_adds_the_keystrokes() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let dir = TempDir::new("record-input");
    let cast = dir.path().join("s.cast");
    record_shell(&cast, &["--record-input"]);
    let (_, events) = read_cast(&cast);
    let typed = texts(&events, "i").concat();
    for keys in ["echo first-$((6*7))\r", "exit\r"] {
        assert!(
            typed.contains(keys),
            "{keys:?} missing from the input events {typed:?}"
        );
    }
}

#[test]
fn a_session_without_a_tty_records_both_streams() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let target = sleeper("record-notty");
    let dir = TempDir::new("record-notty");
    let cast = dir.path().join("s.cast");
    let out = support::run_bin(
        &[
            "exec",
            "--record",
            cast.to_str().unwrap(),
            target.name(),
            "sh",
            "-c",
            "echo to-out; echo to-err >&2",
        ],
        None,
        support::TIMEOUT,
    );
    support::assert_success("exec --record", &out);
    let (header, events) = read_cast(&cast);
    assert_eq!(header["version"], 2);
    let recorded = texts(&events, "o").concat();
    assert!(
        recorded.contains("to-out\n") && recorded.contains("to-err\n"),
        "{recorded:?}"
    );
}

#[test]
fn a_detached_session_leaves_a_complete_recording() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let target = sleeper("record-detach");
    let dir = TempDir::new("record-detach");
    let cast = dir.path().join("s.cast");
    let cast_arg = cast.to_str().unwrap();
    let mut pty = Pty::bin(
        &["exec", "-it", "--record", cast_arg, target.name(), "sh"],
        24,
        80,
    );
    pty.expect(PROMPT, support::TIMEOUT);
    pty.type_until("echo before-$((5*5))", "before-25");
    pty.send(b"\x10\x11");
    pty.expect("read escape sequence", support::TIMEOUT);
    assert_eq!(pty.wait(support::TIMEOUT), 1);
    let (_, events) = read_cast(&cast);
    assert!(texts(&events, "o").concat().contains("before-25"));
}

#[test]
fn a_session_ended_by_a_signal_leaves_a_complete_recording() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let target = sleeper("record-signal");
    let dir = TempDir::new("record-signal");
    let cast = dir.path().join("s.cast");
    let mut dpty = Watched::spawn(&[
        "exec",
        "--record",
        cast.to_str().unwrap(),
        target.name(),
        "sh",
        "-c",
        "echo ready-$((4*4)); sleep 100",
    ]);
    // The recorder flushes whenever it has nothing queued, so the line shows up in the file.
    wait_for("the output reaching the file", support::TIMEOUT, || {
        std::fs::read_to_string(&cast).is_ok_and(|t| t.contains("ready-16"))
    });
    dpty.signal(libc::SIGTERM);
    assert_eq!(
        dpty.wait(support::TIMEOUT),
        143,
        "the command did not end by the forwarded SIGTERM\n{}",
        dpty.describe()
    );
    let (header, events) = read_cast(&cast);
    assert_eq!(header["version"], 2);
    assert!(texts(&events, "o").concat().contains("ready-16"));
}

#[test]
fn a_recording_that_cannot_be_created_stops_dpty_before_anything_starts() {
    if skip_under_docker("docker has no --record") {
        return;
    }
    let out = support::run_bin(
        &[
            "run",
            "--record",
            "/nonexistent-dir/s.cast",
            "--rm",
            "--network",
            "none",
            "busybox",
            "true",
        ],
        None,
        support::TIMEOUT,
    );
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("creating the recording"), "{stderr}");
}
