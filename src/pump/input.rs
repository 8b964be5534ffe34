//! Local input to the connection: what is typed or piped goes to the
//! process's stdin, through the detach-key watch on a TTY and the recorder's
//! tap, and its end half-closes the connection so the process sees its
//! stdin end. Used by the select loop, and by splice where the kernel cannot
//! move the bytes itself.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::keys::Detector;
use super::record::Tap;

/// Big enough that a fast stream costs few system calls, small enough that
/// memory stays flat whatever the peer sends; for output too.
pub(super) const BUFFER_SIZE: usize = 128 * 1024;

/// How the input ended.
pub(super) enum InputEnd {
    Eof,
    Detached,
}

/// Copies local stdin to the connection; at EOF half-closes the connection
/// so the process in the container sees its stdin end.
pub(super) async fn pump_input<I, W>(
    stdin: Option<I>,
    mut conn: W,
    mut detector: Option<Detector>,
    tap: Option<Tap>,
) -> io::Result<InputEnd>
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let Some(mut stdin) = stdin else {
        // Nothing to forward: keep the write side open and idle.
        return std::future::pending().await;
    };
    let mut buf = vec![0u8; BUFFER_SIZE];
    let mut keys_out = Vec::new();
    loop {
        let n = match stdin.read(&mut buf).await {
            Ok(n) => n,
            // A terminal that went away reads as EIO: treat it as the end.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            conn.shutdown().await?;
            return Ok(InputEnd::Eof);
        }
        if let Some(tap) = &tap {
            tap.input(&buf[..n]);
        }
        let Some(detector) = detector.as_mut() else {
            conn.write_all(&buf[..n]).await?;
            continue;
        };
        keys_out.clear();
        let detached = detector.feed(&buf[..n], &mut keys_out);
        conn.write_all(&keys_out).await?;
        if detached {
            return Ok(InputEnd::Detached);
        }
    }
}
