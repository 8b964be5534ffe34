//! A session with no terminal at all: a shell script goes in, its output
//! comes back, all through in-memory streams.
//!
//! ```text
//! cargo run --example script
//! ```
//!
//! It creates a busybox container running `sh` with its stdin open, joins
//! it to `tokio::io::duplex` pipes, writes a script into its stdin, reads
//! its stdout and stderr back into buffers, and checks them and the exit
//! status. It exits 0 only when all of it came back exactly as the script
//! says. The engine is the one the docker CLI would use (`DOCKER_HOST`, the
//! current context, the default socket), and needs the `busybox:latest`
//! image; the container has no network.
//!
//! The container is gone afterwards on every path: the engine removes it
//! when `sh` exits (`AutoRemove`), and when the session fails or is
//! interrupted before that, the example removes it itself.

use std::process::ExitCode;

use dpty::{Client, Engine, Session, SessionEnd, SignalSource, Streams};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};

/// What `sh` reads on its stdin.
const SCRIPT: &str = "\
echo hello from sh
echo to stderr >&2
seq 1 20000
exit 3
";

/// What it must print and how it must end, for that script.
fn expected() -> (Vec<u8>, Vec<u8>, SessionEnd) {
    let numbers: String = (1..=20000).map(|n| format!("{n}\n")).collect();
    let stdout = format!("hello from sh\n{numbers}");
    (
        stdout.into(),
        b"to stderr\n".to_vec(),
        SessionEnd::Exited(3),
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("script: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Whether the script's output and status were as expected.
async fn run() -> dpty::Result<bool> {
    // Installed before the container exists: a Ctrl-C from here on is heard
    // by the session (which then ends) instead of killing this process
    // between the create and the clean-up.
    let mut signals = SignalSource::install()?;
    let client = Client::connect(&Engine::from_env()?).await?;
    let body = serde_json::json!({
        "Image": "busybox:latest",
        "Cmd": ["sh"],
        // Stdin open, and closed for good when our attachment closes it.
        "OpenStdin": true,
        "StdinOnce": true,
        "HostConfig": { "AutoRemove": true, "NetworkMode": "none" },
    });
    let created = client.create_container(body, None, None).await?;
    let short_id = &created.id[..created.id.len().min(12)];
    for warning in &created.warnings {
        eprintln!("script: the engine warns: {warning}");
    }

    let outcome = converse(&client, &created.id, &mut signals).await;

    // sh has exited and the engine is removing the container, or the
    // session stopped early and it is still there: remove it either way.
    // "No such container" (404) and "removal already in progress" (409)
    // mean it is gone or going.
    let removed = match client.remove_container(&created.id).await {
        Ok(()) => true,
        Err(error) if matches!(error.status(), Some(404 | 409)) => true,
        Err(error) => {
            eprintln!("script: removing the container {short_id}: {error}");
            false
        }
    };

    let (end, stdout, stderr) = outcome?;
    let (want_stdout, want_stderr, want_end) = expected();
    let mut good = removed;
    if end != want_end {
        eprintln!("script: the session ended as {end:?}, not {want_end:?}");
        good = false;
    }
    good &= same("stdout", &stdout, &want_stdout);
    good &= same("stderr", &stderr, &want_stderr);
    if good {
        println!(
            "script: sh in container {short_id} ended as {end:?}; {} lines ({} bytes) of stdout \
             and {} of stderr came back as the script says; the container is gone or going",
            lines(&stdout),
            stdout.len(),
            lines(&stderr),
        );
    }
    Ok(good)
}

/// Starts the container joined to in-memory streams, feeds it the script
/// and collects everything it prints, until it ends.
async fn converse(
    client: &Client,
    id: &str,
    signals: &mut SignalSource,
) -> dpty::Result<(SessionEnd, Vec<u8>, Vec<u8>)> {
    // Each duplex is a pipe: the session holds one end, we hold the other.
    let (stdin, mut keyboard) = tokio::io::duplex(4096);
    let (stdout, stdout_reader) = tokio::io::duplex(64 * 1024);
    let (stderr, stderr_reader) = tokio::io::duplex(64 * 1024);
    let session = Session::start(id)
        // As the container was created: no TTY (so stdout and stderr come
        // apart), stdin attached. Saying so spares the engine an inspect.
        .tty(false)
        .stdin(true)
        .streams(Streams::new(stdout, stderr).input(stdin))
        // A signal ends the session rather than going to sh.
        .signals(signals, false)
        .run(client);
    let feed = async move {
        // Fails only if the session ended before taking all of it, which
        // the outcome will show. Dropping `keyboard` then closes sh's stdin.
        let _ = keyboard.write_all(SCRIPT.as_bytes()).await;
    };
    // All four at once: the pipes are small, so each side must be read
    // while the others write. The session drops its ends when it is done,
    // which ends the reads.
    let (end, (), stdout, stderr) = tokio::join!(
        session,
        feed,
        read_all(stdout_reader),
        read_all(stderr_reader)
    );
    Ok((end?, stdout, stderr))
}

async fn read_all(mut reader: impl AsyncRead + Unpin) -> Vec<u8> {
    let mut bytes = Vec::new();
    // An in-memory pipe fails to read only if it is misused.
    reader
        .read_to_end(&mut bytes)
        .await
        .expect("reading an in-memory pipe");
    bytes
}

/// Whether `got` is `want`; if not, says where they part.
fn same(stream: &str, got: &[u8], want: &[u8]) -> bool {
    if got == want {
        return true;
    }
    let at = got.iter().zip(want).take_while(|(a, b)| a == b).count();
    let show = |bytes: &[u8]| {
        let end = bytes.len().min(at + 40);
        bytes[at..end].escape_ascii().to_string()
    };
    eprintln!(
        "script: {stream} is {} bytes, not {}; from byte {at} it has \"{}\" where the script prints \"{}\"",
        got.len(),
        want.len(),
        show(got),
        show(want),
    );
    false
}

fn lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
