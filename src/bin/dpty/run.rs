//! `dpty run`: create the container (pulling its image when the engine
//! lacks it), then start it joined to this terminal through the library's
//! [`dpty::Session::start`], which attaches and registers the exit wait
//! before the start, so neither the first byte nor the exit can be missed.
//! `--rm` is honoured here, in one place, whatever way the run ends.

use anyhow::Context as _;
use tracing::info;

use crate::cli::PullPolicy;
use crate::config::{StreamMode, Wiring};
use crate::exit_code::{self, Coded};
use crate::opts::Container;
use crate::pull;

/// Everything `run` needs, resolved from the command line.
#[derive(Debug)]
pub struct RunConfig {
    pub mode: StreamMode,
    /// The create request, built from docker run's options.
    pub container: Container,
    pub image: String,
    pub remove: bool,
    pub pull: PullPolicy,
    /// Print nothing while pulling.
    pub quiet: bool,
    /// Detach keys, recording, signals.
    pub wiring: Wiring,
}

/// How `run` ended, for the exit status.
pub enum Ran {
    /// The container was started detached, or its session ended.
    Session(dpty::SessionEnd),
    /// Nothing was made: a signal stopped the set-up.
    Interrupted(i32),
}

pub async fn run(
    client: &dpty::Client,
    config: RunConfig,
    signals: &mut dpty::SignalSource,
) -> anyhow::Result<Ran> {
    // The id file is made before anything else, so a path that exists or
    // cannot be written stops dpty before a container does; it is removed
    // again unless an id went into it, as with the docker CLI.
    let mut cidfile = match &config.container.cidfile {
        Some(path) => Some(CidFile::create(path).context(Coded(exit_code::Status::EngineRefused))?),
        None => None,
    };
    // A recording that cannot be written stops dpty before anything is made
    // too; the session makes it again from the start.
    config.wiring.check_record()?;
    // Until the session takes over signals, an interrupt stops the set-up
    // and cleans up what was made, instead of killing dpty half way.
    let sent = std::cell::Cell::new(false);
    let creating = create(client, &config, &sent);
    tokio::pin!(creating);
    let id = tokio::select! {
        created = &mut creating => created?,
        signal = signals.interrupted() => {
            // A create the engine has been sent may make the container all
            // the same: its answer is awaited (a second interrupt stops even
            // that), so that --rm leaves nothing behind. A pull is simply
            // abandoned.
            if sent.get() && config.remove {
                tokio::select! {
                    created = &mut creating => {
                        if let Ok(id) = created {
                            remove(client, &id).await;
                        }
                    }
                    _ = signals.interrupted() => {}
                }
            }
            return Ok(Ran::Interrupted(signal));
        }
    };
    info!(%id, "container created");
    if let Some(file) = cidfile.as_mut() {
        file.write(&id)
            .context(Coded(exit_code::Status::EngineRefused))?;
    }
    let attach = config.container.attach;
    if !attach.any() {
        // `-d`, or nothing attached: the id comes first, so a script has it
        // even when the start fails (the status then says why).
        println!("{id}");
        tokio::select! {
            started = client.start_container(&id) => started?,
            signal = signals.interrupted() => {
                // Whether the start took is unknown: --rm still holds.
                if config.remove {
                    remove(client, &id).await;
                }
                return Ok(Ran::Interrupted(signal));
            }
        }
        return Ok(Ran::Session(dpty::SessionEnd::Exited(0)));
    }
    let session = dpty::Session::start(&id)
        .tty(config.mode.tty)
        // `-a stdin` attaches stdin even without -i, as with docker.
        .stdin(attach.stdin)
        .outputs(dpty::Outputs {
            stdout: attach.stdout,
            stderr: attach.stderr,
        });
    let ended = config
        .wiring
        .clone()
        .apply(session, signals)
        .run(client)
        .await;
    // What --rm asks for happens whatever the way out, but for a detach
    // (the container goes on) and an exit (the engine removes it).
    let removed_by_engine = matches!(
        ended,
        Ok(dpty::SessionEnd::Exited(_) | dpty::SessionEnd::Detached)
    );
    if config.remove && !removed_by_engine {
        remove(client, &id).await;
    }
    Ok(Ran::Session(ended?))
}

/// Creates the container, pulling the image first if the engine lacks it.
/// `sent` is set while a create request is out, whose answer may name a
/// container even if nobody waits for it.
async fn create(
    client: &dpty::Client,
    config: &RunConfig,
    sent: &std::cell::Cell<bool>,
) -> anyhow::Result<String> {
    let container = &config.container;
    let platform = container.platform.as_deref();
    let progress = || pull::Progress::choose(config.quiet);
    if config.pull == PullPolicy::Always {
        pull::pull(client, &config.image, platform, progress()).await?;
    }
    let send = || async {
        sent.set(true);
        let created = client
            .create_container(
                container.body.clone(),
                container.name.as_deref(),
                container.platform_query.as_deref(),
            )
            .await;
        sent.set(false);
        created
    };
    match send().await {
        Ok(created) => Ok(created_id(created)),
        Err(error) if error.status() == Some(404) => {
            if config.pull == PullPolicy::Never {
                return Err(anyhow::Error::new(error).context(format!(
                    "image '{}' is not present and --pull=never forbids pulling it",
                    config.image
                )));
            }
            if !config.quiet {
                eprintln!("Unable to find image '{}' locally", config.image);
            }
            pull::pull(client, &config.image, platform, progress()).await?;
            Ok(created_id(send().await?))
        }
        Err(error) => Err(error.into()),
    }
}

/// The new container's id, after passing on the engine's warnings about it
/// (e.g. that networking will not work), as the docker CLI does.
fn created_id(created: dpty::Created) -> String {
    for warning in &created.warnings {
        eprintln!("WARNING: {warning}");
    }
    created.id
}

/// `--cidfile`: made before the container, holding its id once it exists,
/// and removed on drop while it holds none.
struct CidFile {
    path: std::path::PathBuf,
    file: std::fs::File,
    written: bool,
}

impl CidFile {
    fn create(path: &std::path::Path) -> anyhow::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                    "container ID file found, make sure the other container isn't running or delete {}",
                    path.display()
                ),
                _ => anyhow::Error::new(error)
                    .context(format!("creating the container ID file {}", path.display())),
            })?;
        Ok(CidFile {
            path: path.to_owned(),
            file,
            written: false,
        })
    }

    fn write(&mut self, id: &str) -> anyhow::Result<()> {
        use std::io::Write as _;
        self.file
            .write_all(id.as_bytes())
            .with_context(|| format!("writing the container ID file {}", self.path.display()))?;
        self.written = true;
        Ok(())
    }
}

impl Drop for CidFile {
    fn drop(&mut self) {
        if !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Best-effort removal; the engine may be removing it already.
async fn remove(client: &dpty::Client, id: &str) {
    if let Err(error) = client.remove_container(id).await {
        tracing::debug!(%error, "removing the container failed");
    }
}
