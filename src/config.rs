//! Resolved session settings: what the front end's flags mean once the local
//! terminal and environment are known. Nothing here parses arguments or talks
//! to the engine, so the rules are plain functions with unit tests.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use crate::cli::{ProcessArgs, StreamArgs};
use crate::docker::{Endpoint, DEFAULT_SOCKET};

/// Which of the local standard streams are terminals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTerminal {
    pub stdin: bool,
    pub stdout: bool,
    /// We are in the terminal's foreground process group. A background job
    /// that read the terminal or changed its mode would be stopped (SIGTTIN,
    /// SIGTTOU), so by default it leaves stdin alone.
    pub foreground: bool,
}

impl LocalTerminal {
    pub fn detect() -> Self {
        let stdin = crate::engine::is_terminal(libc::STDIN_FILENO);
        LocalTerminal {
            stdin,
            stdout: crate::engine::is_terminal(libc::STDOUT_FILENO),
            foreground: !stdin || crate::engine::in_foreground(libc::STDIN_FILENO),
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
        let stdin = local.stdin && local.foreground;
        (stdin, !flags.no_tty && local.stdin && local.stdout)
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

/// The detach sequence as given (or docker's default) and as bytes.
pub fn detach_keys(spec: Option<&str>) -> anyhow::Result<(String, Vec<u8>)> {
    let spec = spec.unwrap_or(crate::engine::DEFAULT_DETACH_KEYS);
    let keys = crate::engine::parse_detach_keys(spec)?;
    Ok((spec.to_owned(), keys))
}

/// The engine address: `-H`/`DOCKER_HOST` if given, else the default socket.
pub fn endpoint(host: Option<&str>) -> anyhow::Result<Endpoint> {
    match host.filter(|h| !h.is_empty()) {
        Some(address) => Endpoint::parse(address),
        None => Ok(Endpoint::Unix(PathBuf::from(DEFAULT_SOCKET))),
    }
}

/// Settings of the process started in the container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Process {
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub privileged: bool,
}

impl Process {
    pub fn resolve(args: &ProcessArgs) -> anyhow::Result<Self> {
        let lookup = |key: &str| std::env::var(key).ok();
        let mut env = Vec::new();
        for file in &args.env_file {
            env.extend(read_env_file(file, lookup)?);
        }
        env.extend(args.env.iter().filter_map(|item| env_entry(item, lookup)));
        Ok(Process {
            env,
            workdir: args.workdir.clone(),
            user: args.user.clone(),
            privileged: args.privileged,
        })
    }
}

/// `KEY=VALUE` stays as it is; a bare `KEY` takes its value from our own
/// environment and is left out when unset, as the docker CLI does.
fn env_entry(item: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    if item.contains('=') {
        return Some(item.to_owned());
    }
    lookup(item).map(|value| format!("{item}={value}"))
}

fn read_env_file(
    path: &Path,
    lookup: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading env file {}", path.display()))?;
    parse_env_file(&text, lookup).with_context(|| format!("in env file {}", path.display()))
}

fn parse_env_file(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<Vec<String>> {
    let mut env = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = line.split('=').next().unwrap_or_default();
        if key.is_empty() || key.contains(char::is_whitespace) {
            bail!("line {}: '{key}' is not a valid variable name", number + 1);
        }
        env.extend(env_entry(line, &lookup));
    }
    Ok(env)
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
        foreground: true,
    };
    const SCRIPT: LocalTerminal = LocalTerminal {
        stdin: false,
        stdout: false,
        foreground: true,
    };
    const BACKGROUND: LocalTerminal = LocalTerminal {
        stdin: true,
        stdout: true,
        foreground: false,
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
            foreground: true,
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
    fn a_background_job_leaves_stdin_alone_by_default() {
        assert_eq!(
            stream_mode(flags(false, false, false), BACKGROUND),
            Ok(StreamMode {
                stdin: false,
                tty: true,
                raw: false
            })
        );
    }

    #[test]
    fn detach_keys_default_to_dockers() {
        assert_eq!(
            detach_keys(None).unwrap(),
            ("ctrl-p,ctrl-q".to_owned(), vec![16, 17])
        );
        let error = detach_keys(Some("ctrl-ä")).unwrap_err().to_string();
        assert!(error.contains("ctrl-ä"), "{error}");
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
    fn bare_env_keys_come_from_our_environment() {
        let lookup = |key: &str| (key == "HOME").then(|| "/root".to_owned());
        assert_eq!(env_entry("A=1", lookup), Some("A=1".to_owned()));
        assert_eq!(env_entry("HOME", lookup), Some("HOME=/root".to_owned()));
        assert_eq!(env_entry("UNSET", lookup), None);
    }

    #[test]
    fn env_files_skip_comments_and_blank_lines() {
        let lookup = |key: &str| (key == "USER").then(|| "me".to_owned());
        let text = "# comment\n\nA=1\nB=with spaces = and more\nUSER\nMISSING\n";
        assert_eq!(
            parse_env_file(text, lookup).unwrap(),
            ["A=1", "B=with spaces = and more", "USER=me"]
        );
        assert!(parse_env_file("BAD KEY=1\n", lookup)
            .unwrap_err()
            .to_string()
            .contains("line 1"));
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

    #[test]
    fn endpoint_defaults_to_the_docker_socket() {
        assert_eq!(
            endpoint(None).unwrap().to_string(),
            "unix:///var/run/docker.sock"
        );
        assert_eq!(
            endpoint(Some("")).unwrap().to_string(),
            "unix:///var/run/docker.sock"
        );
        assert_eq!(
            endpoint(Some("tcp://127.0.0.1:1")).unwrap().to_string(),
            "tcp://127.0.0.1:1"
        );
    }
}
