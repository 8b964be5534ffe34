//! Pulling an image, with progress shown the way the output is consumed: the
//! engine's status lines on stderr, or nothing with `-q`.

use anyhow::Context as _;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::StreamExt;

use crate::config;
use crate::docker::Client;
use crate::exit_code::{self, Coded};

/// How pull progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// One line per status change, on stderr.
    Lines,
    /// Nothing at all.
    Quiet,
}

impl Progress {
    pub fn choose(quiet: bool) -> Self {
        match quiet {
            true => Progress::Quiet,
            false => Progress::Lines,
        }
    }
}

/// Pulls `image`; a failure exits 125, as with the docker CLI.
pub async fn pull(client: &Client, image: &str, progress: Progress) -> anyhow::Result<()> {
    let (name, tag) = config::image_name_and_tag(image);
    let options = CreateImageOptionsBuilder::default()
        .from_image(&name)
        .tag(&tag)
        .build();
    let mut stream = client.api().create_image(Some(options), None, None);
    while let Some(item) = stream.next().await {
        let info = item
            .map_err(Client::error)
            .with_context(|| format!("pulling {image}"))
            .context(Coded(exit_code::ENGINE_REFUSED))?;
        if let Some(detail) = info.error_detail.and_then(|d| d.message) {
            return Err(anyhow::anyhow!("pulling {image}: {detail}")
                .context(Coded(exit_code::ENGINE_REFUSED)));
        }
        if progress == Progress::Quiet || info.progress_detail.is_some_and(|p| p.current.is_some())
        {
            continue;
        }
        match (info.id, info.status) {
            (Some(id), Some(status)) => eprintln!("{id}: {status}"),
            (None, Some(status)) => eprintln!("{status}"),
            _ => {}
        }
    }
    Ok(())
}
