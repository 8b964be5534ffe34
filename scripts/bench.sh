#!/usr/bin/env bash
# Why this exists: the one command that measures dpty against the docker CLI on
# this machine. It builds the release binary, makes sure the private engine from
# scripts/engine.sh and the private sshd from scripts/sshd.sh answer (starting
# them if needed, and stopping them again on exit only if they were started
# here; the same for the swarm of scripts/swarm.sh, for scenario 10), then runs
# benches/compare.py, which prints a Markdown table of medians and dpty/docker
# ratios, locally, (scenario 8) through ssh to the same engine and (scenario 10)
# into a Swarm service's task on another node.
#
# Usage: scripts/bench.sh [--quick] [ARGS for benches/compare.py...]
#        e.g. scripts/bench.sh --quick    (smoke run, under a minute)
#             scripts/bench.sh --repeats 7 --scenarios notty,echo
#             scripts/bench.sh --scenarios ssh --repeats 3 --startup-repeats 5
#             scripts/bench.sh --scenarios swarm    (dpty service exec, scenario 10)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DPTY_ENGINE_DIR="${DPTY_ENGINE_DIR:-/tmp/dpty-engine}"
engine=scripts/engine.sh

command -v cargo >/dev/null || {
    echo "bench.sh: cargo is not on PATH (install a Rust toolchain, e.g. with rustup)" >&2
    exit 1
}
command -v python3 >/dev/null || {
    echo "bench.sh: python3 is not on PATH" >&2
    exit 1
}

locked=()
[ -f Cargo.lock ] && locked=(--locked)
cargo build "${locked[@]}" --release

sshd=scripts/sshd.sh
stop=()
# shellcheck disable=SC2317 # invoked from the EXIT trap
on_exit() {
    local step
    for step in "${stop[@]}"; do bash "$step" down || true; done
}
trap on_exit EXIT
# Each is stopped on exit only if started here; the entry is added before
# `up`, so that a half-started one is stopped too.
if bash "$engine" status >/dev/null; then
    echo "bench.sh: using the engine that is already running" >&2
else
    stop+=("$engine")
fi
bash "$engine" up
eval "$(bash "$engine" env)"
export DOCKER_HOST

# Scenario 8 reaches the same engine through ssh, with the private sshd's
# client wrapper first on PATH (its keys, its known_hosts).
if bash "$sshd" status >/dev/null 2>&1; then
    echo "bench.sh: using the sshd that is already running" >&2
else
    stop+=("$sshd")
fi
if bash "$sshd" up && [[ "$DOCKER_HOST" == unix://* ]]; then
    eval "$(bash "$sshd" env)"
    export PATH="$DPTY_SSHD_DIR/bin:$PATH"
    export DPTY_BENCH_SSH_HOST="ssh://root@127.0.0.1:$DPTY_SSHD_PORT${DOCKER_HOST#unix://}"
else
    echo "bench.sh: no sshd for scenario 8; it is skipped" >&2
fi

# Scenario 10 runs in a three-node swarm on this machine (scripts/swarm.sh),
# brought up only when the scenarios asked for include it.
swarm=scripts/swarm.sh
want_swarm=1
case " $* " in *" --scenarios"*) [[ "$*" == *swarm* ]] || want_swarm=0 ;; esac
if [ "$want_swarm" -eq 1 ]; then
    if bash "$swarm" status >/dev/null 2>&1; then
        echo "bench.sh: using the swarm that is already running" >&2
    else
        stop+=("$swarm")
    fi
    if bash "$swarm" up; then
        eval "$(bash "$swarm" env)"
    else
        echo "bench.sh: no swarm for scenario 10; it is skipped" >&2
    fi
fi

# Shown in the report, so a table can be reproduced from what it says.
DPTY_BENCH_COMMAND="scripts/bench.sh${*:+ $(printf '%q ' "$@")}"
export DPTY_BENCH_COMMAND="${DPTY_BENCH_COMMAND% }"

# Not exec: the EXIT trap above must run after the benchmark.
status=0
python3 benches/compare.py "$@" || status=$?
exit "$status"
