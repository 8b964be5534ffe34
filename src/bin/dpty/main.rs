//! dpty: put your terminal inside a container.
//!
//! `main` only parses, sets up logging, runs the command on a single-threaded
//! runtime and turns the outcome into a docker-compatible exit status.
//!
//! This directory is the binary: everything between the command line (the
//! clap definitions in the library's `dpty::cli`) and the library's public
//! API. Settings are resolved in `config`, `run`'s options become the create
//! request in `opts`, pulls are shown by `pull`, `exit_code` holds the one
//! mapping from outcomes to docker's exit statuses, and `usage` reports
//! mistakes in the command line as docker does. `run`, `exec`, `attach`,
//! `service` (a Swarm task's node found first) and `debug` (the toolbox made
//! present first) each start their kind of session.

mod attach;
mod config;
mod debug;
mod exec;
mod exit_code;
mod interrupts;
mod logging;
mod opts;
mod pull;
mod run;
mod service;
mod usage;

use std::process::ExitCode;

use config::LocalTerminal;
use dpty::cli::{self, Cli, Command};
use exit_code::Which;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    if let Err(error) = logging::init(cli.log_level.as_deref(), cli.log_file.as_deref()) {
        eprintln!("dpty: {}", exit_code::render(&error));
        return ExitCode::from(exit_code::Status::General);
    }
    let which = match cli.command {
        Command::Run(_) => Which::Run,
        Command::Exec(_) => Which::Exec,
        Command::Attach(_) => Which::Attach,
        Command::Service(ref service) => match service.command {
            cli::ServiceCommand::Exec(_) => Which::Exec,
            cli::ServiceCommand::Attach(_) => Which::Attach,
        },
        // As with run, a failure before the session is the engine's: 125.
        Command::Debug(_) => Which::Run,
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("dpty: starting the runtime: {error}");
            return ExitCode::from(exit_code::Status::General);
        }
    };
    let outcome = runtime.block_on(dispatch(cli));
    // Log lines held while the terminal was raw come out before our own.
    logging::release();
    // The one place an outcome becomes an exit status.
    let ending = match outcome {
        Ok(Dispatched::Ended(end)) => exit_code::of_end(which, end, interrupts::received()),
        Ok(Dispatched::Interrupted(signal)) => exit_code::of_signal(signal, interrupts::received()),
        Err(error) => {
            tracing::info!(error = %format!("{error:#}"), "failed");
            eprintln!("dpty: {}", exit_code::render(&error));
            exit_code::Ending {
                status: exit_code::of_any_error(which, &error),
                message: None,
            }
        }
    };
    if let Some(message) = ending.message {
        eprintln!("{message}");
    }
    ExitCode::from(ending.status)
}

/// What a command came to, short of a failure.
enum Dispatched {
    Ended(dpty::SessionEnd),
    /// A signal stopped `run` before its container was made.
    Interrupted(i32),
}

async fn dispatch(cli: Cli) -> anyhow::Result<Dispatched> {
    // The one signal source, installed before anything can be interrupted;
    // every phase after this listens to it.
    let mut signals = dpty::SignalSource::install()?;
    interrupts::count()?;
    let local = LocalTerminal::detect();
    // The docker CLI settles its engine before it looks at the command, and
    // fails with status 1 whatever the command: an unknown context, a bad
    // address, -H with --context.
    let engine = dpty::Engine::choose(&dpty::EngineFlags::from(&cli)).map_err(local_failure)?;
    let docker_config = dpty::docker_config::config_dir(|key| std::env::var(key).ok());
    // Everything the user typed is checked before the engine is contacted,
    // so a bad flag never leaves a half-made container behind.
    match cli.command {
        Command::Run(args) => {
            let mode = config::run_stream_mode(&args, local).map_err(local_failure)?;
            // As docker: `$PWD` when it names this directory, so `-v ./x:/x` keeps
            // the symlinks the shell followed, as `--mount` sources do.
            let cwd = opts::mounts::working_dir().unwrap_or_default();
            let lookup = |key: &str| std::env::var(key).ok();
            // As the docker CLI: the terminal's size goes with every create,
            // TTY or not.
            let console_size = dpty::terminal_size().map(|s| (s.rows, s.cols));
            let address = engine.to_string();
            let proxy_env = dpty::docker_config::proxy_env(&docker_config, &address);
            let context = opts::Context {
                tty: mode.tty,
                stdin: mode.stdin,
                console_size,
                cwd: &cwd,
                lookup: &lookup,
                proxy_env: &proxy_env,
            };
            let mut container = opts::container(&args, &context).map_err(refused)?;
            for warning in &container.warnings {
                eprintln!("WARNING: {warning}");
            }
            container.mount_api_socket(&address).map_err(refused)?;
            let wiring =
                config::Wiring::resolve(&args.session, args.signals.sig_proxy, &docker_config)?;
            let client = dpty::Client::connect(&engine).await?;
            container
                .for_engine(client.api_version(), client.os_type())
                .map_err(refused)?;
            let config = run::RunConfig {
                mode,
                container,
                image: args.image_and_command.first().cloned().unwrap_or_default(),
                remove: args.rm,
                pull: args.pull,
                quiet: args.quiet,
                wiring,
            };
            Ok(match run::run(&client, config, &mut signals).await? {
                run::Ran::Session(end) => Dispatched::Ended(end),
                run::Ran::Interrupted(signal) => Dispatched::Interrupted(signal),
            })
        }
        Command::Exec(args) => {
            let mode = if args.detach {
                // Nothing is attached: the flags mean exactly what they say.
                config::StreamMode {
                    stdin: args.streams.interactive,
                    tty: args.streams.tty,
                    raw: false,
                }
            } else {
                config::stream_mode(args.streams, local).map_err(local_failure)?
            };
            let mut words = args.container_and_command.into_iter();
            let container = words.next().unwrap_or_default();
            let config = exec::ExecConfig {
                mode,
                process: config::process(&args.process, words.collect())?,
                container,
                detach: args.detach,
                leave_running: args.lifetime.leave_running,
                wiring: config::Wiring::resolve(
                    &args.session,
                    args.signals.sig_proxy,
                    &docker_config,
                )?,
            };
            // Its requests and its stream: no wait for a container's exit.
            let client = dpty::Client::connect_with(&engine, 2).await?;
            Ok(Dispatched::Ended(
                exec::exec(&client, config, &mut signals).await?,
            ))
        }
        Command::Attach(args) => {
            let config = attach::AttachConfig {
                target: args.target,
                exec: args.exec,
                no_stdin: args.no_stdin,
                leave_running: args.lifetime.leave_running,
                logs: args.logs,
                wiring: config::Wiring::resolve(
                    &args.session,
                    args.signals.sig_proxy,
                    &docker_config,
                )?,
            };
            let client = dpty::Client::connect(&engine).await?;
            Ok(Dispatched::Ended(
                attach::attach(&client, config, &mut signals).await?,
            ))
        }
        Command::Service(args) => {
            let end = service::service(args, &engine, &docker_config, local, &mut signals).await?;
            Ok(Dispatched::Ended(end))
        }
        Command::Debug(args) => {
            let end = debug::debug(args, &engine, &docker_config, local, &mut signals).await?;
            Ok(Dispatched::Ended(end))
        }
    }
}

/// A command line docker would refuse, with docker's status for it.
fn refused(invalid: opts::Invalid) -> anyhow::Error {
    let status = invalid.status;
    anyhow::Error::new(invalid).context(exit_code::Coded(status))
}

/// A refusal on our side, before the engine is involved: status 1, as docker.
fn local_failure(error: impl std::error::Error + Send + Sync + 'static) -> anyhow::Error {
    anyhow::Error::new(error).context(exit_code::Coded(exit_code::Status::General))
}

/// Help and version (and help for a bare `dpty`, as with docker) go to stdout
/// with status 0; a mistake in the command line is reported in one line plus
/// a pointer to the command's --help, with the docker CLI's status for it.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            print!("{}", error.render());
            ExitCode::SUCCESS
        }
        _ => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            let mistake = usage::mistake(&error, &args);
            eprintln!("{}", mistake.text);
            ExitCode::from(mistake.status)
        }
    }
}
