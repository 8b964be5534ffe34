//! The engine going away in the middle of a session. Killed outright, it drops every connection:
//! dpty must notice at once, say that the engine went away, exit with a failure and give the
//! terminal back as it was, rather than hang. Stopped the orderly way (SIGTERM), the engine first
//! stops its containers, giving each its stop timeout (10 s) before killing it, and keeps the attach
//! stream open meanwhile: the session then ends as the container does, like the docker CLI's. Each
//! test stops an engine of its own, started here under a private directory, so that the shared test
//! engine stays up; that makes these tests slower.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::{escape, is_docker, run_command, send_signal, unique_name, Pty, TIMEOUT};

const PROMPT: &str = "/ # ";

/// A Docker Engine of this test's own, started by `scripts/engine.sh` under a private directory;
/// dropping it stops the engine and removes the directory.
struct PrivateEngine {
    dir: PathBuf,
}

impl PrivateEngine {
    fn up() -> PrivateEngine {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // The guard exists before the engine does, so that a half-started one is stopped too.
        let engine = PrivateEngine {
            dir: PathBuf::from(format!("/tmp/dpty-t-{}-{n}", std::process::id())),
        };
        let out = run_command(engine.script("up"), None, Duration::from_secs(180));
        support::assert_success("starting a private engine", &out);
        engine
    }

    fn script(&self, action: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/engine.sh"))
            .arg(action)
            .env("DPTY_ENGINE_DIR", &self.dir)
            // A plain engine: no extra listeners that could clash with another engine's.
            .env_remove("DPTY_ENGINE_ARGS");
        command
    }

    /// Runs the docker CLI against this engine, for setup.
    #[track_caller]
    fn docker(&self, args: &[&str]) {
        let mut command = Command::new("docker");
        command.arg("-H").arg(self.host()).args(args);
        let out = run_command(command, None, TIMEOUT);
        support::assert_success(&format!("docker {args:?}"), &out);
    }

    fn host(&self) -> String {
        format!("unix://{}/docker.sock", self.dir.display())
    }

    /// Sends `signal` to the dockerd process, by the pid it recorded; unlike `engine.sh down`, this
    /// leaves its containers in place.
    fn signal(&self, signal: libc::c_int) {
        let pidfile = self.dir.join("dockerd.pid");
        let pid = std::fs::read_to_string(&pidfile)
            .unwrap_or_else(|e| panic!("reading {}: {e}", pidfile.display()))
            .trim()
            .parse()
            .expect("a pid in the pidfile");
        send_signal(pid, signal);
    }
}

impl Drop for PrivateEngine {
    fn drop(&mut self) {
        let down: Option<Output> = self.script("down").stdin(Stdio::null()).output().ok();
        match down {
            Some(out) if out.status.success() => {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
            // Something may still be mounted there: leave the directory for a look.
            other => eprintln!(
                "stopping the private engine in {} failed: {other:?}",
                self.dir.display()
            ),
        }
    }
}

/// Starts the binary under test with `args` against `engine` on a terminal and checks that the
/// shell it runs there answers.
fn shell_session(engine: &PrivateEngine, args: &[&str]) -> Pty {
    let host = engine.host();
    let argv: Vec<&str> = ["-H", host.as_str()]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let mut pty = Pty::bin_checked(&argv, 24, 80);
    pty.type_until("echo hi-$((6*7))", "hi-42");
    pty.expect(PROMPT, TIMEOUT);
    pty
}

/// How a session ended after the engine was signalled: what it printed up to its exit code, how
/// long that took, the code, and the whole output (terminal settings already checked).
struct Ending {
    said: String,
    took: Duration,
    code: i32,
    output: String,
}

fn ending_after(engine: &PrivateEngine, signal: libc::c_int, mut pty: Pty) -> Ending {
    engine.signal(signal);
    let signalled = Instant::now();
    let said = pty.expect("rc=", TIMEOUT);
    let took = signalled.elapsed();
    let code = pty.finish(TIMEOUT);
    eprintln!("the session ended {took:?} after signal {signal}, with {code}: {said:?}");
    Ending {
        said,
        took,
        code,
        output: escape(&pty.output()),
    }
}

/// The session ended at once, with a failure, saying the engine went away.
fn assert_prompt_failure_naming_the_engine(end: &Ending) {
    let output = &end.output;
    assert!(
        end.took < Duration::from_secs(5),
        "the session went on for {:?} after the engine was killed; output:\n{output}",
        end.took
    );
    assert_ne!(end.code, 0, "output:\n{output}");
    // The docker CLI says only "error waiting for container: unexpected EOF" (run) or nothing.
    assert!(
        is_docker() || end.said.to_lowercase().contains("engine"),
        "the message does not mention the engine; output:\n{output}"
    );
}

#[test]
fn an_engine_killed_during_run_ends_it_promptly_saying_so() {
    let engine = PrivateEngine::up();
    let name = unique_name("engine-loss-run");
    let pty = shell_session(&engine, &["run", "-it", "--name", &name, "busybox", "sh"]);
    assert_prompt_failure_naming_the_engine(&ending_after(&engine, libc::SIGKILL, pty));
}

#[test]
fn an_engine_killed_during_exec_ends_it_promptly_saying_so() {
    let engine = PrivateEngine::up();
    let name = unique_name("engine-loss-exec");
    engine.docker(&[
        "run",
        "-d",
        "--network",
        "none",
        "--name",
        &name,
        "busybox",
        "sleep",
        "600",
    ]);
    let pty = shell_session(&engine, &["exec", "-it", &name, "sh"]);
    assert_prompt_failure_naming_the_engine(&ending_after(&engine, libc::SIGKILL, pty));
}

#[test]
fn an_engine_killed_during_attach_ends_it_promptly_saying_so() {
    let engine = PrivateEngine::up();
    let name = unique_name("engine-loss-attach");
    engine.docker(&[
        "run",
        "-dit",
        "--network",
        "none",
        "--name",
        &name,
        "busybox",
        "sh",
    ]);
    let pty = shell_session(&engine, &["attach", &name]);
    assert_prompt_failure_naming_the_engine(&ending_after(&engine, libc::SIGKILL, pty));
}

#[test]
fn an_engine_stopped_mid_session_ends_it_when_it_kills_the_container() {
    let engine = PrivateEngine::up();
    let name = unique_name("engine-stop-run");
    let pty = shell_session(&engine, &["run", "-it", "--name", &name, "busybox", "sh"]);
    let end = ending_after(&engine, libc::SIGTERM, pty);
    let output = &end.output;
    // The shell, as process 1, ignores SIGTERM: the engine kills it after 10 s.
    assert!(
        end.took < Duration::from_secs(15),
        "the session went on for {:?} after the engine was stopped; output:\n{output}",
        end.took
    );
    assert_eq!(end.code, 137, "output:\n{output}");
}
