//! The remaining settings of `docker run` that are more than a plain value:
//! ulimits, sysctls, labels and other key=value maps, the restart policy,
//! security options, capabilities, the healthcheck, namespace modes and the
//! environment. Each follows the docker CLI 28, including its quirks (a bare
//! `-e KEY` that is unset locally is still sent, file entries before flag
//! entries, ulimits sorted by name), because scripts written against docker
//! rely on what it sends. Refusals are one line in docker's own shape:
//! `invalid argument "VALUE" for "FLAG" flag: REASON`.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use bollard::models::{HealthConfig, ResourcesUlimits, RestartPolicy, RestartPolicyNameEnum};
use serde_json::json;

use super::go::{go_upper, parse_int, path_error};
use super::units;
use super::{invalid_argument, to_value, Body};
use crate::cli::ContainerArgs;

/// What names and describes the container: `-h`, `--domainname`, `-l`,
/// `--label-file` and `--annotation`.
pub(super) fn labels_and_names(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let labels = labels(&c.labels, &c.label_files)?;
    let annotations = key_values("--annotation", &c.annotations)?;
    body.config(json!({
        "Hostname": c.hostname.clone().unwrap_or_default(),
        "Domainname": c.domainname.clone().unwrap_or_default(),
        "Labels": labels,
    }));
    body.host(json!({ "Annotations": annotations }));
    Ok(())
}

/// `--log-driver` and `--log-opt`.
pub(super) fn logging(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let log_opts = log_opts(c.log_driver.as_deref(), &c.log_opts)?;
    body.host(json!({
        "LogConfig": {
            "Type": c.log_driver.clone().unwrap_or_default(),
            "Config": log_opts,
        },
    }));
    Ok(())
}

/// `--health-*` and `--no-healthcheck`.
pub(super) fn health(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let health = healthcheck(&HealthArgs {
        cmd: c.health_cmd.as_deref(),
        interval: c.health_interval.as_deref(),
        timeout: c.health_timeout.as_deref(),
        start_period: c.health_start_period.as_deref(),
        start_interval: c.health_start_interval.as_deref(),
        retries: c.health_retries,
        no_healthcheck: c.no_healthcheck,
    })?;
    if let Some(health) = health {
        body.config(json!({ "Healthcheck": to_value(&health) }));
    }
    Ok(())
}

/// Privileges and confinement: `--cap-add`, `--cap-drop`,
/// `--security-opt` and `--group-add`.
pub(super) fn security(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let security = security_opts(&c.security_opts)?;
    body.host(json!({
        "CapAdd": capabilities(&c.cap_add),
        "CapDrop": capabilities(&c.cap_drop),
        "GroupAdd": c.group_add,
        "SecurityOpt": security,
    }));
    if unconfined_system_paths(&c.security_opts) {
        // `systempaths=unconfined`: nothing masked, nothing read-only.
        body.host(json!({ "MaskedPaths": [], "ReadonlyPaths": [] }));
    }
    Ok(())
}

/// The namespaces the container shares or gets, and what runs it: `--pid`,
/// `--uts`, `--userns`, `--cgroupns`, `--ipc`, `--cgroup-parent`,
/// `--sysctl`, `--runtime` and `--isolation`.
pub(super) fn namespaces(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    for (flag, value) in [
        ("--pid", &c.pid),
        ("--uts", &c.uts),
        ("--userns", &c.userns),
        ("--cgroupns", &c.cgroupns),
        ("--ipc", &c.ipc),
    ] {
        if let Some(value) = value {
            namespace_mode(flag, value)?;
        }
    }
    let sysctls = sysctls(&c.sysctls)?;
    body.host(json!({
        "PidMode": c.pid.clone().unwrap_or_default(),
        "UTSMode": c.uts.clone().unwrap_or_default(),
        "UsernsMode": c.userns.clone().unwrap_or_default(),
        "CgroupnsMode": c.cgroupns.clone().unwrap_or_default(),
        "IpcMode": c.ipc.clone().unwrap_or_default(),
        "Cgroup": "",
        "CgroupParent": c.cgroup_parent.clone().unwrap_or_default(),
        "Sysctls": sysctls,
        "Runtime": c.runtime.clone().unwrap_or_default(),
        "Isolation": c.isolation.clone().unwrap_or_default(),
    }));
    Ok(())
}

/// The resources `--ulimit` may limit (`as` is left out, as docker does).
const ULIMIT_NAMES: [&str; 15] = [
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// One `--ulimit NAME=SOFT[:HARD]`; without a hard limit it equals the soft
/// one, and `-1` means unlimited.
pub fn ulimit(value: &str) -> Result<ResourcesUlimits, String> {
    let fail = |reason: String| invalid_argument("--ulimit", value, &reason);
    let limit = |text: &str| parse_int(text).map_err(|e| fail(e.describe("ParseInt", text)));
    let (name, limits) = value
        .split_once('=')
        .ok_or_else(|| fail(format!("invalid ulimit argument: {value}")))?;
    if !ULIMIT_NAMES.contains(&name) {
        return Err(fail(format!("invalid ulimit type: {name}")));
    }
    let (soft, hard) = match limits.split(':').collect::<Vec<_>>()[..] {
        [soft] => {
            let soft = limit(soft)?;
            (soft, soft)
        }
        // docker reads the hard limit first, so its error is the one shown.
        [soft, hard] => {
            let hard = limit(hard)?;
            (limit(soft)?, hard)
        }
        _ => {
            return Err(fail(format!(
                "too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
            )))
        }
    };
    if hard != -1 {
        if soft == -1 {
            return Err(fail(format!(
                "ulimit soft limit must be less than or equal to hard limit: \
                 soft: -1 (unlimited), hard: {hard}"
            )));
        }
        if soft > hard {
            return Err(fail(format!(
                "ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
            )));
        }
    }
    Ok(ResourcesUlimits {
        name: Some(name.to_owned()),
        soft: Some(soft),
        hard: Some(hard),
    })
}

/// Every `--ulimit`: a later one for the same resource replaces an earlier
/// one, and the list is sorted by name, as docker sends it.
pub fn ulimits(values: &[String]) -> Result<Vec<ResourcesUlimits>, String> {
    let mut by_name = BTreeMap::new();
    for value in values {
        let limit = ulimit(value)?;
        by_name.insert(limit.name.clone().unwrap_or_default(), limit);
    }
    Ok(by_name.into_values().collect())
}

/// `--sysctl KEY=VALUE`s. Only the namespaced sysctls docker allows pass:
/// the IPC ones listed below, and everything under `net.` and `fs.mqueue.`.
/// An empty map means no `HostConfig.Sysctls` at all.
pub fn sysctls(values: &[String]) -> Result<HashMap<String, String>, String> {
    const IPC: [&str; 8] = [
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
    ];
    let mut map = HashMap::new();
    for value in values {
        let allowed = value.split_once('=').filter(|(key, _)| {
            !key.is_empty()
                && (IPC.contains(key) || key.starts_with("net.") || key.starts_with("fs.mqueue."))
        });
        let Some((key, val)) = allowed else {
            return Err(invalid_argument(
                "--sysctl",
                value,
                &format!("sysctl '{value}' is not allowed"),
            ));
        };
        map.insert(key.to_owned(), val.to_owned());
    }
    Ok(map)
}

/// `Config.Labels` from `-l/--label` and `--label-file`: file entries first,
/// then flags, a later key replacing an earlier one. A flag without `=` is a
/// label with an empty value; a file line without `=` is skipped.
pub fn labels(values: &[String], files: &[PathBuf]) -> Result<HashMap<String, String>, String> {
    for value in values {
        let key = value.split_once('=').map_or(value.as_str(), |(key, _)| key);
        let key = key.trim_start_matches([' ', '\t']);
        if key.is_empty() {
            return Err(invalid_argument(
                "-l, --label",
                value,
                &format!("invalid label '{value}': empty name"),
            ));
        }
        if key.contains([' ', '\t']) {
            return Err(invalid_argument(
                "-l, --label",
                value,
                &format!("label '{key}' contains whitespaces"),
            ));
        }
    }
    let mut entries = Vec::new();
    for file in files {
        entries.extend(
            read_kv_file(file, None)
                .map_err(|reason| invalid_argument("--label-file", &display(file), &reason))?,
        );
    }
    entries.extend(values.iter().cloned());
    Ok(kv_map(&entries))
}

/// A `KEY=VALUE` option that docker keeps as a plain map: `--log-opt`,
/// `--annotation` and the like take `KEY` alone as an empty value;
/// `--storage-opt` requires the `=`; `--sysctl` is checked as [`sysctls`]
/// checks it. A later key replaces an earlier one.
pub fn key_values(flag: &str, values: &[String]) -> Result<HashMap<String, String>, String> {
    match flag.trim_start_matches('-') {
        "sysctl" => sysctls(values),
        "storage-opt" => {
            if let Some(bad) = values.iter().find(|v| !v.contains('=')) {
                return Err(invalid_argument(flag, bad, "invalid storage option"));
            }
            Ok(kv_map(values))
        }
        _ => Ok(kv_map(values)),
    }
}

/// `HostConfig.LogConfig.Config` from `--log-opt`, which the `none` driver
/// does not take.
pub fn log_opts(
    driver: Option<&str>,
    values: &[String],
) -> Result<HashMap<String, String>, String> {
    if driver == Some("none") && !values.is_empty() {
        return Err(
            "invalid logging opts for driver none: --log-opt cannot be used with --log-driver none"
                .to_owned(),
        );
    }
    key_values("--log-opt", values)
}

fn kv_map(entries: &[String]) -> HashMap<String, String> {
    entries
        .iter()
        .map(|entry| match entry.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None => (entry.clone(), String::new()),
        })
        .collect()
}

/// `--restart no|always|unless-stopped|on-failure[:COUNT]`. docker sends the
/// name and the count (0 when absent) whatever the policy; the checks the
/// engine would make on them are made here, with the engine's words.
pub fn restart_policy(value: &str) -> Result<RestartPolicy, String> {
    let fail = |reason: &str| invalid_argument("--restart", value, reason);
    let (name, count) = value.split_once(':').unwrap_or((value, ""));
    if value.contains(':') && name.is_empty() {
        return Err(fail(
            "invalid restart policy format: no policy provided before colon",
        ));
    }
    let count: i64 = if count.is_empty() {
        0
    } else {
        parse_int(count).map_err(|_| {
            fail("invalid restart policy format: maximum retry count must be an integer")
        })?
    };
    let policy = match name {
        "" => RestartPolicyNameEnum::EMPTY,
        "no" => RestartPolicyNameEnum::NO,
        "always" => RestartPolicyNameEnum::ALWAYS,
        "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
        "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
        _ => {
            return Err(fail(&format!(
                "invalid restart policy: unknown policy '{name}'; \
                 use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
            )))
        }
    };
    match policy {
        RestartPolicyNameEnum::ON_FAILURE if count < 0 => {
            return Err(fail(
                "invalid restart policy: maximum retry count cannot be negative",
            ))
        }
        RestartPolicyNameEnum::NO
        | RestartPolicyNameEnum::ALWAYS
        | RestartPolicyNameEnum::UNLESS_STOPPED
            if count != 0 =>
        {
            let negative = if count < 0 {
                " and cannot be negative"
            } else {
                ""
            };
            return Err(fail(&format!(
                "invalid restart policy: maximum retry count can only be used with \
                 'on-failure'{negative}"
            )));
        }
        _ => {}
    }
    Ok(RestartPolicy {
        name: Some(policy),
        maximum_retry_count: Some(count),
    })
}

/// `--rm` removes the container when it stops, which a restart policy would
/// contradict.
pub fn check_restart_and_rm(policy: &RestartPolicy, remove: bool) -> Result<(), String> {
    let restarts = !matches!(
        policy.name,
        None | Some(RestartPolicyNameEnum::NO | RestartPolicyNameEnum::EMPTY)
    );
    if remove && restarts {
        return Err("conflicting options: cannot specify both --restart and --rm".to_owned());
    }
    Ok(())
}

/// `HostConfig.SecurityOpt` from `--security-opt`. Each option is `KEY=VALUE`
/// or `KEY:VALUE` (only `no-new-privileges` stands alone). A seccomp profile
/// given as a file is read here and sent inline as compact JSON, since the
/// engine may not see our files. `systempaths=unconfined` is not sent at all:
/// it is the client's way of asking for empty masked and read-only path
/// lists (see [`unconfined_system_paths`]).
///
/// When any `--security-opt` was given docker sends this list even if it
/// ended up empty; with none given it sends no list.
pub fn security_opts(values: &[String]) -> Result<Vec<String>, String> {
    let mut opts = Vec::with_capacity(values.len());
    for value in values {
        let fail = |reason: &str| invalid_argument("--security-opt", value, reason);
        let (key, val, separated) = match value.split_once('=') {
            Some((key, val)) => (key, val, true),
            None if value == "no-new-privileges" => (value.as_str(), "", false),
            None => value
                .split_once(':')
                .map_or((value.as_str(), "", false), |(key, val)| (key, val, true)),
        };
        if (!separated || val.is_empty()) && key != "no-new-privileges" {
            return Err(fail("expected KEY=VALUE or KEY:VALUE"));
        }
        if key == "seccomp" && !matches!(val, "builtin" | "unconfined") {
            let bytes = read_file(Path::new(val)).map_err(|reason| {
                fail(&format!("opening seccomp profile ({val}) failed: {reason}"))
            })?;
            let json = compact_json(&bytes).map_err(|reason| {
                fail(&format!(
                    "compacting json for seccomp profile ({val}) failed: {reason}"
                ))
            })?;
            opts.push(format!("seccomp={json}"));
        } else {
            opts.push(value.clone());
        }
    }
    opts.retain(|opt| opt != "systempaths=unconfined");
    Ok(opts)
}

/// Whether `--security-opt systempaths=unconfined` was given: docker then
/// sends empty `HostConfig.MaskedPaths` and `ReadonlyPaths` (instead of none),
/// which turns the engine's defaults off.
pub fn unconfined_system_paths(values: &[String]) -> bool {
    values.iter().any(|v| v == "systempaths=unconfined")
}

/// A JSON document without the whitespace between its tokens, everything
/// else byte for byte as written (key order, number forms, escapes).
fn compact_json(bytes: &[u8]) -> Result<String, String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).map_err(|e| e.to_string())?;
    let mut compact = Vec::with_capacity(bytes.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in bytes {
        if in_string {
            compact.push(byte);
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            compact.push(byte);
        }
    }
    String::from_utf8(compact).map_err(|e| e.to_string())
}

/// `--cap-add`/`--cap-drop` as docker sends them: upper case with the
/// `CAP_` prefix (except `ALL`), without duplicates, sorted. An empty list
/// means the field is not sent.
pub fn capabilities(values: &[String]) -> Vec<String> {
    let mut caps: Vec<String> = values
        .iter()
        .map(|value| {
            let cap = go_upper(value);
            if cap == "ALL" || cap.starts_with("CAP_") {
                cap
            } else {
                format!("CAP_{cap}")
            }
        })
        .collect();
    caps.sort();
    caps.dedup();
    caps
}

/// The healthcheck flags as given; `None` for a flag not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct HealthArgs<'a> {
    pub cmd: Option<&'a str>,
    pub interval: Option<&'a str>,
    pub timeout: Option<&'a str>,
    pub start_period: Option<&'a str>,
    pub start_interval: Option<&'a str>,
    pub retries: Option<i64>,
    pub no_healthcheck: bool,
}

/// `Config.Healthcheck`: `["NONE"]` for `--no-healthcheck`; otherwise, when
/// any health flag has a non-zero value, the settings given (a command runs
/// through the shell as `CMD-SHELL`), every zero left out so the image's
/// own settings fill in; `None` when nothing was asked for.
pub fn healthcheck(args: &HealthArgs<'_>) -> Result<Option<HealthConfig>, String> {
    fn duration<'a>(flag: &str, value: Option<&'a str>) -> Result<(i64, &'a str), String> {
        match value {
            Some(text) => units::duration_nanos(text)
                .map(|nanos| (nanos, text))
                .map_err(|reason| invalid_argument(flag, text, &reason)),
            None => Ok((0, "0s")),
        }
    }
    let interval = duration("--health-interval", args.interval)?;
    let timeout = duration("--health-timeout", args.timeout)?;
    let start_period = duration("--health-start-period", args.start_period)?;
    let start_interval = duration("--health-start-interval", args.start_interval)?;
    let cmd = args.cmd.unwrap_or_default();
    let retries = args.retries.unwrap_or_default();
    let asked = !cmd.is_empty()
        || interval.0 != 0
        || timeout.0 != 0
        || start_period.0 != 0
        || start_interval.0 != 0
        || retries != 0;
    if args.no_healthcheck {
        if asked {
            return Err("--no-healthcheck conflicts with --health-* options".to_owned());
        }
        return Ok(Some(HealthConfig {
            test: Some(vec!["NONE".to_owned()]),
            ..HealthConfig::default()
        }));
    }
    if !asked {
        return Ok(None);
    }
    let negative = [
        ("--health-interval", interval.0, interval.1.to_owned()),
        ("--health-timeout", timeout.0, timeout.1.to_owned()),
        ("--health-retries", retries, retries.to_string()),
        (
            "--health-start-period",
            start_period.0,
            start_period.1.to_owned(),
        ),
        (
            "--health-start-interval",
            start_interval.0,
            start_interval.1.to_owned(),
        ),
    ];
    if let Some((flag, _, text)) = negative.iter().find(|(_, number, _)| *number < 0) {
        return Err(invalid_argument(flag, text, "cannot be negative"));
    }
    let non_zero = |n: i64| (n != 0).then_some(n);
    Ok(Some(HealthConfig {
        test: (!cmd.is_empty()).then(|| vec!["CMD-SHELL".to_owned(), cmd.to_owned()]),
        interval: non_zero(interval.0),
        timeout: non_zero(timeout.0),
        retries: non_zero(retries),
        start_period: non_zero(start_period.0),
        start_interval: non_zero(start_interval.0),
    }))
}

/// The value of a namespace option (`--ipc`, `--pid`, `--uts`, `--userns`,
/// `--cgroupns`; `flag` with or without its dashes) if docker accepts it:
///
/// - ipc: `none`, `private`, `shareable`, `host`, `container:NAME`
/// - pid: `host`, `container:NAME` (the name is required)
/// - uts, userns: `host`
/// - cgroupns: `host`, `private`
///
/// and the empty string everywhere, which leaves the engine's default.
pub fn namespace_mode(flag: &str, value: &str) -> Result<String, String> {
    let name = flag.trim_start_matches('-');
    let container = value
        .split_once(':')
        .filter(|(kind, _)| *kind == "container")
        .map(|(_, id)| id);
    let (valid, reason) = match name {
        "ipc" => (
            matches!(value, "" | "none" | "private" | "shareable" | "host") || container.is_some(),
            "invalid IPC mode",
        ),
        "pid" => (
            matches!(value, "" | "host") || container.is_some_and(|id| !id.is_empty()),
            "invalid PID mode",
        ),
        "uts" => (matches!(value, "" | "host"), "invalid UTS mode"),
        "userns" => (matches!(value, "" | "host"), "invalid USER mode"),
        "cgroupns" => (
            matches!(value, "" | "host" | "private"),
            "invalid CGROUP mode",
        ),
        _ => return Err(format!("--{name} is not a namespace option")),
    };
    if valid {
        Ok(value.to_owned())
    } else {
        Err(invalid_argument(&format!("--{name}"), value, reason))
    }
}

/// The API version each version-dependent `docker run` flag needs; docker
/// refuses such a flag, whatever its value, when the engine is older.
const FLAG_MIN_API: [(&str, (usize, usize)); 11] = [
    ("stop-timeout", (1, 25)),
    ("cpu-rt-period", (1, 25)),
    ("cpu-rt-runtime", (1, 25)),
    ("cpus", (1, 25)),
    ("init", (1, 25)),
    ("health-start-period", (1, 29)),
    ("platform", (1, 32)),
    ("gpus", (1, 40)),
    ("cgroupns", (1, 41)),
    ("annotation", (1, 43)),
    ("health-start-interval", (1, 44)),
];

/// Refuses a flag (with or without its dashes) that the engine's API
/// version `api` is too old for, in docker's words. Flags without a
/// version requirement always pass.
pub fn require_api(flag: &str, api: (usize, usize)) -> Result<(), String> {
    let name = flag.trim_start_matches('-');
    match FLAG_MIN_API.iter().find(|(known, _)| *known == name) {
        Some((_, needed)) if api < *needed => Err(format!(
            "\"--{name}\" requires API version {}.{}, but the Docker daemon API version is {}.{}",
            needed.0, needed.1, api.0, api.1
        )),
        _ => Ok(()),
    }
}

/// `Config.Env` from `-e/--env` and `--env-file`, by docker 28's rules:
///
/// - env files come first, in order, each line as written (duplicates kept);
///   a line `KEY` takes its value from `lookup`, and is left out when unset;
/// - then the flags, one entry per key (a later flag for the same key wins);
///   a flag `KEY` takes its value from `lookup`, and when unset is sent as
///   the bare `KEY`, which makes the engine drop the image's `KEY`;
/// - a flag with an empty key (`=value`) is refused; other keys are not
///   checked, so a flag may contain whitespace but a file key may not.
///
/// (docker sends the flag entries in no fixed order; here they keep the
/// order in which their keys first appear.)
pub fn env(
    values: &[String],
    files: &[PathBuf],
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    let mut flags: Vec<String> = Vec::with_capacity(values.len());
    let mut slot_of_key: HashMap<&str, usize> = HashMap::new();
    for value in values {
        let (key, entry) = match value.split_once('=') {
            Some((key, _)) => (key, value.clone()),
            None => (
                value.as_str(),
                lookup(value).map_or_else(|| value.clone(), |found| format!("{value}={found}")),
            ),
        };
        if key.is_empty() {
            return Err(invalid_argument(
                "-e, --env",
                value,
                &format!("invalid environment variable: {value}"),
            ));
        }
        match slot_of_key.get(key) {
            Some(&slot) => flags[slot] = entry,
            None => {
                slot_of_key.insert(key, flags.len());
                flags.push(entry);
            }
        }
    }
    let mut env = Vec::new();
    for file in files {
        env.extend(
            read_kv_file(file, Some(&lookup))
                .map_err(|reason| invalid_argument("--env-file", &display(file), &reason))?,
        );
    }
    env.extend(flags);
    Ok(env)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A file's bytes, with an error worded as Go words it (`open PATH: ...`,
/// `read PATH: ...`).
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| path_error("open", path, &e))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| path_error("read", path, &e))?;
    Ok(bytes)
}

/// Where a bare `KEY` in an env file finds its value; label files have none.
type Lookup<'a> = Option<&'a dyn Fn(&str) -> Option<String>>;

/// The entries of an env or label file.
fn read_kv_file(path: &Path, lookup: Lookup<'_>) -> Result<Vec<String>, String> {
    parse_kv(&read_file(path)?, lookup)
}

/// The longest line Go's line scanner reads; docker fails on longer ones.
const MAX_LINE: usize = 64 * 1024;

/// The lines of a key/value file as docker reads env and label files: a
/// UTF-8 BOM and each line's leading whitespace are dropped, `#` starts a
/// comment line, `KEY=VALUE` is kept as written (trailing whitespace and
/// quotes included), and a bare `KEY` is looked up (and dropped when there
/// is no lookup or the key is unset).
fn parse_kv(bytes: &[u8], lookup: Lookup<'_>) -> Result<Vec<String>, String> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if line.len() >= MAX_LINE {
            return Err("bufio.Scanner: token too long".to_owned());
        }
        line = line.strip_suffix(b"\r").unwrap_or(line);
        let Ok(text) = std::str::from_utf8(line) else {
            let listed: Vec<String> = line.iter().map(u8::to_string).collect();
            return Err(format!(
                "invalid utf8 bytes at line {number}: [{}]",
                listed.join(" ")
            ));
        };
        let text = if number == 1 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        let text = text.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, has_value) = match text.split_once('=') {
            Some((key, _)) => (key, true),
            None => (text, false),
        };
        if key.is_empty() {
            return Err(format!("no variable name on line '{text}'"));
        }
        if key.contains([' ', '\t']) {
            return Err(format!("variable '{key}' contains whitespaces"));
        }
        if has_value {
            entries.push(text.to_owned());
        } else if let Some(value) = lookup.and_then(|lookup| lookup(key)) {
            entries.push(format!("{key}={value}"));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn limit(name: &str, soft: i64, hard: i64) -> ResourcesUlimits {
        ResourcesUlimits {
            name: Some(name.to_owned()),
            soft: Some(soft),
            hard: Some(hard),
        }
    }

    /// A scratch directory for file-reading cases, removed afterwards.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("dpty-opts-misc-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, contents).unwrap();
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn single_ulimits() {
        let cases = [
            ("nofile=1024:2048", limit("nofile", 1024, 2048)),
            ("nproc=10", limit("nproc", 10, 10)),
            ("core=-1", limit("core", -1, -1)),
            ("nice=-1:-1", limit("nice", -1, -1)),
            ("stack=-1:-1", limit("stack", -1, -1)),
            ("rss=5:-1", limit("rss", 5, -1)),
            ("locks=-2:-1", limit("locks", -2, -1)),
            ("locks=-2", limit("locks", -2, -2)),
            ("locks=+5", limit("locks", 5, 5)),
        ];
        for (input, expected) in cases {
            assert_eq!(ulimit(input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_ulimits() {
        let cases = [
            ("foo=1", "invalid ulimit type: foo"),
            ("as=1", "invalid ulimit type: as"),
            ("NOFILE=1", "invalid ulimit type: NOFILE"),
            ("=1", "invalid ulimit type: "),
            ("nofile", "invalid ulimit argument: nofile"),
            (
                "nofile=a",
                r#"strconv.ParseInt: parsing "a": invalid syntax"#,
            ),
            (
                "cpu=unlimited",
                r#"strconv.ParseInt: parsing "unlimited": invalid syntax"#,
            ),
            (
                "memlock= 5",
                r#"strconv.ParseInt: parsing " 5": invalid syntax"#,
            ),
            (
                "rtprio=0x10",
                r#"strconv.ParseInt: parsing "0x10": invalid syntax"#,
            ),
            (
                "nofile=1=2",
                r#"strconv.ParseInt: parsing "1=2": invalid syntax"#,
            ),
            ("nice=0:", r#"strconv.ParseInt: parsing "": invalid syntax"#),
            ("nice=:5", r#"strconv.ParseInt: parsing "": invalid syntax"#),
            (
                "nice=x:y",
                r#"strconv.ParseInt: parsing "y": invalid syntax"#,
            ),
            (
                "nofile=99999999999999999999",
                r#"strconv.ParseInt: parsing "99999999999999999999": value out of range"#,
            ),
            // Go reads an unsigned number first, so this one is still a
            // number when the x comes.
            (
                "nofile=9223372036854775808x",
                r#"strconv.ParseInt: parsing "9223372036854775808x": invalid syntax"#,
            ),
            (
                "nofile=2:1",
                "ulimit soft limit must be less than or equal to hard limit: 2 > 1",
            ),
            (
                "locks=-2:-3",
                "ulimit soft limit must be less than or equal to hard limit: -2 > -3",
            ),
            (
                "nofile=-1:5",
                "ulimit soft limit must be less than or equal to hard limit: \
                 soft: -1 (unlimited), hard: 5",
            ),
            (
                "nofile=1:2:3",
                "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(
                ulimit(input),
                Err(invalid_argument("--ulimit", input, reason)),
                "{input}"
            );
        }
    }

    #[test]
    fn ulimits_are_keyed_by_name_and_sorted() {
        let values = strings(&[
            "nofile=1024:2048",
            "nproc=10",
            "core=-1",
            "nofile=5",
            "stack=-1:-1",
            "rss=5:-1",
            "locks=+5",
        ]);
        assert_eq!(
            ulimits(&values),
            Ok(vec![
                limit("core", -1, -1),
                limit("locks", 5, 5),
                limit("nofile", 5, 5),
                limit("nproc", 10, 10),
                limit("rss", 5, -1),
                limit("stack", -1, -1),
            ])
        );
        assert_eq!(ulimits(&[]), Ok(vec![]));
        assert!(ulimits(&strings(&["nofile=1", "bad=1"])).is_err());
    }

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn sysctl_namespaces() {
        let values = strings(&[
            "net.ipv4.ip_forward=1",
            "kernel.shmmax=5",
            "fs.mqueue.x=a=b",
            "net.a=",
            "net.=1",
            "net.ipv4.ip_forward=0",
        ]);
        assert_eq!(
            sysctls(&values),
            Ok(map(&[
                ("net.ipv4.ip_forward", "0"),
                ("kernel.shmmax", "5"),
                ("fs.mqueue.x", "a=b"),
                ("net.a", ""),
                ("net.", "1"),
            ]))
        );
        for bad in [
            "kernel.foo=1",
            "net.ipv4.ip_forward",
            "=1",
            " net.a=1",
            "kernel.msgmax =1",
            "vm.swappiness=1",
        ] {
            assert_eq!(
                sysctls(&strings(&[bad])),
                Err(invalid_argument(
                    "--sysctl",
                    bad,
                    &format!("sysctl '{bad}' is not allowed")
                )),
                "{bad}"
            );
        }
        assert_eq!(
            key_values("--sysctl", &strings(&["net.a=1"])),
            Ok(map(&[("net.a", "1")]))
        );
    }

    #[test]
    fn labels_from_files_then_flags() {
        let scratch = Scratch::new("labels");
        let first = scratch.file(
            "l1",
            b"\xef\xbb\xbfa=1\n  # comment\n\n  b= 2 \nc\nd=\" q \"\n\te=x\r\nf=\nPATH\n",
        );
        let second = scratch.file("l2", b"a=file2\ng=7");
        assert_eq!(
            labels(&[], std::slice::from_ref(&first)),
            Ok(map(&[
                ("a", "1"),
                ("b", " 2 "),
                ("d", "\" q \""),
                ("e", "x"),
                ("f", "")
            ]))
        );
        let flags = strings(&["a=flag", "k", "z=1=2", "  lead=1", "sp=a b"]);
        assert_eq!(
            labels(&flags, &[first, second]),
            Ok(map(&[
                ("  lead", "1"),
                ("a", "flag"),
                ("b", " 2 "),
                ("d", "\" q \""),
                ("e", "x"),
                ("f", ""),
                ("g", "7"),
                ("k", ""),
                ("z", "1=2"),
                ("sp", "a b"),
            ]))
        );
        assert_eq!(
            labels(&strings(&["a=1", "a=2"]), &[]),
            Ok(map(&[("a", "2")]))
        );
    }

    #[test]
    fn bad_labels() {
        let scratch = Scratch::new("bad-labels");
        let flag_cases = [
            ("", "invalid label '': empty name"),
            ("=x", "invalid label '=x': empty name"),
            (" =x", "invalid label ' =x': empty name"),
            ("a b=1", "label 'a b' contains whitespaces"),
            ("a\tb", "label 'a\tb' contains whitespaces"),
            ("trail =1", "label 'trail ' contains whitespaces"),
        ];
        for (input, reason) in flag_cases {
            assert_eq!(
                labels(&strings(&[input]), &[]),
                Err(invalid_argument("-l, --label", input, reason)),
                "{input:?}"
            );
        }
        let file_cases: [(&[u8], &str); 5] = [
            (b"x y=1\n", "variable 'x y' contains whitespaces"),
            (b"  b = 2\n", "variable 'b ' contains whitespaces"),
            (b"=1\n", "no variable name on line '=1'"),
            (
                b"ok=1\n\xff\xfe\n",
                "invalid utf8 bytes at line 2: [255 254]",
            ),
            (b"c  \n", "variable 'c  ' contains whitespaces"),
        ];
        for (contents, reason) in file_cases {
            let path = scratch.file("bad", contents);
            assert_eq!(
                labels(&[], std::slice::from_ref(&path)),
                Err(invalid_argument("--label-file", &display(&path), reason)),
                "{contents:?}"
            );
        }
        let missing = scratch.0.join("missing");
        assert_eq!(
            labels(&[], std::slice::from_ref(&missing)),
            Err(invalid_argument(
                "--label-file",
                &display(&missing),
                &format!("open {}: no such file or directory", display(&missing))
            ))
        );
        assert_eq!(
            labels(&[], std::slice::from_ref(&scratch.0)),
            Err(invalid_argument(
                "--label-file",
                &display(&scratch.0),
                &format!("read {}: is a directory", display(&scratch.0))
            ))
        );
        let long = [b"a=".as_slice(), &[b'x'; MAX_LINE]].concat();
        let path = scratch.file("long", &long);
        assert_eq!(
            labels(&[], std::slice::from_ref(&path)),
            Err(invalid_argument(
                "--label-file",
                &display(&path),
                "bufio.Scanner: token too long"
            ))
        );
    }

    #[test]
    fn plain_key_value_maps() {
        let logs = strings(&["max-size=1m", "k", "=v", "a=1=2", "max-size=2m"]);
        let expected = map(&[("max-size", "2m"), ("k", ""), ("", "v"), ("a", "1=2")]);
        assert_eq!(key_values("--log-opt", &logs), Ok(expected.clone()));
        assert_eq!(log_opts(None, &logs), Ok(expected));
        assert_eq!(
            log_opts(Some("json-file"), &logs[..1]).map(|m| m.len()),
            Ok(1)
        );
        assert_eq!(log_opts(Some("none"), &[]), Ok(HashMap::new()));
        assert_eq!(
            log_opts(Some("none"), &strings(&[""])),
            Err("invalid logging opts for driver none: \
                 --log-opt cannot be used with --log-driver none"
                .to_owned())
        );
        assert_eq!(
            key_values("--annotation", &strings(&["a=1", "b", "=z", "a=3"])),
            Ok(map(&[("a", "3"), ("b", ""), ("", "z")]))
        );
        assert_eq!(
            key_values("--storage-opt", &strings(&["size=1G", "=x", "size=2G"])),
            Ok(map(&[("size", "2G"), ("", "x")]))
        );
        assert_eq!(
            key_values("--storage-opt", &strings(&["size=1G", "foo"])),
            Err(invalid_argument(
                "--storage-opt",
                "foo",
                "invalid storage option"
            ))
        );
    }

    fn policy(name: RestartPolicyNameEnum, count: i64) -> RestartPolicy {
        RestartPolicy {
            name: Some(name),
            maximum_retry_count: Some(count),
        }
    }

    #[test]
    fn restart_policies() {
        use RestartPolicyNameEnum::*;
        let cases = [
            ("no", policy(NO, 0)),
            ("always", policy(ALWAYS, 0)),
            ("unless-stopped", policy(UNLESS_STOPPED, 0)),
            ("on-failure", policy(ON_FAILURE, 0)),
            ("on-failure:3", policy(ON_FAILURE, 3)),
            ("on-failure:+3", policy(ON_FAILURE, 3)),
            ("on-failure:0", policy(ON_FAILURE, 0)),
            ("on-failure:", policy(ON_FAILURE, 0)),
            ("on-failure:99999999999", policy(ON_FAILURE, 99_999_999_999)),
            ("always:", policy(ALWAYS, 0)),
            ("no:0", policy(NO, 0)),
            ("", policy(EMPTY, 0)),
        ];
        for (input, expected) in cases {
            assert_eq!(restart_policy(input), Ok(expected), "{input}");
        }
        let errors = [
            (
                ":3",
                "invalid restart policy format: no policy provided before colon",
            ),
            (
                "on-failure:x",
                "invalid restart policy format: maximum retry count must be an integer",
            ),
            (
                "on-failure:99999999999999999999",
                "invalid restart policy format: maximum retry count must be an integer",
            ),
            (
                "on-failure: 1",
                "invalid restart policy format: maximum retry count must be an integer",
            ),
            (
                "always:3",
                "invalid restart policy: maximum retry count can only be used with 'on-failure'",
            ),
            (
                "no:1",
                "invalid restart policy: maximum retry count can only be used with 'on-failure'",
            ),
            (
                "unless-stopped:-1",
                "invalid restart policy: maximum retry count can only be used with \
                 'on-failure' and cannot be negative",
            ),
            (
                "on-failure:-1",
                "invalid restart policy: maximum retry count cannot be negative",
            ),
            (
                "foo",
                "invalid restart policy: unknown policy 'foo'; \
                 use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
            ),
            (
                "ON-FAILURE",
                "invalid restart policy: unknown policy 'ON-FAILURE'; \
                 use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
            ),
        ];
        for (input, reason) in errors {
            assert_eq!(
                restart_policy(input),
                Err(invalid_argument("--restart", input, reason)),
                "{input}"
            );
        }
    }

    #[test]
    fn restart_and_rm() {
        use RestartPolicyNameEnum::*;
        let conflict =
            Err("conflicting options: cannot specify both --restart and --rm".to_owned());
        assert_eq!(check_restart_and_rm(&policy(ON_FAILURE, 3), true), conflict);
        assert_eq!(check_restart_and_rm(&policy(ALWAYS, 0), true), conflict);
        assert_eq!(check_restart_and_rm(&policy(ALWAYS, 0), false), Ok(()));
        assert_eq!(check_restart_and_rm(&policy(NO, 0), true), Ok(()));
        assert_eq!(check_restart_and_rm(&policy(EMPTY, 0), true), Ok(()));
        assert_eq!(
            check_restart_and_rm(&RestartPolicy::default(), true),
            Ok(())
        );
    }

    #[test]
    fn security_options() {
        let scratch = Scratch::new("security");
        let profile = scratch.file(
            "sec.json",
            b"{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [ ],\n  \"s\": \"a \\\" b\"\n}\n",
        );
        let inline = r#"seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[],"s":"a \" b"}"#;
        let cases: Vec<(String, Vec<&str>)> = vec![
            ("seccomp=unconfined".into(), vec!["seccomp=unconfined"]),
            ("seccomp:unconfined".into(), vec!["seccomp:unconfined"]),
            ("seccomp=builtin".into(), vec!["seccomp=builtin"]),
            (format!("seccomp={}", display(&profile)), vec![inline]),
            (format!("seccomp:{}", display(&profile)), vec![inline]),
            ("no-new-privileges".into(), vec!["no-new-privileges"]),
            (
                "no-new-privileges:true".into(),
                vec!["no-new-privileges:true"],
            ),
            (
                "no-new-privileges=true".into(),
                vec!["no-new-privileges=true"],
            ),
            ("no-new-privileges=".into(), vec!["no-new-privileges="]),
            ("label=user:USER".into(), vec!["label=user:USER"]),
            ("label:disable".into(), vec!["label:disable"]),
            ("apparmor=unconfined".into(), vec!["apparmor=unconfined"]),
            ("systempaths=unconfined".into(), vec![]),
            (
                "systempaths:unconfined".into(),
                vec!["systempaths:unconfined"],
            ),
            ("a=b=c".into(), vec!["a=b=c"]),
            ("=x".into(), vec!["=x"]),
            (":x".into(), vec![":x"]),
        ];
        for (input, expected) in cases {
            let values = vec![input.clone()];
            assert_eq!(security_opts(&values), Ok(strings(&expected)), "{input}");
            assert_eq!(
                unconfined_system_paths(&values),
                input == "systempaths=unconfined"
            );
        }
        assert_eq!(
            security_opts(&strings(&[
                "label=disable",
                "systempaths=unconfined",
                "apparmor=x"
            ])),
            Ok(strings(&["label=disable", "apparmor=x"]))
        );
    }

    #[test]
    fn bad_security_options() {
        let scratch = Scratch::new("bad-security");
        let bad_json = scratch.file("bad.json", b"{bad");
        let empty = scratch.file("empty.json", b"  ");
        let missing = scratch.0.join("missing.json");
        let dir = display(&scratch.0);
        let cases = [
            (
                "foo".to_owned(),
                "expected KEY=VALUE or KEY:VALUE".to_owned(),
            ),
            (
                "label=".to_owned(),
                "expected KEY=VALUE or KEY:VALUE".to_owned(),
            ),
            (
                "seccomp=".to_owned(),
                "expected KEY=VALUE or KEY:VALUE".to_owned(),
            ),
            (
                format!("seccomp={}", display(&missing)),
                format!(
                    "opening seccomp profile ({0}) failed: open {0}: no such file or directory",
                    display(&missing)
                ),
            ),
            (
                format!("seccomp={dir}"),
                format!("opening seccomp profile ({dir}) failed: read {dir}: is a directory"),
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(
                security_opts(std::slice::from_ref(&input)),
                Err(invalid_argument("--security-opt", &input, &reason)),
                "{input}"
            );
        }
        for file in [bad_json, empty] {
            let input = format!("seccomp={}", display(&file));
            let error = security_opts(std::slice::from_ref(&input)).unwrap_err();
            let start = invalid_argument(
                "--security-opt",
                &input,
                &format!(
                    "compacting json for seccomp profile ({}) failed: ",
                    display(&file)
                ),
            );
            assert!(error.starts_with(&start), "{error}");
        }
    }

    #[test]
    fn capabilities_are_normalised() {
        let add = strings(&[
            "net_admin",
            "CAP_SYS_ADMIN",
            " chown ",
            "all",
            "Net_Admin",
            "cap_chown",
            "",
            "reset",
        ]);
        assert_eq!(
            capabilities(&add),
            strings(&[
                "ALL",
                "CAP_",
                "CAP_ CHOWN ",
                "CAP_CHOWN",
                "CAP_NET_ADMIN",
                "CAP_RESET",
                "CAP_SYS_ADMIN",
            ])
        );
        assert_eq!(
            capabilities(&strings(&["ALL", "cap_chown", "All"])),
            strings(&["ALL", "CAP_CHOWN"])
        );
        assert_eq!(capabilities(&[]), Vec::<String>::new());
    }

    fn health(test: Option<&[&str]>, interval: i64, timeout: i64, retries: i64) -> HealthConfig {
        let non_zero = |n: i64| (n != 0).then_some(n);
        HealthConfig {
            test: test.map(strings),
            interval: non_zero(interval),
            timeout: non_zero(timeout),
            retries: non_zero(retries),
            ..HealthConfig::default()
        }
    }

    #[test]
    fn healthchecks() {
        let none = HealthArgs::default();
        assert_eq!(healthcheck(&none), Ok(None));
        let cases = [
            (
                HealthArgs {
                    cmd: Some("curl -f x"),
                    ..none
                },
                Some(health(Some(&["CMD-SHELL", "curl -f x"]), 0, 0, 0)),
            ),
            (
                HealthArgs {
                    interval: Some("1m30s"),
                    retries: Some(3),
                    ..none
                },
                Some(health(None, 90_000_000_000, 0, 3)),
            ),
            (
                HealthArgs {
                    no_healthcheck: true,
                    ..none
                },
                Some(health(Some(&["NONE"]), 0, 0, 0)),
            ),
            // Zero values are no request at all.
            (
                HealthArgs {
                    timeout: Some("0s"),
                    cmd: Some(""),
                    retries: Some(0),
                    ..none
                },
                None,
            ),
            (
                HealthArgs {
                    no_healthcheck: true,
                    retries: Some(0),
                    interval: Some("0"),
                    ..none
                },
                Some(health(Some(&["NONE"]), 0, 0, 0)),
            ),
            (
                HealthArgs {
                    cmd: Some("x"),
                    start_period: Some("1.5s"),
                    timeout: Some("2ms"),
                    start_interval: Some("2s"),
                    ..none
                },
                Some(HealthConfig {
                    start_period: Some(1_500_000_000),
                    start_interval: Some(2_000_000_000),
                    ..health(Some(&["CMD-SHELL", "x"]), 0, 2_000_000, 0)
                }),
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(healthcheck(&args), Ok(expected), "{args:?}");
        }
    }

    #[test]
    fn bad_healthchecks() {
        let none = HealthArgs::default();
        let cases = [
            (
                HealthArgs {
                    no_healthcheck: true,
                    cmd: Some("x"),
                    ..none
                },
                "--no-healthcheck conflicts with --health-* options".to_owned(),
            ),
            (
                HealthArgs {
                    no_healthcheck: true,
                    retries: Some(1),
                    ..none
                },
                "--no-healthcheck conflicts with --health-* options".to_owned(),
            ),
            (
                HealthArgs {
                    interval: Some("-1s"),
                    retries: Some(-1),
                    ..none
                },
                invalid_argument("--health-interval", "-1s", "cannot be negative"),
            ),
            (
                HealthArgs {
                    timeout: Some("-1s"),
                    ..none
                },
                invalid_argument("--health-timeout", "-1s", "cannot be negative"),
            ),
            (
                HealthArgs {
                    retries: Some(-1),
                    ..none
                },
                invalid_argument("--health-retries", "-1", "cannot be negative"),
            ),
            (
                HealthArgs {
                    start_period: Some("-1s"),
                    ..none
                },
                invalid_argument("--health-start-period", "-1s", "cannot be negative"),
            ),
            (
                HealthArgs {
                    start_interval: Some("-2s"),
                    ..none
                },
                invalid_argument("--health-start-interval", "-2s", "cannot be negative"),
            ),
            (
                HealthArgs {
                    interval: Some("1x"),
                    ..none
                },
                invalid_argument(
                    "--health-interval",
                    "1x",
                    r#"time: unknown unit "x" in duration "1x""#,
                ),
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(healthcheck(&args), Err(expected), "{args:?}");
        }
    }

    #[test]
    fn go_durations() {
        let cases = [
            ("0", Ok(0)),
            ("-0", Ok(0)),
            ("+0", Ok(0)),
            ("1s", Ok(1_000_000_000)),
            ("1.5s", Ok(1_500_000_000)),
            (".5s", Ok(500_000_000)),
            ("5.s", Ok(5_000_000_000)),
            ("1h2m3s4ms5us6ns", Ok(3_723_004_005_006)),
            ("1\u{b5}s", Ok(1_000)),
            ("1\u{3bc}s", Ok(1_000)),
            ("-1m", Ok(-60_000_000_000)),
            ("2562047h47m16.854775807s", Ok(i64::MAX)),
            ("-2562047h47m16.854775808s", Ok(i64::MIN)),
            ("0.000000001s", Ok(1)),
            ("0.1234567891s", Ok(123_456_789)),
            ("", Err(r#"time: invalid duration """#)),
            ("-", Err(r#"time: invalid duration "-""#)),
            ("s", Err(r#"time: invalid duration "s""#)),
            (".s", Err(r#"time: invalid duration ".s""#)),
            ("1", Err(r#"time: missing unit in duration "1""#)),
            ("1s2", Err(r#"time: missing unit in duration "1s2""#)),
            ("1x", Err(r#"time: unknown unit "x" in duration "1x""#)),
            ("1S", Err(r#"time: unknown unit "S" in duration "1S""#)),
            (" 1s", Err(r#"time: invalid duration " 1s""#)),
            (
                "2562047h47m16.854775808s",
                Err(r#"time: invalid duration "2562047h47m16.854775808s""#),
            ),
            (
                "9223372036854775808ns",
                Err(r#"time: invalid duration "9223372036854775808ns""#),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                units::duration_nanos(input),
                expected.map_err(str::to_owned),
                "{input}"
            );
        }
    }

    #[test]
    fn namespace_modes() {
        let good = [
            ("--ipc", ""),
            ("--ipc", "none"),
            ("--ipc", "private"),
            ("--ipc", "shareable"),
            ("--ipc", "host"),
            ("--ipc", "container:web"),
            ("--ipc", "container:"),
            ("--pid", "host"),
            ("--pid", "container:web"),
            ("pid", ""),
            ("--uts", "host"),
            ("--userns", "host"),
            ("--cgroupns", "host"),
            ("--cgroupns", "private"),
        ];
        for (flag, value) in good {
            assert_eq!(
                namespace_mode(flag, value).as_deref(),
                Ok(value),
                "{flag} {value}"
            );
        }
        let bad = [
            ("--ipc", "foo", "invalid IPC mode"),
            ("--ipc", "Host", "invalid IPC mode"),
            ("--pid", "foo", "invalid PID mode"),
            ("--pid", "container:", "invalid PID mode"),
            ("--pid", "private", "invalid PID mode"),
            ("--uts", "foo", "invalid UTS mode"),
            ("--uts", "private", "invalid UTS mode"),
            ("--userns", "foo", "invalid USER mode"),
            ("--cgroupns", "foo", "invalid CGROUP mode"),
            ("cgroupns", "none", "invalid CGROUP mode"),
        ];
        for (flag, value, reason) in bad {
            let flag_name = format!("--{}", flag.trim_start_matches('-'));
            assert_eq!(
                namespace_mode(flag, value),
                Err(invalid_argument(&flag_name, value, reason)),
                "{flag} {value}"
            );
        }
        assert!(namespace_mode("--net", "host").is_err());
    }

    #[test]
    fn api_versions_of_flags() {
        assert_eq!(
            require_api("--health-start-interval", (1, 41)),
            Err("\"--health-start-interval\" requires API version 1.44, \
                 but the Docker daemon API version is 1.41"
                .to_owned())
        );
        assert_eq!(
            require_api("annotation", (1, 41)),
            Err("\"--annotation\" requires API version 1.43, \
                 but the Docker daemon API version is 1.41"
                .to_owned())
        );
        assert_eq!(require_api("--cgroupns", (1, 41)), Ok(()));
        assert!(require_api("--cgroupns", (1, 40)).is_err());
        assert_eq!(require_api("--health-start-interval", (1, 44)), Ok(()));
        assert!(require_api("--init", (1, 9)).is_err());
        assert_eq!(require_api("--env", (1, 12)), Ok(()));
    }

    #[test]
    fn environment_from_files_then_flags() {
        let scratch = Scratch::new("env");
        let file = scratch.file(
            "e1",
            b"\xef\xbb\xbfA=1\n  # c\n\nB= 2 \nHOME\nNOPE_UNSET\nD=\"q\"\r\nA=again\nEMPTY\n",
        );
        let lookup = |key: &str| match key {
            "HOME" => Some("/root".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(
            env(&[], std::slice::from_ref(&file), lookup),
            Ok(strings(&[
                "A=1",
                "B= 2 ",
                "HOME=/root",
                "D=\"q\"",
                "A=again",
                "EMPTY="
            ]))
        );
        let flags = strings(&[
            "Z=1",
            "A=flag",
            "HOME",
            "NOPE_UNSET",
            "Z=2",
            "K=",
            "W=1=2",
            "sp ace=1",
            " lead=1",
        ]);
        assert_eq!(
            env(&flags, std::slice::from_ref(&file), lookup),
            Ok(strings(&[
                "A=1",
                "B= 2 ",
                "HOME=/root",
                "D=\"q\"",
                "A=again",
                "EMPTY=",
                "Z=2",
                "A=flag",
                "HOME=/root",
                "NOPE_UNSET",
                "K=",
                "W=1=2",
                "sp ace=1",
                " lead=1",
            ]))
        );
        // A bare flag after a valued one replaces it, and the other way round.
        assert_eq!(
            env(&strings(&["X=1", "X", "Y", "Y=2"]), &[], lookup),
            Ok(strings(&["X", "Y=2"]))
        );
        assert_eq!(env(&[], &[], lookup), Ok(vec![]));
    }

    #[test]
    fn bad_environment() {
        let scratch = Scratch::new("bad-env");
        let lookup = |_: &str| None;
        for value in ["=x", ""] {
            assert_eq!(
                env(&strings(&[value]), &[], lookup),
                Err(invalid_argument(
                    "-e, --env",
                    value,
                    &format!("invalid environment variable: {value}")
                ))
            );
        }
        let file = scratch.file("e2", b"X=1\n bad key=1\n");
        assert_eq!(
            env(&[], std::slice::from_ref(&file), lookup),
            Err(invalid_argument(
                "--env-file",
                &display(&file),
                "variable 'bad key' contains whitespaces"
            ))
        );
        let missing = scratch.0.join("none");
        assert_eq!(
            env(&[], std::slice::from_ref(&missing), lookup),
            Err(invalid_argument(
                "--env-file",
                &display(&missing),
                &format!("open {}: no such file or directory", display(&missing))
            ))
        );
    }

    #[test]
    fn json_is_compacted_verbatim() {
        assert_eq!(
            compact_json(b" { \"b\" : 1.50 , \"a\" : [ 1 , \"x y\\\\\" ] } \n"),
            Ok(r#"{"b":1.50,"a":[1,"x y\\"]}"#.to_owned())
        );
        assert!(compact_json(b"{} {}").is_err());
        assert!(compact_json(b"").is_err());
    }
}
