//! The library's one error type: what went wrong, as a kind a caller can
//! act on, with the whole story as its message.
//!
//! Kinds are decided where a failure first shows (a connection that broke is
//! [`ErrorKind::EngineGone`] where the read or send failed, not by guessing
//! later from the error's type); nothing here chooses an exit status. The
//! `dpty` binary maps kinds to the docker CLI's statuses in one place.

use std::fmt;

/// What kind of failure an [`Error`] is.
///
/// ```
/// use dpty::ErrorKind;
///
/// fn status(kind: ErrorKind) -> u8 {
///     match kind {
///         ErrorKind::CommandNotFound => 127,
///         ErrorKind::CommandNotInvokable => 126,
///         _ => 125,
///     }
/// }
/// assert_eq!(status(ErrorKind::CommandNotFound), 127);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The engine answered the request with an error (bad request, no such
    /// container or image, conflict, ...); [`Error::status`] has its HTTP status.
    Refused,
    /// The engine refused to attach to the container.
    AttachRefused,
    /// The container's command, or the exec's, does not exist.
    CommandNotFound,
    /// The command exists but cannot be run (a directory, no permission).
    CommandNotInvokable,
    /// The target is in no state to be joined: a stopped or paused
    /// container, an exec instance that has already started.
    NotRunning,
    /// A TTY with stdin was asked for on the process's terminal, but its
    /// stdin is not a terminal.
    NotATerminal,
    /// The detach keys are not a sequence docker understands.
    InvalidDetachKeys,
    /// The engine's address cannot be used as given (nor the TLS files
    /// named for it).
    InvalidAddress,
    /// The engine could not be reached at all.
    Unreachable,
    /// The connection to the engine broke: the engine went away.
    EngineGone,
    /// The engine took a request and gave no answer in time.
    NoAnswer,
    /// The engine's answer or stream did not follow the protocol.
    Protocol,
    /// Reading or writing the local side failed (the terminal, the streams
    /// given, a recording file).
    Local,
}

/// A failure of a session or of a call to the engine.
///
/// [`Error::kind`] says what kind; the message (`{}`) says what happened
/// and in which step, on one line.
///
/// ```
/// # async fn demo() {
/// let client = dpty::Client::connect(&dpty::Engine::parse("unix:///nonexistent.sock").unwrap())
///     .await;
/// let error = client.err().unwrap();
/// assert_eq!(error.kind(), dpty::ErrorKind::Unreachable);
/// assert!(error.to_string().contains("/nonexistent.sock"));
/// # }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo());
/// ```
pub struct Error {
    kind: ErrorKind,
    inner: anyhow::Error,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status the engine answered with, when it answered with one.
    pub fn status(&self) -> Option<u16> {
        ApiError::status_of(&self.inner)
    }

    /// The failure as it was before it became one, to add a step to it.
    pub(crate) fn into_inner(self) -> anyhow::Error {
        self.inner
    }
}

/// The engine answered a request with an error status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub status: u16,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "the engine answered with status {}", self.status)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The status of an engine error inside an `anyhow` chain, if any.
    pub fn status_of(error: &anyhow::Error) -> Option<u16> {
        error
            .chain()
            .find_map(|e| e.downcast_ref::<ApiError>())
            .map(|e| e.status)
    }
}

/// Marks an internal error with its kind; it prints as nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind(pub ErrorKind);

impl fmt::Display for Kind {
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

/// Marks `error` as being of `kind`.
pub(crate) fn mark(error: anyhow::Error, kind: ErrorKind) -> anyhow::Error {
    error.context(Kind(kind))
}

impl From<anyhow::Error> for Error {
    fn from(inner: anyhow::Error) -> Self {
        // The mark nearest the top wins: a later step may say more than the
        // failure it wraps (a refused attach is still a refusal).
        let marked = inner.downcast_ref::<Kind>();
        let kind = match marked {
            Some(Kind(kind)) => *kind,
            None => classify(&inner),
        };
        Error { kind, inner }
    }
}

/// The kind of an unmarked error: an engine's answer is a refusal, a body
/// that does not parse is the protocol's fault; the engine client marks the
/// rest where it makes them.
fn classify(error: &anyhow::Error) -> ErrorKind {
    for cause in error.chain() {
        if cause.is::<ApiError>() {
            return ErrorKind::Refused;
        }
        if cause.is::<serde_json::Error>() {
            return ErrorKind::Protocol;
        }
    }
    ErrorKind::Local
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for part in self.inner.chain().map(ToString::to_string) {
            if part.is_empty() {
                continue;
            }
            if !first {
                f.write_str(": ")?;
            }
            f.write_str(&part.replace('\n', " "))?;
            first = false;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self)
    }
}

/// The failure this one wraps, if any. [`Display`](fmt::Display) already
/// names every step of the chain on one line; `source` lets a caller walk
/// it, e.g. to find an I/O error.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a container's failed start means, from the engine's message: the
/// engine gives no structured answer for it, so the runtime's words are all
/// there is to go by (the docker CLI reads them the same way).
pub(crate) fn start_failure_kind(message: &str) -> Option<ErrorKind> {
    const NOT_FOUND_HINTS: [&str; 3] = [
        "executable file not found",
        "no such file or directory",
        "system cannot find the file specified",
    ];
    const CANNOT_INVOKE_HINTS: [&str; 2] = ["permission denied", "is a directory"];
    let message = message.to_ascii_lowercase();
    if NOT_FOUND_HINTS.iter().any(|h| message.contains(h)) {
        Some(ErrorKind::CommandNotFound)
    } else if CANNOT_INVOKE_HINTS.iter().any(|h| message.contains(h)) {
        Some(ErrorKind::CommandNotInvokable)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_commands_are_told_from_uninvokable_ones() {
        let msg = r#"OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "nosuch": executable file not found in $PATH: unknown"#;
        assert_eq!(start_failure_kind(msg), Some(ErrorKind::CommandNotFound));
        assert_eq!(
            start_failure_kind("exec: /bin/nope: no such file or directory"),
            Some(ErrorKind::CommandNotFound)
        );
        assert_eq!(
            start_failure_kind("exec: \"/etc\": is a directory: unknown"),
            Some(ErrorKind::CommandNotInvokable)
        );
        assert_eq!(
            start_failure_kind("exec: \"/etc/passwd\": permission denied: unknown"),
            Some(ErrorKind::CommandNotInvokable)
        );
        assert_eq!(
            start_failure_kind("driver failed programming external connectivity"),
            None
        );
    }

    #[test]
    fn marks_decide_the_kind_and_print_as_nothing() {
        let error = mark(
            anyhow::anyhow!("exec: \"nosuch\": executable file not found"),
            ErrorKind::CommandNotFound,
        )
        .context("starting the container");
        let error = Error::from(error);
        assert_eq!(error.kind(), ErrorKind::CommandNotFound);
        assert_eq!(
            error.to_string(),
            "starting the container: exec: \"nosuch\": executable file not found"
        );
    }

    #[test]
    fn engine_answers_are_refusals_with_their_status() {
        let error = Error::from(anyhow::Error::new(ApiError {
            status: 404,
            message: "No such container: x".into(),
        }));
        assert_eq!(error.kind(), ErrorKind::Refused);
        assert_eq!(error.status(), Some(404));
    }
}
