"""Print the headline numbers of models/manifest.json as Markdown tables (pasted into
models/README.md, and the digits table also into README.md; run after training to refresh
them)."""

import json
import os

import common


def siamese_floor(m):
    """The mean peak error of a perfect tracker whose cells lie one stride apart (the argmax can
    only name multiples of it), over the test set's offsets: every whole-pixel (dx, dy) with
    |dx|, |dy| <= max_shift, drawn uniformly (src/tracking.rs quantisation_error)."""
    cells = m["output"]["shape"][-1]
    search, template = m["inputs"][1]["shape"][-1], m["inputs"][0]["shape"][-1]
    stride = (search - template) // (cells - 1)
    axis = [min(v % stride, stride - v % stride) for v in range(-m["eval"]["max_shift"],
                                                                 m["eval"]["max_shift"] + 1)]
    return f"{sum((a * a + b * b) ** 0.5 for a in axis for b in axis) / len(axis) ** 2:.2f}"


DIGITS_METRICS = [("test_accuracy_percent", "test acc %", 2),
                  ("test_consistency_percent", "consistency %", 2),
                  ("test_p_top1_change_diag_black", "P(top-1 change) diag", 4),
                  ("test_mac_diag_black", "MAC diag", 4)]


def digits_table(digits, seeds):
    """Mean ± sample std over training seeds of each digits model, the per-seed consistency,
    and each model's consistency and accuracy against the MaxPool baseline's."""
    out = ["### Digits / anti-aliasing (Zhang 2019)\n"]

    def row(*cells):
        out.append("| " + " | ".join(str(c) for c in cells) + " |")

    def per_seed(m, name):
        runs = [(0, m["metrics"][name])] + sorted(
            (r["seed"], r["metrics"][name]) for r in seeds if r["of"] == m["id"])
        return runs

    row("model", "shift augmentation", "seeds", *[f"{t} (mean ± std)" for _, t, _ in
                                                  DIGITS_METRICS], "consistency % by seed")
    row(*["---"] * (4 + len(DIGITS_METRICS)))
    for m in digits:
        x = m["metrics"]
        augmentation = "none" if m["recipe"]["augmentation"].startswith("none") else "±2 px"
        row(f"`{m['id']}`", augmentation, x["seeds"],
            *[f"{x[k + '_mean']:.{d}f} ± {x[k + '_std']:.{d}f}" for k, _, d in DIGITS_METRICS],
            " / ".join(f"{v:.2f}" for _, v in per_seed(m, "test_consistency_percent")))
    out.append("")
    base = next(m for m in digits if m["id"] == "digits-maxpool")
    out.append("Against `digits-maxpool`: difference of the means ± its standard error over "
               "seeds, √(s₁²/n₁ + s₂²/n₂); \"beyond seed noise\" = more than twice it (a rough "
               "criterion with three seeds each):\n")
    for m in digits:
        if m is base:
            continue
        cells = []
        for key, label in (("test_consistency_percent", "consistency"),
                           ("test_accuracy_percent", "accuracy")):
            d, se = gap(m, base, key)
            verdict = "beyond seed noise" if abs(d) > 2 * se else "within seed noise"
            cells.append(f"{label} {d:+.2f} ± {se:.2f} points, {verdict}")
        out.append(f"- `{m['id']}`: " + "; ".join(cells))
    out.append("")
    return out


def gap(m, base, k):
    """Difference of the means of metric k, m minus base, and its standard error over seeds."""
    a, b = m["metrics"], base["metrics"]
    se = (a[k + "_std"] ** 2 / a["seeds"] + b[k + "_std"] ** 2 / b["seeds"]) ** 0.5
    return a[k + "_mean"] - b[k + "_mean"], se


def main():
    with open(os.path.join(common.MODELS, "manifest.json")) as f:
        manifest = json.load(f)
    models = {m["id"]: m for m in manifest["models"]}
    seeds = manifest.get("seeds", [])
    out = []

    def row(*cells):
        out.append("| " + " | ".join(str(c) for c in cells) + " |")

    digits = [m for m in models.values() if m["family"] == "digits"]
    if digits:
        out.extend(digits_table(digits, [r for r in seeds if r["of"] in models]))
    pad = [m for m in models.values() if m["family"] == "padding"]
    if pad:
        out.append("### Padding (Islam 2020; Kayhan 2020)\n")
        row("model", "held-out crop acc %", "readout SPC H / V", "readout MAE H / V",
            "pixels (control) SPC H / V", "train s")
        row(*["---"] * 6)
        for m in pad:
            x = m["metrics"]
            row(f"`{m['id']}`", x["test_accuracy_percent"],
                f"{x['readout_h_spc']} / {x['readout_v_spc']}",
                f"{x['readout_h_mae']} / {x['readout_v_mae']}",
                f"{x['pixels_h_spc']} / {x['pixels_v_spc']}", m["train_seconds"])
        out.append("")
    rg = [m for m in models.values() if m["family"] == "border"]
    if rg:
        out.append("### Border / Red-Green (Kayhan & van Gemert 2020)\n")
        row("model", "similar % (mean ± std, 3 seeds)", "dissimilar % (mean ± std)",
            "paper similar / dissimilar", "shipped seed 0: similar / dissimilar")
        row(*["---"] * 5)
        for m in rg:
            x = m["metrics"]
            row(f"`{m['id']}`", f"{x['similar_accuracy_mean']} ± {x['similar_accuracy_std']}",
                f"{x['dissimilar_accuracy_mean']} ± {x['dissimilar_accuracy_std']}",
                f"{x['paper_similar_accuracy']} / {x['paper_dissimilar_accuracy']}",
                f"{x['similar_accuracy_percent']} / {x['dissimilar_accuracy_percent']}")
        out.append("")
    cc = [m for m in models.values() if m["family"] == "coordconv"]
    if cc:
        out.append("### CoordConv (Liu et al. 2018)\n")
        row("model", "test mean error px", "test ≤ 1 px %", "train mean error px")
        row(*["---"] * 4)
        for m in cc:
            x = m["metrics"]
            row(f"`{m['id']}`", f"{x['test_mean_error_px']:.2f}",
                f"{x['test_within_1px_percent']:.1f}", f"{x['train_mean_error_px']:.2f}")
        out.append("")
    sm = [m for m in models.values() if m["family"] == "siamese"]
    if sm:
        out.append("### Siamese centre bias (SiamRPN++)\n")
        bins = sm[0]["metrics"]["by_offset"]
        row("model", "mean peak error px", *[f"\\|offset\\| {b['offset_norm_px'][0]}–"
                                             f"{b['offset_norm_px'][1]}" for b in bins],
            "test ≤ 4 px %", "at offset 0 px")
        row(*["---"] * (4 + len(bins)))
        for m in sm:
            x = m["metrics"]
            row(f"`{m['id']}`", f"{x['shifted_test_mean_peak_error_px']:.2f}",
                *[f"{b['mean_peak_error_px']:.2f}" for b in x["by_offset"]],
                f"{x['shifted_test_within_4px_percent']:.1f}", f"{x['centred_mean_peak_error_px']:.2f}")
        out.append("")
        out.append(f"Floor of a perfect tracker at the response map's stride: {siamese_floor(sm[0])} px "
                   "over the test offsets.")
        out.append("")
    dp = [m for m in models.values() if m["family"] == "depth"]
    if dp:
        out.append("### Depth cues (van Dijk & de Croon 2019)\n")
        row("model", "own-pose test abs rel", "own-pose test δ<1.25 %", "other-pose test abs rel",
            "other-pose test δ<1.25 %", "train s")
        row(*["---"] * 6)
        for m in dp:
            x = m["metrics"]
            other = "jitter" if m["variant"] == "fixed" else "fixed"
            row(f"`{m['id']}`", x["test_abs_rel"], x["test_delta1_percent"],
                x[f"{other}_test_abs_rel"], x[f"{other}_test_delta1_percent"], m["train_seconds"])
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
