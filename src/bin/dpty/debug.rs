//! `dpty debug`: the toolbox image made present as `--pull` says, then a
//! debug session through [`dpty::Session::debug`], which enters the
//! container live or debugs a copy of it and removes what it made; with
//! `--gc`, what sessions left behind when the engine went away is removed.
//! Every failure before the session is the engine's or dpty's, status 125.

use std::path::Path;

use dpty::cli::{DebugArgs, PullPolicy};

use crate::config::{self, LocalTerminal};
use crate::exit_code::{self, Coded};
use crate::pull;

pub async fn debug(
    args: DebugArgs,
    engine: &dpty::Engine,
    docker_config: &Path,
    local: LocalTerminal,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<dpty::SessionEnd> {
    let refused = Coded(exit_code::Status::EngineRefused);
    if args.gc {
        let client = dpty::Client::connect(engine)
            .await
            .map_err(|e| anyhow::Error::new(e).context(refused))?;
        return gc(&client).await.map_err(|e| e.context(refused));
    }
    let mut words = args.target_and_command.into_iter().peekable();
    let container = words.next().unwrap_or_default();
    // `CONTAINER -- COMMAND`: the separator is not the command's.
    words.next_if_eq("--");
    let mut options = dpty::DebugOptions::new(&args.image);
    options.process =
        config::process(&args.process, words.collect()).map_err(|e| e.context(refused))?;
    options.cap_add = args.cap_add;
    options.copy = args.copy;
    options.network = args.net;
    options.quiet = args.quiet;
    // A signal ends the session and removes what it made; on a TTY, Ctrl-C
    // is a key for the shell.
    let wiring = config::Wiring::resolve(&args.session, false, docker_config)?;
    // A recording that cannot be written stops dpty before anything is made.
    wiring.check_record()?;

    // Its requests, the shell's stream, the helper's watchdog and the wait
    // for the container's end.
    let client = dpty::Client::connect_with(engine, 4).await?;
    // A mistyped name or an option that does not fit the target must not
    // cost a pull of the toolbox first.
    let before_pull = options.check(&client, &container);
    let ensuring = ensure_toolbox(&client, &args.image, args.pull, args.quiet, before_pull);
    let toolbox = tokio::select! {
        present = ensuring => present,
        signal = signals.interrupted() => return Ok(dpty::SessionEnd::Signalled(signal)),
    };
    toolbox.map_err(|e| e.context(refused))?;

    // As exec -i: stdin always goes through, with its end; a TTY only on a
    // terminal.
    let tty = local.stdin && local.stdout;
    let session = dpty::Session::debug(container, options)
        .tty(tty)
        .stdin(true);
    Ok(wiring.apply(session, signals).run(&client).await?)
}

/// Makes the toolbox present as the pull policy says; `before_pull` has
/// to succeed before a pull is started.
async fn ensure_toolbox(
    client: &dpty::Client,
    image: &str,
    policy: PullPolicy,
    quiet: bool,
    before_pull: impl std::future::Future<Output = dpty::Result<()>>,
) -> anyhow::Result<()> {
    let progress = || pull::Progress::choose(quiet);
    if policy == PullPolicy::Always {
        before_pull.await?;
        return pull::pull(client, image, None, progress()).await;
    }
    if client.has_image(image).await? {
        return Ok(());
    }
    if policy == PullPolicy::Never {
        anyhow::bail!(
            "the toolbox image '{image}' is not present and --pull=never forbids pulling it"
        );
    }
    before_pull.await?;
    if !quiet {
        eprintln!("Unable to find image '{image}' locally");
    }
    pull::pull(client, image, None, progress()).await
}

/// `--gc`: one line per container and image removed.
async fn gc(client: &dpty::Client) -> anyhow::Result<dpty::SessionEnd> {
    let removed = client.remove_debug_leftovers().await?;
    for id in &removed.containers {
        println!("removed container {id}");
    }
    for id in &removed.images {
        println!("removed image {id}");
    }
    Ok(dpty::SessionEnd::Exited(0))
}
