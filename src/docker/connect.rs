//! Where the engine is and how to open a connection to it.
//!
//! Every request dpty makes, through bollard or its own, goes over a
//! connection opened here, so the REST calls and the hijacked attach streams
//! always share one transport. Local sockets get a fresh connection per
//! request; ssh connections, which are costly to open, are kept for reuse.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use std::sync::Arc;

use anyhow::bail;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::ssh::{SshConn, SshPool, SshSpec};
use super::tls::{self, TlsOptions};

/// The socket the docker CLI uses when nothing else is configured.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
const DEFAULT_TCP_PORT: u16 = 2375;
const DEFAULT_TLS_PORT: u16 = 2376;

/// An engine address, as given to `-H` or `DOCKER_HOST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp {
        host: String,
        port: u16,
    },
    /// Through the system's `ssh`, running `docker system dial-stdio` there.
    Ssh(SshSpec),
}

impl Endpoint {
    pub fn parse(address: &str) -> anyhow::Result<Self> {
        Self::parse_with_port(address, DEFAULT_TCP_PORT)
            .map_err(|e| crate::error::mark(e, crate::error::ErrorKind::InvalidAddress))
    }

    /// As `parse`, for an engine reached over TLS (default port 2376).
    pub fn parse_tls(address: &str) -> anyhow::Result<Self> {
        Self::parse_with_port(address, DEFAULT_TLS_PORT)
            .map_err(|e| crate::error::mark(e, crate::error::ErrorKind::InvalidAddress))
    }

    fn parse_with_port(address: &str, default_port: u16) -> anyhow::Result<Self> {
        if let Some(path) = address.strip_prefix("unix://") {
            if path.is_empty() {
                bail!("engine address '{address}' has no socket path");
            }
            return Ok(Endpoint::Unix(PathBuf::from(path)));
        }
        if address.starts_with("ssh://") {
            return Ok(Endpoint::Ssh(SshSpec::parse(address)?));
        }
        let rest = address
            .strip_prefix("tcp://")
            .or_else(|| address.strip_prefix("http://"));
        let Some(rest) = rest else {
            bail!("unsupported engine address '{address}': use unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host");
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.strip_prefix('[') {
            // [v6-address] or [v6-address]:port
            Some(bracketed) => match bracketed.split_once(']') {
                Some((host, "")) => (host, None),
                Some((host, port)) => (host, Some(port.strip_prefix(':').unwrap_or(port))),
                None => bail!("engine address '{address}' has an unclosed '['"),
            },
            None => match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            },
        };
        let port = match port {
            Some(port) => port
                .parse()
                .map_err(|_| anyhow::anyhow!("engine address '{address}' has an invalid port"))?,
            None => default_port,
        };
        if host.is_empty() {
            bail!("engine address '{address}' has no host");
        }
        let host = host.to_owned();
        Ok(Endpoint::Tcp { host, port })
    }

    /// The `Host` header for requests to this endpoint.
    pub fn host_header(&self) -> String {
        match self {
            Endpoint::Unix(_) | Endpoint::Ssh(_) => "docker".to_owned(),
            Endpoint::Tcp { host, port } => format!("{host}:{port}"),
        }
    }
}

/// An endpoint plus how to secure connections to it.
#[derive(Clone)]
pub struct Transport {
    pub endpoint: Endpoint,
    /// TLS settings; only ever set for TCP endpoints.
    tls: Option<Arc<rustls::ClientConfig>>,
    /// Open connections kept for reuse; only for ssh endpoints.
    pub(super) ssh_pool: Option<Arc<SshPool>>,
}

impl Transport {
    pub fn new(endpoint: Endpoint, tls: Option<&TlsOptions>) -> anyhow::Result<Self> {
        let tls = match (&endpoint, tls) {
            (Endpoint::Tcp { .. }, Some(options)) => Some(tls::client_config(options)?),
            _ => None,
        };
        let ssh_pool = matches!(endpoint, Endpoint::Ssh(_)).then(Arc::default);
        Ok(Transport {
            endpoint,
            tls,
            ssh_pool,
        })
    }

    pub async fn connect(&self) -> io::Result<Connection> {
        match &self.endpoint {
            Endpoint::Unix(path) => UnixStream::connect(path).await.map(Connection::Unix),
            Endpoint::Tcp { host, port } => {
                let stream = TcpStream::connect((host.as_str(), *port)).await?;
                // Keystrokes are tiny writes that must not wait for Nagle.
                stream.set_nodelay(true)?;
                let Some(config) = &self.tls else {
                    return Ok(Connection::Tcp(stream));
                };
                let name = ServerName::try_from(host.clone())
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
                let tls = TlsConnector::from(config.clone())
                    .connect(name, stream)
                    .await
                    .map_err(|e| io::Error::new(e.kind(), format!("TLS handshake failed: {e}")))?;
                Ok(Connection::Tls(Box::new(tls)))
            }
            Endpoint::Ssh(spec) => SshConn::spawn(spec).map(Connection::Ssh),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            Endpoint::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Endpoint::Ssh(spec) => spec.fmt(f),
        }
    }
}

/// An open connection to the engine.
#[derive(Debug)]
pub enum Connection {
    Unix(UnixStream),
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Ssh(SshConn),
}

impl crate::basics::RawSocket for Connection {
    fn raw_socket(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        match self {
            Connection::Unix(s) => Some(s.as_raw_fd()),
            Connection::Tcp(s) => Some(s.as_raw_fd()),
            // Splicing into ssh's stdin would keep a duplicate of the pipe
            // open, and ssh would never see stdin end.
            Connection::Tls(_) | Connection::Ssh(_) => None,
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Unix(s) => Pin::new(s).poll_read(cx, buf),
            Connection::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Connection::Tls(s) => Pin::new(s).poll_read(cx, buf),
            Connection::Ssh(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Unix(s) => Pin::new(s).poll_write(cx, buf),
            Connection::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Connection::Tls(s) => Pin::new(s).poll_write(cx, buf),
            Connection::Ssh(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Unix(s) => Pin::new(s).poll_flush(cx),
            Connection::Tcp(s) => Pin::new(s).poll_flush(cx),
            Connection::Tls(s) => Pin::new(s).poll_flush(cx),
            Connection::Ssh(s) => Pin::new(s).poll_flush(cx),
        }
    }

    /// Closes only the write side: the engine sees stdin end, output goes on.
    /// Over TLS this sends close_notify, then shuts the TCP write side; over
    /// ssh it closes ssh's stdin.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Unix(s) => Pin::new(s).poll_shutdown(cx),
            Connection::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Connection::Tls(s) => Pin::new(s).poll_shutdown(cx),
            Connection::Ssh(s) => Pin::new(s).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Connection::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Connection::Tls(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Connection::Ssh(s) => Pin::new(s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_unix_addresses() {
        assert_eq!(
            Endpoint::parse("unix:///run/docker.sock").unwrap(),
            Endpoint::Unix("/run/docker.sock".into())
        );
        assert!(Endpoint::parse("unix://").is_err());
    }

    #[test]
    fn parses_tcp_addresses_with_default_port() {
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:2376").unwrap(),
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 2376
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://localhost").unwrap(),
            Endpoint::Tcp {
                host: "localhost".into(),
                port: 2375
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://[::1]:2375").unwrap(),
            Endpoint::Tcp {
                host: "::1".into(),
                port: 2375
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://[::1]").unwrap(),
            Endpoint::Tcp {
                host: "::1".into(),
                port: 2375
            }
        );
    }

    #[test]
    fn parses_ssh_addresses_even_with_tls_flags() {
        let expected = Endpoint::Ssh(SshSpec {
            user: Some("me".into()),
            host: "host".into(),
            port: None,
            path: None,
            options: Vec::new(),
        });
        assert_eq!(Endpoint::parse("ssh://me@host").unwrap(), expected);
        assert_eq!(Endpoint::parse_tls("ssh://me@host").unwrap(), expected);
        assert!(Endpoint::parse("ssh://me:secret@host").is_err());
    }

    #[test]
    fn tls_endpoints_default_to_port_2376() {
        assert_eq!(
            Endpoint::parse_tls("tcp://127.0.0.1").unwrap(),
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 2376
            }
        );
    }

    #[test]
    fn refuses_unknown_schemes_with_a_hint() {
        let err = crate::error::Error::from(Endpoint::parse("fd://3").unwrap_err()).to_string();
        assert!(err.contains("unix://"), "{err}");
        assert!(err.contains("ssh://"), "{err}");
        assert!(Endpoint::parse("tcp://host:notaport").is_err());
    }

    #[test]
    fn displays_as_given() {
        for address in [
            "unix:///tmp/d.sock",
            "tcp://127.0.0.1:2375",
            "tcp://[::1]:2375",
            "ssh://me@host:2222/run/docker.sock",
        ] {
            assert_eq!(Endpoint::parse(address).unwrap().to_string(), address);
        }
    }
}
