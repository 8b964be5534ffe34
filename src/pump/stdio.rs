//! The local standard streams as async readers and writers that never block
//! the runtime and never change state that other processes share.
//!
//! `tokio::io::stdin()` reads on a blocking thread that cannot be interrupted,
//! so a session could not end while the user is not typing. Setting
//! `O_NONBLOCK` on fd 0 or 1 instead would change the open file description
//! that the parent shell shares with us (a terminal's stdin and stdout are
//! usually the same one). So for terminals and pipes we open our own file
//! description of the same file through `/proc/self/fd/N` and make only that
//! one non-blocking. Regular files and devices that cannot be polled are always
//! ready, so they are read and written directly. Anything else (a socket) gets
//! `O_NONBLOCK` on the shared description, restored when the stream drops.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// One of fd 0, 1 or 2, readable or writable without blocking the runtime.
#[derive(Debug)]
pub struct StdStream {
    kind: Kind,
    /// The descriptor is a pipe (or FIFO).
    pipe: bool,
}

#[derive(Debug)]
enum Kind {
    /// Our own non-blocking file description, driven by the reactor.
    Private(AsyncFd<File>),
    /// The shared description made non-blocking; flags restored on drop.
    Shared {
        fd: AsyncFd<RawFd>,
        _flags: FlagsGuard,
    },
    /// Always ready (regular file, /dev/null): plain blocking calls.
    Direct(RawFd),
}

impl StdStream {
    pub fn stdin() -> io::Result<Self> {
        Self::open(libc::STDIN_FILENO, libc::O_RDONLY)
    }

    pub fn stdout() -> io::Result<Self> {
        Self::open(libc::STDOUT_FILENO, libc::O_WRONLY)
    }

    pub fn stderr() -> io::Result<Self> {
        Self::open(libc::STDERR_FILENO, libc::O_WRONLY)
    }

    fn open(fd: RawFd, access: libc::c_int) -> io::Result<Self> {
        // SAFETY: fd 0/1/2 stay open for the life of the process; the borrow
        // does not outlive this call.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let file_type = fstat_type(borrowed)?;
        let pollable = file_type == libc::S_IFIFO || file_type == libc::S_IFSOCK || is_terminal(fd);
        let pipe = file_type == libc::S_IFIFO;
        if !pollable {
            return Ok(Self {
                kind: Kind::Direct(fd),
                pipe,
            });
        }
        if file_type != libc::S_IFSOCK {
            if let Ok(file) = reopen_nonblocking(fd, access) {
                // SAFETY: the AsyncFd owns the File, so the descriptor stays
                // open and unchanged for as long as it is registered.
                if let Ok(async_fd) = unsafe { AsyncFd::register(file) } {
                    return Ok(Self {
                        kind: Kind::Private(async_fd),
                        pipe,
                    });
                }
            }
        }
        let guard = FlagsGuard::set_nonblocking(fd)?;
        // SAFETY: fd 0/1/2 are never closed while dpty runs.
        match unsafe { AsyncFd::register(fd) } {
            Ok(fd) => Ok(Self {
                kind: Kind::Shared { fd, _flags: guard },
                pipe,
            }),
            Err(_) => {
                drop(guard);
                Ok(Self {
                    kind: Kind::Direct(fd),
                    pipe,
                })
            }
        }
    }

    /// Our own non-blocking descriptor of a pipe, which splice(2) can move
    /// data out of without a copy through user space.
    pub fn splice_source(&self) -> Option<&AsyncFd<File>> {
        match &self.kind {
            Kind::Private(fd) if self.pipe => Some(fd),
            _ => None,
        }
    }
}

fn fstat_type(fd: BorrowedFd<'_>) -> io::Result<libc::mode_t> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat fills the struct on success; we read it only then.
    let rc = unsafe { libc::fstat(fd.as_raw_fd(), stat.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstat returned 0, so the struct is initialised.
    Ok(unsafe { stat.assume_init() }.st_mode & libc::S_IFMT)
}

pub fn is_terminal(fd: RawFd) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// Whether our process group is the foreground one of the terminal on `fd`.
pub fn in_foreground(fd: RawFd) -> bool {
    // SAFETY: both calls only query process-group ids.
    unsafe { libc::tcgetpgrp(fd) == libc::getpgrp() }
}

fn reopen_nonblocking(fd: RawFd, access: libc::c_int) -> io::Result<File> {
    let path = std::ffi::CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL in path");
    let flags = access | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
    // SAFETY: path is a valid C string; the returned descriptor is owned below.
    let new_fd = unsafe { libc::open(path.as_ptr(), flags) };
    if new_fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: open just returned this descriptor and nothing else owns it.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(new_fd) }))
}

/// Restores a descriptor's file-status flags when dropped.
#[derive(Debug)]
struct FlagsGuard {
    fd: RawFd,
    original: libc::c_int,
}

impl FlagsGuard {
    fn set_nonblocking(fd: RawFd) -> io::Result<Self> {
        // SAFETY: F_GETFL/F_SETFL only read and set flags of an open descriptor.
        let original = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if original < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above.
        if unsafe { libc::fcntl(fd, libc::F_SETFL, original | libc::O_NONBLOCK) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self { fd, original })
    }
}

impl Drop for FlagsGuard {
    fn drop(&mut self) {
        // SAFETY: restores the flags read in `set_nonblocking` on the same fd.
        unsafe { libc::fcntl(self.fd, libc::F_SETFL, self.original) };
    }
}

fn raw_read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for writes of buf.len() bytes.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn raw_write(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for reads of buf.len() bytes.
    let n = unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn raw_writev(fd: RawFd, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
    let count = bufs.len().min(1024) as libc::c_int;
    // SAFETY: IoSlice is ABI-compatible with iovec, and every slice is valid
    // for reads of its length for the duration of the call.
    let n = unsafe { libc::writev(fd, bufs.as_ptr().cast(), count) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

fn poll_io<T: AsRawFd, R>(
    fd: &AsyncFd<T>,
    cx: &mut Context<'_>,
    readable: bool,
    mut op: impl FnMut(RawFd) -> io::Result<R>,
) -> Poll<io::Result<R>> {
    loop {
        let mut guard = if readable {
            ready!(fd.poll_read_ready(cx))?
        } else {
            ready!(fd.poll_write_ready(cx))?
        };
        match guard.try_io(|inner| op(inner.get_ref().as_raw_fd())) {
            Ok(result) => return Poll::Ready(result),
            Err(_would_block) => continue,
        }
    }
}

impl StdStream {
    fn poll_op<R>(
        &self,
        cx: &mut Context<'_>,
        readable: bool,
        mut op: impl FnMut(RawFd) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        match &self.kind {
            Kind::Private(fd) => poll_io(fd, cx, readable, op),
            Kind::Shared { fd, .. } => poll_io(fd, cx, readable, op),
            Kind::Direct(fd) => loop {
                match op(*fd) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => return Poll::Ready(other),
                }
            },
        }
    }
}

impl AsyncRead for StdStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let unfilled = buf.initialize_unfilled();
        let n = ready!(self.poll_op(cx, true, |fd| raw_read(fd, unfilled)))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for StdStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_op(cx, false, |fd| raw_write(fd, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_op(cx, false, |fd| raw_writev(fd, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the descriptor; there is nothing to flush.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
