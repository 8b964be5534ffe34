//! The HTTP/1.1 upgrade that turns an attach or exec-start request into a
//! raw byte stream both ways.
//!
//! hyper performs the exchange; once the engine answers `101`, we take the
//! connection back out of hyper together with any bytes it had already read
//! past the response headers, so the session reads and half-closes the
//! socket itself with nothing in between.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONNECTION, UPGRADE};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tracing::debug;

use super::connect::{Connection, Transport};
use super::{error_from_response, send, ApiError, SendError};

/// A connection taken over from HTTP.
#[derive(Debug)]
pub struct Hijacked {
    pub conn: Connection,
    /// Stream bytes that arrived together with the response headers.
    pub buffered: Bytes,
}

#[derive(Debug)]
pub(super) enum HijackError {
    Send(SendError),
    Api(ApiError),
    Upgrade(hyper::Error),
}

pub(super) async fn hijack(
    transport: &Transport,
    mut request: Request<Full<Bytes>>,
) -> Result<Hijacked, HijackError> {
    let headers = request.headers_mut();
    headers.insert(CONNECTION, "Upgrade".parse().expect("static header"));
    headers.insert(UPGRADE, "tcp".parse().expect("static header"));
    let response = send(transport, request).await.map_err(HijackError::Send)?;
    let status = response.status();
    if status != StatusCode::SWITCHING_PROTOCOLS {
        let mut error = error_from_response(response).await;
        if status.is_success() {
            error.message = format!("the engine did not upgrade the connection (status {status})");
        }
        return Err(HijackError::Api(error));
    }
    debug!(content_type = ?response.headers().get("content-type"), "connection upgraded");
    let upgraded = hyper::upgrade::on(response)
        .await
        .map_err(HijackError::Upgrade)?;
    match upgraded.downcast::<TokioIo<Connection>>() {
        Ok(parts) => Ok(Hijacked {
            conn: parts.io.into_inner(),
            buffered: parts.read_buf,
        }),
        Err(_) => unreachable!("the upgraded connection is the one we opened"),
    }
}
