//! Piped stdin moved to the engine's socket with splice(2).
//!
//! Without a TTY, stdin is usually a pipe and the connection a plain socket.
//! Copying through user space then costs two copies and most of the CPU
//! dpty spends on stdin; splice moves the pipe's pages to the socket inside
//! the kernel. Used only when both ends allow it (a pipe of our own, a
//! socket without TLS, no detach keys to watch); anything else, including a
//! kernel that refuses, takes the ordinary copy path.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tracing::debug;

use super::input::{pump_input, InputEnd};
use super::stdio::StdStream;

/// How much one splice call may move.
const CHUNK: usize = 1 << 20;

/// stdin and the socket it is spliced into.
pub struct Splice {
    stdin: StdStream,
    /// Our own descriptor of the connection's socket, for write readiness.
    socket: AsyncFd<OwnedFd>,
}

impl Splice {
    /// A splice from `stdin` into the socket `socket_fd`, if stdin is a pipe.
    pub fn new(stdin: StdStream, socket_fd: RawFd) -> Result<Self, StdStream> {
        if stdin.splice_source().is_none() {
            return Err(stdin);
        }
        // SAFETY: dup only creates a new descriptor for the same socket; the
        // result is checked and then owned.
        let dup = unsafe { libc::fcntl(socket_fd, libc::F_DUPFD_CLOEXEC, 0) };
        if dup < 0 {
            return Err(stdin);
        }
        // SAFETY: dup is a fresh descriptor that nothing else owns.
        let owned = unsafe { OwnedFd::from_raw_fd(dup) };
        // Registered for what it is waited on for: write readiness. Output
        // readiness belongs to the connection's own registration.
        // SAFETY: the AsyncFd owns the descriptor for as long as it is registered.
        match unsafe { AsyncFd::register_with_interest(owned, Interest::WRITABLE) } {
            Ok(socket) => Ok(Splice { stdin, socket }),
            Err(_) => Err(stdin),
        }
    }

    /// Moves stdin into the socket until EOF, then half-closes `conn` (the
    /// same socket), as the copy path does.
    pub(super) async fn run<W: AsyncWrite + Unpin>(self, mut conn: W) -> io::Result<InputEnd> {
        let source: &AsyncFd<File> = self.stdin.splice_source().expect("checked in new");
        let from = source.get_ref().as_raw_fd();
        let to = self.socket.get_ref().as_raw_fd();
        let mut moved_any = false;
        loop {
            let mut readable = source.readable().await?;
            match splice(from, to) {
                Ok(0) => {
                    conn.shutdown().await?;
                    return Ok(InputEnd::Eof);
                }
                Ok(_) => moved_any = true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Either the pipe is empty or the socket is full.
                    if socket_full(to) {
                        let mut writable = self.socket.writable().await?;
                        writable.clear_ready();
                    } else {
                        readable.clear_ready();
                    }
                }
                Err(e) if !moved_any && unsupported(&e) => {
                    debug!(error = %e, "splice refused; copying stdin instead");
                    drop(readable);
                    return pump_input(Some(self.stdin), conn, None, None).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

fn splice(from: RawFd, to: RawFd) -> io::Result<usize> {
    let flags = libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK;
    // SAFETY: both descriptors are open for the duration of the call and the
    // offsets are null, as splice requires for a pipe and a socket.
    let n = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            CHUNK,
            flags,
        )
    };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Whether the socket would not take another byte right now.
fn socket_full(fd: RawFd) -> bool {
    let mut poll = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let ready = unsafe { libc::poll(&mut poll, 1, 0) };
    ready == 0
}

fn unsupported(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
    )
}
