//! The command line, and nothing else: clap definitions whose flags follow
//! the docker CLI, so `dpty run -it` and `dpty exec -it` keep people's habits.
//! The `dpty` binary turns these into the settings a session runs with; the
//! generator of its completions and man pages reads them too.
//!
//! Each option's doc comment is its whole explanation, as the man pages show
//! it. `--help` shows one line per option, as the docker CLI's does: the
//! summary before a closing "(docker ...)" note, or a `help` of its own.
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

use clap::{ArgAction, Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

mod create;
mod debug;
mod service;

pub use create::ContainerArgs;
pub use debug::DebugArgs;
pub use service::{ReachArgs, ServiceArgs, ServiceAttachArgs, ServiceCommand, ServiceExecArgs};

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
  1   refused locally, an unknown command or context, detached from
      exec/attach, or given up after three interrupts;
  128+N ended by signal N.";

/// The command line as the `dpty` binary parses it and as its `--help` shows
/// it: [`Cli::command`] with each option's help, and each command's about,
/// cut to its summary (the whole text stays as the long help, for the man
/// pages).
///
/// ```
/// let run = dpty::cli::command().find_subcommand("run").unwrap().clone();
/// let name = run.get_arguments().find(|a| a.get_id() == "name").unwrap();
/// assert_eq!(name.get_help().unwrap().to_string(), "Name the container");
/// ```
pub fn command() -> clap::Command {
    summarised(Cli::command())
}

/// Parses this process's arguments as the `dpty` binary does.
pub fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

fn summarised(command: clap::Command) -> clap::Command {
    let about = command.get_about().map(ToString::to_string);
    let command = match about.as_deref().and_then(summary) {
        Some(summary) if command.get_long_about().is_some() => command.about(summary.to_owned()),
        _ => command,
    };
    command
        .mut_args(|arg| {
            if arg.get_long_help().is_some() {
                return arg;
            }
            let Some(whole) = arg.get_help().map(ToString::to_string) else {
                return arg;
            };
            match summary(&whole) {
                Some(summary) => arg.help(summary.to_owned()).long_help(whole),
                None => arg,
            }
        })
        .mut_subcommands(summarised)
}

/// "Name the container (docker --name)" is "Name the container"; a help
/// without such a closing note has no shorter form.
fn summary(help: &str) -> Option<&str> {
    let (summary, note) = help.rsplit_once(" (docker ")?;
    note.ends_with(')').then_some(summary)
}

#[derive(Debug, Parser)]
#[command(
    name = "dpty",
    version,
    about = "Put your terminal inside a container",
    long_about = "Put your terminal inside a container: dpty run and dpty exec do what \
                  docker run -it and docker exec -it do, for people at a keyboard and for scripts.",
    after_help = ENVIRONMENT_AND_STATUS,
    override_usage = "dpty [OPTIONS] <COMMAND>\n       dpty run [OPTIONS] IMAGE [COMMAND] [ARG...]\n       \
                      dpty exec [OPTIONS] CONTAINER COMMAND [ARG...]\n       dpty attach [OPTIONS] CONTAINER\n       \
                      dpty service exec|attach [OPTIONS] TARGET ...\n       \
                      dpty debug [OPTIONS] CONTAINER [-- COMMAND [ARG...]]",
    propagate_version = true,
    disable_help_flag = true,
    disable_help_subcommand = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H;
    /// ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current
    /// context, then /var/run/docker.sock, then Podman's socket)
    #[arg(
        short = 'H',
        long = "host",
        global = true,
        value_name = "ADDRESS",
        help_heading = "Engine options"
    )]
    pub host: Option<String>,

    /// Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context
    /// use`; before the command only, as with docker: `dpty run -c` is --cpu-shares)
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
        help = "Log level: error, warn, info, debug or trace",
        long_help,
        env = "DPTY_LOG",
        global = true,
        value_name = "LEVEL",
        help_heading = "Logging"
    )]
    pub log_level: Option<String>,

    /// Write logs to this file instead of stderr
    #[arg(long, global = true, value_name = "PATH", help_heading = "Logging")]
    pub log_file: Option<PathBuf>,

    #[command(flatten)]
    pub help: HelpArgs,

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

/// The long descriptions of the commands, for their man pages. They sit on
/// the `Command` variants: a variant's doc comment would reset one set on
/// its arguments' struct.
const RUN_ABOUT: &str =
    "Create a container from IMAGE, attach this terminal to it, start it, and exit \
    with its status. With neither -i nor -t, stdin is attached when it is a terminal \
    and a TTY is used when stdin and stdout are terminals. Ctrl-P Ctrl-Q detaches \
    and leaves the container running. Every option of docker run is accepted, with \
    the same meaning; -h is --hostname, as with docker.";

const EXEC_ABOUT: &str =
    "Run COMMAND in a running container, attached to this terminal, and exit with \
    its status. With neither -i nor -t, stdin is attached when it is a terminal and a \
    TTY is used when stdin and stdout are terminals; in a script, no stdin is read. \
    Signals dpty receives are passed on to the command (see --sig-proxy). When dpty \
    ends before the command (its terminal closed, a signal, a lost connection), the \
    command is hung up (SIGHUP, then SIGKILL after 2 s), as a closing terminal \
    would; detaching, or --leave-running, leaves it running.";

const ATTACH_ABOUT: &str =
    "Attach this terminal to an existing container and exit with its status. A \
    container that was created but not started is attached first and then started, \
    so none of its output is lost. With --exec, start an exec instance that was \
    created elsewhere, attached to this terminal.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and start a container from an image, attached to this terminal (docker run)
    #[command(long_about = RUN_ABOUT)]
    Run(RunArgs),
    /// Run a command in a running container, attached to this terminal (docker exec)
    #[command(long_about = EXEC_ABOUT)]
    Exec(ExecArgs),
    /// Attach this terminal to an existing container, or start a created exec instance (docker attach)
    #[command(long_about = ATTACH_ABOUT)]
    Attach(AttachArgs),
    /// Run a command in, or attach to, a task of a Swarm service, on whichever node it runs
    #[command(long_about = service::ABOUT)]
    Service(ServiceArgs),
    /// A shell in any container, even one without a shell, running or stopped, leaving nothing behind
    #[command(long_about = debug::ABOUT)]
    Debug(DebugArgs),
}

/// `-h` and `--help`: the same short help, one line per option, as the docker
/// CLI gives; the man pages hold the long explanations. (`run` has its own:
/// its `-h` is `--hostname`.)
#[derive(Debug, Clone, Copy, Args)]
pub struct HelpArgs {
    /// Print help, one line per option
    #[arg(
        short = 'h',
        long,
        action = ArgAction::HelpShort,
        help_heading = None,
        help = "Print help (the man page says more)",
        long_help
    )]
    pub help: Option<bool>,
}

/// Options every session has.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys;
    /// default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,

    /// Record the session in FILE as an asciicast v2 file (asciinema's format: play it with
    /// `asciinema play FILE`): the output with its timing and every change of terminal size
    #[arg(
        long,
        value_name = "FILE",
        help = "Record the session in FILE, for `asciinema play FILE`",
        long_help
    )]
    pub record: Option<PathBuf>,

    /// With --record, record what is typed too. Off by default: keystrokes can hold passwords
    #[arg(
        long,
        requires = "record",
        help = "With --record, record what is typed too, passwords included",
        long_help
    )]
    pub record_input: bool,
}

/// Whether signals dpty receives are passed on to the container.
#[derive(Debug, Clone, Copy, Args)]
pub struct SignalArgs {
    /// Forward signals dpty receives to the container, or with exec to the command (docker
    /// --sig-proxy); --sig-proxy=false to turn off
    #[arg(
        long = "sig-proxy",
        help = "Forward the signals dpty receives",
        long_help,
        hide_possible_values = true,
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
    #[arg(
        long,
        help = "Leave the command running when dpty ends before it",
        long_help
    )]
    pub leave_running: bool,
}

/// How local stdin and the terminal are joined to the container.
#[derive(Debug, Clone, Copy, Args)]
pub struct StreamArgs {
    /// Keep stdin attached, by default when stdin is a terminal (docker -i)
    #[arg(short = 'i', long)]
    pub interactive: bool,

    /// Allocate a TTY, by default when stdin and stdout are terminals (docker -t)
    #[arg(short = 't', long, conflicts_with = "no_tty")]
    pub tty: bool,

    /// Never allocate a TTY, even on a terminal
    #[arg(short = 'T', long)]
    pub no_tty: bool,
}

/// Settings of the process started in the container.
#[derive(Debug, Clone, Args)]
pub struct ProcessArgs {
    /// Set an environment variable: KEY=VALUE or KEY (docker -e; KEY alone passes on this
    /// one's value)
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
    after_help = "Options go before IMAGE; everything after IMAGE is the command. Each option \
                  means what it means to docker run; the man page dpty-run(1) says more.\n\n\
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
        default_value_t = false, hide_default_value = true,
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

    /// When to pull the image: missing (when not present; the default), always, or never
    /// (docker --pull)
    #[arg(long, value_enum, default_value_t = PullPolicy::Missing, value_name = "WHEN",
          help_heading = "Image", help = "When to pull the image: missing (default), always, never",
          long_help, hide_default_value = true, hide_possible_values = true)]
    pub pull: PullPolicy,

    /// Print nothing while pulling (docker -q)
    #[arg(short = 'q', long, help_heading = "Image")]
    pub quiet: bool,

    /// Skip image verification; dpty never verifies, so only true is accepted (docker
    /// --disable-content-trust)
    #[arg(long = "disable-content-trust", help_heading = "Image", num_args = 0..=1,
          help = "Only true: dpty never verifies images", long_help, hide_default_value = true,
          require_equals = true, default_missing_value = "true", default_value_t = true,
          hide_possible_values = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub disable_content_trust: bool,

    #[command(flatten)]
    pub container: Box<ContainerArgs>,

    /// Print help (-h is --hostname, as with docker)
    #[arg(long, action = ArgAction::HelpShort, help_heading = None)]
    pub help: Option<bool>,

    /// The image, then the command and its arguments
    #[arg(
        help_heading = None,
        value_name = "IMAGE",
        required = true,
        num_args = 1..,
        trailing_var_arg = true
    )]
    pub image_and_command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "dpty exec [OPTIONS] CONTAINER COMMAND [ARG...]",
    disable_help_flag = true
)]
pub struct ExecArgs {
    #[command(flatten)]
    pub streams: StreamArgs,

    /// Start the command in the background and return at once (docker exec -d)
    #[arg(short = 'd', long, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
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

    #[command(flatten)]
    pub help: HelpArgs,

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
    override_usage = "dpty attach [OPTIONS] CONTAINER\n       dpty attach --exec [OPTIONS] EXEC_ID",
    disable_help_flag = true
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
    #[arg(
        long,
        help = "Replay the container's output so far, then follow it",
        long_help
    )]
    pub logs: bool,

    /// The target is an exec instance created (not started) elsewhere: start it attached
    #[arg(
        long,
        conflicts_with = "logs",
        help = "The target is an exec instance created elsewhere: start it",
        long_help
    )]
    pub exec: bool,

    #[command(flatten)]
    pub lifetime: LifetimeArgs,

    #[command(flatten)]
    pub help: HelpArgs,

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
    fn the_engine_flags_come_from_the_command_line() {
        let cli = parse(&[
            "-H",
            "tcp://127.0.0.1:2376",
            "--context",
            "c",
            "--tlsverify",
            "--tlscacert",
            "/ca.pem",
            "--tlscert",
            "/cert.pem",
            "--tlskey",
            "/key.pem",
            "exec",
            "c",
            "true",
        ])
        .unwrap();
        let flags = crate::EngineFlags::from(&cli);
        assert_eq!(flags.host.as_deref(), Some("tcp://127.0.0.1:2376"));
        assert_eq!(flags.context.as_deref(), Some("c"));
        assert!(flags.tlsverify && !flags.tls);
        assert_eq!(
            flags.tlscacert.as_deref(),
            Some(std::path::Path::new("/ca.pem"))
        );
        assert_eq!(
            flags.tlscert.as_deref(),
            Some(std::path::Path::new("/cert.pem"))
        );
        assert_eq!(
            flags.tlskey.as_deref(),
            Some(std::path::Path::new("/key.pem"))
        );
        assert_eq!(
            crate::EngineFlags::from(&parse(&["exec", "c", "true"]).unwrap()),
            crate::EngineFlags::default()
        );
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    /// The lines of `cmd`'s short help, at the width a pipe gets, that
    /// continue an option's line instead of starting one.
    fn wrapped_option_lines(cmd: &clap::Command) -> Vec<String> {
        let mut cmd = cmd.clone().term_width(100);
        let help = cmd.render_help().to_string();
        let mut headings: Vec<String> = vec!["Options:".into(), "Arguments:".into()];
        headings.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_help_heading())
                .map(|h| format!("{h}:")),
        );
        let mut in_options = false;
        let mut wrapped = Vec::new();
        for line in help.lines() {
            if line.trim().is_empty() {
                in_options = false;
            } else if headings.iter().any(|h| h == line) {
                in_options = true;
            } else if in_options
                && !(line.starts_with("  -")
                    || line.starts_with("      --")
                    || line.starts_with("  <")
                    || line.starts_with("  ["))
            {
                wrapped.push(line.to_owned());
            }
        }
        wrapped
    }

    #[test]
    fn help_gives_one_line_per_option() {
        let root = command();
        let mut commands = vec![root.clone()];
        commands.extend(root.get_subcommands().cloned());
        for cmd in &commands {
            let wrapped = wrapped_option_lines(cmd);
            assert!(
                wrapped.is_empty(),
                "{}: lines that wrap: {wrapped:#?}",
                cmd.get_name()
            );
        }
        // The check itself finds a wrapped line: the unshortened helps wrap.
        let whole = Cli::command();
        let run = whole.find_subcommand("run").unwrap();
        assert!(!wrapped_option_lines(run).is_empty());
    }

    #[test]
    fn help_keeps_the_whole_text_as_long_help() {
        let cmd = command();
        let run = cmd.find_subcommand("run").unwrap();
        let name = run.get_arguments().find(|a| a.get_id() == "name").unwrap();
        assert_eq!(name.get_help().unwrap().to_string(), "Name the container");
        assert_eq!(
            name.get_long_help().unwrap().to_string(),
            "Name the container (docker --name)"
        );
        assert!(run.get_long_about().unwrap().to_string().len() > 200);
        assert_eq!(summary("A (docker -x; more)"), Some("A"));
        assert_eq!(summary("A (docker -x). More"), None);
        assert_eq!(summary("A (not docker's)"), None);
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
