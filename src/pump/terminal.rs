//! The local terminal's state as a value: raw mode is held by a guard whose
//! `Drop` puts the terminal back, so every way out of a session (return,
//! error, panic unwinding) restores it.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing::debug;

pub use crate::basics::Size;

/// Set while a session holds the terminal in raw mode.
static RAW: AtomicBool = AtomicBool::new(false);

/// Whether a session holds this process's terminal in raw mode right now.
/// A logger that writes to the terminal should hold its lines back while it
/// does, since a raw terminal does not return the carriage.
///
/// ```
/// assert!(!dpty::terminal_is_raw());
/// ```
pub fn terminal_is_raw() -> bool {
    RAW.load(Ordering::SeqCst)
}

/// The size of the terminal on `fd`, if it is a terminal with a known size.
pub fn size_of(fd: libc::c_int) -> Option<Size> {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes a winsize into the struct we pass.
    let rc = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_row > 0 && ws.ws_col > 0).then_some(Size {
        rows: ws.ws_row,
        cols: ws.ws_col,
    })
}

/// The size of the local terminal: stdout's if it is one, else stdin's.
pub fn local_size() -> Option<Size> {
    size_of(libc::STDOUT_FILENO).or_else(|| size_of(libc::STDIN_FILENO))
}

/// Raw mode on the terminal behind stdin, for as long as the guard lives.
#[derive(Debug)]
pub struct RawMode(());

impl RawMode {
    pub fn enable() -> io::Result<Self> {
        crossterm::terminal::enable_raw_mode()?;
        debug!("terminal in raw mode");
        RAW.store(true, Ordering::SeqCst);
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // crossterm kept the attributes it replaced and puts exactly those back.
        let restored = crossterm::terminal::disable_raw_mode();
        RAW.store(false, Ordering::SeqCst);
        match restored {
            Ok(()) => debug!("terminal restored"),
            Err(error) => debug!(%error, "restoring terminal failed"),
        }
    }
}
