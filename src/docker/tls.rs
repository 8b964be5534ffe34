//! TLS to a remote engine, configured the way the docker CLI is: a CA to
//! verify the engine (`--tlsverify`, `DOCKER_TLS_VERIFY`), a client
//! certificate and key for the engine to verify us, or `--tls` alone for an
//! encrypted but unverified connection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// TLS settings, as the docker CLI takes them from flags, the environment
/// or a context.
///
/// ```
/// let tls = dpty::TlsOptions {
///     verify: true,
///     ca: Some("/certs/ca.pem".into()),
///     cert: Some("/certs/cert.pem".into()),
///     key: Some("/certs/key.pem".into()),
/// };
/// let engine = dpty::Engine::parse("tcp://127.0.0.1:2376")?.with_tls(tls);
/// # let _ = engine; Ok::<(), dpty::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Verify the engine's certificate against `ca`.
    pub verify: bool,
    /// The CA certificate (PEM) that signed the engine's.
    pub ca: Option<PathBuf>,
    /// The client certificate (PEM) the engine may ask for.
    pub cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    pub key: Option<PathBuf>,
}

/// Builds the rustls client configuration for these options.
pub fn client_config(options: &TlsOptions) -> anyhow::Result<Arc<ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("setting up TLS")?;
    let builder = if options.verify {
        let Some(ca) = &options.ca else {
            bail!("TLS verification needs a CA certificate: give --tlscacert or put ca.pem in DOCKER_CERT_PATH");
        };
        let mut roots = RootCertStore::empty();
        for cert in read_certs(ca)? {
            roots
                .add(cert)
                .with_context(|| format!("using CA certificate {}", ca.display()))?;
        }
        builder.with_root_certificates(roots)
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServer(provider)))
    };
    let config = match (&options.cert, &options.key) {
        (Some(cert), Some(key)) => {
            let chain = read_certs(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .with_context(|| format!("reading TLS key {}", key.display()))?;
            builder
                .with_client_auth_cert(chain, key)
                .context("using the TLS client certificate")?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => bail!("a TLS client certificate needs both --tlscert and --tlskey"),
    };
    Ok(Arc::new(config))
}

fn read_certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading certificates from {}", path.display()))?;
    if certs.is_empty() {
        bail!("no certificate found in {}", path.display());
    }
    Ok(certs)
}

/// `--tls` without `--tlsverify`: encrypted, but any server certificate is
/// accepted, exactly as the docker CLI does. Signatures are still checked,
/// so the handshake is a real one.
#[derive(Debug)]
struct AcceptAnyServer(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_without_a_ca_is_refused_with_a_hint() {
        let options = TlsOptions {
            verify: true,
            ca: None,
            cert: None,
            key: None,
        };
        let error = client_config(&options).unwrap_err().to_string();
        assert!(error.contains("--tlscacert"), "{error}");
    }

    #[test]
    fn a_certificate_without_its_key_is_refused() {
        let options = TlsOptions {
            verify: false,
            ca: None,
            cert: Some("/nonexistent/cert.pem".into()),
            key: None,
        };
        let error = client_config(&options).unwrap_err().to_string();
        assert!(error.contains("--tlskey"), "{error}");
    }

    #[test]
    fn unverified_tls_needs_no_files() {
        let options = TlsOptions {
            verify: false,
            ca: None,
            cert: None,
            key: None,
        };
        assert!(client_config(&options).is_ok());
    }

    #[test]
    fn missing_ca_file_is_named() {
        let options = TlsOptions {
            verify: true,
            ca: Some("/nonexistent/ca.pem".into()),
            cert: None,
            key: None,
        };
        let error = format!("{:#}", client_config(&options).unwrap_err());
        assert!(error.contains("/nonexistent/ca.pem"), "{error}");
    }
}
