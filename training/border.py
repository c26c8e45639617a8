"""Border family (Kayhan & van Gemert 2020, "On translation invariance in CNNs: convolutional
layers can exploit absolute spatial location") on the Red-Green set drawn by the Rust core in the
paper's layout (training/gen_data.sh; src/datasets/red_green.rs, Layout::Paper): class = which
colour is on the left; each class's boxes sit in their own rows (class 0 rows 3..10, class 1 rows
19..26); the dissimilar test set is the similar one with every box moved 16 rows, so the classes'
rows swap.

Network exactly as the paper: 4 bias-free 3x3 convs (32, 32, 64, 64; strides 1, 2, 2, 2), ReLU,
global max pool, linear(2). Variants differ only in the convs' border handling:

  rg-vconv           valid (no padding)
  rg-sconv-zero      same, zero padding 1
  rg-sconv-circular  same, circular padding 1 (slices + concat; the paper's code pads 2)
  rg-fconv           full, zero padding k-1 = 2

Recipe as the paper's code: Adadelta (lr 1.0, rho 0.9, eps 1e-6, weight decay 5e-5), batch 200
in the generator's order (no shuffling, like their DataLoader), up to 50 epochs, early stopping
on the validation loss (patience 8 epochs, the best epoch's weights kept). Validation: 1,000
images drawn like the training set from their own stream; the test sets are never looked at
during training. SEEDS seeds per variant (the seed sets the initial weights); the shipped model
is the median seed by dissimilar accuracy (ties: the lower seed).

Usage: python3 training/border.py [--seeds N] [vconv sconv-zero sconv-circular fconv]
       python3 training/border.py --layout ours [--seeds N] [variant ...]
           (the same recipe on ShiftLab's earlier layout, training/data/ours/; prints only)
"""

import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEEDS = list(range(5))
MAX_EPOCHS = 50
PATIENCE = 8
BATCH = 200
ADADELTA = {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 5e-5}
VARIANTS = ["vconv", "sconv-zero", "sconv-circular", "fconv"]
# Kayhan & van Gemert 2020, Table 1 (Red-Green, mean over 10 initialisations).
PAPER = {"vconv": (100.0, 0.2), "sconv-zero": (99.8, 8.4), "sconv-circular": (73.7, 73.7),
         "fconv": (89.7, 89.7)}
CHANNELS = [32, 32, 64, 64]
STRIDES = [1, 2, 2, 2]
LAYOUT = "paper"
# split: (n, seed); dissimilar with seed s is the similar set of seed s moved 16 rows.
DATA = {"train": (2000, 1), "validation": (1000, 1), "similar": (1000, 2),
        "dissimilar": (1000, 2)}


class CircularPad(nn.Module):
    def forward(self, x):
        return common.circular_pad(x, 1)


class RGNet(nn.Module):
    def __init__(self, variant):
        super().__init__()
        pad = {"vconv": 0, "sconv-zero": 1, "sconv-circular": 0, "fconv": 2}[variant]
        self.circular = variant == "sconv-circular"
        c_in = 3
        for i, (c, s) in enumerate(zip(CHANNELS, STRIDES), 1):
            if self.circular:
                setattr(self, f"pad{i}", CircularPad())
            setattr(self, f"conv{i}", nn.Conv2d(c_in, c, 3, stride=s, padding=pad, bias=False))
            setattr(self, f"relu{i}", nn.ReLU())
            c_in = c
        self.fc = nn.Linear(c_in, 2)

    def forward(self, x):
        for i in range(1, len(CHANNELS) + 1):
            if self.circular:
                x = getattr(self, f"pad{i}")(x)
            x = getattr(self, f"relu{i}")(getattr(self, f"conv{i}")(x))
        return self.fc(x.amax(dim=(2, 3)))


def probes():
    out, stride = [], 1
    for i, s in enumerate(STRIDES, 1):
        stride *= s
        out.append((f"relu{i}", f"conv{i}", stride))
    return out


def load(split, layout=LAYOUT):
    # The contrast layout's sets live in their own directory (gen_data.sh).
    d = common.DATA if layout == LAYOUT else os.path.join(common.DATA, layout)
    x = np.load(os.path.join(d, f"red-green-{split}-images.npy")).astype(np.float32)
    y = np.load(os.path.join(d, f"red-green-{split}-targets.npy")).astype(np.int64)
    assert x.shape[1:] == (3, 32, 32) and len(x) == DATA[split][0], x.shape
    return x, y


def accuracy(model, x, y):
    with torch.no_grad():
        p = model(torch.from_numpy(x)).argmax(1).numpy()
    return float((p == y).mean() * 100)


def train(variant, seed, xtr, ytr, xva, yva):
    """Train one seed; return the model with the best validation loss's weights and a log."""
    common.setup(seed)
    model = RGNet(variant)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xv, yv = torch.from_numpy(xva), torch.from_numpy(yva)
    opt = torch.optim.Adadelta(model.parameters(), **ADADELTA)
    best, best_state, best_epoch, waited, steps, epochs = float("inf"), None, 0, 0, 0, 0
    with common.Timer() as t:
        for epoch in range(1, MAX_EPOCHS + 1):
            model.train()
            for b in range(0, len(xt), BATCH):
                loss = F.cross_entropy(model(xt[b:b + BATCH]), yt[b:b + BATCH])
                opt.zero_grad()
                loss.backward()
                opt.step()
                steps += 1
            epochs = epoch
            model.eval()
            with torch.no_grad():
                val_loss = float(F.cross_entropy(model(xv), yv))
            if val_loss < best:
                best, best_state, best_epoch, waited = val_loss, copy.deepcopy(
                    model.state_dict()), epoch, 0
            else:
                waited += 1
                if waited >= PATIENCE:
                    break
    model.load_state_dict(best_state)
    log = {"epochs": epochs, "best_epoch": best_epoch, "steps": steps,
           "best_validation_loss": round(best, 6), "seconds": t.seconds}
    return model.eval(), log


def median_seed(runs):
    """The run with the median dissimilar accuracy (the lower middle one for an even count;
    ties go to the lower seed)."""
    order = sorted(runs, key=lambda r: (r["dissimilar"], r["seed"]))
    return order[(len(order) - 1) // 2]


def mean_std(values):
    a = np.array(values, dtype=np.float64)
    return round(float(a.mean()), 2), round(float(a.std(ddof=1)) if len(a) > 1 else 0.0, 2)


def contrast(layout, variants, seeds):
    """Train on another layout (`ours`) with the same recipe and only print the numbers: the
    shipped models and the manifest are untouched."""
    xtr, ytr = load("train", layout)
    xva, yva = load("validation", layout)
    xs, ys = load("similar", layout)
    xd, yd = load("dissimilar", layout)
    for variant in variants:
        runs = []
        for seed in seeds:
            model, log = train(variant, seed, xtr, ytr, xva, yva)
            r = {"similar": accuracy(model, xs, ys), "dissimilar": accuracy(model, xd, yd)}
            print(f"[{layout} rg-{variant}] seed {seed}: similar {r['similar']:.1f}% dissimilar "
                  f"{r['dissimilar']:.1f}% (best epoch {log['best_epoch']} of {log['epochs']}, "
                  f"{log['seconds']}s)", flush=True)
            runs.append(r)
        print(f"[{layout} rg-{variant}] {len(runs)} seeds: similar "
              f"{mean_std([r['similar'] for r in runs])}, dissimilar "
              f"{mean_std([r['dissimilar'] for r in runs])} (mean, std)", flush=True)


def main(variants, seeds):
    xtr, ytr = load("train")
    xva, yva = load("validation")
    xs, ys = load("similar")
    xd, yd = load("dissimilar")
    for variant in variants:
        model_id = f"rg-{variant}"
        runs, models = [], {}
        for seed in seeds:
            model, log = train(variant, seed, xtr, ytr, xva, yva)
            r = {"seed": seed, "train": accuracy(model, xtr, ytr),
                 "validation": accuracy(model, xva, yva),
                 "similar": accuracy(model, xs, ys), "dissimilar": accuracy(model, xd, yd), **log}
            print(f"[{model_id}] seed {seed}: train {r['train']:.1f}% val {r['validation']:.1f}% "
                  f"similar {r['similar']:.1f}% dissimilar {r['dissimilar']:.1f}% "
                  f"(best epoch {log['best_epoch']} of {log['epochs']}, {log['seconds']}s)",
                  flush=True)
            runs.append(r)
            models[seed] = model
        shipped = median_seed(runs)
        sim_mean, sim_std = mean_std([r["similar"] for r in runs])
        dis_mean, dis_std = mean_std([r["dissimilar"] for r in runs])
        print(f"[{model_id}] {len(runs)} seeds: similar {sim_mean} ± {sim_std}, dissimilar "
              f"{dis_mean} ± {dis_std}; shipping seed {shipped['seed']}", flush=True)
        golden_idx = [0, 1]
        fields = common.export_and_verify(
            models[shipped["seed"]], model_id,
            input_specs=[{"name": "input", "shape": [3, 32, 32], "mean": [0.0, 0.0, 0.0],
                          "std": [1.0, 1.0, 1.0]}],
            output_spec={"name": "logits", "shape": [2], "kind": "logits"},
            probes=probes(), verify_inputs=[np.concatenate([xs[:8], xd[:8]])],
            golden_inputs=[xd[golden_idx]])
        pad_text = {"vconv": "valid (no padding)", "sconv-zero": "same, zero padding 1",
                    "sconv-circular": "same, circular padding 1 (slices + concat)",
                    "fconv": "full, zero padding 2"}[variant]
        seeds_text = ",".join(str(s) for s in seeds)
        per_seed = lambda key: [round(r[key], 2) for r in runs]  # noqa: E731
        entry = {
            "id": model_id,
            "file": fields["file"], "sha256": fields["sha256"],
            "family": "border",
            "variant": variant,
            "task": "classification",
            "inputs": fields["inputs"],
            "output": fields["output"],
            "labels": ["red left of green", "green left of red"],
            "probes": fields["probes"],
            "architecture": "4 bias-free conv3x3 (32,32,64,64), strides (1,2,2,2), ReLU, global "
                            f"max pool, linear(2) with bias; convs {pad_text}",
            "dataset": "Red-Green (Kayhan & van Gemert 2020) in the paper's layout from the Rust "
                       "generator: gen-data red-green --layout paper --split train --n 2000 "
                       "--seed 1; early stopping on --split validation --n 1000 --seed 1 (own "
                       "stream, training distribution); tests --split similar --n 1000 --seed 2 "
                       "(freshly drawn, own stream) and --split dissimilar --n 1000 --seed 2 (the "
                       "same similar images with every box moved 16 rows into the other class's "
                       "rows)",
            "recipe": {"optimiser": "Adadelta", **ADADELTA, "batch": BATCH,
                       "max_epochs": MAX_EPOCHS,
                       "early_stopping": f"validation cross-entropy, patience {PATIENCE} epochs, "
                                         "best epoch's weights kept",
                       "batch_order": "generator order, no shuffling (as the paper's code)",
                       "augmentation": "none", "loss": "cross-entropy",
                       "threads": int(os.environ.get("SHIFTLAB_THREADS", "2")),
                       "script": "training/border.py"},
            "seed": shipped["seed"],
            "steps": shipped["steps"],
            "train_seconds": shipped["seconds"],
            "metrics": {
                "similar_accuracy_percent": round(shipped["similar"], 2),
                "dissimilar_accuracy_percent": round(shipped["dissimilar"], 2),
                "train_accuracy_percent": round(shipped["train"], 2),
                "validation_accuracy_percent": round(shipped["validation"], 2),
                "seeds": list(seeds),
                "similar_accuracy_per_seed": per_seed("similar"),
                "dissimilar_accuracy_per_seed": per_seed("dissimilar"),
                "train_accuracy_per_seed": per_seed("train"),
                "validation_accuracy_per_seed": per_seed("validation"),
                "best_epoch_per_seed": [r["best_epoch"] for r in runs],
                "epochs_per_seed": [r["epochs"] for r in runs],
                "train_seconds_per_seed": [r["seconds"] for r in runs],
                "similar_accuracy_mean": sim_mean,
                "similar_accuracy_std": sim_std,
                "dissimilar_accuracy_mean": dis_mean,
                "dissimilar_accuracy_std": dis_std,
                "paper_similar_accuracy": PAPER[variant][0],
                "paper_dissimilar_accuracy": PAPER[variant][1],
            },
            "metric_definitions": {
                "similar_accuracy_percent": "accuracy of the shipped model (the median seed by "
                    "dissimilar accuracy, `seed`) on red-green similar, layout paper, n 1000, "
                    "seed 2",
                "dissimilar_accuracy_percent": "accuracy of the shipped model on red-green "
                    "dissimilar, layout paper, n 1000, seed 2",
                "similar_accuracy_mean": f"mean over training seeds {seeds_text} of "
                    "similar_accuracy_per_seed (std: sample std, ddof 1; the paper reports "
                    "10 seeds)",
                "dissimilar_accuracy_mean": f"mean over training seeds {seeds_text} of "
                    "dissimilar_accuracy_per_seed (std: sample std, ddof 1)",
            },
            "eval": {
                "metric": ["similar_accuracy_percent", "dissimilar_accuracy_percent"],
                "generator": "red-green",
                "layout": LAYOUT,
                "splits": [{"split": "similar", "n": DATA["similar"][0],
                            "seed": DATA["similar"][1],
                            "metric": "similar_accuracy_percent",
                            "images_f32_sha256": common.f32_sha256(xs),
                            "targets_f32_sha256": common.f32_sha256(ys)},
                           {"split": "dissimilar", "n": DATA["dissimilar"][0],
                            "seed": DATA["dissimilar"][1],
                            "metric": "dissimilar_accuracy_percent",
                            "images_f32_sha256": common.f32_sha256(xd),
                            "targets_f32_sha256": common.f32_sha256(yd)}],
                "pipeline": "generator images as they are (float RGB in [0,1], no "
                            "normalisation), argmax of logits vs targets",
                "tolerance_percent": 0.0,
            },
            "golden": fields["golden"],
            "verify": fields["verify"],
        }
        common.update_manifest(entry)


if __name__ == "__main__":
    args, seeds, layout = sys.argv[1:], SEEDS, LAYOUT
    while args[:1] in (["--seeds"], ["--layout"]):
        if args[0] == "--seeds":
            seeds = list(range(int(args[1])))
        else:
            layout = args[1]
        args = args[2:]
    if layout == LAYOUT:
        main(args or VARIANTS, seeds)
    else:
        contrast(layout, args or VARIANTS, seeds)
