#!/usr/bin/env bash
# Why this exists: some tests check dpty's output with other programs, which a
# fresh machine lacks: tests/record.rs plays recordings back with asciinema's
# own player, and tests/completions.rs runs the completions in zsh and fish as
# well as bash. This installs what is missing, the same way the engine scripts
# install theirs (Debian packages, only when absent).
#
# Usage: scripts/test-tools.sh
set -euo pipefail

SCRIPT=test-tools.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
command -v asciinema >/dev/null || missing+=(asciinema)
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
