//! Resolved session settings: what the front end's flags mean once the local
//! terminal and environment are known. Nothing here parses arguments or talks
//! to the engine, so the rules are plain functions with unit tests.

use std::path::Path;

use dpty::cli::{ProcessArgs, RunArgs, StreamArgs};

/// Which of the local standard streams are terminals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTerminal {
    pub stdin: bool,
    pub stdout: bool,
}

impl LocalTerminal {
    pub fn detect() -> Self {
        LocalTerminal {
            stdin: dpty::is_terminal(libc::STDIN_FILENO),
            stdout: dpty::is_terminal(libc::STDOUT_FILENO),
        }
    }
}

/// How a session joins local streams to the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamMode {
    /// Local stdin is forwarded.
    pub stdin: bool,
    /// The container process gets a TTY.
    pub tty: bool,
    /// The local terminal goes into raw mode for the session.
    pub raw: bool,
}

/// `-t` with `-i` was asked for, but stdin cannot be put in raw mode.
#[derive(Debug, PartialEq, Eq)]
pub struct NotATerminal;

impl std::fmt::Display for NotATerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the input device is not a TTY: drop -t, or run from a terminal")
    }
}

impl std::error::Error for NotATerminal {}

/// Applies docker's `-i`/`-t` rules, with dpty's defaults when neither is
/// given: stdin follows the terminal, and a TTY is used when both stdin and
/// stdout are terminals (unless `-T`). So an interactive shell needs no
/// flags, and a script's `dpty exec c ls` neither reads stdin nor gets a TTY.
pub fn stream_mode(flags: StreamArgs, local: LocalTerminal) -> Result<StreamMode, NotATerminal> {
    let (stdin, tty) = if flags.interactive || flags.tty {
        // Either docker flag given: docker's meaning exactly.
        (flags.interactive, flags.tty)
    } else {
        (local.stdin, !flags.no_tty && local.stdin && local.stdout)
    };
    if tty && stdin && !local.stdin {
        return Err(NotATerminal);
    }
    Ok(StreamMode {
        stdin,
        tty,
        raw: tty && stdin && local.stdin,
    })
}

/// `run`'s stream mode. `-d` and `-a` say exactly which streams the user
/// wants, so with either of them the flags mean what they mean to docker and
/// nothing follows the terminal.
pub fn run_stream_mode(args: &RunArgs, local: LocalTerminal) -> Result<StreamMode, NotATerminal> {
    let container = &args.container;
    if container.detach {
        return Ok(StreamMode {
            stdin: args.streams.interactive,
            tty: args.streams.tty,
            raw: false,
        });
    }
    if !container.attach.is_empty() && !args.streams.interactive && !args.streams.tty {
        return Ok(StreamMode {
            stdin: false,
            tty: false,
            raw: false,
        });
    }
    stream_mode(args.streams, local)
}

/// The detach sequence as given, else as the docker config file sets it
/// (`detachKeys`), else docker's default. Refused here, before anything is
/// made, when docker would refuse it.
/// What every session of the binary is given the same way, resolved once
/// from its command line and applied in one place ([`Wiring::apply`]): the
/// detach keys, the recording, whether signals go on to the process, and
/// the binary's own choices (bulk output batched, notices on stderr).
#[derive(Debug, Clone)]
pub struct Wiring {
    /// The detach sequence: the flag's, else the docker config file's.
    pub detach_keys: String,
    /// Where to record the session, if anywhere.
    pub record: Option<dpty::RecordSpec>,
    /// Signals dpty receives go on to the process.
    pub sig_proxy: bool,
}

impl Wiring {
    /// The wiring the options in `session` ask for.
    pub fn resolve(
        session: &dpty::cli::SessionArgs,
        sig_proxy: bool,
        docker_config: &Path,
    ) -> dpty::Result<Wiring> {
        Ok(Wiring {
            detach_keys: detach_keys(session.detach_keys.as_deref(), docker_config)?,
            record: session.record.clone().map(|path| dpty::RecordSpec {
                path,
                input: session.record_input,
            }),
            sig_proxy,
        })
    }

    /// Fails when the recording cannot be written, for a command that makes
    /// something on the engine before its session starts (which then makes
    /// the file again from the start).
    pub fn check_record(&self) -> anyhow::Result<()> {
        if let Some(record) = &self.record {
            std::fs::File::create(&record.path).map_err(|e| {
                anyhow::anyhow!("creating the recording {}: {e}", record.path.display())
            })?;
        }
        Ok(())
    }

    /// `session`, wired.
    pub fn apply<'a>(
        self,
        session: dpty::Session<'a>,
        signals: &'a mut dpty::SignalSource,
    ) -> dpty::Session<'a> {
        let session = session
            .detach_keys(self.detach_keys)
            .signals(signals, self.sig_proxy)
            .batch_output(true)
            .notices(|notice| eprintln!("dpty: {notice}"));
        match self.record {
            Some(record) => session.record(record),
            None => session,
        }
    }
}

/// The detach keys: `spec` (the flag) if given, else the docker config
/// file's, else docker's default; checked as the engine would.
pub fn detach_keys(spec: Option<&str>, docker_config: &Path) -> dpty::Result<String> {
    let from_file = || dpty::docker_config::detach_keys(docker_config);
    let spec = spec
        .map(str::to_owned)
        .or_else(from_file)
        .unwrap_or_else(|| dpty::DEFAULT_DETACH_KEYS.to_owned());
    dpty::check_detach_keys(&spec)?;
    Ok(spec)
}

/// The process `exec` starts: `argv` with the settings of its flags, and
/// the environment by docker's rules (env files first, then `-e`; see
/// [`crate::opts::misc::env`]).
pub fn process(args: &ProcessArgs, argv: Vec<String>) -> anyhow::Result<dpty::Process> {
    let lookup = |key: &str| std::env::var(key).ok();
    let env =
        crate::opts::misc::env(&args.env, &args.env_file, lookup).map_err(anyhow::Error::msg)?;
    Ok(dpty::Process {
        argv,
        env,
        workdir: args.workdir.clone(),
        user: args.user.clone(),
        privileged: args.privileged,
    })
}

/// Splits an image reference into the name and tag the pull API wants.
pub fn image_name_and_tag(image: &str) -> (String, String) {
    if image.contains('@') {
        return (image.to_owned(), String::new());
    }
    let last_segment_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_segment_start..].rfind(':') {
        Some(i) => {
            let split = last_segment_start + i;
            (image[..split].to_owned(), image[split + 1..].to_owned())
        }
        None => (image.to_owned(), "latest".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMINAL: LocalTerminal = LocalTerminal {
        stdin: true,
        stdout: true,
    };
    const SCRIPT: LocalTerminal = LocalTerminal {
        stdin: false,
        stdout: false,
    };
    fn flags(interactive: bool, tty: bool, no_tty: bool) -> StreamArgs {
        StreamArgs {
            interactive,
            tty,
            no_tty,
        }
    }

    #[test]
    fn defaults_follow_the_terminal() {
        let none = flags(false, false, false);
        assert_eq!(
            stream_mode(none, TERMINAL),
            Ok(StreamMode {
                stdin: true,
                tty: true,
                raw: true
            })
        );
        assert_eq!(
            stream_mode(none, SCRIPT),
            Ok(StreamMode {
                stdin: false,
                tty: false,
                raw: false
            })
        );
        let piped_out = LocalTerminal {
            stdin: true,
            stdout: false,
        };
        assert_eq!(
            stream_mode(none, piped_out),
            Ok(StreamMode {
                stdin: true,
                tty: false,
                raw: false
            })
        );
    }

    #[test]
    fn detach_keys_default_to_dockers() {
        assert_eq!(
            detach_keys(None, Path::new("/nonexistent")).unwrap(),
            "ctrl-p,ctrl-q"
        );
        let error = detach_keys(Some("ctrl-ä"), Path::new("/nonexistent")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("ctrl-ä"), "{message}");
        assert_eq!(error.kind(), dpty::ErrorKind::InvalidDetachKeys);
    }

    #[test]
    fn it_means_what_it_means_with_docker() {
        let it = flags(true, true, false);
        assert_eq!(
            stream_mode(it, TERMINAL),
            Ok(StreamMode {
                stdin: true,
                tty: true,
                raw: true
            })
        );
        assert_eq!(stream_mode(it, SCRIPT), Err(NotATerminal));
        let i = flags(true, false, false);
        assert_eq!(
            stream_mode(i, SCRIPT),
            Ok(StreamMode {
                stdin: true,
                tty: false,
                raw: false
            })
        );
        let t = flags(false, true, false);
        assert_eq!(
            stream_mode(t, SCRIPT),
            Ok(StreamMode {
                stdin: false,
                tty: true,
                raw: false
            })
        );
    }

    #[test]
    fn no_tty_only_turns_the_tty_off() {
        assert_eq!(
            stream_mode(flags(false, false, true), TERMINAL),
            Ok(StreamMode {
                stdin: true,
                tty: false,
                raw: false
            })
        );
        assert_eq!(
            stream_mode(flags(true, false, true), TERMINAL),
            Ok(StreamMode {
                stdin: true,
                tty: false,
                raw: false
            })
        );
    }

    #[test]
    fn image_references_split_into_name_and_tag() {
        let split = |s| image_name_and_tag(s);
        assert_eq!(split("busybox"), ("busybox".into(), "latest".into()));
        assert_eq!(split("busybox:1.36"), ("busybox".into(), "1.36".into()));
        assert_eq!(
            split("127.0.0.1:9/none:latest"),
            ("127.0.0.1:9/none".into(), "latest".into())
        );
        assert_eq!(
            split("127.0.0.1:5000/busybox"),
            ("127.0.0.1:5000/busybox".into(), "latest".into())
        );
        assert_eq!(
            split("b@sha256:abc"),
            ("b@sha256:abc".into(), String::new())
        );
    }
}
