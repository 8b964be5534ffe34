//! `dpty debug` against the real engine: a shell in containers that have none (a static program
//! imported `FROM scratch`), live while they run and on a snapshot copy when they do not, with the
//! target's processes, root, environment and working directory, and nothing left behind on any way
//! out: exit, a signal, SIGKILL of dpty itself, the target dying. The toolbox is always the local
//! `busybox:latest` (Debian's busybox-static, which is static), never pulled.
//!
//! The target image is built here, once per run: `gcc -static` of the small program below, with a
//! marker file and an /etc/passwd, imported with `docker import` and `--change` for its CMD, ENV and
//! WORKDIR. Every test makes its own target container; what a session makes carries the label
//! `dpty.debug.target=<the target's id>`, so "nothing left" is checked per target while other tests
//! run beside it.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use support::{
    assert_success, code, describe, docker, run_bin, run_command, skip_under_docker, unique_name,
    wait_for, ContainerGuard, Pty, TempDir, TIMEOUT,
};

/// The target's program: with no arguments it waits for SIGTERM or SIGINT; with `exit IN_ROOT
/// IN_VOLUME CODE` it writes a line into both files and exits with CODE.
const TARGET_C: &str = r#"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int signal) { (void)signal; stop = 1; }

static void write_line(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)write(fd, "written-by-target\n", 18);
        close(fd);
    }
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "exit") == 0) {
        write_line(argv[2]);
        write_line(argv[3]);
        return atoi(argv[4]);
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stop)
        pause();
    return 0;
}
"#;

/// The target's files besides its program, and how it is imported.
const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n";
const GROUP: &str = "root:x:0:\napp:x:1000:\n";
const MARKER: &str = "scratch-target\n";
const CHANGES: [&str; 3] = [
    "CMD [\"/target\"]",
    "ENV GREETING=hello-from-target",
    "WORKDIR /work",
];

const DYNAMIC_TOOLBOX: &str = "dpty-test-debug-dynamic:1";
const TOOLBOX: &str = "busybox:latest";

/// Whether the engine has the image already: the test images are made once, not at every run,
/// so that no run leaves the last one's behind untagged.
fn have_image(name: &str) -> bool {
    docker(&["image", "inspect", name]).status.success()
}

/// Runs a local command for the set-up, failing the test with its output if it fails.
#[track_caller]
fn local(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(program);
    command.args(args);
    let out = run_command(command, stdin, Duration::from_secs(120));
    assert_success(&format!("{program} {args:?}"), &out);
    out
}

/// Imports the directory `root` as the image `name`, with `changes` (Dockerfile instructions).
fn import(root: &Path, name: &str, changes: &[&str]) {
    let root = root.to_str().expect("a UTF-8 path");
    let tar = local(
        "tar",
        &["-C", root, "--owner=0", "--group=0", "-c", "."],
        None,
    )
    .stdout;
    let mut args = vec!["import"];
    for change in changes {
        args.extend(["--change", change]);
    }
    args.extend(["-", name]);
    let mut command = Command::new("docker");
    command.arg("-H").arg(support::docker_host()).args(&args);
    let out = run_command(command, Some(&tar), TIMEOUT);
    assert_success(&format!("importing {name}"), &out);
}

/// The target image: a static program, a marker file and the users root and app (1000), nothing
/// else: no shell, no other program. Its tag is a hash of what goes into it, so a change makes a
/// new image.
fn target_image() -> &'static str {
    static BUILT: OnceLock<String> = OnceLock::new();
    BUILT.get_or_init(|| {
        // FNV-1a: stable across Rust versions, unlike the standard library's hasher.
        let made_of = [TARGET_C, PASSWD, GROUP, MARKER].join("") + &CHANGES.join("");
        let hash = made_of.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let name = format!("dpty-test-debug-target:{hash:016x}");
        if have_image(&name) {
            return name;
        }
        let dir = TempDir::new("debug-target");
        let source = dir.path().join("target.c");
        std::fs::write(&source, TARGET_C).expect("writing target.c");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("etc")).expect("making the root");
        let binary = root.join("target");
        local(
            "gcc",
            &[
                "-static",
                "-Os",
                "-o",
                binary.to_str().unwrap(),
                source.to_str().unwrap(),
            ],
            None,
        );
        let etc = root.join("etc");
        std::fs::write(etc.join("dpty-target-marker"), MARKER).unwrap();
        std::fs::write(etc.join("passwd"), PASSWD).unwrap();
        std::fs::write(etc.join("group"), GROUP).unwrap();
        import(&root, &name, &CHANGES);
        name
    })
}

/// A toolbox whose shell is dynamically linked (the machine's dash, with its libraries), so that
/// it runs in its own root but not in the target's.
fn dynamic_toolbox() -> &'static str {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        if have_image(DYNAMIC_TOOLBOX) {
            return;
        }
        let dir = TempDir::new("debug-dynamic");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        let programs = [("/bin/dash", "bin/sh"), ("/usr/sbin/chroot", "bin/chroot")];
        for (from, to) in programs {
            std::fs::copy(from, root.join(to)).unwrap_or_else(|e| panic!("copying {from}: {e}"));
            let ldd = local("ldd", &[from], None);
            for library in String::from_utf8_lossy(&ldd.stdout).split_whitespace() {
                if library.starts_with('/') {
                    let inside = root.join(library.trim_start_matches('/'));
                    std::fs::create_dir_all(inside.parent().unwrap()).unwrap();
                    std::fs::copy(library, &inside)
                        .unwrap_or_else(|e| panic!("copying {library}: {e}"));
                }
            }
        }
        import(&root, DYNAMIC_TOOLBOX, &["CMD [\"/bin/sh\"]"]);
    });
    DYNAMIC_TOOLBOX
}

/// A target container of the test image, removed (with its volume, if any) when dropped.
struct Target {
    container: ContainerGuard,
    id: String,
    volume: Option<String>,
}

impl Target {
    /// Starts a running target with `options` for `docker run` (`--user 1000`, `--read-only`, ...).
    fn running(test: &str, options: &[&str]) -> Target {
        let image = target_image();
        let container = ContainerGuard(unique_name(test));
        let mut args = vec!["run", "-d", "--network", "none", "--name", container.name()];
        args.extend(options);
        args.push(image);
        assert_success("starting the target", &docker(&args));
        let id = inspect(container.name(), "{{.Id}}");
        Target {
            container,
            id,
            volume: None,
        }
    }

    fn name(&self) -> &str {
        self.container.name()
    }

    /// The containers and images that debug sessions made for this target and left.
    fn leftovers(&self) -> Vec<String> {
        let label = format!("label=dpty.debug.target={}", self.id);
        let mut found = Vec::new();
        for (what, args) in [
            ("container", vec!["ps", "-aq", "--filter", &label]),
            ("image", vec!["images", "-aq", "--filter", &label]),
        ] {
            let out = docker(&args);
            assert_success("listing what debug sessions made", &out);
            let listed = String::from_utf8_lossy(&out.stdout).into_owned();
            found.extend(listed.split_whitespace().map(|id| format!("{what} {id}")));
        }
        found
    }

    #[track_caller]
    fn assert_nothing_left(&self) {
        assert_eq!(self.leftovers(), Vec::<String>::new(), "left behind");
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(volume) = &self.volume {
            // The container goes first: a volume in use cannot be removed.
            let _ = docker(&["rm", "-f", self.container.name()]);
            let _ = docker(&["volume", "rm", "-f", volume]);
        }
    }
}

/// A format of `docker inspect` for the container.
#[track_caller]
fn inspect(name: &str, format: &str) -> String {
    let out = docker(&["inspect", "-f", format, name]);
    assert_success("inspecting the target", &out);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `dpty debug` with the local toolbox, never pulled, then `args`.
fn debug_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["debug", "--image", TOOLBOX, "--pull", "never"];
    all.extend(args);
    all
}

/// Runs `dpty debug ... args` without a terminal, `stdin` piped in.
#[track_caller]
fn debug(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_bin(&debug_args(args), stdin, TIMEOUT)
}

/// A failure before the session: status 125, one line on stderr that says `what`, and nothing
/// made for `target` left.
#[track_caller]
fn assert_refused(out: &Output, what: &str, target: &Target) {
    assert_eq!(code(out), 125, "{}", describe(out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {}", describe(out));
    assert!(lines[0].starts_with("dpty: "), "{}", describe(out));
    assert!(lines[0].contains(what), "no {what:?} in: {}", describe(out));
    target.assert_nothing_left();
}

#[test]
fn a_live_shell_sees_the_target_s_processes_root_environment_and_working_directory() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-live", &[]);
    let exec = docker(&["exec", target.name(), "sh", "-c", "true"]);
    assert!(
        !exec.status.success(),
        "the target has a shell after all: {}",
        describe(&exec)
    );
    let changes_before = docker(&["diff", target.name()]).stdout;

    let mut pty = Pty::bin_checked(&debug_args(&[target.name()]), 24, 80);
    pty.type_until(
        "ps -o pid,args | awk '$1 == 1 { print \"first=\" $2 }'",
        "first=/target",
    );
    pty.type_until(
        "echo marker=$(cat /etc/dpty-target-marker)",
        "marker=scratch-target",
    );
    pty.type_until("echo env=$GREETING", "env=hello-from-target");
    pty.type_until("echo pwd=$(pwd)", "pwd=/work");
    pty.type_until("echo size=$(stty size)", "size=24 80");
    pty.resize(30, 100);
    pty.type_until("echo size=$(stty size)", "size=30 100");
    pty.send(b"exit 7\r");
    assert_eq!(pty.finish(TIMEOUT), 7);

    assert_eq!(
        String::from_utf8_lossy(&docker(&["diff", target.name()]).stdout),
        String::from_utf8_lossy(&changes_before),
        "the session changed the target's files"
    );
    target.assert_nothing_left();
    assert_eq!(inspect(target.name(), "{{.State.Status}}"), "running");
}

#[test]
fn a_command_gets_piped_stdin_to_its_end_and_gives_its_status() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-pipe", &[]);
    let input = b"first line\nsecond line\n";
    let out = debug(
        &[
            target.name(),
            "--",
            "sh",
            "-c",
            "wc -l; echo root=$(cat /etc/dpty-target-marker); exit 3",
        ],
        Some(input),
    );
    assert_eq!(code(&out), 3, "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains('2'), "{}", describe(&out));
    assert!(stdout.contains("root=scratch-target"), "{}", describe(&out));
    target.assert_nothing_left();
}

#[test]
fn non_root_read_only_and_capability_targets_are_entered_without_privileges() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let cases: [&[&str]; 5] = [
        &["--user", "1000"],
        &["--read-only"],
        &["--cap-drop", "ALL"],
        &["--cap-add", "NET_ADMIN"],
        &["--user", "app", "--cap-drop", "ALL", "--read-only"],
    ];
    for options in cases {
        let target = Target::running("debug-kinds", options);
        let out = debug(
            &[
                target.name(),
                "--",
                "sh",
                "-c",
                "cat /etc/dpty-target-marker; cat /proc/1/comm",
            ],
            None,
        );
        assert_eq!(code(&out), 0, "{options:?}: {}", describe(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout, "scratch-target\ntarget\n", "{options:?}");
        target.assert_nothing_left();
    }
}

#[test]
fn the_user_option_runs_the_command_as_that_user_live_and_on_a_copy() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-user", &[]);
    for args in [
        &["-u", "app"][..],
        &["-u", "1000"],
        &["--copy", "-u", "1000:1000"],
    ] {
        let mut all = args.to_vec();
        all.extend([target.name(), "--", "id", "-u"]);
        let out = debug(&all, None);
        assert_eq!(code(&out), 0, "{args:?}: {}", describe(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "1000\n", "{args:?}");
    }
    // A live session enters the target as root first: a user its /etc/passwd lacks is refused.
    let out = debug(&["-u", "4242", target.name(), "--", "id", "-u"], None);
    assert_eq!(code(&out), 125, "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user 4242"));
    target.assert_nothing_left();
}

#[test]
fn an_exited_target_is_debugged_on_a_copy_with_its_files_volume_and_environment() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let image = target_image();
    let container = ContainerGuard(unique_name("debug-exited"));
    let volume = unique_name("debug-volume");
    assert_success("making a volume", &docker(&["volume", "create", &volume]));
    let mount = format!("{volume}:/data");
    let ran = docker(&[
        "run",
        "--network",
        "none",
        "--name",
        container.name(),
        "-h",
        "debugged-host",
        "-e",
        "FROM_RUN=set-by-run",
        "-v",
        &mount,
        image,
        "/target",
        "exit",
        "/in-root",
        "/data/by-target",
        "42",
    ]);
    assert_eq!(code(&ran), 42, "{}", describe(&ran));
    let id = inspect(container.name(), "{{.Id}}");
    let target = Target {
        container,
        id,
        volume: Some(volume.clone()),
    };

    let script = "cat /in-root /data/by-target; echo env=$FROM_RUN,$GREETING; echo pwd=$(pwd); \
                  hostname; echo from-debug > /data/by-debug; echo discarded > /in-root-by-debug";
    let out = debug(&[target.name(), "--", "sh", "-c", script], None);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "written-by-target\nwritten-by-target\nenv=set-by-run,hello-from-target\npwd=/work\n\
         debugged-host\n",
        "{}",
        describe(&out)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("discarded"), "{}", describe(&out));

    // The target is as it was; the volume got the write; the copy's own file is gone.
    assert_eq!(
        inspect(target.name(), "{{.State.Status}} {{.State.ExitCode}}"),
        "exited 42"
    );
    let read = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        &mount,
        "busybox",
        "cat",
        "/data/by-debug",
    ]);
    assert_eq!(String::from_utf8_lossy(&read.stdout), "from-debug\n");
    let again = debug(
        &[target.name(), "--", "sh", "-c", "test -e /in-root-by-debug"],
        None,
    );
    assert_eq!(code(&again), 1, "{}", describe(&again));
    target.assert_nothing_left();
}

/// Starts `dpty debug` on a terminal with a command that says it runs and then waits, and waits
/// for it to say so.
fn session_under_way(target: &Target, copy: bool) -> Pty {
    let mut args = vec![];
    if copy {
        args.push("--copy");
    }
    args.extend([
        target.name(),
        "--",
        "sh",
        "-c",
        "echo under-way-$((6*7)); exec sleep 600",
    ]);
    let mut pty = Pty::bin(&debug_args(&args), 24, 80);
    pty.expect("under-way-42", TIMEOUT);
    pty
}

#[test]
fn killing_dpty_with_sigkill_leaves_no_container_behind() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-kill", &[]);
    for copy in [false, true] {
        let pty = session_under_way(&target, copy);
        support::send_signal(pty.pid(), libc::SIGKILL);
        wait_for(
            "the debug containers' removal",
            Duration::from_secs(10),
            || target.leftovers().iter().all(|l| l.starts_with("image")),
        );
        let images = target.leftovers();
        if support::is_podman() && copy {
            // Podman removes a copy with its image, so the snapshot outlives a SIGKILL; --gc (or a
            // later session, once it is a minute old) removes it.
            assert_eq!(images.len(), 1, "{images:?}");
            let out = run_bin(&["debug", "--gc"], None, TIMEOUT);
            assert_eq!(code(&out), 0, "{}", describe(&out));
        }
        target.assert_nothing_left();
        drop(pty);
    }
    assert_eq!(inspect(target.name(), "{{.State.Status}}"), "running");
}

#[test]
fn a_signal_ends_the_session_restores_the_terminal_and_removes_everything() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-term", &[]);
    for copy in [false, true] {
        let mut args = vec![];
        if copy {
            args.push("--copy");
        }
        args.push(target.name());
        let mut pty = Pty::bin_checked(&debug_args(&args), 24, 80);
        pty.type_until("echo ready-$((6*7))", "ready-42");
        let dpty = support::only_child_of(pty.pid());
        support::send_signal(dpty, libc::SIGTERM);
        assert_eq!(pty.finish(TIMEOUT), 143);
        target.assert_nothing_left();
    }
}

#[test]
fn the_target_dying_ends_the_session_with_137_and_says_so() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-dies", &[]);
    let mut pty = Pty::bin_checked(&debug_args(&[target.name()]), 24, 80);
    pty.type_until("echo ready-$((6*7))", "ready-42");
    assert_success("killing the target", &docker(&["kill", target.name()]));
    pty.expect("ended during the session", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 137);
    target.assert_nothing_left();
}

#[test]
fn failures_before_the_session_are_one_line_with_status_125_and_leave_nothing() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-errors", &[]);

    let out = debug(&["dpty-test-no-such-container"], None);
    assert_refused(&out, "dpty-test-no-such-container", &target);

    let missing = [
        "debug",
        "--image",
        "dpty-test-no-such-toolbox:1",
        "--pull",
        "never",
        target.name(),
    ];
    let out = run_bin(&missing, None, TIMEOUT);
    assert_refused(&out, "--pull=never", &target);

    // A toolbox with no shell at all: the target's own image.
    let no_shell = ["debug", "--image", target_image(), "--pull", "never"];
    let mut args = no_shell.to_vec();
    args.push(target.name());
    let out = run_bin(&args, None, TIMEOUT);
    assert_refused(&out, "has no /bin/sh", &target);
    let mut args = no_shell.to_vec();
    args.extend(["--copy", target.name()]);
    let out = run_bin(&args, None, TIMEOUT);
    assert_refused(&out, "has no /bin/sh", &target);

    // A shell that runs in its own root but not in the target's: what the session says then.
    let dynamic = ["debug", "--image", dynamic_toolbox(), "--pull", "never"];
    let mut args = dynamic.to_vec();
    args.extend([target.name(), "--", "true"]);
    let out = run_bin(&args, None, TIMEOUT);
    assert_eq!(code(&out), 125, "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("statically linked"),
        "{}",
        describe(&out)
    );
    target.assert_nothing_left();

    let out = debug(&["--cap-add", "NO_SUCH_CAP", target.name()], None);
    assert_refused(&out, "NO_SUCH_CAP", &target);

    let out = debug(&["--net", "none", target.name()], None);
    assert_refused(&out, "--copy", &target);
    assert_eq!(inspect(target.name(), "{{.State.Status}}"), "running");

    // A mistyped name, or an option that does not fit the target, is told before the toolbox is
    // pulled: a toolbox on a closed loopback port would fail the pull at once if one were tried.
    let unpullable = ["debug", "--image", "127.0.0.1:9/dpty-test-toolbox:1"];
    let mut args = unpullable.to_vec();
    args.push("dpty-test-no-such-container");
    let out = run_bin(&args, None, TIMEOUT);
    assert_refused(&out, "dpty-test-no-such-container", &target);
    let mut args = unpullable.to_vec();
    args.extend(["--net", "none", target.name()]);
    let out = run_bin(&args, None, TIMEOUT);
    assert_refused(&out, "--copy", &target);
}

#[test]
fn gc_removes_what_sessions_left_and_nothing_in_use() {
    if skip_under_docker("dpty debug") {
        return;
    }
    let target = Target::running("debug-gc", &[]);
    let label = format!("dpty.debug.target={}", target.id);
    let left = ContainerGuard(unique_name("debug-left"));
    // A helper whose engine went away before it could remove it: stopped.
    let made = docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--label",
        "dpty.debug=helper",
        "--label",
        &label,
        "--name",
        left.name(),
        "busybox",
        "true",
    ]);
    assert_success("making a leftover", &made);
    wait_for("the leftover's end", TIMEOUT, || {
        inspect(left.name(), "{{.State.Status}}") == "exited"
    });
    let out = run_bin(&["debug", "--gc"], None, TIMEOUT);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    let id = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("removed container {id}")),
        "{}",
        describe(&out)
    );
    target.assert_nothing_left();
    // A session under way is not a leftover.
    let pty = session_under_way(&target, false);
    let out = run_bin(&["debug", "--gc"], None, TIMEOUT);
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(target.leftovers().len(), 1, "the session's helper went");
    drop(pty);
}
