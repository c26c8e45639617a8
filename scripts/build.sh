#!/usr/bin/env bash
# Builds the page: the Rust core to wasm (www/pkg) and the vendored JS libraries (www/vendor).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step "building the wasm core"
# The release profile (Cargo.toml), shared with the wasm browser tests, so tract is compiled
# once for wasm32 and the page runs what was tested.
CARGO_TARGET_DIR="$WASM_TARGET_DIR" cargo build --release --lib --target "$WASM_TARGET"
# The TypeScript declarations of the façade (Store, Job) are kept for the page's type check.
# Function names (2.4 MB raw, 0.55 MB gzip) are left out: the panic hook's message names
# what failed without them, and a page user never reads a wasm stack trace.
wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir www/pkg \
  "$WASM_TARGET_DIR/$WASM_TARGET/release/shiftlab.wasm"

mkdir -p www/vendor
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css www/vendor/
cp node_modules/uplot/dist/uPlot.d.ts www/vendor/uPlot.esm.d.ts
raw=$(stat -c %s www/pkg/shiftlab_bg.wasm)
gz=$(gzip -9c www/pkg/shiftlab_bg.wasm | wc -c)
echo "www/pkg/shiftlab_bg.wasm: $raw bytes raw, $gz bytes gzip"
