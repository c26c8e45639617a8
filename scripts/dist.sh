#!/usr/bin/env bash
# Builds dist/: the page as a self-contained static site (index.html, www/ with the wasm core and
# the vendored uPlot, models/) that any static host can serve, from its root or any sub-path,
# because every URL in the page is relative. Nothing else goes in: no sources, tests or docs.
# Usage: scripts/dist.sh      then e.g. node scripts/serve.mjs --root dist
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

"$ROOT/scripts/build.sh"
for f in www/pkg/shiftlab.js www/pkg/shiftlab_bg.wasm www/vendor/uPlot.esm.js models/manifest.json; do
  [ -f "$f" ] || { echo "dist: $f is missing after the build" >&2; exit 1; }
done

step "assembling dist/"
# Built into a fresh directory and swapped in at the end, so a failed run leaves no half site.
rm -rf "$ROOT/dist.tmp"
mkdir "$ROOT/dist.tmp"
cp index.html dist.tmp/
# tar -h copies what symlinks point to, so dist/ stands alone; dotfiles (wasm-bindgen's
# .gitignore, editor files), tests and type declarations are not needed at runtime.
tar -ch --exclude='.*' --exclude='*.test.mjs' --exclude='*.d.ts' www | tar -x -C dist.tmp
# models/: everything the page fetches; READMEs are for the repository, but the photos'
# credits travel with the photos. models/seeds/ (other training seeds, re-measured by the
# native tests) is never fetched.
tar -ch --exclude='.*' --exclude='*.md' --exclude='models/seeds' models | tar -x -C dist.tmp
cp models/photos/CREDITS.md dist.tmp/models/photos/
rm -rf "$ROOT/dist"
mv "$ROOT/dist.tmp" "$ROOT/dist"

size=$(du -sb dist | cut -f1)
files=$(find dist -type f | wc -l)
gz=$(gzip -9c dist/www/pkg/shiftlab_bg.wasm | wc -c)
echo "dist/: $files files, $size bytes ($(du -sh dist | cut -f1)); shiftlab_bg.wasm gzipped: $gz bytes"
echo "serve it with: node scripts/serve.mjs --root dist"
