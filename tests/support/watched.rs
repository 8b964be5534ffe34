//! The binary under test as a child process whose output is collected while it runs, for tests
//! that act on it at a chosen moment: signal it once it has printed that it is ready, then wait for
//! its end with a timeout. stdout and stderr are kept apart, so that a test can look for what the
//! container printed on stdout alone, and a failure shows both.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{bin, docker_host, escape, exit_within, holds_within, send_signal};

/// A running binary under test with stdin from /dev/null; dropping it kills it if it still runs.
pub struct Watched {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// The threads that collect stdout and stderr. `wait` joins them, so that once it returns the
    /// output is complete.
    readers: Vec<JoinHandle<()>>,
}

impl Watched {
    /// Spawns the binary under test with `args`.
    pub fn spawn(args: &[&str]) -> Watched {
        docker_host();
        let mut child = Command::new(bin())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning the binary under test");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), &stdout),
            collect(child.stderr.take().unwrap(), &stderr),
        ];
        Watched {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    /// What it has written on stdout so far, as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// stdout and stderr so far, escaped, for failure messages.
    pub fn describe(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            escape(&self.stdout.lock().unwrap()),
            escape(&self.stderr.lock().unwrap())
        )
    }

    /// Waits until `needle` appears on stdout; panics with the output so far if it does not within
    /// `timeout`. A zero timeout asserts that it has appeared already.
    #[track_caller]
    pub fn expect_stdout(&self, needle: &str, timeout: Duration) {
        self.expect_stdout_times(needle, 1, timeout);
    }

    /// Waits until `needle` has appeared `times` times on stdout.
    #[track_caller]
    pub fn expect_stdout_times(&self, needle: &str, times: usize, timeout: Duration) {
        let seen = holds_within(timeout, || {
            let stdout = self.stdout.lock().unwrap();
            let count = stdout
                .windows(needle.len())
                .filter(|w| *w == needle.as_bytes())
                .count();
            count >= times
        });
        assert!(
            seen,
            "{needle:?} did not appear {times} times within {timeout:?}\n{}",
            self.describe()
        );
    }

    /// Sends it `signal`.
    pub fn signal(&self, signal: libc::c_int) {
        send_signal(self.child.id(), signal);
    }

    /// Waits for its exit and the end of its output; returns the exit code. Panics, with the
    /// output, if it does not exit within `timeout` or if a signal ended it.
    #[track_caller]
    pub fn wait(&mut self, timeout: Duration) -> i32 {
        let status = self.wait_status(timeout);
        status
            .code()
            .unwrap_or_else(|| panic!("ended by a signal: {status}\n{}", self.describe()))
    }

    /// As `wait`, but returns the status whatever ended it: for a run of the docker CLI, which a
    /// signal may end.
    #[track_caller]
    pub fn wait_status(&mut self, timeout: Duration) -> ExitStatus {
        let Some(status) = exit_within(&mut self.child, timeout) else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            panic!("did not exit within {timeout:?}\n{}", self.describe());
        };
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        status
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A thread that appends everything read from `pipe` to `into`, until the pipe ends.
fn collect(mut pipe: impl Read + Send + 'static, into: &Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    let into = Arc::clone(into);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}
