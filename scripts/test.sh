#!/usr/bin/env bash
# Second command of the README: every test, from a fresh machine.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" --browser

step "format and lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings

step "native tests (core units, properties, models against golden outputs and manifest metrics)"
cargo test

step "wasm tests in headless Chromium (shipped models against golden outputs)"
CARGO_TARGET_DIR="$WASM_TARGET_DIR" CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --release --target "$WASM_TARGET" --test browser

"$ROOT/scripts/build.sh"

step "type check and lint (tsc --checkJs on www/, scripts/ and tests/; eslint on all three)"
# After the build: the page's modules import the wasm façade's generated declarations.
npx tsc -p tsconfig.json
npx tsc -p scripts/tsconfig.json
npx eslint .

step "the page server's HTTP cases, and the static site"
node --test tests/server/
"$ROOT/scripts/dist.sh"

step "end-to-end tests of the page in headless Chromium"
node tests/e2e/run.mjs
