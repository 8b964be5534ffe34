//! Put a terminal, or any pair of streams, inside a container: what
//! `docker run -it`, `docker exec -it` and `docker attach` do, as a library.
//!
//! A [`Session`] joins a container's or an exec's streams to this
//! process's terminal (raw mode, resizes on SIGWINCH, detach keys, the
//! terminal restored on every way out) or to [`Streams`] you give it, and
//! returns how it ended with the exit status. Nothing is lost or reordered
//! in either direction, and memory stays bounded whatever the engine sends.
//!
//! ```no_run
//! # async fn demo() -> dpty::Result<()> {
//! // The engine the docker CLI would use: DOCKER_HOST, the current context, ...
//! let client = dpty::Client::connect(&dpty::Engine::from_env()?).await?;
//! let mut signals = dpty::SignalSource::install()?;
//! let end = dpty::Session::exec("web", dpty::Process::new(["sh"]))
//!     .tty(true)
//!     .stdin(true)
//!     .signals(&mut signals, true)
//!     .run(&client)
//!     .await?;
//! if let dpty::SessionEnd::Exited(status) = end {
//!     std::process::exit((status & 0xff) as i32);
//! }
//! # Ok(()) }
//! ```
//!
//! The `dpty` binary is built on this crate alone; `dpty::cli` holds its
//! command line, behind the `cli` feature (on by default: a program that
//! only runs sessions builds with `default-features = false` and compiles
//! no clap, progress bars or log writer). `examples/exec.rs` is
//! `docker exec -it` in a page (`cargo run --example exec -- web sh`), and
//! `examples/script.rs` drives a shell over in-memory [`Streams`], with no
//! terminal.
//!
//! The layers, each using only those below it: `error` and `basics` (the
//! words all share); `docker/` (the engine client: addresses, transports,
//! the HTTP upgrade, container and exec calls) and `pump/` (bytes between
//! the local side and a connection: raw mode, the select loop, resizes);
//! `session/` (a target found, opened and joined to the pump, one file per
//! target); then this file's API, and `cli/` above it.

#![warn(missing_docs)]

mod basics;
#[cfg(feature = "cli")]
pub mod cli;

mod docker;
mod error;
mod pump;
mod session;

pub use docker::ops::{Created, Process};
pub use docker::{Client, Engine, EngineFlags, TlsOptions};
pub use error::{Error, ErrorKind, Result};
pub use pump::{terminal_is_raw, RecordSpec, SignalSource, Size, DEFAULT_DETACH_KEYS};

/// The attach-stream demuxer, for the fuzz target only (`cargo fuzz` builds
/// with `--cfg fuzzing`); not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::pump::demux::{Demuxer, Piece};
}
pub use pump::Streams;
pub use session::{
    DebugLeftovers, DebugOptions, FanOut, Outputs, Reach, Route, ServiceTask, Session, SessionEnd,
    SwarmNode, TaskEnd, DEBUG_LABEL,
};

/// The README's Rust examples, compiled and checked with the doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// What the docker CLI's configuration file (`~/.docker/config.json`, or
/// under `DOCKER_CONFIG`) says that matters to a session.
pub mod docker_config {
    pub use crate::docker::context::{config_dir, detach_keys, proxy_env};
}

/// The size of this process's terminal: stdout's if it is one, else
/// stdin's; `None` when neither is a terminal.
///
/// ```
/// if let Some(size) = dpty::terminal_size() {
///     println!("{} x {}", size.cols, size.rows);
/// }
/// ```
pub fn terminal_size() -> Option<Size> {
    pump::local_size()
}

/// Whether `fd` is a terminal.
///
/// ```
/// let interactive = dpty::is_terminal(0);
/// # let _ = interactive;
/// ```
pub fn is_terminal(fd: std::os::fd::RawFd) -> bool {
    pump::is_terminal(fd)
}

/// Checks a detach sequence in docker's notation (`ctrl-p,ctrl-q`, `a,b`)
/// as the engine would, so a bad one is refused before anything is made.
///
/// ```
/// assert!(dpty::check_detach_keys("ctrl-p,ctrl-q").is_ok());
/// let error = dpty::check_detach_keys("ctrl-ä").unwrap_err();
/// assert_eq!(error.kind(), dpty::ErrorKind::InvalidDetachKeys);
/// ```
pub fn check_detach_keys(keys: &str) -> Result<()> {
    pump::parse_detach_keys(keys)
        .map(drop)
        .map_err(|e| error::mark(e.into(), ErrorKind::InvalidDetachKeys).into())
}
