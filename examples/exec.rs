//! `docker exec -it` in a page, on dpty's library alone: runs a command in a
//! running container, joined to this terminal, and exits with its status.
//!
//! ```text
//! cargo run --example exec -- CONTAINER COMMAND [ARG...]
//! cargo run --example exec -- web sh
//! echo hello | cargo run --example exec -- web cat
//! ```
//!
//! The engine is the one the docker CLI would use (`DOCKER_HOST`, the
//! current context, the default socket). The command gets a TTY when stdin
//! and stdout are both terminals, and this process's stdin always: typed
//! keys, or what is piped in, up to its end. Ctrl-P Ctrl-Q detaches.
//!
//! Exit status: the command's own; 128 + n when signal n ended the session
//! before the command; 141 (a broken pipe) when the output was closed first;
//! 0 after a detach; 1 with a one-line `exec: ...` when something failed;
//! 2 for a bad command line.

use std::process::ExitCode;

use dpty::{Client, Engine, Process, Session, SessionEnd, SignalSource};

// A runtime of one thread, which the session may have to itself: that is
// what `batch_output` below needs.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [container, command @ ..] = args.as_slice() else {
        return usage();
    };
    if command.is_empty() {
        return usage();
    }
    match exec(container, command).await {
        Ok(end) => exit_status(end),
        // The library's errors are one line that says which step failed.
        Err(error) => {
            eprintln!("exec: {error}");
            ExitCode::from(1)
        }
    }
}

async fn exec(container: &str, command: &[String]) -> dpty::Result<SessionEnd> {
    // Installed first, so that from here on SIGINT, SIGTERM and the rest are
    // heard, not fatal: during the set-up they end the run cleanly, during
    // the session they are passed on to the command.
    let mut signals = SignalSource::install()?;
    let client = Client::connect(&Engine::from_env()?).await?;
    // As `docker exec -it` at a keyboard, `docker exec -i` in a pipeline.
    let tty = dpty::is_terminal(0) && dpty::is_terminal(1);
    Session::exec(container, Process::new(command))
        .tty(tty)
        .stdin(true)
        .signals(&mut signals, true)
        // Lets a flood of output gather between reads: less CPU, the same
        // bytes. Fine here, where nothing else runs on this thread.
        .batch_output(true)
        .run(&client)
        .await
}

/// The status a shell would see, as `docker exec` gives it.
fn exit_status(end: SessionEnd) -> ExitCode {
    match end {
        // The engine reports a 32-bit status; a process's is its low byte.
        SessionEnd::Exited(status) => ExitCode::from((status & 0xff) as u8),
        SessionEnd::Signalled(signal) => ExitCode::from((128 + signal).clamp(0, 255) as u8),
        // What a process killed by SIGPIPE shows.
        SessionEnd::OutputClosed => ExitCode::from(141),
        SessionEnd::Detached => {
            eprintln!("exec: detached; the command goes on");
            ExitCode::SUCCESS
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: exec CONTAINER COMMAND [ARG...]");
    ExitCode::from(2)
}
