#!/usr/bin/env bash
# Why this exists: the checked-in completions/ and man/ must be what src/cli/
# generates today. This regenerates them into a temporary directory and compares;
# CI runs it and fails, naming the stale files, until scripts/gen-docs.sh has been
# run and its output committed.
#
# Usage: scripts/check-docs.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

locked=()
[ -f Cargo.lock ] && locked=(--locked)
cargo run --quiet "${locked[@]}" --example gen_docs -- "$tmp/completions" "$tmp/man"

stale=()
# Generated files that are missing or differ.
for dir in completions man; do
    for new in "$tmp/$dir"/*; do
        file="$dir/${new##*/}"
        if ! cmp -s "$new" "$file"; then
            stale+=("$file")
            if [ -f "$file" ]; then
                diff -u "$file" "$new" | head -n 40 >&2 || true
            else
                echo "check-docs.sh: $file is missing" >&2
            fi
        fi
    done
done
# Man pages nothing generates any more (a subcommand was removed or renamed);
# completions/dynamic.* are hand-written sources.
for file in man/*.1; do
    [ -e "$file" ] || continue
    if [ ! -e "$tmp/$file" ]; then
        stale+=("$file")
        echo "check-docs.sh: $file is no longer generated" >&2
    fi
done

if [ "${#stale[@]}" -ne 0 ]; then
    {
        echo
        echo "check-docs.sh: these generated files do not match src/cli/:"
        printf '    %s\n' "${stale[@]}"
        echo "Regenerate them with 'bash scripts/gen-docs.sh' and commit the result."
    } >&2
    exit 1
fi
echo "check-docs.sh: completions/ and man/ match src/cli/"
