//! The generated completions and man pages, used the way users use them: `completions/dpty.bash` is
//! sourced in a real interactive bash on a pseudo-terminal, where TAB after `dpty exec` and
//! `dpty attach` completes the names of running containers and TAB after `dpty run` completes image
//! names, asked of the test engine; the same names come in bash, zsh and fish on a machine where the
//! docker CLI never ran, with nothing written on stderr (which the shell shows in the line being
//! edited); and `man -l` renders `man/dpty-run.1`. That these files match `src/cli/` is checked by
//! `scripts/check-docs.sh`, not here.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::{
    describe, docker_host, run_command, skip_under_docker, sleeper, Pty, TempDir, TIMEOUT,
};

const DPTY_ONLY: &str = "completes dpty's own command line; runs no binary";

/// An interactive bash on a new terminal, with dpty's bash completion loaded and nothing of the user's
/// start-up files or history.
fn bash_with_completion() -> Pty {
    let curl = Command::new("curl").arg("--version").output();
    assert!(
        curl.is_ok_and(|out| out.status.success()),
        "curl is not installed: the bash completion asks the engine for names with it \
         (apt-get install -y curl)"
    );
    let mut bash = Pty::spawn(&["bash", "--norc", "--noprofile", "-i"], 24, 200);
    bash.send(b"unset HISTFILE; PS1='$ '; source completions/dpty.bash && echo loaded-$((6*7))\r");
    bash.expect("loaded-42", TIMEOUT);
    bash
}

/// Types `typed` and a TAB, then runs `echo =` in front of whatever the line has become, and returns
/// that line as echo prints it (so words are joined by single spaces and a trailing space is gone).
fn complete(bash: &mut Pty, typed: &str) -> String {
    bash.send(typed.as_bytes());
    bash.send(b"\t");
    // Ctrl-A: to the start of the line; Ctrl-E: to its end. The marker is computed by the shell, so
    // the echo of what was typed never matches it.
    bash.send(b"\x01echo =\x05 =$((40+2))\r");
    let text = bash.expect("=42\r\n", TIMEOUT);
    // The last line, after any carriage return that a terminal mode sequence ended with.
    let line = text
        .trim_end()
        .rsplit(['\n', '\r'])
        .next()
        .unwrap_or_default();
    line.strip_suffix(" =42")
        .unwrap_or_else(|| panic!("no completed line in {text:?}"))
        .to_owned()
}

#[test]
fn exec_and_attach_complete_running_container_names() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let container = sleeper("completion");
    let name = container.name();
    // Unique among the engine's containers: the name has the pid and a counter before this part.
    let prefix = &name[..name.len() - "tion".len()];
    let mut bash = bash_with_completion();

    assert_eq!(
        complete(&mut bash, &format!("dpty exec {prefix}")),
        format!("=dpty exec {name}")
    );
    assert_eq!(
        complete(&mut bash, &format!("dpty attach {prefix}")),
        format!("=dpty attach {name}")
    );
    assert_eq!(
        complete(
            &mut bash,
            &format!("dpty debug --image busybox:latest {prefix}")
        ),
        format!("=dpty debug --image busybox:latest {name}")
    );
    // Options before the container, one of them with its value in the next word.
    assert_eq!(
        complete(&mut bash, &format!("dpty exec -it -e A=1 {prefix}")),
        format!("=dpty exec -it -e A=1 {name}")
    );
}

#[test]
fn run_completes_image_names_with_their_tags() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let mut bash = bash_with_completion();
    // ':' breaks words for bash's completion; the tag must still complete in place, whether the cursor
    // is just after the ':' or after part of the tag.
    assert_eq!(
        complete(&mut bash, "dpty run --rm busybox:"),
        "=dpty run --rm busybox:latest"
    );
    assert_eq!(
        complete(&mut bash, "dpty run --rm busybox:l"),
        "=dpty run --rm busybox:latest"
    );
}

#[test]
fn an_engine_that_does_not_answer_completes_nothing_at_once() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let mut bash = bash_with_completion();
    let started = Instant::now();
    // Without the engine there is nothing to offer, and in particular not file names: `Cargo.t` would
    // become `Cargo.toml` if the shell fell back to them.
    assert_eq!(
        complete(
            &mut bash,
            "dpty -H unix:///nonexistent/docker.sock exec Cargo.t"
        ),
        "=dpty -H unix:///nonexistent/docker.sock exec Cargo.t"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "completing took {:?}",
        started.elapsed()
    );
}

/// A machine where the docker CLI never ran, as the completions see it: HOME and DOCKER_CONFIG are
/// empty directories, and nothing in the environment names an engine. The completions then read the
/// config file for a current context, find none, and ask the default engine: /var/run/docker.sock,
/// else Podman's socket under XDG_RUNTIME_DIR, which here leads to the test engine.
struct NoDockerConfig {
    dir: TempDir,
    /// Whether the default engine is the test engine, so that its names can be expected.
    is_test_engine: bool,
}

/// Variables that would choose an engine, or its TLS files, without the config file.
const ENGINE_VARIABLES: [&str; 4] = [
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
];

impl NoDockerConfig {
    fn new() -> NoDockerConfig {
        let host = docker_host();
        let dir = TempDir::new("noconf");
        for sub in ["home", "config", "run/podman"] {
            let path = dir.path().join(sub);
            std::fs::create_dir_all(&path)
                .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        }
        let system = Path::new("/var/run/docker.sock");
        let is_test_engine = match host.strip_prefix("unix://").map(Path::new) {
            Some(socket) if !system.exists() => {
                let link = dir.path().join("run/podman/podman.sock");
                std::os::unix::fs::symlink(socket, &link)
                    .unwrap_or_else(|e| panic!("linking {}: {e}", link.display()));
                true
            }
            Some(socket) => system.canonicalize().ok() == socket.canonicalize().ok(),
            None => false,
        };
        if !is_test_engine {
            eprintln!(
                "names are not checked, only stderr: without DOCKER_HOST the completions ask the \
                 engine at {}, which is not the test engine ({host})",
                system.display()
            );
        }
        NoDockerConfig {
            dir,
            is_test_engine,
        }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// `program` with `args`, in this environment instead of the test's, run in the repository.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command.args(args);
        for name in ENGINE_VARIABLES {
            command.env_remove(name);
        }
        command
            .env("HOME", self.path("home"))
            .env("DOCKER_CONFIG", self.path("config"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        command
    }

    /// The same environment, set by shell commands (for a shell on a terminal, which takes the test's).
    fn exports(&self) -> String {
        format!(
            "unset {}; export HOME='{}' DOCKER_CONFIG='{}' XDG_RUNTIME_DIR='{}'",
            ENGINE_VARIABLES.join(" "),
            self.path("home").display(),
            self.path("config").display(),
            self.path("run").display()
        )
    }

    /// Asserts that a completion wrote nothing on stderr and, when the default engine is the test
    /// engine, that `expected` is among the names it printed, one a line.
    #[track_caller]
    fn assert_offered(&self, what: &str, out: &Output, expected: &str) {
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{what} failed or wrote on stderr: {}",
            describe(out)
        );
        if self.is_test_engine {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.lines().any(|line| line == expected),
                "{what} did not offer {expected:?}: {}",
                describe(out)
            );
        }
    }
}

/// A running container and, for completing it, a prefix of its name that no other container has.
fn container_to_complete(test: &str) -> (support::ContainerGuard, String) {
    let container = sleeper(test);
    // The name has the pid and a counter before the test's part.
    let prefix = container.name()[..container.name().len() - 2].to_owned();
    (container, prefix)
}

#[test]
fn the_engine_script_writes_nothing_on_stderr_without_a_docker_config() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let (container, _) = container_to_complete("nocfgsh");
    let config = NoDockerConfig::new();
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/dynamic.sh"),
    )
    .expect("reading completions/dynamic.sh");
    for (kind, expected) in [
        ("containers", container.name()),
        ("images", "busybox:latest"),
    ] {
        // As the shells run it: the kind, then the seven engine options, empty when not given.
        let args = [&["-c", &script, "dpty", kind][..], &[""; 7]].concat();
        let out = run_command(config.command("sh", &args), None, TIMEOUT);
        config.assert_offered(&format!("completions/dynamic.sh {kind}"), &out, expected);
    }
}

#[test]
fn bash_completes_names_without_a_docker_config_and_writes_no_error() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let (container, prefix) = container_to_complete("nocfgbash");
    let config = NoDockerConfig::new();
    // As bash calls a completion function: COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD set, the
    // command, the word being completed and the one before it as arguments. The lines here hold no
    // character that breaks words for completion, so splitting at blanks is bash's split.
    let script = r#"source completions/dpty.bash || exit
COMP_LINE=$1 COMP_POINT=${#1}
read -ra COMP_WORDS <<<"$1"
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_dpty_with_names dpty "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}""#;
    for (line, expected) in [
        (format!("dpty exec {prefix}"), container.name()),
        (format!("dpty attach {prefix}"), container.name()),
        (format!("dpty debug {prefix}"), container.name()),
        ("dpty run --rm busyb".to_owned(), "busybox:latest"),
    ] {
        let bash = config.command(
            "bash",
            &["--norc", "--noprofile", "-c", script, "bash", &line],
        );
        let out = run_command(bash, None, TIMEOUT);
        config.assert_offered(&format!("bash completing {line:?}"), &out, expected);
    }
}

#[test]
fn fish_completes_names_without_a_docker_config_and_writes_no_error() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let (container, prefix) = container_to_complete("nocfgfish");
    let config = NoDockerConfig::new();
    // `complete -C LINE` prints what fish would offer at the end of LINE, one a line.
    let script = "source completions/dpty.fish; and complete -C $argv[1]";
    for (line, expected) in [
        (format!("dpty exec {prefix}"), container.name()),
        (format!("dpty attach {prefix}"), container.name()),
        (format!("dpty debug -q {prefix}"), container.name()),
        ("dpty run --rm busybox:".to_owned(), "busybox:latest"),
    ] {
        let fish = config.command("fish", &["--no-config", "-c", script, &line]);
        let out = run_command(fish, None, TIMEOUT);
        config.assert_offered(&format!("fish completing {line:?}"), &out, expected);
    }
}

#[test]
fn zsh_completes_names_without_a_docker_config_and_writes_no_error() {
    if skip_under_docker(DPTY_ONLY) {
        return;
    }
    let (container, prefix) = container_to_complete("nocfgzsh");
    let config = NoDockerConfig::new();
    // zsh completes only inside its line editor, so on a terminal; the editor writes to the terminal
    // itself, not to stderr, which goes to a file once the completion system is loaded. no_equals:
    // `complete` echoes `=dpty ...`, which zsh would expand to dpty's path.
    let stderr = config.path("zsh-stderr");
    let mut zsh = Pty::spawn(&["zsh", "-f", "-i"], 24, 200);
    zsh.send(
        format!(
            "{}; PS1='$ '; setopt no_equals; fpath=(completions $fpath); \
             autoload -Uz compinit && compinit -u -D && exec 2>'{}' && echo loaded-$((6*7))\r",
            config.exports(),
            stderr.display()
        )
        .as_bytes(),
    );
    zsh.expect("loaded-42", TIMEOUT);
    let expected = [
        (
            format!("dpty exec {prefix}"),
            format!("=dpty exec {}", container.name()),
        ),
        (
            format!("dpty attach {prefix}"),
            format!("=dpty attach {}", container.name()),
        ),
        (
            format!("dpty debug {prefix}"),
            format!("=dpty debug {}", container.name()),
        ),
        (
            "dpty run --rm busybox:".to_owned(),
            "=dpty run --rm busybox:latest".to_owned(),
        ),
    ];
    for (line, completed) in expected {
        let got = complete(&mut zsh, &line);
        let written = std::fs::read_to_string(&stderr)
            .unwrap_or_else(|e| panic!("reading zsh's stderr: {e}"));
        assert!(
            written.is_empty(),
            "zsh completing {line:?} wrote on stderr: {written:?}"
        );
        if config.is_test_engine {
            assert_eq!(got, completed, "zsh completing {line:?}");
        }
    }
}

#[test]
fn man_page_of_run_renders() {
    if skip_under_docker("reads dpty's man page; runs no binary") {
        return;
    }
    assert!(
        which("man").is_some(),
        "`man` is not installed, so the man pages cannot be checked: \
         apt-get install -y man-db groff-base"
    );
    let mut man = Command::new("man");
    man.args(["-l", "man/dpty-run.1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Plain ASCII, no pager, lines long enough that no option name is hyphenated.
        .env("LC_ALL", "C")
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "200");
    let out = run_command(man, None, TIMEOUT);
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "man failed or warned: {}",
        describe(&out)
    );
    for expected in [
        "dpty-run - Create and start a container",
        "dpty run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        "--detach-keys <KEYS>",
    ] {
        assert!(
            page.contains(expected),
            "{expected:?} is not in the rendered page:\n{page}"
        );
    }
}

/// The program's path on `PATH`, if there is one.
fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}
