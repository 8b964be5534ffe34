//! The local side a caller gives a session instead of this process's
//! terminal: a writer for output, one for errors, a reader for input, and
//! sizes of its own.

use std::pin::Pin;

use futures_util::Stream;
use tokio::io::{AsyncRead, AsyncWrite};

use super::SizeStream;
use crate::basics::Size;

/// Streams a session uses instead of the process's terminal: output (and
/// stderr, when there is no TTY) goes to the writers, the reader is the
/// process's stdin, and sizes come from the caller.
///
/// ```
/// let (input, _keyboard) = tokio::io::duplex(64);
/// let streams = dpty::Streams::new(tokio::io::sink(), tokio::io::sink())
///     .input(input)
///     .size(dpty::Size { rows: 40, cols: 120 });
/// # drop(streams);
/// ```
pub struct Streams {
    pub(crate) input: Option<Pin<Box<dyn AsyncRead + Send>>>,
    pub(crate) output: Pin<Box<dyn AsyncWrite + Send>>,
    pub(crate) error: Pin<Box<dyn AsyncWrite + Send>>,
    pub(crate) size: Option<Size>,
    pub(crate) resizes: Option<SizeStream>,
}

impl Streams {
    /// Output goes to `output`, and the process's stderr to `error` (with a
    /// TTY there is only one stream, and it all goes to `output`).
    pub fn new(
        output: impl AsyncWrite + Send + 'static,
        error: impl AsyncWrite + Send + 'static,
    ) -> Streams {
        Streams {
            input: None,
            output: Box::pin(output),
            error: Box::pin(error),
            size: None,
            resizes: None,
        }
    }

    /// What is read from `input` is the process's stdin; its end is the end
    /// of the process's stdin (with [`Session::stdin`](crate::Session::stdin)).
    pub fn input(mut self, input: impl AsyncRead + Send + 'static) -> Streams {
        self.input = Some(Box::pin(input));
        self
    }

    /// The size of the TTY to begin with.
    pub fn size(mut self, size: Size) -> Streams {
        self.size = Some(size);
        self
    }

    /// Each size from `resizes` resizes the TTY (give a first [`size`](Self::size) too).
    pub fn resizes(mut self, resizes: impl Stream<Item = Size> + Send + 'static) -> Streams {
        self.resizes = Some(Box::pin(resizes));
        self
    }
}
