"""Siamese trackers (centre bias of SiamRPN++, Li et al. 2019): a backbone shared between a
16x16 template and a 64x64 search region, and a cross-correlation head giving a response map.
Data from the Rust generator (training/gen_data.sh).

  siam-centred        trained only on pairs whose target sits at the search centre
  siam-shift8         trained on pairs with random offsets, |dx|, |dy| <= 8
  siam-shift16        the same, |dx|, |dy| <= 16
  siam-shifted        the same, |dx|, |dy| <= 20 (SiamRPN++ compares shift ranges like these)
  siam-valid          a backbone without padding (valid convolutions), trained centred
  siam-valid-padded   siam-valid's backbone with zero padding 1, trained centred: the control
                      that separates padding from siam-valid's smaller receptive field

Backbone (all but the valid pair): conv3x3 (16, 32, 32, 32, 32, 32), strides (2, 1, 2, 1, 1,
1), zero padding 1, ReLU (the last conv without ReLU), receptive field 35 px: template features
4x4, search features 16x16. (A shallower backbone -- 4 convs, stride 2, receptive field 15 px --
showed almost no centre bias: it cannot tell where it is in the search region; see
models/README.md.) Without padding that stack cannot run on a 16-px template (16 -> 7 -> 5 -> 2
-> 0), so the valid pair keeps the channels and strides and makes conv4-6 1x1: kernels (3, 3,
3, 1, 1, 1), receptive field 11 px, template features 2x2 and search features 14x14 without
padding (4x4 and 16x16 with it). Head: valid cross-correlation of the template features over
the search features (written as slices of the search features stacked and a batched matmul,
ops tract runs with per-sample weights), then response * a + b (learned scalars): a 13x13 map
for every backbone. Response cell (r, c) <-> offset (dx, dy) = (4c - 24, 4r - 24): the total
stride is 4 with or without padding. Loss: softmax cross-entropy over the map against a
Gaussian (sigma = 1 cell) at the true offset.

Usage: python3 training/siamese.py [centred shift8 shift16 shifted valid valid-padded]
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common

SEED = 0
EPOCHS = 8
BATCH = 32
LR = 1e-3
CHANNELS = [16, 32, 32, 32, 32, 32]
STRIDES = [2, 1, 2, 1, 1, 1]
KERNELS_DEEP = [3, 3, 3, 3, 3, 3]
KERNELS_VALID = [3, 3, 3, 1, 1, 1]
STRIDE = 4
RESP = (64 - 16) // STRIDE + 1    # 13
CENTRE_CELL = (64 // 2 - 16 // 2) // STRIDE  # 6: the cell of offset (0, 0)
CELL_TEXT = (f"({STRIDE}c - {CENTRE_CELL * STRIDE}, {STRIDE}r - {CENTRE_CELL * STRIDE})")
SIGMA_CELLS = 1.0
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]
BINS = [0, 4, 8, 12, 16, 20, 29]
TEST = {"split": "shifted", "n": 1000, "seed": 5, "max_shift": 20}
# variant -> (training data subdirectory, split, max shift or None, kernels, zero padding)
VARIANTS = {
    "centred": ("", "centred", None, KERNELS_DEEP, 1),
    "shift8": ("shift8", "shifted", 8, KERNELS_DEEP, 1),
    "shift16": ("shift16", "shifted", 16, KERNELS_DEEP, 1),
    "shifted": ("", "shifted", 20, KERNELS_DEEP, 1),
    "valid": ("", "centred", None, KERNELS_VALID, 0),
    "valid-padded": ("", "centred", None, KERNELS_VALID, 1),
}


class Backbone(nn.Module):
    def __init__(self, kernels, padding):
        super().__init__()
        c_in = 3
        for k, (c, s, kk) in enumerate(zip(CHANNELS, STRIDES, kernels), 1):
            setattr(self, f"conv{k}", nn.Conv2d(c_in, c, kk, stride=s, padding=padding * (kk // 2)))
            if k < len(CHANNELS):
                setattr(self, f"relu{k}", nn.ReLU())
            c_in = c

    def forward(self, x):
        for k in range(1, len(CHANNELS) + 1):
            x = getattr(self, f"conv{k}")(x)
            if k < len(CHANNELS):
                x = getattr(self, f"relu{k}")(x)
        return x


class XCorr(nn.Module):
    """Valid cross-correlation, one template per batch item: out[n, 0, y, x] =
    sum_{c,u,v} t[n, c, u, v] * s[n, c, y + u, x + v]."""

    def forward(self, t, s):
        n, c, th, tw = t.shape
        oh, ow = s.shape[2] - th + 1, s.shape[3] - tw + 1
        cols = torch.cat([s[:, :, u:u + oh, v:v + ow].reshape(n, c, 1, oh * ow)
                          for u in range(th) for v in range(tw)], dim=2)  # [n, c, th*tw, oh*ow]
        cols = cols.reshape(n, c * th * tw, oh * ow)
        w = t.reshape(n, 1, c * th * tw)
        return torch.matmul(w, cols).reshape(n, 1, oh, ow)


class SiamNet(nn.Module):
    def __init__(self, kernels=KERNELS_DEEP, padding=1):
        super().__init__()
        self.backbone = Backbone(kernels, padding)
        self.xcorr = XCorr()
        self.scale = nn.Parameter(torch.tensor(0.01))
        self.bias = nn.Parameter(torch.tensor(0.0))

    def forward(self, template, search):
        t = self.backbone(template)
        s = self.backbone(search)
        return self.xcorr(t, s) * self.scale + self.bias

    def fast(self, template, search):
        """The same response with a grouped conv (training only; not exported)."""
        t = self.backbone(template)
        s = self.backbone(search)
        n, c = t.shape[:2]
        r = F.conv2d(s.reshape(1, n * c, *s.shape[2:]), t, groups=n)
        return r.reshape(n, 1, *r.shape[2:]) * self.scale + self.bias


RAW_SHA = {}


def load(split, test=False, subdir=""):
    d = os.path.join(common.DATA, "test" if test else subdir)
    t = np.load(os.path.join(d, f"siamese-{split}-templates.npy")).astype(np.float32)
    s = np.load(os.path.join(d, f"siamese-{split}-searches.npy")).astype(np.float32)
    y = np.load(os.path.join(d, f"siamese-{split}-targets.npy")).astype(np.float32)
    if test:
        RAW_SHA.update({"templates_f32_sha256": common.f32_sha256(t),
                        "searches_f32_sha256": common.f32_sha256(s),
                        "targets_f32_sha256": common.f32_sha256(y)})
    m, sd = np.array(MEAN, np.float32)[:, None, None], np.array(STD, np.float32)[:, None, None]
    return (t - m) / sd, (s - m) / sd, y


def label_maps(offsets):
    """Gaussian target distributions [n, RESP*RESP] around each offset's cell."""
    cells = torch.arange(RESP, dtype=torch.float32)
    cx = offsets[:, 0] / STRIDE + CENTRE_CELL
    cy = offsets[:, 1] / STRIDE + CENTRE_CELL
    gx = torch.exp(-0.5 * ((cells[None] - cx[:, None]) / SIGMA_CELLS) ** 2)
    gy = torch.exp(-0.5 * ((cells[None] - cy[:, None]) / SIGMA_CELLS) ** 2)
    g = (gy[:, :, None] * gx[:, None, :]).reshape(len(offsets), -1)
    return g / g.sum(1, keepdim=True)


def peak_offsets(resp):
    n = resp.shape[0]
    flat = resp.reshape(n, -1).argmax(1)
    r, c = flat // RESP, flat % RESP
    return np.stack([c * STRIDE - CENTRE_CELL * STRIDE, r * STRIDE - CENTRE_CELL * STRIDE], 1)


def evaluate(model, t, s, y, batch=200):
    with torch.no_grad():
        resp = np.concatenate([model(torch.from_numpy(t[i:i + batch]),
                                     torch.from_numpy(s[i:i + batch])).numpy()
                               for i in range(0, len(t), batch)])
    pred = peak_offsets(resp)
    err = np.sqrt(((pred - y) ** 2).sum(1))
    norm = np.sqrt((y ** 2).sum(1))
    bins = []
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        sel = (norm >= lo) & (norm < hi)
        bins.append({"offset_norm_px": [lo, hi], "n": int(sel.sum()),
                     "mean_peak_error_px": round(float(err[sel].mean()), 3) if sel.any() else None,
                     "within_4px_percent": round(float((err[sel] <= 4).mean() * 100), 2)
                     if sel.any() else None})
    return err, bins


def train(variant):
    subdir, split, _, kernels, padding = VARIANTS[variant]
    common.setup(SEED)
    model = SiamNet(kernels, padding)
    t, s, y = load(split, subdir=subdir)
    tt, st, yt = torch.from_numpy(t), torch.from_numpy(s), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    spe = (len(tt) + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=EPOCHS * spe,
                                                pct_start=0.1)
    g = torch.Generator().manual_seed(SEED)
    steps = 0
    with common.Timer() as timer:
        for epoch in range(EPOCHS):
            model.train()
            perm = torch.randperm(len(tt), generator=g)
            for b in range(0, len(tt), BATCH):
                idx = perm[b:b + BATCH]
                resp = model.fast(tt[idx], st[idx]).reshape(len(idx), -1)
                loss = -(label_maps(yt[idx]) * F.log_softmax(resp, 1)).sum(1).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                steps += 1
            print(f"[siam-{variant}] epoch {epoch + 1}/{EPOCHS} loss {loss.item():.4f}", flush=True)
    return model.eval(), steps, timer.seconds


def probes():
    out, stride = [], 1
    for k, s in enumerate(STRIDES, 1):
        stride *= s
        mod = f"backbone.relu{k}" if k < len(CHANNELS) else f"backbone.conv{k}"
        out.append((mod, f"conv{k}", stride))
    return out


def feature_side(size, kernels, padding):
    for kk, s in zip(kernels, STRIDES):
        size = (size + 2 * padding * (kk // 2) - kk) // s + 1
    return size


def main(variants):
    tte, ste, yte = load("shifted", test=True)
    assert len(tte) == TEST["n"]
    for variant in variants:
        model_id = f"siam-{variant}"
        _, split, max_shift, kernels, padding = VARIANTS[variant]
        t_side, s_side = feature_side(16, kernels, padding), feature_side(64, kernels, padding)
        assert s_side - t_side + 1 == RESP, (variant, t_side, s_side)
        model, steps, seconds = train(variant)
        with torch.no_grad():
            a = model(torch.from_numpy(tte[:8]), torch.from_numpy(ste[:8]))
            b = model.fast(torch.from_numpy(tte[:8]), torch.from_numpy(ste[:8]))
            assert float((a - b).abs().max()) < 1e-4
        err, bins = evaluate(model, tte, ste, yte)
        tc, sc, yc = load("centred")
        err_c, _ = evaluate(model, tc[:500], sc[:500], yc[:500])
        print(f"[{model_id}] shifted-test mean peak error {err.mean():.3f} px; by |offset|: "
              + ", ".join(f"{b['offset_norm_px']}: {b['mean_peak_error_px']}" for b in bins)
              + f" ({seconds}s)", flush=True)
        # Golden: the template/search pair has the search as a shared backbone input: the probes
        # are listed for the search branch (the second use of each layer is the search's).
        fields = common.export_and_verify(
            model, model_id,
            input_specs=[{"name": "template", "shape": [3, 16, 16], "mean": MEAN, "std": STD},
                         {"name": "search", "shape": [3, 64, 64], "mean": MEAN, "std": STD}],
            output_spec={"name": "response", "shape": [1, RESP, RESP], "kind": "response"},
            probes=probes(), verify_inputs=[tte[:6], ste[:6]],
            golden_inputs=[tte[[0, 1]], ste[[0, 1]]])
        entry = {
            "id": model_id,
            "file": fields["file"], "sha256": fields["sha256"],
            "family": "siamese",
            "variant": variant,
            "task": "response-map",
            "inputs": fields["inputs"],
            "output": {**fields["output"],
                       "cell_to_offset": "response cell (row r, column c) <-> target offset "
                                         f"(dx, dy) = {CELL_TEXT} px from the search "
                                         "centre; peak = argmax"},
            "probes": fields["probes"],
            "architecture": f"shared backbone conv (kernels {tuple(kernels)}) "
                            f"{tuple(CHANNELS)}, strides {tuple(STRIDES)}, "
                            + (f"zero padding {padding} on the 3x3s" if padding else
                               "no padding (valid convolutions)")
                            + ", ReLU between convs; valid cross-correlation of template "
                            f"features ({t_side}x{t_side}) over search features "
                            f"({s_side}x{s_side}) as slices + matmul; response * a + b",
            "dataset": f"Siamese pairs from the Rust generator: gen-data siamese --split "
                       f"{split} --n 4000 --seed 1" +
                       (f" --max-shift {max_shift}" if max_shift is not None else ""),
            "recipe": {"optimiser": "Adam", "lr": LR, "schedule": "one-cycle (10% warm-up)",
                       "epochs": EPOCHS, "batch": BATCH,
                       "loss": "softmax cross-entropy over the response map against a Gaussian "
                               f"(sigma 1 cell = {STRIDE} px) at the true offset",
                       "augmentation": "none", "script": "training/siamese.py"},
            "seed": SEED,
            "steps": steps,
            "train_seconds": seconds,
            "metrics": {
                "shifted_test_mean_peak_error_px": round(float(err.mean()), 3),
                "shifted_test_within_4px_percent": round(float((err <= 4).mean() * 100), 2),
                "centred_mean_peak_error_px": round(float(err_c.mean()), 3),
                "by_offset": bins,
            },
            "metric_definitions": {
                "shifted_test_mean_peak_error_px": "mean Euclidean distance (px) between the "
                    "offset of the response peak (argmax cell mapped to px) and the true offset, "
                    "on the shifted test set (generator siamese, split shifted, n 1000, seed 5, "
                    "max shift 20)",
                "by_offset": "the same, binned by the true |offset| (Euclidean, px)",
                "centred_mean_peak_error_px": "on the first 500 pairs of the centred training "
                                              "set (not held out)",
            },
            "eval": {
                "metric": "shifted_test_mean_peak_error_px",
                "generator": "siamese", **TEST,
                **RAW_SHA,
                "pipeline": "(x - 0.5) / 0.25 on template and search; peak = argmax of the "
                            f"{RESP}x{RESP} response; offset = {CELL_TEXT}; Euclidean error vs "
                            "targets, mean",
                "tolerance_px": 0.05,  # one flipped argmax among 1000 moves the mean by <= 0.04 px
            },
            "golden": fields["golden"],
            "verify": fields["verify"],
        }
        common.update_manifest(entry)


if __name__ == "__main__":
    main(sys.argv[1:] or list(VARIANTS))
