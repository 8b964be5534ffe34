# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_dpty_global_optspecs
    string join \n H/host= c/context= tls tlsverify tlscacert= tlscert= tlskey= log-level= log-file= h/help V/version
end

function __fish_dpty_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_dpty_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_dpty_using_subcommand
    set -l cmd (__fish_dpty_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c dpty -n "__fish_dpty_needs_command" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_needs_command" -s c -l context -d 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`; before the command only, as with docker: `dpty run -c` is --cpu-shares)' -r
complete -c dpty -n "__fish_dpty_needs_command" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_needs_command" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_needs_command" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_needs_command" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_needs_command" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_needs_command" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_needs_command" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_needs_command" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_needs_command" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_needs_command" -f -a "run" -d 'Create and start a container from an image, attached to this terminal (docker run)'
complete -c dpty -n "__fish_dpty_needs_command" -f -a "exec" -d 'Run a command in a running container, attached to this terminal (docker exec)'
complete -c dpty -n "__fish_dpty_needs_command" -f -a "attach" -d 'Attach this terminal to an existing container, or start a created exec instance (docker attach)'
complete -c dpty -n "__fish_dpty_needs_command" -f -a "service" -d 'Run a command in, or attach to, a task of a Swarm service, on whichever node it runs'
complete -c dpty -n "__fish_dpty_needs_command" -f -a "debug" -d 'A shell in any container, even one without a shell, running or stopped, leaving nothing behind'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l sig-proxy -d 'Forward the signals dpty receives' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l rm -d 'Remove the container and its anonymous volumes when it exits (docker --rm)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l name -d 'Name the container (docker --name)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s e -l env -d 'Set an environment variable: KEY=VALUE or KEY (docker -e; KEY alone passes on this one\'s value)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l env-file -d 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -s w -l workdir -d 'Working directory inside the container (docker -w)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s u -l user -d 'User to run as: name, uid, name:group or uid:gid (docker -u)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l entrypoint -d 'Override the image\'s entrypoint (docker --entrypoint)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l pull -d 'When to pull the image: missing (default), always, never' -r -f -a "missing\t'Pull when the engine does not have the image'
always\t'Pull before every run'
never\t'Never pull; fail when the image is missing'"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l disable-content-trust -d 'Only true: dpty never verifies images' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -s d -l detach -d 'Run the container in the background and print its id (docker -d)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR only (docker -a; repeatable)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cidfile -d 'Write the container\'s id to this file (docker --cidfile)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l init -d 'Run an init as pid 1 that forwards signals and reaps processes (docker --init)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l restart -d 'Restart policy: no, always, unless-stopped, on-failure[:MAX] (docker --restart)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l stop-signal -d 'Signal to stop the container with (docker --stop-signal)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l stop-timeout -d 'Seconds to wait for the container to stop before killing it (docker --stop-timeout)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s h -l hostname -d 'Container host name (docker -h; help is --help)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l domainname -d 'Container NIS domain name (docker --domainname)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s l -l label -d 'Set metadata: KEY=VALUE (docker -l; repeatable)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l label-file -d 'Read labels from a file of KEY=VALUE lines (docker --label-file)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l annotation -d 'Add an annotation passed to the OCI runtime: KEY=VALUE (docker --annotation; API 1.43+)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l platform -d 'Platform of the image, e.g. linux/amd64 (docker --platform; also for the pull; default DOCKER_DEFAULT_PLATFORM)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-cmd -d 'Command that checks the container\'s health (docker --health-cmd)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-interval -d 'Time between health checks, e.g. 30s (docker --health-interval)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-retries -d 'Consecutive failures before the container is unhealthy (docker --health-retries)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-timeout -d 'Longest time one health check may run (docker --health-timeout)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-start-period -d 'Time to start up before failed checks count (docker --health-start-period)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l health-start-interval -d 'Time between checks during the start period (docker --health-start-interval; API 1.44+)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l no-healthcheck -d 'Disable the image\'s HEALTHCHECK (docker --no-healthcheck)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l log-driver -d 'Logging driver for the container (docker --log-driver)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l log-opt -d 'Logging driver option: KEY=VALUE (docker --log-opt; repeatable)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l network -l net -d 'Network to join: NAME, none, host or container:NAME' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l network-alias -d 'Network-scoped alias for the container (docker --network-alias)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s p -l publish -d 'Publish a port to the host: [IP:][HOST:]CONTAINER[/PROTO] (docker -p; a range of ports too)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s P -l publish-all -d 'Publish all exposed ports to random host ports (docker -P)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l expose -d 'Expose a port or a range of ports (docker --expose)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l add-host -d 'Add a host-to-IP mapping: HOST:IP, HOST=IP or HOST:host-gateway (docker --add-host)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l dns -d 'Custom DNS server (docker --dns)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l dns-option -d 'DNS resolver option (docker --dns-option)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l dns-search -d 'Custom DNS search domain (docker --dns-search)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l ip -d 'IPv4 address, e.g. 172.30.100.104 (docker --ip)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l ip6 -d 'IPv6 address, e.g. 2001:db8::33 (docker --ip6)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l link -d 'Link to another container: NAME[:ALIAS] (docker --link)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l link-local-ip -d 'Container IPv4/IPv6 link-local address (docker --link-local-ip)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l mac-address -d 'Container MAC address, e.g. 92:d0:c6:0a:29:33 (docker --mac-address; API 1.44+)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s v -l volume -d 'Mount a volume: [SOURCE:]TARGET[:OPTIONS] (docker -v; TARGET alone makes an anonymous volume)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l mount -d 'Attach a mount: type=TYPE,source=SRC,target=DST[,OPTION...] (docker --mount; TYPE is bind, volume or tmpfs)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tmpfs -d 'Mount a tmpfs: PATH[:OPTIONS] (docker --tmpfs)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l volumes-from -d 'Mount the volumes of another container: NAME[:ro|rw] (docker --volumes-from)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l volume-driver -d 'Volume driver for the container\'s volumes (docker --volume-driver)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l read-only -d 'Mount the root filesystem read-only (docker --read-only)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l storage-opt -d 'Storage driver option: KEY=VALUE (docker --storage-opt)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l use-api-socket -d 'Bind mount the engine\'s API socket into the container (docker --use-api-socket; an engine reached by a unix socket only; registry credentials are not copied in)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cap-add -d 'Add a Linux capability (docker --cap-add)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cap-drop -d 'Drop a Linux capability (docker --cap-drop)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l security-opt -d 'Security option, e.g. seccomp=unconfined or seccomp=PROFILE.json (docker --security-opt)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l group-add -d 'Additional group to join (docker --group-add)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l userns -d 'User namespace to use: host (docker --userns)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l ipc -d 'IPC mode: private, shareable, host, none or container:NAME (docker --ipc)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l pid -d 'PID namespace: host or container:NAME (docker --pid)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l uts -d 'UTS namespace: host (docker --uts)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cgroupns -d 'Cgroup namespace: host or private (docker --cgroupns)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cgroup-parent -d 'Parent cgroup for the container (docker --cgroup-parent)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l sysctl -d 'Kernel parameter: KEY=VALUE (docker --sysctl)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l runtime -d 'OCI runtime to use (docker --runtime)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l isolation -d 'Container isolation technology (docker --isolation)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s m -l memory -d 'Memory limit, e.g. 512m or 1g (docker -m)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l memory-swap -d 'Memory plus swap limit; -1 for unlimited swap (docker --memory-swap)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l memory-reservation -d 'Memory soft limit (docker --memory-reservation)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l memory-swappiness -d 'Memory swappiness, 0 to 100 (docker --memory-swappiness; default -1, the engine\'s)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l kernel-memory -d 'Kernel memory limit, deprecated (docker --kernel-memory)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l oom-kill-disable -d 'Disable the OOM killer (docker --oom-kill-disable)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand run" -l oom-score-adj -d 'Tune the host\'s OOM preferences, -1000 to 1000 (docker --oom-score-adj)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpus -d 'Number of CPUs, e.g. 1.5 (docker --cpus)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s c -l cpu-shares -d 'CPU shares, a relative weight (docker -c)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-period -d 'CPU CFS period (docker --cpu-period)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-quota -d 'CPU CFS quota (docker --cpu-quota)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-rt-period -d 'CPU real-time period in microseconds (docker --cpu-rt-period)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-rt-runtime -d 'CPU real-time runtime in microseconds (docker --cpu-rt-runtime)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpuset-cpus -d 'CPUs to run on, e.g. 0-3 or 0,1 (docker --cpuset-cpus)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpuset-mems -d 'Memory nodes to use, e.g. 0-3 or 0,1 (docker --cpuset-mems)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l blkio-weight -d 'Block IO weight, 10 to 1000, or 0 to disable (docker --blkio-weight)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l blkio-weight-device -d 'Block IO weight of a device: DEVICE:WEIGHT (docker --blkio-weight-device)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device-read-bps -d 'Limit read rate from a device: DEVICE:RATE (docker --device-read-bps; e.g. /dev/sda:1mb)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device-write-bps -d 'Limit write rate to a device: DEVICE:RATE (docker --device-write-bps)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device-read-iops -d 'Limit reads per second from a device: DEVICE:N (docker --device-read-iops)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device-write-iops -d 'Limit writes per second to a device: DEVICE:N (docker --device-write-iops)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l pids-limit -d 'Process limit; -1 for unlimited (docker --pids-limit)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l ulimit -d 'Resource limit: NAME=SOFT[:HARD] (docker --ulimit; e.g. nofile=1024:2048)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l shm-size -d 'Size of /dev/shm, e.g. 64m (docker --shm-size)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device -d 'Add a host device: HOST[:CONTAINER][:PERMISSIONS], or a CDI name (docker --device)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l device-cgroup-rule -d 'Add a rule to the cgroup\'s allowed devices, e.g. \'c 1:3 mr\' (docker --device-cgroup-rule)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l gpus -d 'GPUs to add: all, a count, or device=ID[,ID...] (docker --gpus)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-count -d 'CPU count (docker --cpu-count; engines on Windows only)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l cpu-percent -d 'CPU percent (docker --cpu-percent; engines on Windows only)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l io-maxbandwidth -d 'Maximum IO bandwidth of the system drive (docker --io-maxbandwidth; engines on Windows only)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l io-maxiops -d 'Maximum IO operations per second of the system drive (docker --io-maxiops; engines on Windows only)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand run" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand run" -s i -l interactive -d 'Keep stdin attached, by default when stdin is a terminal (docker -i)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -s t -l tty -d 'Allocate a TTY, by default when stdin and stdout are terminals (docker -t)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -s T -l no-tty -d 'Never allocate a TTY, even on a terminal'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l privileged -d 'Give the process extended privileges (docker --privileged)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -s q -l quiet -d 'Print nothing while pulling (docker -q)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l help -d 'Print help (-h is --hostname, as with docker)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand run" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s d -l detach -d 'Start the command in the background and return at once (docker exec -d)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s e -l env -d 'Set an environment variable: KEY=VALUE or KEY (docker -e; KEY alone passes on this one\'s value)' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l env-file -d 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container (docker -w)' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s u -l user -d 'User to run as: name, uid, name:group or uid:gid (docker -u)' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l sig-proxy -d 'Forward the signals dpty receives' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s i -l interactive -d 'Keep stdin attached, by default when stdin is a terminal (docker -i)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s t -l tty -d 'Allocate a TTY, by default when stdin and stdout are terminals (docker -t)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s T -l no-tty -d 'Never allocate a TTY, even on a terminal'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l privileged -d 'Give the process extended privileges (docker --privileged)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l leave-running -d 'Leave the command running when dpty ends before it'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand exec" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l sig-proxy -d 'Forward the signals dpty receives' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand attach" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l no-stdin -d 'Do not attach stdin; show output only (docker --no-stdin)'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l logs -d 'Replay the container\'s output so far, then follow it'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l exec -d 'The target is an exec instance created elsewhere: start it'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l leave-running -d 'Leave the command running when dpty ends before it'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand attach" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -f -a "exec" -d 'Run a command in a task of a Swarm service, on whichever node it runs'
complete -c dpty -n "__fish_dpty_using_subcommand service; and not __fish_seen_subcommand_from exec attach" -f -a "attach" -d 'Attach this terminal to a task of a Swarm service, on whichever node it runs'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Start the command in the background and return at once (docker exec -d)' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set an environment variable: KEY=VALUE or KEY (docker -e; KEY alone passes on this one\'s value)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l env-file -d 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory inside the container (docker -w)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s u -l user -d 'User to run as: name, uid, name:group or uid:gid (docker -u)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l sig-proxy -d 'Forward the signals dpty receives' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l node -d 'The task on this node: its hostname or id' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l ssh-user -d 'The user ssh logs in as on a node reached over ssh' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l ssh-option -d 'An option for ssh: -J bastion, or ProxyJump=bastion for -o (repeatable)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l parallel -d 'With --all, run in at most N tasks at a time' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s i -l interactive -d 'Keep stdin attached, by default when stdin is a terminal (docker -i)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s t -l tty -d 'Allocate a TTY, by default when stdin and stdout are terminals (docker -t)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s T -l no-tty -d 'Never allocate a TTY, even on a terminal'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l privileged -d 'Give the process extended privileges (docker --privileged)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l leave-running -d 'Leave the command running when dpty ends before it'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s q -l quiet -d 'Do not say on stderr where the task runs'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l all -d 'Run the command in every running task of the service at once'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Forward the signals dpty receives' -f -a "true\t''
false\t''"
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l node -d 'The task on this node: its hostname or id' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l ssh-user -d 'The user ssh logs in as on a node reached over ssh' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l ssh-option -d 'An option for ssh: -J bastion, or ProxyJump=bastion for -o (repeatable)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not attach stdin; show output only (docker --no-stdin)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l logs -d 'Replay the container\'s output so far, then follow it'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -s q -l quiet -d 'Do not say on stderr where the task runs'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand service; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l image -d 'The toolbox image, statically linked (default busybox:musl)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l pull -d 'When to pull the toolbox: missing (default), always, never' -r -f -a "missing\t'Pull when the engine does not have the image'
always\t'Pull before every run'
never\t'Never pull; fail when the image is missing'"
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s e -l env -d 'Set an environment variable: KEY=VALUE or KEY (docker -e; KEY alone passes on this one\'s value)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l env-file -d 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s w -l workdir -d 'Working directory inside the container (docker -w)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s u -l user -d 'User to run as: name, uid, name:group or uid:gid (docker -u)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l cap-add -d 'Add a Linux capability to the session (docker --cap-add)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l net -l network -d 'The network of a snapshot copy (default none)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l detach-keys -d 'Keys that detach and leave the container running, e.g. ctrl-a,b (docker --detach-keys; default ctrl-p,ctrl-q)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l record -d 'Record the session in FILE, for `asciinema play FILE`' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s H -l host -d 'Engine to talk to: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST (docker -H; ssh://[user@]host[:port][/path/to/docker.sock]; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman\'s socket)' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l tlscacert -d 'CA certificate that signed the engine\'s (default DOCKER_CERT_PATH/ca.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l tlscert -d 'Client certificate (default DOCKER_CERT_PATH/cert.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l tlskey -d 'Client key (default DOCKER_CERT_PATH/key.pem)' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l log-level -d 'Log level: error, warn, info, debug or trace' -r
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l log-file -d 'Write logs to this file instead of stderr' -r -F
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s q -l quiet -d 'Print nothing while pulling, and no notes on how the session was set up'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l privileged -d 'Give the process extended privileges (docker --privileged)'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l copy -d 'Debug a copy made from a snapshot, even of a running container'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l gc -d 'Remove what debug sessions left behind, then exit'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l record-input -d 'With --record, record what is typed too, passwords included'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s h -l help -d 'Print help (the man page says more)'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l tls -d 'Use TLS to reach the engine (docker --tls)'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -l tlsverify -d 'Use TLS and verify the engine\'s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
complete -c dpty -n "__fish_dpty_using_subcommand debug" -s V -l version -d 'Print version'

# Generated by examples/gen_docs.rs from src/cli/ and completions/dynamic.sh.
set -g __dpty_value_options --add-host --annotation --attach --blkio-weight --blkio-weight-device --cap-add --cap-drop --cgroup-parent --cgroupns --cidfile --context --cpu-count --cpu-percent --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus --cpuset-cpus --cpuset-mems --detach-keys --device --device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-opt --dns-option --dns-search --domainname --entrypoint --env --env-file --expose --gpus --group-add --health-cmd --health-interval --health-retries --health-start-interval --health-start-period --health-timeout --host --hostname --image --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation --kernel-memory --label --label-file --link --link-local-ip --log-driver --log-file --log-level --log-opt --mac-address --memory --memory-reservation --memory-swap --memory-swappiness --mount --name --net --net-alias --network --network-alias --node --oom-score-adj --parallel --pid --pids-limit --platform --publish --pull --record --restart --runtime --security-opt --shm-size --ssh-option --ssh-user --stop-signal --stop-timeout --storage-opt --sysctl --tlscacert --tlscert --tlskey --tmpfs --ulimit --user --userns --uts --volume --volume-driver --volumes-from --workdir -H -a -c -e -h -l -m -p -u -v -w
set -g __dpty_engine_sh '# Hand-written, not generated: examples/gen_docs.rs embeds this POSIX sh script, as a string, in the
# bash, zsh and fish completions, which run it with `sh -c` to ask the engine for names. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: names must come from the engine dpty would use, and dpty chooses it as the docker
# CLI does (`engine` in src/config.rs): -H or --context, then DOCKER_HOST, then DOCKER_CONTEXT or the
# current context, then /var/run/docker.sock, then Podman\'s sockets; with TLS from the flags,
# DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or from the context\'s own files. This is one copy of that
# order for the three shells. When the engine cannot be asked the same way (no curl, no sha256 tool, a
# context that cannot be read), it prints nothing: names from another engine would be worse than none.
# It writes nothing on stderr either, whatever is missing: the shells show stderr in the line being
# edited (and discard it too, in case).
#
# Arguments: `containers`, `images` or `services`, then what the command line gave, empty when nothing:
# -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey. Prints, sorted, one a line, the
# names of the running containers, or every repo:tag and repo of the images (as the docker CLI\'s
# completion offers them), or the services of a swarm manager with their tasks as `dpty service exec`
# names them (SERVICE.SLOT for each replica, SERVICE.NODE for each node of a global service). The
# engine\'s JSON is read with grep: names and tags hold no quotes or brackets.

kind=$1 host=$2 context=$3 tls=$4 verify=$5 ca=$6 cert=$7 key=$8
case $kind in
    containers | images) path=$kind/json ;;
    services) path=services ;;
    *) exit 0 ;;
esac
command -v curl >/dev/null 2>&1 || exit 0
config=${DOCKER_CONFIG:-${HOME:-/root}/.docker}

# The value of the last "$1": "..." string in the JSON on stdin (no escapes in the values read here).
json_string() {
    grep -o "\\"$1\\": *\\"[^\\"]*\\"" | tail -n 1 | sed \'s/^.*: *"//; s/"$//\'
}

# TLS files from the flags, else from DOCKER_CERT_PATH (default: the config directory).
tls_from_flags() {
    certs=${DOCKER_CERT_PATH:-$config}
    [ -n "$ca" ] || { [ -f "$certs/ca.pem" ] && ca=$certs/ca.pem; }
    [ -n "$cert" ] || { [ -f "$certs/cert.pem" ] && cert=$certs/cert.pem; }
    [ -n "$key" ] || { [ -f "$certs/key.pem" ] && key=$certs/key.pem; }
}

[ -n "$DOCKER_TLS_VERIFY" ] && verify=1
[ -n "$host" ] && [ -n "$context" ] && exit 0 # dpty refuses both
[ -n "$host$context" ] || host=$DOCKER_HOST
port=2375
if [ -n "$host" ]; then
    if [ -n "$tls$verify" ]; then
        port=2376
        tls_from_flags
    fi
else
    [ -n "$context" ] || context=$DOCKER_CONTEXT
    # No config file is the usual case (no docker CLI ever ran). The group\'s 2>/dev/null also takes
    # the shell\'s own message when the redirection fails, which `<file 2>/dev/null` would not: the
    # shell opens the file before it redirects stderr.
    [ -n "$context" ] || context=$({ json_string currentContext <"$config/config.json"; } 2>/dev/null)
    if [ -n "$context" ] && [ "$context" != default ]; then
        id=$(printf %s "$context" | { sha256sum 2>/dev/null || shasum -a 256 2>/dev/null; })
        id=${id%% *}
        [ -n "$id" ] || exit 0
        endpoint=$(grep -o \'"docker": *{[^}]*}\' "$config/contexts/meta/$id/meta.json" 2>/dev/null)
        host=$(printf \'%s\\n\' "$endpoint" | json_string Host)
        [ -n "$host" ] || exit 0
        dir=$config/contexts/tls/$id/docker
        if [ -d "$dir" ]; then
            # The context\'s own TLS files, instead of the flags\'.
            tls=1 verify=1 ca=\'\' cert=\'\' key=\'\'
            case $endpoint in *\'"SkipTLSVerify": *true\'* | *\'"SkipTLSVerify":true\'*) verify=\'\' ;; esac
            [ -f "$dir/ca.pem" ] && ca=$dir/ca.pem
            [ -f "$dir/cert.pem" ] && cert=$dir/cert.pem
            [ -f "$dir/key.pem" ] && key=$dir/key.pem
        elif [ -n "$tls$verify" ]; then
            tls_from_flags
        fi
    else
        tls=\'\' verify=\'\'
        host=unix:///var/run/docker.sock
        if [ ! -e /var/run/docker.sock ]; then
            for socket in ${XDG_RUNTIME_DIR:+"$XDG_RUNTIME_DIR/podman/podman.sock"} /run/podman/podman.sock; do
                if [ -e "$socket" ]; then
                    host=unix://$socket
                    break
                fi
            done
        fi
    fi
fi

# Answer within a second or not at all: this runs while someone waits at a TAB. (-g: an IPv6
# [address] is not a curl URL pattern.)
set -- -sfg --max-time 1
case $host in
    unix://*)
        set -- "$@" --unix-socket "${host#unix://}"
        url=http://localhost/$path
        ;;
    tcp://* | http://*)
        address=${host#*://}
        address=${address%/}
        # No port given: dpty\'s default, 2375, or 2376 with TLS ([v6-address] alone has none either).
        case $address in
            \'[\'*\']\') address=$address:$port ;;
            \'[\'* | *:*) ;;
            *) address=$address:$port ;;
        esac
        if [ -n "$tls$verify" ]; then
            url=https://$address/$path
            [ -n "$verify" ] || set -- "$@" --insecure
            [ -n "$ca" ] && set -- "$@" --cacert "$ca"
            [ -n "$cert" ] && set -- "$@" --cert "$cert"
            [ -n "$key" ] && set -- "$@" --key "$key"
        else
            url=http://$address/$path
        fi
        ;;
    *) exit 0 ;;
esac
answer=$(curl "$@" "$url" 2>/dev/null) || exit 0
if [ "$kind" = services ]; then
    # One service a line: each object of the array starts with its "ID" (nothing inside one does).
    # Spec comes before PreviousSpec, so the first Name and Mode are the service\'s own.
    printf \'%s\\n\' "$answer" | awk \'{ gsub(/\\{"ID": *"/, "\\n&"); print }\' | while read -r service; do
        name=$(printf \'%s\\n\' "$service" | grep -o \'"Spec": *{"Name": *"[^"]*"\' | head -n 1 |
            sed \'s/.*"Name": *"//; s/"$//\')
        [ -n "$name" ] || continue
        printf \'%s\\n\' "$name"
        replicas=$(printf \'%s\\n\' "$service" | grep -o \'"Mode": *{"Replicated": *{"Replicas": *[0-9]*\' |
            head -n 1 | sed \'s/.*: *//\')
        if [ -n "$replicas" ]; then
            slot=1
            while [ "$slot" -le "$replicas" ]; do
                printf \'%s.%s\\n\' "$name" "$slot"
                slot=$((slot + 1))
            done
        elif printf \'%s\\n\' "$service" | grep -q \'"Mode": *{"Global"\'; then
            [ -n "${hostnames+set}" ] || hostnames=$(curl "$@" "${url%/services}/nodes" 2>/dev/null |
                grep -o \'"Hostname": *"[^"]*"\' | sed \'s/.*: *"//; s/"$//\')
            for node in $hostnames; do
                printf \'%s.%s\\n\' "$name" "$node"
            done
        fi
    done
elif [ "$kind" = containers ]; then
    printf \'%s\\n\' "$answer" | grep -o \'"Names": *\\[[^]]*\\]\' | grep -o \'"/[^"/]*"\' | tr -d \'"/\'
else
    printf \'%s\\n\' "$answer" | grep -o \'"RepoTags": *\\[[^]]*\\]\' | grep -o \'"[^"]*"\' | tr -d \'"\' |
        while read -r ref; do
            case $ref in RepoTags | *\'<none>\'*) continue ;; esac
            # Podman names Docker Hub images in full; offer them as docker does.
            case $ref in
                docker.io/library/*/*) ref=${ref#docker.io/} ;;
                docker.io/library/*) ref=${ref#docker.io/library/} ;;
                docker.io/*) ref=${ref#docker.io/} ;;
            esac
            printf \'%s\\n%s\\n\' "$ref" "${ref%:*}"
        done
fi | LC_ALL=C sort -u
'
# Everything below this line is completions/dynamic.fish.

# Hand-written, not generated: examples/gen_docs.rs appends this file to the fish completion that
# clap_complete generates, so that completions/dpty.fish stays one self-contained file. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: as completions/dynamic.bash does for bash, this completes running containers' names
# after `dpty exec`, `dpty attach` and `dpty debug`, image names after `dpty run`, and services and their tasks after
# `dpty service exec` and `dpty service attach`, asking the engine dpty would use
# through completions/dynamic.sh. No curl, no engine, or no answer within a second: nothing is offered.
# Just above this file, the generator defines __dpty_value_options (from src/cli/: the options that
# take their value in the next word) and __dpty_engine_sh (dynamic.sh).

# Walks the tokens before the cursor as clap would. When the token under the cursor is the first
# argument of `dpty exec` or `dpty attach` (a container), of `dpty run` (an image) or of
# `dpty service exec` or `dpty service attach` (a service or task), prints `containers`, `images` or
# `services`, then what the line says about the engine, in the order
# completions/dynamic.sh takes it: -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey
# (empty lines when not given). Otherwise prints nothing and fails.
function __dpty_name_position
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l sub
    set -l service_sub
    set -l value
    set -l only_positionals
    set -l exec_target
    # -H --context --tls --tlsverify --tlscacert --tlscert --tlskey
    set -l engine '' '' '' '' '' '' ''
    set -l engine_options -H --host -c --context --tls --tlsverify --tlscacert --tlscert --tlskey
    set -l engine_slots 1 1 2 2 3 4 5 6 7
    for word in $tokens
        if test -n "$value"
            set -l at (contains -i -- $value $engine_options); and set engine[$engine_slots[$at]] $word
            set value
        else if test -n "$only_positionals"; or not string match -qr -- '^-.' $word
            if test -z "$sub"
                set sub $word
            else if test "$sub" = service; and test -z "$service_sub"
                set service_sub $word # `dpty service exec`: the command's own command
            else
                return 1 # the first argument is behind the cursor
            end
        else
            switch $word
                case --
                    set only_positionals 1
                case '--*=*'
                    set -l parts (string split -m 1 = -- $word)
                    set -l at (contains -i -- $parts[1] $engine_options); and set engine[$engine_slots[$at]] $parts[2]
                case --exec
                    set exec_target 1
                case --tls --tlsverify
                    set -l at (contains -i -- $word $engine_options); and set engine[$engine_slots[$at]] 1
                case '--*'
                    contains -- $word $__dpty_value_options; and set value $word
                case '*'
                    # A cluster of short flags (-it): the first one that takes a value takes the rest
                    # of the token (-Hunix:///s), or the next token when nothing is left.
                    set -l chars (string split '' -- (string sub -s 2 -- $word))
                    for i in (seq (count $chars))
                        contains -- -$chars[$i] $__dpty_value_options; or continue
                        if test $i -eq (count $chars)
                            set value -$chars[$i]
                        else
                            set -l rest (string join '' -- $chars[(math $i + 1)..-1] | string replace -r '^=' '')
                            set -l at (contains -i -- -$chars[$i] $engine_options); and set engine[$engine_slots[$at]] $rest
                        end
                        break
                    end
            end
        end
    end
    test -z "$value"; or return 1
    if test -z "$only_positionals"; and string match -q -- '-*' (commandline -ct)
        return 1
    end
    switch "$sub"
        case exec debug
            echo containers
        case attach
            test -z "$exec_target"; or return 1 # an exec instance's id: nothing to offer
            echo containers
        case run
            echo images
        case service
            contains -- "$service_sub" exec attach; or return 1
            echo services
        case '*'
            return 1
    end
    string join \n -- $engine
end

# The names to offer at the cursor, if it is where __dpty_name_position says a name goes.
function __dpty_names
    set -l position (__dpty_name_position); or return 0
    sh -c $__dpty_engine_sh dpty $position 2>/dev/null
end

complete -c dpty -n '__dpty_name_position >/dev/null' -f -a '(__dpty_names)'
