#!/usr/bin/env bash
# Why this exists: `dpty service exec` and `dpty service attach` reach a task
# on whichever node of a Swarm runs it, directly, through a docker context or
# over ssh, and only a real multi-node swarm shows that this works. This
# script builds one on this single machine, offline and private: three nodes,
# each its own dockerd (Debian's docker.io) with its own hostname, mounts and
# network namespace, wired by a bridge that lives in a fourth network
# namespace, so the root namespace never sees an interface or address of
# ours and no traffic can leave the machine (a private /24, no default route,
# IPv6 off; the root namespace gets an unreachable route for that /24 while
# the swarm is up, so that a client run there by mistake fails at once
# instead of sending packets to the default gateway). node1 is the manager,
# node2 and node3 join it as workers. Every node also runs an sshd of its own
# on its address, key login only, whose sessions reach that node's engine, as
# `docker -H ssh://node` expects. Nothing is ever pulled: busybox:latest is
# built from busybox-static, imported and saved once (the saved image is kept
# in DPTY_SWARM_DIR across runs) and loaded into every node (same image id
# everywhere), and the engines run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE.
# Logs: DPTY_SWARM_DIR/log/, kept after down, started afresh by up.
#
# Usage: scripts/swarm.sh up|down|status|env
#        scripts/swarm.sh service NAME REPLICAS|global [COMMAND [ARG...]]
#        scripts/swarm.sh service-rm NAME
#   up          install what is missing and bring the swarm up; nothing to do
#               when it is already up, and whatever a failed run left behind
#               is taken down first
#   down        remove every service and its containers, stop each dockerd
#               and sshd by the pid recorded for it, delete the namespaces
#               and the nodes' directories (works after a half-failed up)
#   status      say what runs, with its memory (exit 0 if the swarm is up)
#   env         print shell assignments for tests: eval "$(scripts/swarm.sh env)"
#               DPTY_SWARM_DIR, DPTY_SWARM_MANAGER (a DOCKER_HOST value),
#               DPTY_SWARM_MANAGER_NETNS, DPTY_SWARM_NODES ("node1 node2
#               node3"), DPTY_SWARM_SSH_CONFIG (for ssh -F), DPTY_SWARM_SSH_BIN
#               (a directory holding an `ssh` that uses that config: put it
#               first on PATH for dpty and the docker CLI), DPTY_SWARM_SSH_KEY,
#               DPTY_SWARM_KNOWN_HOSTS, and per node N in 1..3:
#               DPTY_SWARM_NODE<N>_NAME (its hostname), _HOST (unix://socket),
#               _SOCK, _ID (swarm node id), _ADDR, _NETNS, _ROLE
#   service     create service NAME through the API with TTY and OpenStdin
#               (so its tasks can be attached to; the CLI's --tty leaves stdin
#               closed), REPLICAS tasks or one per node, running COMMAND
#               (default: sh), and wait until every task runs; prints its id
#   service-rm  remove service NAME and kill its containers at once
#
# Node addresses answer only inside the namespaces: run ssh clients under
# `ip netns exec "$DPTY_SWARM_MANAGER_NETNS" ...` (or nsenter --net=...). The
# unix sockets work from anywhere. ssh reads ~/.ssh from the password
# database, not from $HOME, so a client that runs `ssh` from PATH (dpty, the
# docker CLI) gets our key and known_hosts through DPTY_SWARM_SSH_BIN first on
# PATH; its config logs in as root by default and also knows the nodes by
# name (`ssh -F "$DPTY_SWARM_SSH_CONFIG" node2`).
#
# Environment: DPTY_SWARM_DIR (default /tmp/dpty-swarm),
#              DPTY_SWARM_NET (first three octets of the /24, default 10.231.0).
set -euo pipefail

DIR="${DPTY_SWARM_DIR:-/tmp/dpty-swarm}"
NET="${DPTY_SWARM_NET:-10.231.0}"
NODES=(1 2 3)
BRIDGE_NS=dpty-swarm
BRIDGE=swbr0
IMAGE="busybox:latest"
SSHD=/usr/sbin/sshd
KEYS="$DIR/ssh"
SSH_CONFIG="$DIR/ssh_config"
SSH_BIN="$DIR/bin"
KNOWN_HOSTS="$DIR/known_hosts"
ENV_FILE="$DIR/env"
# dockerd looks up containerd, runc and friends on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

SCRIPT=swarm.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Per node N: hostname, namespace, address, directory, socket.
name() { printf 'node%s' "$1"; }
netns() { printf 'dpty-node%s' "$1"; }
addr() { printf '%s.%s' "$NET" "$1"; }
ndir() { printf '%s/node%s' "$DIR" "$1"; }
sock() { printf '%s/node%s/docker.sock' "$DIR" "$1"; }
# Logs live outside the nodes' directories, so that they outlast `down`
# (each `up` starts them afresh).
logf() { printf '%s/log/node%s-%s.log' "$DIR" "$1" "$2"; }
host() { printf 'unix://%s' "$(sock "$1")"; }
MANAGER=1

now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# --- installing ---------------------------------------------------------------

ensure_packages() {
    local missing=()
    if ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null \
        || ! command -v runc >/dev/null || ! command -v docker >/dev/null; then
        missing+=(docker.io)
    fi
    pkg_installed busybox-static || missing+=(busybox-static)
    command -v curl >/dev/null || missing+=(curl)
    command -v jq >/dev/null || missing+=(jq)
    command -v ip >/dev/null || missing+=(iproute2)
    command -v ssh >/dev/null && command -v ssh-keygen >/dev/null \
        && command -v ssh-keyscan >/dev/null || missing+=(openssh-client)
    [ -x "$SSHD" ] || missing+=(openssh-server)
    [ "${#missing[@]}" -eq 0 ] && return 0
    # Installing openssh-server must not start the system's sshd on port 22:
    # Debian's policy-rc.d hook (exit 101) tells maintainer scripts not to
    # start services. One already in place is left as it is.
    local policy=/usr/sbin/policy-rc.d added=0 status=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        added=1
    fi
    (apt_install --no-install-recommends "${missing[@]}") || status=$?
    [ "$added" -eq 0 ] || rm -f "$policy"
    [ "$status" -eq 0 ] || exit "$status"
}

# --- small probes ---------------------------------------------------------------

# ping N: node N's engine answers.
ping() {
    [ "$(curl -s --max-time 3 --unix-socket "$(sock "$1")" http://d/_ping 2>/dev/null)" = OK ]
}

# api N METHOD PATH [BODY]: a request to node N's engine; the body on stdout,
# failing on an HTTP error (whose body goes to stderr).
api() {
    local n="$1" method="$2" path="$3" body="${4:-}" out code
    local args=(-s --max-time 20 --unix-socket "$(sock "$n")" -X "$method" -w '\n%{http_code}')
    [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
    out="$(curl "${args[@]}" "http://d/v1.41$path")" || return 1
    code="${out##*$'\n'}"
    out="${out%$'\n'*}"
    if [ "${code:0:1}" != 2 ]; then
        printf '%s %s: HTTP %s %s\n' "$method" "$path" "$code" "$out" >&2
        return 1
    fi
    printf '%s\n' "$out"
}

dockerd_pid() { pid_in "$(ndir "$1")/dockerd.pid" dockerd; }
sshd_pid() { pid_in "$(ndir "$1")/sshd.pid" sshd; }
netns_exists() { [ -e "/run/netns/$1" ]; }

# in_ns N COMMAND...: runs COMMAND in node N's network namespace (only; the
# filesystem is this one).
in_ns() {
    local n="$1"
    shift
    nsenter --net="/run/netns/$(netns "$n")" "$@"
}

# ssh_answers N: our key logs in to node N's sshd (from the manager's
# namespace), lands on node N and finds that node's engine in DOCKER_HOST.
ssh_answers() {
    local out
    # shellcheck disable=SC2016 # expanded by the remote shell
    out="$(in_ns "$MANAGER" "$SSH_BIN/ssh" -o BatchMode=yes -o ConnectTimeout=3 \
        "root@$(addr "$1")" 'hostname; printf "%s\n" "$DOCKER_HOST"' </dev/null 2>/dev/null)" || return 1
    [ "$out" = "$(name "$1")"$'\n'"$(host "$1")" ]
}

# ready_nodes: how many nodes the manager lists as ready.
ready_nodes() {
    api "$MANAGER" GET /nodes 2>/dev/null \
        | jq '[.[] | select(.Status.State == "ready" and .Spec.Availability == "active")] | length' 2>/dev/null
}

# is_up: every part of the swarm is there and answers.
is_up() {
    local n
    netns_exists "$BRIDGE_NS" || return 1
    for n in "${NODES[@]}"; do
        netns_exists "$(netns "$n")" && dockerd_pid "$n" >/dev/null && ping "$n" \
            && sshd_pid "$n" >/dev/null || return 1
    done
    [ "$(ready_nodes)" = "${#NODES[@]}" ] || return 1
    [ -f "$ENV_FILE" ] && all_ssh_answer 2>/dev/null
}

# leftovers: anything of ours exists (namespaces, recorded pids, node dirs).
leftovers() {
    local n
    netns_exists "$BRIDGE_NS" || [ -f "$DIR/route" ] && return 0
    for n in "${NODES[@]}"; do
        netns_exists "$(netns "$n")" || [ -d "$(ndir "$n")" ] && return 0
    done
    return 1
}

# --- the network ----------------------------------------------------------------

# guard_route: the nodes' addresses mean nothing outside their namespaces,
# yet this namespace would send packets for them to its default gateway (a
# client run here by mistake, say). An unreachable route (no interface, no
# address) makes such a connection fail at once, and keeps the packets on
# the machine. Left alone if something already routes that /24.
guard_route() {
    [ -z "$(ip route show exact "$NET.0/24")" ] || return 0
    ip route add unreachable "$NET.0/24"
    : >"$DIR/route"
}

unguard_route() {
    [ -f "$DIR/route" ] || return 0
    ip route del unreachable "$NET.0/24" 2>/dev/null || true
    rm -f "$DIR/route"
}

# make_network: the namespaces, the bridge in its own, one veth pair per node
# made inside the namespaces (the root namespace never holds either end).
make_network() {
    local n ns
    guard_route
    say "creating network namespaces $BRIDGE_NS $(for n in "${NODES[@]}"; do netns "$n"; printf ' '; done)on $NET.0/24"
    for ns in "$BRIDGE_NS" $(for n in "${NODES[@]}"; do netns "$n"; printf ' '; done); do
        ip netns add "$ns"
        # IPv6 off before any interface exists, so none ever gets an address.
        nsenter --net="/run/netns/$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    ip -n "$BRIDGE_NS" link add "$BRIDGE" type bridge
    ip -n "$BRIDGE_NS" link set "$BRIDGE" up
    for n in "${NODES[@]}"; do
        ns="$(netns "$n")"
        ip -n "$BRIDGE_NS" link add "veth$n" type veth peer name eth0 netns "$ns"
        ip -n "$BRIDGE_NS" link set "veth$n" master "$BRIDGE" up
        ip -n "$ns" addr add "$(addr "$n")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

# --- the engines ----------------------------------------------------------------

# start_dockerd N: node N's dockerd in its network namespace, with a mount and
# UTS namespace of its own (hostname nodeN). `ip netns exec` would remount
# /sys, where dockerd then misses the devices cgroup; nsenter + unshare does
# not.
start_dockerd() {
    local n="$1" d
    d="$(ndir "$n")"
    mkdir -p "$d/data" "$d/exec"
    # An empty config of our own, so /etc/docker/daemon.json never applies.
    printf '{}\n' >"$d/daemon.json"
    printf '=== %s swarm.sh up\n' "$(date -Is)" >"$(logf "$n" dockerd)"
    # shellcheck disable=SC2016 # expanded by that sh
    # setsid does not fork here (a background job of this shell leads no
    # process group), so $! ends up being dockerd itself.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 nohup nsenter --net="/run/netns/$(netns "$n")" \
        unshare --mount --uts --propagation slave \
        sh -c 'hostname "$0" && exec setsid "$@"' "$(name "$n")" \
        dockerd \
        --config-file "$d/daemon.json" \
        --host "$(host "$n")" \
        --data-root "$d/data" \
        --exec-root "$d/exec" \
        --pidfile "$d/dockerd.pid" \
        --cgroup-parent "/$(netns "$n")" \
        --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
        </dev/null >>"$(logf "$n" dockerd)" 2>&1 9>&- &
    printf '%s\n' "$!" >"$d/launch.pid"
}

# await_dockerd N: waits up to 30 s for node N's engine to answer.
await_dockerd() {
    local n="$1" d pid i
    d="$(ndir "$n")"
    pid="$(cat "$d/launch.pid")"
    for ((i = 0; i < 120; i++)); do
        if ping "$n"; then
            [ "$(dockerd_pid "$n" || true)" = "$pid" ] \
                || die "$(name "$n"): dockerd answers but its pidfile does not name pid $pid"
            return 0
        fi
        if ! alive "$pid"; then
            tail -n 30 "$(logf "$n" dockerd)" >&2
            die "$(name "$n"): dockerd exited before answering (log: $(logf "$n" dockerd))"
        fi
        sleep 0.25
    done
    tail -n 30 "$(logf "$n" dockerd)" >&2
    die "$(name "$n"): dockerd did not answer within 30 s (run: $0 down)"
}

# load_image: busybox:latest, built from busybox-static and imported once,
# then saved to a file that `down` keeps, and loaded from there into every
# node, so that all have the same image id and none asks a registry.
load_image() {
    local n id other version cache pids=()
    version="$(dpkg-query -W -f='${Version}' busybox-static | tr -c 'A-Za-z0-9.+~\n-' _)"
    cache="$DIR/busybox-$version.tar"
    if [ ! -s "$cache" ]; then
        say "building $IMAGE from busybox-static $version"
        busybox_rootfs_tar | docker -H "$(host "$MANAGER")" import "${IMAGE_CHANGES[@]}" - "$IMAGE" >/dev/null
        docker -H "$(host "$MANAGER")" save -o "$cache.new" "$IMAGE"
        mv "$cache.new" "$cache"
    fi
    for n in "${NODES[@]}"; do
        docker -H "$(host "$n")" load -q -i "$cache" >/dev/null &
        pids+=("$!")
    done
    for n in "${pids[@]}"; do
        wait "$n" || die "loading $IMAGE from $cache failed"
    done
    id="$(docker -H "$(host "$MANAGER")" image inspect -f '{{.Id}}' "$IMAGE")"
    for n in "${NODES[@]}"; do
        other="$(docker -H "$(host "$n")" image inspect -f '{{.Id}}' "$IMAGE")"
        [ "$other" = "$id" ] || die "$(name "$n") has $IMAGE as $other, $(name "$MANAGER") as $id"
    done
    say "$IMAGE ($id) on every node"
}

make_swarm() {
    local n token state
    docker -H "$(host "$MANAGER")" swarm init --advertise-addr "$(addr "$MANAGER")" \
        --listen-addr "$(addr "$MANAGER"):2377" >/dev/null
    token="$(docker -H "$(host "$MANAGER")" swarm join-token -q worker)"
    for n in "${NODES[@]}"; do
        [ "$n" != "$MANAGER" ] || continue
        docker -H "$(host "$n")" swarm join --token "$token" --advertise-addr "$(addr "$n")" \
            --listen-addr "$(addr "$n"):2377" "$(addr "$MANAGER"):2377" >/dev/null
    done
    for ((n = 0; n < 80; n++)); do
        [ "$(ready_nodes)" = "${#NODES[@]}" ] && return 0
        sleep 0.25
    done
    docker -H "$(host "$MANAGER")" node ls >&2 || true
    state="$(ready_nodes || true)"
    die "only ${state:-0} of ${#NODES[@]} nodes ready after 20 s"
}

# --- the sshds ------------------------------------------------------------------

make_keys() {
    local n
    mkdir -p "$KEYS"
    chmod 0700 "$DIR" "$KEYS"
    [ -f "$KEYS/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C dpty-swarm-client -f "$KEYS/client_ed25519"
    for n in "${NODES[@]}"; do
        [ -f "$KEYS/host_$(name "$n")" ] \
            || ssh-keygen -q -t ed25519 -N '' -C "dpty-swarm-$(name "$n")" -f "$KEYS/host_$(name "$n")"
    done
}

# write_ssh_client: a client config usable as `ssh -F FILE root@ADDR` (or
# `ssh -F FILE nodeN`), and an `ssh` wrapper using it for programs that run
# `ssh` from PATH (dpty, the docker CLI), since ssh reads ~/.ssh from the
# password database, not from $HOME.
write_ssh_client() {
    local n
    {
        printf '# Written by scripts/swarm.sh: the client side of the swarm nodes'"'"' sshds.\n'
        for n in "${NODES[@]}"; do
            printf 'Host %s\n    HostName %s\n' "$(name "$n")" "$(addr "$n")"
        done
        cat <<EOF
Host *
    User root
    IdentityFile $KEYS/client_ed25519
    IdentitiesOnly yes
    IdentityAgent none
    UserKnownHostsFile $KNOWN_HOSTS
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
    ConnectTimeout 5
    LogLevel ERROR
EOF
    } >"$SSH_CONFIG"
    mkdir -p "$SSH_BIN"
    cat >"$SSH_BIN/ssh" <<EOF
#!/bin/sh
# Written by scripts/swarm.sh: ssh with the swarm nodes' client settings.
exec /usr/bin/ssh -F '$SSH_CONFIG' "\$@"
EOF
    chmod 0755 "$SSH_BIN/ssh"
}

# start_sshd N: node N's sshd, inside node N's network, UTS and mount
# namespaces (those of its dockerd), listening on node N's address. Its
# sessions get DOCKER_HOST naming node N's socket: every node sees the same
# filesystem, so `docker system dial-stdio` would otherwise not know which
# engine is meant.
start_sshd() {
    local n="$1" d dpid
    d="$(ndir "$n")"
    dpid="$(dockerd_pid "$n")" || die "$(name "$n"): no dockerd to put sshd beside"
    cat >"$d/sshd_config" <<EOF
# Written by scripts/swarm.sh; rewritten on every start.
ListenAddress $(addr "$n"):22
HostKey $KEYS/host_$(name "$n")
PidFile none
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $KEYS/client_ed25519.pub
# The keys live under /tmp, which is world-writable.
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
LogLevel VERBOSE
MaxSessions 100
MaxStartups 100:30:200
SetEnv DOCKER_HOST=$(host "$n")
EOF
    mkdir -p /run/sshd
    "$SSHD" -t -f "$d/sshd_config" || die "sshd refuses its config $d/sshd_config"
    printf '=== %s swarm.sh up\n' "$(date -Is)" >"$(logf "$n" sshd)"
    # nsenter without --pid execs sshd in place; -D keeps it in the
    # foreground, so $! is the listener's pid.
    setsid nohup nsenter --target "$dpid" --net --uts --mount "$SSHD" -D -e -f "$d/sshd_config" \
        </dev/null >>"$(logf "$n" sshd)" 2>&1 9>&- &
    printf '%s\n' "$!" >"$d/sshd.pid"
}

await_sshd() {
    local n="$1" d pid i
    d="$(ndir "$n")"
    pid="$(cat "$d/sshd.pid")"
    for ((i = 0; i < 40; i++)); do
        (in_ns "$MANAGER" bash -c "exec 3<>/dev/tcp/$(addr "$n")/22") 2>/dev/null && return 0
        if ! alive "$pid"; then
            tail -n 30 "$(logf "$n" sshd)" >&2
            die "$(name "$n"): sshd exited before listening (log: $(logf "$n" sshd))"
        fi
        sleep 0.25
    done
    die "$(name "$n"): sshd does not listen on $(addr "$n"):22 after 10 s"
}

# fill_known_hosts: what each node's sshd presents, seen from the manager's
# namespace, checked against the host keys we made.
fill_known_hosts() {
    local n addrs=() scanned line key
    for n in "${NODES[@]}"; do
        addrs+=("$(addr "$n")")
    done
    scanned="$(in_ns "$MANAGER" ssh-keyscan -T 5 -t ed25519 "${addrs[@]}" 2>/dev/null)" || true
    : >"$KNOWN_HOSTS.new"
    for n in "${NODES[@]}"; do
        line="$(awk -v a="$(addr "$n")" '$1 == a' <<<"$scanned")"
        [ -n "$line" ] || die "ssh-keyscan got no key from $(addr "$n")"
        key="$(cut -d' ' -f1,2 "$KEYS/host_$(name "$n").pub")"
        [ "$(cut -d' ' -f2,3 <<<"$line")" = "$key" ] \
            || die "$(addr "$n") presents a host key that is not $(name "$n")'s: $line"
        printf '%s\n' "$line" >>"$KNOWN_HOSTS.new"
    done
    mv "$KNOWN_HOSTS.new" "$KNOWN_HOSTS"
}

# all_ssh_answer: ssh_answers for every node, at once.
all_ssh_answer() {
    local n pids=() status=0
    for n in "${NODES[@]}"; do
        ssh_answers "$n" &
        pids+=("$!")
    done
    for n in "${NODES[@]}"; do
        if ! wait "${pids[$((n - 1))]}"; then
            say "$(name "$n"): our key does not log in, or the session does not see DOCKER_HOST=$(host "$n")"
            status=1
        fi
    done
    return "$status"
}

# --- the record for tests ----------------------------------------------------------

write_env() {
    local n N id role
    {
        printf 'export DPTY_SWARM_DIR=%q\n' "$DIR"
        printf 'export DPTY_SWARM_MANAGER=%q\n' "$(host "$MANAGER")"
        printf 'export DPTY_SWARM_MANAGER_NETNS=%q\n' "$(netns "$MANAGER")"
        printf 'export DPTY_SWARM_NODES=%q\n' "$(for n in "${NODES[@]}"; do name "$n"; printf ' '; done | sed 's/ $//')"
        printf 'export DPTY_SWARM_SSH_CONFIG=%q\n' "$SSH_CONFIG"
        printf 'export DPTY_SWARM_SSH_BIN=%q\n' "$SSH_BIN"
        printf 'export DPTY_SWARM_SSH_KEY=%q\n' "$KEYS/client_ed25519"
        printf 'export DPTY_SWARM_KNOWN_HOSTS=%q\n' "$KNOWN_HOSTS"
        for n in "${NODES[@]}"; do
            N="DPTY_SWARM_NODE$n"
            id="$(api "$n" GET /info | jq -r .Swarm.NodeID)"
            case "$id" in "" | null) die "$(name "$n") has no swarm node id" ;; esac
            role=worker
            [ "$n" != "$MANAGER" ] || role=manager
            printf 'export %s_NAME=%q %s_HOST=%q %s_SOCK=%q %s_ID=%q %s_ADDR=%q %s_NETNS=%q %s_ROLE=%q\n' \
                "$N" "$(name "$n")" "$N" "$(host "$n")" "$N" "$(sock "$n")" "$N" "$id" \
                "$N" "$(addr "$n")" "$N" "$(netns "$n")" "$N" "$role"
        done
    } >"$ENV_FILE.new"
    mv "$ENV_FILE.new" "$ENV_FILE"
}

# footprint: the processes of the swarm (everything in the nodes' network
# namespaces, and the containers in their cgroups) and their proportional
# memory.
footprint() {
    local n files
    files="$({
        for n in "${NODES[@]}"; do
            if netns_exists "$(netns "$n")"; then in_netns "$(netns "$n")"; fi
        done
        grep -lE ':/dpty-node[0-9]+/' /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3 || true
    } | sort -u | sed 's|.*|/proc/&/smaps_rollup|')"
    # shellcheck disable=SC2086 # one file per word
    { [ -z "$files" ] || cat $files 2>/dev/null || true; } \
        | awk '/^Pss:/ { kb += $2; count++ }
               END { printf "%d processes, %d MiB (PSS)\n", count, kb / 1024 }'
}

# --- services ---------------------------------------------------------------------

# service_tasks NAME: the running tasks of service NAME, one per line as
# "SLOT NODE_ID CONTAINER_ID STATE" (slot 0 for a global service).
service_tasks() {
    local filters
    filters="$(jq -cn --arg s "$1" '{service: [$s], "desired-state": ["running"]}')"
    api "$MANAGER" GET "/tasks?filters=$(jq -rn --arg f "$filters" '$f | @uri')" \
        | jq -r '.[] | "\(.Slot // 0) \(.NodeID) \(.Status.ContainerStatus.ContainerID // "-") \(.Status.State)"'
}

cmd_service() {
    local svc="${1:-}" mode="${2:-}" body spec count want i tasks started command arg failed
    [ -n "$svc" ] || die "usage: $0 service NAME REPLICAS|global [COMMAND [ARG...]]"
    shift 2
    [ "$#" -gt 0 ] || set -- sh
    case "$mode" in
        global) spec='{"Global": {}}' ;;
        *[!0-9]* | "") die "REPLICAS must be a number or 'global', not '$mode'" ;;
        *) spec="{\"Replicated\": {\"Replicas\": $mode}}" ;;
    esac
    ping "$MANAGER" || die "the swarm is not up: run '$0 up' first"
    started="$(now)"
    # StopGracePeriod 1 s: sh as pid 1 ignores SIGTERM, and removing the
    # service would otherwise wait 10 s per task.
    # One argument at a time: jq reads options even among --args.
    command='[]'
    for arg in "$@"; do
        command="$(jq -cn --argjson c "$command" --arg a "$arg" '$c + [$a]')"
    done
    body="$(jq -cn --arg name "$svc" --arg image "$IMAGE" --argjson mode "$spec" \
        --argjson command "$command" \
        '{Name: $name, Mode: $mode,
          TaskTemplate: {ContainerSpec: {Image: $image, Command: $command,
                                         TTY: true, OpenStdin: true,
                                         StopGracePeriod: 1000000000}}}')"
    api "$MANAGER" POST /services/create "$body" | jq -r .ID || die "creating service $svc failed"
    if [ "$mode" = global ]; then
        want="$(ready_nodes)"
    else
        want="$mode"
    fi
    # Nothing here fails for a while and then works: the first task that
    # fails or is rejected (a command that exits at once, say) ends the wait.
    for ((i = 0; i < 120; i++)); do
        tasks="$(service_tasks "$svc")"
        count="$(awk '$4 == "running" && $3 != "-"' <<<"$tasks" | grep -c . || true)"
        if [ "$count" = "$want" ]; then
            say "service $svc: $want task(s) running in $(since "$started") s"
            return 0
        fi
        failed="$(api "$MANAGER" GET "/tasks?filters=$(jq -rn --arg s "$svc" '{service: [$s]} | tojson | @uri')" \
            | jq -r '.[] | select(.Status.State == "failed" or .Status.State == "rejected")
                     | "task \(.ID) on node \(.NodeID): \(.Status.State): \(.Status.Err // "")"' | head -n 1)"
        [ -z "$failed" ] || die "service $svc (left in place; remove it with: $0 service-rm $svc): $failed"
        sleep 0.25
    done
    die "service $svc (left in place; remove it with: $0 service-rm $svc): $count of $want tasks running after 30 s"
}

# remove_service NAME: removes it, then kills its containers on every node
# rather than letting each wait out its stop timeout.
remove_service() {
    local svc="$1" n ids
    api "$MANAGER" DELETE "/services/$svc" >/dev/null || return 1
    for n in "${NODES[@]}"; do
        ping "$n" || continue
        ids="$(docker -H "$(host "$n")" ps -aq --filter "label=com.docker.swarm.service.name=$svc" 2>/dev/null || true)"
        # shellcheck disable=SC2086 # one id per word
        [ -z "$ids" ] || docker -H "$(host "$n")" rm -f $ids >/dev/null 2>&1 || true
    done
}

cmd_service_rm() {
    [ -n "${1:-}" ] || die "usage: $0 service-rm NAME"
    ping "$MANAGER" || die "the swarm is not up: run '$0 up' first"
    remove_service "$1" || die "no service $1 removed"
}

# --- taking it down -------------------------------------------------------------

# stop_pids WHAT COMM SECONDS PID...: SIGTERM to each (all at once), SIGKILL
# to those still running after SECONDS. Only pids this script recorded, or
# their descendants; COMM is what they are called ("" for any name).
stop_pids() {
    local what="$1" check="$2" patience="$3" pid i left
    shift 3
    [ "$#" -gt 0 ] || return 0
    say "stopping $what $*"
    kill -TERM "$@" 2>/dev/null || true
    for ((i = 0; i < patience * 4; i++)); do
        left=()
        for pid in "$@"; do
            alive "$pid" "$check" && left+=("$pid")
        done
        [ "${#left[@]}" -gt 0 ] || return 0
        sleep 0.25
    done
    say "$what ${left[*]} still running after $patience s; sending SIGKILL"
    kill -KILL "${left[@]}" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        left=()
        for pid in "$@"; do
            alive "$pid" "$check" && left+=("$pid")
        done
        [ "${#left[@]}" -gt 0 ] || return 0
        sleep 0.25
    done
    say "$what ${left[*]} survived SIGKILL"
}

# A dockerd that had to be killed leaves its containerd (pid recorded under
# its exec root) and the containerd-shims (which name its socket) behind.
stop_node_leftovers() {
    local n="$1" d cpid proc pid pids=() i left
    d="$(ndir "$n")"
    if cpid="$(pid_in "$d/exec/containerd/containerd.pid" containerd)"; then
        stop_pids containerd containerd 10 "$cpid"
    fi
    # A shim names the socket as one argument of its own: `-address SOCKET`.
    while read -r proc; do
        proc="${proc%/cmdline}"
        case "$(cat "$proc/comm" 2>/dev/null)" in containerd-shim*) ;; *) continue ;; esac
        pids+=("${proc#/proc/}")
    done < <(grep -lzxF -- "$d/exec/containerd/containerd.sock" /proc/[0-9]*/cmdline 2>/dev/null || true)
    # The containers' processes, in the cgroups made under --cgroup-parent.
    while read -r pid; do
        [ -z "$pid" ] || pids+=("$pid")
    done < <(find /sys/fs/cgroup/*/"$(netns "$n")" -mindepth 2 -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
    [ "${#pids[@]}" -gt 0 ] || return 0
    say "$(name "$n"): killing leftover shims and container processes ${pids[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        left=0
        for pid in "${pids[@]}"; do
            ! alive "$pid" || left=1
        done
        [ "$left" -eq 1 ] || return 0
        sleep 0.25
    done
    say "$(name "$n"): some of ${pids[*]} survived SIGKILL"
}

# descendants PID: the processes PID started, and theirs.
descendants() {
    local kid
    for kid in $(pgrep -P "$1" || true); do
        printf '%s\n' "$kid"
        descendants "$kid"
    done
}

# The cgroups dockerd made for its containers under --cgroup-parent, once
# empty; deepest first.
remove_cgroups() {
    local n="$1" dir i
    for dir in /sys/fs/cgroup/*/"$(netns "$n")" /sys/fs/cgroup/"$(netns "$n")"; do
        for ((i = 0; i < 8; i++)); do
            [ -d "$dir" ] || continue 2
            find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null && continue 2
            sleep 0.25
        done
        say "could not remove cgroup $dir: $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')"
    done
}

# Whatever this machine still mounts under DIR (nothing, normally: the
# engines' mounts live in their own mount namespaces), deepest first.
unmount_leftovers() {
    local mnt
    while read -r mnt; do
        [ -n "$mnt" ] || continue
        say "unmounting leftover $mnt"
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || say "could not unmount $mnt"
    done < <(awk -v d="$DIR/" 'index($5, d) == 1 { print length($5) "\t" $5 }' /proc/self/mountinfo \
        | sort -rn | cut -f2-)
}

# in_netns NS: the pids of the processes in network namespace NS.
in_netns() {
    local ino
    ino="net:[$(stat -L -c %i "/run/netns/$1")]"
    find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null \
        | awk -v ino="$ino" '$2 == ino { split($1, p, "/"); print p[3] }'
}

cmd_down() {
    local started n pids=() pid svc ids ns left
    started="$(now)"
    if ! leftovers; then
        say "nothing to take down"
        return 0
    fi
    if ping "$MANAGER"; then
        for svc in $(api "$MANAGER" GET /services 2>/dev/null | jq -r '.[].Spec.Name' 2>/dev/null); do
            say "removing service $svc"
            api "$MANAGER" DELETE "/services/$svc" >/dev/null || true
        done
    fi
    for n in "${NODES[@]}"; do
        ping "$n" || continue
        (
            ids="$(docker -H "$(host "$n")" ps -aq 2>/dev/null || true)"
            # shellcheck disable=SC2086 # one id per word
            [ -z "$ids" ] || docker -H "$(host "$n")" rm -f $ids >/dev/null 2>&1 || true
        ) &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || true
    done
    pids=()
    # sshds: the listeners, and the sessions they forked with whatever those
    # run (a session's commands would outlive it).
    for n in "${NODES[@]}"; do
        if pid="$(sshd_pid "$n")"; then
            pids+=("$pid")
            for pid in $(descendants "$pid"); do
                pids+=("$pid")
            done
        fi
        rm -f "$(ndir "$n")/sshd.pid"
    done
    stop_pids "sshd and its sessions" "" 10 "${pids[@]}"
    pids=()
    for n in "${NODES[@]}"; do
        pid="$(dockerd_pid "$n")" || pid="$(pid_in "$(ndir "$n")/launch.pid" dockerd)" || continue
        pids+=("$pid")
    done
    # A dockerd is done with its containers and mounts within a second or two,
    # but then may wait 5 s more to tell its gossip peers that it leaves
    # ("failed to send node leave: timed out broadcasting node event") when
    # they, stopping at the same time, left first. Nothing of the swarm is
    # kept, so that wait is cut short; its containerd is stopped after it.
    stop_pids dockerd dockerd 3 "${pids[@]}"
    pids=()
    for n in "${NODES[@]}"; do
        stop_node_leftovers "$n"
        remove_cgroups "$n"
    done
    unmount_leftovers
    for ns in $(for n in "${NODES[@]}"; do netns "$n"; printf ' '; done) "$BRIDGE_NS"; do
        netns_exists "$ns" || continue
        left="$(for pid in $(in_netns "$ns"); do printf '%s(%s) ' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null)"; done)"
        [ -z "$left" ] || say "still in namespace $ns, not started by this script, left alone: $left"
        ip netns delete "$ns"
    done
    for n in "${NODES[@]}"; do
        rm -rf "$(ndir "$n")" &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || say "could not remove all of $DIR/node*"
    done
    unguard_route
    rm -f "$ENV_FILE" "$KNOWN_HOSTS"
    say "down in $(since "$started") s"
}

# --- subcommands ------------------------------------------------------------------

cmd_up() {
    local started n
    started="$(now)"
    lock "$DIR"
    if is_up; then
        say "already up: $(footprint)"
        return 0
    fi
    ensure_packages
    if leftovers; then
        say "an incomplete swarm is left from an earlier run; taking it down first"
        cmd_down
        started="$(now)"
    fi
    # sun_path holds 108 bytes including the trailing NUL.
    [ "${#DIR}" -lt 80 ] || die "DPTY_SWARM_DIR too long for the engines' unix sockets: $DIR"
    [[ "$NET" =~ ^(10\.[0-9]{1,3}|172\.(1[6-9]|2[0-9]|3[01])|192\.168)\.[0-9]{1,3}$ ]] \
        || die "DPTY_SWARM_NET must be the first three octets of a private /24 (e.g. 10.231.0), not '$NET'"
    make_network
    mkdir -p "$DIR/log"
    for n in "${NODES[@]}"; do
        start_dockerd "$n"
    done
    for n in "${NODES[@]}"; do
        await_dockerd "$n"
    done
    say "engines answer ($(since "$started") s)"
    load_image
    make_swarm
    say "swarm of ${#NODES[@]} nodes ready ($(since "$started") s)"
    make_keys
    write_ssh_client
    for n in "${NODES[@]}"; do
        start_sshd "$n"
    done
    for n in "${NODES[@]}"; do
        await_sshd "$n"
    done
    fill_known_hosts
    all_ssh_answer || die "ssh to the nodes does not work (logs: $DIR/log/)"
    write_env
    say "up in $(since "$started") s: $(footprint); manager at $(host "$MANAGER")"
}

cmd_status() {
    local n pid ok=0
    if ! leftovers; then
        echo "swarm is down"
        return 1
    fi
    netns_exists "$BRIDGE_NS" || { echo "namespace $BRIDGE_NS missing"; ok=1; }
    for n in "${NODES[@]}"; do
        if ! netns_exists "$(netns "$n")"; then
            echo "$(name "$n"): namespace $(netns "$n") missing"
            ok=1
        fi
        if pid="$(dockerd_pid "$n")" && ping "$n"; then
            echo "$(name "$n"): dockerd $pid answers on $(host "$n")"
        else
            echo "$(name "$n"): dockerd not answering on $(host "$n")"
            ok=1
        fi
        if pid="$(sshd_pid "$n")" && ssh_answers "$n"; then
            echo "$(name "$n"): sshd $pid lets our key in on $(addr "$n"):22"
        else
            echo "$(name "$n"): sshd not answering on $(addr "$n"):22"
            ok=1
        fi
    done
    if [ -f "$DIR/route" ]; then
        echo "this namespace: $(ip route show exact "$NET.0/24")"
    fi
    if ping "$MANAGER"; then
        echo "manager sees $(ready_nodes || echo 0) of ${#NODES[@]} nodes ready"
        [ "$(ready_nodes)" = "${#NODES[@]}" ] || ok=1
    fi
    footprint
    if [ "$ok" -eq 0 ]; then
        echo "swarm is up"
    else
        echo "swarm is incomplete (run: $0 down)"
    fi
    return "$ok"
}

cmd_env() {
    [ -f "$ENV_FILE" ] || die "the swarm is not up: run '$0 up' first"
    cat "$ENV_FILE"
}

case "${1:-}" in
    up) cmd_up ;;
    down)
        [ -d "$DIR" ] && lock "$DIR"
        cmd_down
        ;;
    status) cmd_status ;;
    env) cmd_env ;;
    service)
        shift
        lock "$DIR"
        cmd_service "$@"
        ;;
    service-rm)
        shift
        lock "$DIR"
        cmd_service_rm "$@"
        ;;
    *)
        echo "usage: $0 up|down|status|env|service NAME REPLICAS|global [COMMAND...]|service-rm NAME" >&2
        exit 2
        ;;
esac
