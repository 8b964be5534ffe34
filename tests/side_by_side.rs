//! Sessions alongside other work: many `exec -i` sessions into one container at once, each keeping
//! its own stdin apart from the others', and a session started as a background job of an
//! interactive shell, which must leave the terminal to the shell (never reading it, so never being
//! stopped by SIGTTIN) and cost almost no CPU while it waits.

mod support;

use std::thread;
use std::time::Duration;

use support::{
    bin, code, describe, docker, escape, first_word, local_md5, random_bytes, run_bin, sleeper,
    unique_name, ContainerGuard, Pty, TIMEOUT,
};

const LONG: Duration = Duration::from_secs(120);

#[test]
fn sixteen_parallel_exec_sessions_each_pass_their_own_stdin_intact() {
    const SESSIONS: u64 = 16;
    const SIZE: usize = 2 << 20;
    let container = sleeper("parallel-exec");
    let sessions: Vec<_> = (0..SESSIONS)
        .map(|n| {
            let name = container.name().to_owned();
            thread::spawn(move || {
                let data = random_bytes(n, SIZE);
                let want = local_md5(&data);
                let out = run_bin(&["exec", "-i", &name, "md5sum"], Some(&data), LONG);
                (n, want, out)
            })
        })
        .collect();
    let mut failures = Vec::new();
    for session in sessions {
        let (n, want, out) = session.join().expect("a session thread panicked");
        if code(&out) != 0 || first_word(&out.stdout) != want {
            failures.push(format!("session {n}: want {want}, got {}", describe(&out)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A prompt the shell's echo of the command that sets it cannot contain.
const PROMPT: &str = "rdy> ";
const SET_PROMPT: &[u8] = b"PS1='rd''y> '; TIMEFORMAT='cpu=%3U+%3S'\r";

/// The user and system CPU seconds from bash's `time` report, `cpu=U+S`.
fn cpu_seconds(output: &str) -> Option<f64> {
    let (_, report) = output.rsplit_once("cpu=")?;
    let report: String = report
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '+')
        .collect();
    let (user, system) = report.split_once('+')?;
    Some(user.parse::<f64>().ok()? + system.parse::<f64>().ok()?)
}

#[test]
fn a_background_job_leaves_the_terminal_alone_and_uses_little_cpu() {
    support::docker_host();
    // bash for its job control and its `time` keyword, which can time a background job.
    let mut shell = Pty::spawn(&["bash", "--norc", "--noprofile", "-i"], 24, 80);
    shell.send(SET_PROMPT);
    shell.expect(PROMPT, TIMEOUT);
    shell.send(b"settings=$(stty -g)\r");
    shell.expect(PROMPT, TIMEOUT);
    // `time` in a background job reports the CPU its command used when that command ends. The job
    // says when it is attached, then stays until it is let go, so that what is typed next reaches
    // the terminal while it runs; the 3 s after that are the idle time whose cost is measured.
    let container = ContainerGuard(unique_name("background-cpu"));
    let script = "echo job-$((6*7)); until [ -e /tmp/go ]; do sleep 0.1; done; sleep 3";
    let job = format!(
        "time '{}' run --rm --network none --name {} busybox sh -c '{script}' &\r",
        bin(),
        container.name()
    );
    shell.send(job.as_bytes());
    shell.expect("job-42", TIMEOUT);
    // A job that watched the terminal would be woken by this line, try to read, and be stopped
    // by SIGTTIN. The shell must get it all: its echo shows that it read the line.
    shell.send(b"wait $!; echo \"do\"\"ne-$?\"\r");
    shell.expect("ne-$?\"", TIMEOUT);
    let out = docker(&["exec", container.name(), "touch", "/tmp/go"]);
    support::assert_success("letting the job go", &out);
    let waited = shell.try_expect("done-", Duration::from_secs(15));
    let output = String::from_utf8_lossy(&shell.output()).into_owned();
    for word in ["Stopped", "suspended"] {
        assert!(
            !output.contains(word),
            "the job was stopped; output:\n{}",
            escape(output.as_bytes())
        );
    }
    assert!(
        waited.is_some(),
        "the job did not end within 15 s; output:\n{}",
        escape(output.as_bytes())
    );
    let status = shell.expect("\n", TIMEOUT);
    let output = String::from_utf8_lossy(&shell.output()).into_owned();
    assert_eq!(
        status.trim(),
        "0",
        "the job failed; output:\n{}",
        escape(output.as_bytes())
    );
    let cpu = cpu_seconds(&output)
        .unwrap_or_else(|| panic!("no cpu= report in:\n{}", escape(output.as_bytes())));
    assert!(
        cpu < 0.1,
        "the job used {cpu} s of CPU to wait 3 s; output:\n{}",
        escape(output.as_bytes())
    );
    // The words are split in the command so that its echo cannot match them.
    shell.send(b"[ \"$settings\" = \"$(stty -g)\" ] && echo same-st''ty || echo changed-st''ty\r");
    let verdict = shell.expect("-stty", TIMEOUT);
    assert!(
        verdict.ends_with("same-stty"),
        "the terminal settings changed; output:\n{}",
        escape(&shell.output())
    );
    shell.send(b"exit\r");
    assert_eq!(shell.wait(TIMEOUT), 0);
}

#[test]
fn a_background_job_takes_stdin_once_brought_to_the_foreground() {
    if support::skip_under_docker("docker reads no stdin without -i") {
        return;
    }
    support::docker_host();
    let mut shell = Pty::spawn(&["bash", "--norc", "--noprofile", "-i"], 24, 80);
    shell.send(SET_PROMPT);
    shell.expect(PROMPT, TIMEOUT);
    shell.send(b"settings=$(stty -g)\r");
    shell.expect(PROMPT, TIMEOUT);
    // No flags at a terminal: stdin is attached, but the job waits for the
    // foreground before it reads it or puts the terminal in raw mode.
    let command = format!(
        "'{}' run --rm --network none busybox sh -c 'echo job-$((6*7)); read x; echo \"go\"\"t-$x\"' &\r",
        bin()
    );
    shell.send(command.as_bytes());
    // The container's first line on the terminal shows the job attached and its container
    // started: a job that read the terminal or changed its mode would have been stopped by then.
    shell.expect("job-42", TIMEOUT);
    shell.send(b"jobs\r");
    let jobs = shell.expect(PROMPT, TIMEOUT);
    assert!(
        jobs.contains("Running") && !jobs.contains("Stopped"),
        "the job should be running in the background: {}",
        escape(jobs.as_bytes())
    );
    shell.send(b"fg\r");
    // Typed once in the foreground, the line reaches the container.
    shell.type_until("hello", "got-hello");
    shell.expect(PROMPT, TIMEOUT);
    shell.send(b"[ \"$settings\" = \"$(stty -g)\" ] && echo same-st''ty || echo changed-st''ty\r");
    let verdict = shell.expect("-stty", TIMEOUT);
    assert!(
        verdict.ends_with("same-stty"),
        "the terminal settings changed; output:\n{}",
        escape(&shell.output())
    );
    shell.send(b"exit\r");
    assert_eq!(shell.wait(TIMEOUT), 0);
}
