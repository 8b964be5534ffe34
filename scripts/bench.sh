#!/usr/bin/env bash
# Why this exists: the one command that measures dpty against the docker CLI on
# this machine. It builds the release binary, makes sure the private engine from
# scripts/engine.sh answers (starting it if needed, and stopping it again on exit
# only if it was started here), then runs benches/compare.py, which prints a
# Markdown table of medians and dpty/docker ratios.
#
# Usage: scripts/bench.sh [--quick] [ARGS for benches/compare.py...]
#        e.g. scripts/bench.sh --quick    (smoke run, under a minute)
#             scripts/bench.sh --repeats 7 --scenarios notty,echo
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

if bash "$engine" status >/dev/null; then
    echo "bench.sh: using the engine that is already running" >&2
else
    # Set before `up`, so that a half-started engine is stopped too.
    trap 'bash "$engine" down || true' EXIT
fi
bash "$engine" up
eval "$(bash "$engine" env)"
export DOCKER_HOST

# Shown in the report, so a table can be reproduced from what it says.
DPTY_BENCH_COMMAND="scripts/bench.sh${*:+ $(printf '%q ' "$@")}"
export DPTY_BENCH_COMMAND="${DPTY_BENCH_COMMAND% }"

# Not exec: the EXIT trap above must run after the benchmark.
status=0
python3 benches/compare.py "$@" || status=$?
exit "$status"
