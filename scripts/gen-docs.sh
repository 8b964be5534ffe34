#!/usr/bin/env bash
# Why this exists: completions/ and man/ are generated from the clap definition in
# src/cli/ and checked in, so that packagers and users get them without building
# anything. Run this after changing src/cli/ or completions/dynamic.* (the
# hand-written completion of container and image names for bash, zsh and fish)
# and commit the result; CI runs scripts/check-docs.sh, which fails while they
# are stale.
#
# Usage: scripts/gen-docs.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

locked=()
[ -f Cargo.lock ] && locked=(--locked)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet "${locked[@]}" --example gen_docs -- "$tmp/completions" "$tmp/man"

# Only once generating has worked: pages of subcommands that no longer exist go.
# Completion files keep their names; completions/dynamic.* are sources, not outputs.
rm -f man/*.1
mkdir -p completions man
cp "$tmp"/completions/* completions/
cp "$tmp"/man/* man/
echo "gen-docs.sh: regenerated completions/ and man/ from src/cli/"
