#!/usr/bin/env bash
# Why this exists: the demuxer parses bytes that come from a peer, so it is
# fuzzed (fuzz/fuzz_targets/demux.rs) beside its unit and property tests.
# cargo-fuzz needs nightly-only compiler flags; RUSTC_BOOTSTRAP lets the one
# stable toolchain on these machines accept them.
#
# Usage: scripts/fuzz.sh [SECONDS]   (default 600)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"
seconds="${1:-600}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# -malloc_limit_mb fails any single allocation over 16 MiB, which is what
# following a frame header's declared size (up to 4 GiB) would cause;
# -rss_limit_mb leaves room for the sanitizer's own quarantine.
RUSTC_BOOTSTRAP=1 cargo fuzz run demux -- \
    -max_total_time="$seconds" -malloc_limit_mb=16 -rss_limit_mb=2048 -max_len=65536
