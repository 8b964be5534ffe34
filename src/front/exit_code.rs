//! Exit statuses, chosen to match the docker CLI so that scripts written for
//! `docker run` and `docker exec` keep working unchanged.
//!
//! The docker CLI reserves 125 for "the engine refused", 126 for "the command
//! exists but cannot be invoked" and 127 for "the command was not found"; any
//! other status is the container's (or exec process's) own.

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

/// The error as one line for the user, without the status markers.
pub fn render(error: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !text.is_empty() {
            parts.push(text);
        }
        // A library error names every step below it already; its sources
        // are there for callers who look for one of them.
        if cause.is::<dpty::Error>() {
            break;
        }
    }
    parts.join(": ").replace('\n', " ")
}

/// The command whose exit status is being chosen: the docker CLI gives
/// some failures different statuses in `run` than in `exec` and `attach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Run,
    Exec,
    Attach,
}

/// The status for a failure of the library, by its kind, as the docker CLI
/// exits for the same failure.
pub fn of_library_error(command: Command, kind: dpty::ErrorKind) -> u8 {
    use dpty::ErrorKind as K;
    match kind {
        K::CommandNotFound if command != Command::Exec => NOT_FOUND,
        K::CommandNotInvokable if command != Command::Exec => CANNOT_INVOKE,
        // Refused before anything was made, or by the engine's attach:
        // docker reports these as plain errors.
        K::AttachRefused | K::NotATerminal | K::InvalidDetachKeys | K::InvalidAddress => GENERAL,
        _ => default_for(command),
    }
}

/// The status of a failure nothing more specific is known of: `run` has
/// docker's "the engine refused" status, the others 1.
pub fn default_for(command: Command) -> u8 {
    match command {
        Command::Run => ENGINE_REFUSED,
        Command::Exec | Command::Attach => GENERAL,
    }
}

/// The status of an error that ended dpty: the status it was marked with,
/// else its library kind's, else the command's default.
pub fn of_any_error(command: Command, error: &anyhow::Error) -> u8 {
    if let Some(coded) = error.downcast_ref::<Coded>() {
        return coded.0;
    }
    match error.chain().find_map(|e| e.downcast_ref::<dpty::Error>()) {
        Some(library) => of_library_error(command, library.kind()),
        None => default_for(command),
    }
}

/// The status for the way a session ended; `Err` with the message to show
/// when the ending is a failure to report (a detach from `exec` or `attach`,
/// which the docker CLI reports as "read escape sequence" with status 1).
pub fn of_end(command: Command, end: dpty::SessionEnd) -> Result<u8, &'static str> {
    match end {
        // The engine reports a 32-bit status; the process can only carry
        // its low byte, exactly as `os.Exit` in the docker CLI does.
        dpty::SessionEnd::Exited(status) => Ok((status & 0xff) as u8),
        dpty::SessionEnd::Detached if command == Command::Run => Ok(0),
        dpty::SessionEnd::Detached => Err("read escape sequence"),
        dpty::SessionEnd::OutputClosed => Ok(BROKEN_PIPE),
        dpty::SessionEnd::Signalled(signal) => Ok(for_signal(signal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dpty::{ErrorKind, SessionEnd};

    #[test]
    fn container_status_is_passed_through_with_its_low_byte() {
        for (status, code) in [(0, 0), (42, 42), (137, 137), (256, 0), (-1, 255)] {
            assert_eq!(of_end(Command::Run, SessionEnd::Exited(status)), Ok(code));
        }
    }

    #[test]
    fn a_detach_is_success_for_run_and_an_error_for_the_others() {
        assert_eq!(of_end(Command::Run, SessionEnd::Detached), Ok(0));
        assert!(of_end(Command::Exec, SessionEnd::Detached).is_err());
        assert!(of_end(Command::Attach, SessionEnd::Detached).is_err());
    }

    #[test]
    fn signals_map_to_128_plus_the_number() {
        assert_eq!(for_signal(15), 143);
        assert_eq!(of_end(Command::Exec, SessionEnd::Signalled(2)), Ok(130));
        assert_eq!(of_end(Command::Run, SessionEnd::OutputClosed), Ok(141));
    }

    #[test]
    fn library_failures_get_dockers_statuses() {
        let run = |kind| of_library_error(Command::Run, kind);
        assert_eq!(run(ErrorKind::CommandNotFound), 127);
        assert_eq!(run(ErrorKind::CommandNotInvokable), 126);
        assert_eq!(run(ErrorKind::Refused), 125);
        assert_eq!(run(ErrorKind::AttachRefused), 1);
        assert_eq!(run(ErrorKind::NotATerminal), 1);
        assert_eq!(run(ErrorKind::EngineGone), 125);
        assert_eq!(
            of_library_error(Command::Attach, ErrorKind::AttachRefused),
            1
        );
        assert_eq!(of_library_error(Command::Exec, ErrorKind::Refused), 1);
        assert_eq!(of_library_error(Command::Exec, ErrorKind::NotRunning), 1);
    }

    #[test]
    fn marked_errors_keep_their_code_and_print_without_the_mark() {
        let error = anyhow::anyhow!("bad value")
            .context(Coded(GENERAL))
            .context("--memory");
        assert_eq!(of_any_error(Command::Run, &error), GENERAL);
        assert_eq!(render(&error), "--memory: bad value");
        assert_eq!(of_any_error(Command::Run, &anyhow::anyhow!("other")), 125);
        let library = dpty::Error::from(anyhow::anyhow!("no such socket").context("connecting"));
        let error = anyhow::Error::new(library).context("running");
        assert_eq!(render(&error), "running: connecting: no such socket");
        assert_eq!(of_any_error(Command::Exec, &anyhow::anyhow!("other")), 1);
    }
}
