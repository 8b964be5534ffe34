//! Settings taken from the docker CLI's config file (`config.json` under `DOCKER_CONFIG`), as the
//! docker CLI takes them: `detachKeys` sets the detach sequence of `run`, `exec` and `attach` when
//! no `--detach-keys` is given, and the flag wins over the file. Each test writes its own config
//! directory and runs the binary under test on a real terminal; the same tests pass against the
//! docker CLI (`DPTY_TEST_BIN=$(which docker)`).

mod support;

use std::path::PathBuf;

use support::{
    docker, docker_host, is_running, sleeper, unique_name, ContainerGuard, Pty, TIMEOUT,
};

const PROMPT: &str = "/ # ";

/// A docker config directory holding only `config.json` with these detach keys; removed on drop.
struct ConfigDir(PathBuf);

impl ConfigDir {
    fn with_detach_keys(test: &str, keys: &str) -> ConfigDir {
        let dir = std::env::temp_dir().join(unique_name(test));
        std::fs::create_dir_all(&dir).expect("creating the config directory");
        std::fs::write(
            dir.join("config.json"),
            format!(r#"{{"detachKeys": "{keys}"}}"#),
        )
        .expect("writing config.json");
        ConfigDir(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary under test with `DOCKER_CONFIG` set, inside a shell that records the terminal
/// settings before and after, as `Pty::bin_checked` does.
fn run_with_config(config: &ConfigDir, args: &[&str]) -> Pty {
    let host = docker_host();
    let script = r#"stty -g; echo BEFORE-DONE; "$@"; echo "rc=$?"; stty -g; echo AFTER-DONE"#;
    let bin = support::bin();
    let docker_config = format!("DOCKER_CONFIG={}", config.path());
    let docker_host = format!("DOCKER_HOST={host}");
    let argv: Vec<&str> = [
        "sh",
        "-c",
        script,
        "sh",
        "env",
        docker_config.as_str(),
        docker_host.as_str(),
        bin.as_str(),
    ]
    .into_iter()
    .chain(args.iter().copied())
    .collect();
    let mut pty = Pty::spawn(&argv, 24, 80);
    pty.expect("BEFORE-DONE", TIMEOUT);
    pty
}

#[test]
fn detach_keys_from_the_config_file_detach_run_attach_and_exec() {
    let config = ConfigDir::with_detach_keys("config-keys", "ctrl-x,x");
    let container = ContainerGuard(unique_name("config-keys"));
    let mut pty = run_with_config(
        &config,
        &[
            "run",
            "-it",
            "--network",
            "none",
            "--name",
            container.name(),
            "busybox",
            "sh",
        ],
    );
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo run-$((6*7))", "run-42");
    pty.send(b"\x18x");
    assert_eq!(pty.finish(TIMEOUT), 0, "detaching from `run` exits 0");
    assert!(
        is_running(container.name()),
        "the container stopped when the session detached"
    );

    let mut pty = run_with_config(&config, &["attach", container.name()]);
    pty.type_until("echo attach-$((6*7))", "attach-42");
    pty.send(b"\x18x");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 1, "detaching from `attach` exits 1");

    let mut pty = run_with_config(&config, &["exec", "-it", container.name(), "sh"]);
    pty.expect(PROMPT, TIMEOUT);
    pty.type_until("echo exec-$((6*7))", "exec-42");
    pty.send(b"\x18x");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 1, "detaching from `exec` exits 1");
    assert!(
        is_running(container.name()),
        "the container stopped after the detaches"
    );
}

#[test]
fn the_detach_keys_flag_wins_over_the_config_file() {
    let config = ConfigDir::with_detach_keys("config-flag", "ctrl-x,x");
    let target = sleeper("config-flag");
    let mut pty = run_with_config(
        &config,
        &[
            "exec",
            "-it",
            "--detach-keys",
            "ctrl-a,b",
            target.name(),
            "sh",
        ],
    );
    pty.expect(PROMPT, TIMEOUT);
    // The file's keys are only keys now: the shell gets them and is still there.
    pty.send(b"\x18x\r");
    pty.type_until("echo alive-$((6*7))", "alive-42");
    pty.send(b"\x01b");
    pty.expect("read escape sequence", TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 1, "detaching from `exec` exits 1");
    // The container was not touched by either sequence.
    let out = docker(&["inspect", "-f", "{{.State.Running}}", target.name()]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "true");
}
