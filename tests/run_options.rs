//! What `run`'s options do once a container is started: detaching prints the id, `--rm` and
//! `--cidfile` keep their promises, `-a` picks the streams, and the options that shape the container
//! (`--init`, `--read-only`, `--tmpfs`, `--mount`, `--ulimit`, `-h`, `--add-host`, `-l`,
//! `--restart`, `-w`, `-u`, `--env-file`) are seen from inside it or by `docker inspect`.
//!
//! `tests/parity.rs` checks the requests these options produce; this file checks their effect on a
//! real engine. Every container runs with `--network none` and is removed by a guard.

mod support;

use support::{
    code, container_exists, describe, docker, is_running, run_bin, unique_name, wait_for,
    ContainerGuard, Pty, TempDir, TIMEOUT,
};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `run --network none --name NAME ARGS...` with the binary under test, without a terminal,
/// and returns the guard that removes the container with its output.
fn run(test: &str, args: &[&str]) -> (ContainerGuard, std::process::Output) {
    run_with_input(test, args, None)
}

fn run_with_input(
    test: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> (ContainerGuard, std::process::Output) {
    let guard = ContainerGuard(unique_name(test));
    let mut argv = vec!["run", "--network", "none", "--name", guard.name()];
    argv.extend_from_slice(args);
    let out = run_bin(&argv, stdin, TIMEOUT);
    (guard, out)
}

/// Asserts the run exited 0 and returns its stdout.
#[track_caller]
fn succeeded(out: &std::process::Output) -> String {
    assert_eq!(code(out), 0, "{}", describe(out));
    stdout(out)
}

fn is_full_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The container's full id, as the engine reports it.
fn id_of(name: &str) -> String {
    let out = docker(&["inspect", "-f", "{{.Id}}", name]);
    support::assert_success("inspecting the container", &out);
    stdout(&out).trim().to_string()
}

#[test]
fn detach_prints_the_full_id_and_leaves_the_container_running() {
    let (container, out) = run("detach", &["-d", "busybox", "sleep", "60"]);
    let printed = succeeded(&out);
    let id = printed.trim_end_matches('\n');
    assert!(
        is_full_id(id) && printed.ends_with('\n'),
        "stdout is not one full id: {}",
        describe(&out)
    );
    assert_eq!(id, id_of(container.name()));
    assert!(is_running(container.name()));
}

#[test]
fn detach_with_rm_removes_the_container_once_it_exits() {
    let (container, out) = run("detach-rm", &["-d", "--rm", "busybox", "true"]);
    assert!(is_full_id(succeeded(&out).trim()), "{}", describe(&out));
    wait_for("the container's removal after it exited", TIMEOUT, || {
        !container_exists(container.name())
    });
}

#[test]
fn cidfile_receives_the_id_and_an_existing_one_is_refused() {
    let dir = TempDir::new("cidfile");
    let cidfile = dir.path().join("id");
    let cidfile = cidfile.to_str().expect("a UTF-8 temporary path");
    let (container, out) = run(
        "cidfile",
        &["-d", "--cidfile", cidfile, "busybox", "sleep", "60"],
    );
    let printed = succeeded(&out);
    let written = std::fs::read_to_string(cidfile).expect("reading the cidfile");
    assert_eq!(written, id_of(container.name()), "the cidfile's content");
    assert_eq!(printed.trim(), written);

    // docker refuses before creating anything, so the second name never exists.
    let (second, out) = run(
        "cidfile-again",
        &["-d", "--cidfile", cidfile, "busybox", "sleep", "60"],
    );
    assert_eq!(code(&out), 125, "{}", describe(&out));
    assert!(stderr(&out).contains(cidfile), "{}", describe(&out));
    assert!(!container_exists(second.name()));
    assert_eq!(
        std::fs::read_to_string(cidfile).expect("reading the cidfile again"),
        written,
        "the refused run changed the existing cidfile"
    );
}

const BOTH_STREAMS: &str = "echo out; echo err >&2";

#[test]
fn attach_stdout_shows_only_stdout() {
    let (_container, out) = run(
        "attach-stdout",
        &["--rm", "-a", "stdout", "busybox", "sh", "-c", BOTH_STREAMS],
    );
    assert_eq!(succeeded(&out), "out\n", "{}", describe(&out));
    assert!(!stderr(&out).contains("err"), "{}", describe(&out));
}

#[test]
fn attach_stderr_shows_only_stderr() {
    let (_container, out) = run(
        "attach-stderr",
        &["--rm", "-a", "stderr", "busybox", "sh", "-c", BOTH_STREAMS],
    );
    assert_eq!(succeeded(&out), "", "{}", describe(&out));
    assert_eq!(stderr(&out), "err\n", "{}", describe(&out));
}

/// Whether a process command line names an init: docker's is `/sbin/docker-init`, Podman's
/// `/run/podman-init` (catatonit); both end in `-init`, which is the behaviour compared.
fn is_an_init(cmdline: &str) -> bool {
    cmdline
        .split(['\0', ' '])
        .next()
        .is_some_and(|program| program.ends_with("-init"))
}

#[test]
fn init_is_pid_1() {
    let (_container, out) = run(
        "init",
        &["--rm", "--init", "busybox", "cat", "/proc/1/cmdline"],
    );
    let cmdline = succeeded(&out);
    assert!(is_an_init(&cmdline), "pid 1 is {cmdline:?}");

    let (_container, out) = run("no-init", &["--rm", "busybox", "cat", "/proc/1/cmdline"]);
    assert!(
        !is_an_init(&succeeded(&out)),
        "pid 1 is an init without --init"
    );
}

#[test]
fn init_is_pid_1_under_an_interactive_shell() {
    let container = ContainerGuard(unique_name("init-it"));
    let mut pty = Pty::bin(
        &[
            "run",
            "--rm",
            "-it",
            "--init",
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
    // A prompt first: typing at a terminal whose program has already gone would block.
    pty.expect("/ # ", TIMEOUT);
    // The answer is computed, so the echo of the typed command cannot match it.
    pty.type_until(
        "tr '\\0' '\\n' </proc/1/cmdline | head -n1 | grep -q -- '-init$' && echo init-is-pid-$((2-1))",
        "init-is-pid-1",
    );
    pty.type_until("ps", "-- sh");
    pty.send(b"exit\r");
    assert_eq!(pty.wait(TIMEOUT), 0);
}

#[test]
fn read_only_root_refuses_writes() {
    let script = "touch /x 2>/dev/null && echo wrote || echo refused";
    let (_container, out) = run(
        "read-only",
        &["--rm", "--read-only", "busybox", "sh", "-c", script],
    );
    assert_eq!(succeeded(&out), "refused\n", "{}", describe(&out));
    let (_container, out) = run("read-write", &["--rm", "busybox", "sh", "-c", script]);
    assert_eq!(succeeded(&out), "wrote\n", "{}", describe(&out));
}

#[test]
fn tmpfs_is_mounted_with_its_size() {
    let (_container, out) = run(
        "tmpfs",
        &[
            "--rm",
            "--tmpfs",
            "/run:size=1m",
            "busybox",
            "grep",
            " /run ",
            "/proc/mounts",
        ],
    );
    let mount = succeeded(&out);
    assert!(
        mount.starts_with("tmpfs /run tmpfs ") && mount.contains("size=1024k"),
        "{mount:?}"
    );
}

#[test]
fn bind_mount_shows_a_host_file() {
    let dir = TempDir::new("bind");
    std::fs::write(dir.path().join("hello.txt"), "from the host\n").expect("writing the file");
    let mount = format!("type=bind,source={},target=/x", dir.path().display());
    let (_container, out) = run(
        "bind",
        &["--rm", "--mount", &mount, "busybox", "cat", "/x/hello.txt"],
    );
    assert_eq!(succeeded(&out), "from the host\n");
}

#[test]
fn ulimit_sets_soft_and_hard_limits() {
    // Two limits: once any is given, Podman adds its own default for the process limit
    // (1048576), which this machine's hard limit refuses; giving it here keeps the test about
    // dpty, on both engines.
    let (_container, out) = run(
        "ulimit",
        &[
            "--rm",
            "--ulimit",
            "nofile=1024:2048",
            "--ulimit",
            "nproc=500:1000",
            "busybox",
            "sh",
            "-c",
            "ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu",
        ],
    );
    assert_eq!(succeeded(&out), "1024\n2048\n500\n1000\n");
}

#[test]
fn hostname_is_set_by_either_spelling() {
    for flag in ["-h", "--hostname"] {
        let (_container, out) = run(
            "hostname",
            &["--rm", flag, "inner-name", "busybox", "hostname"],
        );
        assert_eq!(succeeded(&out), "inner-name\n", "{flag}");
    }
}

#[test]
fn add_host_appears_in_etc_hosts() {
    let (_container, out) = run(
        "add-host",
        &[
            "--rm",
            "--add-host",
            "foo:1.2.3.4",
            "busybox",
            "cat",
            "/etc/hosts",
        ],
    );
    let hosts = succeeded(&out);
    assert!(
        hosts
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["1.2.3.4", "foo"]),
        "{hosts}"
    );
}

#[test]
fn label_is_seen_by_inspect() {
    let (container, out) = run("label", &["-l", "a=b", "busybox", "true"]);
    succeeded(&out);
    let inspect = docker(&[
        "inspect",
        "-f",
        "{{index .Config.Labels \"a\"}}",
        container.name(),
    ]);
    assert_eq!(stdout(&inspect).trim(), "b", "{}", describe(&inspect));
}

#[test]
fn restart_policy_is_accepted_with_stdin_and_the_container_runs() {
    let (container, out) = run_with_input(
        "restart",
        &["--restart", "on-failure:1", "-i", "busybox", "cat"],
        Some(b"through stdin\n"),
    );
    assert_eq!(succeeded(&out), "through stdin\n");
    let inspect = docker(&[
        "inspect",
        "-f",
        "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}",
        container.name(),
    ]);
    assert_eq!(
        stdout(&inspect).trim(),
        "on-failure:1",
        "{}",
        describe(&inspect)
    );
}

#[test]
fn workdir_user_and_env_file_reach_the_process() {
    let dir = TempDir::new("env-file");
    let env_file = dir.path().join("env.list");
    std::fs::write(&env_file, "# a comment\nFROM_FILE=yes\n").expect("writing the env file");
    let env_file = env_file.to_str().expect("a UTF-8 temporary path");
    let (_container, out) = run(
        "workdir-user-env",
        &[
            "--rm",
            "--workdir",
            "/tmp",
            "--user",
            "1000:100",
            "--env-file",
            env_file,
            "busybox",
            "sh",
            "-c",
            "pwd; id -u; id -g; echo $FROM_FILE",
        ],
    );
    // Numeric ids: the local busybox image may have no passwd entries beyond root.
    assert_eq!(succeeded(&out), "/tmp\n1000\n100\nyes\n");
}
