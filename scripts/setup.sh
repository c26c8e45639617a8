#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) needs. Idempotent: every step
# checks first, so a second run costs seconds.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
  step "adding Rust target $WASM_TARGET"
  rustup target add "$WASM_TARGET"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock; takes minutes once)"
  # --debug: the CLI only rewrites one module per build; an unoptimised CLI is fast
  # enough and compiles in a fraction of the release time.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --debug --force
fi

if [ ! -d node_modules/uplot ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/typescript ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  step "installing Debian chromium and chromium-driver (headless browser tests)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
fi
