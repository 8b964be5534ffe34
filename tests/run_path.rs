//! `dpty run`'s own path, below the end-to-end tests: the built binary against an engine inside
//! the test process (`support::fake`), which records every request. What is checked is what the
//! binary asks of the engine and in which order: `--cidfile` written with the id and refused
//! when it exists, before anything is made; and `--rm` honoured when a signal ends the session,
//! so that nothing the user asked to be removed is left. No root, no real engine, no terminal.

// Each test binary uses part of the fake.
#[allow(dead_code)]
#[path = "support/fake.rs"]
mod fake;
mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt as _;

use fake::{Fake, Reply, Request};
use support::TempDir;

/// The binary against the fake ends in well under a second; this only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(20);

/// The binary under test, pointed at `fake`, with no terminal.
fn dpty(fake: &Fake, args: &[&str]) -> Command {
    let mut command = Command::new(support::bin());
    command
        .args(args)
        .env("DOCKER_HOST", format!("unix://{}", fake.socket().display()))
        .env_remove("DOCKER_CONTEXT")
        .env("DOCKER_CONFIG", "/nonexistent-dpty-config")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The busybox image exists; a create makes container `c1`.
fn image_and_create(request: &Request) -> Option<Reply> {
    let path = request.path.as_str();
    match request.method.as_str() {
        "GET" if path.starts_with("/images/busybox") => Some(Reply::Json(
            200,
            json!({ "Id": "sha256:b", "RepoTags": ["busybox:latest"], "Os": "linux" }),
        )),
        "POST" if path.starts_with("/containers/create") => {
            Some(Reply::Json(201, json!({ "Id": "c1", "Warnings": [] })))
        }
        _ => None,
    }
}

fn lines(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(Request::line)
        .filter(|l| l != "GET /_ping")
        .collect()
}

#[tokio::test]
async fn cidfile_gets_the_id_and_the_container_is_started() {
    let fake = Fake::start(|request| {
        image_and_create(request).unwrap_or_else(|| match request.line().as_str() {
            "POST /containers/c1/start" => Reply::Empty(204),
            _ => Reply::unexpected(request),
        })
    });
    let dir = TempDir::new("run-path");
    let cidfile = dir.path().join("cid");
    let cid = cidfile.to_str().unwrap();
    let command = dpty(&fake, &["run", "-d", "--cidfile", cid, "busybox", "true"]);
    let out = tokio::task::spawn_blocking(move || support::run_command(command, None, LIMIT))
        .await
        .unwrap();
    assert_eq!(support::code(&out), 0, "{}", support::describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "c1\n");
    assert_eq!(std::fs::read_to_string(&cidfile).unwrap(), "c1");
    let made = lines(&fake.log().requests());
    let create = made
        .iter()
        .position(|l| l.starts_with("POST /containers/create"));
    let start = made.iter().position(|l| l == "POST /containers/c1/start");
    assert!(create.is_some() && create < start, "{made:?}");
}

/// As docker: a container ID file that exists already is refused with 125, and nothing is made.
#[tokio::test]
async fn an_existing_cidfile_is_refused_before_anything_is_made() {
    let fake = Fake::start(|request| {
        image_and_create(request).unwrap_or_else(|| Reply::unexpected(request))
    });
    let dir = TempDir::new("run-path");
    let cidfile = dir.path().join("cid");
    std::fs::write(&cidfile, "old").unwrap();
    let cid = cidfile.to_str().unwrap().to_owned();
    let command = dpty(&fake, &["run", "-d", "--cidfile", &cid, "busybox", "true"]);
    let out = tokio::task::spawn_blocking(move || support::run_command(command, None, LIMIT))
        .await
        .unwrap();
    assert_eq!(support::code(&out), 125, "{}", support::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&cid), "{stderr}");
    assert_eq!(std::fs::read_to_string(&cidfile).unwrap(), "old");
    let made = lines(&fake.log().requests());
    assert!(
        !made
            .iter()
            .any(|l| l.starts_with("POST /containers/create")),
        "{made:?}"
    );
}

/// `--rm` with `--sig-proxy=false`: a signal ends the session while the container runs, and dpty
/// removes the container before it exits 128 + n, since the engine will not (it removes only a
/// container that exited).
#[tokio::test]
async fn a_signal_that_ends_the_session_still_removes_what_rm_asked_for() {
    let fake = Fake::start(|request| {
        image_and_create(request).unwrap_or_else(|| {
            let line = request.line();
            match line.as_str() {
                l if l.starts_with("POST /containers/c1/attach") => {
                    // The stream stays open: the container runs on.
                    Reply::upgrade(|mut stream, log| async move {
                        log.seen("POST", "/containers/c1/start").await;
                        stream.write_all(&fake::frame(1, b"ready\n")).await.unwrap();
                        std::future::pending::<()>().await;
                    })
                }
                l if l.starts_with("POST /containers/c1/wait") => {
                    Reply::later(std::future::pending())
                }
                "POST /containers/c1/start" => Reply::Empty(204),
                l if l.starts_with("DELETE /containers/c1") => Reply::Empty(204),
                _ => Reply::unexpected(request),
            }
        })
    });
    let mut child = dpty(
        &fake,
        &[
            "run",
            "--rm",
            "--sig-proxy=false",
            "busybox",
            "sleep",
            "100",
        ],
    )
    .spawn()
    .expect("spawning the binary under test");
    tokio::time::timeout(LIMIT, fake.log().seen("POST", "/containers/c1/start"))
        .await
        .expect("the container was never started");
    support::send_signal(child.id(), libc::SIGINT);
    let status = tokio::task::spawn_blocking(move || {
        support::exit_within(&mut child, LIMIT).expect("dpty did not exit after the signal")
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(130));
    let made = lines(&fake.log().requests());
    assert!(
        made.iter().any(|l| l.starts_with("DELETE /containers/c1")),
        "--rm left the container: {made:?}"
    );
}
