#!/usr/bin/env bash
# Why this exists: a program that embeds dpty's sessions should not compile
# the command line's weight. This checks that the library and its examples
# build without the default `cli` feature, and that clap, indicatif and
# tracing-subscriber are then not among the library's dependencies.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
locked=()
[ -f Cargo.lock ] && locked=(--locked)
cargo build "${locked[@]}" --no-default-features --lib --examples
heavy=$(cargo tree "${locked[@]}" --no-default-features --edges normal --prefix none \
    | awk '{print $1}' | grep -xE 'clap|clap_builder|indicatif|tracing-subscriber' | sort -u || true)
if [ -n "$heavy" ]; then
    echo "check-lib.sh: without the cli feature the library still depends on: $heavy" >&2
    exit 1
fi
echo "check-lib.sh: the library builds without the cli feature, and without clap, indicatif or tracing-subscriber"
