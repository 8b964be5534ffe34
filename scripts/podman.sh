#!/usr/bin/env bash
# Why this exists: dpty must also work against Podman's Docker-compatible API,
# and checking that needs a Podman service that is private, offline and
# disposable, like the dockerd of scripts/engine.sh. This script installs
# Debian's podman (4.3) and busybox-static when missing, starts
# `podman system service` of its own under $DPTY_PODMAN_DIR (own socket,
# storage, state, network config, containers.conf and registries.conf, so a
# system podman is never touched), imports busybox:latest built from
# busybox-static (nothing is ever pulled), and stops that service again by the
# pid it recorded.
#
# Containers get no network unless a request names one: containers.conf sets
# netns = "none", which Podman's compat API applies when a create request has
# no (or the "default") NetworkMode. No bridge, no private-range address.
#
# Usage: scripts/podman.sh up|down|env|status
#   up      install what is missing, start the private service unless it already
#           answers, make sure busybox:latest exists in it (idempotent, fast)
#   down    remove leftover containers and stop the service this script started
#   env     print the exports that point dpty, the docker CLI and the podman CLI
#           at it; use as: eval "$(scripts/podman.sh env)"
#   status  say whether the private service answers (exit 0 if it does)
set -euo pipefail

DIR="${DPTY_PODMAN_DIR:-/tmp/dpty-podman}"
SOCK="$DIR/podman.sock"
HOST="unix://$SOCK"
PIDFILE="$DIR/podman.pid"
LOG="$DIR/podman.log"
IMAGE="docker.io/library/busybox:latest"
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Every podman this script runs (the service and the CLI) reads only these.
export CONTAINERS_CONF="$DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$DIR/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$DIR/registries.conf"

SCRIPT=podman.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- installing ---------------------------------------------------------------

ensure_packages() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    # The init that `--init` runs in a Podman container.
    [ -x /usr/libexec/podman/catatonit ] || pkg_installed catatonit || missing+=(catatonit)
    pkg_installed busybox-static || missing+=(busybox-static)
    command -v curl >/dev/null || missing+=(curl)
    [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
}

# --- configuration ------------------------------------------------------------

CONFIG_CHANGED=0
write_if_changed() {
    local file="$1" content="$2"
    [ -f "$file" ] && [ "$(cat "$file")" = "$content" ] && return 0
    printf '%s\n' "$content" >"$file"
    CONFIG_CHANGED=1
}

write_config() {
    mkdir -p "$DIR/storage" "$DIR/run" "$DIR/tmp" "$DIR/networks" "$DIR/volumes"
    # default_ulimits: Podman's default rlimits exceed this sandbox's.
    # netns = "none": no network unless asked (see the top of this file).
    # cgroupfs and file events: there is no systemd or journald here.
    write_if_changed "$CONTAINERS_CONF" "# Written by dpty's scripts/podman.sh; rewritten on every 'up'.
[containers]
default_ulimits = []
netns = \"none\"
log_driver = \"k8s-file\"

[network]
network_backend = \"cni\"
network_config_dir = \"$DIR/networks\"

[engine]
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
events_logfile_path = \"$DIR/events.log\"
tmp_dir = \"$DIR/tmp\"
volume_path = \"$DIR/volumes\"
static_dir = \"$DIR/storage/libpod\""
    write_if_changed "$DIR/networks/podman.conflist" '{
  "cniVersion": "0.4.0",
  "name": "podman",
  "plugins": [{ "type": "loopback" }]
}'
    write_if_changed "$CONTAINERS_STORAGE_CONF" "# Written by dpty's scripts/podman.sh; rewritten on every 'up'.
[storage]
driver = \"overlay\"
graphroot = \"$DIR/storage\"
runroot = \"$DIR/run\""
    # No search registries: a short name resolves to local images or the
    # alias below and is never looked up on a network.
    write_if_changed "$CONTAINERS_REGISTRIES_CONF" "# Written by dpty's scripts/podman.sh; rewritten on every 'up'.
unqualified-search-registries = []
short-name-mode = \"permissive\"

[aliases]
\"busybox\" = \"docker.io/library/busybox\"

# dockerd talks plain HTTP to registries on 127.0.0.0/8 by default; Podman
# needs to be told (the tests' registry, scripts/registry.sh).
[[registry]]
location = \"127.0.0.1:${DPTY_REGISTRY_PORT:-5000}\"
insecure = true

[[registry]]
location = \"localhost:${DPTY_REGISTRY_PORT:-5000}\"
insecure = true"
}

# --- the service --------------------------------------------------------------

ping() {
    local out
    out="$(curl -s --max-time 3 --unix-socket "$SOCK" http://d/_ping 2>/dev/null)" || return 1
    [ "$out" = "OK" ]
}

# recorded_pid: the pid in our pidfile, if that process is alive and is our
# podman service (checked by its command line, which names our socket).
recorded_pid() {
    local pid cmd
    [ -f "$PIDFILE" ] || return 1
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" || true)"
    case "$cmd" in *podman*" $HOST"*) ;; *) return 1 ;; esac
    printf '%s\n' "$pid"
}

start_service() {
    if ping; then
        return 0
    fi
    local pid
    if pid="$(recorded_pid)"; then
        say "podman service $pid (started earlier) is not answering yet; waiting for it"
    else
        if [ -f "$PIDFILE" ]; then
            say "podman service recorded in $PIDFILE died; cleaning up after it"
            rm -f "$PIDFILE"
            kill_leftover_conmons
        fi
        rm -f "$SOCK"
        say "starting podman system service on $HOST (log: $LOG)"
        printf '\n=== %s podman.sh up\n' "$(date -Is)" >>"$LOG"
        setsid nohup podman --log-level=info system service --time=0 "$HOST" \
            </dev/null >>"$LOG" 2>&1 9>&- &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    local i
    for ((i = 0; i < 120; i++)); do
        ping && return 0
        if ! alive "$pid"; then
            tail -n 30 "$LOG" >&2
            rm -f "$PIDFILE"
            die "podman service exited before answering on $HOST"
        fi
        sleep 0.25
    done
    tail -n 30 "$LOG" >&2
    die "podman service did not answer on $HOST within 30 s (pid $pid still running; stop it with: $0 down)"
}

stop_service() {
    local pid="$1" i
    say "stopping podman service $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        alive "$pid" || break
        sleep 0.25
    done
    if alive "$pid"; then
        say "podman service $pid still running after 15 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

# restart_if_reconfigured: a running service of ours keeps the configuration
# it started with; containers outlive it (each has its own conmon).
restart_if_reconfigured() {
    local pid
    [ "$CONFIG_CHANGED" -eq 1 ] || return 0
    pid="$(recorded_pid)" || return 0
    say "configuration changed; restarting the service"
    stop_service "$pid"
}

# --- the image ----------------------------------------------------------------

ensure_image() {
    podman image exists "$IMAGE" 2>/dev/null && return 0

    say "importing $IMAGE (built from busybox-static)"
    busybox_rootfs_tar | podman import "${IMAGE_CHANGES[@]}" - "$IMAGE" >/dev/null
}

# check_image: the short name resolves through the service, and a container
# created without a network mode runs with no network at all.
check_image() {
    local out
    out="$(curl -s --max-time 10 --unix-socket "$SOCK" http://d/v1.41/images/busybox:latest/json)" \
        || die "the service does not answer an image inspect"
    case "$out" in *'"Id"'*) ;; *) die "busybox:latest does not resolve through the service: $out" ;; esac
    out="$(docker -H "$HOST" run --rm busybox sh -c 'echo ok; ls /sys/class/net' 2>&1)" \
        || die "busybox:latest was imported but does not run: $out"
    [ "$(printf '%s' "$out" | tr '\n' ' ')" = "ok lo" ] \
        || die "a container without --network should have only lo; it printed: $out"
}

# --- stopping -----------------------------------------------------------------

# conmon processes monitor our containers and outlive the service; after a
# forced stop, kill those whose command line names our storage.
kill_leftover_conmons() {
    local proc pid cmd kids
    for proc in /proc/[0-9]*; do
        cmd="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")" || continue
        case "$cmd" in
            *conmon*" $DIR/"*) ;;
            *) continue ;;
        esac
        pid="${proc#/proc/}"
        kids="$(pgrep -P "$pid" || true)"
        say "killing leftover conmon $pid${kids:+ and its container process(es) $(echo "$kids" | tr '\n' ' ')}"
        # shellcheck disable=SC2086 # one pid per word
        [ -z "$kids" ] || kill -KILL $kids 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
}

remove_containers() {
    local ids
    ids="$(podman ps -aq 2>/dev/null || true)"
    [ -n "$ids" ] || return 0
    say "removing leftover containers: $(echo "$ids" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one id per word
    podman rm -f -t 0 $ids >/dev/null 2>&1 || true
}

unmount_leftovers() {
    local mnt
    while read -r mnt; do
        [ -n "$mnt" ] || continue
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || say "could not unmount $mnt"
    done < <(awk -v d="$DIR/" 'index($5, d) == 1 { print length($5) "\t" $5 }' /proc/self/mountinfo \
        | sort -rn | cut -f2-)
}

# Podman (and CNI) create these machine-wide directories even for our private
# service. Note which did not exist before the first `up`, so that `down` can
# remove them again once they are empty (podman bind-mounts /run/netns onto
# itself).
SYSTEM_DIRS=(/run/netns /run/containers/networks /run/containers /var/lib/cni/results /var/lib/cni /run/runc)
CREATED="$DIR/created-system-dirs"

record_system_dirs() {
    [ -f "$CREATED" ] && return 0
    local d
    for d in "${SYSTEM_DIRS[@]}"; do
        [ -e "$d" ] || printf '%s\n' "$d"
    done >"$CREATED"
}

remove_system_dirs() {
    [ -f "$CREATED" ] || return 0
    local d
    while read -r d; do
        if [ -z "$d" ] || [ ! -d "$d" ]; then continue; fi
        # Only when empty: anything inside belongs to someone else now.
        [ -z "$(ls -A "$d" 2>/dev/null)" ] || { say "leaving $d: not empty"; continue; }
        if awk -v d="$d" '$5 == d { found = 1 } END { exit !found }' /proc/self/mountinfo; then
            umount "$d" 2>/dev/null || { say "could not unmount $d"; continue; }
        fi
        rmdir "$d" 2>/dev/null || say "could not remove $d"
    done <"$CREATED"
    rm -f "$CREATED"
}

# --- subcommands --------------------------------------------------------------

check_dir() {
    [ "${#SOCK}" -lt 108 ] || die "socket path too long for a unix socket: $SOCK (set DPTY_PODMAN_DIR shorter)"
}

cmd_up() {
    check_dir
    ensure_packages
    lock "$DIR"
    record_system_dirs
    write_config
    restart_if_reconfigured
    start_service
    ensure_image
    check_image
    say "podman service answers on $HOST with busybox:latest"
}

cmd_down() {
    [ -d "$DIR" ] || { say "nothing to stop: $DIR does not exist"; return 0; }
    lock "$DIR"
    local pid=""
    pid="$(recorded_pid)" || pid=""
    if [ -z "$pid" ] && [ ! -f "$PIDFILE" ] && ping; then
        say "a service answers on $HOST but was not started by this script; leaving it alone"
        return 0
    fi
    # Containers first, while the state they are recorded in is consistent.
    [ -f "$CONTAINERS_CONF" ] && remove_containers
    if [ -n "$pid" ]; then
        stop_service "$pid"
    else
        say "no podman service started by this script is running"
    fi
    rm -f "$PIDFILE" "$SOCK"
    kill_leftover_conmons
    unmount_leftovers
    remove_system_dirs
    say "stopped"
}

cmd_env() {
    check_dir
    printf 'export DOCKER_HOST=%q\n' "$HOST"
    printf 'export CONTAINERS_CONF=%q\n' "$CONTAINERS_CONF"
    printf 'export CONTAINERS_STORAGE_CONF=%q\n' "$CONTAINERS_STORAGE_CONF"
    printf 'export CONTAINERS_REGISTRIES_CONF=%q\n' "$CONTAINERS_REGISTRIES_CONF"
}

cmd_status() {
    local pid=""
    pid="$(recorded_pid)" || pid=""
    if ping; then
        echo "podman service answers on $HOST${pid:+ (pid $pid, started by podman.sh)}"
        return 0
    fi
    echo "podman service not answering on $HOST${pid:+ (pid $pid is running)}"
    return 1
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 up|down|env|status" >&2
        exit 2
        ;;
esac
