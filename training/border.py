"""Border family (Kayhan & van Gemert 2020, "On translation invariance in CNNs: convolutional
layers can exploit absolute spatial location") on the Red-Green set drawn by the Rust core
(training/gen_data.sh): class = which colour is on the left; in train/similar the class also
fixes the vertical band, in dissimilar the bands swap.

Network exactly as the paper: 4 bias-free 3x3 convs (32, 32, 64, 64; strides 1, 2, 2, 2), ReLU,
global max pool, linear(2). Variants differ only in the convs' border handling:

  rg-vconv           valid (no padding)
  rg-sconv-zero      same, zero padding 1
  rg-sconv-circular  same, circular padding 1 (slices + concat)
  rg-fconv           full, zero padding k-1 = 2

Three seeds each (init and batch order; the data are fixed); seed 0 is shipped.

Usage: python3 training/border.py [vconv sconv-zero sconv-circular fconv]
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEEDS = [0, 1, 2]
EPOCHS = 8
BATCH = 64
LR = 1e-3
VARIANTS = ["vconv", "sconv-zero", "sconv-circular", "fconv"]
PAPER = {"vconv": (100.0, 0.2), "sconv-zero": (99.8, 8.4), "sconv-circular": (73.7, 73.7),
         "fconv": (89.7, 89.7)}
CHANNELS = [32, 32, 64, 64]
STRIDES = [1, 2, 2, 2]
DATA = {"train": (4000, 1), "similar": (1000, 2), "dissimilar": (1000, 3)}  # split: (n, seed)


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


def load(split):
    d = common.DATA
    x = np.load(os.path.join(d, f"red-green-{split}-images.npy")).astype(np.float32)
    y = np.load(os.path.join(d, f"red-green-{split}-targets.npy")).astype(np.int64)
    assert x.shape[1:] == (3, 32, 32) and len(x) == DATA[split][0], x.shape
    return x, y


def accuracy(model, x, y):
    with torch.no_grad():
        p = model(torch.from_numpy(x)).argmax(1).numpy()
    return float((p == y).mean() * 100)


def train(variant, seed, xtr, ytr):
    common.setup(seed)
    model = RGNet(variant)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    g = torch.Generator().manual_seed(seed)
    steps = 0
    with common.Timer() as t:
        for _ in range(EPOCHS):
            model.train()
            perm = torch.randperm(len(xt), generator=g)
            for b in range(0, len(xt), BATCH):
                idx = perm[b:b + BATCH]
                loss = F.cross_entropy(model(xt[idx]), yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                steps += 1
    return model.eval(), steps, t.seconds, float(loss.item())


def main(variants):
    xtr, ytr = load("train")
    xs, ys = load("similar")
    xd, yd = load("dissimilar")
    for variant in variants:
        model_id = f"rg-{variant}"
        runs, shipped = [], None
        for seed in SEEDS:
            model, steps, seconds, loss = train(variant, seed, xtr, ytr)
            r = {"seed": seed, "train": accuracy(model, xtr, ytr),
                 "similar": accuracy(model, xs, ys), "dissimilar": accuracy(model, xd, yd),
                 "seconds": seconds, "steps": steps}
            print(f"[{model_id}] seed {seed}: train {r['train']:.1f}% similar {r['similar']:.1f}% "
                  f"dissimilar {r['dissimilar']:.1f}% (loss {loss:.4f}, {seconds}s)", flush=True)
            runs.append(r)
            if seed == 0:
                shipped = model
        sim = np.array([r["similar"] for r in runs])
        dis = np.array([r["dissimilar"] for r in runs])
        golden_idx = [0, 1]
        fields = common.export_and_verify(
            shipped, model_id,
            input_specs=[{"name": "input", "shape": [3, 32, 32], "mean": [0.0, 0.0, 0.0],
                          "std": [1.0, 1.0, 1.0]}],
            output_spec={"name": "logits", "shape": [2], "kind": "logits"},
            probes=probes(), verify_inputs=[np.concatenate([xs[:8], xd[:8]])],
            golden_inputs=[xd[golden_idx]])
        r0 = runs[0]
        pad_text = {"vconv": "valid (no padding)", "sconv-zero": "same, zero padding 1",
                    "sconv-circular": "same, circular padding 1 (slices + concat)",
                    "fconv": "full, zero padding 2"}[variant]
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
            "dataset": "Red-Green (Kayhan & van Gemert 2020) from the Rust generator: "
                       "gen-data red-green --split train --n 4000 --seed 1; tests --split "
                       "similar --n 1000 --seed 2 and --split dissimilar --n 1000 --seed 3",
            "recipe": {"optimiser": "Adam", "lr": LR, "epochs": EPOCHS, "batch": BATCH,
                       "augmentation": "none", "loss": "cross-entropy",
                       "script": "training/border.py"},
            "seed": 0,
            "steps": r0["steps"],
            "train_seconds": r0["seconds"],
            "metrics": {
                "similar_accuracy_percent": round(r0["similar"], 2),
                "dissimilar_accuracy_percent": round(r0["dissimilar"], 2),
                "train_accuracy_percent": round(r0["train"], 2),
                "seeds": SEEDS,
                "similar_accuracy_mean": round(float(sim.mean()), 2),
                "similar_accuracy_std": round(float(sim.std(ddof=1)), 2),
                "dissimilar_accuracy_mean": round(float(dis.mean()), 2),
                "dissimilar_accuracy_std": round(float(dis.std(ddof=1)), 2),
                "per_seed": [{k: r[k] for k in ("seed", "similar", "dissimilar", "train")}
                             for r in runs],
                "paper_similar_accuracy": PAPER[variant][0],
                "paper_dissimilar_accuracy": PAPER[variant][1],
            },
            "metric_definitions": {
                "similar_accuracy_percent": "accuracy of the shipped model (seed 0) on "
                    "red-green similar, n 1000, seed 2",
                "dissimilar_accuracy_percent": "accuracy of the shipped model (seed 0) on "
                    "red-green dissimilar, n 1000, seed 3",
                "similar_accuracy_mean": "mean over training seeds 0,1,2 (std: sample std, "
                    "ddof 1)",
            },
            "eval": {
                "metric": ["similar_accuracy_percent", "dissimilar_accuracy_percent"],
                "generator": "red-green",
                "splits": [{"split": "similar", "n": 1000, "seed": 2,
                            "metric": "similar_accuracy_percent",
                            "images_f32_sha256": common.f32_sha256(xs),
                            "targets_f32_sha256": common.f32_sha256(ys)},
                           {"split": "dissimilar", "n": 1000, "seed": 3,
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
    main(sys.argv[1:] or VARIANTS)
