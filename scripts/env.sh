# Shared settings for the project scripts; sourced, not run.
# One target directory outside the clone serves every build (native tests, wasm tests,
# page wasm), so a warm machine never compiles tract twice.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shiftlab/target}"
# The wasm builds may use a directory of their own, so that a developer can build
# native and wasm at the same time (cargo locks a target directory while it builds).
WASM_TARGET_DIR="${SHIFTLAB_WASM_TARGET_DIR:-$CARGO_TARGET_DIR}"
export WASM_TARGET_DIR
export PATH="$HOME/.cargo/bin:$PATH"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
WASM_TARGET=wasm32-unknown-unknown
export WASM_TARGET
# Version of wasm-bindgen the crate links against; the CLI must match it exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
export WASM_BINDGEN_VERSION
step() { printf '\n==> %s\n' "$*"; }
