//! Which engine to talk to: an address given, or the docker CLI's choice
//! from flags, the environment and its contexts.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{context, Endpoint, TlsOptions, Transport, DEFAULT_SOCKET};
use crate::error::Result;

/// An engine to connect to: where it is, and how the connection is secured.
///
/// ```
/// let engine = dpty::Engine::parse("unix:///var/run/docker.sock")?;
/// assert_eq!(engine.to_string(), "unix:///var/run/docker.sock");
/// let engine = dpty::Engine::parse("tcp://127.0.0.1")?;
/// assert_eq!(engine.to_string(), "tcp://127.0.0.1:2375");
/// # Ok::<(), dpty::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    pub(crate) endpoint: Endpoint,
    pub(crate) tls: Option<TlsOptions>,
}

/// The engine flags of the docker CLI (`-H`, `--context`, `--tls*`), which
/// [`Engine::choose`] weighs against the environment.
///
/// ```
/// let flags = dpty::EngineFlags {
///     host: Some("unix:///run/my.sock".into()),
///     ..Default::default()
/// };
/// let engine = dpty::Engine::choose(&flags)?;
/// assert_eq!(engine.to_string(), "unix:///run/my.sock");
/// # Ok::<(), dpty::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineFlags {
    /// `-H`/`--host`: the engine's address.
    pub host: Option<String>,
    /// `--context`: a docker context by name.
    pub context: Option<String>,
    /// `--tls`: TLS without verifying the engine.
    pub tls: bool,
    /// `--tlsverify`: TLS, verifying the engine.
    pub tlsverify: bool,
    /// `--tlscacert`: the CA that signed the engine's certificate.
    pub tlscacert: Option<PathBuf>,
    /// `--tlscert`: the client certificate.
    pub tlscert: Option<PathBuf>,
    /// `--tlskey`: the client certificate's key.
    pub tlskey: Option<PathBuf>,
}

impl Engine {
    /// The engine at `address`: `unix://PATH`, `tcp://HOST[:PORT]` or
    /// `ssh://[USER@]HOST[:PORT]`, without TLS.
    pub fn parse(address: &str) -> Result<Engine> {
        let endpoint = Endpoint::parse(address)?;
        Ok(Engine {
            endpoint,
            tls: None,
        })
    }

    /// The engine the docker CLI would use with no flags: `DOCKER_HOST`
    /// (with `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`), else
    /// `DOCKER_CONTEXT` or the current context, else the default socket,
    /// else Podman's.
    ///
    /// ```no_run
    /// # async fn demo() -> dpty::Result<()> {
    /// let client = dpty::Client::connect(&dpty::Engine::from_env()?).await?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Engine> {
        Engine::choose(&EngineFlags::default())
    }

    /// The engine the docker CLI would use with these flags, in its order:
    /// `--context` or `-H`, then `DOCKER_HOST`, then `DOCKER_CONTEXT` or the
    /// current context, then the default socket; when that does not exist,
    /// Podman's sockets.
    pub fn choose(flags: &EngineFlags) -> Result<Engine> {
        Ok(choose(
            flags,
            |key| std::env::var(key).ok(),
            |path| path.exists(),
        )?)
    }

    /// The same engine, reached over TLS.
    ///
    /// ```
    /// let tls = dpty::TlsOptions { verify: true, ca: None, cert: None, key: None };
    /// let engine = dpty::Engine::parse("tcp://127.0.0.1")?.with_tls(tls);
    /// assert_eq!(engine.to_string(), "tcp://127.0.0.1:2375");
    /// # Ok::<(), dpty::Error>(())
    /// ```
    pub fn with_tls(mut self, tls: TlsOptions) -> Engine {
        self.tls = Some(tls);
        self
    }

    /// The engine the docker context `name` in `config_dir` points at, with
    /// the context's own TLS files if it has any.
    pub(crate) fn in_context(config_dir: &Path, name: &str) -> anyhow::Result<Engine> {
        in_context(config_dir, name, &|path: &Path| path.exists(), || None)
    }

    /// The way to the engine. TLS files that cannot be used make the address
    /// unusable as given, as an unknown scheme does: the docker CLI refuses
    /// both before it connects.
    pub(crate) fn transport(&self) -> anyhow::Result<Transport> {
        Transport::new(self.endpoint.clone(), self.tls.as_ref())
            .map_err(|e| crate::error::mark(e, crate::error::ErrorKind::InvalidAddress))
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.endpoint.fmt(f)
    }
}

/// Chooses the engine in the docker CLI's order: `--context` or `-H`, then
/// `DOCKER_HOST`, then `DOCKER_CONTEXT` or the current context, then the
/// default socket; when that does not exist, Podman's sockets.
pub(crate) fn choose(
    cli: &EngineFlags,
    env: impl Fn(&str) -> Option<String>,
    exists: impl Fn(&Path) -> bool,
) -> anyhow::Result<Engine> {
    let env = |key: &str| env(key).filter(|v| !v.is_empty());
    if cli.host.is_some() && cli.context.is_some() {
        bail!("conflicting options: give either -H/--host or --context, not both");
    }
    let config_dir = context::config_dir(env);
    let host = match &cli.context {
        Some(_) => None,
        None => cli.host.clone().or_else(|| env("DOCKER_HOST")),
    };
    if let Some(host) = host {
        let tls = tls_from_flags(cli, &env, &config_dir, &exists);
        let endpoint = match tls {
            Some(_) => Endpoint::parse_tls(&host)?,
            None => Endpoint::parse(&host)?,
        };
        return Ok(Engine { endpoint, tls });
    }
    let name = cli
        .context
        .clone()
        .or_else(|| env("DOCKER_CONTEXT"))
        .or_else(|| context::current(&config_dir));
    if let Some(name) = name.filter(|n| n != "default") {
        let flags_tls = || tls_from_flags(cli, &env, &config_dir, &exists);
        return in_context(&config_dir, &name, &exists, flags_tls);
    }
    let mut candidates = vec![PathBuf::from(DEFAULT_SOCKET)];
    if let Some(runtime_dir) = env("XDG_RUNTIME_DIR") {
        candidates.push(Path::new(&runtime_dir).join("podman/podman.sock"));
    }
    candidates.push(PathBuf::from("/run/podman/podman.sock"));
    let socket = candidates
        .iter()
        .find(|p| exists(p))
        .unwrap_or(&candidates[0])
        .clone();
    Ok(Engine {
        endpoint: Endpoint::Unix(socket),
        tls: None,
    })
}

/// The engine the docker context `name` points at: TLS with the context's
/// own files when it has some, else `tls` (the flags', for the context the
/// docker CLI would use; none for a context that names a swarm node).
pub(crate) fn in_context(
    config_dir: &Path,
    name: &str,
    exists: &impl Fn(&Path) -> bool,
    tls: impl FnOnce() -> Option<TlsOptions>,
) -> anyhow::Result<Engine> {
    let found = context::load(config_dir, name)?;
    let tls = match &found.tls_dir {
        Some(dir) => Some(TlsOptions {
            verify: !found.skip_tls_verify,
            ca: Some(dir.join("ca.pem")).filter(|p| exists(p)),
            cert: Some(dir.join("cert.pem")).filter(|p| exists(p)),
            key: Some(dir.join("key.pem")).filter(|p| exists(p)),
        }),
        None => tls(),
    };
    let endpoint = Endpoint::parse(&found.host).with_context(|| format!("in context '{name}'"))?;
    Ok(Engine { endpoint, tls })
}

/// TLS as the flags and `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH` ask for it.
fn tls_from_flags(
    cli: &EngineFlags,
    env: &impl Fn(&str) -> Option<String>,
    config_dir: &Path,
    exists: &impl Fn(&Path) -> bool,
) -> Option<TlsOptions> {
    let verify = cli.tlsverify || env("DOCKER_TLS_VERIFY").is_some();
    if !(cli.tls || verify) {
        return None;
    }
    let cert_dir = env("DOCKER_CERT_PATH").map_or_else(|| config_dir.to_owned(), PathBuf::from);
    let pick = |given: &Option<PathBuf>, file: &str| {
        given
            .clone()
            .or_else(|| Some(cert_dir.join(file)).filter(|p| exists(p)))
    };
    Some(TlsOptions {
        verify,
        ca: pick(&cli.tlscacert, "ca.pem"),
        cert: pick(&cli.tlscert, "cert.pem"),
        key: pick(&cli.tlskey, "key.pem"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags as `dpty ARGS exec ...` would give them (the few these
    /// tests use; cli/ checks that the command line fills them in).
    fn cli(args: &[&str]) -> EngineFlags {
        let mut flags = EngineFlags::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().map(|v| (*v).to_owned());
            match *arg {
                "-H" => flags.host = value(),
                "--context" => flags.context = value(),
                "--tlscacert" => flags.tlscacert = value().map(PathBuf::from),
                other => panic!("no such flag in these tests: {other}"),
            }
        }
        flags
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn engine_defaults_to_the_docker_socket_then_podman() {
        let all = |_: &Path| true;
        let none = |_: &Path| false;
        let podman_only = |p: &Path| p == Path::new("/run/user/0/podman/podman.sock");
        let runtime = |k: &str| (k == "XDG_RUNTIME_DIR").then(|| "/run/user/0".to_owned());
        let found = |env, exists| choose(&cli(&[]), env, exists).unwrap().endpoint.to_string();
        assert_eq!(
            found(
                &no_env as &dyn Fn(&str) -> Option<String>,
                &all as &dyn Fn(&Path) -> bool
            ),
            "unix:///var/run/docker.sock"
        );
        assert_eq!(
            found(&runtime, &podman_only),
            "unix:///run/user/0/podman/podman.sock"
        );
        // Nothing exists: name the docker socket in the error that follows.
        assert_eq!(found(&no_env, &none), "unix:///var/run/docker.sock");
    }

    #[test]
    fn host_flag_beats_docker_host() {
        let env = |k: &str| (k == "DOCKER_HOST").then(|| "tcp://127.0.0.1:1".to_owned());
        let choice = choose(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:1");
        let choice = choose(&cli(&["-H", "unix:///x.sock"]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "unix:///x.sock");
        assert!(choose(&cli(&["-H", "unix:///x", "--context", "c"]), env, |_| true).is_err());
    }

    #[test]
    fn tlsverify_uses_the_cert_path_and_port_2376() {
        let env = |k: &str| match k {
            "DOCKER_HOST" => Some("tcp://127.0.0.1".to_owned()),
            "DOCKER_TLS_VERIFY" => Some("1".to_owned()),
            "DOCKER_CERT_PATH" => Some("/certs".to_owned()),
            _ => None,
        };
        let choice = choose(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:2376");
        let tls = choice.tls.unwrap();
        assert!(tls.verify);
        assert_eq!(tls.ca, Some(PathBuf::from("/certs/ca.pem")));
        assert_eq!(tls.key, Some(PathBuf::from("/certs/key.pem")));
        let choice = choose(&cli(&["--tlscacert", "/other/ca.pem"]), env, |_| true).unwrap();
        assert_eq!(choice.tls.unwrap().ca, Some(PathBuf::from("/other/ca.pem")));
    }

    #[test]
    fn plain_tcp_has_no_tls() {
        let env = |k: &str| (k == "DOCKER_HOST").then(|| "tcp://127.0.0.1".to_owned());
        let choice = choose(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "tcp://127.0.0.1:2375");
        assert_eq!(choice.tls, None);
    }

    #[test]
    fn an_empty_docker_host_is_unset() {
        let env = |k: &str| (k == "DOCKER_HOST").then(String::new);
        let choice = choose(&cli(&[]), env, |_| true).unwrap();
        assert_eq!(choice.endpoint.to_string(), "unix:///var/run/docker.sock");
    }
}
