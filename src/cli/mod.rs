//! The command line, and nothing else: clap definitions whose flags follow
//! the docker CLI, so `dpty run -it` and `dpty exec -it` keep people's habits.
//! The `dpty` binary turns these into the settings a session runs with; the
//! generator of its completions and man pages reads them too.
//!
//! ```
//! use clap::{CommandFactory as _, Parser as _};
//!
//! let cli = dpty::cli::Cli::try_parse_from(["dpty", "exec", "-it", "web", "sh"]).unwrap();
//! assert!(matches!(cli.command, dpty::cli::Command::Exec(_)));
//! assert_eq!(dpty::cli::Cli::command().get_name(), "dpty");
//! ```

// The doc comments here are the commands' help texts, in docker's usage notation, where
// `[:MAX]` is an optional part, not a link; an item without one has no help of its own
// (a group of flags flattened into a command).
#![allow(rustdoc::broken_intra_doc_links, missing_docs)]

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

mod create;

pub use create::ContainerArgs;

const ENVIRONMENT_AND_STATUS: &str = "\
Environment:
  DOCKER_HOST        engine address, as -H
  DOCKER_CONTEXT     docker context to use, as --context
  DOCKER_CONFIG      docker config directory holding contexts (default ~/.docker)
  DOCKER_TLS_VERIFY  use TLS and verify the engine, as --tlsverify
  DOCKER_CERT_PATH   directory of ca.pem, cert.pem and key.pem (default ~/.docker)
  DPTY_LOG           log level, as --log-level

Exit status:
  the container's or command's own status when it ran;
  125 the engine refused (bad options, image not found, create failed);
  126 the command cannot be invoked; 127 the command was not found;
  1   refused locally, or detached from exec/attach; 128+N ended by signal N.";

#[derive(Debug, Parser)]
#[command(
    name = "dpty",
    version,
    about = "Put your terminal inside a container",
    long_about = "Put your terminal inside a container: dpty run and dpty exec do what \
                  docker run -it and docker exec -it do, for people at a keyboard and for scripts.",
    after_long_help = ENVIRONMENT_AND_STATUS,
    override_usage = "dpty [OPTIONS] <COMMAND>\n       dpty run [OPTIONS] IMAGE [COMMAND] [ARG...]\n       \
                      dpty exec [OPTIONS] CONTAINER COMMAND [ARG...]\n       dpty attach [OPTIONS] CONTAINER",
    propagate_version = true,
    disable_help_subcommand = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Engine to talk to: unix:///path/to/docker.sock, tcp://host:port or
    /// ssh://[user@]host[:port][/path/to/docker.sock] (docker -H; default
    /// DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman's socket)
    #[arg(
        short = 'H',
        long = "host",
        global = true,
        value_name = "ADDRESS",
        help_heading = "Engine options"
    )]
    pub host: Option<String>,

    /// Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`).
    /// Before the command only, as with docker: `dpty run -c` is --cpu-shares
    #[arg(
        short = 'c',
        long,
        value_name = "NAME",
        help_heading = "Engine options"
    )]
    pub context: Option<String>,

    /// Use TLS to reach the engine (docker --tls)
    #[arg(long, global = true, help_heading = "Engine options")]
    pub tls: bool,

    /// Use TLS and verify the engine's certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)
    #[arg(long, global = true, help_heading = "Engine options")]
    pub tlsverify: bool,

    /// CA certificate that signed the engine's (default DOCKER_CERT_PATH/ca.pem)
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Engine options"
    )]
    pub tlscacert: Option<PathBuf>,

    /// Client certificate (default DOCKER_CERT_PATH/cert.pem)
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Engine options"
    )]
    pub tlscert: Option<PathBuf>,

    /// Client key (default DOCKER_CERT_PATH/key.pem)
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Engine options"
    )]
    pub tlskey: Option<PathBuf>,

    /// Log level: error, warn, info, debug or trace (or a tracing filter)
    #[arg(
        long,
        env = "DPTY_LOG",
        global = true,
        value_name = "LEVEL",
        help_heading = "Logging"
    )]
    pub log_level: Option<String>,

    /// Write logs to this file instead of stderr
    #[arg(long, global = true, value_name = "PATH", help_heading = "Logging")]
    pub log_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// When `run` pulls its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PullPolicy {
    /// Pull when the engine does not have the image
    Missing,
    /// Pull before every run
    Always,
    /// Never pull; fail when the image is missing
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and start a container from an image, attached to this terminal (docker run)
    Run(RunArgs),
    /// Run a command in a running container, attached to this terminal (docker exec)
    Exec(ExecArgs),
    /// Attach this terminal to an existing container, or start a created exec instance (docker attach)
    Attach(AttachArgs),
}

/// Options every session has.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// Key sequence that detaches and leaves the container running (docker --detach-keys),
    /// e.g. ctrl-a,b; default ctrl-p,ctrl-q
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,

    /// Record the session in FILE as an asciicast v2 file (asciinema's format: play it with
    /// `asciinema play FILE`): the output with its timing and every change of terminal size
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// With --record, record what is typed too. Off by default: keystrokes can hold passwords
    #[arg(long, requires = "record")]
    pub record_input: bool,
}

/// Whether signals dpty receives are passed on to the container.
#[derive(Debug, Clone, Copy, Args)]
pub struct SignalArgs {
    /// Forward signals dpty receives to the container, or with exec to the command (docker
    /// --sig-proxy); --sig-proxy=false to turn off
    #[arg(
        long = "sig-proxy",
        value_name = "BOOL",
        default_value_t = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        action = clap::ArgAction::Set
    )]
    pub sig_proxy: bool,
}

/// Whether an exec'd command may outlive dpty.
#[derive(Debug, Clone, Copy, Args)]
pub struct LifetimeArgs {
    /// Leave the command running when dpty ends before it (a closed terminal, a signal, a
    /// lost connection); by default it is sent SIGHUP, then SIGKILL after 2 s
    #[arg(long)]
    pub leave_running: bool,
}

/// How local stdin and the terminal are joined to the container.
#[derive(Debug, Clone, Copy, Args)]
pub struct StreamArgs {
    /// Keep stdin attached (docker -i). Default: attached when stdin is a terminal
    #[arg(short = 'i', long)]
    pub interactive: bool,

    /// Allocate a TTY (docker -t). Default: when stdin and stdout are terminals
    #[arg(short = 't', long, conflicts_with = "no_tty")]
    pub tty: bool,

    /// Never allocate a TTY, even on a terminal
    #[arg(short = 'T', long)]
    pub no_tty: bool,
}

/// Settings of the process started in the container.
#[derive(Debug, Clone, Args)]
pub struct ProcessArgs {
    /// Set an environment variable: KEY=VALUE, or KEY to pass on this one's value (docker -e)
    #[arg(short = 'e', long = "env", value_name = "KEY[=VALUE]")]
    pub env: Vec<String>,

    /// Read environment variables from a file of KEY=VALUE lines (docker --env-file)
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_file: Vec<PathBuf>,

    /// Working directory inside the container (docker -w)
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,

    /// User to run as: name, uid, name:group or uid:gid (docker -u)
    #[arg(short = 'u', long, value_name = "USER")]
    pub user: Option<String>,

    /// Give the process extended privileges (docker --privileged)
    #[arg(long)]
    pub privileged: bool,
}

#[derive(Debug, Args)]
#[command(
    long_about = "Create a container from IMAGE, attach this terminal to it, start it, and exit \
                  with its status. With neither -i nor -t, stdin is attached when it is a terminal \
                  and a TTY is used when stdin and stdout are terminals. Ctrl-P Ctrl-Q detaches \
                  and leaves the container running. Every option of docker run is accepted, with \
                  the same meaning; -h is --hostname, as with docker.",
    after_help = "Options go before IMAGE; everything after IMAGE is the command.\n\n\
                  Example: dpty run --rm busybox sh",
    override_usage = "dpty run [OPTIONS] IMAGE [COMMAND] [ARG...]",
    disable_help_flag = true
)]
pub struct RunArgs {
    #[command(flatten, next_help_heading = "Terminal and streams")]
    pub streams: StreamArgs,

    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub signals: SignalArgs,

    /// Remove the container and its anonymous volumes when it exits (docker --rm)
    #[arg(long, help_heading = "Running", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false,
        action = ArgAction::Set, value_name = "BOOL")]
    pub rm: bool,

    /// Name the container (docker --name)
    #[arg(long, value_name = "NAME", help_heading = "Running")]
    pub name: Option<String>,

    #[command(flatten, next_help_heading = "Process")]
    pub process: ProcessArgs,

    /// Override the image's entrypoint (docker --entrypoint)
    #[arg(long, value_name = "COMMAND", help_heading = "Process")]
    pub entrypoint: Option<String>,

    /// When to pull the image: missing (when not present), always, or never (docker --pull)
    #[arg(long, value_enum, default_value_t = PullPolicy::Missing, value_name = "WHEN",
          help_heading = "Image")]
    pub pull: PullPolicy,

    /// Print nothing while pulling (docker -q)
    #[arg(short = 'q', long, help_heading = "Image")]
    pub quiet: bool,

    /// Skip image verification; dpty never verifies, so only true is accepted (docker
    /// --disable-content-trust)
    #[arg(long = "disable-content-trust", help_heading = "Image", num_args = 0..=1,
          require_equals = true, default_missing_value = "true", default_value_t = true,
          hide_possible_values = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub disable_content_trust: bool,

    #[command(flatten)]
    pub container: Box<ContainerArgs>,

    /// Print help (-h is --hostname, as with docker)
    #[arg(long, action = ArgAction::Help, help_heading = "Options")]
    pub help: Option<bool>,

    /// The image, then the command and its arguments
    #[arg(
        value_name = "IMAGE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true
    )]
    pub image_and_command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    long_about = "Run COMMAND in a running container, attached to this terminal, and exit with \
                  its status. With neither -i nor -t, stdin is attached when it is a terminal and a \
                  TTY is used when stdin and stdout are terminals; in a script, no stdin is read. \
                  Signals dpty receives are passed on to the command (see --sig-proxy). When dpty \
                  ends before the command (its terminal closed, a signal, a lost connection), the \
                  command is hung up (SIGHUP, then SIGKILL after 2 s), as a closing terminal \
                  would; detaching, or --leave-running, leaves it running.",
    override_usage = "dpty exec [OPTIONS] CONTAINER COMMAND [ARG...]"
)]
pub struct ExecArgs {
    #[command(flatten)]
    pub streams: StreamArgs,

    /// Start the command in the background and return at once (docker exec -d)
    #[arg(short = 'd', long, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false,
        action = ArgAction::Set, value_name = "BOOL")]
    pub detach: bool,

    #[command(flatten)]
    pub process: ProcessArgs,

    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub signals: SignalArgs,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    /// The container, then the command and its arguments
    #[arg(
        value_names = ["CONTAINER", "COMMAND"],
        required = true,
        num_args = 2..,
        trailing_var_arg = true
    )]
    pub container_and_command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    long_about = "Attach this terminal to an existing container and exit with its status. A \
                  container that was created but not started is attached first and then started, \
                  so none of its output is lost. With --exec, start an exec instance that was \
                  created elsewhere, attached to this terminal.",
    override_usage = "dpty attach [OPTIONS] CONTAINER\n       dpty attach --exec [OPTIONS] EXEC_ID"
)]
pub struct AttachArgs {
    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub signals: SignalArgs,

    /// Do not attach stdin; show output only (docker --no-stdin)
    #[arg(long)]
    pub no_stdin: bool,

    /// Replay the output the container produced before attaching, then follow it
    #[arg(long)]
    pub logs: bool,

    /// The target is an exec instance created (not started) elsewhere: start it attached
    #[arg(long, conflicts_with = "logs")]
    pub exec: bool,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    /// The container's name or id (with --exec: the exec instance's id)
    #[arg(value_name = "CONTAINER")]
    pub target: String,
}

impl From<&Cli> for crate::EngineFlags {
    fn from(cli: &Cli) -> Self {
        crate::EngineFlags {
            host: cli.host.clone(),
            context: cli.context.clone(),
            tls: cli.tls,
            tlsverify: cli.tlsverify,
            tlscacert: cli.tlscacert.clone(),
            tlscert: cli.tlscert.clone(),
            tlskey: cli.tlskey.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("dpty").chain(args.iter().copied()))
    }

    fn run(args: &[&str]) -> RunArgs {
        match parse(args).unwrap().command {
            Command::Run(run) => run,
            other => panic!("not run: {other:?}"),
        }
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn combined_short_flags_work_like_docker() {
        let args = run(&["run", "-it", "--rm", "busybox", "sh"]);
        assert!(args.streams.interactive && args.streams.tty && args.rm);
        assert_eq!(args.image_and_command, ["busybox", "sh"]);
    }

    #[test]
    fn flags_after_the_image_belong_to_the_command() {
        let args = run(&["run", "busybox", "ls", "-l", "-it"]);
        assert!(!args.streams.interactive);
        assert_eq!(args.image_and_command, ["busybox", "ls", "-l", "-it"]);
        let args = run(&["run", "busybox", "-x"]);
        assert_eq!(args.image_and_command, ["busybox", "-x"]);
    }

    #[test]
    fn unknown_flags_before_the_image_are_errors() {
        assert!(parse(&["run", "--bogus", "busybox"]).is_err());
        assert!(parse(&["exec", "--bogus", "c", "true"]).is_err());
    }

    #[test]
    fn exec_needs_a_container_and_a_command() {
        assert!(parse(&["exec", "c"]).is_err());
        match parse(&["exec", "-i", "c", "sh", "-c", "exit 3"])
            .unwrap()
            .command
        {
            Command::Exec(exec) => {
                assert_eq!(exec.container_and_command, ["c", "sh", "-c", "exit 3"])
            }
            other => panic!("not exec: {other:?}"),
        }
    }

    #[test]
    fn sig_proxy_is_on_unless_turned_off() {
        assert!(run(&["run", "busybox"]).signals.sig_proxy);
        assert!(
            !run(&["run", "--sig-proxy=false", "busybox"])
                .signals
                .sig_proxy
        );
        assert!(run(&["run", "--sig-proxy", "busybox"]).signals.sig_proxy);
    }

    #[test]
    fn tty_and_no_tty_conflict() {
        assert!(parse(&["run", "-t", "-T", "busybox"]).is_err());
    }

    #[test]
    fn repeated_options_accumulate() {
        let args = run(&["run", "-e", "A=1", "-e", "B", "-v", "/a:/b", "busybox"]);
        assert_eq!(args.process.env, ["A=1", "B"]);
        assert_eq!(args.container.volumes, ["/a:/b"]);
    }

    #[test]
    fn h_is_hostname_on_run_and_help_is_long_only() {
        let args = run(&[
            "run",
            "--name=bonita",
            "-h",
            "bonita.local",
            "busybox",
            "true",
        ]);
        assert_eq!(args.container.hostname.as_deref(), Some("bonita.local"));
        assert_eq!(args.name.as_deref(), Some("bonita"));
        let help = parse(&["run", "--help"]).unwrap_err();
        assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp);
        // A bare -h wants its value, as docker's does: never help and status 0.
        let bare = parse(&["run", "-h"]).unwrap_err();
        assert_ne!(bare.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn c_is_cpu_shares_on_run_and_context_before_the_command() {
        let args = run(&["run", "-c", "512", "busybox"]);
        assert_eq!(args.container.cpu_shares, 512);
        let cli = parse(&["-c", "remote", "run", "busybox"]).unwrap();
        assert_eq!(cli.context.as_deref(), Some("remote"));
        assert!(parse(&["run", "--context", "remote", "busybox"]).is_err());
    }

    #[test]
    fn boolean_options_take_docker_s_explicit_values() {
        let args = run(&[
            "run",
            "-itd",
            "--rm=false",
            "--init=false",
            "-P=true",
            "busybox",
        ]);
        assert!(args.streams.interactive && args.streams.tty && args.container.detach);
        assert!(!args.rm);
        assert_eq!(args.container.init, Some(false));
        assert!(args.container.publish_all);
        let args = run(&["run", "--init", "--read-only", "busybox"]);
        assert_eq!(args.container.init, Some(true));
        assert!(args.container.read_only);
        assert_eq!(run(&["run", "busybox"]).container.init, None);
    }

    #[test]
    fn numeric_options_take_negative_values_and_refuse_words() {
        let args = run(&[
            "run",
            "--memory-swappiness",
            "-1",
            "--pids-limit",
            "-1",
            "--oom-score-adj",
            "-500",
            "busybox",
        ]);
        assert_eq!(args.container.memory_swappiness, -1);
        assert_eq!(args.container.pids_limit, -1);
        assert_eq!(args.container.oom_score_adj, -500);
        assert_eq!(run(&["run", "busybox"]).container.memory_swappiness, -1);
        assert!(parse(&["run", "--cpu-shares", "x", "busybox"]).is_err());
        assert!(parse(&["run", "--blkio-weight", "70000", "busybox"]).is_err());
    }

    #[test]
    fn docker_aliases_are_accepted() {
        let args = run(&[
            "run",
            "--net",
            "none",
            "--net-alias",
            "a",
            "--dns-opt",
            "ndots:1",
            "busybox",
        ]);
        assert_eq!(args.container.networks, ["none"]);
        assert_eq!(args.container.network_aliases, ["a"]);
        assert_eq!(args.container.dns_options, ["ndots:1"]);
    }

    #[test]
    fn exec_detaches_with_d() {
        match parse(&["exec", "-d", "c", "sleep", "1"]).unwrap().command {
            Command::Exec(exec) => assert!(exec.detach),
            other => panic!("not exec: {other:?}"),
        }
    }
}
