//! Pulling the image `run` needs, against a real registry on loopback that
//! `scripts/registry.sh` starts (and leaves running for the rest of the
//! suite): plain status lines when stderr is a pipe, progress on a terminal
//! that is left as it was found, silence with `-q`, `--pull never` refusing a
//! missing image, `--pull always` pulling a present one, and 125 when a pull
//! fails. Every image is pushed fresh with a layer of its own, so that a pull
//! really downloads and extracts something; each test removes what it made.

mod support;

use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use support::{
    assert_success, code, describe, docker, escape, is_docker, run_bin, run_command, unique_name,
    ContainerGuard, Pty, TIMEOUT,
};

/// Installing the registry package on a fresh machine takes a while.
const REGISTRY_TIMEOUT: Duration = Duration::from_secs(300);

/// The registry's address; starts it through `scripts/registry.sh up` once
/// per test binary (the script is idempotent and takes a lock, so other
/// callers are fine too).
fn registry() -> &'static str {
    static ADDR: OnceLock<String> = OnceLock::new();
    ADDR.get_or_init(|| {
        let mut command = Command::new("bash");
        command
            .arg("scripts/registry.sh")
            .arg("up")
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        let out = run_command(command, None, REGISTRY_TIMEOUT);
        assert!(
            out.status.success(),
            "scripts/registry.sh up failed: {}",
            describe(&out)
        );
        let port = std::env::var("DPTY_REGISTRY_PORT").unwrap_or_else(|_| "5000".into());
        format!("127.0.0.1:{port}")
    })
}

/// An image pushed to the registry under a tag of its own; removed from the
/// engine and from the registry when dropped.
struct Pushed {
    /// `127.0.0.1:PORT/dpty-test/busybox:TAG`
    reference: String,
    /// The short id the engine shows for the image's own layer.
    layer: String,
    /// The manifest's digest in the registry, by which it is deleted there.
    digest: String,
}

impl Pushed {
    /// Builds busybox plus a layer of random bytes, pushes it, and removes it
    /// from the engine again unless `keep_local`.
    fn new(test: &str, keep_local: bool) -> Pushed {
        let reference = format!("{}/dpty-test/busybox:{}", registry(), unique_name(test));
        let builder = ContainerGuard(unique_name(&format!("{test}-build")));
        let out = docker(&[
            "run",
            "--name",
            builder.name(),
            "--network",
            "none",
            "busybox",
            "sh",
            "-c",
            "head -c 2000000 /dev/urandom >/blob",
        ]);
        assert_success("making the image's layer", &out);
        let out = commit(builder.name(), &reference);
        drop(builder);
        assert_success("committing the image", &out);
        // From here on, dropping it cleans up after a failure too.
        let mut pushed = Pushed {
            reference,
            layer: String::new(),
            digest: String::new(),
        };
        assert_success("pushing the image", &docker(&["push", &pushed.reference]));
        (pushed.layer, pushed.digest) = manifest(&pushed.reference);
        if !keep_local {
            assert_success(
                "removing the local image",
                &docker(&["rmi", &pushed.reference]),
            );
        }
        pushed
    }
}

impl Drop for Pushed {
    fn drop(&mut self) {
        let _ = docker(&["rmi", "-f", &self.reference]);
        if self.digest.is_empty() {
            return;
        }
        let (name, _) = self.reference.rsplit_once(':').unwrap();
        let path = name.split_once('/').unwrap().1;
        let mut delete = Command::new("curl");
        delete.args([
            "-s",
            "--max-time",
            "10",
            "-X",
            "DELETE",
            &format!("http://{}/v2/{path}/manifests/{}", registry(), self.digest),
        ]);
        let _ = run_command(delete, None, TIMEOUT);
    }
}

// --- engine-agnostic: Podman 4.3 (added for scripts/podman.sh runs) ---------------------------
/// `docker commit CONTAINER REFERENCE`. Podman 4.3's compat API refuses the docker CLI's commit
/// request, which has no body, with "Decode(): EOF"; then the same request is sent with an empty JSON
/// object as its body, which both engines accept.
fn commit(container: &str, reference: &str) -> Output {
    let out = docker(&["commit", container, reference]);
    if out.status.success() || !String::from_utf8_lossy(&out.stderr).contains("Decode(): EOF") {
        return out;
    }
    let host = support::docker_host();
    let Some(socket) = host.strip_prefix("unix://") else {
        return out;
    };
    let (repo, tag) = reference.rsplit_once(':').unwrap();
    let mut post = Command::new("curl");
    post.args([
        "-sS",
        "--fail",
        "--max-time",
        "30",
        "--unix-socket",
        socket,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        "{}",
        &format!("http://d/v1.41/commit?container={container}&repo={repo}&tag={tag}"),
    ]);
    run_command(post, None, TIMEOUT)
}
// --- end engine-agnostic ----------------------------------------------------------------------

/// The short id the engine shows while pulling the last layer of
/// `reference` (that of its compressed blob, not the one a push shows), and
/// the manifest's digest, as the registry has them.
fn manifest(reference: &str) -> (String, String) {
    let (name, tag) = reference.rsplit_once(':').unwrap();
    let path = name.split_once('/').unwrap().1;
    let mut get = Command::new("curl");
    get.args([
        "-sSf",
        "--max-time",
        "10",
        "-D",
        "/dev/stderr",
        "-H",
        "Accept: application/vnd.docker.distribution.manifest.v2+json",
        &format!("http://{}/v2/{path}/manifests/{tag}", registry()),
    ]);
    let out = run_command(get, None, TIMEOUT);
    assert_success("reading the manifest", &out);
    let manifest: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("the manifest is not JSON ({e}): {}", describe(&out)));
    let layer = manifest["layers"]
        .as_array()
        .and_then(|layers| layers.last())
        .and_then(|layer| layer["digest"].as_str())
        .and_then(|digest| digest.strip_prefix("sha256:"))
        .unwrap_or_else(|| panic!("no layers in the manifest: {}", describe(&out)))[..12]
        .to_owned();
    let digest = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.eq_ignore_ascii_case("docker-content-digest")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no digest header: {}", describe(&out)));
    (layer, digest)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// --- engine-agnostic: Podman (added for scripts/podman.sh runs) -------------------------------
// The pull messages are the engine's: Podman 4.3 ends a layer with "Download complete" (never "Pull
// complete"), sends no "Digest:"/"Status:" lines, and says "manifest unknown" for a missing tag.
fn layer_done() -> &'static str {
    if support::is_podman() {
        "Download complete"
    } else {
        "Pull complete"
    }
}

fn not_found() -> &'static str {
    if support::is_podman() {
        "manifest unknown"
    } else {
        "not found"
    }
}
// --- end engine-agnostic ----------------------------------------------------------------------

#[test]
fn a_missing_image_is_pulled_with_plain_lines_on_a_pipe() {
    let image = Pushed::new("pull-pipe", false);
    let out = run_bin(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            &image.reference,
            "echo",
            "ok",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"ok\n", "{}", describe(&out));
    let err = stderr(&out);
    for line in [
        format!("Unable to find image '{}' locally\n", image.reference),
        format!("{}: {}\n", image.layer, layer_done()),
        format!("Status: Downloaded newer image for {}\n", image.reference),
    ] {
        // engine-agnostic: Podman sends no "Status:" line.
        if support::is_podman() && line.starts_with("Status:") {
            continue;
        }
        assert!(err.contains(&line), "no {line:?} in: {}", describe(&out));
    }
    assert!(
        !err.contains('\x1b'),
        "escape codes on a pipe: {}",
        describe(&out)
    );
    // One line per status change, none per progress tick.
    assert!(!err.contains("Downloading"), "{}", describe(&out));
    assert!(!err.contains("Extracting"), "{}", describe(&out));
}

#[test]
fn a_missing_image_is_pulled_with_progress_on_a_terminal() {
    let image = Pushed::new("pull-tty", false);
    let mut pty = Pty::bin_checked(
        &[
            "run",
            "--rm",
            "--network",
            "none",
            &image.reference,
            "echo",
            "ok",
        ],
        24,
        80,
    );
    pty.expect(&image.layer, TIMEOUT);
    let progress = pty.expect(layer_done(), TIMEOUT);
    // Lines are redrawn in place, not appended one per status change.
    assert!(
        progress.contains("\x1b["),
        "no cursor movement in the progress: {}",
        escape(progress.as_bytes())
    );
    // engine-agnostic: Podman sends no "Status:" line.
    if !support::is_podman() {
        pty.expect(
            &format!("Downloaded newer image for {}", image.reference),
            TIMEOUT,
        );
    }
    pty.expect("ok", TIMEOUT);
    // `finish` also checks that the terminal settings are as they were.
    assert_eq!(pty.finish(TIMEOUT), 0);
    if !is_docker() {
        // The bars are replaced by plain final lines, each on its own line.
        let text = String::from_utf8_lossy(&pty.output()).into_owned();
        let line = format!("\r\n{}: {}\r\n", image.layer, layer_done());
        assert!(
            text.contains(&line),
            "no final {line:?} in: {}",
            escape(text.as_bytes())
        );
    }
}

#[test]
fn quiet_pulls_without_a_word() {
    let image = Pushed::new("pull-quiet", false);
    let out = run_bin(
        &[
            "run",
            "-q",
            "--rm",
            "--network",
            "none",
            &image.reference,
            "echo",
            "ok",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"ok\n", "{}", describe(&out));
    assert_eq!(out.stderr, b"", "{}", describe(&out));
}

#[test]
fn pull_never_refuses_a_missing_image() {
    let reference = format!(
        "{}/dpty-test/busybox:{}",
        registry(),
        unique_name("pull-never")
    );
    let out = run_bin(
        &[
            "run",
            "--pull",
            "never",
            "--rm",
            "--network",
            "none",
            &reference,
            "true",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 125, "{}", describe(&out));
    let err = stderr(&out);
    assert!(err.contains(&reference), "{}", describe(&out));
    // docker says only "No such image"; dpty also says why it did not pull.
    if !is_docker() {
        assert!(err.contains("never"), "{}", describe(&out));
        assert!(!err.contains("Pulling"), "{}", describe(&out));
    }
}

#[test]
fn pull_always_pulls_a_present_image() {
    let image = Pushed::new("pull-always", true);
    let out = run_bin(
        &[
            "run",
            "--pull",
            "always",
            "--rm",
            "--network",
            "none",
            &image.reference,
            "echo",
            "ok",
        ],
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"ok\n", "{}", describe(&out));
    let err = stderr(&out);
    let line = format!("Status: Image is up to date for {}\n", image.reference);
    // engine-agnostic: Podman sends no "Status:" line.
    assert!(
        support::is_podman() || err.contains(&line),
        "no {line:?} in: {}",
        describe(&out)
    );
    assert!(!err.contains("Unable to find image"), "{}", describe(&out));
}

#[test]
fn a_failed_pull_exits_125_and_leaves_the_terminal_as_it_was() {
    let reference = format!(
        "{}/dpty-test/busybox:{}",
        registry(),
        unique_name("pull-missing")
    );
    let mut pty = Pty::bin_checked(
        &["run", "--rm", "--network", "none", &reference, "true"],
        24,
        80,
    );
    pty.expect(not_found(), TIMEOUT);
    assert_eq!(pty.finish(TIMEOUT), 125);
    let text = String::from_utf8_lossy(&pty.output()).into_owned();
    assert!(
        text.contains("dpty-test/busybox"),
        "the error does not name the image: {}",
        escape(text.as_bytes())
    );
}
