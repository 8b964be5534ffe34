//! `dpty service exec` and `dpty service attach`, end to end on a real three-node swarm
//! (`scripts/swarm.sh`: each node a dockerd with its own hostname in its own network namespace, node1
//! the manager, an sshd on every node). Over it, on a real pseudo-terminal: a shell in a task on the
//! manager and on each worker, chosen by slot, by service, by task id prefix and by `--node`, with its
//! prompt, size, resizes, exit status and the terminal restored; the node reached with no hop, through
//! a docker context named after it and over ssh with no context at all; `--all` with one task failing,
//! stdin sent to every task and lines never cut; attach and detach; the task dying mid-session; every
//! error as one line with a non-zero status within seconds; the hint of `dpty exec web.1`; the
//! completion of services and their slots; and the library's own calls. After every run that went
//! over ssh, no ssh process of it is left. The docker CLI's `docker -H ssh://node exec` runs side by
//! side where it has an equivalent.
//!
//! Node addresses answer only inside the swarm's namespaces, so every run that may reach a node over
//! ssh runs under `ip netns exec` in the manager's namespace, with the swarm's ssh client first on
//! PATH (its key and known_hosts). Under `DPTY_TEST_ENGINE=podman` only the refusal of Podman, which
//! has no swarm, is checked.

mod support;

use std::collections::HashMap;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use support::{
    describe, escape, is_docker, only_child_of, run_command, wait_for, Pty, TempDir, TIMEOUT,
};

/// Installing the swarm's packages on a fresh machine takes a while; bringing it up, seconds.
const SETUP_TIMEOUT: Duration = Duration::from_secs(300);
/// Each error must be told within this.
const PROMPTLY: Duration = Duration::from_secs(10);
/// A resize reaching a container through ssh.
const RESIZED: Duration = Duration::from_secs(10);
const PROMPT: &str = "/ # ";

fn podman() -> bool {
    std::env::var("DPTY_TEST_ENGINE").is_ok_and(|engine| engine == "podman")
}

/// For the tests that need the swarm: false, after saying why, under Podman or the docker CLI.
fn swarm_tests() -> bool {
    if podman() {
        eprintln!("skipped against Podman: it has no swarm (see podman_has_no_swarm_and_says_so)");
        return false;
    }
    if is_docker() {
        eprintln!("skipped against the docker CLI: it has no `service exec`");
        return false;
    }
    true
}

// --- the swarm --------------------------------------------------------------------------------

/// What `scripts/swarm.sh env` says.
struct Swarm(HashMap<String, String>);

impl Swarm {
    fn var(&self, key: &str) -> &str {
        self.0
            .get(key)
            .unwrap_or_else(|| panic!("no {key} in `scripts/swarm.sh env`"))
    }

    fn manager(&self) -> &str {
        self.var("DPTY_SWARM_MANAGER")
    }

    /// Node `n`'s (1 to 3) value of `what`: NAME, HOST, SOCK, ID, ADDR.
    fn node(&self, n: usize, what: &str) -> &str {
        self.var(&format!("DPTY_SWARM_NODE{n}_{what}"))
    }

    /// The node (1 to 3) of a node id.
    fn node_of(&self, id: &str) -> usize {
        (1..=3)
            .find(|&n| self.node(n, "ID") == id)
            .unwrap_or_else(|| panic!("no node has id {id}"))
    }
}

fn script(args: &[&str]) -> Output {
    let mut command = Command::new("bash");
    command
        .arg("scripts/swarm.sh")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    run_command(command, None, SETUP_TIMEOUT)
}

/// Brings the swarm up once per test binary (`up` is idempotent and takes a lock; scripts/test.sh
/// has brought it up already) and reads where everything is.
fn swarm() -> &'static Swarm {
    static SWARM: OnceLock<Swarm> = OnceLock::new();
    SWARM.get_or_init(|| {
        let up = script(&["up"]);
        assert!(
            up.status.success(),
            "scripts/swarm.sh up: {}",
            describe(&up)
        );
        let env = script(&["env"]);
        assert!(
            env.status.success(),
            "scripts/swarm.sh env: {}",
            describe(&env)
        );
        let mut vars = HashMap::new();
        for word in String::from_utf8_lossy(&env.stdout).split_whitespace() {
            if let Some((key, value)) = word.split_once('=') {
                vars.insert(key.to_owned(), value.trim_matches('\'').to_owned());
            }
        }
        // `export DPTY_SWARM_NODES='node1 node2 node3'` splits; nothing here needs it.
        Swarm(vars)
    })
}

/// The docker CLI against the manager.
fn docker_on(host: &str, args: &[&str]) -> Output {
    let mut command = Command::new("docker");
    command.arg("-H").arg(host).args(args);
    run_command(command, None, TIMEOUT)
}

/// The services of this test binary, made once: their names.
struct Services {
    /// Three replicas, one per node, running `sh`.
    web: String,
    /// One task per node.
    global: String,
    /// One replica, attached to and ended by the attach test alone.
    attach: String,
    /// One replica, killed mid-session by its test alone.
    doomed: String,
    /// One replica that no node can take: never running.
    stuck: String,
}

fn services() -> &'static Services {
    static SERVICES: OnceLock<Services> = OnceLock::new();
    SERVICES.get_or_init(|| {
        let swarm = swarm();
        remove_services_of_earlier_runs(swarm);
        let prefix = format!("dptyt{}", std::process::id());
        let services = Services {
            web: format!("{prefix}web"),
            global: format!("{prefix}glob"),
            attach: format!("{prefix}att"),
            doomed: format!("{prefix}doom"),
            stuck: format!("{prefix}stuck"),
        };
        for (name, mode) in [
            (&services.web, "3"),
            (&services.global, "global"),
            (&services.attach, "1"),
            (&services.doomed, "1"),
        ] {
            let out = script(&["service", name, mode]);
            assert!(out.status.success(), "creating {name}: {}", describe(&out));
        }
        let out = docker_on(
            swarm.manager(),
            &[
                "service",
                "create",
                "-d",
                "--quiet",
                "--no-resolve-image",
                "--name",
                &services.stuck,
                "--constraint",
                "node.labels.dpty==nowhere",
                "busybox:latest",
                "sh",
            ],
        );
        assert!(
            out.status.success(),
            "creating {}: {}",
            services.stuck,
            describe(&out)
        );
        let nodes: Vec<usize> = tasks(&services.web).iter().map(|t| t.node).collect();
        let mut sorted = nodes.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [1, 2, 3],
            "the swarm did not put one web task on each node"
        );
        services
    })
}

/// Services a test binary that is no more left behind (when the swarm was up before the run).
fn remove_services_of_earlier_runs(swarm: &Swarm) {
    let out = docker_on(swarm.manager(), &["service", "ls", "--format", "{{.Name}}"]);
    for name in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(rest) = name.strip_prefix("dptyt") else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !pid.is_empty() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = script(&["service-rm", name]);
        }
    }
}

/// A running task, as the manager tells the docker CLI.
#[derive(Debug, Clone)]
struct TaskInfo {
    id: String,
    slot: Option<u64>,
    /// 1 to 3.
    node: usize,
    container: String,
}

impl TaskInfo {
    /// The container's hostname, which swarm makes its short id.
    fn hostname(&self) -> &str {
        &self.container[..12]
    }
}

/// The running tasks of `service`.
fn tasks(service: &str) -> Vec<TaskInfo> {
    let swarm = swarm();
    let out = docker_on(
        swarm.manager(),
        &[
            "service",
            "ps",
            "-q",
            "--no-trunc",
            "--filter",
            "desired-state=running",
            service,
        ],
    );
    assert!(
        out.status.success(),
        "docker service ps: {}",
        describe(&out)
    );
    let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let format =
        "{{.ID}} {{.Slot}} {{.NodeID}} {{.Status.State}} {{.Status.ContainerStatus.ContainerID}}";
    let mut args = vec!["inspect", "--format", format];
    args.extend(ids.iter().map(String::as_str));
    let out = docker_on(swarm.manager(), &args);
    assert!(out.status.success(), "docker inspect: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [id, slot, node, "running", container] => Some(TaskInfo {
                    id: id.to_owned(),
                    slot: slot.parse().ok().filter(|&s| s != 0),
                    node: swarm.node_of(node),
                    container: container.to_owned(),
                }),
                _ => None,
            },
        )
        .collect()
}

/// The running task of `service` on node `n`, once there is one (a task that ended is restarted a
/// few seconds later).
fn task_on(service: &str, n: usize) -> TaskInfo {
    let mut found = None;
    wait_for(
        &format!("a running task of {service} on node{n}"),
        TIMEOUT,
        || {
            found = tasks(service).into_iter().find(|t| t.node == n);
            found.is_some()
        },
    );
    found.unwrap()
}

// --- running dpty (and the docker CLI) ----------------------------------------------------------

/// Where a client runs: in this namespace, where only unix sockets reach the nodes, or in the
/// manager's, where their addresses answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Here,
    Manager,
}

/// One client run: a mark in its environment finds the ssh processes it started.
struct Run {
    place: Place,
    host: String,
    config: TempDir,
    mark: String,
}

impl Run {
    /// A run against the manager, with a docker config directory of its own (no contexts).
    fn new(place: Place) -> Run {
        Run::against(place, swarm().manager())
    }

    fn against(place: Place, host: &str) -> Run {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Run {
            place,
            host: host.to_owned(),
            config: TempDir::new("svc-config"),
            mark: format!("{}-{n}", std::process::id()),
        }
    }

    /// `program args...` as this run starts it.
    fn argv(&self, program: &str, args: &[&str]) -> Vec<String> {
        let swarm = swarm();
        let mut argv: Vec<String> = Vec::new();
        if self.place == Place::Manager {
            let netns = swarm.var("DPTY_SWARM_MANAGER_NETNS");
            argv.extend(["ip", "netns", "exec", netns].map(str::to_owned));
        }
        let path = format!(
            "PATH={}:{}",
            swarm.var("DPTY_SWARM_SSH_BIN"),
            std::env::var("PATH").unwrap_or_default()
        );
        argv.extend([
            "env".to_owned(),
            "-u".to_owned(),
            "DOCKER_CONTEXT".to_owned(),
            path,
            format!("DOCKER_HOST={}", self.host),
            format!("DOCKER_CONFIG={}", self.config.path().display()),
            format!("DPTY_TEST_MARK={}", self.mark),
            program.to_owned(),
        ]);
        argv.extend(args.iter().map(|a| (*a).to_owned()));
        argv
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let argv = self.argv(program, args);
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        command
    }

    /// dpty with `args`, stdin `stdin`, stdout and stderr pipes.
    fn dpty(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        run_command(self.command(&support::bin(), args), stdin, TIMEOUT)
    }

    /// dpty with `args` on a terminal, inside a shell that shows the terminal's settings before and
    /// after (for `Pty::finish`).
    fn dpty_on_terminal(&self, args: &[&str], rows: u16, cols: u16) -> Pty {
        self.on_terminal(&support::bin(), args, rows, cols)
    }

    fn on_terminal(&self, program: &str, args: &[&str], rows: u16, cols: u16) -> Pty {
        let argv = self.argv(program, args);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        Pty::spawn_checked(&argv, rows, cols)
    }

    /// Makes a docker context in this run's config directory, as a user would.
    fn context(&self, name: &str, host: &str) {
        let mut command = Command::new("docker");
        command
            .args([
                "context",
                "create",
                name,
                "--docker",
                &format!("host={host}"),
            ])
            .env("DOCKER_CONFIG", self.config.path());
        let out = run_command(command, None, TIMEOUT);
        assert!(
            out.status.success(),
            "docker context create: {}",
            describe(&out)
        );
    }

    /// The ssh processes this run started that are still there.
    fn ssh_left(&self) -> Vec<u32> {
        ssh_processes(&self.mark)
    }

    /// Asserts that no ssh process of this run is left.
    #[track_caller]
    fn assert_no_ssh_left(&self) {
        let left = self.ssh_left();
        assert!(left.is_empty(), "ssh processes left behind: {left:?}");
    }
}

/// The ssh processes whose environment holds `DPTY_TEST_MARK=mark`.
fn ssh_processes(mark: &str) -> Vec<u32> {
    let wanted = format!("DPTY_TEST_MARK={mark}\0");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            comm.trim() == "ssh"
                && environ
                    .windows(wanted.len())
                    .any(|window| window == wanted.as_bytes())
        })
        .collect()
}

/// The processes `pid` started, with their names.
fn children(pid: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let kids = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for kid in kids
            .split_whitespace()
            .filter_map(|k| k.parse::<u32>().ok())
        {
            let comm = std::fs::read_to_string(format!("/proc/{kid}/comm")).unwrap_or_default();
            found.push((kid, comm.trim().to_owned()));
        }
    }
    found
}

/// The one line on stderr of a failed run: asserts that there is exactly one and returns it.
#[track_caller]
fn one_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line on stderr: {}", describe(out));
    lines[0].to_owned()
}

/// A failure as the issue asks: within seconds, non-zero (`status`), one line holding `words`,
/// nothing left running.
#[track_caller]
fn assert_refused(run: &Run, args: &[&str], status: i32, words: &str) -> String {
    let started = Instant::now();
    let out = run.dpty(args, None);
    let took = started.elapsed();
    assert!(
        took < PROMPTLY,
        "{args:?} took {took:?}: {}",
        describe(&out)
    );
    assert_eq!(
        out.status.code(),
        Some(status),
        "{args:?}: {}",
        describe(&out)
    );
    let line = one_line(&out);
    assert!(line.starts_with("dpty: "), "{args:?}: {line}");
    assert!(
        line.contains(words),
        "{args:?}: {line:?} does not say {words:?}"
    );
    run.assert_no_ssh_left();
    line
}

/// The line that says where a task runs: `web.2 runs on node2 (10.231.0.2), reached ...`.
fn runs_on(name: &str, n: usize) -> String {
    let swarm = swarm();
    format!(
        "{name} runs on {} ({})",
        swarm.node(n, "NAME"),
        swarm.node(n, "ADDR")
    )
}

/// A shell session in a task on a terminal: the line saying where, the prompt, the container's
/// hostname, the size and a resize, `exit 3`, and the terminal as it was. With `over_ssh`, dpty's
/// children during the session are ssh processes, and none is left after.
fn shell_session(run: &Run, args: &[&str], task: &TaskInfo, where_line: &str, over_ssh: bool) {
    let mut pty = run.dpty_on_terminal(args, 24, 80);
    pty.expect(where_line, TIMEOUT);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until(
        "echo host-$(hostname)-$((6*7))",
        &format!("host-{}-42", task.hostname()),
    );
    if over_ssh {
        let dpty = only_child_of(pty.pid());
        let kids = children(dpty);
        assert!(
            !kids.is_empty() && kids.iter().all(|(_, name)| name == "ssh"),
            "dpty's children during a session over ssh: {kids:?}"
        );
        assert!(
            !run.ssh_left().is_empty(),
            "no ssh process carries the session"
        );
    }
    pty.expect_size(24, 80, RESIZED);
    pty.resize(31, 97);
    pty.expect_size(31, 97, RESIZED);
    pty.send(b"exit 3\r");
    assert_eq!(pty.finish(TIMEOUT), 3, "the shell's status");
    run.assert_no_ssh_left();
}

// --- a shell in a task -------------------------------------------------------------------------

#[test]
fn exec_it_by_slot_gives_a_shell_in_that_task_on_every_node() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    for n in 1..=3 {
        let task = task_on(web, n);
        let name = format!("{web}.{}", task.slot.unwrap());
        let run = Run::new(Place::Manager);
        // node1 is the manager: no hop; the workers are reached over ssh, with no context.
        let how = match n {
            1 => "the engine dpty is connected to".to_owned(),
            _ => format!("reached over ssh://{}", swarm().node(n, "ADDR")),
        };
        let line = format!("{}, {how}", runs_on(&name, n));
        shell_session(
            &run,
            &["service", "exec", "-it", &name, "sh"],
            &task,
            &line,
            n != 1,
        );
    }
}

#[test]
fn exec_it_by_service_task_id_prefix_and_node_finds_the_task_they_name() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    // The service alone: its task on the manager's own node, which dpty is connected to.
    let here = task_on(web, 1);
    let name = format!("{web}.{}", here.slot.unwrap());
    let run = Run::new(Place::Manager);
    shell_session(
        &run,
        &["service", "exec", "-it", web, "sh"],
        &here,
        &runs_on(&name, 1),
        false,
    );
    // A task id's first characters, as `docker service ps` shows them.
    let there = task_on(web, 3);
    let name = format!("{web}.{}", there.slot.unwrap());
    let run = Run::new(Place::Manager);
    let args = ["service", "exec", "-it", &there.id[..8], "sh"];
    shell_session(&run, &args, &there, &runs_on(&name, 3), true);
    // --node, by hostname, and by id.
    let there = task_on(web, 2);
    let name = format!("{web}.{}", there.slot.unwrap());
    let run = Run::new(Place::Manager);
    let args = ["service", "exec", "-it", "--node", "node2", web, "sh"];
    shell_session(&run, &args, &there, &runs_on(&name, 2), true);
    let run = Run::new(Place::Manager);
    let out = run.dpty(
        &[
            "service",
            "exec",
            "--node",
            swarm().node(2, "ID"),
            web,
            "hostname",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        there.hostname()
    );
    run.assert_no_ssh_left();
}

#[test]
fn a_global_service_s_task_is_named_by_its_node() {
    if !swarm_tests() {
        return;
    }
    let global = &services().global;
    let run = Run::new(Place::Manager);
    for n in 1..=3 {
        let task = task_on(global, n);
        let node = swarm().node(n, "NAME");
        let out = run.dpty(
            &["service", "exec", &format!("{global}.{node}"), "hostname"],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), task.hostname());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&runs_on(&format!("{global}.{node}"), n)),
            "{stderr}"
        );
        run.assert_no_ssh_left();
    }
    // -q: not a word on stderr.
    let out = run.dpty(
        &["service", "exec", "-q", &format!("{global}.node3"), "true"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out.stderr.is_empty(), "{}", describe(&out));
}

/// What `docker -H ssh://node exec -it` gives for the same shell, side by side with dpty: the
/// prompt, the size (asked once the prompt is there: with API 1.41 both clients set it by a resize
/// after the start, which a command run at once can overtake), a resize, the status.
#[test]
fn exec_it_over_ssh_matches_docker_exec_over_ssh() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    let task = task_on(web, 2);
    let name = format!("{web}.{}", task.slot.unwrap());
    let ssh_host = format!("ssh://root@{}", swarm().node(2, "ADDR"));
    let dpty = support::bin();
    let runs: [(&str, Vec<&str>); 2] = [
        (
            "docker",
            vec!["-H", &ssh_host, "exec", "-it", &task.container, "sh"],
        ),
        (&dpty, vec!["service", "exec", "-it", "-q", &name, "sh"]),
    ];
    for (client, args) in runs {
        // A failure below then says which client it was.
        eprintln!("client under test: {client}");
        let run = Run::new(Place::Manager);
        let mut pty = run.on_terminal(client, &args, 27, 91);
        pty.expect(PROMPT, TIMEOUT);
        pty.expect_size(27, 91, RESIZED);
        pty.resize(30, 100);
        pty.expect_size(30, 100, RESIZED);
        pty.send(b"exit 5\r");
        assert_eq!(pty.finish(TIMEOUT), 5, "{client}: the shell's status");
        run.assert_no_ssh_left();
    }
}

#[test]
fn a_context_named_after_the_node_decides_how_it_is_reached() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    // From this namespace no node address answers: the contexts alone reach the workers, one named
    // after the node's hostname, the other after its id.
    let run = Run::new(Place::Here);
    run.context("node2", swarm().node(2, "HOST"));
    run.context(swarm().node(3, "ID"), swarm().node(3, "HOST"));
    let task = task_on(web, 2);
    let name = format!("{web}.{}", task.slot.unwrap());
    let line = format!("{}, reached through context node2", runs_on(&name, 2));
    shell_session(
        &run,
        &["service", "exec", "-it", &name, "sh"],
        &task,
        &line,
        false,
    );
    let task = task_on(web, 3);
    let name = format!("{web}.{}", task.slot.unwrap());
    let out = run.dpty(&["service", "exec", &name, "hostname"], None);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), task.hostname());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = swarm().node(3, "ID");
    assert!(
        stderr.contains(&format!("reached through context {id}")),
        "{stderr}"
    );
    // A context made as the docker CLI documents it, with an ssh:// address.
    let run = Run::new(Place::Manager);
    run.context("node2", &format!("ssh://root@{}", swarm().node(2, "ADDR")));
    let task = task_on(web, 2);
    let name = format!("{web}.{}", task.slot.unwrap());
    let line = format!("{}, reached through context node2", runs_on(&name, 2));
    shell_session(
        &run,
        &["service", "exec", "-it", &name, "sh"],
        &task,
        &line,
        true,
    );
}

// --- every task at once ------------------------------------------------------------------------

#[test]
fn all_runs_in_every_task_prefixes_its_lines_and_exits_with_the_largest_status() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    let on_node2 = task_on(web, 2);
    let failing = format!("{web}.{}@node2", on_node2.slot.unwrap());
    // Each task: a line out, a line on stderr, a last line without its newline; the one on node2
    // fails with 3.
    let script = format!(
        "echo out-$(hostname); echo err-$(hostname) >&2; printf last; \
         [ $(hostname) != {} ] || exit 3",
        on_node2.hostname()
    );
    let run = Run::new(Place::Manager);
    let out = run.dpty(
        &["service", "exec", "--all", web, "sh", "-c", &script],
        None,
    );
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut expected_out = Vec::new();
    let mut expected_err = Vec::new();
    for task in tasks(web) {
        let label = format!("{web}.{}@node{}", task.slot.unwrap(), task.node);
        expected_out.push(format!("{label} | out-{}", task.hostname()));
        expected_out.push(format!("{label} | last"));
        expected_err.push(format!("{label} | err-{}", task.hostname()));
    }
    expected_err.push(format!("dpty: {failing}: exited with status 3"));
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    expected_out.sort();
    expected_err.sort();
    assert_eq!(sorted(&stdout), expected_out, "{}", describe(&out));
    assert_eq!(sorted(&stderr), expected_err, "{}", describe(&out));
    // The failure is named after every line of output.
    assert!(
        stderr.trim_end().ends_with("exited with status 3"),
        "{stderr}"
    );
    run.assert_no_ssh_left();
}

/// Side by side: the docker CLI's way, a loop of `docker -H ssh://node exec`, gives the same lines.
#[test]
fn all_gives_what_a_loop_of_docker_exec_over_ssh_gives() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    let run = Run::new(Place::Manager);
    let out = run.dpty(
        &[
            "service",
            "exec",
            "--all",
            "-q",
            web,
            "cat",
            "/etc/hostname",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let mut ours: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| line.rsplit(" | ").next().unwrap_or_default().to_owned())
        .collect();
    ours.sort();
    let mut docker = Vec::new();
    for task in tasks(web) {
        let host = format!("ssh://root@{}", swarm().node(task.node, "ADDR"));
        let command = run.command(
            "docker",
            &["-H", &host, "exec", &task.container, "cat", "/etc/hostname"],
        );
        let out = run_command(command, None, TIMEOUT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        docker.push(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    docker.sort();
    assert_eq!(ours, docker);
}

#[test]
fn all_with_i_reads_stdin_once_and_sends_it_to_every_task() {
    if !swarm_tests() {
        return;
    }
    let global = &services().global;
    let input: String = (1..=5000).map(|n| format!("line {n}\n")).collect();
    let run = Run::new(Place::Manager);
    let out = run.dpty(
        &[
            "service",
            "exec",
            "--all",
            "-i",
            "-q",
            "--parallel",
            "2",
            global,
            "md5sum",
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let sum = support::local_md5(input.as_bytes());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut nodes: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let (label, rest) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("no prefix: {line}"));
        assert_eq!(
            rest.split_whitespace().next(),
            Some(sum.as_str()),
            "{stdout}"
        );
        nodes.push(
            label
                .rsplit('@')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned(),
        );
    }
    nodes.sort();
    assert_eq!(nodes, ["node1", "node2", "node3"], "{stdout}");
    run.assert_no_ssh_left();
}

#[test]
fn all_never_cuts_a_line_with_another_task_s() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    // 3 tasks x 3000 lines of 200 characters, all at once, each written in pieces by `yes`.
    let line = "x".repeat(200);
    let script = format!("yes {line} | head -n 3000");
    let run = Run::new(Place::Manager);
    let out = run.dpty(
        &["service", "exec", "--all", "-q", web, "sh", "-c", &script],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut per_task: HashMap<&str, usize> = HashMap::new();
    for text in stdout.lines() {
        let (label, rest) = text
            .split_once(" | ")
            .unwrap_or_else(|| panic!("a line without its prefix: {}", escape(text.as_bytes())));
        assert_eq!(
            rest,
            line,
            "a line cut or joined: {}",
            escape(text.as_bytes())
        );
        *per_task.entry(label).or_default() += 1;
    }
    assert_eq!(per_task.len(), 3, "{:?}", per_task.keys());
    assert!(per_task.values().all(|&n| n == 3000), "{per_task:?}");
}

#[test]
fn all_with_t_is_refused_before_anything_runs() {
    if !swarm_tests() {
        return;
    }
    // No engine answers there: the refusal comes before dpty looks for one.
    let run = Run::against(Place::Here, "unix:///nonexistent/docker.sock");
    assert_refused(
        &run,
        &["service", "exec", "--all", "-t", "web", "sh"],
        1,
        "drop -t",
    );
    assert_refused(
        &run,
        &["service", "exec", "--all", "web.1", "sh"],
        1,
        "not web.1",
    );
    let run = Run::new(Place::Here);
    let out = run.dpty(
        &["service", "exec", "--all", "--parallel", "0", "web", "sh"],
        None,
    );
    assert_eq!(out.status.code(), Some(125), "{}", describe(&out));
}

// --- attach ----------------------------------------------------------------------------------

#[test]
fn attach_joins_a_task_detaches_with_the_keys_and_ends_with_it() {
    if !swarm_tests() {
        return;
    }
    let service = &services().attach;
    let name = format!("{service}.1");
    let task = tasks(service).pop().expect("the attach service's task");
    let run = Run::new(Place::Manager);
    let mut pty = run.dpty_on_terminal(&["service", "attach", &name], 24, 80);
    pty.expect(&runs_on(&name, task.node), TIMEOUT);
    pty.type_until("echo attached-$((2+2))", "attached-4");
    pty.send(b"\x10\x11");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(
        pty.finish(TIMEOUT),
        1,
        "a detach from attach is status 1, as docker's"
    );
    run.assert_no_ssh_left();
    let after = tasks(service).pop().expect("the task after the detach");
    assert_eq!(after.container, task.container, "the detach ended the task");

    // Again, with keys of its own, then the task's shell ends: its status is attach's.
    let run = Run::new(Place::Manager);
    let mut pty = run.dpty_on_terminal(
        &["service", "attach", "-q", "--detach-keys", "ctrl-x", &name],
        24,
        80,
    );
    pty.type_until("echo again-$((3+3))", "again-6");
    pty.send(b"exit 7\r");
    assert_eq!(
        pty.finish(TIMEOUT),
        7,
        "attach exits with the task's status"
    );
    run.assert_no_ssh_left();
}

#[test]
fn a_task_killed_mid_session_ends_it_as_exec_does() {
    if !swarm_tests() {
        return;
    }
    let service = &services().doomed;
    let task = tasks(service).pop().expect("the doomed service's task");
    let name = format!("{service}.1");
    let run = Run::new(Place::Manager);
    let mut pty = run.dpty_on_terminal(&["service", "exec", "-it", "-q", &name, "sh"], 24, 80);
    pty.type_until("echo doomed-$((1+1))", "doomed-2");
    let node_host = swarm().node(task.node, "HOST");
    let out = docker_on(node_host, &["kill", &task.container]);
    assert!(out.status.success(), "{}", describe(&out));
    // As `dpty exec` and `docker exec`: the exec'd shell was killed with its container.
    assert_eq!(pty.finish(TIMEOUT), 137);
    run.assert_no_ssh_left();
}

/// A relay between clients and a node's engine socket that can be cut, as a node that goes away
/// cuts its connections: every connection through it ends, and no new one can be made.
struct Relay {
    dir: TempDir,
    streams: Arc<Mutex<Vec<UnixStream>>>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    fn to(engine_socket: &str) -> Relay {
        let dir = TempDir::new("svc-relay");
        let listener = UnixListener::bind(dir.path().join("node.sock")).expect("binding the relay");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let streams: Arc<Mutex<Vec<UnixStream>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (kept, stopped, target) = (streams.clone(), stop.clone(), engine_socket.to_owned());
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let client = match listener.accept() {
                    Ok((client, _)) => client,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                };
                let _ = client.set_nonblocking(false);
                let Ok(engine) = UnixStream::connect(&target) else {
                    continue;
                };
                for (from, to) in [(&client, &engine), (&engine, &client)] {
                    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Write);
                    });
                }
                kept.lock().unwrap().extend([client, engine]);
            }
        });
        Relay { dir, streams, stop }
    }

    fn host(&self) -> String {
        format!("unix://{}", self.dir.path().join("node.sock").display())
    }

    /// The node goes away: its connections end, its socket is gone.
    fn cut(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = std::fs::remove_file(self.dir.path().join("node.sock"));
        for stream in self.streams.lock().unwrap().iter() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// The node going away mid-session ends the session as it ends `dpty -H NODE exec` in the same
/// case: the same message, the same status. The node is reached through a context whose engine is
/// a relay that is then cut.
#[test]
fn a_node_lost_mid_session_ends_it_as_exec_ends() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    let task = task_on(web, 3);
    let name = format!("{web}.{}", task.slot.unwrap());
    let dpty = support::bin();
    let mut endings = Vec::new();
    for through_service in [true, false] {
        let relay = Relay::to(swarm().node(3, "SOCK"));
        let host = relay.host();
        let run = Run::new(Place::Here);
        run.context("node3", &host);
        let args = match through_service {
            true => vec!["service", "exec", "-it", "-q", &name, "sh"],
            false => vec!["-H", &host, "exec", "-it", &task.container, "sh"],
        };
        let mut pty = run.on_terminal(&dpty, &args, 24, 80);
        pty.expect(PROMPT, TIMEOUT);
        pty.type_until("echo alive-$((5*5))", "alive-25");
        relay.cut();
        let status = pty.finish(TIMEOUT);
        let output = String::from_utf8_lossy(&pty.output()).into_owned();
        let message = format!("dpty: the Docker engine at {host} went away");
        assert!(
            output.contains(&message),
            "{args:?}: {}",
            escape(output.as_bytes())
        );
        endings.push(status);
    }
    assert_eq!(
        endings[0], endings[1],
        "service exec and exec end differently"
    );
    assert_ne!(endings[0], 0);
}

// --- errors ------------------------------------------------------------------------------------

#[test]
fn every_error_is_one_line_within_seconds_and_leaves_nothing() {
    if !swarm_tests() {
        return;
    }
    let Services {
        web, global, stuck, ..
    } = services();
    let run = Run::new(Place::Manager);
    assert_refused(
        &run,
        &["service", "exec", "nosuchservice", "sh"],
        1,
        "no such service or task: nosuchservice",
    );
    assert_refused(
        &run,
        &["service", "exec", "nosuch.1", "sh"],
        1,
        "no such service: nosuch",
    );
    assert_refused(
        &run,
        &["service", "exec", &format!("{web}.9"), "sh"],
        1,
        &format!("no such task: {web}.9 (its tasks are {web}.1 to {web}.3)"),
    );
    assert_refused(
        &run,
        &["service", "exec", &format!("{web}.x"), "sh"],
        1,
        "no such task",
    );
    assert_refused(
        &run,
        &["service", "exec", &format!("{global}.node9"), "sh"],
        1,
        "no such node: node9",
    );
    assert_refused(
        &run,
        &["service", "exec", "--node", "node9", web, "sh"],
        1,
        "no such node: node9",
    );
    let line = assert_refused(
        &run,
        &["service", "attach", stuck],
        1,
        &format!("service {stuck} has no running task"),
    );
    assert!(
        line.contains("pending") && line.contains("no suitable node"),
        "{line}"
    );
    // A slot on another node than the one asked for.
    let task = task_on(web, 3);
    let slot = format!("{web}.{}", task.slot.unwrap());
    assert_refused(
        &run,
        &["service", "exec", "--node", "node2", &slot, "sh"],
        1,
        &format!("{slot} runs on node3, not on node2"),
    );

    // Engines that cannot answer for the swarm.
    let engine = std::env::var("DOCKER_HOST").expect("scripts/test.sh sets DOCKER_HOST");
    let lone = Run::against(Place::Here, &engine);
    assert_refused(
        &lone,
        &["service", "exec", web, "sh"],
        1,
        "is not in a swarm",
    );
    let worker = Run::against(Place::Here, swarm().node(2, "HOST"));
    assert_refused(
        &worker,
        &["service", "exec", web, "sh"],
        1,
        "is a swarm worker, and only a manager knows the services",
    );

    // Nodes that cannot be reached: ssh's own words, at once.
    let task = task_on(web, 2);
    let slot = format!("{web}.{}", task.slot.unwrap());
    assert_refused(
        &run,
        &[
            "service",
            "exec",
            "-q",
            "--ssh-option",
            "Port=1",
            &slot,
            "sh",
        ],
        1,
        "Connection refused",
    );
    assert_refused(
        &run,
        &["service", "exec", "-q", "--ssh-user", "nobody", &slot, "sh"],
        1,
        "Permission denied",
    );
    // From outside the namespaces no route leads to a node.
    let outside = Run::new(Place::Here);
    assert_refused(
        &outside,
        &["service", "exec", "-q", &slot, "sh"],
        1,
        &format!("reaching {slot} on node2"),
    );
}

#[test]
fn exec_and_attach_of_a_task_s_name_say_which_command_was_meant() {
    if !swarm_tests() {
        return;
    }
    let web = &services().web;
    let run = Run::new(Place::Here);
    assert_refused(
        &run,
        &["exec", &format!("{web}.1"), "sh"],
        1,
        &format!("no such container: {web}.1 (a task of service {web}: dpty service exec {web}.1)"),
    );
    assert_refused(
        &run,
        &["attach", &format!("{web}.2")],
        1,
        &format!(
            "no such container: {web}.2 (a task of service {web}: dpty service attach {web}.2)"
        ),
    );
    // A name the swarm does not know either is the engine's plain refusal.
    let out = run.dpty(&["exec", "nosuch.1", "sh"], None);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(one_line(&out), "dpty: No such container: nosuch.1");
}

#[test]
fn podman_has_no_swarm_and_says_so() {
    if !podman() {
        eprintln!("skipped: checks the refusal of Podman, for DPTY_TEST_ENGINE=podman runs");
        return;
    }
    let host = std::env::var("DOCKER_HOST").expect("scripts/test.sh sets DOCKER_HOST");
    for args in [
        &["service", "exec", "web.1", "sh"][..],
        &["service", "exec", "--all", "web", "true"],
        &["service", "attach", "web"],
    ] {
        let started = Instant::now();
        let mut command = Command::new(support::bin());
        command.args(args).env("DOCKER_HOST", &host);
        let out = run_command(command, None, TIMEOUT);
        assert!(started.elapsed() < PROMPTLY, "{args:?}");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", describe(&out));
        let line = one_line(&out);
        assert!(
            line.contains("is Podman, which has no swarm"),
            "{args:?}: {line}"
        );
    }
}

// --- completion ----------------------------------------------------------------------------------

#[test]
fn completions_offer_services_and_their_slots() {
    if !swarm_tests() {
        return;
    }
    let Services { web, global, .. } = services();
    let run = Run::new(Place::Here);
    // As bash calls a completion function (see tests/completions.rs).
    let bash = r#"source completions/dpty.bash || exit
COMP_LINE=$1 COMP_POINT=${#1}
read -ra COMP_WORDS <<<"$1"
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_dpty_with_names dpty "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}""#;
    let expected_web: Vec<String> = ["", ".1", ".2", ".3"]
        .iter()
        .map(|s| format!("{web}{s}"))
        .collect();
    let expected_global: Vec<String> = ["", ".node1", ".node2", ".node3"]
        .iter()
        .map(|s| format!("{global}{s}"))
        .collect();
    for (line, expected) in [
        (format!("dpty service exec {web}"), &expected_web),
        (
            format!("dpty service attach -q --node node2 {global}"),
            &expected_global,
        ),
    ] {
        let mut command = run.command(
            "bash",
            &["--norc", "--noprofile", "-c", bash, "bash", &line],
        );
        command.current_dir(env!("CARGO_MANIFEST_DIR"));
        let out = run_command(command, None, TIMEOUT);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            describe(&out)
        );
        let mut offered: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        offered.sort();
        assert_eq!(&offered, expected, "bash completing {line:?}");

        let fish = "source completions/dpty.fish; and complete -C $argv[1]";
        let mut command = run.command("fish", &["--no-config", "-c", fish, &line]);
        command.current_dir(env!("CARGO_MANIFEST_DIR"));
        let out = run_command(command, None, TIMEOUT);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            describe(&out)
        );
        let mut offered: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
            .collect();
        offered.sort();
        assert_eq!(&offered, expected, "fish completing {line:?}");
    }
    // zsh completes only in its line editor, on a terminal: the one slot of a one-replica service,
    // in place.
    let stuck = &services().stuck;
    let argv = run.argv("zsh", &["-f", "-i"]);
    let mut zsh = Pty::spawn(
        &argv.iter().map(String::as_str).collect::<Vec<_>>(),
        24,
        200,
    );
    zsh.send(
        b"PS1='$ '; setopt no_equals; fpath=(completions $fpath); \
          autoload -Uz compinit && compinit -u -D && echo loaded-$((6*7))\r",
    );
    zsh.expect("loaded-42", TIMEOUT);
    zsh.send(format!("dpty service exec {stuck}.").as_bytes());
    zsh.send(b"\t");
    // Ctrl-A, Ctrl-E: the whole line, whatever the completion made of it, echoed.
    zsh.send(b"\x01echo =\x05 =$((40+2))\r");
    let text = zsh.expect("=42\r\n", TIMEOUT);
    let line = text
        .trim_end()
        .rsplit(['\n', '\r'])
        .next()
        .unwrap_or_default();
    assert_eq!(
        line,
        format!("=dpty service exec {stuck}.1 =42"),
        "{}",
        escape(&zsh.output())
    );
}

// --- the library ---------------------------------------------------------------------------------

/// The library's own calls, as a program would make them: find a task, reach its node through a
/// context, run a command there; then every task at once into buffers.
#[test]
fn the_library_finds_reaches_and_fans_out() {
    if !swarm_tests() {
        return;
    }
    let web = services().web.clone();
    let run = Run::new(Place::Here);
    for n in [2, 3] {
        let name = swarm().node(n, "NAME");
        run.context(name, swarm().node(n, "HOST"));
    }
    let reach = dpty::Reach {
        config_dir: Some(run.config.path().to_owned()),
        ..dpty::Reach::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let manager = dpty::Client::connect(&dpty::Engine::parse(swarm().manager()).unwrap())
            .await
            .unwrap();
        let on_node3 = task_on(&web, 3);
        let target = format!("{web}.{}", on_node3.slot.unwrap());
        let task = dpty::ServiceTask::find(&manager, &target, &reach)
            .await
            .unwrap();
        assert_eq!(task.container, on_node3.container);
        assert_eq!(task.node.hostname, "node3");
        assert!(matches!(&task.route, dpty::Route::Context { name, .. } if name == "node3"));
        let node = task.connect(&manager, 2).await.unwrap();
        let (output, mut read) = tokio::io::duplex(1 << 16);
        let end = dpty::Session::exec(&task.container, dpty::Process::new(["hostname"]))
            .streams(dpty::Streams::new(output, tokio::io::sink()))
            .run(&node)
            .await
            .unwrap();
        assert_eq!(end, dpty::SessionEnd::Exited(0));
        let mut text = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut read, &mut text)
            .await
            .unwrap();
        assert_eq!(text.trim(), on_node3.hostname());

        let tasks = dpty::ServiceTask::every(&manager, &web, &reach)
            .await
            .unwrap();
        assert_eq!(tasks.len(), 3);
        let (output, mut read) = tokio::io::duplex(1 << 16);
        let ends = dpty::FanOut::new(dpty::Process::new(["sh", "-c", "echo hi; exit 4"]))
            .outputs(output, tokio::io::sink())
            .run(&manager, tasks)
            .await
            .unwrap();
        assert!(
            ends.iter()
                .all(|end| matches!(end.result, Ok(dpty::SessionEnd::Exited(4)))),
            "{ends:?}"
        );
        let mut text = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut read, &mut text)
            .await
            .unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort();
        let mut expected: Vec<String> = ends
            .iter()
            .map(|end| format!("{} | hi", end.task.label()))
            .collect();
        expected.sort();
        assert_eq!(lines, expected);
    });
}
