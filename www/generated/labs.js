// Generated from the Rust labs by `shiftlab generate`; do not edit (a test checks it).

/** @type {Record<string, import('./types').Setting[]>} */
export const SETTINGS = {
  "audit": [
    {
      "default": null,
      "label": "Model",
      "name": "model",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "Black, cut",
          "title": "Move the image over a fixed black canvas of its own size: what leaves the frame is cut off and black comes in (on a digit on black this equals Crop)",
          "value": "black"
        },
        {
          "label": "Shrink into black (Azulay's Black)",
          "title": "Azulay & Weiss's Black: the image is shrunk so that a black frame of 8 px surrounds it, and moved inside that frame: nothing is cut, only its position changes (shifts up to ±8 px)",
          "value": "embed"
        },
        {
          "label": "Circular",
          "title": "Wrap around: what leaves on one side comes back on the other",
          "value": "circular"
        },
        {
          "label": "Crop",
          "title": "Azulay & Weiss's Crop: a crop window moves over a larger image, so new content comes in from outside the view",
          "value": "crop"
        }
      ],
      "default": "crop",
      "label": "Shift mode",
      "name": "mode",
      "type": "enum"
    },
    {
      "default": 8,
      "label": "consistency shifts ±px",
      "max": 12,
      "min": 1,
      "name": "range",
      "type": "int"
    },
    {
      "default": 5,
      "label": "pairs per image",
      "max": 20,
      "min": 1,
      "name": "pairs",
      "type": "int"
    },
    {
      "default": 0,
      "label": "seed",
      "max": 9999,
      "min": 0,
      "name": "seed",
      "type": "int"
    },
    {
      "default": 6,
      "label": "readout crops per photo",
      "max": 16,
      "min": 2,
      "name": "crops",
      "type": "int"
    }
  ],
  "benchmark": [
    {
      "default": 8,
      "label": "Items per run",
      "max": 64,
      "min": 1,
      "name": "batch",
      "type": "int"
    },
    {
      "default": 20,
      "label": "Timed runs per model",
      "max": 1000,
      "min": 1,
      "name": "repeats",
      "type": "int"
    },
    {
      "default": 0,
      "label": "Seed of the inputs",
      "max": 4294967295,
      "min": 0,
      "name": "seed",
      "type": "int"
    }
  ],
  "borders": [
    {
      "default": 16,
      "label": "Input n",
      "max": 64,
      "min": 4,
      "name": "n",
      "type": "int"
    },
    {
      "default": 3,
      "label": "Kernel k",
      "max": 7,
      "min": 1,
      "name": "k",
      "type": "int"
    },
    {
      "default": 2,
      "label": "Layers L",
      "max": 8,
      "min": 1,
      "name": "layers",
      "type": "int"
    },
    {
      "choices": [
        {
          "label": "valid",
          "title": "no padding: the output shrinks by k − 1 per layer",
          "value": "Valid"
        },
        {
          "label": "same",
          "title": "(k − 1)/2 padded values on each side: the size is kept",
          "value": "Same"
        },
        {
          "label": "full",
          "title": "k − 1 padded values on each side: every pixel meets every kernel tap",
          "value": "Full"
        }
      ],
      "default": "Valid",
      "label": "A: convolution",
      "name": "padA",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "zero",
          "title": "padded values are zeros",
          "value": "zero"
        },
        {
          "label": "circular",
          "title": "padded values wrap around",
          "value": "circular"
        },
        {
          "label": "reflect",
          "title": "padded values mirror the border",
          "value": "reflect"
        }
      ],
      "default": "zero",
      "label": "A: padding",
      "name": "boundA",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "valid",
          "title": "no padding: the output shrinks by k − 1 per layer",
          "value": "Valid"
        },
        {
          "label": "same",
          "title": "(k − 1)/2 padded values on each side: the size is kept",
          "value": "Same"
        },
        {
          "label": "full",
          "title": "k − 1 padded values on each side: every pixel meets every kernel tap",
          "value": "Full"
        }
      ],
      "default": "Full",
      "label": "B: convolution",
      "name": "padB",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "zero",
          "title": "padded values are zeros",
          "value": "zero"
        },
        {
          "label": "circular",
          "title": "padded values wrap around",
          "value": "circular"
        },
        {
          "label": "reflect",
          "title": "padded values mirror the border",
          "value": "reflect"
        }
      ],
      "default": "zero",
      "label": "B: padding",
      "name": "boundB",
      "type": "enum"
    },
    {
      "default": 1000,
      "label": "Test images per set",
      "max": 1000,
      "min": 10,
      "name": "count",
      "type": "int"
    },
    {
      "default": 0,
      "label": "Black border b",
      "max": 32,
      "min": 0,
      "name": "border",
      "type": "int"
    },
    {
      "default": 0,
      "label": "Diagonal shift",
      "max": 16,
      "min": -16,
      "name": "shift",
      "type": "int"
    }
  ],
  "coordconv": [
    {
      "choices": [
        {
          "label": "Liu's pair (strided CNN vs CoordConv regressor)",
          "title": "Liu et al.'s comparison: a strided ReLU CNN against a linear stride-1 CoordConv regressor; they differ in more than the coordinate channels",
          "value": "liu"
        },
        {
          "label": "Matched pair (same trunk ± coordinate channels)",
          "title": "The same strided ReLU CNN, recipe and seed, without and with i, j, r input channels: the only difference is the coordinate channels",
          "value": "matched"
        }
      ],
      "default": "liu",
      "label": "Pair",
      "name": "pair",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "Quadrant",
          "title": "Trained without any square in the bottom-right quadrant; tested there",
          "value": "quadrant"
        },
        {
          "label": "Uniform",
          "title": "A random 80/20 split of all positions",
          "value": "uniform"
        }
      ],
      "default": "quadrant",
      "label": "Split",
      "name": "split",
      "type": "enum"
    },
    {
      "default": 40,
      "label": "square x (left)",
      "max": 55,
      "min": 0,
      "name": "x",
      "type": "int"
    },
    {
      "default": 40,
      "label": "square y (top)",
      "max": 55,
      "min": 0,
      "name": "y",
      "type": "int"
    }
  ],
  "depth": [
    {
      "default": 3,
      "label": "scene",
      "max": 9999,
      "min": 0,
      "name": "seed",
      "type": "int"
    },
    {
      "default": 0.0,
      "label": "camera pitch (°, + looks down)",
      "max": 8.0,
      "min": -8.0,
      "name": "pitch",
      "step": 0.5,
      "type": "float"
    },
    {
      "default": 0.0,
      "label": "camera roll (°)",
      "max": 12.0,
      "min": -12.0,
      "name": "roll",
      "step": 0.5,
      "type": "float"
    },
    {
      "default": 1.65,
      "label": "camera height (m)",
      "max": 2.5,
      "min": 1.0,
      "name": "height",
      "step": 0.05,
      "type": "float"
    },
    {
      "choices": [
        {
          "label": "car",
          "title": "1.75 m wide, 1.5 m high",
          "value": "car"
        },
        {
          "label": "van",
          "title": "2 m wide, 2.15 m high",
          "value": "van"
        },
        {
          "label": "truck",
          "title": "2.5 m wide, 3.4 m high",
          "value": "truck"
        },
        {
          "label": "pedestrian",
          "title": "0.58 m wide, 1.75 m high",
          "value": "pedestrian"
        }
      ],
      "default": "car",
      "label": "object",
      "name": "kind",
      "type": "enum"
    },
    {
      "default": 12.0,
      "label": "object distance (m)",
      "max": 45.0,
      "min": 4.0,
      "name": "distance",
      "step": 0.5,
      "type": "float"
    },
    {
      "default": 0.0,
      "label": "object lateral (m)",
      "max": 6.0,
      "min": -6.0,
      "name": "lateral",
      "step": 0.1,
      "type": "float"
    },
    {
      "default": 1.0,
      "label": "object size ×",
      "max": 3.0,
      "min": 0.3,
      "name": "scale",
      "step": 0.05,
      "type": "float"
    },
    {
      "choices": [
        {
          "label": "on",
          "title": "drawn",
          "value": "on"
        },
        {
          "label": "off",
          "title": "left out",
          "value": "off"
        }
      ],
      "default": "on",
      "label": "shadow",
      "name": "shadow",
      "type": "enum"
    },
    {
      "default": 0.15,
      "label": "bottom band (share of height)",
      "max": 0.5,
      "min": 0.0,
      "name": "band",
      "step": 0.01,
      "type": "float"
    },
    {
      "default": 0.1,
      "label": "band brightness",
      "max": 1.0,
      "min": 0.0,
      "name": "bandBrightness",
      "step": 0.05,
      "type": "float"
    },
    {
      "choices": [
        {
          "label": "on",
          "title": "drawn",
          "value": "on"
        },
        {
          "label": "off",
          "title": "left out",
          "value": "off"
        }
      ],
      "default": "off",
      "label": "interior removed",
      "name": "hollow",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "on",
          "title": "drawn",
          "value": "on"
        },
        {
          "label": "off",
          "title": "left out",
          "value": "off"
        }
      ],
      "default": "off",
      "label": "grayscale",
      "name": "grayscale",
      "type": "enum"
    },
    {
      "default": 0.0,
      "label": "hue rotation (°)",
      "max": 180.0,
      "min": -180.0,
      "name": "hue",
      "step": 5.0,
      "type": "float"
    },
    {
      "default": 8.0,
      "label": "insertion: distance at r = 1 (m)",
      "max": 15.0,
      "min": 5.0,
      "name": "base",
      "step": 0.5,
      "type": "float"
    },
    {
      "default": 2,
      "label": "scenes per measurement",
      "max": 16,
      "min": 1,
      "name": "scenes",
      "type": "int"
    }
  ],
  "inspect": [],
  "layers": [
    {
      "default": "digits-maxpool",
      "label": "Model A",
      "name": "modelA",
      "task": "classification",
      "type": "model"
    },
    {
      "default": "digits-bin5",
      "label": "Model B",
      "name": "modelB",
      "task": "classification",
      "type": "model"
    },
    {
      "default": 32,
      "label": "held-out digits",
      "max": 256,
      "min": 1,
      "name": "count",
      "type": "int"
    }
  ],
  "pooling": [
    {
      "default": "0,0,1,1,0,0,1,1,0,0",
      "label": "Signal",
      "name": "signal",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "Circular",
          "title": "Windows that run past an end read the other end: the signal repeats",
          "value": "circular"
        },
        {
          "label": "Zero",
          "title": "Windows that run past an end read zeros",
          "value": "zero"
        }
      ],
      "default": "circular",
      "label": "Boundary",
      "name": "boundary",
      "type": "enum"
    },
    {
      "default": 1,
      "label": "Shift (→ right, circular)",
      "max": 31,
      "min": 0,
      "name": "shift",
      "type": "int"
    },
    {
      "choices": [
        {
          "label": "MaxPool (k2, s2)",
          "title": "max over 2 samples, then keep every 2nd",
          "value": "max-pool"
        },
        {
          "label": "AvgPool (k2, s2)",
          "title": "mean over 2 samples, then keep every 2nd",
          "value": "avg-pool"
        },
        {
          "label": "Subsample (s2)",
          "title": "keep every 2nd sample",
          "value": "subsample"
        },
        {
          "label": "Max (k2, s1)",
          "title": "max over 2 samples at stride 1 (no subsampling)",
          "value": "dense-max"
        },
        {
          "label": "MaxBlurPool Rect-2",
          "title": "max (k2, s1) → blur [1,1]/2 → keep every 2nd",
          "value": "max-blur-pool-rect2"
        },
        {
          "label": "MaxBlurPool Tri-3",
          "title": "max (k2, s1) → blur [1,2,1]/4 → keep every 2nd",
          "value": "max-blur-pool-tri3"
        },
        {
          "label": "MaxBlurPool Bin-5",
          "title": "max (k2, s1) → blur [1,4,6,4,1]/16 → keep every 2nd",
          "value": "max-blur-pool-bin5"
        }
      ],
      "default": "max-pool",
      "label": "Operator A",
      "name": "opA",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "MaxPool (k2, s2)",
          "title": "max over 2 samples, then keep every 2nd",
          "value": "max-pool"
        },
        {
          "label": "AvgPool (k2, s2)",
          "title": "mean over 2 samples, then keep every 2nd",
          "value": "avg-pool"
        },
        {
          "label": "Subsample (s2)",
          "title": "keep every 2nd sample",
          "value": "subsample"
        },
        {
          "label": "Max (k2, s1)",
          "title": "max over 2 samples at stride 1 (no subsampling)",
          "value": "dense-max"
        },
        {
          "label": "MaxBlurPool Rect-2",
          "title": "max (k2, s1) → blur [1,1]/2 → keep every 2nd",
          "value": "max-blur-pool-rect2"
        },
        {
          "label": "MaxBlurPool Tri-3",
          "title": "max (k2, s1) → blur [1,2,1]/4 → keep every 2nd",
          "value": "max-blur-pool-tri3"
        },
        {
          "label": "MaxBlurPool Bin-5",
          "title": "max (k2, s1) → blur [1,4,6,4,1]/16 → keep every 2nd",
          "value": "max-blur-pool-bin5"
        }
      ],
      "default": "max-blur-pool-bin5",
      "label": "Operator B",
      "name": "opB",
      "type": "enum"
    },
    {
      "default": "zoneplate",
      "label": "Image",
      "name": "image",
      "note": "an uploaded image stays on your machine, so a link cannot carry it",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "Subsample",
          "title": "Keep every 2nd pixel (twice for ×4); with a blur: BlurPool",
          "value": "subsample"
        },
        {
          "label": "MaxPool",
          "title": "MaxPool(k2, s2) (twice for ×4); with a blur: MaxBlurPool",
          "value": "max"
        }
      ],
      "default": "subsample",
      "label": "Downsample by",
      "name": "downsampler",
      "type": "enum"
    }
  ],
  "position": [
    {
      "default": "pad-zero",
      "label": "Encoder A",
      "name": "a",
      "type": "dynamic"
    },
    {
      "default": "pad-none",
      "label": "Encoder B",
      "name": "b",
      "type": "dynamic"
    },
    {
      "default": null,
      "label": "Layer",
      "name": "layer",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "H",
          "title": "horizontal gradient: 0 at the left, 1 at the right",
          "value": "H"
        },
        {
          "label": "V",
          "title": "vertical gradient: 0 at the top, 1 at the bottom",
          "value": "V"
        },
        {
          "label": "G",
          "title": "a Gaussian centred on the image",
          "value": "G"
        },
        {
          "label": "HS",
          "title": "horizontal stripes: the vertical gradient folded into 4 bands",
          "value": "HS"
        },
        {
          "label": "VS",
          "title": "vertical stripes: the horizontal gradient folded into 4 bands",
          "value": "VS"
        }
      ],
      "default": "H",
      "label": "Target map",
      "name": "target",
      "type": "enum"
    },
    {
      "default": 8,
      "label": "Grid side",
      "max": 28,
      "min": 6,
      "name": "grid",
      "type": "int"
    },
    {
      "choices": [
        {
          "label": "1×1",
          "title": "a linear map of each position’s features (fast; ours)",
          "value": "1"
        },
        {
          "label": "3×3",
          "title": "the paper’s 3×3 conv readout without padding (9× the features)",
          "value": "3"
        }
      ],
      "default": "3",
      "label": "Readout",
      "name": "kernel",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "0.0001",
          "title": "ridge penalty per training row, on standardised features",
          "value": "0.0001"
        },
        {
          "label": "0.001",
          "title": "ridge penalty per training row, on standardised features",
          "value": "0.001"
        },
        {
          "label": "0.01",
          "title": "ridge penalty per training row, on standardised features",
          "value": "0.01"
        },
        {
          "label": "0.1",
          "title": "ridge penalty per training row, on standardised features",
          "value": "0.1"
        },
        {
          "label": "1",
          "title": "ridge penalty per training row, on standardised features",
          "value": "1"
        },
        {
          "label": "10",
          "title": "ridge penalty per training row, on standardised features",
          "value": "10"
        }
      ],
      "default": "0.01",
      "label": "Ridge λ",
      "name": "lambda",
      "type": "enum"
    },
    {
      "default": 16,
      "label": "Training crops per photo",
      "max": 64,
      "min": 1,
      "name": "crops",
      "type": "int"
    },
    {
      "default": 7,
      "label": "Crop seed",
      "max": 99,
      "min": 0,
      "name": "seed",
      "type": "int"
    },
    {
      "default": 7,
      "label": "Grid n",
      "max": 12,
      "min": 5,
      "name": "hn",
      "type": "int"
    },
    {
      "default": 3,
      "label": "Object side",
      "max": 5,
      "min": 1,
      "name": "hobj",
      "type": "int"
    },
    {
      "default": 0,
      "label": "Object 1 x",
      "max": 11,
      "min": 0,
      "name": "hax",
      "type": "int"
    },
    {
      "default": 0,
      "label": "Object 1 y",
      "max": 11,
      "min": 0,
      "name": "hay",
      "type": "int"
    },
    {
      "default": 2,
      "label": "Object 2 x",
      "max": 11,
      "min": 0,
      "name": "hbx",
      "type": "int"
    },
    {
      "default": 2,
      "label": "Object 2 y",
      "max": 11,
      "min": 0,
      "name": "hby",
      "type": "int"
    },
    {
      "choices": [
        {
          "label": "box",
          "title": "all ones: counts the object pixels under the window",
          "value": "box"
        },
        {
          "label": "tent",
          "title": "[1 2 1]ᵀ[1 2 1]: a blur",
          "value": "tent"
        }
      ],
      "default": "box",
      "label": "Kernel",
      "name": "hkernel",
      "type": "enum"
    },
    {
      "default": 0.0,
      "label": "Background",
      "max": 1.0,
      "min": 0.0,
      "name": "hbg",
      "step": 0.1,
      "type": "float"
    }
  ],
  "shift": [
    {
      "default": "digits-maxpool",
      "label": "Model",
      "name": "model",
      "task": "classification",
      "type": "model"
    },
    {
      "default": "digit-3",
      "label": "Image",
      "name": "image",
      "note": "an uploaded image stays on your machine, so a link cannot carry it",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "Black, cut",
          "title": "Move the image over a fixed black canvas of its own size: what leaves the frame is cut off and black comes in (on a digit on black this equals Crop)",
          "value": "black"
        },
        {
          "label": "Shrink into black (Azulay's Black)",
          "title": "Azulay & Weiss's Black: the image is shrunk so that a black frame of 8 px surrounds it, and moved inside that frame: nothing is cut, only its position changes (shifts up to ±8 px)",
          "value": "embed"
        },
        {
          "label": "Circular",
          "title": "Wrap around: what leaves on one side comes back on the other",
          "value": "circular"
        },
        {
          "label": "Crop",
          "title": "Azulay & Weiss's Crop: a crop window moves over a larger image, so new content comes in from outside the view",
          "value": "crop"
        }
      ],
      "default": "black",
      "label": "Shift mode",
      "name": "mode",
      "type": "enum"
    },
    {
      "default": 0,
      "label": "dx (→ right)",
      "max": 8,
      "min": -8,
      "name": "dx",
      "type": "int"
    },
    {
      "default": 0,
      "label": "dy (↓ down)",
      "max": 8,
      "min": -8,
      "name": "dy",
      "type": "int"
    },
    {
      "default": null,
      "label": "Layer",
      "name": "layer",
      "type": "dynamic"
    }
  ],
  "siamese": [
    {
      "choices": [
        {
          "label": "siam-centred (centred)",
          "title": "Zero-padded backbone (6 conv3×3), trained only on targets at the search centre",
          "value": "siam-centred"
        },
        {
          "label": "siam-shift8 (±8 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 8 px per axis",
          "value": "siam-shift8"
        },
        {
          "label": "siam-shift16 (±16 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 16 px per axis",
          "value": "siam-shift16"
        },
        {
          "label": "siam-shifted (±20 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 20 px per axis",
          "value": "siam-shifted"
        },
        {
          "label": "siam-valid (no padding)",
          "title": "A backbone without padding (valid convolutions; kernels 3-3-3-1-1-1, receptive field 11 px), trained only on targets at the centre",
          "value": "siam-valid"
        },
        {
          "label": "siam-valid-padded (control)",
          "title": "siam-valid's backbone with zero padding, trained only on targets at the centre: the control that tells padding from siam-valid's smaller receptive field",
          "value": "siam-valid-padded"
        }
      ],
      "default": "siam-centred",
      "label": "left tracker",
      "name": "a",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "siam-centred (centred)",
          "title": "Zero-padded backbone (6 conv3×3), trained only on targets at the search centre",
          "value": "siam-centred"
        },
        {
          "label": "siam-shift8 (±8 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 8 px per axis",
          "value": "siam-shift8"
        },
        {
          "label": "siam-shift16 (±16 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 16 px per axis",
          "value": "siam-shift16"
        },
        {
          "label": "siam-shifted (±20 px)",
          "title": "siam-centred's padded backbone, trained with targets shifted up to 20 px per axis",
          "value": "siam-shifted"
        },
        {
          "label": "siam-valid (no padding)",
          "title": "A backbone without padding (valid convolutions; kernels 3-3-3-1-1-1, receptive field 11 px), trained only on targets at the centre",
          "value": "siam-valid"
        },
        {
          "label": "siam-valid-padded (control)",
          "title": "siam-valid's backbone with zero padding, trained only on targets at the centre: the control that tells padding from siam-valid's smaller receptive field",
          "value": "siam-valid-padded"
        }
      ],
      "default": "siam-shifted",
      "label": "right tracker",
      "name": "b",
      "type": "enum"
    },
    {
      "default": "scene",
      "label": "pair from",
      "name": "source",
      "note": "an uploaded picture stays on your machine, so a link cannot carry it",
      "type": "dynamic"
    },
    {
      "default": 1,
      "label": "scene (seed)",
      "max": 99999,
      "min": 0,
      "name": "seed",
      "type": "int"
    },
    {
      "default": 16,
      "label": "target dx (→)",
      "max": 24,
      "min": -24,
      "name": "dx",
      "type": "int"
    },
    {
      "default": 8,
      "label": "target dy (↓)",
      "max": 24,
      "min": -24,
      "name": "dy",
      "type": "int"
    },
    {
      "default": 8,
      "label": "pairs per distance (plot)",
      "max": 64,
      "min": 1,
      "name": "scenes",
      "type": "int"
    },
    {
      "choices": [
        {
          "label": "Off",
          "title": "Compute the error-by-offset map only when asked",
          "value": "off"
        },
        {
          "label": "On",
          "title": "Compute the error-by-offset map (about 700 pairs per tracker)",
          "value": "on"
        }
      ],
      "default": "off",
      "label": "error map",
      "name": "map",
      "type": "enum"
    }
  ],
  "sweep": [
    {
      "default": "digits-maxpool",
      "label": "Model A",
      "name": "modelA",
      "task": "classification",
      "type": "model"
    },
    {
      "default": "digits-bin5",
      "label": "Model B",
      "name": "modelB",
      "task": "classification",
      "type": "model"
    },
    {
      "default": "digit-3",
      "label": "Image",
      "name": "image",
      "note": "an uploaded image stays on your machine, so a link cannot carry it",
      "type": "dynamic"
    },
    {
      "choices": [
        {
          "label": "Black, cut",
          "title": "Move the image over a fixed black canvas of its own size: what leaves the frame is cut off and black comes in (on a digit on black this equals Crop)",
          "value": "black"
        },
        {
          "label": "Shrink into black (Azulay's Black)",
          "title": "Azulay & Weiss's Black: the image is shrunk so that a black frame of 8 px surrounds it, and moved inside that frame: nothing is cut, only its position changes (shifts up to ±8 px)",
          "value": "embed"
        },
        {
          "label": "Circular",
          "title": "Wrap around: what leaves on one side comes back on the other",
          "value": "circular"
        },
        {
          "label": "Crop",
          "title": "Azulay & Weiss's Crop: a crop window moves over a larger image, so new content comes in from outside the view",
          "value": "crop"
        }
      ],
      "default": "black",
      "label": "Shift mode",
      "name": "mode",
      "type": "enum"
    },
    {
      "choices": [
        {
          "label": "→",
          "title": "Horizontal: dx from −range to range",
          "value": "horizontal"
        },
        {
          "label": "↓",
          "title": "Vertical: dy from −range to range",
          "value": "vertical"
        },
        {
          "label": "↘",
          "title": "Diagonal: dx = dy",
          "value": "diagonal"
        },
        {
          "label": "2-D",
          "title": "Every (dx, dy) in the range; the plot shows the selected row",
          "value": "grid"
        },
        {
          "label": "Scale",
          "title": "Scale about the centre, min× to max×",
          "value": "scale"
        }
      ],
      "default": "horizontal",
      "label": "Sweep",
      "name": "direction",
      "type": "enum"
    },
    {
      "default": 8,
      "label": "range ±px",
      "max": 12,
      "min": 1,
      "name": "range",
      "type": "int"
    },
    {
      "default": 0.8,
      "label": "scale min",
      "max": 0.95,
      "min": 0.5,
      "name": "scaleMin",
      "step": 0.05,
      "type": "float"
    },
    {
      "default": 1.2,
      "label": "scale max",
      "max": 2.0,
      "min": 1.05,
      "name": "scaleMax",
      "step": 0.05,
      "type": "float"
    },
    {
      "default": 8,
      "label": "selected step",
      "max": 624,
      "min": 0,
      "name": "pos",
      "type": "int"
    },
    {
      "default": null,
      "label": "Layer",
      "name": "layer",
      "type": "dynamic"
    },
    {
      "default": 4,
      "label": "consistency shifts ±px",
      "max": 12,
      "min": 0,
      "name": "crange",
      "type": "int"
    },
    {
      "default": 5,
      "label": "pairs per digit",
      "max": 50,
      "min": 1,
      "name": "pairs",
      "type": "int"
    },
    {
      "default": 0,
      "label": "seed",
      "max": 9999,
      "min": 0,
      "name": "seed",
      "type": "int"
    },
    {
      "default": 1000,
      "label": "held-out digits",
      "max": 1000,
      "min": 1,
      "name": "count",
      "type": "int"
    }
  ]
};

/** RGB triples from the low to the high end of each colour map. */
export const LEGENDS = {"magma":[0,0,4,1,1,9,3,3,18,6,5,26,10,8,34,14,10,43,19,13,52,24,15,61,29,16,71,34,17,81,41,17,90,48,16,100,55,15,107,62,15,113,68,15,118,75,16,121,81,18,124,88,21,125,94,23,127,101,26,128,107,28,129,113,31,129,119,33,129,126,36,129,132,38,129,139,40,129,145,42,128,152,44,127,158,46,126,165,48,125,171,51,124,178,53,122,185,55,120,191,58,118,198,60,115,204,63,112,210,66,110,216,69,107,222,73,103,227,78,100,232,84,97,236,89,95,241,96,93,243,103,92,246,110,92,248,118,92,249,125,93,251,133,96,252,140,99,253,148,103,253,155,107,254,163,111,253,170,116,254,179,122,253,186,128,254,193,134,254,201,140,254,208,147,253,215,153,253,223,160,253,230,168,252,237,175,252,245,183,252,253,191],"rdbu":[4,47,96,9,56,108,13,65,120,18,73,131,23,81,142,27,90,152,32,98,160,37,105,168,42,113,174,48,121,180,54,128,185,61,135,189,69,143,193,78,150,197,88,158,201,98,166,205,109,173,209,121,180,213,133,187,217,144,194,220,155,200,224,166,206,227,176,212,230,185,217,233,194,221,235,203,225,237,211,229,239,218,233,241,224,235,241,230,238,242,235,239,241,239,239,239,243,238,236,246,236,231,248,233,225,249,230,218,250,225,211,250,219,202,250,213,193,249,206,184,249,198,174,247,190,163,245,182,153,243,172,143,240,163,133,237,153,124,233,143,115,229,132,106,224,122,98,220,111,90,215,99,82,209,88,76,204,77,69,198,66,63,192,56,58,185,46,53,177,37,49,168,29,45,159,23,42,148,17,39,138,12,37,126,7,34,114,3,32,103,0,31],"viridis":[68,1,84,69,6,90,70,12,95,71,19,101,72,24,106,72,29,111,71,35,116,71,40,120,70,45,123,70,50,126,68,55,129,67,60,132,65,64,134,63,69,135,62,73,137,60,78,138,58,82,139,56,87,139,54,91,140,52,95,141,50,99,141,48,104,142,46,108,142,45,112,142,43,115,142,41,119,142,40,123,141,38,127,141,37,130,142,36,134,141,34,138,141,33,142,141,32,146,139,30,149,139,30,153,138,30,157,136,31,161,135,32,164,133,34,168,131,37,172,129,42,175,126,47,179,123,53,183,120,59,187,116,66,190,112,74,193,108,82,196,104,90,199,99,99,202,94,108,205,89,117,208,83,127,210,77,137,213,71,148,215,64,158,217,57,169,219,50,180,221,43,191,222,37,201,224,31,212,225,26,222,227,24,233,228,25,243,229,30,253,231,37]};
