//! The session layer against an engine inside the test process (`support::fake`): the requests
//! a session makes and their order, the joined streams, resizes, the exit status, and what kind
//! of error each failure is. No root, no real engine and no terminal: everything goes through
//! dpty's public API with in-memory streams.

#[path = "support/fake.rs"]
mod fake;
mod support;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use dpty::{ErrorKind, Process, Session, SessionEnd, Size, Streams};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

use fake::{frame, Fake, Journal, Reply, Which};
use support::TempDir;

/// A session against the fake ends in milliseconds; this only turns a hang into a failure.
const LIMIT: Duration = Duration::from_secs(5);

async fn within<T>(what: &str, step: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, step)
        .await
        .unwrap_or_else(|_| panic!("{what} did not end within {LIMIT:?}"))
}

/// Output streams that note where each byte went.
fn captured(journal: &Journal) -> Streams {
    Streams::new(journal.writer(Which::Out), journal.writer(Which::Err))
}

/// Bytes that are not all alike, so a lost or moved byte shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

const ATTACH_C1: &str =
    "/containers/c1/attach?stream=1&stdin=0&stdout=1&stderr=1&logs=0&detachKeys=ctrl-p%2Cctrl-q";

/// `docker run` without -i or -t: the container is attached to and its exit waited for before it
/// starts, so that neither its first byte nor its exit can be missed; its multiplexed output is
/// split into stdout and stderr in the order it was sent, and its status is the wait's.
#[tokio::test]
async fn start_attaches_and_registers_the_wait_before_starting() {
    let big = pattern(300_000);
    let frames = [
        frame(1, b"one\n"),
        frame(2, b"two\n"),
        frame(1, b"three\n"),
        frame(1, &big),
        frame(2, b"four\n"),
    ]
    .concat();
    let exited = Arc::new(Notify::new());
    let fake = Fake::start({
        let exited = exited.clone();
        move |request| match (request.method.as_str(), request.path.as_str()) {
            ("POST", ATTACH_C1) => {
                let (frames, exited) = (frames.clone(), exited.clone());
                Reply::upgrade(move |mut stream, log| async move {
                    log.seen("POST", "/containers/c1/start").await;
                    stream.write_all(&frames).await.unwrap();
                    stream.shutdown().await.unwrap();
                    exited.notify_one();
                })
            }
            ("POST", "/containers/c1/wait?condition=next-exit") => {
                let exited = exited.clone();
                Reply::later(async move {
                    exited.notified().await;
                    json!({ "StatusCode": 7 })
                })
            }
            ("POST", "/containers/c1/start") => Reply::Empty(204),
            _ => Reply::unexpected(request),
        }
    });
    let client = fake.client().await;
    let journal = Journal::default();
    let end = Session::start("c1")
        .tty(false)
        .stdin(false)
        .streams(captured(&journal))
        .run(&client);
    let end = within("the session", end).await.unwrap();

    assert_eq!(end, SessionEnd::Exited(7));
    assert_eq!(
        fake.log().lines(),
        [
            "GET /_ping".to_owned(),
            format!("POST {ATTACH_C1}"),
            "POST /containers/c1/wait?condition=next-exit".to_owned(),
            "POST /containers/c1/start".to_owned(),
        ]
    );
    let mut three_and_big = b"three\n".to_vec();
    three_and_big.extend_from_slice(&big);
    assert_eq!(
        journal.runs(),
        [
            (Which::Out, b"one\n".to_vec()),
            (Which::Err, b"two\n".to_vec()),
            (Which::Out, three_and_big),
            (Which::Err, b"four\n".to_vec()),
        ]
    );
}

/// `docker exec -i` with piped input: the exec is made and started, every input byte reaches the
/// process, the end of the input reaches it as a half-close while its output still comes back,
/// and the status is the exec's, read once the stream has ended.
#[tokio::test]
async fn exec_passes_input_and_its_end_and_reports_the_exit_code() {
    let input = pattern(200_000);
    let fake = Fake::start(
        |request| match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/containers/c/exec") => Reply::Json(201, json!({ "Id": "e1" })),
            ("POST", "/exec/e1/start") => Reply::upgrade(|mut stream, _| async move {
                // Echo every byte as stdout until the input ends, then end the stream.
                let mut chunk = vec![0u8; 16 * 1024];
                loop {
                    let n = stream.read(&mut chunk).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    stream.write_all(&frame(1, &chunk[..n])).await.unwrap();
                }
                stream.write_all(&frame(2, b"bye\n")).await.unwrap();
                stream.shutdown().await.unwrap();
            }),
            ("GET", "/exec/e1/json") => Reply::Json(
                200,
                json!({ "ID": "e1", "Running": false, "ExitCode": 3, "Pid": 0,
                    "OpenStdin": true, "ProcessConfig": { "tty": false } }),
            ),
            _ => Reply::unexpected(request),
        },
    );
    let client = fake.client().await;
    let journal = Journal::default();
    let end = Session::exec("c", Process::new(["sh"]))
        .stdin(true)
        .streams(captured(&journal).input(std::io::Cursor::new(input.clone())))
        .run(&client);
    let end = within("the session", end).await.unwrap();

    assert_eq!(end, SessionEnd::Exited(3));
    assert!(
        journal.bytes(Which::Out) == input,
        "the echo differs from the input"
    );
    assert_eq!(journal.bytes(Which::Err), b"bye\n");
    let requests = fake.log().requests();
    let lines: Vec<_> = requests.iter().map(|r| r.line()).collect();
    assert_eq!(
        lines,
        [
            "GET /_ping",
            "POST /containers/c/exec",
            "POST /exec/e1/start",
            "GET /exec/e1/json"
        ]
    );
    let create = requests[1].json();
    assert_eq!(create["Cmd"], json!(["sh"]));
    assert_eq!(create["AttachStdin"], json!(true));
    assert_eq!(create["Tty"], json!(false));
    assert_eq!(requests[2].json()["Detach"], json!(false));
}

/// `docker exec -t`: the exec is made and started at the caller's size, the TTY is set to it
/// once more when the stream opens, and a later size from the caller's stream reaches the engine.
#[tokio::test]
async fn exec_with_a_tty_follows_the_callers_sizes() {
    let fake = Fake::start(
        |request| match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/containers/c/exec") => Reply::Json(201, json!({ "Id": "e1" })),
            ("POST", "/exec/e1/start") => Reply::upgrade(|mut stream, log| async move {
                log.seen("POST", "/exec/e1/resize?h=40&w=120").await;
                stream.write_all(b"resized\r\n").await.unwrap();
                stream.shutdown().await.unwrap();
            }),
            ("POST", path) if path.starts_with("/exec/e1/resize?") => Reply::Empty(200),
            ("GET", "/exec/e1/json") => Reply::Json(
                200,
                json!({ "ID": "e1", "Running": false, "ExitCode": 0, "Pid": 0 }),
            ),
            _ => Reply::unexpected(request),
        },
    );
    let client = fake.client().await;
    let journal = Journal::default();
    let later = Size {
        rows: 40,
        cols: 120,
    };
    let streams = captured(&journal)
        .size(Size {
            rows: 30,
            cols: 100,
        })
        .resizes(futures_util::stream::iter([later]));
    let end = Session::exec("c", Process::new(["sh"]))
        .tty(true)
        .streams(streams)
        .run(&client);
    let end = within("the session", end).await.unwrap();

    assert_eq!(end, SessionEnd::Exited(0));
    assert_eq!(journal.bytes(Which::Out), b"resized\r\n");
    let requests = fake.log().requests();
    let create = &requests[1];
    assert_eq!(create.line(), "POST /containers/c/exec");
    assert_eq!(create.json()["ConsoleSize"], json!([30, 100]));
    assert_eq!(create.json()["Tty"], json!(true));
    let start = &requests[2];
    assert_eq!(start.line(), "POST /exec/e1/start");
    assert_eq!(start.json()["ConsoleSize"], json!([30, 100]));
    let resizes: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/exec/e1/resize?"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        resizes,
        ["/exec/e1/resize?h=30&w=100", "/exec/e1/resize?h=40&w=120"]
    );
}

/// A caller's stream of sizes may end long before the session does (here: a channel whose sender
/// is gone, read through `unfold`, which must not be polled again once it has ended); the session
/// goes on, and ends when the process does.
#[tokio::test]
async fn a_stream_of_sizes_may_end_before_the_session() {
    let fake = Fake::start(
        |request| match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/containers/c/exec") => Reply::Json(201, json!({ "Id": "e1" })),
            ("POST", "/exec/e1/start") => Reply::upgrade(|mut stream, _| async move {
                // The TTY echoes what is typed; the process ends with its input.
                let mut typed = Vec::new();
                stream.read_to_end(&mut typed).await.unwrap();
                stream.write_all(&typed).await.unwrap();
                stream.shutdown().await.unwrap();
            }),
            ("POST", path) if path.starts_with("/exec/e1/resize?") => Reply::Empty(200),
            ("GET", "/exec/e1/json") => Reply::Json(
                200,
                json!({ "ID": "e1", "Running": false, "ExitCode": 0, "Pid": 0 }),
            ),
            _ => Reply::unexpected(request),
        },
    );
    let client = fake.client().await;
    let (sizes, received) = tokio::sync::mpsc::channel(1);
    sizes
        .try_send(Size {
            rows: 40,
            cols: 120,
        })
        .unwrap();
    drop(sizes);
    let resizes = futures_util::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|size| (size, received))
    });
    let (mut keyboard, input) = tokio::io::duplex(64);
    let journal = Journal::default();
    let streams = captured(&journal)
        .input(input)
        .size(Size {
            rows: 30,
            cols: 100,
        })
        .resizes(resizes);
    let session = Session::exec("c", Process::new(["sh"]))
        .tty(true)
        .stdin(true)
        .streams(streams)
        .run(&client);
    // The input ends only once the size stream has given its size and ended.
    let typist = async {
        keyboard.write_all(b"exit\r").await.unwrap();
        fake.log().seen("POST", "/exec/e1/resize?h=40&w=120").await;
        drop(keyboard);
    };
    let (end, ()) = within("the session", async { tokio::join!(session, typist) }).await;

    assert_eq!(end.unwrap(), SessionEnd::Exited(0));
    assert_eq!(journal.bytes(Which::Out), b"exit\r");
}

/// Runs `Session::start("c1")` without a TTY or stdin against `fake` and returns its error.
async fn start_fails(fake: &Fake) -> dpty::Error {
    let client = fake.client().await;
    let end = Session::start("c1")
        .tty(false)
        .stdin(false)
        .streams(captured(&Journal::default()))
        .run(&client);
    within("the session", end)
        .await
        .expect_err("the session should fail")
}

#[tokio::test]
async fn a_refused_attach_is_attach_refused() {
    let fake = Fake::start(|request| match request.path.as_str() {
        ATTACH_C1 => Reply::error(400, "invalid detach keys"),
        _ => Reply::unexpected(request),
    });
    let error = start_fails(&fake).await;
    assert_eq!(error.kind(), ErrorKind::AttachRefused, "{error}");
    assert_eq!(error.status(), Some(400));
    assert!(error.to_string().contains("invalid detach keys"), "{error}");
    // Nothing is started once the attach is refused.
    assert_eq!(
        fake.log().lines(),
        ["GET /_ping".to_owned(), format!("POST {ATTACH_C1}")]
    );
}

#[tokio::test]
async fn a_missing_command_at_start_is_command_not_found() {
    let message = "failed to create task for container: OCI runtime create failed: \
                   exec: \"nosuch\": executable file not found in $PATH: unknown";
    let fake = Fake::start(move |request| match request.path.as_str() {
        ATTACH_C1 => Reply::upgrade(|mut stream, _| async move {
            // Held open until dpty lets go of it.
            let _ = stream.read_to_end(&mut Vec::new()).await;
        }),
        "/containers/c1/wait?condition=next-exit" => Reply::later(std::future::pending()),
        "/containers/c1/start" => Reply::error(500, message),
        _ => Reply::unexpected(request),
    });
    let error = start_fails(&fake).await;
    assert_eq!(error.kind(), ErrorKind::CommandNotFound, "{error}");
    assert!(
        error.to_string().contains("executable file not found"),
        "{error}"
    );
}

#[tokio::test]
async fn a_stream_cut_inside_a_frame_is_a_protocol_error() {
    let fake = Fake::start(|request| match request.path.as_str() {
        ATTACH_C1 => Reply::upgrade(|mut stream, log| async move {
            log.seen("POST", "/containers/c1/start").await;
            let whole = frame(1, b"0123456789");
            stream.write_all(&whole[..12]).await.unwrap();
            stream.shutdown().await.unwrap();
        }),
        // The status is there at once: a cut stream taken for the end shows as an exit, not a hang.
        "/containers/c1/wait?condition=next-exit" => {
            Reply::later(async { json!({ "StatusCode": 0 }) })
        }
        "/containers/c1/start" => Reply::Empty(204),
        _ => Reply::unexpected(request),
    });
    let error = start_fails(&fake).await;
    assert_eq!(error.kind(), ErrorKind::Protocol, "{error}");
    assert!(error.to_string().contains("short of a frame"), "{error}");
}

#[tokio::test]
async fn exec_in_a_stopped_container_is_not_running() {
    let fake = Fake::start(|request| match request.path.as_str() {
        "/containers/c/exec" => Reply::error(409, "container c is not running"),
        _ => Reply::unexpected(request),
    });
    let client = fake.client().await;
    let end = Session::exec("c", Process::new(["sh"]))
        .streams(captured(&Journal::default()))
        .run(&client);
    let error = within("the session", end).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotRunning, "{error}");
    assert!(error.to_string().contains("is not running"), "{error}");
}

#[tokio::test]
async fn attaching_to_a_paused_container_is_not_running() {
    let fake = Fake::start(
        |request| match (request.method.as_str(), request.path.as_str()) {
            ("GET", path) if path.starts_with("/containers/x/json") => Reply::Json(
                200,
                json!({ "Id": "x1", "Config": { "Tty": false, "OpenStdin": false },
                    "State": { "Status": "paused", "Running": true, "Paused": true } }),
            ),
            _ => Reply::unexpected(request),
        },
    );
    let client = fake.client().await;
    let end = Session::attach("x")
        .streams(captured(&Journal::default()))
        .run(&client);
    let error = within("the session", end).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotRunning, "{error}");
    assert!(error.to_string().contains("paused"), "{error}");
    // The inspect is all: no attach is tried.
    let lines = fake.log().lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with("GET /containers/x/json"), "{lines:?}");
}

#[tokio::test]
async fn bad_detach_keys_are_refused_before_the_engine_is_asked() {
    let fake = Fake::start(Reply::unexpected);
    let client = fake.client().await;
    let end = Session::attach("x")
        .detach_keys("ctrl-ä")
        .streams(captured(&Journal::default()))
        .run(&client);
    let error = within("the session", end).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidDetachKeys, "{error}");
    assert_eq!(fake.log().lines(), ["GET /_ping"]);
}

#[tokio::test]
async fn a_socket_nobody_listens_on_is_unreachable() {
    let dir = TempDir::new("nobody");
    // No file at all, and a socket file whose listener is gone.
    let missing = dir.path().join("missing.sock");
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    for path in [missing, stale] {
        let engine = dpty::Engine::parse(&format!("unix://{}", path.display())).unwrap();
        let error = within("connecting", dpty::Client::connect(&engine))
            .await
            .err()
            .expect("nothing should answer");
        assert_eq!(error.kind(), ErrorKind::Unreachable, "{error}");
        assert!(
            error.to_string().contains(&*path.to_string_lossy()),
            "{error}"
        );
    }
}
