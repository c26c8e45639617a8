#!/usr/bin/env bash
# First command of the README: install, build, serve the page on 127.0.0.1.
# Usage: scripts/serve.sh [--port N]   (default 8080)
set -euo pipefail
source "$(dirname "$0")/env.sh"
port=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    *) echo "unknown argument: $1 (usage: scripts/serve.sh [--port N])" >&2; exit 2 ;;
  esac
done
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
exec node "$ROOT/scripts/serve.mjs" --port "$port"
