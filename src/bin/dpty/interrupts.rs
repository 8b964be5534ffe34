//! How many SIGINTs and SIGTERMs this process has received in all, from
//! every phase, whatever the library made of each.
//!
//! The docker CLI gives up after the third of them, with words of its own and
//! status 1. The library says only which signal ended a session; the count
//! tells a give-up (the third interrupt) from a single signal that ended the
//! run on its own (`--sig-proxy=false`, an interrupt while setting up), which
//! ends it as the signal would.

use std::sync::atomic::{AtomicU32, Ordering};

use signal_hook::consts::signal::{SIGINT, SIGTERM};

static RECEIVED: AtomicU32 = AtomicU32::new(0);

/// Starts counting. Call it once the library's handlers are installed: a
/// handler of our own, alone, would keep the signals from ending dpty.
pub fn count() -> std::io::Result<()> {
    for signal in [SIGINT, SIGTERM] {
        // SAFETY: the action runs in the signal handler, and only adds to an
        // atomic, which is async-signal-safe.
        unsafe {
            signal_hook::low_level::register(signal, || {
                RECEIVED.fetch_add(1, Ordering::Relaxed);
            })?;
        }
    }
    Ok(())
}

/// The SIGINTs and SIGTERMs received so far.
pub fn received() -> u32 {
    RECEIVED.load(Ordering::Relaxed)
}
