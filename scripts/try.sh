#!/usr/bin/env bash
# Why this exists: "just try it". Builds dpty, finds a Docker Engine (DOCKER_HOST,
# else /var/run/docker.sock, else the private one from scripts/engine.sh), makes
# sure it has a busybox:latest image (built locally, never pulled), and drops
# you into `dpty run --rm busybox sh`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
engine=scripts/engine.sh

cargo build --release

ping() {
    local out
    case "$1" in
        unix://*) out="$(curl -s --max-time 3 --unix-socket "${1#unix://}" http://d/_ping 2>/dev/null)" || return 1 ;;
        tcp://*) out="$(curl -s --max-time 3 "http://${1#tcp://}/_ping" 2>/dev/null)" || return 1 ;;
        *) return 1 ;;
    esac
    [ "$out" = "OK" ]
}

host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
if command -v curl >/dev/null && ping "$host"; then
    echo "try.sh: using the engine at $host"
    export DOCKER_HOST="$host"
    bash "$engine" image "$host"
else
    echo "try.sh: no engine answers at $host; using the private one"
    started=0
    bash "$engine" status >/dev/null || started=1
    bash "$engine" up
    eval "$(bash "$engine" env)"
    export DOCKER_HOST
    if [ "$started" -eq 1 ]; then
        stop="scripts/engine.sh down"
        [ -z "${DPTY_ENGINE_DIR:-}" ] || stop="DPTY_ENGINE_DIR=$DPTY_ENGINE_DIR $stop"
        echo "try.sh: the private engine keeps running after you exit; stop it with: $stop"
    fi
fi

exec "${CARGO_TARGET_DIR:-target}/release/dpty" run --rm busybox sh
