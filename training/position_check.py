"""A quick Islam et al. (2020)-style position readout on the padding family in PyTorch, an
independent cross-check of the core's readout (training/position_readout.py), which is the one
in the manifest and on the page.

200 random 64x64 crops of the 8 class photos (readout training) and 60 of the 2 unseen photos
(hubble_deep_field, coins; test); features of a layer bilinearly resized to 16x16; a ridge
regression (lambda 0.1) from the C channels of each location (1x1, weaker than the paper's 3x3
conv readout) to the position maps H (horizontal gradient), V (vertical) and G (centred
Gaussian, sigma 0.2); Spearman correlation (SPC, mean over test crops) and MAE.

Usage: python3 training/position_check.py   (needs training/data/ckpt/pad-*.pt from padding.py)
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import spearmanr

import common
import padding
import photos

GRID = 16


def main():
    common.setup(0)
    imgs = photos.load_photos(photos.CLASSES + photos.UNSEEN)
    rng = np.random.default_rng(0)

    def crops(idx, n):
        out = []
        for _ in range(n):
            i = rng.choice(list(idx))
            y, x = rng.integers(0, 192 - 64 + 1, 2)
            out.append(imgs[i, y:y + 64, x:x + 64])
        return padding.normalise(np.stack(out))

    xtr, xte = crops(range(8), 200), crops([8, 9], 60)
    lin = np.linspace(0, 1, GRID)
    h = np.tile(lin, (GRID, 1))
    v = h.T
    targets = {"H": h, "V": v, "G": np.exp(-((h - 0.5) ** 2 + (v - 0.5) ** 2) / (2 * 0.2 ** 2))}
    results = {}
    for p in padding.VARIANTS:
        m = padding.Encoder(p)
        m.load_state_dict(torch.load(os.path.join(common.DATA, "ckpt", f"pad-{p}.pt")))
        m.eval()
        feats = {}
        for k in range(1, len(padding.CHANNELS) + 1):
            getattr(m, f"relu{k}").register_forward_hook(
                lambda _m, _i, o, k=k: feats.__setitem__(k, o))
        res = {}
        for layer in (5, 9):
            def features(x):
                with torch.no_grad():
                    m(torch.from_numpy(x))
                f = F.interpolate(feats[layer], size=(GRID, GRID), mode="bilinear",
                                  align_corners=False)
                f = f.permute(0, 2, 3, 1).reshape(len(x) * GRID * GRID, -1).numpy()
                return np.hstack([f, np.ones((len(f), 1), np.float32)])
            a, b = features(xtr), features(xte)
            for name, t in targets.items():
                w = np.linalg.solve(a.T @ a + 0.1 * np.eye(a.shape[1]),
                                    a.T @ np.tile(t.ravel(), len(xtr)))
                pred = (b @ w).reshape(len(xte), -1)
                spc = np.mean([spearmanr(pred[i], t.ravel()).correlation for i in range(len(xte))])
                res[f"conv{layer}-{name}"] = {"spc": round(float(spc), 3),
                                              "mae": round(float(np.abs(pred - t.ravel()).mean()), 3)}
        results[f"pad-{p}"] = res
        print(f"pad-{p}", json.dumps(res), flush=True)
    return results


if __name__ == "__main__":
    main()
