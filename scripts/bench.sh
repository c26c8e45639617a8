#!/usr/bin/env bash
# The speed benchmark: installs and builds what it needs, then (scripts/bench.mjs) times every
# shipped model natively, in headless Chromium's worker and with onnxruntime-web (the yardstick),
# each lab's heaviest job with one worker, the pool and natively, and the page's load figures.
# Takes several minutes (the held-out metrics alone are a minute or two); not part of CI.
# Usage: scripts/bench.sh [--batch N] [--repeats N] [--rounds N] [--loads N] [--skip models,jobs,load]
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh" --browser
"$ROOT/scripts/build.sh"
step "building the native CLI"
(cd "$ROOT" && cargo build --bin shiftlab)
step "timing"
exec node "$ROOT/scripts/bench.mjs" "$@"
