//! Docker CLI contexts: named engines kept in the docker config directory
//! (`DOCKER_CONFIG`, default `~/.docker`), so that `docker context use`
//! choices apply to dpty too.
//!
//! A context's metadata lives in `contexts/meta/<sha256 of its name>/meta.json`
//! and its TLS files, if any, in `contexts/tls/<same hash>/docker/`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The engine a context points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContextEndpoint {
    pub host: String,
    pub skip_tls_verify: bool,
    /// Directory holding ca.pem, cert.pem and key.pem, when the context has one.
    pub tls_dir: Option<PathBuf>,
}

/// The docker config directory: `DOCKER_CONFIG`, else `~/.docker`; `env`
/// looks up environment variables.
///
/// ```
/// let dir = dpty::docker_config::config_dir(|key| (key == "HOME").then(|| "/home/me".into()));
/// assert_eq!(dir, std::path::Path::new("/home/me/.docker"));
/// ```
pub fn config_dir(env: impl Fn(&str) -> Option<String>) -> PathBuf {
    match env("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env("HOME").unwrap_or_else(|| "/root".to_owned())).join(".docker"),
    }
}

/// The settings dpty takes from the docker CLI's `config.json`.
#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: String,
    #[serde(rename = "detachKeys", default)]
    detach_keys: String,
    /// Proxy settings for containers, by engine address or `default`.
    #[serde(default)]
    proxies: std::collections::HashMap<String, Proxies>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Proxies {
    #[serde(default)]
    http_proxy: String,
    #[serde(default)]
    https_proxy: String,
    #[serde(default)]
    no_proxy: String,
    #[serde(default)]
    ftp_proxy: String,
    #[serde(default)]
    all_proxy: String,
}

/// The config file, or nothing when it is missing or unreadable, as the
/// docker CLI then goes on with defaults.
fn config_file(config_dir: &Path) -> ConfigFile {
    let Ok(text) = std::fs::read_to_string(config_dir.join("config.json")) else {
        return ConfigFile::default();
    };
    serde_json::from_str(&text).unwrap_or_else(|error| {
        tracing::debug!(%error, "ignoring an unreadable docker config file");
        ConfigFile::default()
    })
}

/// The context `docker context use` selected, if any.
pub(crate) fn current(config_dir: &Path) -> Option<String> {
    Some(config_file(config_dir).current_context).filter(|c| !c.is_empty())
}

/// The detach keys set in the config file (`detachKeys`), if any.
///
/// ```
/// let dir = std::path::Path::new("/nonexistent");
/// assert_eq!(dpty::docker_config::detach_keys(dir), None);
/// ```
pub fn detach_keys(config_dir: &Path) -> Option<String> {
    Some(config_file(config_dir).detach_keys).filter(|k| !k.is_empty())
}

/// The proxy variables the config file sets for containers of the engine at
/// `host` (or its `default` entry), in upper and lower case, as the docker
/// CLI adds them to every new container's environment.
///
/// ```
/// let dir = std::path::Path::new("/nonexistent");
/// assert!(dpty::docker_config::proxy_env(dir, "unix:///var/run/docker.sock").is_empty());
/// ```
pub fn proxy_env(config_dir: &Path, host: &str) -> Vec<(String, String)> {
    let mut proxies = config_file(config_dir).proxies;
    let chosen = proxies
        .remove(host)
        .or_else(|| proxies.remove("default"))
        .unwrap_or_default();
    let mut env = Vec::new();
    for (name, value) in [
        ("HTTP_PROXY", chosen.http_proxy),
        ("HTTPS_PROXY", chosen.https_proxy),
        ("NO_PROXY", chosen.no_proxy),
        ("FTP_PROXY", chosen.ftp_proxy),
        ("ALL_PROXY", chosen.all_proxy),
    ] {
        if !value.is_empty() {
            env.push((name.to_owned(), value.clone()));
            env.push((name.to_ascii_lowercase(), value));
        }
    }
    env
}

/// Whether a context of that name exists, as the docker CLI would find it.
pub(crate) fn exists(config_dir: &Path, name: &str) -> bool {
    meta_path(config_dir, name).is_file()
}

/// Where the docker CLI keeps the named context's metadata: under the
/// sha256 of its name.
fn meta_path(config_dir: &Path, name: &str) -> PathBuf {
    let id = format!("{:x}", Sha256::digest(name.as_bytes()));
    config_dir
        .join("contexts")
        .join("meta")
        .join(id)
        .join("meta.json")
}

/// Reads the named context's docker endpoint.
pub(crate) fn load(config_dir: &Path, name: &str) -> anyhow::Result<ContextEndpoint> {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(rename = "Endpoints", default)]
        endpoints: std::collections::HashMap<String, Endpoint>,
    }
    #[derive(Deserialize)]
    struct Endpoint {
        #[serde(rename = "Host", default)]
        host: String,
        #[serde(rename = "SkipTLSVerify", default)]
        skip_tls_verify: bool,
    }
    let id = format!("{:x}", Sha256::digest(name.as_bytes()));
    let meta_path = meta_path(config_dir, name);
    let text = match std::fs::read_to_string(&meta_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!(
                "context '{name}' does not exist (looked in {})",
                config_dir.display()
            )
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", meta_path.display())),
    };
    let meta: Meta =
        serde_json::from_str(&text).with_context(|| format!("reading {}", meta_path.display()))?;
    let Some(endpoint) = meta.endpoints.get("docker").filter(|e| !e.host.is_empty()) else {
        bail!("context '{name}' has no docker endpoint");
    };
    let tls_dir = config_dir
        .join("contexts")
        .join("tls")
        .join(&id)
        .join("docker");
    Ok(ContextEndpoint {
        host: endpoint.host.clone(),
        skip_tls_verify: endpoint.skip_tls_verify,
        tls_dir: tls_dir.is_dir().then_some(tls_dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dpty-context-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn reads_a_context_the_docker_cli_wrote() {
        let dir = temp_dir("read");
        // The docker CLI names the directory by the sha256 of the name.
        let real_id = format!("{:x}", Sha256::digest(b"remote"));
        write(
            &dir.join("contexts/meta").join(&real_id).join("meta.json"),
            r#"{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:2376","SkipTLSVerify":false}}}"#,
        );
        write(
            &dir.join("contexts/tls")
                .join(&real_id)
                .join("docker/ca.pem"),
            "x",
        );
        write(
            &dir.join("config.json"),
            r#"{"auths":{},"currentContext":"remote"}"#,
        );
        assert_eq!(current(&dir).as_deref(), Some("remote"));
        assert!(exists(&dir, "remote"));
        assert!(!exists(&dir, "other"));
        let endpoint = load(&dir, "remote").unwrap();
        assert_eq!(endpoint.host, "tcp://127.0.0.1:2376");
        assert!(!endpoint.skip_tls_verify);
        assert_eq!(
            endpoint.tls_dir,
            Some(dir.join("contexts/tls").join(&real_id).join("docker"))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_context_is_named() {
        let dir = temp_dir("missing");
        let error = load(&dir, "nope").unwrap_err().to_string();
        assert!(error.contains("'nope'"), "{error}");
        assert_eq!(current(&dir), None);
    }

    #[test]
    fn config_dir_follows_docker_config() {
        let env = |k: &str| (k == "DOCKER_CONFIG").then(|| "/cfg".to_owned());
        assert_eq!(config_dir(env), PathBuf::from("/cfg"));
        let env = |k: &str| (k == "HOME").then(|| "/home/me".to_owned());
        assert_eq!(config_dir(env), PathBuf::from("/home/me/.docker"));
    }

    #[test]
    fn detach_keys_and_proxies_come_from_the_config_file() {
        let dir = temp_dir("settings");
        assert_eq!(detach_keys(&dir), None);
        assert!(proxy_env(&dir, "unix:///x.sock").is_empty());
        write(
            &dir.join("config.json"),
            r#"{"detachKeys":"ctrl-x,x","proxies":{
                 "default":{"httpProxy":"http://p:3128","noProxy":"localhost"},
                 "tcp://remote:2376":{"httpsProxy":"http://r:1"}}}"#,
        );
        assert_eq!(detach_keys(&dir).as_deref(), Some("ctrl-x,x"));
        let env = proxy_env(&dir, "unix:///x.sock");
        assert_eq!(
            env,
            [
                ("HTTP_PROXY".to_owned(), "http://p:3128".to_owned()),
                ("http_proxy".to_owned(), "http://p:3128".to_owned()),
                ("NO_PROXY".to_owned(), "localhost".to_owned()),
                ("no_proxy".to_owned(), "localhost".to_owned()),
            ]
        );
        // An entry for the engine's own address replaces the default.
        let env = proxy_env(&dir, "tcp://remote:2376");
        assert_eq!(env.len(), 2);
        assert_eq!(env[0], ("HTTPS_PROXY".to_owned(), "http://r:1".to_owned()));
        // A file that is not JSON is no file at all, as with docker.
        write(&dir.join("config.json"), "{not json");
        assert_eq!(detach_keys(&dir), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
