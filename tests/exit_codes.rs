//! Exit codes and failures, as the docker CLI reports them: the container's own code, 127 and 126 when
//! the command cannot be found or run, 125 when the container cannot be created, and short messages
//! naming what went wrong when the container or the engine is missing or stdin cannot be a TTY; 1 for
//! an unknown command, an unknown context or unusable TLS files, whatever the command; mistakes in
//! the command line pointing at that command's help; the engine's own words when a pull fails; and
//! docker's words and status 1 after the third interrupt.

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use support::{
    bin, code, describe, docker, escape, is_docker, run_bin, run_command, send_signal,
    skip_under_docker, unique_name, ContainerGuard, Pty, TempDir, TIMEOUT,
};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn run_exits_with_the_container_exit_code() {
    let out = run_bin(
        &["run", "--rm", "busybox", "sh", "-c", "exit 42"],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 42, "{}", describe(&out));
}

#[test]
fn run_of_a_missing_command_exits_127() {
    let out = run_bin(&["run", "--rm", "busybox", "nosuchcommand"], None, TIMEOUT);
    assert_eq!(code(&out), 127, "{}", describe(&out));
    assert!(stderr(&out).contains("nosuchcommand"), "{}", describe(&out));
}

#[test]
fn run_of_a_non_executable_exits_126() {
    let out = run_bin(&["run", "--rm", "busybox", "/etc"], None, TIMEOUT);
    assert_eq!(code(&out), 126, "{}", describe(&out));
    assert!(stderr(&out).contains("/etc"), "{}", describe(&out));
}

#[test]
fn run_of_an_unpullable_image_exits_125() {
    let out = run_bin(
        &["run", "--rm", "127.0.0.1:9/none:latest", "true"],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 125, "{}", describe(&out));
    assert!(stderr(&out).contains("127.0.0.1:9"), "{}", describe(&out));
}

#[test]
fn exec_into_a_missing_container_fails_naming_it() {
    let out = run_bin(&["exec", "no-such-container-xyz", "true"], None, TIMEOUT);
    assert_ne!(code(&out), 0, "{}", describe(&out));
    assert!(
        stderr(&out).contains("no-such-container-xyz"),
        "{}",
        describe(&out)
    );
}

#[test]
fn unreachable_engine_fails_with_a_short_message_naming_the_socket() {
    support::docker_host();
    let mut command = Command::new(bin());
    command
        .env("DOCKER_HOST", "unix:///nonexistent.sock")
        .args(["run", "busybox", "true"]);
    let out = run_command(command, None, TIMEOUT);
    assert_ne!(code(&out), 0, "{}", describe(&out));
    let message = stderr(&out);
    // Named once: the message says each thing once.
    assert_eq!(
        message.matches("/nonexistent.sock").count(),
        1,
        "{}",
        describe(&out)
    );
    // docker prints the error and a "Run 'docker run --help'" hint: two lines, no more.
    let lines = message.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(
        lines <= 2 && message.len() < 400,
        "the message is not short: {}",
        describe(&out)
    );
}

#[test]
fn tty_with_stdin_not_a_terminal_is_refused_before_creating_anything() {
    let name = unique_name("tty-not-a-terminal");
    let _guard = support::ContainerGuard(name.clone());
    let out = run_bin(
        &["run", "-t", "-i", "--name", &name, "busybox", "true"],
        Some(b"input\n"),
        TIMEOUT,
    );
    assert_eq!(code(&out), 1, "{}", describe(&out));
    let message = stderr(&out).to_lowercase();
    assert!(
        message.contains("not a tty") || message.contains("not a terminal"),
        "stderr does not say stdin is not a terminal: {}",
        describe(&out)
    );
    let inspect = docker(&["inspect", "--type", "container", &name]);
    assert!(
        !inspect.status.success(),
        "a container was created although the run was refused"
    );
}

#[test]
fn usage_errors_exit_like_docker_missing_arguments_1_bad_flags_125() {
    for (args, want) in [
        (&["run"][..], 1),
        (&["exec", "some-container"][..], 1),
        (&["attach"][..], 1),
        (&["run", "--bogus-flag", "busybox"][..], 125),
        (&["exec", "--bogus-flag", "c", "true"][..], 125),
    ] {
        let out = run_bin(args, None, TIMEOUT);
        assert_eq!(code(&out), want, "{args:?}: {}", describe(&out));
        assert!(!stderr(&out).is_empty(), "{args:?} printed no error");
    }
    // An unknown flag is named, not taken for the image.
    let out = run_bin(&["run", "--bogus-flag", "busybox"], None, TIMEOUT);
    assert!(stderr(&out).contains("--bogus-flag"), "{}", describe(&out));
}

#[test]
fn exec_in_a_stopped_container_says_it_is_not_running_and_exits_1() {
    // Podman's own words are "container state improper"; dpty says what Docker says.
    if support::is_podman() && support::skip_under_docker("the docker CLI passes on Podman's words")
    {
        return;
    }
    let name = unique_name("stopped");
    let guard = support::ContainerGuard(name.clone());
    let out = docker(&[
        "create",
        "--network",
        "none",
        "--name",
        guard.name(),
        "busybox",
        "true",
    ]);
    support::assert_success("creating the container", &out);
    let out = run_bin(&["exec", guard.name(), "true"], None, TIMEOUT);
    assert_eq!(code(&out), 1, "{}", describe(&out));
    let message = stderr(&out).to_lowercase();
    assert!(
        message.contains("is not running") && message.lines().count() == 1,
        "{}",
        describe(&out)
    );
}

#[test]
fn attach_with_detach_keys_the_engine_refuses_exits_1() {
    // Valid to parse, refused by the engine ("Invalid detach keys"): the
    // docker CLI exits 1 when the engine refuses its attach.
    let container = support::sleeper("attach_refused_keys");
    let out = run_bin(
        &["attach", "--detach-keys=ctrl-A,a", container.name()],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 1, "{}", describe(&out));
    // dpty passes on the engine's words; the docker CLI says only "received 400".
    if !bin().ends_with("docker") {
        assert!(stderr(&out).contains("ctrl-A"), "{}", describe(&out));
    }
}

/// The binary under test run with `args` and no engine to reach, with a docker config directory of
/// its own (no contexts in it): for what is refused before any engine is contacted.
fn run_unconfigured(args: &[&str]) -> Output {
    let config = TempDir::new("no-contexts");
    let mut command = Command::new(bin());
    command
        .args(args)
        .env("DOCKER_CONFIG", config.path())
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env_remove("DOCKER_CONTEXT");
    run_command(command, None, TIMEOUT)
}

#[test]
fn an_unknown_command_exits_1_and_points_to_help() {
    let out = run_unconfigured(&["nosuchcommand", "busybox"]);
    assert_eq!(code(&out), 1, "{}", describe(&out));
    let message = stderr(&out);
    assert!(
        message.contains("unknown command") && message.contains("nosuchcommand"),
        "{}",
        describe(&out)
    );
    assert!(message.contains(" --help'"), "{}", describe(&out));
}

#[test]
fn a_mistake_after_a_command_points_to_that_command_s_help() {
    for (command, args, want) in [
        ("run", &["run", "--nosuch", "busybox"][..], 125),
        ("exec", &["exec", "--nosuch", "c", "true"][..], 125),
        ("attach", &["attach", "--nosuch", "c"][..], 125),
        ("run", &["run"][..], 1),
        ("exec", &["exec", "c"][..], 1),
        // One argument too many is a wrong count, not an unknown flag.
        ("attach", &["attach", "a", "b"][..], 1),
    ] {
        let out = run_unconfigured(args);
        assert_eq!(code(&out), want, "{args:?}: {}", describe(&out));
        let pointer = format!(" {command} --help'");
        assert!(
            stderr(&out).contains(&pointer),
            "{args:?}: {}",
            describe(&out)
        );
    }
    // Before any command, the pointer is to the main help; an unknown flag there is 125 too.
    let out = run_unconfigured(&["--nosuch", "run", "busybox"]);
    assert_eq!(code(&out), 125, "{}", describe(&out));
    assert!(!stderr(&out).contains(" run --help"), "{}", describe(&out));
}

#[test]
fn an_engine_that_cannot_be_settled_exits_1_whatever_the_command() {
    let tls = [
        "-H",
        "tcp://127.0.0.1:9",
        "--tlsverify",
        "--tlscacert",
        "/nonexistent/ca.pem",
    ];
    let both = [
        "--context",
        "nosuchcontext",
        "-H",
        "unix:///nonexistent.sock",
    ];
    for engine in [&["--context", "nosuchcontext"][..], &tls[..], &both[..]] {
        for command in [
            &["run", "--rm", "busybox", "true"][..],
            &["exec", "c", "true"][..],
            &["attach", "c"][..],
        ] {
            let args = [engine, command].concat();
            let out = run_unconfigured(&args);
            assert_eq!(code(&out), 1, "{args:?}: {}", describe(&out));
            let message = stderr(&out);
            assert!(
                ["nosuchcontext", "/nonexistent/ca.pem", "--host"]
                    .iter()
                    .any(|name| message.contains(name)),
                "{args:?}: {}",
                describe(&out)
            );
            assert_eq!(message.lines().count(), 1, "{args:?}: {}", describe(&out));
        }
    }
}

#[test]
fn a_missing_tag_is_reported_in_the_engine_s_words() {
    let mut up = Command::new("bash");
    up.args(["scripts/registry.sh", "up"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    let out = run_command(up, None, Duration::from_secs(300));
    assert!(out.status.success(), "registry.sh up: {}", describe(&out));
    let port = std::env::var("DPTY_REGISTRY_PORT").unwrap_or_else(|_| "5000".into());
    let image = format!("127.0.0.1:{port}/dpty-test/never-pushed:nosuchtag");
    let out = run_bin(&["run", "--rm", &image, "true"], None, TIMEOUT);
    assert_eq!(code(&out), 125, "{}", describe(&out));
    let message = stderr(&out);
    // The client library's own wording, not the engine's, would be "Docker responded with status
    // code 404: ...".
    assert!(
        !message.contains("status code") && message.contains("manifest unknown"),
        "{}",
        describe(&out)
    );
    assert!(message.contains("never-pushed"), "{}", describe(&out));
}

/// A container command that acknowledges every SIGINT and SIGTERM it is passed, and otherwise
/// ignores them, printing `ready` first.
const IGNORES_INTERRUPTS: &str =
    r#"trap "echo got-int" INT TERM; echo ready; while true; do sleep 0.1; done"#;

/// Sends SIGINT, SIGTERM and SIGINT to the binary under test on `pty`, each once the one before
/// has reached the container (two sent together may merge into one pending signal). The output
/// must already show that the session is joined.
fn interrupt_three_times(pty: &mut Pty) {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        send_signal(pty.pid(), signal);
        pty.expect("got-int", TIMEOUT);
    }
    send_signal(pty.pid(), libc::SIGINT);
}

/// Waits for the end and checks it is the docker CLI's give-up: its words, status 1.
#[track_caller]
fn assert_gave_up(pty: &mut Pty) {
    let status = pty.wait(TIMEOUT);
    let output = escape(&pty.output());
    assert_eq!(status, 1, "{output}");
    assert!(
        output.contains("got 3 SIGTERM/SIGINTs, forcefully exiting"),
        "{output}"
    );
}

#[test]
fn three_interrupts_make_run_give_up_as_docker_does() {
    for tty in [false, true] {
        let container = ContainerGuard(unique_name("give-up-run"));
        let streams = if tty { "-it" } else { "-i" };
        let mut pty = Pty::bin(
            &[
                "run",
                streams,
                "--network",
                "none",
                "--name",
                container.name(),
                "busybox",
                "sh",
                "-c",
                IGNORES_INTERRUPTS,
            ],
            24,
            80,
        );
        pty.expect("ready", TIMEOUT);
        interrupt_three_times(&mut pty);
        assert_gave_up(&mut pty);
    }
}

#[test]
fn three_interrupts_make_attach_give_up_as_docker_does() {
    let container = ContainerGuard(unique_name("give-up-attach"));
    support::docker_run_detached(
        container.name(),
        r#"trap "echo got-int" INT TERM; while true; do echo tick; sleep 0.1; done"#,
    );
    let mut pty = Pty::bin(&["attach", container.name()], 24, 80);
    // A tick seen through the session proves it is attached, its signal handlers in place.
    pty.expect("tick", TIMEOUT);
    interrupt_three_times(&mut pty);
    assert_gave_up(&mut pty);
}

#[test]
fn three_interrupts_make_exec_give_up_as_run_does() {
    if skip_under_docker("docker exec cannot pass a signal on: it ends at the first, with 0") {
        return;
    }
    let container = support::sleeper("give-up-exec");
    let mut pty = Pty::bin(
        &[
            "exec",
            "-i",
            container.name(),
            "sh",
            "-c",
            IGNORES_INTERRUPTS,
        ],
        24,
        80,
    );
    pty.expect("ready", TIMEOUT);
    interrupt_three_times(&mut pty);
    assert_gave_up(&mut pty);
}

#[test]
fn a_single_signal_that_ends_a_run_is_not_a_give_up() {
    if is_docker() {
        // The docker CLI ignores a first interrupt without the signal proxy.
        eprintln!("skipped against the docker CLI: it waits for a third interrupt");
        return;
    }
    let container = ContainerGuard(unique_name("one-signal"));
    let mut pty = Pty::bin(
        &[
            "run",
            "-i",
            "--sig-proxy=false",
            "--network",
            "none",
            "--name",
            container.name(),
            "busybox",
            "sh",
            "-c",
            IGNORES_INTERRUPTS,
        ],
        24,
        80,
    );
    pty.expect("ready", TIMEOUT);
    send_signal(pty.pid(), libc::SIGINT);
    let status = pty.wait(TIMEOUT);
    let output = escape(&pty.output());
    assert_eq!(status, 130, "{output}");
    assert!(!output.contains("forcefully"), "{output}");
}
