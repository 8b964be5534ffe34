//! `dpty service exec` and `dpty service attach`: `exec` and `attach` for
//! the tasks of a Swarm service, wherever they run, with every option of
//! theirs and the few that say which task and how its node is reached.

use clap::{ArgAction, Args, Subcommand};

use super::{HelpArgs, LifetimeArgs, ProcessArgs, SessionArgs, SignalArgs, StreamArgs};

const SERVICE_ABOUT: &str =
    "Join a task of a Swarm service, on whichever node of the swarm it runs, as dpty exec and \
    dpty attach join a container. The engine dpty is connected to must be a swarm manager: it \
    says which tasks run where. A task on the manager's own node is joined directly; another \
    node is reached through a docker context named after it (its hostname or id), else over ssh \
    to its address (see --ssh-user and --ssh-option).";

const SERVICE_EXEC_ABOUT: &str =
    "Run COMMAND in a running task of a Swarm service, attached to this terminal, and exit with \
    its status, as dpty exec does for a container. TARGET is SERVICE (its task on this engine's \
    node if there is one, else the lowest slot), SERVICE.SLOT (web.2), SERVICE.NODE for a global \
    service (node hostname or id), or a task id or a unique prefix of one. A line on stderr says \
    where the task runs, unless -q. With --all, COMMAND runs in every running task at once, \
    without a TTY: each line of output is prefixed with its task and node (web.2@node-b | ...), \
    stdin (with -i) is read once and sent to every task, and the status is the largest of theirs; \
    every task that failed is named on stderr.";

const SERVICE_ATTACH_ABOUT: &str =
    "Attach this terminal to a running task of a Swarm service, as dpty attach does to a \
    container, and exit with its status. TARGET is SERVICE, SERVICE.SLOT, SERVICE.NODE or a task \
    id, as for dpty service exec. The service needs a TTY and an open stdin to be typed into.";

/// `dpty service`: its subcommands.
#[derive(Debug, Args)]
#[command(
    override_usage = "dpty service COMMAND\n       \
                      dpty service exec [OPTIONS] TARGET COMMAND [ARG...]\n       \
                      dpty service attach [OPTIONS] TARGET",
    disable_help_flag = true,
    disable_help_subcommand = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct ServiceArgs {
    #[command(flatten)]
    pub help: HelpArgs,

    #[command(subcommand)]
    pub command: ServiceCommand,
}

/// The long description of `dpty service`, for its man page.
pub(super) const ABOUT: &str = SERVICE_ABOUT;

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Run a command in a task of a Swarm service, on whichever node it runs
    #[command(long_about = SERVICE_EXEC_ABOUT)]
    Exec(ServiceExecArgs),
    /// Attach this terminal to a task of a Swarm service, on whichever node it runs
    #[command(long_about = SERVICE_ATTACH_ABOUT)]
    Attach(ServiceAttachArgs),
}

/// Which task, and how its node is reached.
#[derive(Debug, Clone, Args)]
pub struct ReachArgs {
    /// The task on this node: its hostname or id
    #[arg(long, value_name = "NODE", help_heading = "Task")]
    pub node: Option<String>,

    /// The user ssh logs in as on a node reached over ssh (default: ssh's own choice, from
    /// ~/.ssh/config or the local user)
    #[arg(
        long = "ssh-user",
        value_name = "USER",
        help_heading = "Task",
        help = "The user ssh logs in as on a node reached over ssh",
        long_help
    )]
    pub ssh_user: Option<String>,

    /// An option for ssh when a node is reached over ssh, repeatable: ssh's own words when it
    /// starts with - (`-J bastion`), else an -o option (`ProxyJump=bastion`)
    #[arg(
        long = "ssh-option",
        value_name = "OPT",
        allow_hyphen_values = true,
        help_heading = "Task",
        help = "An option for ssh: -J bastion, or ProxyJump=bastion for -o (repeatable)",
        long_help
    )]
    pub ssh_options: Vec<String>,

    /// Do not say on stderr where the task runs
    #[arg(short = 'q', long, help_heading = "Task")]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "dpty service exec [OPTIONS] TARGET COMMAND [ARG...]\n       \
                      dpty service exec --all [OPTIONS] SERVICE COMMAND [ARG...]",
    disable_help_flag = true
)]
pub struct ServiceExecArgs {
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
    pub reach: ReachArgs,

    /// Run the command in every running task of the service at once, without a TTY, each line
    /// of output prefixed with its task and node
    #[arg(
        long,
        help_heading = "Every task",
        help = "Run the command in every running task of the service at once",
        long_help
    )]
    pub all: bool,

    /// With --all, run in at most N tasks at a time
    #[arg(long, value_name = "N", requires = "all", help_heading = "Every task",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub parallel: Option<u32>,

    #[command(flatten)]
    pub help: HelpArgs,

    /// The task (SERVICE, SERVICE.SLOT, SERVICE.NODE or a task id; with --all, SERVICE), then
    /// the command and its arguments
    #[arg(
        help = "The task, then the command and its arguments",
        long_help,
        value_names = ["TARGET", "COMMAND"],
        required = true,
        num_args = 2..,
        trailing_var_arg = true
    )]
    pub task_and_command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "dpty service attach [OPTIONS] TARGET",
    disable_help_flag = true
)]
pub struct ServiceAttachArgs {
    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub signals: SignalArgs,

    /// Do not attach stdin; show output only (docker --no-stdin)
    #[arg(long)]
    pub no_stdin: bool,

    /// Replay the output the task's container produced before attaching, then follow it
    #[arg(
        long,
        help = "Replay the container's output so far, then follow it",
        long_help
    )]
    pub logs: bool,

    #[command(flatten)]
    pub reach: ReachArgs,

    #[command(flatten)]
    pub help: HelpArgs,

    /// The task: SERVICE, SERVICE.SLOT, SERVICE.NODE or a task id
    #[arg(value_name = "TARGET")]
    pub task: String,
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(args: &[&str]) -> Result<ServiceCommand, clap::Error> {
        let argv = std::iter::once("dpty").chain(args.iter().copied());
        match Cli::try_parse_from(argv)?.command {
            Command::Service(service) => Ok(service.command),
            other => panic!("not service: {other:?}"),
        }
    }

    #[test]
    fn exec_takes_exec_s_options_and_its_own() {
        let ServiceCommand::Exec(exec) = parse(&[
            "service",
            "exec",
            "-it",
            "-e",
            "A=1",
            "-u",
            "nobody",
            "--node",
            "node-b",
            "--ssh-option",
            "-J bastion",
            "--ssh-option=Port=2222",
            "--ssh-user",
            "ops",
            "-q",
            "web.2",
            "sh",
            "-c",
            "exit 3",
        ])
        .unwrap() else {
            panic!("not exec");
        };
        assert!(exec.streams.interactive && exec.streams.tty && exec.reach.quiet);
        assert_eq!(exec.process.env, ["A=1"]);
        assert_eq!(exec.reach.node.as_deref(), Some("node-b"));
        assert_eq!(exec.reach.ssh_options, ["-J bastion", "Port=2222"]);
        assert_eq!(exec.reach.ssh_user.as_deref(), Some("ops"));
        assert_eq!(exec.task_and_command, ["web.2", "sh", "-c", "exit 3"]);
    }

    #[test]
    fn parallel_needs_all_and_at_least_one() {
        assert!(parse(&["service", "exec", "--parallel", "2", "web", "true"]).is_err());
        assert!(parse(&["service", "exec", "--all", "--parallel", "0", "web", "true"]).is_err());
        let ServiceCommand::Exec(exec) =
            parse(&["service", "exec", "--all", "--parallel", "2", "web", "true"]).unwrap()
        else {
            panic!("not exec");
        };
        assert_eq!((exec.all, exec.parallel), (true, Some(2)));
    }

    #[test]
    fn attach_takes_one_target() {
        let ServiceCommand::Attach(attach) =
            parse(&["service", "attach", "--detach-keys", "ctrl-x", "web.1"]).unwrap()
        else {
            panic!("not attach");
        };
        assert_eq!(attach.task, "web.1");
        assert!(parse(&["service", "attach", "web.1", "more"]).is_err());
        assert!(parse(&["service", "exec", "web.1"]).is_err());
    }
}
