"""Depth pair (van Dijk & de Croon 2019, "How do neural networks see depth in single images?"):
a small fully convolutional encoder-decoder with skips regresses per-pixel inverse depth (1/m)
from one 96x160 road scene drawn by the Rust core (src/datasets/road.rs, via gen-data road).

  depth-fixed    trained on scenes from one camera pose (pitch 0, roll 0, height 1.65 m),
                 as KITTI's networks were
  depth-jitter   the same net and recipe on scenes with pitch and roll within +-6 degrees and
                 the height 1.3-2.1 m

Net: encoder conv3x3 stages (16, 32, 48, 64) at strides 2, 4, 8, 16 (two convs each, the first
strided), zero padding, ReLU; decoder: nearest 2x upsampling, concatenation with the encoder
stage of that size, two convs; a last upsampling to full size, concatenated with the input
image, conv3x3(8) + ReLU + conv1x1(1): linear inverse depth. Loss: L1 on 10x inverse depth plus
L1 on log(inverse depth + 0.02), which weighs the far ground and far obstacles where 1/Z is small.

Usage: python3 training/depth.py [fixed jitter]
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEED = 0
EPOCHS = int(os.environ.get("DEPTH_EPOCHS", "10"))
BATCH = 16
LR = 2e-3
N_TRAIN = int(os.environ.get("DEPTH_N_TRAIN", "3000"))
H, W = 96, 160
MEAN = [0.45, 0.45, 0.45]
STD = [0.25, 0.25, 0.25]
CHANNELS = [16, 32, 48, 64]
LOG_EPS = 0.02
# Metrics count pixels no deeper than this (sky and the far ground are left out) and read
# predictions as at most this deep, as src/evaluation.rs does.
MAX_DEPTH = 80.0
TRAIN = {"n": N_TRAIN, "seed": 1}
TEST = {"n": 100, "seed": 0}
VARIANTS = ["fixed", "jitter"]


class Stage(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))


class DepthNet(nn.Module):
    """Encoder conv3x3 stages (16, 32, 48, 64) at strides 2, 4, 8, 16, zero padding, ReLU;
    decoder of nearest 2x upsampling + skip concatenation + two convs per stage; full-size head
    on the upsampled features and the input image: conv3x3(8), ReLU, conv1x1(1) = inverse depth
    in 1/m."""

    def __init__(self):
        super().__init__()
        c = CHANNELS
        self.enc1 = Stage(3, c[0], 2)
        self.enc2 = Stage(c[0], c[1], 2)
        self.enc3 = Stage(c[1], c[2], 2)
        self.enc4 = Stage(c[2], c[3], 2)
        self.dec3 = Stage(c[3] + c[2], c[2], 1)
        self.dec2 = Stage(c[2] + c[1], c[1], 1)
        self.dec1 = Stage(c[1] + c[0], c[0], 1)
        self.head1 = nn.Conv2d(c[0] + 3, 8, 3, padding=1)
        self.head2 = nn.Conv2d(8, 1, 1)

    def forward(self, x):
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="nearest")  # noqa: E731
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        e4 = self.enc4(e3)
        d3 = self.dec3(torch.cat([up(e4), e3], 1))
        d2 = self.dec2(torch.cat([up(d3), e2], 1))
        d1 = self.dec1(torch.cat([up(d2), e1], 1))
        return self.head2(F.relu(self.head1(torch.cat([up(d1), x], 1))))

    def probes(self):
        return [("enc1", "enc1", 2), ("enc2", "enc2", 4), ("enc3", "enc3", 8),
                ("enc4", "enc4", 16), ("dec3", "dec3", 8), ("dec2", "dec2", 4),
                ("dec1", "dec1", 2)]


def load(split):
    x = np.load(os.path.join(common.DATA, f"road-{split}-images.npy"), mmap_mode="r")
    y = np.load(os.path.join(common.DATA, f"road-{split}-targets.npy"), mmap_mode="r")
    return x, y


def normalise(x):
    mean = np.array(MEAN, np.float32)[None, :, None, None]
    std = np.array(STD, np.float32)[None, :, None, None]
    return ((np.asarray(x, np.float32) - mean) / std).astype(np.float32)


def loss_fn(p, t):
    l1 = (p - t).abs().mean() * 10.0
    log = (torch.log(p.clamp(min=1e-3) + LOG_EPS) - torch.log(t + LOG_EPS)).abs().mean()
    return l1 + log


def predict(model, x, batch=50):
    out = []
    with torch.no_grad():
        for b in range(0, len(x), batch):
            out.append(model(torch.from_numpy(normalise(x[b:b + batch]))).numpy())
    return np.concatenate(out)


def depth_metrics(pred, target):
    """abs rel and delta < 1.25 over every pixel no deeper than MAX_DEPTH, pooled over the set;
    a prediction is read as depth 1 / max(prediction, 1 / MAX_DEPTH)."""
    t = target.astype(np.float64).ravel()
    p = pred.astype(np.float64).ravel()
    valid = t >= 1.0 / MAX_DEPTH
    d_true = 1.0 / t[valid]
    d_pred = 1.0 / np.maximum(p[valid], 1.0 / MAX_DEPTH)
    ratio = np.maximum(d_pred / d_true, d_true / d_pred)
    return {
        "abs_rel": float(np.mean(np.abs(d_pred - d_true) / d_true)),
        "delta1_percent": float(np.mean(ratio < 1.25) * 100.0),
        "n_pixels": int(valid.sum()),
    }


def train(xtr, ytr, tag):
    common.setup(SEED)
    model = DepthNet()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = len(xtr) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=EPOCHS * steps_per_epoch,
                                                pct_start=0.15)
    rng = np.random.default_rng(SEED)
    steps = 0
    with common.Timer() as t:
        for epoch in range(EPOCHS):
            model.train()
            perm = rng.permutation(len(xtr))
            running = 0.0
            for b in range(steps_per_epoch):
                idx = np.sort(perm[b * BATCH:(b + 1) * BATCH])
                x = torch.from_numpy(normalise(xtr[idx]))
                y = torch.from_numpy(np.asarray(ytr[idx], np.float32))
                # Left-right flips: the scenes' geometry is symmetric, the road layout is not.
                if rng.random() < 0.5:
                    x, y = x.flip(3), y.flip(3)
                loss = loss_fn(model(x), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                running += loss.item()
                steps += 1
                if steps % 50 == 0:
                    print(f"  {tag} step {steps} loss {running / (b + 1):.4f} "
                          f"({t.elapsed():.0f}s)", flush=True)
            print(f"[{tag}] epoch {epoch + 1}/{EPOCHS} loss {running / steps_per_epoch:.4f}",
                  flush=True)
    return model.eval(), steps, t.seconds


def main(which):
    for variant in which:
        model_id = f"depth-{variant}"
        xtr, ytr = load(f"{variant}-train")
        xtr, ytr = xtr[:N_TRAIN], ytr[:N_TRAIN]
        xte, yte = load(f"{variant}-test")
        xte, yte = np.asarray(xte[:TEST["n"]]), np.asarray(yte[:TEST["n"]])
        model, steps, seconds = train(xtr, ytr, model_id)
        m_test = depth_metrics(predict(model, xte), yte)
        other = "jitter" if variant == "fixed" else "fixed"
        xo, yo = load(f"{other}-test")
        m_other = depth_metrics(predict(model, np.asarray(xo[:TEST["n"]])), np.asarray(yo[:TEST["n"]]))
        m = {
            "test_abs_rel": round(m_test["abs_rel"], 4),
            "test_delta1_percent": round(m_test["delta1_percent"], 2),
            f"{other}_test_abs_rel": round(m_other["abs_rel"], 4),
            f"{other}_test_delta1_percent": round(m_other["delta1_percent"], 2),
            "n_train": int(len(xtr)), "n_test": TEST["n"], "n_test_pixels": m_test["n_pixels"],
        }
        print(f"[{model_id}] {m} ({seconds}s)", flush=True)
        xte_n = normalise(xte)
        fields = common.export_and_verify(
            model, model_id,
            input_specs=[{"name": "input", "shape": [3, H, W], "mean": MEAN, "std": STD}],
            output_spec={"name": "inverse_depth", "shape": [1, H, W], "kind": "inverse-depth"},
            probes=model.probes(), verify_inputs=[xte_n[:6]], golden_inputs=[xte_n[[0, 1]]])
        poses = ("one pose: pitch 0, roll 0, height 1.65 m" if variant == "fixed" else
                 "pitch and roll uniform in +-6 degrees, height uniform in 1.3-2.1 m")
        entry = {
            "id": model_id,
            "file": fields["file"], "sha256": fields["sha256"],
            "family": "depth",
            "variant": variant,
            "task": "depth",
            "inputs": fields["inputs"],
            "output": {**fields["output"], "units": "inverse depth in 1/m (depth along the "
                       "optical axis); 0 = infinitely far"},
            "probes": fields["probes"],
            "architecture": " ".join(DepthNet.__doc__.split()),
            "dataset": f"road scenes from the Rust generator (src/datasets/road.rs), {poses}: "
                       f"gen-data road --split {variant}-train --n {N_TRAIN} --seed "
                       f"{TRAIN['seed']} (train), --split {variant}-test --n {TEST['n']} --seed "
                       f"{TEST['seed']} (test)",
            "recipe": {"optimiser": "Adam", "lr": LR, "schedule": "one-cycle (15% warm-up)",
                       "epochs": EPOCHS, "batch": BATCH,
                       "loss": "L1(10 * inverse depth) + L1(log(inverse depth + 0.02))",
                       "augmentation": "left-right flip", "threads": torch.get_num_threads(),
                       "script": "training/depth.py"},
            "seed": SEED,
            "steps": steps,
            "train_seconds": seconds,
            "metrics": m,
            "metric_definitions": {
                "test_abs_rel": "mean |d_pred - d_true| / d_true over every test pixel with "
                                f"d_true <= {MAX_DEPTH:g} m (sky and far ground left out), "
                                f"d_pred = 1 / max(output, 1/{MAX_DEPTH:g})",
                "test_delta1_percent": "% of those pixels with max(d_pred/d_true, "
                                       "d_true/d_pred) < 1.25",
                f"{other}_test_abs_rel": f"the same on the {other}-pose test split",
            },
            "eval": {
                "metrics": ["test_abs_rel", "test_delta1_percent"],
                "generator": "road", "split": f"{variant}-test", "n": TEST["n"],
                "seed": TEST["seed"], "max_depth": MAX_DEPTH,
                "images_f32_sha256": common.f32_sha256(xte),
                "targets_f32_sha256": common.f32_sha256(yte),
                "pipeline": "generator images normalised with the manifest mean/std; metrics "
                            "as in metric_definitions, sums in float64",
                "tolerance_abs_rel": 0.0005, "tolerance_percent": 0.05,
            },
            "golden": fields["golden"],
            "verify": fields["verify"],
        }
        common.update_manifest(entry)


if __name__ == "__main__":
    main(sys.argv[1:] or VARIANTS)
