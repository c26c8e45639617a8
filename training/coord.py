"""CoordConv pair (Liu et al. 2018, "An intriguing failing of convolutional neural networks and
the CoordConv solution"): supervised coordinate regression on not-so-Clevr (one 9x9 white
square on a 64x64 black canvas; targets = its centre (x, y) / 64), drawn by the Rust core
(training/gen_data.sh).

  coord-plain-<split>      a plain CNN
  coord-coordconv-<split>  the same CNN with CoordConv channels at its input: i, j in [-1, 1]
                           (i along x / columns, j along y / rows) and r = sqrt(i^2 + j^2),
                           added as constants inside the model, so the ONNX input stays 1x64x64

Both: conv3x3(16, s1) -> conv3x3(32, s2) -> conv3x3(64, s2) -> conv3x3(64, s2), ReLU, zero
padding 1, then HEAD: global max pool -> linear(64) -> ReLU -> linear(2). Splits: uniform
(random 80/20 of all 3136 positions) and quadrant (test = every position whose centre is in
the bottom-right quadrant, never seen in training).

Usage: python3 training/coord.py [plain-uniform coordconv-uniform plain-quadrant ...]
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEED = 0
EPOCHS = 60
BATCH = 32
LR = 1e-3
CANVAS = 64
CHANNELS = [16, 32, 64, 64]
STRIDES = [2, 2, 2, 1]
MODELS = ["plain-uniform", "coordconv-uniform", "plain-quadrant", "coordconv-quadrant"]
HEAD = os.environ.get("COORD_HEAD", "maxpool")  # "maxpool" (shipped) or "flatten" (tried)


class AddCoords(nn.Module):
    """Concatenate i (x), j (y) in [-1, 1] and r = sqrt(i^2 + j^2) as constant channels."""

    def __init__(self, size):
        super().__init__()
        lin = torch.linspace(-1.0, 1.0, size)
        j, i = torch.meshgrid(lin, lin, indexing="ij")  # j varies along rows, i along columns
        coords = torch.stack([i, j, torch.sqrt(i * i + j * j)])[None]
        self.register_buffer("coords", coords)

    def forward(self, x):
        return torch.cat([x, self.coords.expand(x.shape[0], -1, -1, -1)], dim=1)


class CoordNet(nn.Module):
    def __init__(self, coordconv, head=HEAD):
        super().__init__()
        self.coordconv = coordconv
        self.head = head
        if coordconv:
            self.addcoords = AddCoords(CANVAS)
        c_in = 4 if coordconv else 1
        size = CANVAS
        for k, (c, s) in enumerate(zip(CHANNELS, STRIDES), 1):
            setattr(self, f"conv{k}", nn.Conv2d(c_in, c, 3, stride=s, padding=1))
            setattr(self, f"relu{k}", nn.ReLU())
            c_in, size = c, (size - 1) // s + 1
        flat = c_in * size * size if head == "flatten" else c_in
        self.fc1 = nn.Linear(flat, 64)
        self.relu_fc = nn.ReLU()
        self.fc2 = nn.Linear(64, 2)

    def forward(self, x):
        if self.coordconv:
            x = self.addcoords(x)
        for k in range(1, len(CHANNELS) + 1):
            x = getattr(self, f"relu{k}")(getattr(self, f"conv{k}")(x))
        x = x.flatten(1) if self.head == "flatten" else x.amax(dim=(2, 3))
        return self.fc2(self.relu_fc(self.fc1(x)))


def probes(coordconv):
    out, stride = [], 1
    if coordconv:
        out.append(("addcoords", "coords", 1))
    for k, s in enumerate(STRIDES, 1):
        stride *= s
        out.append((f"relu{k}", f"conv{k}", stride))
    return out


def load(split):
    x = np.load(os.path.join(common.DATA, f"clevr-{split}-images.npy")).astype(np.float32)
    y = np.load(os.path.join(common.DATA, f"clevr-{split}-targets.npy")).astype(np.float32)
    return x, y


def errors_px(model, x, y):
    with torch.no_grad():
        p = model(torch.from_numpy(x)).numpy()
    return np.sqrt((((p - y) * CANVAS) ** 2).sum(1))


def train(coordconv, xtr, ytr, tag):
    common.setup(SEED)
    model = CoordNet(coordconv)
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = (len(xt) + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=EPOCHS * steps_per_epoch,
                                                pct_start=0.1)
    g = torch.Generator().manual_seed(SEED)
    steps = 0
    with common.Timer() as t:
        for epoch in range(EPOCHS):
            model.train()
            perm = torch.randperm(len(xt), generator=g)
            for b in range(0, len(xt), BATCH):
                idx = perm[b:b + BATCH]
                loss = F.mse_loss(model(xt[idx]) * CANVAS, yt[idx] * CANVAS)  # px^2
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                steps += 1
            if (epoch + 1) % 10 == 0:
                print(f"[{tag}] epoch {epoch + 1}/{EPOCHS} train mse {loss.item():.3f} px^2",
                      flush=True)
    return model.eval(), steps, t.seconds


def main(which):
    for name in which:
        kind, split = name.split("-")
        model_id = f"coord-{name}"
        coordconv = kind == "coordconv"
        xtr, ytr = load(f"{split}-train")
        xte, yte = load(f"{split}-test")
        model, steps, seconds = train(coordconv, xtr, ytr, model_id)
        e_te = errors_px(model, xte, yte)
        e_tr = errors_px(model, xtr, ytr)
        m = {
            "test_mean_error_px": round(float(e_te.mean()), 4),
            "test_median_error_px": round(float(np.median(e_te)), 4),
            "test_max_error_px": round(float(e_te.max()), 4),
            "test_within_1px_percent": round(float((e_te <= 1.0).mean() * 100), 2),
            "test_within_2px_percent": round(float((e_te <= 2.0).mean() * 100), 2),
            "train_mean_error_px": round(float(e_tr.mean()), 4),
            "train_within_1px_percent": round(float((e_tr <= 1.0).mean() * 100), 2),
            "n_train": int(len(xtr)), "n_test": int(len(xte)),
        }
        print(f"[{model_id}] {m} ({seconds}s)", flush=True)
        fields = common.export_and_verify(
            model, model_id,
            input_specs=[{"name": "input", "shape": [1, CANVAS, CANVAS], "mean": [0.0],
                          "std": [1.0]}],
            output_spec={"name": "coords", "shape": [2], "kind": "coords"},
            probes=probes(coordconv), verify_inputs=[xte[::97][:8]], golden_inputs=[xte[[0, 1]]])
        entry = {
            "id": model_id,
            "file": fields["file"], "sha256": fields["sha256"],
            "family": "coordconv",
            "variant": f"{kind}-{split}",
            "task": "regression",
            "inputs": fields["inputs"],
            "output": {**fields["output"], "units": "(x, y) centre / 64: multiply by 64 for "
                       "pixels (pixel i spans [i, i+1))"},
            "probes": fields["probes"],
            "architecture": ("AddCoords (i, j in [-1,1] along columns/rows, r = sqrt(i^2+j^2), "
                             "constant channels inside the model) -> " if coordconv else "") +
                            "conv3x3 (16,32,64,64), strides (1,2,2,2), zero padding 1, ReLU; "
                            + ("flatten" if HEAD == "flatten" else "global max pool") +
                            " -> linear(64) -> ReLU -> linear(2)",
            "dataset": f"not-so-Clevr (Liu et al. 2018) from the Rust generator: gen-data clevr "
                       f"--split {split}-train --seed 0 (train), --split {split}-test --seed 0 "
                       "(test)",
            "recipe": {"optimiser": "Adam", "lr": LR, "schedule": "one-cycle (10% warm-up)",
                       "epochs": EPOCHS, "batch": BATCH, "loss": "MSE in pixels",
                       "augmentation": "none", "script": "training/coord.py"},
            "seed": SEED,
            "steps": steps,
            "train_seconds": seconds,
            "metrics": m,
            "metric_definitions": {
                "test_mean_error_px": "mean Euclidean distance in pixels between predicted and "
                                      "true centre, (output - target) * 64, over the test split",
                "test_within_1px_percent": "% of test images with Euclidean error <= 1 px",
            },
            "eval": {
                "metric": "test_mean_error_px",
                "generator": "clevr", "split": f"{split}-test", "seed": 0, "n": int(len(xte)),
                "pipeline": "generator images as they are (0/1 canvas, no normalisation); "
                            "error = |output - target| * 64, Euclidean, mean",
                "tolerance_px": 0.001,
            },
            "golden": fields["golden"],
            "verify": fields["verify"],
        }
        common.update_manifest(entry)


if __name__ == "__main__":
    main(sys.argv[1:] or MODELS)
