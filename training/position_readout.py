"""The position readout of the padding family (Islam et al. 2020) that CI re-measures.

The readout is the Rust core's (src/labs/position.rs, the same code as the browser lab), so
its crops come from the core's seeded generator; this script puts the recipe into each
pad-* manifest entry's `eval.position`, runs `shiftlab remeasure` and writes the measured
SPC and MAE into the entry's metrics. tests/shipped_models.rs re-measures them.

Recipe: features of conv3, conv5, conv7 and conv9 bilinearly resized to 8x8 and
concatenated (the paper's multi-level features), a 3x3 linear readout without padding
(6x6 maps), ridge-fitted on 63 random 64x64 crops of each of the 8 training photos (504
crops) and scored on 50 random crops of each of the 2 photos no model was trained on
(hubble_deep_field, coins: 100 crops); targets H and V. The control is the same readout
on the crops' normalised pixels.

Usage: source scripts/env.sh; python3 training/position_readout.py [ids]   (after padding.py)
"""

import json
import subprocess
import sys

import common
import photos

IDS = ["pad-zero", "pad-none", "pad-circular"]
RECIPE = {
    "train_photos": [f"photos/{n}.png" for n in photos.CLASSES],
    "test_photos": [f"photos/{n}.png" for n in photos.UNSEEN],
    "layers": ["conv3", "conv5", "conv7", "conv9"],
    "targets": ["H", "V"],
    "grid": 8, "kernel": 3, "lambda": 0.01,
    "train_crops": 63, "test_crops": 50, "seed": 0,
    "tolerance": 0.01,
}
DEFINITIONS = {
    "readout_{t}_spc": "Spearman correlation (SPC) between the {T} map and the readout's "
                       "prediction, mean over the 100 held-out crops (eval.position)",
    "readout_{t}_mae": "mean absolute error of the readout's {T} map, mean over the held-out "
                       "crops",
    "pixels_{t}_spc": "SPC of the same readout fitted on the crops' pixels (the control)",
    "pixels_{t}_mae": "MAE of the same readout fitted on the crops' pixels (the control)",
}


def main(ids):
    entries = {e["id"]: e for e in common.load_manifest()["models"] if e["id"] in ids}
    for e in entries.values():
        e["eval"]["position"] = RECIPE
        common.update_manifest(e)
    out = subprocess.run(["cargo", "run", "--quiet", "--", "remeasure", *ids], cwd=common.ROOT,
                         check=True, capture_output=True, text=True).stdout
    measured = json.loads(out)
    for model_id, e in entries.items():
        for name, value in measured[model_id].items():
            if name.startswith(("readout_", "pixels_")):
                e["metrics"][name] = round(value, 3)
        for t in RECIPE["targets"]:
            for name, text in DEFINITIONS.items():
                e["metric_definitions"][name.format(t=t.lower())] = text.format(T=t)
        common.update_manifest(e)
        print(f"[{model_id}]", json.dumps({k: v for k, v in e["metrics"].items()
                                           if k.startswith(("readout_", "pixels_"))}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or IDS)
