//! Pulling an image, with progress shown the way the output is consumed, as
//! the docker CLI does: on a terminal, one line per layer with a bar for its
//! download and extraction; into a file or pipe, one plain line per status
//! change and none per progress tick; with `-q`, nothing.
//!
//! Pulls happen before a session starts, so bars are never drawn while the
//! terminal is in raw mode. They are always taken down before `pull` returns,
//! on success, error or cancellation alike: the bars are cleared and replaced
//! by each line's final text, so the terminal is left with plain lines and the
//! cursor at the start of a fresh one.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context as _;
use bollard::models::CreateImageInfo;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::{Stream, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config;
use crate::exit_code::{self, Coded};
use dpty::Client;

/// How pull progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A line per layer, with bars, redrawn in place on stderr.
    Bars,
    /// One line per status change, on stderr.
    Lines,
    /// Nothing at all.
    Quiet,
}

impl Progress {
    /// Bars when stderr is a terminal that can move its cursor, else lines;
    /// nothing with `-q`.
    pub fn choose(quiet: bool) -> Self {
        // SAFETY: isatty only inspects the descriptor number it is given.
        let terminal = unsafe { libc::isatty(libc::STDERR_FILENO) } == 1;
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        Self::for_stderr(quiet, terminal, dumb)
    }

    fn for_stderr(quiet: bool, terminal: bool, dumb: bool) -> Self {
        match (quiet, terminal && !dumb) {
            (true, _) => Progress::Quiet,
            (false, true) => Progress::Bars,
            (false, false) => Progress::Lines,
        }
    }
}

/// Pulls `image`; a failure exits 125, as with the docker CLI.
pub async fn pull(
    client: &Client,
    image: &str,
    platform: Option<&str>,
    progress: Progress,
) -> anyhow::Result<()> {
    let (name, tag) = config::image_name_and_tag(image);
    let mut options = CreateImageOptionsBuilder::default()
        .from_image(&name)
        .tag(&tag);
    if let Some(platform) = platform {
        options = options.platform(platform);
    }
    let options = options.build();
    let stream = client.api().create_image(Some(options), None, None);
    let mut display = Display::new(progress, std::io::stderr());
    let result = follow(stream, &mut display).await;
    // Dropping `display` would do this too (it does on cancellation); done
    // here so that the bars are gone before the caller prints anything.
    display.finish();
    result.with_context(|| format!("pulling {image}"))
}

/// Shows each message of the pull stream until it ends or reports an error.
async fn follow(
    stream: impl Stream<Item = Result<CreateImageInfo, bollard::errors::Error>>,
    display: &mut Display<impl Write>,
) -> anyhow::Result<()> {
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        // The engine's words, as the docker CLI gives them, not bollard's.
        let info = item
            .map_err(dpty::Error::from)
            .context(Coded(exit_code::Status::EngineRefused))?;
        if let Some(detail) = info.error_detail.as_ref().and_then(|d| d.message.as_ref()) {
            return Err(
                anyhow::anyhow!("{detail}").context(Coded(exit_code::Status::EngineRefused))
            );
        }
        if let Some(update) = Update::of(&info) {
            display.show(update);
        }
    }
    Ok(())
}

/// One message of the engine's pull stream, as far as showing it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update<'a> {
    /// A new status for the line `id` (a layer, or the tag being pulled), or
    /// a line of its own without one ("Digest: ...", "Status: ...").
    Status {
        id: Option<&'a str>,
        status: &'a str,
    },
    /// Bytes done so far in a layer's current step ("Downloading",
    /// "Extracting"); `total` when the engine knows it.
    Tick {
        id: &'a str,
        status: &'a str,
        current: u64,
        total: Option<u64>,
    },
}

impl<'a> Update<'a> {
    fn of(info: &'a CreateImageInfo) -> Option<Self> {
        let status = info.status.as_deref()?;
        let id = info.id.as_deref();
        let detail = info.progress_detail.as_ref();
        match (id, detail.and_then(|d| d.current)) {
            (id, None) => Some(Update::Status { id, status }),
            (Some(id), Some(current)) => Some(Update::Tick {
                id,
                status,
                current: u64::try_from(current).unwrap_or(0),
                total: detail
                    .and_then(|d| d.total)
                    .and_then(|t| u64::try_from(t).ok())
                    .filter(|&t| t > 0),
            }),
            // Progress that belongs to no line: nothing sensible to draw.
            (None, Some(_)) => None,
        }
    }
}

/// Where pull progress goes; `W` is stderr except in tests.
enum Display<W: Write> {
    Quiet,
    Lines(W),
    Bars(Box<Bars<W>>),
}

impl<W: Write> Display<W> {
    fn new(progress: Progress, out: W) -> Self {
        match progress {
            Progress::Quiet => Display::Quiet,
            Progress::Lines => Display::Lines(out),
            Progress::Bars => Display::Bars(Box::new(Bars::new(ProgressDrawTarget::stderr(), out))),
        }
    }

    fn show(&mut self, update: Update<'_>) {
        match self {
            Display::Quiet => {}
            // A line per status change; progress ticks would flood a log.
            // Write errors are ignored: losing progress output must not fail
            // the pull.
            Display::Lines(out) => {
                let _ = match update {
                    Update::Status {
                        id: Some(id),
                        status,
                    } => writeln!(out, "{id}: {status}"),
                    Update::Status { id: None, status } => writeln!(out, "{status}"),
                    Update::Tick { .. } => Ok(()),
                };
            }
            Display::Bars(bars) => bars.show(update),
        }
    }

    /// Takes the bars down, leaving their final text; idempotent.
    fn finish(&mut self) {
        if let Display::Bars(bars) = self {
            bars.finish();
        }
    }
}

/// Per-layer bars in a `MultiProgress`, in the order their ids first appear.
struct Bars<W: Write> {
    multi: MultiProgress,
    styles: Styles,
    /// Every line shown so far, with the text it ends with when taken down.
    lines: Vec<Line>,
    /// Index into `lines` of each id's line.
    by_id: HashMap<String, usize>,
    /// Receives the final text of every line once the bars are cleared.
    out: W,
    finished: bool,
}

struct Line {
    id: Option<String>,
    status: String,
    bar: ProgressBar,
}

impl Line {
    fn text(&self) -> String {
        match &self.id {
            Some(id) => format!("{id}: {}", self.status),
            None => self.status.clone(),
        }
    }
}

/// The looks of a line, made once: templates are parsed when made.
struct Styles {
    /// A line without an id: "Digest: ...".
    text: ProgressStyle,
    /// A layer's status: "c067b5a2fe7c: Pull complete".
    status: ProgressStyle,
    /// A step with a known size, with docker's decimal units.
    bar: ProgressStyle,
    /// A step of unknown size.
    bytes: ProgressStyle,
}

impl Styles {
    fn new() -> Self {
        let style = |template| {
            ProgressStyle::with_template(template)
                .expect("the pull progress templates are valid")
                .progress_chars("=> ")
        };
        Styles {
            text: style("{msg}"),
            status: style("{prefix}: {msg}"),
            bar: style("{prefix}: {msg:<11} [{wide_bar}] {decimal_bytes}/{decimal_total_bytes}"),
            bytes: style("{prefix}: {msg:<11} {decimal_bytes}"),
        }
    }
}

/// Statuses after which the engine says nothing more about a layer.
const FINAL_STATUSES: [&str; 2] = ["Pull complete", "Already exists"];

impl<W: Write> Bars<W> {
    fn new(target: ProgressDrawTarget, out: W) -> Self {
        Bars {
            multi: MultiProgress::with_draw_target(target),
            styles: Styles::new(),
            lines: Vec::new(),
            by_id: HashMap::new(),
            out,
            finished: false,
        }
    }

    // Setting a style never draws, and every other setter may (at most 20
    // times a second): the style goes first, so that no line is ever drawn
    // with the old style and the new contents or the other way round.
    fn show(&mut self, update: Update<'_>) {
        match update {
            Update::Status { id: None, status } => {
                let bar = self
                    .multi
                    .add(ProgressBar::no_length().with_style(self.styles.text.clone()));
                bar.finish_with_message(status.to_owned());
                self.lines.push(Line {
                    id: None,
                    status: status.to_owned(),
                    bar,
                });
            }
            Update::Status {
                id: Some(id),
                status,
            } => {
                let style = self.styles.status.clone();
                let line = self.line(id);
                line.status = status.to_owned();
                line.bar.set_style(style);
                if FINAL_STATUSES.contains(&status) {
                    line.bar.finish_with_message(status.to_owned());
                } else {
                    line.bar.set_message(status.to_owned());
                }
            }
            Update::Tick {
                id,
                status,
                current,
                total,
            } => {
                let status_style = self.styles.status.clone();
                let progress_style = match total {
                    Some(_) => self.styles.bar.clone(),
                    None => self.styles.bytes.clone(),
                };
                let line = self.line(id);
                if line.status != status {
                    line.status = status.to_owned();
                    line.bar.set_style(status_style);
                    line.bar.set_message(status.to_owned());
                }
                line.bar.set_style(progress_style);
                line.bar.update(|state| {
                    if let Some(total) = total {
                        state.set_len(total);
                    }
                    state.set_pos(current);
                });
            }
        }
    }

    /// The line for `id`, added below the others the first time it is seen.
    fn line(&mut self, id: &str) -> &mut Line {
        let index = match self.by_id.get(id) {
            Some(&index) => index,
            None => {
                let bar = ProgressBar::no_length()
                    .with_style(self.styles.status.clone())
                    .with_prefix(id.to_owned());
                self.lines.push(Line {
                    id: Some(id.to_owned()),
                    status: String::new(),
                    bar: self.multi.add(bar),
                });
                self.by_id.insert(id.to_owned(), self.lines.len() - 1);
                self.lines.len() - 1
            }
        };
        &mut self.lines[index]
    }

    /// Clears the bars and prints every line's final text in their place.
    /// Bars are drawn only up to the terminal's height, and a bar mid-way
    /// says nothing useful once the pull is over; plain lines say it all.
    fn finish(&mut self) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let _ = self.multi.clear();
        // Unfinished bars draw once more when dropped; let that go nowhere.
        self.multi.set_draw_target(ProgressDrawTarget::hidden());
        for line in &self.lines {
            line.bar.abandon();
            let _ = writeln!(self.out, "{}", line.text());
        }
        let _ = self.out.flush();
    }
}

impl<W: Write> Drop for Bars<W> {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What dockerd 20.10 sent for a pull of an image with one layer already
    /// present and one new 3 MB layer, from a registry on 127.0.0.1:5000.
    const STREAM: &str = r#"
{"status":"Pulling from dpty-test/busybox","id":"probe2"}
{"status":"Already exists","progressDetail":{},"id":"ceb7234c9461"}
{"status":"Pulling fs layer","progressDetail":{},"id":"c067b5a2fe7c"}
{"status":"Downloading","progressDetail":{"current":32768,"total":3001131},"progress":"[>   ]  32.77kB/3.001MB","id":"c067b5a2fe7c"}
{"status":"Verifying Checksum","progressDetail":{},"id":"c067b5a2fe7c"}
{"status":"Download complete","progressDetail":{},"id":"c067b5a2fe7c"}
{"status":"Extracting","progressDetail":{"current":32768,"total":3001131},"progress":"[>   ]  32.77kB/3.001MB","id":"c067b5a2fe7c"}
{"status":"Extracting","progressDetail":{"current":3001131,"total":3001131},"progress":"[===>]  3.001MB/3.001MB","id":"c067b5a2fe7c"}
{"status":"Pull complete","progressDetail":{},"id":"c067b5a2fe7c"}
{"status":"Digest: sha256:3b778675cc6e829ee893addada39e5afc994f2fa8091d1da21fdd09daf2a7b2f"}
{"status":"Status: Downloaded newer image for 127.0.0.1:5000/dpty-test/busybox:probe2"}
"#;

    /// What the docker CLI printed for that stream with stderr on a pipe.
    const DOCKER_LINES: &str = "\
probe2: Pulling from dpty-test/busybox
ceb7234c9461: Already exists
c067b5a2fe7c: Pulling fs layer
c067b5a2fe7c: Verifying Checksum
c067b5a2fe7c: Download complete
c067b5a2fe7c: Pull complete
Digest: sha256:3b778675cc6e829ee893addada39e5afc994f2fa8091d1da21fdd09daf2a7b2f
Status: Downloaded newer image for 127.0.0.1:5000/dpty-test/busybox:probe2
";

    fn messages() -> Vec<CreateImageInfo> {
        STREAM
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn show_all(display: &mut Display<&mut Vec<u8>>) {
        for info in messages() {
            if let Some(update) = Update::of(&info) {
                display.show(update);
            }
        }
    }

    #[test]
    fn choice_follows_quiet_then_the_terminal() {
        assert_eq!(Progress::for_stderr(true, true, false), Progress::Quiet);
        assert_eq!(Progress::for_stderr(true, false, false), Progress::Quiet);
        assert_eq!(Progress::for_stderr(false, true, false), Progress::Bars);
        assert_eq!(Progress::for_stderr(false, false, false), Progress::Lines);
        // A terminal that cannot move its cursor gets lines.
        assert_eq!(Progress::for_stderr(false, true, true), Progress::Lines);
    }

    #[test]
    fn ticks_and_status_changes_are_told_apart() {
        let updates: Vec<CreateImageInfo> = messages();
        assert_eq!(
            Update::of(&updates[0]),
            Some(Update::Status {
                id: Some("probe2"),
                status: "Pulling from dpty-test/busybox"
            })
        );
        assert_eq!(
            Update::of(&updates[3]),
            Some(Update::Tick {
                id: "c067b5a2fe7c",
                status: "Downloading",
                current: 32768,
                total: Some(3001131)
            })
        );
        assert!(matches!(
            Update::of(&updates[9]),
            Some(Update::Status { id: None, .. })
        ));
        let unknown_total: CreateImageInfo = serde_json::from_str(
            r#"{"status":"Downloading","progressDetail":{"current":5,"total":-1},"id":"x"}"#,
        )
        .unwrap();
        assert!(matches!(
            Update::of(&unknown_total),
            Some(Update::Tick { total: None, .. })
        ));
        assert_eq!(Update::of(&CreateImageInfo::default()), None);
    }

    #[test]
    fn lines_match_the_docker_cli_on_a_pipe() {
        let mut out = Vec::new();
        let mut display = Display::Lines(&mut out);
        show_all(&mut display);
        display.finish();
        drop(display);
        assert_eq!(String::from_utf8(out).unwrap(), DOCKER_LINES);
    }

    #[test]
    fn quiet_shows_nothing() {
        let mut out = Vec::new();
        let mut display = Display::new(Progress::Quiet, &mut out);
        show_all(&mut display);
        display.finish();
        drop(display);
        assert!(out.is_empty());
    }

    #[test]
    fn bars_end_as_one_final_line_per_layer() {
        let mut out = Vec::new();
        let mut display =
            Display::Bars(Box::new(Bars::new(ProgressDrawTarget::hidden(), &mut out)));
        show_all(&mut display);
        if let Display::Bars(bars) = &display {
            let layer = &bars.lines[bars.by_id["c067b5a2fe7c"]];
            assert_eq!(layer.bar.length(), Some(3001131));
            assert_eq!(layer.bar.position(), 3001131);
            assert!(layer.bar.is_finished(), "Pull complete finishes the bar");
        }
        display.finish();
        display.finish();
        drop(display);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\
probe2: Pulling from dpty-test/busybox
ceb7234c9461: Already exists
c067b5a2fe7c: Pull complete
Digest: sha256:3b778675cc6e829ee893addada39e5afc994f2fa8091d1da21fdd09daf2a7b2f
Status: Downloaded newer image for 127.0.0.1:5000/dpty-test/busybox:probe2
"
        );
    }

    #[test]
    fn bars_cut_short_still_leave_their_last_status() {
        let mut out = Vec::new();
        {
            let mut display =
                Display::Bars(Box::new(Bars::new(ProgressDrawTarget::hidden(), &mut out)));
            for info in messages().iter().take(4) {
                display.show(Update::of(info).unwrap());
            }
            // Dropped without `finish`, as when the pull fails or is cancelled.
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\
probe2: Pulling from dpty-test/busybox
ceb7234c9461: Already exists
c067b5a2fe7c: Downloading
"
        );
    }
}
