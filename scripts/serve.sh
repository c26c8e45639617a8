#!/usr/bin/env bash
# First command of the README: install, build, serve the page on 127.0.0.1.
# Usage: scripts/serve.sh [--port N] [--dist]   (default port 8080)
#   --dist  builds dist/ (scripts/dist.sh) and serves that instead, exactly as a static host would.
set -euo pipefail
source "$(dirname "$0")/env.sh"
usage="usage: scripts/serve.sh [--port N] [--dist]"
port=8080
dist=
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }; port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --dist) dist=1; shift ;;
    *) echo "unknown argument: $1 ($usage)" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/setup.sh"
if [ -n "$dist" ]; then
  "$ROOT/scripts/dist.sh"
  exec node "$ROOT/scripts/serve.mjs" --port "$port" --root "$ROOT/dist"
fi
"$ROOT/scripts/build.sh"
exec node "$ROOT/scripts/serve.mjs" --port "$port"
