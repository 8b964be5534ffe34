//! `docker run`'s options, turned into the container-create request the
//! docker CLI would send for the same command line. docker's own option
//! parsing (docker/cli `cli/command/container/opts.go` and `opts/`) is the
//! specification. [`container`] is the list of the families of options; each
//! family is one function that checks its values and fills in its part of
//! the request, in the submodule of that family (`misc.rs` holds several)
//! beside the syntax of its values and a table of cases. How the container
//! runs, its process and its resources have no file of their own and are
//! here. `go.rs` and `bignum.rs` hold the Go library behaviour they share.
//!
//! Parsers return a refused value's whole message as a plain `String`, in
//! docker's shape (`invalid argument "VALUE" for "FLAG" flag: REASON`), so
//! every message a user sees names the option and the value; unit parsers
//! (sizes, durations) return only the reason, and their caller adds the rest.
//! [`container`] turns these into an [`Invalid`] with docker's exit status,
//! before anything reaches the engine.

mod bignum;
pub mod devices;
mod go;
pub mod misc;
pub mod mounts;
pub mod net;
pub mod platform;
pub mod ports;
pub mod units;

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::cli::{ContainerArgs, RunArgs};

/// A `docker run` option value or combination refused before anything was
/// sent, as one line for the user, with the docker CLI's exit status for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    /// 125 for a bad value; docker gives 1 for some conflicts and for options
    /// the engine is too old for.
    pub status: crate::exit_code::Status,
}

impl Invalid {
    fn value(message: impl Into<String>) -> Self {
        Invalid {
            message: message.into(),
            status: crate::exit_code::Status::EngineRefused,
        }
    }

    fn general(message: impl Into<String>) -> Self {
        Invalid {
            message: message.into(),
            status: crate::exit_code::Status::General,
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}

/// docker's message for a refused option value: `invalid argument "VALUE"
/// for "FLAG" flag: REASON`, with the value quoted as Go quotes it.
pub fn invalid_argument(flag: &str, value: &str, reason: &str) -> String {
    format!(
        "invalid argument {} for \"{flag}\" flag: {reason}",
        go::go_quote(value)
    )
}

/// What the command line says beyond the options themselves.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The process gets a TTY.
    pub tty: bool,
    /// Stdin is kept open for the process (docker -i, or dpty's default).
    pub stdin: bool,
    /// The terminal's size, for the TTY's first size.
    pub console_size: Option<(u16, u16)>,
    /// Relative bind-mount sources are taken from here.
    pub cwd: &'a Path,
    /// Our own environment, for `-e KEY` without a value.
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// Proxy variables from the docker config file, for every container.
    pub proxy_env: &'a [(String, String)],
}

/// Which of the container's streams the session attaches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attach {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Attach {
    /// Whether the session attaches at all; with nothing attached, `run`
    /// prints the id and returns, as with `-d`.
    pub fn any(self) -> bool {
        self.stdin || self.stdout || self.stderr
    }
}

/// The create request for one `dpty run` command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// The `name` query parameter.
    pub name: Option<String>,
    /// `--platform` as the user gave it, for the pull.
    pub platform: Option<String>,
    /// The same, normalised, for the create request; none where the engine
    /// is too old to take it.
    pub platform_query: Option<String>,
    /// The platform's OS, normalised.
    platform_os: Option<String>,
    /// The body: Config fields, `HostConfig` and `NetworkingConfig`.
    pub body: Value,
    pub attach: Attach,
    pub detach: bool,
    pub cidfile: Option<PathBuf>,
    pub use_api_socket: bool,
    /// What the docker CLI warns about while reading these options.
    pub warnings: Vec<String>,
    /// `--mount`, for the checks that depend on the engine's version.
    mounts: Vec<bollard::models::Mount>,
    /// The networking options, resolved again for the engine's API version.
    network: OwnedNetworkArgs,
    /// Options given that some API versions do not have.
    needs_api: Vec<&'static str>,
    /// Options only an engine on Windows takes.
    windows_only: Vec<&'static str>,
}

/// Turns a `dpty run` command line into the create request the docker CLI
/// sends for it, refusing what docker refuses.
///
/// Each family of options below checks its values and fills in its own
/// fields of the body; the first refusal ends it. docker checks some values
/// while it reads the flags and the rest afterwards, so a line with bad
/// values in two families may be refused here for the other one.
pub fn container(args: &RunArgs, context: &Context<'_>) -> Result<Container, Invalid> {
    let c = &args.container;
    let mut body = Body::new();
    let attach = running(args, context, &mut body)?;
    let platform = platform::requested(c.platform.as_deref()).map_err(Invalid::value)?;
    let mounts = mounts::storage(c, context.cwd, &mut body).map_err(Invalid::value)?;
    ports::publishing(c, &mut body).map_err(Invalid::value)?;
    process(args, context, &mut body).map_err(Invalid::value)?;
    misc::labels_and_names(c, &mut body).map_err(Invalid::value)?;
    misc::namespaces(c, &mut body).map_err(Invalid::value)?;
    misc::logging(c, &mut body).map_err(Invalid::value)?;
    misc::security(c, &mut body).map_err(Invalid::value)?;
    misc::health(c, &mut body).map_err(Invalid::value)?;
    resources(c, &mut body)?;
    net::network(c, &mut body).map_err(Invalid::value)?;
    devices::host_devices(c, &mut body).map_err(Invalid::value)?;
    Ok(Container {
        name: args.name.clone(),
        platform: c.platform.clone().filter(|p| !p.is_empty()),
        platform_query: platform.as_ref().map(platform::Platform::query),
        platform_os: platform.map(|p| p.os),
        body: body.0,
        network: network_args_owned(c),
        attach,
        detach: c.detach,
        cidfile: c.cidfile.clone().filter(|p| !p.as_os_str().is_empty()),
        use_api_socket: c.use_api_socket,
        warnings: mounts::mount_warnings(&c.mounts),
        mounts,
        needs_api: needs_api(c),
        windows_only: windows_only(c),
    })
}

/// The create request's body while the families of options fill it in:
/// the fields of `Config`, with `HostConfig` among them.
struct Body(Value);

impl Body {
    fn new() -> Self {
        Body(json!({ "HostConfig": {} }))
    }

    /// Sets fields of `Config`, given as a JSON object.
    fn config(&mut self, fields: Value) {
        extend(&mut self.0, fields);
    }

    /// Sets fields of `HostConfig`, given as a JSON object.
    fn host(&mut self, fields: Value) {
        extend(&mut self.0["HostConfig"], fields);
    }
}

fn extend(object: &mut Value, fields: Value) {
    if let (Some(object), Value::Object(fields)) = (object.as_object_mut(), fields) {
        object.extend(fields);
    }
}

/// How the container runs and how the session meets it: `-a`, `-d`,
/// `--rm`, `--restart`, `--init`, `--stop-signal`, `--stop-timeout`,
/// `--cidfile`, and the streams and TTY the command line asks for.
fn running(args: &RunArgs, context: &Context<'_>, body: &mut Body) -> Result<Attach, Invalid> {
    let c = &args.container;
    let attach = attach_streams(c, context.stdin)?;
    if c.detach && !c.attach.is_empty() {
        return Err(Invalid::general(
            "conflicting options: cannot specify both --attach and --detach",
        ));
    }
    if !args.disable_content_trust {
        return Err(Invalid::value(
            "--disable-content-trust=false: dpty does not verify image signatures; \
             drop the option or verify the image with the docker CLI",
        ));
    }
    let attach = if c.detach {
        Attach {
            stdin: false,
            stdout: false,
            stderr: false,
        }
    } else {
        attach
    };
    let restart = match &c.restart {
        Some(policy) => {
            let policy = misc::restart_policy(policy).map_err(Invalid::value)?;
            misc::check_restart_and_rm(&policy, args.rm).map_err(Invalid::value)?;
            to_value(&policy)
        }
        None => json!({"Name": "no"}),
    };
    let open_stdin = context.stdin;
    body.config(json!({
        "AttachStdin": attach.stdin,
        "AttachStdout": attach.stdout,
        "AttachStderr": attach.stderr,
        "Tty": context.tty,
        "OpenStdin": open_stdin,
        "StdinOnce": open_stdin && attach.stdin,
        "StopSignal": c.stop_signal.clone().unwrap_or_default(),
    }));
    if let Some(timeout) = c.stop_timeout {
        body.config(json!({ "StopTimeout": timeout }));
    }
    body.host(json!({
        "ContainerIDFile": c.cidfile.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        "RestartPolicy": restart,
        "AutoRemove": args.rm,
        "ConsoleSize": context.console_size.map_or([0, 0], |(rows, cols)| [rows, cols]),
    }));
    if let Some(init) = c.init {
        body.host(json!({ "Init": init }));
    }
    Ok(attach)
}

/// The process the container runs: the image and command, `--entrypoint`,
/// `-e`, `--env-file`, `-u`, `-w` and `--privileged`.
fn process(args: &RunArgs, context: &Context<'_>, body: &mut Body) -> Result<(), String> {
    let mut words = args.image_and_command.iter();
    let image = words.next().cloned().unwrap_or_default();
    let command: Vec<String> = words.cloned().collect();
    let env_flags = env_flags(&args.process.env, context.proxy_env);
    let env = misc::env(&env_flags, &args.process.env_file, context.lookup)?;
    body.config(json!({
        "User": args.process.user.clone().unwrap_or_default(),
        "Env": env,
        "Cmd": (!command.is_empty()).then_some(command),
        "Image": image,
        "WorkingDir": args.process.workdir.clone().unwrap_or_default(),
        "Entrypoint": args.entrypoint.as_ref().map(|e| vec![e.clone()]),
    }));
    body.host(json!({ "Privileged": args.process.privileged }));
    Ok(())
}

/// Memory, CPU, block IO weight, process and file limits: the options
/// docker's help lists under resources, the Windows-only ones included
/// (the device IO limits are with the devices).
fn resources(c: &ContainerArgs, body: &mut Body) -> Result<(), Invalid> {
    if c.memory_swappiness != -1 && !(0..=100).contains(&c.memory_swappiness) {
        return Err(Invalid::value(format!(
            "invalid value: {}. Valid memory swappiness range is 0-100",
            c.memory_swappiness
        )));
    }
    let bytes = |flag: &str, value: &Option<String>| -> Result<i64, Invalid> {
        match value {
            Some(v) => {
                units::ram_in_bytes(v).map_err(|r| Invalid::value(invalid_argument(flag, v, &r)))
            }
            None => Ok(0),
        }
    };
    let memory = bytes("-m, --memory", &c.memory)?;
    let memory_reservation = bytes("--memory-reservation", &c.memory_reservation)?;
    let kernel_memory = bytes("--kernel-memory", &c.kernel_memory)?;
    let shm_size = bytes("--shm-size", &c.shm_size)?;
    let io_max_bandwidth = bytes("--io-maxbandwidth", &c.io_maxbandwidth)?;
    let memory_swap = match &c.memory_swap {
        Some(v) => units::mem_swap(v)
            .map_err(|r| Invalid::value(invalid_argument("--memory-swap", v, &r)))?,
        None => 0,
    };
    let nano_cpus = match &c.cpus {
        Some(v) => {
            units::nano_cpus(v).map_err(|r| Invalid::value(invalid_argument("--cpus", v, &r)))?
        }
        None => 0,
    };
    let ulimits = misc::ulimits(&c.ulimits).map_err(Invalid::value)?;
    body.host(json!({
        "Memory": memory,
        "MemoryReservation": memory_reservation,
        "MemorySwap": memory_swap,
        "MemorySwappiness": c.memory_swappiness,
        "KernelMemory": kernel_memory,
        "OomKillDisable": c.oom_kill_disable,
        "OomScoreAdj": c.oom_score_adj,
        "NanoCpus": nano_cpus,
        "CpuShares": c.cpu_shares,
        "CpuPeriod": c.cpu_period,
        "CpuQuota": c.cpu_quota,
        "CpuRealtimePeriod": c.cpu_rt_period,
        "CpuRealtimeRuntime": c.cpu_rt_runtime,
        "CpusetCpus": c.cpuset_cpus.clone().unwrap_or_default(),
        "CpusetMems": c.cpuset_mems.clone().unwrap_or_default(),
        "BlkioWeight": c.blkio_weight,
        "PidsLimit": c.pids_limit,
        "Ulimits": to_value(&ulimits),
        "ShmSize": shm_size,
        "CpuCount": c.cpu_count.unwrap_or(0),
        "CpuPercent": c.cpu_percent.unwrap_or(0),
        "IOMaximumIOps": c.io_maxiops.unwrap_or(0),
        "IOMaximumBandwidth": io_max_bandwidth,
    }));
    Ok(())
}

/// The options given that some API versions do not have; each is refused
/// once the engine turns out to be older (see `misc::require_api`).
fn needs_api(c: &ContainerArgs) -> Vec<&'static str> {
    given([
        ("--annotation", !c.annotations.is_empty()),
        ("--health-start-interval", c.health_start_interval.is_some()),
        ("--health-start-period", c.health_start_period.is_some()),
        ("--cgroupns", c.cgroupns.is_some()),
        ("--gpus", !c.gpus.is_empty()),
        (
            "--platform",
            c.platform.as_ref().is_some_and(|p| !p.is_empty()),
        ),
        ("--stop-timeout", c.stop_timeout.is_some()),
        ("--init", c.init.is_some()),
        ("--cpus", c.cpus.is_some()),
    ])
}

/// The options given that only an engine on Windows takes.
fn windows_only(c: &ContainerArgs) -> Vec<&'static str> {
    given([
        ("--cpu-count", c.cpu_count.is_some()),
        ("--cpu-percent", c.cpu_percent.is_some()),
        ("--io-maxbandwidth", c.io_maxbandwidth.is_some()),
        ("--io-maxiops", c.io_maxiops.is_some()),
    ])
}

/// The flags of `flags` marked as given, in their order.
fn given<const N: usize>(flags: [(&'static str, bool); N]) -> Vec<&'static str> {
    flags
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
}

impl Container {
    /// Applies what depends on the engine, as the docker CLI does once it has
    /// pinged it: options its API version or OS cannot take are refused, and
    /// fields it would not understand are left out.
    pub fn for_engine(&mut self, api: (usize, usize), os_type: &str) -> Result<(), Invalid> {
        for flag in &self.needs_api {
            misc::require_api(flag, api).map_err(Invalid::general)?;
        }
        if !os_type.is_empty() && os_type != "windows" {
            if let Some(flag) = self.windows_only.first() {
                return Err(Invalid::general(format!(
                    "\"{flag}\" is only supported on a Docker daemon running on windows, \
                     but the Docker daemon is running on {os_type}"
                )));
            }
        }
        let networking = net::networking(&self.network.borrowed(), api).map_err(Invalid::value)?;
        net::set_networking(&mut self.body, networking);
        let host = self.body["HostConfig"].as_object_mut();
        if let Some(host) = host {
            // Kernel memory exists only between API 1.40 and 1.41.
            if !((1, 40)..(1, 42)).contains(&api) {
                host.remove("KernelMemory");
            }
        }
        let version = format!("{}.{}", api.0, api.1);
        mounts::check_api_version(&self.mounts, &version).map_err(Invalid::value)?;
        if api >= (1, 44) {
            if let Some(config) = self.body.as_object_mut() {
                config.remove("MacAddress");
            }
        }
        if api < (1, 41) {
            self.platform_query = None;
            self.platform_os = None;
        }
        // Below API 1.42 a Linux engine ignores the size at create; the docker
        // CLI then leaves it out for a Linux platform (the first resize sets it).
        if self.platform_os.as_deref() == Some("linux") && api < (1, 42) {
            self.body["HostConfig"]["ConsoleSize"] = json!([0, 0]);
        }
        Ok(())
    }
}

impl Container {
    /// `--use-api-socket`: the engine's socket is mounted at
    /// `/var/run/docker.sock`, which needs an engine reached by a unix socket.
    pub fn mount_api_socket(&mut self, endpoint: &str) -> Result<(), Invalid> {
        if !self.use_api_socket {
            return Ok(());
        }
        let Some(socket) = endpoint.strip_prefix("unix://") else {
            return Err(Invalid::value(format!(
                "flag --use-api-socket can only be used with unix sockets: docker endpoint {endpoint} incompatible"
            )));
        };
        let mount = json!({
            "Type": "bind",
            "Source": socket,
            "Target": "/var/run/docker.sock",
            "BindOptions": {},
        });
        let host = &mut self.body["HostConfig"];
        match host["Mounts"].as_array_mut() {
            Some(mounts) => mounts.push(mount),
            None => host["Mounts"] = json!([mount]),
        }
        Ok(())
    }
}

/// The networking options, kept until the engine's API version is known.
#[derive(Debug, Clone, PartialEq, Default)]
struct OwnedNetworkArgs {
    networks: Vec<String>,
    aliases: Vec<String>,
    ipv4: Option<String>,
    ipv6: Option<String>,
    links: Vec<String>,
    link_local_ips: Vec<String>,
    mac_address: Option<String>,
}

impl OwnedNetworkArgs {
    fn borrowed(&self) -> net::NetworkArgs<'_> {
        net::NetworkArgs {
            networks: &self.networks,
            aliases: &self.aliases,
            ipv4: self.ipv4.as_deref(),
            ipv6: self.ipv6.as_deref(),
            links: &self.links,
            link_local_ips: &self.link_local_ips,
            mac_address: self.mac_address.as_deref(),
        }
    }
}

fn network_args_owned(c: &ContainerArgs) -> OwnedNetworkArgs {
    OwnedNetworkArgs {
        networks: c.networks.clone(),
        aliases: c.network_aliases.clone(),
        ipv4: c.ip.clone(),
        ipv6: c.ip6.clone(),
        links: c.links.clone(),
        link_local_ips: c.link_local_ips.clone(),
        mac_address: c.mac_address.clone(),
    }
}

/// The `-e` values, then the config file's proxy variables that `-e` does
/// not set, as the docker CLI adds them.
fn env_flags(flags: &[String], proxy_env: &[(String, String)]) -> Vec<String> {
    let given = |name: &str| {
        flags
            .iter()
            .any(|item| item.split('=').next() == Some(name))
    };
    let mut out = flags.to_vec();
    for (name, value) in proxy_env {
        if !given(name) {
            out.push(format!("{name}={value}"));
        }
    }
    out
}

/// `-a` values, validated; with none, stdout and stderr. Stdin is attached
/// whenever it is kept open.
fn attach_streams(c: &ContainerArgs, stdin: bool) -> Result<Attach, Invalid> {
    let mut attach = Attach {
        stdin,
        stdout: c.attach.is_empty(),
        stderr: c.attach.is_empty(),
    };
    for stream in &c.attach {
        match stream.to_ascii_lowercase().as_str() {
            "stdin" => attach.stdin = true,
            "stdout" => attach.stdout = true,
            "stderr" => attach.stderr = true,
            _ => {
                return Err(Invalid::value(invalid_argument(
                    "-a, --attach",
                    stream,
                    "valid streams are STDIN, STDOUT and STDERR",
                )))
            }
        }
    }
    Ok(attach)
}

/// `{"80/tcp": {}, ...}`: the shape the API wants for sets.
fn empty_objects(keys: &[String]) -> Value {
    Value::Object(
        keys.iter()
            .map(|k| (k.clone(), Value::Object(Map::new())))
            .collect(),
    )
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_flag_and_quote_the_value() {
        assert_eq!(
            invalid_argument("-m, --memory", "abc", "invalid size: 'abc'"),
            r#"invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'"#
        );
        assert_eq!(
            invalid_argument("-l, --label", "a\tb", "why"),
            r#"invalid argument "a\tb" for "-l, --label" flag: why"#
        );
    }
}
