//! The log dpty writes with `--log-level debug` or `trace` never carries the process's secrets:
//! environment values given with `-e` or in an `--env-file` reach the container and nothing else,
//! while every API call is still logged. dpty-only: the docker CLI has no such log.

mod support;

use support::{assert_success, run_bin, skip_under_docker, sleeper, unique_name, TIMEOUT};

const SECRET: &str = "hunter2-do-not-log";
const FILE_SECRET: &str = "from-a-file-do-not-log";

#[test]
fn run_and_exec_logs_leave_environment_values_out_at_every_level() {
    if skip_under_docker("dpty's own log file") {
        return;
    }
    let dir = std::env::temp_dir().join(unique_name("logs"));
    std::fs::create_dir_all(&dir).expect("creating the test directory");
    let env_file = dir.join("env.list");
    std::fs::write(&env_file, format!("FROM_FILE={FILE_SECRET}\n")).expect("writing the env file");
    let env_file = env_file.to_str().expect("a UTF-8 temp path");
    let env = format!("SECRET={SECRET}");
    let target = sleeper("logs");
    for level in ["debug", "trace", "bollard=trace,dpty=trace"] {
        let runs: [(&str, Vec<&str>); 2] = [
            (
                "run",
                vec![
                    "run",
                    "--rm",
                    "--network",
                    "none",
                    "-e",
                    &env,
                    "--env-file",
                    env_file,
                    "busybox",
                    "sh",
                    "-c",
                    "echo $SECRET $FROM_FILE",
                ],
            ),
            (
                "exec",
                vec![
                    "exec",
                    "-e",
                    &env,
                    "--env-file",
                    env_file,
                    target.name(),
                    "sh",
                    "-c",
                    "echo $SECRET $FROM_FILE",
                ],
            ),
        ];
        for (what, args) in runs {
            let log = dir.join(format!("{what}.log"));
            let log_path = log.to_str().expect("a UTF-8 temp path");
            let mut argv = vec!["--log-level", level, "--log-file", log_path];
            argv.extend(args.iter().copied());
            let out = run_bin(&argv, None, TIMEOUT);
            assert_success(what, &out);
            // The secrets did reach the process, so leaving them out of the log is not an
            // accident of their never being sent.
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                format!("{SECRET} {FILE_SECRET}"),
                "{what} at {level}"
            );
            let text = std::fs::read_to_string(&log).expect("reading the log");
            assert!(
                text.contains("api call"),
                "{what} at {level}: the log has no API calls:\n{text}"
            );
            for secret in [SECRET, FILE_SECRET] {
                assert!(
                    !text.contains(secret),
                    "{what} at {level}: the log carries a secret:\n{text}"
                );
            }
            std::fs::remove_file(&log).expect("removing the log");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
