//! `dpty service exec` and `dpty service attach`: find the task through the
//! manager ([`dpty::ServiceTask::find`]), say where it runs, reach its node,
//! then do what `exec` and `attach` do there; with `--all`, one command in
//! every task ([`dpty::FanOut`]), its status the largest of theirs.

use std::path::Path;

use dpty::cli::{ReachArgs, ServiceArgs, ServiceAttachArgs, ServiceCommand, ServiceExecArgs};

use crate::config::{self, LocalTerminal, StreamMode};
use crate::exit_code::{self, Coded, Which};
use crate::{attach, exec};

pub async fn service(
    args: ServiceArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    local: LocalTerminal,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<dpty::SessionEnd> {
    match args.command {
        ServiceCommand::Exec(args) if args.all => {
            exec_all(args, engine, docker_config, signals).await
        }
        ServiceCommand::Exec(args) => exec_one(args, engine, docker_config, local, signals).await,
        ServiceCommand::Attach(args) => attach(args, engine, docker_config, signals).await,
    }
}

/// A refusal of the command line before anything runs: status 1, as the
/// docker CLI's for options that do not go together.
fn refuse(message: String) -> anyhow::Error {
    anyhow::anyhow!(message).context(Coded(exit_code::Status::General))
}

fn reach(args: &ReachArgs, docker_config: &Path) -> dpty::Reach {
    dpty::Reach {
        node: args.node.clone(),
        ssh_user: args.ssh_user.clone(),
        ssh_options: args.ssh_options.clone(),
        config_dir: Some(docker_config.to_owned()),
    }
}

/// `what`, unless a signal comes first.
async fn or_signal<T>(
    what: impl std::future::Future<Output = dpty::Result<T>>,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<Result<T, i32>> {
    tokio::select! {
        done = what => Ok(Ok(done?)),
        signal = signals.interrupted() => Ok(Err(signal)),
    }
}

/// Finds the task, says where it runs, and reaches its node with
/// `connections` connections (see [`dpty::Client::connect_with`]).
async fn reach_task(
    target: &str,
    reach_args: &ReachArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    connections: usize,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<Result<(dpty::ServiceTask, dpty::Client), i32>> {
    let manager = match or_signal(dpty::Client::connect_with(engine, connections), signals).await? {
        Ok(manager) => manager,
        Err(signal) => return Ok(Err(signal)),
    };
    let reach = reach(reach_args, docker_config);
    let finding = dpty::ServiceTask::find(&manager, target, &reach);
    let task = match or_signal(finding, signals).await? {
        Ok(task) => task,
        Err(signal) => return Ok(Err(signal)),
    };
    if !reach_args.quiet {
        eprintln!("{}", task.describe());
    }
    let node = match or_signal(task.connect(&manager, connections), signals).await? {
        Ok(node) => node,
        Err(signal) => return Ok(Err(signal)),
    };
    Ok(Ok((task, node)))
}

async fn exec_one(
    args: ServiceExecArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    local: LocalTerminal,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<dpty::SessionEnd> {
    let mode = match args.detach {
        true => StreamMode {
            stdin: args.streams.interactive,
            tty: args.streams.tty,
            raw: false,
        },
        false => config::stream_mode(args.streams, local).map_err(local_failure)?,
    };
    let mut words = args.task_and_command.into_iter();
    let target = words.next().unwrap_or_default();
    let process = config::process(&args.process, words.collect())?;
    let wiring = config::Wiring::resolve(&args.session, args.signals.sig_proxy, docker_config)?;
    // Its requests and its stream, as for `exec`.
    let reached = reach_task(&target, &args.reach, engine, docker_config, 2, signals).await?;
    let (task, node) = match reached {
        Ok(reached) => reached,
        Err(signal) => return Ok(dpty::SessionEnd::Signalled(signal)),
    };
    let config = exec::ExecConfig {
        mode,
        container: task.container,
        process,
        detach: args.detach,
        leave_running: args.lifetime.leave_running,
        wiring,
    };
    Ok(exec::exec(&node, config, signals).await?)
}

async fn attach(
    args: ServiceAttachArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<dpty::SessionEnd> {
    let wiring = config::Wiring::resolve(&args.session, args.signals.sig_proxy, docker_config)?;
    // Requests, the stream and the container's exit wait, as for `attach`.
    let reached = reach_task(&args.task, &args.reach, engine, docker_config, 3, signals).await?;
    let (task, node) = match reached {
        Ok(reached) => reached,
        Err(signal) => return Ok(dpty::SessionEnd::Signalled(signal)),
    };
    let config = attach::AttachConfig {
        target: task.container,
        exec: false,
        no_stdin: args.no_stdin,
        leave_running: false,
        logs: args.logs,
        wiring,
    };
    Ok(attach::attach(&node, config, signals).await?)
}

async fn exec_all(
    args: ServiceExecArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<dpty::SessionEnd> {
    let mut words = args.task_and_command.into_iter();
    let service = words.next().unwrap_or_default();
    // Everything the user typed is checked before anything runs.
    if args.streams.tty {
        return Err(refuse(
            "--all runs the command in every task at once, without a TTY: drop -t".into(),
        ));
    }
    if args.session.record.is_some() {
        return Err(refuse(
            "--record records one session: it cannot be used with --all".into(),
        ));
    }
    if service.contains('.') {
        return Err(refuse(format!(
            "--all runs in every task of a service: give the service, not {service}"
        )));
    }
    let process = config::process(&args.process, words.collect())?;
    let manager = match or_signal(dpty::Client::connect(engine), signals).await? {
        Ok(manager) => manager,
        Err(signal) => return Ok(dpty::SessionEnd::Signalled(signal)),
    };
    let reach = reach(&args.reach, docker_config);
    let finding = dpty::ServiceTask::every(&manager, &service, &reach);
    let tasks = match or_signal(finding, signals).await? {
        Ok(tasks) => tasks,
        Err(signal) => return Ok(dpty::SessionEnd::Signalled(signal)),
    };
    let fan_out = dpty::FanOut::new(process)
        .parallel(args.parallel.map_or(0, |n| n as usize))
        .stdin(args.streams.interactive)
        .signals(args.signals.sig_proxy)
        .leave_running(args.lifetime.leave_running)
        .detach(args.detach);
    let ends = fan_out.run(&manager, tasks).await?;
    let mut worst = exit_code::Status::Exited(0);
    for end in &ends {
        let (status, failure) = match &end.result {
            Ok(dpty::SessionEnd::Exited(code)) => (
                exit_code::Status::of_exit(*code),
                format!("exited with status {code}"),
            ),
            Ok(dpty::SessionEnd::Signalled(signal)) => (
                exit_code::Status::Signal(*signal),
                format!("ended by signal {signal}"),
            ),
            Ok(dpty::SessionEnd::OutputClosed) => (
                exit_code::Status::BrokenPipe,
                "its output was closed".to_owned(),
            ),
            Ok(dpty::SessionEnd::Detached) => (exit_code::Status::General, "detached".to_owned()),
            Err(error) => (
                exit_code::of_library_error(Which::Exec, error.kind()),
                error.to_string(),
            ),
        };
        if status.code() != 0 {
            eprintln!("dpty: {}: {failure}", end.task.label());
        }
        if status.code() > worst.code() {
            worst = status;
        }
    }
    // The largest status, as the command's own.
    Ok(dpty::SessionEnd::Exited(i64::from(worst.code())))
}

/// A refusal on our side, before the engine is involved: status 1, as docker.
fn local_failure(error: impl std::error::Error + Send + Sync + 'static) -> anyhow::Error {
    anyhow::Error::new(error).context(Coded(exit_code::Status::General))
}
