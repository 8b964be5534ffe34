#!/usr/bin/env bash
# Why this exists: dpty talks to a real Docker Engine, and its tests (and anyone
# who just wants to try it) need one that is private, offline and disposable.
# This script installs Debian's docker.io and busybox-static when missing,
# starts a dockerd of its own (own socket, data root, exec root, containerd and
# config, no bridge and no firewall rules) under $DPTY_ENGINE_DIR, builds a
# busybox:latest image locally from busybox-static (nothing is ever pulled from
# a registry), and stops that engine again by the pid it recorded.
#
# Usage: scripts/engine.sh up|down|env|status|image [DOCKER_HOST]
#   up      install what is missing, start the private engine unless it already
#           answers, make sure busybox:latest exists in it (idempotent, fast)
#   down    remove leftover containers and stop the engine this script started
#   env     print `export DOCKER_HOST=...`; use as: eval "$(scripts/engine.sh env)"
#   status  say whether the private engine answers (exit 0 if it does)
#   image   make sure busybox:latest exists in the engine at DOCKER_HOST (the
#           argument, default the private engine); used by scripts/try.sh
set -euo pipefail

DIR="${DPTY_ENGINE_DIR:-/tmp/dpty-engine}"
SOCK="$DIR/docker.sock"
HOST="unix://$SOCK"
PIDFILE="$DIR/dockerd.pid"
LOG="$DIR/dockerd.log"
IMAGE="busybox:latest"
# dockerd looks up containerd, runc and friends on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

SCRIPT=engine.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- installing ---------------------------------------------------------------

ensure_packages() {
    local missing=()
    if ! command -v dockerd >/dev/null || ! command -v containerd >/dev/null \
        || ! command -v runc >/dev/null || ! command -v docker >/dev/null; then
        missing+=(docker.io)
    fi
    # The image needs a statically linked busybox; Debian's plain `busybox`
    # package is dynamically linked, so check for the package, not the command.
    pkg_installed busybox-static || missing+=(busybox-static)
    command -v curl >/dev/null || missing+=(curl)
    [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
}

# --- the engine ---------------------------------------------------------------

# ping HOST: true if the engine at a unix:// or tcp:// DOCKER_HOST answers OK.
ping() {
    local host="$1" out
    case "$host" in
        unix://*) out="$(curl -s --max-time 3 --unix-socket "${host#unix://}" http://d/_ping 2>/dev/null)" || return 1 ;;
        tcp://*) out="$(curl -s --max-time 3 "http://${host#tcp://}/_ping" 2>/dev/null)" || return 1 ;;
        *) return 1 ;;
    esac
    [ "$out" = "OK" ]
}

# recorded_pid: the pid in our pidfile, if that process is alive and is dockerd.
recorded_pid() { pid_in "$PIDFILE" dockerd; }

start_engine() {
    if ping "$HOST"; then
        return 0
    fi
    local pid
    if pid="$(recorded_pid)"; then
        say "dockerd $pid (started earlier) is not answering yet; waiting for it"
    else
        if [ -f "$PIDFILE" ]; then
            # Ours, and it died without cleaning up after itself.
            say "dockerd recorded in $PIDFILE died; cleaning up after it"
            rm -f "$PIDFILE"
            stop_containerd
            kill_leftover_shims
            unmount_leftovers
        fi
        mkdir -p "$DIR/data" "$DIR/exec"
        # An empty config of our own, so /etc/docker/daemon.json never applies.
        [ -f "$DIR/daemon.json" ] || printf '{}\n' >"$DIR/daemon.json"
        # With no --containerd, dockerd 20.10 starts a containerd of its own with
        # its state under data/containerd and exec/containerd, unless a system
        # containerd answers at /run/containerd/containerd.sock; the namespaces
        # keep our containers and images apart even then.
        # DPTY_ENGINE_ARGS: more dockerd arguments, e.g. a TLS listener on
        # 127.0.0.1 for the TLS tests.
        local extra_args=()
        read -r -a extra_args <<<"${DPTY_ENGINE_ARGS:-}"
        say "starting dockerd on $HOST ${DPTY_ENGINE_ARGS:-}(log: $LOG)"
        printf '\n=== %s engine.sh up\n' "$(date -Is)" >>"$LOG"
        setsid nohup dockerd \
            --host "$HOST" \
            --data-root "$DIR/data" \
            --exec-root "$DIR/exec" \
            --pidfile "$PIDFILE" \
            --config-file "$DIR/daemon.json" \
            --containerd-namespace dpty \
            --containerd-plugins-namespace dpty-plugins \
            --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
            "${extra_args[@]}" \
            </dev/null >>"$LOG" 2>&1 9>&- &
        pid=$!
    fi
    local i
    for ((i = 0; i < 120; i++)); do
        ping "$HOST" && return 0
        # No name check: right after the fork it is still setsid or nohup.
        if ! alive "$pid"; then
            tail -n 30 "$LOG" >&2
            die "dockerd exited before answering on $HOST"
        fi
        sleep 0.25
    done
    tail -n 30 "$LOG" >&2
    die "dockerd did not answer on $HOST within 30 s (pid $pid still running; stop it with: $0 down)"
}

# --- the image ----------------------------------------------------------------

# ensure_image HOST: import busybox:latest built from busybox-static if missing.
ensure_image() {
    local host="$1"
    docker -H "$host" image inspect "$IMAGE" >/dev/null 2>&1 && return 0

    say "importing $IMAGE (built from busybox-static) into $host"
    busybox_rootfs_tar | docker -H "$host" import "${IMAGE_CHANGES[@]}" - "$IMAGE" >/dev/null

    local out
    out="$(docker -H "$host" run --rm --network none "$IMAGE" sh -c 'echo ok' 2>&1)" \
        || die "$IMAGE was imported but does not run: $out"
    [ "$out" = "ok" ] || die "$IMAGE was imported but printed: $out"
}

# --- subcommands --------------------------------------------------------------

check_dir() {
    # sun_path holds 108 bytes including the trailing NUL.
    [ "${#SOCK}" -lt 108 ] || die "socket path too long for a unix socket: $SOCK (set DPTY_ENGINE_DIR shorter)"
}

cmd_up() {
    check_dir
    ensure_packages
    lock "$DIR"
    start_engine
    ensure_image "$HOST"
    say "engine answers on $HOST with $IMAGE"
}

cmd_down() {
    [ -d "$DIR" ] || { say "nothing to stop: $DIR does not exist"; return 0; }
    lock "$DIR"
    if [ ! -f "$PIDFILE" ]; then
        if ping "$HOST"; then
            say "an engine answers on $HOST but was not started by this script; leaving it alone"
        else
            say "no engine started by this script in $DIR"
        fi
        return 0
    fi
    local pid
    if ! pid="$(recorded_pid)"; then
        say "dockerd recorded in $PIDFILE is not running; removing the pidfile"
        rm -f "$PIDFILE"
        stop_containerd
        kill_leftover_shims
        unmount_leftovers
        return 0
    fi
    if ping "$HOST"; then
        local ids
        ids="$(docker -H "$HOST" ps -aq 2>/dev/null || true)"
        if [ -n "$ids" ]; then
            say "removing leftover containers: $(echo "$ids" | tr '\n' ' ')"
            # shellcheck disable=SC2086 # one id per word
            docker -H "$HOST" rm -f $ids >/dev/null 2>&1 || true
        fi
    fi
    say "stopping dockerd $pid"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 60; i++)); do
        alive "$pid" dockerd || break
        sleep 0.25
    done
    if alive "$pid" dockerd; then
        say "dockerd $pid still running after 15 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 20; i++)); do
            alive "$pid" dockerd || break
            sleep 0.25
        done
        ! alive "$pid" dockerd || die "dockerd $pid survived SIGKILL"
    fi
    rm -f "$PIDFILE"
    stop_containerd
    kill_leftover_shims
    unmount_leftovers
    forget_sandboxes
    say "stopped"
}

# With no containers left, the network store only holds sandboxes of removed
# containers, which dockerd would otherwise clean one by one at its next start
# (minutes, after a day of tests). It keeps no networks of ours.
forget_sandboxes() {
    rm -rf "$DIR/data/network"
}

# Container processes live under containerd-shim processes that outlive
# containerd. dockerd stops its containers on a clean exit; after a forced one,
# kill the shims that name our private containerd socket, and their containers.
kill_leftover_shims() {
    local addr="$DIR/exec/containerd/containerd.sock" proc pid cmd kids
    for proc in /proc/[0-9]*; do
        cmd="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")" || continue
        case "$cmd" in
            *containerd-shim*" -address $addr "*) ;;
            *) continue ;;
        esac
        pid="${proc#/proc/}"
        kids="$(pgrep -P "$pid" || true)"
        say "killing leftover shim $pid${kids:+ and its container process(es) $(echo "$kids" | tr '\n' ' ')}"
        # shellcheck disable=SC2086 # one pid per word
        [ -z "$kids" ] || kill -KILL $kids 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# A dockerd that exits cleanly unmounts what it mounted under $DIR (its data
# root is bind-mounted onto itself, network namespaces live under exec/netns);
# one that had to be killed leaves those behind, so unmount them, deepest first.
unmount_leftovers() {
    local mnt
    while read -r mnt; do
        [ -n "$mnt" ] || continue
        say "unmounting leftover $mnt"
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || say "could not unmount $mnt"
    done < <(awk -v d="$DIR/" 'index($5, d) == 1 { print length($5) "\t" $5 }' /proc/self/mountinfo \
        | sort -rn | cut -f2-)
}

# The containerd that dockerd started records its pid under our exec root;
# dockerd normally stops it, but not if dockerd itself had to be killed.
stop_containerd() {
    local cpidfile="$DIR/exec/containerd/containerd.pid" cpid i
    [ -f "$cpidfile" ] || return 0
    cpid="$(cat "$cpidfile" 2>/dev/null || true)"
    if [[ "$cpid" =~ ^[0-9]+$ ]] && alive "$cpid" containerd; then
        say "stopping leftover containerd $cpid"
        kill -TERM "$cpid" 2>/dev/null || true
        for ((i = 0; i < 40; i++)); do
            alive "$cpid" containerd || break
            sleep 0.25
        done
        kill -KILL "$cpid" 2>/dev/null || true
    fi
    rm -f "$cpidfile"
}

cmd_env() {
    check_dir
    printf 'export DOCKER_HOST=%q\n' "$HOST"
}

cmd_status() {
    local pid=""
    pid="$(recorded_pid)" || pid=""
    if ping "$HOST"; then
        if [ -n "$pid" ]; then
            echo "engine answers on $HOST (dockerd $pid, started by engine.sh)"
        else
            echo "engine answers on $HOST (not started by engine.sh)"
        fi
        return 0
    fi
    if [ -n "$pid" ]; then
        echo "engine not answering on $HOST (dockerd $pid is running)"
    else
        echo "engine not answering on $HOST"
    fi
    return 1
}

cmd_image() {
    local host="${1:-$HOST}"
    ensure_packages
    ping "$host" || die "no engine answers on $host"
    ensure_image "$host"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    image) shift; cmd_image "$@" ;;
    *)
        echo "usage: $0 up|down|env|status|image [DOCKER_HOST]" >&2
        exit 2
        ;;
esac
