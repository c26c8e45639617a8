"""The shift metrics of the digits family that CI re-measures, measured by the Rust core.

Consistency (Zhang 2019), P(top-1 change) and MAC (Azulay & Weiss 2019) on the 1,000 held-out
digits are the Sweeps lab's own code (`sweep::set_metrics` in src/labs/sweep.rs: black fill;
5 pairs of shifts per digit with dx, dy uniform in [-4, 4], digit i drawing from stream i of
the core's generator with seed 0; the diagonal (0,0) .. (8,8)), so the manifest, both READMEs
and the lab's "held-out" button give the same numbers. This script puts that recipe into every
digits entry's `eval.shift`, runs `shiftlab remeasure` on every model and seed that has no
shift metrics yet (digits.py writes entries without them) and writes the numbers, and each
model's mean and sample std over its seeds, into the manifest. tests/shipped_models.rs
re-measures every seed and recomputes the mean and std with the core (evaluation::over_seeds).

Usage: source scripts/env.sh; python3 training/digits_metrics.py   (after digits.py)
"""

import json
import subprocess

import common

SHIFT = {
    "mode": "black", "range": 4, "pairs": 5, "seed": 0, "steps": 8,
    "metrics": ["test_consistency_percent", "test_p_top1_change_diag_black",
                "test_mac_diag_black"],
    # One changed top-1 moves the consistency by 0.02 and P(top-1 change) by 0.000125.
    "tolerance_percent": 0.1, "tolerance": 0.001,
}
METRICS = ["test_accuracy_percent", *SHIFT["metrics"]]
DIGITS = {"test_accuracy_percent": 2, "test_consistency_percent": 2,
          "test_p_top1_change_diag_black": 4, "test_mac_diag_black": 4}
DEFINITIONS = {
    "test_consistency_percent": "Zhang 2019: % identical top-1 for two random shifts of the "
        "32x32 input, black fill, dx and dy uniform integers in [-4,4] (eval.shift: 5 pairs per "
        "digit, digit i drawing from stream i of the Rust core's generator, seed 0 — the Sweeps "
        "lab's held-out metrics)",
    "test_p_top1_change_diag_black": "Azulay & Weiss 2019: P(top-1 changes) between "
        "consecutive 1-px diagonal shifts (0,0)..(8,8), black fill (eval.shift)",
    "test_mac_diag_black": "mean |change| of the probability of the class that is top-1 at "
        "shift 0, over the same consecutive diagonal shifts (eval.shift)",
}


def mean_std(values, digits):
    """Mean and sample std (ddof 1), as evaluation::over_seeds computes them in CI."""
    n = len(values)
    mean = sum(values) / n
    std = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
    return round(mean, digits), round(std, digits)


def main():
    manifest = common.load_manifest()
    entries = {e["id"]: e for e in manifest["models"] if e["family"] == "digits"}
    runs = {r["id"]: r for r in manifest.get("seeds", []) if r["of"] in entries}
    for e in entries.values():
        if e["eval"].get("shift") != SHIFT:
            e["eval"]["shift"] = SHIFT
            e["metrics"].pop(SHIFT["metrics"][0], None)  # measured under another recipe
            common.update_manifest(e)
    # A (re-)exported model or seed has no shift metrics yet: measure just those.
    todo = [i for i, x in {**entries, **runs}.items() if SHIFT["metrics"][0] not in x["metrics"]]
    print(f"measuring {len(todo)} of {len(entries) + len(runs)} runs: {' '.join(todo)}", flush=True)
    out = subprocess.run(["cargo", "run", "--quiet", "--", "remeasure", *todo],
                         cwd=common.ROOT, check=True, capture_output=True, text=True).stdout
    measured = json.loads(out)
    for run_id, run in runs.items():
        if run_id in measured:
            for name in SHIFT["metrics"]:
                run["metrics"][name] = round(measured[run_id][name], DIGITS[name])
            common.update_seed_run(run)
    for model_id, e in entries.items():
        for name in SHIFT["metrics"]:
            if model_id in measured:
                e["metrics"][name] = round(measured[model_id][name], DIGITS[name])
        e["metric_definitions"].update(DEFINITIONS)
        mine = [e] + sorted((r for r in runs.values() if r["of"] == model_id),
                            key=lambda r: r["seed"])
        if len(mine) > 1:
            seeds = [0] + [r["seed"] for r in mine[1:]]
            for name in METRICS:
                mean, std = mean_std([r["metrics"][name] for r in mine], DIGITS[name])
                e["metrics"][f"{name}_mean"], e["metrics"][f"{name}_std"] = mean, std
                e["metric_definitions"][f"{name}_mean"] = (
                    f"mean of {name} over training seeds {seeds} (this file and the manifest's "
                    f"`seeds` of {model_id}); _std: sample std, ddof 1")
            e["metrics"]["seeds"] = len(mine)
            e["metric_definitions"]["seeds"] = "training seeds measured (the _mean and _std)"
        common.update_manifest(e)
        print(f"[{model_id}]", json.dumps(e["metrics"]), flush=True)


if __name__ == "__main__":
    main()
