//! `dpty debug`: a shell in any container, even one without a shell,
//! running or stopped, that leaves nothing behind. Its options are those of
//! `exec` for the process, and the few that say which toolbox to bring and
//! how to treat the target.

use clap::{ArgAction, Args};

use super::{HelpArgs, ProcessArgs, PullPolicy, SessionArgs};

/// The toolbox image when none is named: small, and statically linked, as
/// its binaries run inside the target's root.
const DEFAULT_TOOLBOX: &str = "busybox:musl";

/// The long description of `dpty debug`, for its man page.
pub(super) const ABOUT: &str =
    "Open a shell (or run COMMAND) that sees CONTAINER as its own, even when its image has no \
    shell: its processes, its network, its environment and working directory, and its root as /. \
    A running container is entered live: a helper container from the toolbox image (--image) \
    joins its pid and network namespaces (IPC and UTS too where the engine allows it), and the \
    shell runs chrooted into the container's root with the toolbox's binaries on PATH, so nothing \
    is written into the container and read-only ones work too. A container that is not running \
    (exited, created, restarting), or any with --copy, is debugged on a copy made from a snapshot \
    of it, with its environment, working directory, hostname and volumes: changes to its files \
    are discarded, writes to its volumes are real, and the container itself is left as it was. \
    Nothing is left behind: the helper, the copy and the snapshot are removed when the session \
    ends, however it ends, and if dpty itself is killed the engine removes the helper (its main \
    process ends when dpty's connection to it closes). Everything made is labelled dpty.debug; \
    dpty debug --gc removes what an engine that went away left. The toolbox's binaries run inside \
    the container's root, so it must be statically linked (busybox:musl, the default, is). A TTY \
    is used when stdin and stdout are terminals; otherwise stdin is passed through, EOF \
    included. If the container ends during the session, the session ends with status 137. Exit \
    status: the shell's or COMMAND's; 125 when the session cannot be set up.";

#[derive(Debug, Args)]
#[command(
    override_usage = "dpty debug [OPTIONS] CONTAINER [-- COMMAND [ARG...]]\n       dpty debug --gc",
    after_help = "Example: dpty debug web\n         dpty debug --copy web -- ls -l /data",
    disable_help_flag = true
)]
pub struct DebugArgs {
    /// The toolbox image, whose shell and tools the session runs; statically linked, as they run
    /// inside the container's root (default busybox:musl)
    #[arg(
        long,
        value_name = "IMAGE",
        default_value = DEFAULT_TOOLBOX,
        help = "The toolbox image, statically linked (default busybox:musl)",
        long_help,
        hide_default_value = true,
        help_heading = "Toolbox"
    )]
    pub image: String,

    /// When to pull the toolbox image: missing (when not present; the default), always, or never
    #[arg(long, value_enum, default_value_t = PullPolicy::Missing, value_name = "WHEN",
          help_heading = "Toolbox", help = "When to pull the toolbox: missing (default), always, never",
          long_help, hide_default_value = true, hide_possible_values = true)]
    pub pull: PullPolicy,

    /// Print nothing while pulling, and no notes on how the session was set up
    #[arg(short = 'q', long, help_heading = "Toolbox")]
    pub quiet: bool,

    #[command(flatten, next_help_heading = "Process")]
    pub process: ProcessArgs,

    /// Add a Linux capability to the session (docker --cap-add)
    #[arg(
        long = "cap-add",
        value_name = "CAP",
        action = ArgAction::Append,
        help_heading = "Process"
    )]
    pub cap_add: Vec<String>,

    /// Debug a copy made from a snapshot of the container, even a running one; its file changes
    /// are discarded, writes to its volumes are real
    #[arg(
        long,
        help = "Debug a copy made from a snapshot, even of a running container",
        long_help,
        help_heading = "Container"
    )]
    pub copy: bool,

    /// The network of a snapshot copy: none (the default), host, bridge, a network's name, or
    /// container:NAME (docker --network). A live session has the container's own network
    #[arg(
        long = "net",
        visible_alias = "network",
        value_name = "MODE",
        help = "The network of a snapshot copy (default none)",
        long_help,
        help_heading = "Container"
    )]
    pub net: Option<String>,

    /// Remove what debug sessions left behind when the engine went away in the middle (containers
    /// and snapshots labelled dpty.debug that nothing uses), then exit
    #[arg(
        long,
        conflicts_with_all = ["target_and_command", "copy", "net"],
        help = "Remove what debug sessions left behind, then exit",
        long_help,
        help_heading = "Container"
    )]
    pub gc: bool,

    #[command(flatten, next_help_heading = "Session")]
    pub session: SessionArgs,

    #[command(flatten)]
    pub help: HelpArgs,

    /// The container, then the command (default: the toolbox's shell)
    #[arg(
        help_heading = None,
        value_names = ["CONTAINER", "COMMAND"],
        required_unless_present = "gc",
        num_args = 1..,
        trailing_var_arg = true
    )]
    pub target_and_command: Vec<String>,
}
