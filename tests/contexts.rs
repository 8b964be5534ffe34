//! Docker contexts: a context the docker CLI itself created in a docker
//! config directory is where dpty connects, whether named with --context,
//! DOCKER_CONTEXT or `docker context use`; -H and DOCKER_HOST override it.

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{code, describe, docker_host, run_command, TIMEOUT};

struct ConfigDir(PathBuf);

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A docker config dir with context `NAME` pointing at the test engine,
/// written by the docker CLI.
fn config_with_context(name: &str) -> ConfigDir {
    let dir = std::env::temp_dir().join(format!("dpty-ctx-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = ConfigDir(dir);
    let out = Command::new("docker")
        .arg("--config")
        .arg(&dir.0)
        .args(["context", "create", name, "--docker"])
        .arg(format!("host={}", docker_host()))
        .env_remove("DOCKER_HOST")
        .output()
        .expect("docker context create");
    assert!(out.status.success(), "{}", describe(&out));
    dir
}

fn dpty(config: &ConfigDir, args: &[&str]) -> Command {
    let mut command = Command::new(support::bin());
    command
        .args(args)
        .env("DOCKER_CONFIG", &config.0)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT");
    command
}

#[test]
fn a_named_context_is_used_and_host_overrides_it() {
    let config = config_with_context("dpty-e2e");
    let out = run_command(
        dpty(
            &config,
            &[
                "--context",
                "dpty-e2e",
                "run",
                "--rm",
                "busybox",
                "echo",
                "via-context",
            ],
        ),
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"via-context\n");

    let mut command = dpty(&config, &["run", "--rm", "busybox", "echo", "via-env"]);
    command.env("DOCKER_CONTEXT", "dpty-e2e");
    let out = run_command(command, None, TIMEOUT);
    assert_eq!(out.stdout, b"via-env\n", "{}", describe(&out));

    // DOCKER_HOST beats DOCKER_CONTEXT, as with the docker CLI.
    let mut command = dpty(&config, &["run", "--rm", "busybox", "true"]);
    command
        .env("DOCKER_CONTEXT", "dpty-e2e")
        .env("DOCKER_HOST", "unix:///nonexistent-ctx.sock");
    let out = run_command(command, None, TIMEOUT);
    assert_ne!(code(&out), 0, "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-ctx.sock"));
}

#[test]
fn the_current_context_is_used_and_h_overrides_it() {
    let config = config_with_context("dpty-current");
    let out = Command::new("docker")
        .arg("--config")
        .arg(&config.0)
        .args(["context", "use", "dpty-current"])
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));

    let out = run_command(
        dpty(&config, &["run", "--rm", "busybox", "echo", "current"]),
        None,
        TIMEOUT,
    );
    assert_eq!(out.stdout, b"current\n", "{}", describe(&out));

    let out = run_command(
        dpty(
            &config,
            &[
                "-H",
                "unix:///nonexistent-h.sock",
                "run",
                "--rm",
                "busybox",
                "true",
            ],
        ),
        None,
        TIMEOUT,
    );
    assert_ne!(code(&out), 0, "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("/nonexistent-h.sock"),
        "{}",
        describe(&out)
    );
}

#[test]
fn an_unknown_context_is_named() {
    let config = config_with_context("dpty-known");
    let out = run_command(
        dpty(&config, &["--context", "nope", "run", "busybox", "true"]),
        None,
        TIMEOUT,
    );
    assert_ne!(code(&out), 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nope"),
        "{}",
        describe(&out)
    );
}
