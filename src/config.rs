//! Resolved session settings: what the front end's flags mean once the local
//! terminal and environment are known. Nothing here parses arguments or talks
//! to the engine, so the rules are plain functions with unit tests.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use crate::cli::{Cli, ProcessArgs, RunArgs, StreamArgs};
use crate::docker::{context, Endpoint, TlsOptions, Transport, DEFAULT_SOCKET};

/// Which of the local standard streams are terminals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTerminal {
    pub stdin: bool,
    pub stdout: bool,
}

impl LocalTerminal {
    pub fn detect() -> Self {
        LocalTerminal {
            stdin: crate::engine::is_terminal(libc::STDIN_FILENO),
            stdout: crate::engine::is_terminal(libc::STDOUT_FILENO),
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

impl StreamMode {
    /// The engine's session settings for this mode.
    pub fn settings(self, podman: bool) -> crate::engine::Settings {
        crate::engine::Settings {
            tty: self.tty,
            stdin: self.stdin,
            raw: self.raw,
            podman,
        }
    }
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
/// (`detachKeys`), else docker's default; and as bytes.
pub fn detach_keys(spec: Option<&str>, docker_config: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let from_file = || context::detach_keys(docker_config);
    let spec = spec
        .map(str::to_owned)
        .or_else(from_file)
        .unwrap_or_else(|| crate::engine::DEFAULT_DETACH_KEYS.to_owned());
    // Refused here, before anything is made, with the status the docker CLI
    // gives when the engine refuses such keys: 1.
    let keys = crate::engine::parse_detach_keys(&spec).map_err(|e| {
        anyhow::Error::new(e).context(crate::exit_code::Coded(crate::exit_code::GENERAL))
    })?;
    Ok((spec, keys))
}

/// Where the engine is, and how to secure the connection to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineChoice {
    pub endpoint: Endpoint,
    pub tls: Option<TlsOptions>,
}

impl EngineChoice {
    pub fn transport(&self) -> anyhow::Result<Transport> {
        Transport::new(self.endpoint.clone(), self.tls.as_ref())
    }
}

/// Chooses the engine in the docker CLI's order: `--context` or `-H`, then
/// `DOCKER_HOST`, then `DOCKER_CONTEXT` or the current context, then the
/// default socket; when that does not exist, Podman's sockets.
pub fn engine(
    cli: &Cli,
    env: impl Fn(&str) -> Option<String>,
    exists: impl Fn(&Path) -> bool,
) -> anyhow::Result<EngineChoice> {
    let env = |key: &str| env(key).filter(|v| !v.is_empty());
    if cli.host.is_some() && cli.context.is_some() {
        bail!("conflicting options: give either -H/--host or --context, not both");
    }
    let config_dir = context::config_dir(env);
    let host = match &cli.context {
        Some(_) => None,
        None => cli.host.clone().or_else(|| env("DOCKER_HOST")),
    };
    if let Some(host) = host {
        let tls = tls_from_flags(cli, &env, &config_dir, &exists);
        let endpoint = match tls {
            Some(_) => Endpoint::parse_tls(&host)?,
            None => Endpoint::parse(&host)?,
        };
        return Ok(EngineChoice { endpoint, tls });
    }
    let name = cli
        .context
        .clone()
        .or_else(|| env("DOCKER_CONTEXT"))
        .or_else(|| context::current(&config_dir));
    if let Some(name) = name.filter(|n| n != "default") {
        let found = context::load(&config_dir, &name)?;
        let tls = match &found.tls_dir {
            Some(dir) => Some(TlsOptions {
                verify: !found.skip_tls_verify,
                ca: Some(dir.join("ca.pem")).filter(|p| exists(p)),
                cert: Some(dir.join("cert.pem")).filter(|p| exists(p)),
                key: Some(dir.join("key.pem")).filter(|p| exists(p)),
            }),
            None => tls_from_flags(cli, &env, &config_dir, &exists),
        };
        let endpoint =
            Endpoint::parse(&found.host).with_context(|| format!("in context '{name}'"))?;
        return Ok(EngineChoice { endpoint, tls });
    }
    let mut candidates = vec![PathBuf::from(DEFAULT_SOCKET)];
    if let Some(runtime_dir) = env("XDG_RUNTIME_DIR") {
        candidates.push(Path::new(&runtime_dir).join("podman/podman.sock"));
    }
    candidates.push(PathBuf::from("/run/podman/podman.sock"));
    let socket = candidates
        .iter()
        .find(|p| exists(p))
        .unwrap_or(&candidates[0])
        .clone();
    Ok(EngineChoice {
        endpoint: Endpoint::Unix(socket),
        tls: None,
    })
}

/// TLS as the flags and `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH` ask for it.
fn tls_from_flags(
    cli: &Cli,
    env: &impl Fn(&str) -> Option<String>,
    config_dir: &Path,
    exists: &impl Fn(&Path) -> bool,
) -> Option<TlsOptions> {
    let verify = cli.tlsverify || env("DOCKER_TLS_VERIFY").is_some();
    if !(cli.tls || verify) {
        return None;
    }
    let cert_dir = env("DOCKER_CERT_PATH").map_or_else(|| config_dir.to_owned(), PathBuf::from);
    let pick = |given: &Option<PathBuf>, file: &str| {
        given
            .clone()
            .or_else(|| Some(cert_dir.join(file)).filter(|p| exists(p)))
    };
    Some(TlsOptions {
        verify,
        ca: pick(&cli.tlscacert, "ca.pem"),
        cert: pick(&cli.tlscert, "cert.pem"),
        key: pick(&cli.tlskey, "key.pem"),
    })
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
    /// The process settings, with the environment by docker's rules (env
    /// files first, then `-e`; see [`crate::opts::misc::env`]).
    pub fn resolve(args: &ProcessArgs) -> anyhow::Result<Self> {
        let lookup = |key: &str| std::env::var(key).ok();
        let env = crate::opts::misc::env(&args.env, &args.env_file, lookup)
            .map_err(anyhow::Error::msg)?;
        Ok(Process {
            env,
            workdir: args.workdir.clone(),
            user: args.user.clone(),
            privileged: args.privileged,
        })
    }
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
            ("ctrl-p,ctrl-q".to_owned(), vec![16, 17])
        );
        let error = detach_keys(Some("ctrl-ä"), Path::new("/nonexistent")).unwrap_err();
        let message = crate::exit_code::render(&error);
        assert!(message.contains("ctrl-ä"), "{message}");
        // docker's status when the engine refuses such keys.
        assert_eq!(crate::exit_code::of_error(&error, 125), 1);
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

    fn cli(args: &[&str]) -> Cli {
        use clap::Parser as _;
        let mut argv = vec!["dpty"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["exec", "c", "true"]);
        Cli::try_parse_from(argv).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn engine_defaults_to_the_docker_socket_then_podman() {
        let all = |_: &Path| true;
        let none = |_: &Path| false;
        let podman_only = |p: &Path| p == Path::new("/run/user/0/podman/podman.sock");
        let runtime = |k: &str| (k == "XDG_RUNTIME_DIR").then(|| "/run/user/0".to_owned());
        let found = |env, exists| engine(&cli(&[]), env, exists).unwrap().endpoint.to_string();
        assert_eq!(
            found(
                &no_env as &dyn Fn(&str) -> Option<String>,
                &all as &dyn Fn(&Path) -> bool
            ),
            "unix:///var/run/docker.sock"
        );
        assert_eq!(
            found(&runtime, &podman_only),
            "unix:///run/user/0/podman/podman.sock"
        );
        // Nothing exists: name the docker socket in the error that follows.
        assert_eq!(found(&no_env, &none), "unix:///var/run/docker.sock");
    }

    #[test]
    fn host_flag_beats_docker_host() {
        let env = |k: &str| (k == "DOCKER_HOST").then(|| "tcp://127.0.0.1:1".to_owned());
        let choice = engine(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:1");
        let choice = engine(&cli(&["-H", "unix:///x.sock"]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "unix:///x.sock");
        assert!(engine(&cli(&["-H", "unix:///x", "--context", "c"]), env, |_| true).is_err());
    }

    #[test]
    fn tlsverify_uses_the_cert_path_and_port_2376() {
        let env = |k: &str| match k {
            "DOCKER_HOST" => Some("tcp://127.0.0.1".to_owned()),
            "DOCKER_TLS_VERIFY" => Some("1".to_owned()),
            "DOCKER_CERT_PATH" => Some("/certs".to_owned()),
            _ => None,
        };
        let choice = engine(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:2376");
        let tls = choice.tls.unwrap();
        assert!(tls.verify);
        assert_eq!(tls.ca, Some(PathBuf::from("/certs/ca.pem")));
        assert_eq!(tls.key, Some(PathBuf::from("/certs/key.pem")));
        let choice = engine(&cli(&["--tlscacert", "/other/ca.pem"]), env, |_| true).unwrap();
        assert_eq!(choice.tls.unwrap().ca, Some(PathBuf::from("/other/ca.pem")));
    }

    #[test]
    fn plain_tcp_has_no_tls() {
        let env = |k: &str| (k == "DOCKER_HOST").then(|| "tcp://127.0.0.1".to_owned());
        let choice = engine(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:2375");
        assert_eq!(choice.tls, None);
    }

    #[test]
    fn an_empty_docker_host_is_unset() {
        let env = |k: &str| (k == "DOCKER_HOST").then(String::new);
        let choice = engine(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "unix:///var/run/docker.sock");
    }
}
