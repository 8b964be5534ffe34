//! The container options of `dpty run`, named and spelled as `docker run`'s
//! (docker CLI 28), so a command line written for docker works unchanged.
//! Values stay as the user typed them; the binary turns them into the
//! create request and refuses bad ones before anything reaches the engine.

use std::path::PathBuf;

use clap::{ArgAction, Args};

/// Every `docker run` option that shapes the container itself. The headings
/// group them in `dpty run --help`; the interactive ones come first there.
#[derive(Debug, Clone, Default, Args)]
pub struct ContainerArgs {
    // --- Running ------------------------------------------------------------------------------
    /// Run the container in the background and print its id (docker -d)
    #[arg(short = 'd', long, help_heading = "Running", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub detach: bool,

    /// Attach to STDIN, STDOUT or STDERR only (docker -a; repeatable)
    #[arg(short = 'a', long, help_heading = "Running", value_name = "STREAM")]
    pub attach: Vec<String>,

    /// Write the container's id to this file (docker --cidfile)
    #[arg(long, help_heading = "Running", value_name = "PATH")]
    pub cidfile: Option<PathBuf>,

    /// Run an init as pid 1 that forwards signals and reaps processes (docker --init)
    #[arg(long, help_heading = "Running", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub init: Option<bool>,

    /// Restart policy: no, always, unless-stopped, on-failure[:MAX] (docker --restart)
    #[arg(long, help_heading = "Running", value_name = "POLICY")]
    pub restart: Option<String>,

    /// Signal to stop the container with (docker --stop-signal)
    #[arg(long, help_heading = "Running", value_name = "SIGNAL")]
    pub stop_signal: Option<String>,

    /// Seconds to wait for the container to stop before killing it (docker --stop-timeout)
    #[arg(
        long,
        help_heading = "Running",
        value_name = "SECONDS",
        allow_negative_numbers = true
    )]
    pub stop_timeout: Option<i64>,

    // --- Container ----------------------------------------------------------------------------
    /// Container host name (docker -h; help is --help)
    #[arg(short = 'h', long, help_heading = "Container", value_name = "NAME")]
    pub hostname: Option<String>,

    /// Container NIS domain name (docker --domainname)
    #[arg(long, help_heading = "Container", value_name = "NAME")]
    pub domainname: Option<String>,

    /// Set metadata: KEY=VALUE (docker -l; repeatable)
    #[arg(
        short = 'l',
        long = "label",
        help_heading = "Container",
        value_name = "KEY=VALUE"
    )]
    pub labels: Vec<String>,

    /// Read labels from a file of KEY=VALUE lines (docker --label-file)
    #[arg(long = "label-file", help_heading = "Container", value_name = "PATH")]
    pub label_files: Vec<PathBuf>,

    /// Add an annotation passed to the OCI runtime: KEY=VALUE (docker --annotation; API 1.43+)
    #[arg(
        long = "annotation",
        help_heading = "Container",
        value_name = "KEY=VALUE"
    )]
    pub annotations: Vec<String>,

    /// Platform of the image, e.g. linux/amd64 (docker --platform; also for the pull;
    /// default DOCKER_DEFAULT_PLATFORM)
    #[arg(
        long,
        help_heading = "Container",
        env = "DOCKER_DEFAULT_PLATFORM",
        hide_env = true,
        value_name = "PLATFORM"
    )]
    pub platform: Option<String>,

    /// Command that checks the container's health (docker --health-cmd)
    #[arg(long, help_heading = "Container", value_name = "COMMAND")]
    pub health_cmd: Option<String>,

    /// Time between health checks, e.g. 30s (docker --health-interval)
    #[arg(
        long,
        help_heading = "Container",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub health_interval: Option<String>,

    /// Consecutive failures before the container is unhealthy (docker --health-retries)
    #[arg(
        long,
        help_heading = "Container",
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub health_retries: Option<i64>,

    /// Longest time one health check may run (docker --health-timeout)
    #[arg(
        long,
        help_heading = "Container",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub health_timeout: Option<String>,

    /// Time to start up before failed checks count (docker --health-start-period)
    #[arg(
        long,
        help_heading = "Container",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub health_start_period: Option<String>,

    /// Time between checks during the start period (docker --health-start-interval; API 1.44+)
    #[arg(
        long,
        help_heading = "Container",
        value_name = "DURATION",
        allow_hyphen_values = true
    )]
    pub health_start_interval: Option<String>,

    /// Disable the image's HEALTHCHECK (docker --no-healthcheck)
    #[arg(long, help_heading = "Container", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub no_healthcheck: bool,

    /// Logging driver for the container (docker --log-driver)
    #[arg(long, help_heading = "Container", value_name = "DRIVER")]
    pub log_driver: Option<String>,

    /// Logging driver option: KEY=VALUE (docker --log-opt; repeatable)
    #[arg(long = "log-opt", help_heading = "Container", value_name = "KEY=VALUE")]
    pub log_opts: Vec<String>,

    // --- Network ------------------------------------------------------------------------------
    /// Connect to a network: none, host, bridge, container:NAME, a network name, or
    /// name=NET,alias=A,ip=IP,... (docker --network; repeatable)
    #[arg(
        long = "network",
        help = "Network to join: NAME, none, host or container:NAME",
        long_help,
        visible_alias = "net",
        help_heading = "Network",
        value_name = "NETWORK"
    )]
    pub networks: Vec<String>,

    /// Network-scoped alias for the container (docker --network-alias)
    #[arg(
        long = "network-alias",
        alias = "net-alias",
        help_heading = "Network",
        value_name = "ALIAS"
    )]
    pub network_aliases: Vec<String>,

    /// Publish a port to the host: [IP:][HOST:]CONTAINER[/PROTO] (docker -p; a range of
    /// ports too)
    #[arg(
        short = 'p',
        long = "publish",
        help_heading = "Network",
        value_name = "PORTS"
    )]
    pub publish: Vec<String>,

    /// Publish all exposed ports to random host ports (docker -P)
    #[arg(short = 'P', long, help_heading = "Network", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub publish_all: bool,

    /// Expose a port or a range of ports (docker --expose)
    #[arg(long, help_heading = "Network", value_name = "PORT")]
    pub expose: Vec<String>,

    /// Add a host-to-IP mapping: HOST:IP, HOST=IP or HOST:host-gateway (docker --add-host)
    #[arg(long = "add-host", help_heading = "Network", value_name = "HOST:IP")]
    pub add_hosts: Vec<String>,

    /// Custom DNS server (docker --dns)
    #[arg(long = "dns", help_heading = "Network", value_name = "IP")]
    pub dns: Vec<String>,

    /// DNS resolver option (docker --dns-option)
    #[arg(
        long = "dns-option",
        alias = "dns-opt",
        help_heading = "Network",
        value_name = "OPTION"
    )]
    pub dns_options: Vec<String>,

    /// Custom DNS search domain (docker --dns-search)
    #[arg(long = "dns-search", help_heading = "Network", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,

    /// IPv4 address, e.g. 172.30.100.104 (docker --ip)
    #[arg(long = "ip", help_heading = "Network", value_name = "IP")]
    pub ip: Option<String>,

    /// IPv6 address, e.g. 2001:db8::33 (docker --ip6)
    #[arg(long = "ip6", help_heading = "Network", value_name = "IP")]
    pub ip6: Option<String>,

    /// Link to another container: NAME[:ALIAS] (docker --link)
    #[arg(long = "link", help_heading = "Network", value_name = "NAME[:ALIAS]")]
    pub links: Vec<String>,

    /// Container IPv4/IPv6 link-local address (docker --link-local-ip)
    #[arg(long = "link-local-ip", help_heading = "Network", value_name = "IP")]
    pub link_local_ips: Vec<String>,

    /// Container MAC address, e.g. 92:d0:c6:0a:29:33 (docker --mac-address; API 1.44+)
    #[arg(long = "mac-address", help_heading = "Network", value_name = "MAC")]
    pub mac_address: Option<String>,

    // --- Storage ------------------------------------------------------------------------------
    /// Mount a volume: [SOURCE:]TARGET[:OPTIONS] (docker -v; TARGET alone makes an anonymous
    /// volume)
    #[arg(
        short = 'v',
        long = "volume",
        help_heading = "Storage",
        value_name = "VOLUME"
    )]
    pub volumes: Vec<String>,

    /// Attach a mount: type=TYPE,source=SRC,target=DST[,OPTION...] (docker --mount; TYPE is
    /// bind, volume or tmpfs)
    #[arg(long = "mount", help_heading = "Storage", value_name = "MOUNT")]
    pub mounts: Vec<String>,

    /// Mount a tmpfs: PATH[:OPTIONS] (docker --tmpfs)
    #[arg(
        long = "tmpfs",
        help_heading = "Storage",
        value_name = "PATH[:OPTIONS]"
    )]
    pub tmpfs: Vec<String>,

    /// Mount the volumes of another container: NAME[:ro|rw] (docker --volumes-from)
    #[arg(
        long = "volumes-from",
        help_heading = "Storage",
        value_name = "CONTAINER"
    )]
    pub volumes_from: Vec<String>,

    /// Volume driver for the container's volumes (docker --volume-driver)
    #[arg(
        long = "volume-driver",
        help_heading = "Storage",
        value_name = "DRIVER"
    )]
    pub volume_driver: Option<String>,

    /// Mount the root filesystem read-only (docker --read-only)
    #[arg(long = "read-only", help_heading = "Storage", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub read_only: bool,

    /// Storage driver option: KEY=VALUE (docker --storage-opt)
    #[arg(
        long = "storage-opt",
        help_heading = "Storage",
        value_name = "KEY=VALUE"
    )]
    pub storage_opts: Vec<String>,

    /// Bind mount the engine's API socket into the container (docker --use-api-socket; an
    /// engine reached by a unix socket only; registry credentials are not copied in)
    #[arg(long = "use-api-socket", help_heading = "Storage", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub use_api_socket: bool,

    // --- Security -----------------------------------------------------------------------------
    /// Add a Linux capability (docker --cap-add)
    #[arg(long = "cap-add", help_heading = "Security", value_name = "CAP")]
    pub cap_add: Vec<String>,

    /// Drop a Linux capability (docker --cap-drop)
    #[arg(long = "cap-drop", help_heading = "Security", value_name = "CAP")]
    pub cap_drop: Vec<String>,

    /// Security option, e.g. seccomp=unconfined or seccomp=PROFILE.json (docker --security-opt)
    #[arg(
        long = "security-opt",
        help_heading = "Security",
        value_name = "OPTION"
    )]
    pub security_opts: Vec<String>,

    /// Additional group to join (docker --group-add)
    #[arg(long = "group-add", help_heading = "Security", value_name = "GROUP")]
    pub group_add: Vec<String>,

    /// User namespace to use: host (docker --userns)
    #[arg(long, help_heading = "Security", value_name = "MODE")]
    pub userns: Option<String>,

    // --- Namespaces and runtime ---------------------------------------------------------------
    /// IPC mode: private, shareable, host, none or container:NAME (docker --ipc)
    #[arg(long, help_heading = "Namespaces and runtime", value_name = "MODE")]
    pub ipc: Option<String>,

    /// PID namespace: host or container:NAME (docker --pid)
    #[arg(long, help_heading = "Namespaces and runtime", value_name = "MODE")]
    pub pid: Option<String>,

    /// UTS namespace: host (docker --uts)
    #[arg(long, help_heading = "Namespaces and runtime", value_name = "MODE")]
    pub uts: Option<String>,

    /// Cgroup namespace: host or private (docker --cgroupns)
    #[arg(long, help_heading = "Namespaces and runtime", value_name = "MODE")]
    pub cgroupns: Option<String>,

    /// Parent cgroup for the container (docker --cgroup-parent)
    #[arg(
        long = "cgroup-parent",
        help_heading = "Namespaces and runtime",
        value_name = "CGROUP"
    )]
    pub cgroup_parent: Option<String>,

    /// Kernel parameter: KEY=VALUE (docker --sysctl)
    #[arg(
        long = "sysctl",
        help_heading = "Namespaces and runtime",
        value_name = "KEY=VALUE"
    )]
    pub sysctls: Vec<String>,

    /// OCI runtime to use (docker --runtime)
    #[arg(long, help_heading = "Namespaces and runtime", value_name = "RUNTIME")]
    pub runtime: Option<String>,

    /// Container isolation technology (docker --isolation)
    #[arg(
        long,
        help_heading = "Namespaces and runtime",
        value_name = "ISOLATION"
    )]
    pub isolation: Option<String>,

    // --- Resources ----------------------------------------------------------------------------
    /// Memory limit, e.g. 512m or 1g (docker -m)
    #[arg(short = 'm', long, help_heading = "Resources", value_name = "BYTES")]
    pub memory: Option<String>,

    /// Memory plus swap limit; -1 for unlimited swap (docker --memory-swap)
    #[arg(
        long = "memory-swap",
        help_heading = "Resources",
        value_name = "BYTES",
        allow_hyphen_values = true
    )]
    pub memory_swap: Option<String>,

    /// Memory soft limit (docker --memory-reservation)
    #[arg(
        long = "memory-reservation",
        help_heading = "Resources",
        value_name = "BYTES"
    )]
    pub memory_reservation: Option<String>,

    /// Memory swappiness, 0 to 100 (docker --memory-swappiness; default -1, the engine's)
    #[arg(long = "memory-swappiness", help_heading = "Resources", value_name = "N",
          default_value_t = -1, hide_default_value = true, allow_negative_numbers = true)]
    pub memory_swappiness: i64,

    /// Kernel memory limit, deprecated (docker --kernel-memory)
    #[arg(
        long = "kernel-memory",
        help_heading = "Resources",
        value_name = "BYTES"
    )]
    pub kernel_memory: Option<String>,

    /// Disable the OOM killer (docker --oom-kill-disable)
    #[arg(long = "oom-kill-disable", help_heading = "Resources", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", hide_possible_values = true,
        default_value_t = false, hide_default_value = true,
        action = ArgAction::Set, value_name = "BOOL")]
    pub oom_kill_disable: bool,

    /// Tune the host's OOM preferences, -1000 to 1000 (docker --oom-score-adj)
    #[arg(
        long = "oom-score-adj",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub oom_score_adj: i64,

    /// Number of CPUs, e.g. 1.5 (docker --cpus)
    #[arg(long, help_heading = "Resources", value_name = "CPUS")]
    pub cpus: Option<String>,

    /// CPU shares, a relative weight (docker -c)
    #[arg(
        short = 'c',
        long = "cpu-shares",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub cpu_shares: i64,

    /// CPU CFS period (docker --cpu-period)
    #[arg(
        long = "cpu-period",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub cpu_period: i64,

    /// CPU CFS quota (docker --cpu-quota)
    #[arg(
        long = "cpu-quota",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub cpu_quota: i64,

    /// CPU real-time period in microseconds (docker --cpu-rt-period)
    #[arg(
        long = "cpu-rt-period",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub cpu_rt_period: i64,

    /// CPU real-time runtime in microseconds (docker --cpu-rt-runtime)
    #[arg(
        long = "cpu-rt-runtime",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub cpu_rt_runtime: i64,

    /// CPUs to run on, e.g. 0-3 or 0,1 (docker --cpuset-cpus)
    #[arg(long = "cpuset-cpus", help_heading = "Resources", value_name = "CPUS")]
    pub cpuset_cpus: Option<String>,

    /// Memory nodes to use, e.g. 0-3 or 0,1 (docker --cpuset-mems)
    #[arg(long = "cpuset-mems", help_heading = "Resources", value_name = "MEMS")]
    pub cpuset_mems: Option<String>,

    /// Block IO weight, 10 to 1000, or 0 to disable (docker --blkio-weight)
    #[arg(
        long = "blkio-weight",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub blkio_weight: u16,

    /// Block IO weight of a device: DEVICE:WEIGHT (docker --blkio-weight-device)
    #[arg(
        long = "blkio-weight-device",
        help_heading = "Resources",
        value_name = "DEVICE:WEIGHT"
    )]
    pub blkio_weight_devices: Vec<String>,

    /// Limit read rate from a device: DEVICE:RATE (docker --device-read-bps; e.g.
    /// /dev/sda:1mb)
    #[arg(
        long = "device-read-bps",
        help_heading = "Resources",
        value_name = "DEVICE:RATE"
    )]
    pub device_read_bps: Vec<String>,

    /// Limit write rate to a device: DEVICE:RATE (docker --device-write-bps)
    #[arg(
        long = "device-write-bps",
        help_heading = "Resources",
        value_name = "DEVICE:RATE"
    )]
    pub device_write_bps: Vec<String>,

    /// Limit reads per second from a device: DEVICE:N (docker --device-read-iops)
    #[arg(
        long = "device-read-iops",
        help_heading = "Resources",
        value_name = "DEVICE:N"
    )]
    pub device_read_iops: Vec<String>,

    /// Limit writes per second to a device: DEVICE:N (docker --device-write-iops)
    #[arg(
        long = "device-write-iops",
        help_heading = "Resources",
        value_name = "DEVICE:N"
    )]
    pub device_write_iops: Vec<String>,

    /// Process limit; -1 for unlimited (docker --pids-limit)
    #[arg(
        long = "pids-limit",
        help_heading = "Resources",
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        allow_negative_numbers = true
    )]
    pub pids_limit: i64,

    /// Resource limit: NAME=SOFT[:HARD] (docker --ulimit; e.g. nofile=1024:2048)
    #[arg(long = "ulimit", help_heading = "Resources", value_name = "LIMIT")]
    pub ulimits: Vec<String>,

    /// Size of /dev/shm, e.g. 64m (docker --shm-size)
    #[arg(long = "shm-size", help_heading = "Resources", value_name = "BYTES")]
    pub shm_size: Option<String>,

    // --- Devices ------------------------------------------------------------------------------
    /// Add a host device: HOST[:CONTAINER][:PERMISSIONS], or a CDI name (docker --device)
    #[arg(long = "device", help_heading = "Devices", value_name = "DEVICE")]
    pub devices: Vec<String>,

    /// Add a rule to the cgroup's allowed devices, e.g. 'c 1:3 mr' (docker --device-cgroup-rule)
    #[arg(
        long = "device-cgroup-rule",
        help_heading = "Devices",
        value_name = "RULE"
    )]
    pub device_cgroup_rules: Vec<String>,

    /// GPUs to add: all, a count, or device=ID[,ID...] (docker --gpus)
    #[arg(long = "gpus", help_heading = "Devices", value_name = "GPUS")]
    pub gpus: Vec<String>,

    // --- Windows only -------------------------------------------------------------------------
    /// CPU count (docker --cpu-count; engines on Windows only)
    #[arg(
        long = "cpu-count",
        help_heading = "Windows engines only",
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub cpu_count: Option<i64>,

    /// CPU percent (docker --cpu-percent; engines on Windows only)
    #[arg(
        long = "cpu-percent",
        help_heading = "Windows engines only",
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub cpu_percent: Option<i64>,

    /// Maximum IO bandwidth of the system drive (docker --io-maxbandwidth; engines on Windows only)
    #[arg(
        long = "io-maxbandwidth",
        help_heading = "Windows engines only",
        value_name = "BYTES"
    )]
    pub io_maxbandwidth: Option<String>,

    /// Maximum IO operations per second of the system drive (docker --io-maxiops; engines on Windows only)
    #[arg(
        long = "io-maxiops",
        help_heading = "Windows engines only",
        value_name = "N"
    )]
    pub io_maxiops: Option<u64>,
}
