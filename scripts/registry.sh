#!/usr/bin/env bash
# Why this exists: dpty pulls images when `run` lacks one, and that path can
# only be tested against a real registry. This script installs Debian's
# docker-registry (distribution 2.8) when missing and runs one of its own on
# loopback only, with its config, storage, log and pidfile under
# $DPTY_REGISTRY_DIR, so tests can `docker push` an image there and pull it
# back with dpty. The engine accepts plain HTTP for 127.0.0.0/8 registries by
# default, so no TLS is needed. Nothing here ever talks to another registry.
#
# Usage: scripts/registry.sh up|down|env|status
#   up      install what is missing, start the registry unless ours already
#           answers (idempotent, fast when it is up)
#   down    stop the registry this script started, by the pid it recorded
#   env     print `export DPTY_REGISTRY=127.0.0.1:PORT`
#   status  say whether our registry answers (exit 0 if it does)
#
# Environment: DPTY_REGISTRY_DIR (default /tmp/dpty-registry),
#              DPTY_REGISTRY_PORT (default 5000).
set -euo pipefail

DIR="${DPTY_REGISTRY_DIR:-/tmp/dpty-registry}"
PORT="${DPTY_REGISTRY_PORT:-5000}"
ADDR="127.0.0.1:$PORT"
CONFIG="$DIR/config.yml"
PIDFILE="$DIR/registry.pid"
LOG="$DIR/registry.log"
BINARY=docker-registry

SCRIPT=registry.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
    die "DPTY_REGISTRY_PORT must be a port number, not '$PORT'"
fi

# --- installing ---------------------------------------------------------------

# The package ships an init script and a systemd unit. Its postinst runs
# `invoke-rc.d docker-registry start`, which starts nothing without systemd and
# without a known runlevel (or with a policy-rc.d that says 101); we check
# afterwards that no registry of the package's own was left running.
ensure_package() {
    command -v "$BINARY" >/dev/null && return 0
    command -v curl >/dev/null || die "curl is needed to check the registry"
    apt_install --no-install-recommends docker-registry
    command -v "$BINARY" >/dev/null || die "docker-registry installed but not on PATH?"
    local pid
    pid="$(cat /run/docker-registry.pid 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" "$BINARY"; then
        say "warning: installing the package started its own registry (pid $pid, see /etc/init.d/docker-registry); stop it with: /etc/init.d/docker-registry stop"
    fi
}

# --- the registry ---------------------------------------------------------------

# recorded_pid: the pid in our pidfile, if that process is alive and is ours.
recorded_pid() { pid_in "$PIDFILE" "$BINARY"; }

answers() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$ADDR/v2/" 2>/dev/null)" = 200 ]
}

# listening: true if anything at all accepts connections on $ADDR.
listening() {
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

write_config() {
    mkdir -p "$DIR/storage"
    cat >"$CONFIG" <<EOF
# Written by scripts/registry.sh; rewritten on every start.
version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
}

start_registry() {
    local pid
    if pid="$(recorded_pid)"; then
        if answers; then
            return 0
        fi
        say "docker-registry $pid (started earlier) is not answering yet; waiting for it"
    else
        rm -f "$PIDFILE"
        if listening; then
            die "something not started by this script already listens on $ADDR; stop it, or set DPTY_REGISTRY_PORT to a free port"
        fi
        write_config
        say "starting docker-registry on $ADDR (log: $LOG)"
        printf '\n=== %s registry.sh up\n' "$(date -Is)" >>"$LOG"
        # All of its fds point away from ours, so that a caller reading our
        # output (a test's pipe) sees it end when this script ends.
        setsid nohup "$BINARY" serve "$CONFIG" </dev/null >>"$LOG" 2>&1 9>&- &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    await_answer "$pid" "docker-registry on $ADDR"
}

# --- subcommands --------------------------------------------------------------

cmd_up() {
    lock "$DIR"
    # Fast path: ours is up already; no package check needed.
    if recorded_pid >/dev/null && answers; then
        return 0
    fi
    ensure_package
    start_registry
    say "registry answers on $ADDR"
}

cmd_down() {
    [ -d "$DIR" ] || { say "nothing to stop: $DIR does not exist"; return 0; }
    lock "$DIR"
    local pid
    if ! pid="$(recorded_pid)"; then
        if [ -f "$PIDFILE" ]; then
            say "docker-registry recorded in $PIDFILE is not running; removing the pidfile"
            rm -f "$PIDFILE"
        elif listening; then
            say "something listens on $ADDR but was not started by this script; leaving it alone"
        else
            say "no registry started by this script in $DIR"
        fi
        return 0
    fi
    stop_pid "$pid" "$BINARY"
}

cmd_env() {
    printf 'export DPTY_REGISTRY=%q\n' "$ADDR"
}

cmd_status() {
    local pid=""
    pid="$(recorded_pid)" || pid=""
    if answers; then
        if [ -n "$pid" ]; then
            echo "registry answers on $ADDR (docker-registry $pid, started by registry.sh)"
        else
            echo "a registry answers on $ADDR (not started by registry.sh)"
        fi
        return 0
    fi
    if [ -n "$pid" ]; then
        echo "registry not answering on $ADDR (docker-registry $pid is running)"
    else
        echo "registry not answering on $ADDR"
    fi
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
