//! Exit statuses, chosen to match the docker CLI so that scripts written for
//! `docker run` and `docker exec` keep working unchanged.
//!
//! The docker CLI reserves 125 for "the engine refused", 126 for "the command
//! exists but cannot be invoked" and 127 for "the command was not found"; any
//! other status is the container's (or exec process's) own.

use std::process::ExitCode;

/// The engine refused the request: bad flags, image not found, create failed.
pub const ENGINE_REFUSED: u8 = 125;
/// The command was found but could not be invoked (a directory, no permission).
pub const CANNOT_INVOKE: u8 = 126;
/// The command was not found in the container.
pub const NOT_FOUND: u8 = 127;
/// A local failure before the container was involved (e.g. stdin is not a TTY),
/// and the status `attach`/`exec` give after a detach, as the docker CLI does.
pub const GENERAL: u8 = 1;

/// dpty's own status when nobody reads its output any more, the status a
/// process killed by SIGPIPE shows in a shell (the docker CLI dies that way).
pub const BROKEN_PIPE: u8 = 128 + 13;

/// The status for a session that dpty ended because of `signal`.
pub fn for_signal(signal: i32) -> u8 {
    (128 + signal).clamp(0, 255) as u8
}

/// Marks an error with the exit status it must produce. It is attached as
/// context and prints as nothing, so the user sees only the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded(pub u8);

impl std::fmt::Display for Coded {
    fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}

/// The status an error exits with: the one it was marked with, else `default`.
pub fn of_error(error: &anyhow::Error, default: u8) -> u8 {
    // anyhow looks through every context layer for the marker.
    error
        .downcast_ref::<Coded>()
        .map_or(default, |coded| coded.0)
}

/// The error as one line for the user, without the status markers.
pub fn render(error: &anyhow::Error) -> String {
    let parts: Vec<String> = error
        .chain()
        .map(|e| e.to_string())
        .filter(|text| !text.is_empty())
        .collect();
    parts.join(": ").replace('\n', " ")
}

/// Why a session ended, as far as the exit status is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The container or exec process exited with this status.
    Exited(i64),
    /// dpty failed on its own side, with a docker-compatible status.
    Failed(u8),
}

impl Outcome {
    /// The process exit status for this outcome.
    pub fn code(self) -> u8 {
        match self {
            // The engine reports a 32-bit status; the process can only carry
            // its low byte, exactly as `os.Exit` in the docker CLI does.
            Outcome::Exited(status) => (status & 0xff) as u8,
            Outcome::Failed(code) => code,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(outcome.code())
    }
}

/// Maps the engine's message for a container that failed to start to the
/// status the docker CLI gives for it.
pub fn for_start_failure(message: &str) -> u8 {
    const NOT_FOUND_HINTS: [&str; 3] = [
        "executable file not found",
        "no such file or directory",
        "system cannot find the file specified",
    ];
    const CANNOT_INVOKE_HINTS: [&str; 2] = ["permission denied", "is a directory"];
    let message = message.to_ascii_lowercase();
    if NOT_FOUND_HINTS.iter().any(|h| message.contains(h)) {
        NOT_FOUND
    } else if CANNOT_INVOKE_HINTS.iter().any(|h| message.contains(h)) {
        CANNOT_INVOKE
    } else {
        ENGINE_REFUSED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_status_is_passed_through() {
        assert_eq!(Outcome::Exited(0).code(), 0);
        assert_eq!(Outcome::Exited(42).code(), 42);
        assert_eq!(Outcome::Exited(137).code(), 137);
    }

    #[test]
    fn status_keeps_its_low_byte_like_os_exit() {
        assert_eq!(Outcome::Exited(256).code(), 0);
        assert_eq!(Outcome::Exited(-1).code(), 255);
    }

    #[test]
    fn local_failures_keep_their_code() {
        assert_eq!(Outcome::Failed(ENGINE_REFUSED).code(), 125);
        assert_eq!(Outcome::Failed(GENERAL).code(), 1);
    }

    #[test]
    fn missing_command_is_127() {
        let msg = r#"OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "nosuch": executable file not found in $PATH: unknown"#;
        assert_eq!(for_start_failure(msg), NOT_FOUND);
        assert_eq!(
            for_start_failure("exec: /bin/nope: no such file or directory"),
            NOT_FOUND
        );
    }

    #[test]
    fn uninvokable_command_is_126() {
        assert_eq!(
            for_start_failure("exec: \"/etc\": is a directory: unknown"),
            CANNOT_INVOKE
        );
        assert_eq!(
            for_start_failure("exec: \"/etc/passwd\": permission denied: unknown"),
            CANNOT_INVOKE
        );
    }

    #[test]
    fn marked_errors_keep_their_code_and_print_without_the_mark() {
        let error = anyhow::anyhow!("exec: \"nosuch\": executable file not found")
            .context(Coded(NOT_FOUND))
            .context("starting the container");
        assert_eq!(of_error(&error, ENGINE_REFUSED), NOT_FOUND);
        assert_eq!(
            render(&error),
            "starting the container: exec: \"nosuch\": executable file not found"
        );
        assert_eq!(
            of_error(&anyhow::anyhow!("other"), ENGINE_REFUSED),
            ENGINE_REFUSED
        );
    }

    #[test]
    fn signals_map_to_128_plus_the_number() {
        assert_eq!(for_signal(15), 143);
        assert_eq!(for_signal(2), 130);
    }

    #[test]
    fn other_start_failures_are_125() {
        assert_eq!(
            for_start_failure("driver failed programming external connectivity"),
            ENGINE_REFUSED
        );
    }
}
