//! Keeps every core busy while a test runs, so that a race between two of a session's events (a
//! closing terminal's EOF and its SIGHUP, a resize and the first keystroke) is met on the side it
//! loses on under load, and not only on an idle machine's lucky side.

use std::process::{Child, Command, Stdio};

/// One busy loop per core, ended and reaped on drop.
pub struct CpuLoad(Vec<Child>);

impl CpuLoad {
    pub fn start() -> CpuLoad {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let loops = (0..cores)
            .map(|_| {
                Command::new("sh")
                    .args(["-c", "while :; do :; done"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("starting a busy loop")
            })
            .collect();
        CpuLoad(loops)
    }
}

impl Drop for CpuLoad {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Types `stty size` once (no retry: the first command is the one a late size would reach), at the
/// shell's first prompt or, with `ahead`, at once, before the session has even started (as a fast
/// typist or a script does), and asserts that it answers `rows cols`.
#[track_caller]
pub fn first_command_sees_the_size(
    pty: &mut super::Pty,
    (rows, cols): (u16, u16),
    ahead: bool,
    attempt: usize,
) {
    if !ahead {
        pty.expect("# ", super::TIMEOUT);
    }
    pty.send(b"stty size; echo end-$((6*7))\r");
    let answer = pty.expect("end-42", super::TIMEOUT);
    assert!(
        answer.contains(&format!("\n{rows} {cols}\r")),
        "try {attempt}: the first command did not see the terminal's {rows}x{cols}: {}",
        super::escape(answer.as_bytes())
    );
}
