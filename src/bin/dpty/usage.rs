//! Mistakes in the command line itself, reported as the docker CLI reports
//! them: what is wrong in one line, then where to read more (the help of the
//! command that was being parsed, `dpty run --help` for a mistake after
//! `run`), and docker's status for the kind of mistake.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::exit_code;

/// What to print for a mistake in the command line, and the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    /// Two lines: the mistake, then the pointer to `--help`.
    pub text: String,
    pub status: exit_code::Status,
}

/// The report of a command line clap refused (`args`, without the program's
/// name); not for help or version, which are no mistakes.
pub fn mistake(error: &clap::Error, args: &[String]) -> Mistake {
    let command = command_path(error).unwrap_or_else(|| path_in_args(args));
    let message = match (error.kind(), error.get(ContextKind::InvalidSubcommand)) {
        (ErrorKind::InvalidSubcommand, Some(ContextValue::String(name))) => {
            format!("unknown command: {command} {name}")
        }
        _ => first_paragraph(error),
    };
    Mistake {
        text: format!("dpty: {message}\nSee '{command} --help'."),
        status: status(error),
    }
}

/// As the docker CLI: an unknown command and a wrong number of arguments
/// are 1; a bad flag, or a bad value for one, is 125.
fn status(error: &clap::Error) -> exit_code::Status {
    match error.kind() {
        ErrorKind::InvalidSubcommand
        | ErrorKind::MissingRequiredArgument
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues
        | ErrorKind::MissingSubcommand => exit_code::Status::General,
        // One word too many (`attach a b`) is a wrong count too; a word
        // that looks like a flag is an unknown flag.
        ErrorKind::UnknownArgument => match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(arg)) if !arg.starts_with('-') => exit_code::Status::General,
            _ => exit_code::Status::EngineRefused,
        },
        _ => exit_code::Status::EngineRefused,
    }
}

/// clap's message is its first paragraph, e.g. "the following required
/// arguments were not provided: <IMAGE>...", put on one line.
fn first_paragraph(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let message = message.join(" ");
    message
        .strip_prefix("error: ")
        .unwrap_or(&message)
        .to_owned()
}

/// The command being parsed when clap gave up, `dpty run` or `dpty`, from
/// the usage line clap keeps with the error; `None` when it kept none (a bad
/// value for an option).
fn command_path(error: &clap::Error) -> Option<String> {
    let usage = match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => usage.to_string(),
        _ => return None,
    };
    let usage = usage.trim_start();
    let usage = usage.strip_prefix("Usage:").unwrap_or(usage);
    let mut words = usage.split_whitespace();
    let mut path = vec!["dpty".to_owned()];
    if words.next() != Some("dpty") {
        return Some(path.join(" "));
    }
    // The words that name commands, as deep as they go: `dpty run`.
    let mut command = dpty::cli::command();
    for word in words {
        let Some(sub) = command.find_subcommand(word).cloned() else {
            break;
        };
        path.push(word.to_owned());
        command = sub;
    }
    Some(path.join(" "))
}

/// The commands named in `args`, as deep as they go: options are passed
/// over (with their value, when it is a word of its own), and the first
/// other word that names no command ends the path.
fn path_in_args(args: &[String]) -> String {
    let mut path = vec!["dpty".to_owned()];
    let mut command = dpty::cli::command();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(option) = word.strip_prefix('-') {
            if !word.contains('=') && takes_a_value(&command, option) {
                words.next();
            }
            continue;
        }
        let Some(sub) = command.find_subcommand(word).cloned() else {
            break;
        };
        path.push(word.clone());
        command = sub;
    }
    path.join(" ")
}

/// Whether the option `option` (`-H` as `H`, `--host` as `-host`) of
/// `command`, or of a command above it, takes a value in the next word.
fn takes_a_value(command: &clap::Command, option: &str) -> bool {
    let found = command
        .get_arguments()
        .find(|arg| match option.strip_prefix('-') {
            Some(long) => arg.get_long() == Some(long),
            // A cluster of short flags takes a value only at its end.
            None => option
                .chars()
                .last()
                .is_some_and(|c| arg.get_short() == Some(c)),
        });
    found.is_some_and(|arg| {
        arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.min_values() > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mistake_in(args: &[&str]) -> Mistake {
        let argv = std::iter::once("dpty").chain(args.iter().copied());
        let error = dpty::cli::command().try_get_matches_from(argv).unwrap_err();
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        mistake(&error, &args)
    }

    #[test]
    fn the_pointer_names_the_command_being_parsed() {
        let cases: [(&[&str], &str); 10] = [
            (&["run", "--nosuch", "busybox"], "dpty run"),
            (&["run"], "dpty run"),
            (
                &["-H", "unix:///x", "exec", "--nosuch", "c", "sh"],
                "dpty exec",
            ),
            (&["exec", "c"], "dpty exec"),
            (&["attach", "--nosuch", "c"], "dpty attach"),
            (&["--nosuch"], "dpty"),
            (&["foo"], "dpty"),
            // A bad value for an option: clap keeps no usage line then.
            (&["run", "--pull", "bogus", "busybox"], "dpty run"),
            (
                &["-H", "unix:///x", "debug", "--pull=bogus", "c"],
                "dpty debug",
            ),
            (
                &["--log-level", "debug", "service", "exec", "--parallel", "x"],
                "dpty service exec",
            ),
        ];
        for (args, command) in cases {
            let text = mistake_in(args).text;
            let pointer = format!("\nSee '{command} --help'.");
            assert!(text.ends_with(&pointer), "{args:?}: {text}");
            assert_eq!(text.lines().count(), 2, "{args:?}: {text}");
        }
    }

    #[test]
    fn statuses_are_docker_s() {
        let cases: [(&[&str], u8); 9] = [
            (&["foo"], 1),
            (&["run"], 1),
            (&["exec", "c"], 1),
            (&["attach"], 1),
            (&["attach", "a", "b"], 1),
            (&["--nosuch"], 125),
            (&["run", "--nosuch", "busybox"], 125),
            (&["run", "--rm=maybe", "busybox"], 125),
            (&["run", "-h"], 125),
        ];
        for (args, status) in cases {
            assert_eq!(mistake_in(args).status.code(), status, "{args:?}");
        }
    }

    #[test]
    fn an_unknown_command_is_named_as_docker_names_it() {
        let text = mistake_in(&["foo"]).text;
        assert!(
            text.starts_with("dpty: unknown command: dpty foo\n"),
            "{text}"
        );
    }
}
