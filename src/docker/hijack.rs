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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use hyper::header::HOST;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{UnixListener, UnixStream};
    use tokio::task::JoinHandle;

    use super::super::connect::Endpoint;
    use super::*;

    /// An engine's socket under the temporary directory, removed when dropped.
    struct Socket(PathBuf);

    impl Socket {
        fn new() -> Socket {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!("dpty-hijack-{}-{n}.sock", std::process::id());
            let path = std::env::temp_dir().join(name);
            let _ = std::fs::remove_file(&path);
            Socket(path)
        }
    }

    impl Drop for Socket {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// A fake engine on `socket` that reads one request head and sends `answer` in one write,
    /// so that whatever follows the answer's headers arrives together with them. It hands back
    /// its end of the connection and the head it read.
    fn engine(socket: &Socket, answer: &'static [u8]) -> JoinHandle<(UnixStream, String)> {
        let listener = UnixListener::bind(&socket.0).expect("binding the fake engine's socket");
        tokio::spawn(async move {
            let (mut conn, _) = listener.accept().await.expect("accepting the client");
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let byte = conn.read_u8().await.expect("reading the request head");
                head.push(byte);
            }
            conn.write_all(answer).await.expect("answering");
            (conn, String::from_utf8(head).expect("a text head"))
        })
    }

    async fn attach(socket: &Socket) -> Result<Hijacked, HijackError> {
        let transport = Transport::new(Endpoint::Unix(socket.0.clone()), None).unwrap();
        let request = Request::post("/v1.41/containers/c/attach?stream=1&stdin=1&stdout=1")
            .header(HOST, "docker")
            .body(Full::new(Bytes::new()))
            .unwrap();
        hijack(&transport, request).await
    }

    #[tokio::test]
    async fn a_101_answer_gives_the_connection_back_with_the_bytes_that_came_with_it() {
        let socket = Socket::new();
        let engine = engine(
            &socket,
            b"HTTP/1.1 101 UPGRADED\r\n\
              Content-Type: application/vnd.docker.raw-stream\r\n\
              Connection: Upgrade\r\n\
              Upgrade: tcp\r\n\
              \r\n\
              first output",
        );
        let mut hijacked = attach(&socket).await.expect("the upgrade");
        let (mut engine_end, head) = engine.await.unwrap();
        let head = head.to_ascii_lowercase();
        assert!(head.contains("\r\nconnection: upgrade\r\n"), "{head}");
        assert!(head.contains("\r\nupgrade: tcp\r\n"), "{head}");
        assert_eq!(hijacked.buffered, "first output");

        // What follows is the raw stream, both ways, with nothing of HTTP in between.
        engine_end.write_all(b"more output").await.unwrap();
        let mut read = [0; 11];
        hijacked.conn.read_exact(&mut read).await.unwrap();
        assert_eq!(&read, b"more output");
        hijacked.conn.write_all(b"typed").await.unwrap();
        hijacked.conn.shutdown().await.unwrap();
        let mut typed = Vec::new();
        engine_end.read_to_end(&mut typed).await.unwrap();
        assert_eq!(typed, b"typed");
    }

    #[tokio::test]
    async fn an_error_answer_is_the_engines_error_with_its_status_and_message() {
        let socket = Socket::new();
        let _engine = engine(
            &socket,
            b"HTTP/1.1 404 Not Found\r\n\
              Content-Type: application/json\r\n\
              Content-Length: 35\r\n\
              \r\n\
              {\"message\":\"No such container: c\"}\n",
        );
        match attach(&socket).await {
            Err(HijackError::Api(error)) => assert_eq!(
                error,
                ApiError {
                    status: 404,
                    message: "No such container: c".into()
                }
            ),
            other => panic!("not the engine's error: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_success_that_is_no_upgrade_is_an_error_too() {
        let socket = Socket::new();
        let _engine = engine(&socket, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        match attach(&socket).await {
            Err(HijackError::Api(error)) => assert_eq!(
                error,
                ApiError {
                    status: 200,
                    message: "the engine did not upgrade the connection (status 200 OK)".into()
                }
            ),
            other => panic!("not an error of the engine's answer: {other:?}"),
        }
    }
}
