//! TLS for real: a private dockerd listening on 127.0.0.1 with certificates
//! this test generates, `--tlsverify` on both sides, and dpty connecting
//! with a client certificate. Run, exec and stdin EOF must all work over
//! TLS, and an engine signed by another CA must be refused clearly.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{code, describe, run_command, wait_for, TIMEOUT};

/// A private TLS engine, stopped (by its recorded pid) when dropped.
struct TlsEngine {
    dir: PathBuf,
    certs: PathBuf,
    address: String,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", describe(&out));
}

/// A CA, and a certificate it signs for `name` (with `san` as its subject
/// alternative names, or a client certificate when `san` is None).
fn make_ca(dir: &Path, ca: &str) {
    openssl(dir, &["genrsa", "-out", &format!("{ca}-key.pem"), "2048"]);
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            &format!("{ca}-key.pem"),
            "-days",
            "2",
            "-subj",
            &format!("/CN={ca}"),
            "-out",
            &format!("{ca}.pem"),
        ],
    );
}

fn make_cert(dir: &Path, ca: &str, name: &str, ext: &str) {
    openssl(dir, &["genrsa", "-out", &format!("{name}-key.pem"), "2048"]);
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &format!("{name}-key.pem"),
            "-subj",
            &format!("/CN={name}"),
            "-out",
            &format!("{name}.csr"),
        ],
    );
    std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}-key.pem"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn engine_script(dir: &Path, args: &str, command: &str) -> std::process::Output {
    Command::new("bash")
        .arg(repo().join("scripts/engine.sh"))
        .arg(command)
        .env("DPTY_ENGINE_DIR", dir)
        .env("DPTY_ENGINE_ARGS", args)
        .output()
        .expect("run scripts/engine.sh")
}

impl TlsEngine {
    fn start() -> Self {
        let base = std::env::temp_dir().join(format!("dpty-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let certs = base.join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        make_ca(&certs, "ca");
        make_ca(&certs, "other-ca");
        make_cert(
            &certs,
            "ca",
            "server",
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        );
        make_cert(&certs, "ca", "client", "extendedKeyUsage=clientAuth\n");
        let port = free_port();
        let address = format!("tcp://127.0.0.1:{port}");
        let c = |f: &str| certs.join(f).display().to_string();
        let args = format!(
            "--host {address} --tlsverify --tlscacert {} --tlscert {} --tlskey {}",
            c("ca.pem"),
            c("server.pem"),
            c("server-key.pem")
        );
        let dir = base.join("engine");
        let out = engine_script(&dir, &args, "up");
        let engine = TlsEngine {
            dir,
            certs,
            address,
        };
        assert!(
            out.status.success(),
            "starting the TLS engine: {}",
            describe(&out)
        );
        engine
    }

    /// A dpty command pointed at this engine with the given CA.
    fn dpty(&self, ca: &str, args: &[&str]) -> Command {
        let mut command = Command::new(support::bin());
        command
            .args(["--tlsverify", "--tlscacert"])
            .arg(self.certs.join(ca))
            .arg("--tlscert")
            .arg(self.certs.join("client.pem"))
            .arg("--tlskey")
            .arg(self.certs.join("client-key.pem"))
            .args(args)
            .env("DOCKER_HOST", &self.address)
            .env_remove("DOCKER_TLS_VERIFY")
            .env_remove("DOCKER_CERT_PATH");
        command
    }
}

impl Drop for TlsEngine {
    fn drop(&mut self) {
        let out = engine_script(&self.dir, "", "down");
        if !out.status.success() {
            eprintln!("stopping the TLS engine: {}", describe(&out));
        }
        let _ = std::fs::remove_dir_all(self.dir.parent().unwrap());
    }
}

#[test]
fn run_exec_and_stdin_eof_work_over_tls_and_a_wrong_ca_is_refused() {
    if support::skip_under_docker("uses dpty's flag order for the TLS options") {
        return;
    }
    let engine = TlsEngine::start();

    let out = run_command(
        engine.dpty("ca.pem", &["run", "--rm", "busybox", "echo", "over-tls"]),
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(out.stdout, b"over-tls\n");

    // stdin EOF must reach the container through close_notify and half-close.
    let data: Vec<u8> = (0..1_048_576u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let out = run_command(
        engine.dpty("ca.pem", &["run", "--rm", "-i", "busybox", "wc", "-c"]),
        Some(&data),
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1048576");

    // A long-running container to exec into, started through dpty itself.
    let runner = format!("dpty-tls-exec-{}", std::process::id());
    let mut background = engine.dpty(
        "ca.pem",
        &["run", "--rm", "--name", &runner, "busybox", "sleep", "60"],
    );
    background
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    let mut child = background.spawn().unwrap();
    wait_for("the exec target's start", TIMEOUT, || {
        let out = run_command(
            engine.dpty("ca.pem", &["exec", &runner, "true"]),
            None,
            TIMEOUT,
        );
        code(&out) == 0
    });
    let out = run_command(
        engine.dpty("ca.pem", &["exec", "-i", &runner, "md5sum"]),
        Some(&data),
        TIMEOUT,
    );
    assert_eq!(code(&out), 0, "{}", describe(&out));
    let local = run_command(Command::new("md5sum"), Some(&data), TIMEOUT);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next(),
        String::from_utf8_lossy(&local.stdout)
            .split_whitespace()
            .next()
    );
    let out = run_command(
        engine.dpty("ca.pem", &["exec", &runner, "sh", "-c", "exit 9"]),
        None,
        TIMEOUT,
    );
    assert_eq!(code(&out), 9, "{}", describe(&out));

    // An engine whose certificate another CA signed is refused, clearly.
    let out = run_command(
        engine.dpty("other-ca.pem", &["run", "--rm", "busybox", "true"]),
        None,
        TIMEOUT,
    );
    assert_ne!(code(&out), 0, "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&engine.address), "{stderr}");
    assert!(stderr.to_lowercase().contains("certificate"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    let _ = child.kill();
    let _ = child.wait();
}
