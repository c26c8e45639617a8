#!/usr/bin/env bash
# The speed benchmark: installs and builds what it needs, then times every shipped model
# natively and in headless Chromium (scripts/bench.mjs) and prints the ratio.
# Usage: scripts/bench.sh [--batch N] [--repeats N]
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh" --browser
"$ROOT/scripts/build.sh"
step "building the native CLI"
(cd "$ROOT" && cargo build --bin shiftlab)
step "timing"
exec node "$ROOT/scripts/bench.mjs" "$@"
