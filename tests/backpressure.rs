//! Bounded memory under backpressure: when whoever reads dpty's output stops
//! reading, dpty must stop reading the engine rather than buffer, and every
//! byte must still arrive once the reader resumes.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{bin, docker_host, sleeper};

const OFFERED: u64 = 1_000_000_000;
const RSS_LIMIT_KIB: u64 = 16 * 1024;

/// A field of /proc/PID/status in KiB (VmRSS, VmHWM).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// CPU seconds (user + system) the process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("process stat");
    let after_name = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    ticks as f64 / per_second as f64
}

fn check_stalled_reader(args: &[&str]) {
    let mut child = Command::new(bin())
        .args(args)
        .env("DOCKER_HOST", docker_host())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the binary");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();

    // Read a little so the stream is known to flow, then stall.
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    while total < 1 << 20 {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "output ended early");
        total += n as u64;
    }
    std::thread::sleep(Duration::from_millis(500));
    let cpu_before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(3));
    let stalled_cpu = cpu_seconds(pid) - cpu_before;
    let stalled_peak = status_kib(pid, "VmHWM");
    assert!(
        stalled_peak < RSS_LIMIT_KIB,
        "peak RSS {stalled_peak} KiB while the reader was stalled (limit {RSS_LIMIT_KIB} KiB)"
    );
    assert!(
        stalled_cpu < 0.3,
        "used {stalled_cpu:.2} s of CPU in 3 s while the reader was stalled"
    );

    // Resume: every byte must arrive. Check the peak once more near the end,
    // while the process is still alive.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut late_peak = 0;
    loop {
        assert!(
            Instant::now() < deadline,
            "draining took too long ({total} bytes so far)"
        );
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(
            buf[..n].iter().all(|&b| b == 0),
            "output is not the zeros sent"
        );
        total += n as u64;
        if late_peak == 0 && total > OFFERED - (64 << 20) {
            late_peak = status_kib(pid, "VmHWM");
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(total, OFFERED, "bytes delivered");
    assert!(status.success(), "exit status {status}");
    assert!(
        late_peak < RSS_LIMIT_KIB,
        "peak RSS {late_peak} KiB by the end (limit {RSS_LIMIT_KIB} KiB)"
    );
}

#[test]
fn stalled_reader_bounds_memory_without_a_tty_and_loses_nothing() {
    let container = sleeper("backpressure-plain");
    let count = OFFERED.to_string();
    check_stalled_reader(&["exec", container.name(), "head", "-c", &count, "/dev/zero"]);
}

#[test]
fn stalled_reader_bounds_memory_with_a_tty_and_loses_nothing() {
    let container = sleeper("backpressure-tty");
    let count = OFFERED.to_string();
    check_stalled_reader(&[
        "exec",
        "-t",
        container.name(),
        "head",
        "-c",
        &count,
        "/dev/zero",
    ]);
}
