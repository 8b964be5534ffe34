//! The generated completions and man pages, used the way users use them: `completions/dpty.bash` is
//! sourced in a real interactive bash on a pseudo-terminal, where TAB after `dpty exec` and
//! `dpty attach` completes the names of running containers and TAB after `dpty run` completes image
//! names, asked of the test engine; and `man -l` renders `man/dpty-run.1`. That these files match
//! `src/cli/` is checked by `scripts/check-docs.sh`, not here.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::{describe, run_command, skip_under_docker, sleeper, Pty, TIMEOUT};

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
