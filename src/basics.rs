//! The words every layer shares, on the bottom floor so that the engine
//! client and the pump can both use them without importing each other: a
//! terminal size, the engine calls a session makes during its life (resize,
//! signal), and a connection's socket for splicing.

use std::sync::Arc;

use futures_util::future::BoxFuture;

/// A terminal size in character cells.
///
/// ```
/// let size = dpty::Size { rows: 24, cols: 80 };
/// assert_eq!(size.cols, 80);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Lines.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
}

/// The engine call that resizes a session's TTY.
pub type ResizeFn = Arc<dyn Fn(Size) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// Sends a signal to the session's process (the signal proxy).
pub type SignalFn = Arc<dyn Fn(i32) -> BoxFuture<'static, ()> + Send + Sync>;

/// A connection that may expose its socket, so piped stdin can be spliced
/// into it; `None` where bytes must go through the stream (TLS).
pub trait RawSocket {
    /// The socket's descriptor, when bytes may be written to it directly.
    fn raw_socket(&self) -> Option<std::os::fd::RawFd>;
}
