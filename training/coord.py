"""CoordConv pairs (Liu et al. 2018, "An intriguing failing of convolutional neural networks and
the CoordConv solution"): supervised coordinate regression on not-so-Clevr (one 9x9 white
square on a 64x64 black canvas; targets = its centre (x, y) / 64), drawn by the Rust core
(training/gen_data.sh). Splits: uniform (random 80/20 of all 3136 positions) and quadrant
(test = every position whose centre is in the bottom-right quadrant, never seen in training).

  coord-plain-<split>      PlainNet: a standard small strided CNN (ReLU, global max pool, MLP)
  coord-coordconv-<split>  CoordConvNet: i, j in [-1, 1] added as constant input channels inside
                           the model (the ONNX input stays 1x64x64), then stride-1 convs with no
                           nonlinearity, global max pool, linear -- Liu et al.'s recipe
  coord-plaincoords-<split>  the PlainNet trunk with i, j, r added at its input (AddCoords, as
                           in CoordConvNet, plus r = sqrt(i^2 + j^2)); recipe and seed of
                           coord-plain-<split>

Two pairs, two questions. As in Liu et al. (whose conv baseline is a strided ReLU CNN and whose
CoordConv regressor has no downsampling), plain vs coordconv differ in more than the coordinate
channels. plain vs plaincoords is the matched pair: the same trunk, recipe and seed, differing
only by the coordinate channels (the 3 extra input channels also change the shape, hence the
random draws, of conv1's initial weights). A control run while choosing the first pair
(quadrant split, 20 epochs; see models/README.md): a stride-1 ReLU version of CoordConvNet
reached 3.0 px held-out error, the linear CoordConvNet 0.18 px. CoordConvNet leaves the radius
channel r out (optional in the paper; Liu's regressor leaves it out too).

Usage: python3 training/coord.py [plain-uniform coordconv-uniform plaincoords-quadrant ...]
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEED = 0
EPOCHS = 20
BATCH = 32
LR = 1e-3
CANVAS = 64
MODELS = ["plain-uniform", "coordconv-uniform", "plaincoords-uniform",
          "plain-quadrant", "coordconv-quadrant", "plaincoords-quadrant"]


class AddCoords(nn.Module):
    """Concatenate i (x, along columns) and j (y, along rows) in [-1, 1] as constant channels
    (and r = sqrt(i^2 + j^2) if with_r)."""

    def __init__(self, size, with_r=False):
        super().__init__()
        lin = torch.linspace(-1.0, 1.0, size)
        j, i = torch.meshgrid(lin, lin, indexing="ij")  # j varies along rows, i along columns
        chans = [i, j, torch.sqrt(i * i + j * j)] if with_r else [i, j]
        self.register_buffer("coords", torch.stack(chans)[None])

    def forward(self, x):
        return torch.cat([x, self.coords.expand(x.shape[0], -1, -1, -1)], dim=1)


class PlainNet(nn.Module):
    """A standard small CNN regressor: 3x3 convs (16, 32, 64, 64), strides (2, 2, 2, 1), zero
    padding 1, ReLU, global max pool, linear(64) -> ReLU -> linear(2)."""

    CHANNELS, STRIDES = [16, 32, 64, 64], [2, 2, 2, 1]

    def __init__(self, coords=False):
        super().__init__()
        # The matched variant's only change: i, j, r concatenated to the canvas before conv1.
        self.addcoords = AddCoords(CANVAS, with_r=True) if coords else None
        c_in = 4 if coords else 1
        for k, (c, s) in enumerate(zip(self.CHANNELS, self.STRIDES), 1):
            setattr(self, f"conv{k}", nn.Conv2d(c_in, c, 3, stride=s, padding=1))
            setattr(self, f"relu{k}", nn.ReLU())
            c_in = c
        self.fc1 = nn.Linear(c_in, 64)
        self.relu_fc = nn.ReLU()
        self.fc2 = nn.Linear(64, 2)

    def forward(self, x):
        if self.addcoords is not None:
            x = self.addcoords(x)
        for k in range(1, len(self.CHANNELS) + 1):
            x = getattr(self, f"relu{k}")(getattr(self, f"conv{k}")(x))
        return self.fc2(self.relu_fc(self.fc1(x.amax(dim=(2, 3)))))

    def probes(self):
        out, stride = [("addcoords", "input+coords", 1)] if self.addcoords is not None else [], 1
        for k, s in enumerate(self.STRIDES, 1):
            stride *= s
            out.append((f"relu{k}", f"conv{k}", stride))
        return out


class CoordConvNet(nn.Module):
    """A CoordConv regressor in the style of Liu et al.'s: AddCoords (i, j) -> conv3x3(16) ->
    conv3x3(16) -> conv1x1(16) -> conv1x1(16), all stride 1, zero padding 1 on the 3x3s, no
    nonlinearity before the global max pool over the 64x64 map -> linear(2)."""

    KERNELS = [3, 3, 1, 1]
    CHANNELS = [16, 16, 16, 16]

    def __init__(self):
        super().__init__()
        self.addcoords = AddCoords(CANVAS)
        c_in = 3
        for k, (kk, c) in enumerate(zip(self.KERNELS, self.CHANNELS), 1):
            setattr(self, f"conv{k}", nn.Conv2d(c_in, c, kk, padding=kk // 2))
            c_in = c
        self.fc = nn.Linear(c_in, 2)

    def forward(self, x):
        x = self.addcoords(x)
        for k in range(1, len(self.KERNELS) + 1):
            x = getattr(self, f"conv{k}")(x)
        return self.fc(x.amax(dim=(2, 3)))

    def probes(self):
        return [("addcoords", "input+coords", 1)] + [
            (f"conv{k}", f"conv{k}", 1) for k in range(1, len(self.KERNELS) + 1)]


def load(split):
    x = np.load(os.path.join(common.DATA, f"clevr-{split}-images.npy")).astype(np.float32)
    y = np.load(os.path.join(common.DATA, f"clevr-{split}-targets.npy")).astype(np.float32)
    return x, y


def errors_px(model, x, y):
    with torch.no_grad():
        p = model(torch.from_numpy(x)).numpy()
    return np.sqrt((((p - y) * CANVAS) ** 2).sum(1))


def build(kind):
    return {"plain": PlainNet, "coordconv": CoordConvNet,
            "plaincoords": lambda: PlainNet(coords=True)}[kind]()


ARCHITECTURE = {
    "plain": PlainNet.__doc__,
    "coordconv": CoordConvNet.__doc__,
    "plaincoords": "i, j in [-1, 1] and r = sqrt(i^2 + j^2) added as constant input channels "
                   "inside the model (the ONNX input stays 1x64x64), then the PlainNet trunk: "
                   + PlainNet.__doc__[0].lower() + PlainNet.__doc__[1:],
}


def train(kind, xtr, ytr, tag):
    common.setup(SEED)
    model = build(kind)
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
        xtr, ytr = load(f"{split}-train")
        xte, yte = load(f"{split}-test")
        model, steps, seconds = train(kind, xtr, ytr, model_id)
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
            probes=model.probes(), verify_inputs=[xte[::97][:8]], golden_inputs=[xte[[0, 1]]])
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
            "architecture": ARCHITECTURE[kind].replace("\n   ", "").replace("  ", " ").strip(),
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
                "images_f32_sha256": common.f32_sha256(xte),
                "targets_f32_sha256": common.f32_sha256(yte),
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
