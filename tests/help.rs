//! `--help` is a page to scan, as the docker CLI's is: one `Options:` heading, one line per option,
//! a page of its own length for `run` and its hundred options. The long explanations are in the man
//! pages. No engine is needed: help is printed before anything is contacted.

mod support;

use std::process::Command;

use support::{bin, describe, is_docker, skip_under_docker};

/// What `args` prints on stdout, after checking that it succeeded.
fn help(args: &[&str]) -> String {
    let out = Command::new(bin())
        .args(args)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("running the binary under test");
    assert!(out.status.success(), "{args:?}: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn options_headings(text: &str) -> usize {
    text.lines().filter(|line| *line == "Options:").count()
}

#[test]
fn run_help_is_one_page_with_one_options_heading() {
    let text = help(&["run", "--help"]);
    let lines = text.lines().count();
    assert!(lines <= 250, "`run --help` is {lines} lines:\n{text}");
    assert_eq!(options_headings(&text), 1, "{text}");
    // Options are listed one to a line, each named once at the start of its line.
    for option in [
        "--hostname",
        "--memory",
        "--sig-proxy",
        "--mount",
        "--ulimit",
    ] {
        let named = text
            .lines()
            .filter(|line| names(line).any(|name| name == option));
        assert_eq!(named.count(), 1, "{option} in:\n{text}");
    }
}

/// The options a line of help starts with: `-h, --hostname <NAME>  Container host name` names
/// `-h` and `--hostname`.
fn names(line: &str) -> impl Iterator<Item = &str> {
    let spec = line.trim_start().split("  ").next().unwrap_or_default();
    spec.split([',', ' ', '['])
        .filter(|word| word.starts_with('-'))
}

#[test]
fn exec_and_attach_help_have_one_options_heading() {
    for command in ["exec", "attach"] {
        let text = help(&[command, "--help"]);
        assert_eq!(options_headings(&text), 1, "{command}:\n{text}");
        assert!(text.lines().count() <= 60, "{command}:\n{text}");
    }
}

#[test]
fn dash_h_and_dash_dash_help_are_the_same_short_help() {
    if skip_under_docker("docker's -h outside `run` is deprecated, with a warning") {
        return;
    }
    for command in [&[][..], &["exec"][..], &["attach"][..]] {
        let long = help(&[command, &["--help"][..]].concat());
        let short = help(&[command, &["-h"][..]].concat());
        assert_eq!(long, short, "{command:?}");
        assert_eq!(options_headings(&long), 1, "{command:?}:\n{long}");
        assert!(
            !long.contains("see a summary with '-h'"),
            "{command:?}:\n{long}"
        );
    }
    if !is_docker() {
        // `run -h` is --hostname, which wants its value, as with docker.
        let out = Command::new(bin())
            .args(["run", "-h"])
            .output()
            .expect("running the binary under test");
        assert_eq!(out.status.code(), Some(125), "{}", describe(&out));
    }
}
