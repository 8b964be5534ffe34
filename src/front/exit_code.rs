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

/// After this many SIGINTs and SIGTERMs, however many other signals came
/// between, the docker CLI gives up: it says [`GAVE_UP`] and exits 1.
pub const INTERRUPTS_TO_GIVE_UP: u32 = 3;

/// The docker CLI's words when it gives up, leading newline included: it
/// takes the message off the line a `^C` was echoed on.
pub const GAVE_UP: &str = "\ngot 3 SIGTERM/SIGINTs, forcefully exiting";

/// How dpty ends: its status, and what it says on stderr first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub status: u8,
    /// Printed as it is, on a line of its own.
    pub message: Option<&'static str>,
}

impl Ending {
    fn silent(status: u8) -> Ending {
        Ending {
            status,
            message: None,
        }
    }
}

/// The ending for a run that `signal` ended, when `interrupts` SIGINTs and
/// SIGTERMs have come in all: after enough of them dpty gave up, as the
/// docker CLI does, and says so as it does; a signal on its own (with
/// `--sig-proxy=false`, or while setting up) ends it as the signal would.
pub fn of_signal(signal: i32, interrupts: u32) -> Ending {
    if interrupts >= INTERRUPTS_TO_GIVE_UP {
        return Ending {
            status: GENERAL,
            message: Some(GAVE_UP),
        };
    }
    Ending::silent(for_signal(signal))
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

/// The ending for the way a session ended, `interrupts` being the SIGINTs
/// and SIGTERMs received so far. A detach from `exec` or `attach` is a
/// failure to report, as the docker CLI reports it: "read escape sequence"
/// and status 1.
pub fn of_end(command: Command, end: dpty::SessionEnd, interrupts: u32) -> Ending {
    match end {
        // The engine reports a 32-bit status; the process can only carry
        // its low byte, exactly as `os.Exit` in the docker CLI does.
        dpty::SessionEnd::Exited(status) => Ending::silent((status & 0xff) as u8),
        dpty::SessionEnd::Detached if command == Command::Run => Ending::silent(0),
        dpty::SessionEnd::Detached => Ending {
            status: GENERAL,
            message: Some("dpty: read escape sequence"),
        },
        dpty::SessionEnd::OutputClosed => Ending::silent(BROKEN_PIPE),
        dpty::SessionEnd::Signalled(signal) => of_signal(signal, interrupts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dpty::{ErrorKind, SessionEnd};

    fn status(command: Command, end: SessionEnd) -> u8 {
        let ending = of_end(command, end, 0);
        assert_eq!(ending.message, None, "{end:?}");
        ending.status
    }

    #[test]
    fn container_status_is_passed_through_with_its_low_byte() {
        for (exited, code) in [(0, 0), (42, 42), (137, 137), (256, 0), (-1, 255)] {
            assert_eq!(status(Command::Run, SessionEnd::Exited(exited)), code);
        }
    }

    #[test]
    fn a_detach_is_success_for_run_and_an_error_for_the_others() {
        assert_eq!(status(Command::Run, SessionEnd::Detached), 0);
        for command in [Command::Exec, Command::Attach] {
            let ending = of_end(command, SessionEnd::Detached, 0);
            assert_eq!(ending.status, GENERAL);
            assert_eq!(ending.message, Some("dpty: read escape sequence"));
        }
    }

    #[test]
    fn signals_map_to_128_plus_the_number() {
        assert_eq!(for_signal(15), 143);
        assert_eq!(status(Command::Exec, SessionEnd::Signalled(2)), 130);
        assert_eq!(status(Command::Run, SessionEnd::OutputClosed), 141);
        // One or two interrupts end nothing by themselves: a signal that
        // ended the run on its own is still the signal's status.
        assert_eq!(of_signal(15, 2), Ending::silent(143));
    }

    #[test]
    fn the_third_interrupt_gives_up_with_docker_s_words_and_status() {
        for command in [Command::Run, Command::Exec, Command::Attach] {
            for signal in [2, 15] {
                let ending = of_end(command, SessionEnd::Signalled(signal), 3);
                assert_eq!(ending.status, 1);
                assert_eq!(
                    ending.message,
                    Some("\ngot 3 SIGTERM/SIGINTs, forcefully exiting")
                );
            }
        }
        assert_eq!(of_signal(1, 4).status, 1);
        // A container that exits on the interrupts it was passed keeps its status.
        assert_eq!(of_end(Command::Run, SessionEnd::Exited(7), 3).status, 7);
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
