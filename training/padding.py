"""Padding family (Islam et al. 2020, "How much position information do CNNs encode?";
Kayhan & van Gemert 2020): one encoder, one recipe, three paddings:

  pad-zero      3x3 convs zero-padded by 1 ('same')
  pad-none      3x3 valid convs (no padding); conv9 is 1x1 because conv8 leaves a 1x1 map
                (a zero-padded 3x3 conv on a 1x1 map is the same 1x1 conv)
  pad-circular  3x3 convs circularly padded by 1, written as slices + concat

Nine convs with strides alternating 1 and 2: the receptive field of conv8 is 61 px and of
conv9 93 px, so the deepest features see the whole 64x64 crop and with it its border (Islam
et al. read position out of VGG/ResNet, whose receptive fields cover the input).

Task: which of 8 bundled photos (models/photos, 192x192) a 64x64 crop comes from. Training
crops come from the left 112 columns of each photo (x0 in [0,48], y0 in [0,128], random
horizontal flip); held-out crops from the disjoint right 80 columns (x0 in {112,120,128},
y0 in {0,16,...,128}: 27 per photo, 216 in all, shipped as models/data/photos-test-*.u8).
Input: RGB /255, normalised per channel with the training region's mean and std.

Usage: python3 training/padding.py [zero|none|circular ...]   (default: all three)
Then training/position_readout.py adds the position readout (recipe and metrics) to the entries.
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import common
import photos

SEED = 0
STEPS = 2000
BATCH = 32
LR = 2e-3
CROP = 64
TRAIN_X = (0, 48)       # inclusive range of crop x0 (columns 0..111)
TEST_X = (112, 120, 128)
TEST_Y = tuple(range(0, 129, 16))
MEAN = [0.492, 0.395, 0.347]
STD = [0.292, 0.253, 0.260]
CHANNELS = [16, 16, 24, 24, 32, 32, 32, 32, 32]
STRIDES = [1, 2, 1, 2, 1, 2, 1, 2, 1]
VARIANTS = ["zero", "none", "circular"]


class CircularPad(nn.Module):
    def forward(self, x):
        return common.circular_pad(x, 1)


class Encoder(nn.Module):
    def __init__(self, padding, n_classes=8):
        super().__init__()
        c_in = 3
        for i, (c, s) in enumerate(zip(CHANNELS, STRIDES), 1):
            pad = 1 if padding == "zero" else 0
            if padding == "circular":
                setattr(self, f"pad{i}", CircularPad())
            k = 1 if padding == "none" and i == len(CHANNELS) else 3
            setattr(self, f"conv{i}", nn.Conv2d(c_in, c, k, stride=s, padding=pad))
            setattr(self, f"relu{i}", nn.ReLU())
            c_in = c
        self.padding = padding
        self.fc = nn.Linear(c_in, n_classes)

    def forward(self, x):
        for i in range(1, len(CHANNELS) + 1):
            if self.padding == "circular":
                x = getattr(self, f"pad{i}")(x)
            x = getattr(self, f"relu{i}")(getattr(self, f"conv{i}")(x))
        return self.fc(x.mean(dim=(2, 3)))


def probes():
    out, stride = [], 1
    for i, s in enumerate(STRIDES, 1):
        stride *= s
        out.append((f"relu{i}", f"conv{i}", stride))
    return out


def normalise(u8_nhwc):
    x = u8_nhwc.astype(np.float32) / 255.0
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def test_set(imgs):
    xs, ys = [], []
    for label, img in enumerate(imgs):
        for y0 in TEST_Y:
            for x0 in TEST_X:
                xs.append(img[y0:y0 + CROP, x0:x0 + CROP])
                ys.append(label)
    return np.stack(xs), np.array(ys, np.uint8)


def write_test_data(x_hwc, y):
    os.makedirs(os.path.join(common.MODELS, "data"), exist_ok=True)
    np.ascontiguousarray(x_hwc.transpose(0, 3, 1, 2)).astype(np.uint8).tofile(
        os.path.join(common.MODELS, "data", "photos-test-images.u8"))
    y.astype(np.uint8).tofile(os.path.join(common.MODELS, "data", "photos-test-labels.u8"))


def predict(model, x, batch=256):
    with torch.no_grad():
        return np.concatenate([model(torch.from_numpy(x[i:i + batch])).argmax(1).numpy()
                               for i in range(0, len(x), batch)])


def train(padding, imgs):
    common.setup(SEED)
    model = Encoder(padding)
    full = torch.from_numpy(normalise(imgs))  # [8, 3, 192, 192]
    g = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=STEPS, pct_start=0.1)
    with common.Timer() as t:
        for step in range(STEPS):
            model.train()
            lab = torch.randint(0, len(imgs), (BATCH,), generator=g)
            x0 = torch.randint(TRAIN_X[0], TRAIN_X[1] + 1, (BATCH,), generator=g)
            y0 = torch.randint(0, 192 - CROP + 1, (BATCH,), generator=g)
            flip = torch.rand(BATCH, generator=g) < 0.5
            xb = torch.stack([full[l, :, y:y + CROP, x:x + CROP] for l, x, y in
                              zip(lab.tolist(), x0.tolist(), y0.tolist())])
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), lab, label_smoothing=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if (step + 1) % 100 == 0:
                print(f"[pad-{padding}] step {step + 1}/{STEPS} loss {loss.item():.4f}", flush=True)
    return model.eval(), STEPS, t.seconds


def main(variants):
    imgs = photos.load_photos(photos.CLASSES)
    x_hwc, y = test_set(imgs)
    write_test_data(x_hwc, y)
    xte = normalise(x_hwc)
    for padding in variants:
        model_id = f"pad-{padding}"
        model, steps, seconds = train(padding, imgs)
        acc = float((predict(model, xte) == y).mean() * 100)
        print(f"[{model_id}] held-out accuracy {acc:.2f}% ({seconds}s)", flush=True)
        fields = common.export_and_verify(
            model, model_id,
            input_specs=[{"name": "input", "shape": [3, CROP, CROP], "mean": MEAN, "std": STD}],
            output_spec={"name": "logits", "shape": [len(photos.CLASSES)], "kind": "logits"},
            probes=probes(), verify_inputs=[xte[::27][:8]], golden_inputs=[xte[[0, 27 * 2]]])
        pad_text = {"zero": "zero padding 1 ('same')", "none": "no padding ('valid'); conv9 is 1x1, as conv8 leaves a 1x1 map",
                    "circular": "circular padding 1 ('same'), as slices + concat"}[padding]
        entry = {
            "id": model_id,
            "file": fields["file"], "sha256": fields["sha256"],
            "family": "padding",
            "variant": padding,
            "task": "classification",
            "inputs": fields["inputs"],
            "output": fields["output"],
            "labels": photos.CLASSES,
            "probes": fields["probes"],
            "architecture": "9 conv3x3 (16,16,24,24,32,32,32,32,32), strides (1,2,1,2,1,2,1,2,1), "
                            "bias, ReLU (receptive field 93 px); global average pool; linear(8); "
                            f"{pad_text}",
            "dataset": "which of 8 bundled photos (models/photos/<label>.png, 192x192) a 64x64 "
                       "crop comes from; training crops from columns 0-111 of each photo, "
                       "held-out crops from columns 112-191 (models/data/photos-test-*.u8)",
            "recipe": {"optimiser": "Adam", "lr": LR, "schedule": "one-cycle (10% warm-up)",
                       "steps": STEPS, "batch": BATCH, "loss": "cross-entropy, label smoothing 0.1",
                       "augmentation": "random crop position in the training region, random "
                                       "horizontal flip",
                       "script": "training/padding.py"},
            "seed": SEED,
            "steps": steps,
            "train_seconds": seconds,
            "metrics": {"test_accuracy_percent": round(acc, 2)},
            "metric_definitions": {"test_accuracy_percent": "top-1 accuracy on the 216 held-out "
                                   "crops (27 per photo, from a region disjoint from training)"},
            "eval": {
                "metric": "test_accuracy_percent",
                "images": "data/photos-test-images.u8", "labels": "data/photos-test-labels.u8",
                "n": int(len(y)), "image_shape": [3, CROP, CROP], "dtype": "u8",
                "pipeline": "u8 [n,3,64,64] (channel-major), /255, (x-mean[c])/std[c], argmax "
                            "of logits",
                "tolerance_percent": 0.0,
            },
            "golden": fields["golden"],
            "verify": fields["verify"],
        }
        common.update_manifest(entry)


if __name__ == "__main__":
    main(sys.argv[1:] or VARIANTS)
