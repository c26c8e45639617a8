"""Bundled natural photos: take them from scikit-image and scikit-learn (no download), centre-
crop to a square, resize to 192x192 (PIL Lanczos) and save as PNG in models/photos/.

The first eight are the classes of the padding family (which photo does a crop come from);
the last two are never used in training, for the position lab's held-out tests.
"""

import os

import numpy as np
from PIL import Image

import common

SIZE = 192
CLASSES = ["astronaut", "camera", "chelsea", "coffee", "rocket", "immunohistochemistry",
           "china", "flower"]
UNSEEN = ["hubble_deep_field", "coins"]


def load_source(name):
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image
        return load_sample_image(f"{name}.jpg")
    import skimage.data
    return getattr(skimage.data, name)()


def square_192(a):
    if a.ndim == 2:
        a = np.stack([a] * 3, axis=-1)
    a = a[..., :3].astype(np.uint8)
    h, w = a.shape[:2]
    s = min(h, w)
    y, x = (h - s) // 2, (w - s) // 2
    img = Image.fromarray(a[y:y + s, x:x + s])
    return img.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def photo_path(name):
    return os.path.join(common.MODELS, "photos", f"{name}.png")


def write_photos():
    os.makedirs(os.path.join(common.MODELS, "photos"), exist_ok=True)
    for name in CLASSES + UNSEEN:
        square_192(load_source(name)).save(photo_path(name), optimize=True)


def load_photos(names=CLASSES):
    """u8 [n, 192, 192, 3] read back from the shipped PNGs (what the browser decodes)."""
    return np.stack([np.asarray(Image.open(photo_path(n)).convert("RGB")) for n in names])


if __name__ == "__main__":
    write_photos()
    print(load_photos(CLASSES + UNSEEN).shape)
