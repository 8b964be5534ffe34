//! Exit statuses, chosen to match the docker CLI so that scripts written for
//! `docker run` and `docker exec` keep working unchanged.
//!
//! The docker CLI reserves 125 for "the engine refused", 126 for "the command
//! exists but cannot be invoked" and 127 for "the command was not found"; any
//! other status is the container's (or exec process's) own.

/// Every status dpty can end with, by what it means; [`Status::code`] is
/// the one place each becomes a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The container's or command's own status (its low byte), or 0 for a
    /// command that did what it was asked (`run -d`, a detach from `run`).
    Exited(u8),
    /// 1: a local failure before the container was involved (e.g. stdin is
    /// not a TTY), an unknown command or context, a failure of `exec` or
    /// `attach`, a detach from them, a give-up after three interrupts.
    General,
    /// 125: the engine refused the request (bad flags, image not found,
    /// create failed), or `run` failed otherwise.
    EngineRefused,
    /// 126: the command was found but could not be invoked.
    CannotInvoke,
    /// 127: the command was not found in the container.
    NotFound,
    /// 128 + n: dpty was ended by signal n.
    Signal(i32),
    /// 141, the status of a process killed by SIGPIPE: nobody reads dpty's
    /// output any more (the docker CLI dies that way).
    BrokenPipe,
}

impl Status {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Status::Exited(code) => code,
            Status::General => 1,
            Status::EngineRefused => 125,
            Status::CannotInvoke => 126,
            Status::NotFound => 127,
            Status::Signal(signal) => (128 + signal).clamp(0, 255) as u8,
            Status::BrokenPipe => 128 + libc::SIGPIPE as u8,
        }
    }

    /// A container's or command's 32-bit status as the process can carry
    /// it: its low byte, exactly as `os.Exit` in the docker CLI does.
    pub fn of_exit(status: i64) -> Status {
        Status::Exited((status & 0xff) as u8)
    }
}

impl From<Status> for std::process::ExitCode {
    fn from(status: Status) -> Self {
        std::process::ExitCode::from(status.code())
    }
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
    pub status: Status,
    /// Printed as it is, on a line of its own.
    pub message: Option<&'static str>,
}

impl Ending {
    pub fn silent(status: Status) -> Ending {
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
            status: Status::General,
            message: Some(GAVE_UP),
        };
    }
    Ending::silent(Status::Signal(signal))
}

/// Marks an error with the exit status it must produce. It is attached as
/// context and prints as nothing, so the user sees only the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded(pub Status);

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
pub enum Which {
    Run,
    Exec,
    Attach,
}

/// The status for a failure of the library, by its kind, as the docker CLI
/// exits for the same failure.
pub fn of_library_error(command: Which, kind: dpty::ErrorKind) -> Status {
    use dpty::ErrorKind as K;
    match kind {
        K::CommandNotFound if command != Which::Exec => Status::NotFound,
        K::CommandNotInvokable if command != Which::Exec => Status::CannotInvoke,
        // Refused before anything was made, or by the engine's attach:
        // docker reports these as plain errors.
        K::AttachRefused | K::NotATerminal | K::InvalidDetachKeys | K::InvalidAddress => {
            Status::General
        }
        _ => default_for(command),
    }
}

/// The status of a failure nothing more specific is known of: `run` has
/// docker's "the engine refused" status, the others 1.
pub fn default_for(command: Which) -> Status {
    match command {
        Which::Run => Status::EngineRefused,
        Which::Exec | Which::Attach => Status::General,
    }
}

/// The status of an error that ended dpty: the status it was marked with,
/// else its library kind's, else the command's default.
pub fn of_any_error(command: Which, error: &anyhow::Error) -> Status {
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
pub fn of_end(command: Which, end: dpty::SessionEnd, interrupts: u32) -> Ending {
    match end {
        dpty::SessionEnd::Exited(status) => Ending::silent(Status::of_exit(status)),
        dpty::SessionEnd::Detached if command == Which::Run => Ending::silent(Status::Exited(0)),
        dpty::SessionEnd::Detached => Ending {
            status: Status::General,
            message: Some("dpty: read escape sequence"),
        },
        dpty::SessionEnd::OutputClosed => Ending::silent(Status::BrokenPipe),
        dpty::SessionEnd::Signalled(signal) => of_signal(signal, interrupts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dpty::{ErrorKind, SessionEnd};

    fn status(command: Which, end: SessionEnd) -> u8 {
        let ending = of_end(command, end, 0);
        assert_eq!(ending.message, None, "{end:?}");
        ending.status.code()
    }

    /// The numbers are docker's; each meaning has one.
    #[test]
    fn every_status_has_docker_s_number() {
        let table = [
            (Status::Exited(0), 0),
            (Status::Exited(42), 42),
            (Status::General, 1),
            (Status::EngineRefused, 125),
            (Status::CannotInvoke, 126),
            (Status::NotFound, 127),
            (Status::Signal(2), 130),
            (Status::Signal(15), 143),
            (Status::BrokenPipe, 141),
        ];
        for (status, code) in table {
            assert_eq!(status.code(), code, "{status:?}");
        }
    }

    #[test]
    fn container_status_is_passed_through_with_its_low_byte() {
        for (exited, code) in [(0, 0), (42, 42), (137, 137), (256, 0), (-1, 255)] {
            assert_eq!(status(Which::Run, SessionEnd::Exited(exited)), code);
        }
    }

    #[test]
    fn a_detach_is_success_for_run_and_an_error_for_the_others() {
        assert_eq!(status(Which::Run, SessionEnd::Detached), 0);
        for command in [Which::Exec, Which::Attach] {
            let ending = of_end(command, SessionEnd::Detached, 0);
            assert_eq!(ending.status, Status::General);
            assert_eq!(ending.message, Some("dpty: read escape sequence"));
        }
    }

    #[test]
    fn signals_map_to_128_plus_the_number() {
        assert_eq!(Status::Signal(15).code(), 143);
        assert_eq!(status(Which::Exec, SessionEnd::Signalled(2)), 130);
        assert_eq!(status(Which::Run, SessionEnd::OutputClosed), 141);
        // One or two interrupts end nothing by themselves: a signal that
        // ended the run on its own is still the signal's status.
        assert_eq!(of_signal(15, 2), Ending::silent(Status::Signal(15)));
    }

    #[test]
    fn the_third_interrupt_gives_up_with_docker_s_words_and_status() {
        for command in [Which::Run, Which::Exec, Which::Attach] {
            for signal in [2, 15] {
                let ending = of_end(command, SessionEnd::Signalled(signal), 3);
                assert_eq!(ending.status.code(), 1);
                assert_eq!(
                    ending.message,
                    Some("\ngot 3 SIGTERM/SIGINTs, forcefully exiting")
                );
            }
        }
        assert_eq!(of_signal(1, 4).status, Status::General);
        // A container that exits on the interrupts it was passed keeps its status.
        assert_eq!(
            of_end(Which::Run, SessionEnd::Exited(7), 3).status.code(),
            7
        );
    }

    #[test]
    fn library_failures_get_dockers_statuses() {
        let run = |kind| of_library_error(Which::Run, kind).code();
        assert_eq!(run(ErrorKind::CommandNotFound), 127);
        assert_eq!(run(ErrorKind::CommandNotInvokable), 126);
        assert_eq!(run(ErrorKind::Refused), 125);
        assert_eq!(run(ErrorKind::AttachRefused), 1);
        assert_eq!(run(ErrorKind::NotATerminal), 1);
        assert_eq!(run(ErrorKind::EngineGone), 125);
        let other = |command, kind| of_library_error(command, kind).code();
        assert_eq!(other(Which::Attach, ErrorKind::AttachRefused), 1);
        assert_eq!(other(Which::Exec, ErrorKind::Refused), 1);
        assert_eq!(other(Which::Exec, ErrorKind::NotRunning), 1);
    }

    #[test]
    fn marked_errors_keep_their_code_and_print_without_the_mark() {
        let error = anyhow::anyhow!("bad value")
            .context(Coded(Status::General))
            .context("--memory");
        assert_eq!(of_any_error(Which::Run, &error), Status::General);
        assert_eq!(render(&error), "--memory: bad value");
        let other = anyhow::anyhow!("other");
        assert_eq!(of_any_error(Which::Run, &other).code(), 125);
        let library = dpty::Error::from(anyhow::anyhow!("no such socket").context("connecting"));
        let error = anyhow::Error::new(library).context("running");
        assert_eq!(render(&error), "running: connecting: no such socket");
        assert_eq!(of_any_error(Which::Exec, &other).code(), 1);
    }
}
