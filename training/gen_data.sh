#!/usr/bin/env bash
# Writes every procedural training/test set with the Rust core's generators (so the page draws
# the very same distributions) into training/data/ as .npy files. Test sets whose split name
# equals a training split's go to training/data/test/ so they do not overwrite it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-cache}"
gen() { local out="$1"; shift; mkdir -p "$out"; cargo run --quiet -- gen-data "$@" --out "$out"; }
D=training/data
# Red-Green in the paper's layout: dissimilar seed 2 is similar seed 2 moved 16 rows.
gen $D red-green --layout paper --split train --n 2000 --seed 1
gen $D red-green --layout paper --split validation --n 1000 --seed 1
gen $D red-green --layout paper --split similar --n 1000 --seed 2
gen $D red-green --layout paper --split dissimilar --n 1000 --seed 2
# The same sizes in ShiftLab's earlier layout, for border.py --layout ours (a contrast only).
gen $D/ours red-green --layout ours --split train --n 2000 --seed 1
gen $D/ours red-green --layout ours --split validation --n 1000 --seed 1
gen $D/ours red-green --layout ours --split similar --n 1000 --seed 2
gen $D/ours red-green --layout ours --split dissimilar --n 1000 --seed 3
for split in uniform-train uniform-test quadrant-train quadrant-test; do
  gen $D clevr --split "$split" --seed 0
done
gen $D siamese --split centred --n 4000 --seed 1
gen $D siamese --split shifted --n 4000 --seed 1
gen $D/test siamese --split shifted --n 1000 --seed 5
# Narrower shift ranges for siam-shift8 / siam-shift16, each in its own directory (same file names).
for max in 8 16; do
  gen $D/shift$max siamese --split shifted --max-shift $max --n 4000 --seed 1
done
# Road scenes with inverse depth (depth lab): one camera pose, and pitch/roll/height jittered.
for poses in fixed jitter; do
  gen $D road --split "$poses-train" --n 3000 --seed 1
  gen $D road --split "$poses-test" --n 100 --seed 0
done
