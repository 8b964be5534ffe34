#!/usr/bin/env bash
# Why this exists: the one command that runs dpty's whole test suite on a fresh
# machine. Tests need a real Docker Engine with a busybox:latest image, a
# registry on loopback, an sshd on loopback (for ssh:// engines) and a
# three-node swarm (for dpty service); scripts/engine.sh, scripts/registry.sh,
# scripts/sshd.sh and scripts/swarm.sh install and start private ones. One that already answers is used and left running;
# otherwise it is started here and stopped again on exit.
#
# DPTY_TEST_ENGINE=podman runs the same suite against Podman's Docker-compatible
# service (scripts/podman.sh) instead of dockerd. Tests that need an engine of
# their own (TLS, an engine dying mid-session) start a private dockerd either way.
#
# After the tests it runs examples/script.rs, the library used with no terminal.
# Every test binary runs even when one fails (--no-fail-fast), and the example
# runs whatever the tests gave, so that one run shows all that fails; the
# script then exits non-zero, naming the steps that failed.
#
# Usage: scripts/test.sh [ARGS for cargo test...]   e.g. scripts/test.sh --test exit_codes
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DPTY_ENGINE_DIR="${DPTY_ENGINE_DIR:-/tmp/dpty-engine}"
case "${DPTY_TEST_ENGINE:-docker}" in
    docker) engine=scripts/engine.sh ;;
    podman) engine=scripts/podman.sh ;;
    *) echo "test.sh: DPTY_TEST_ENGINE must be docker or podman" >&2; exit 2 ;;
esac

# On Ctrl-C or SIGTERM: stop the tests (timeout passes the signal on to its
# whole process group), then exit, which runs the EXIT trap below if any.
child=""
# shellcheck disable=SC2317 # invoked from the traps below
on_signal() {
    if [ -n "$child" ]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" || true
    fi
    exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

command -v cargo >/dev/null || {
    echo "test.sh: cargo is not on PATH (install a Rust toolchain, e.g. with rustup)" >&2
    exit 1
}

registry=scripts/registry.sh
sshd=scripts/sshd.sh
swarm=scripts/swarm.sh
cleanup=()
# shellcheck disable=SC2317 # invoked from the EXIT trap
on_exit() {
    local step
    for step in "${cleanup[@]}"; do bash "$step" down || true; done
}
trap on_exit EXIT
# Each service is stopped on exit only if this run started it; the entry is
# added before `up`, so that a half-started one is stopped too.
if bash "$engine" status >/dev/null; then
    echo "test.sh: using the engine that is already running"
else
    cleanup+=("$engine")
fi
bash "$engine" up
if bash "$registry" status >/dev/null 2>&1; then
    echo "test.sh: using the registry that is already running"
else
    cleanup+=("$registry")
fi
bash "$registry" up
if bash "$sshd" status >/dev/null 2>&1; then
    echo "test.sh: using the sshd that is already running"
else
    cleanup+=("$sshd")
fi
bash "$sshd" up
# tests/service.rs needs a real swarm; against Podman it checks only that
# Podman's lack of one is told, and needs none.
if [ "${DPTY_TEST_ENGINE:-docker}" = docker ]; then
    if bash "$swarm" status >/dev/null 2>&1; then
        echo "test.sh: using the swarm that is already running"
    else
        cleanup+=("$swarm")
    fi
    bash "$swarm" up
fi
bash scripts/test-tools.sh
eval "$(bash "$engine" env)"
export DOCKER_HOST
echo "test.sh: DOCKER_HOST=$DOCKER_HOST"

locked=()
[ -f Cargo.lock ] && locked=(--locked)
cargo build "${locked[@]}" --all-targets

# What failed, as "STEP (status N)", and the first failure's status, which the
# script exits with.
failed=()
first_status=0
failure() {
    failed+=("$1 (status $2)")
    [ "$first_status" -ne 0 ] || first_status=$2
}

# stdin from /dev/null: tests must not depend on (or fiddle with) the terminal
# this script happens to run in; in CI there is none.
# Run in the background and `wait`, so that a signal to this script is handled
# at once (timeout runs in a process group of its own, so a Ctrl-C at the
# terminal reaches only this script, which passes it on).
timeout --kill-after=30 1200 cargo test "${locked[@]}" --no-fail-fast "$@" </dev/null &
child=$!
status=0
wait "$child" || status=$?
child=""
[ "$status" -ne 124 ] || echo "test.sh: cargo test timed out after 1200 s" >&2
[ "$status" -eq 0 ] || failure "cargo test" "$status"

# The library's example that needs no terminal, run as a user runs it: a shell
# script through in-memory streams into a new busybox container, which it
# removes again; it fails unless everything comes back as the script says.
timeout --kill-after=30 300 cargo run "${locked[@]}" --example script </dev/null &
child=$!
status=0
wait "$child" || status=$?
child=""
[ "$status" -ne 124 ] || echo "test.sh: the script example timed out after 300 s" >&2
[ "$status" -eq 0 ] || failure "the script example" "$status"

engine_name="${DPTY_TEST_ENGINE:-docker}"
if [ "${#failed[@]}" -ne 0 ]; then
    printf -v list '%s, ' "${failed[@]}"
    echo "test.sh: FAILED against $engine_name: ${list%, }" >&2
    exit "$first_status"
fi
echo "test.sh: all passed against $engine_name"
