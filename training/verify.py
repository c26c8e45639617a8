"""Check every shipped model the way the Rust core will use it, with the `tract` Python package
(same tract version as the crate), and record the result in the manifest's `verify` block:

- the file's sha256 matches the manifest; it is one self-contained ONNX file, opset >= 17;
- every probe node name exists in the graph and tract returns its output (probes selected as
  extra outputs), for batches of 1, 2 and 5 (the batch axis is the symbol N);
- tract's output on the golden inputs equals the golden output (torch at export) within 1e-4;
- the headline metric, re-measured with tract from shipped data (models/data/*.u8) or from the
  Rust generator's data (training/data/*.npy), equals the manifest's.

Usage: python3 training/verify.py [model id ...]   (default: all)
"""

import json
import os
import sys

import numpy as np
import onnx

import common


def load_manifest():
    with open(os.path.join(common.MODELS, "manifest.json")) as f:
        return json.load(f)


def u8_inputs(entry):
    ev = entry["eval"]
    x = np.fromfile(os.path.join(common.MODELS, ev["images"]), dtype=np.uint8)
    y = np.fromfile(os.path.join(common.MODELS, ev["labels"]), dtype=np.uint8)
    x = x.reshape([ev["n"]] + ev["image_shape"]).astype(np.float32)
    spec = entry["inputs"][0]
    if entry["family"] == "digits":
        x = np.pad(x, ((0, 0), (2, 2), (2, 2)))[:, None]
    x = x / 255.0
    mean = np.array(spec["mean"], np.float32)[:, None, None]
    std = np.array(spec["std"], np.float32)[:, None, None]
    return ((x - mean) / std).astype(np.float32), y.astype(np.int64)


def run_batches(path, inputs, batch=250):
    outs = []
    for i in range(0, len(inputs[0]), batch):
        outs.append(common.tract_run(path, [x[i:i + batch] for x in inputs])[0])
    return np.concatenate(outs)


def remeasure(entry, path):
    """The headline metric(s) re-measured with tract: {metric name: value}."""
    fam = entry["family"]
    # The padding family's position readout is the Rust core's (its seeded crops);
    # tests/shipped_models.rs re-measures it.
    if fam in ("digits", "padding"):
        x, y = u8_inputs(entry)
        acc = float((run_batches(path, [x]).argmax(1) == y).mean() * 100)
        return {"test_accuracy_percent": round(acc, 2)}
    d = common.DATA
    if fam == "border":
        res = {}
        for s in entry["eval"]["splits"]:
            x = np.load(os.path.join(d, f"red-green-{s['split']}-images.npy")).astype(np.float32)
            y = np.load(os.path.join(d, f"red-green-{s['split']}-targets.npy")).astype(np.int64)
            assert common.f32_sha256(x) == s["images_f32_sha256"], "generator data changed"
            res[s["metric"]] = round(float((run_batches(path, [x]).argmax(1) == y).mean() * 100), 2)
        return res
    if fam == "coordconv":
        ev = entry["eval"]
        x = np.load(os.path.join(d, f"clevr-{ev['split']}-images.npy")).astype(np.float32)
        y = np.load(os.path.join(d, f"clevr-{ev['split']}-targets.npy")).astype(np.float32)
        assert common.f32_sha256(x) == ev["images_f32_sha256"], "generator data changed"
        e = np.sqrt((((run_batches(path, [x]) - y) * 64) ** 2).sum(1))
        return {"test_mean_error_px": round(float(e.mean()), 4)}
    if fam == "siamese":
        import siamese
        t, s, y = siamese.load("shifted", test=True)
        r = run_batches(path, [t, s], batch=100)
        err = np.sqrt(((siamese.peak_offsets(r) - y) ** 2).sum(1))
        return {"shifted_test_mean_peak_error_px": round(float(err.mean()), 3)}
    if fam == "depth":
        import depth
        ev = entry["eval"]
        x, y = depth.load(ev["split"])
        x, y = np.asarray(x[:ev["n"]]), np.asarray(y[:ev["n"]])
        assert common.f32_sha256(x) == ev["images_f32_sha256"], "generator data changed"
        m = depth.depth_metrics(run_batches(path, [depth.normalise(x)], batch=50), y)
        return {"test_abs_rel": round(m["abs_rel"], 4),
                "test_delta1_percent": round(m["delta1_percent"], 2)}
    raise ValueError(fam)


def verify(entry):
    path = os.path.join(common.MODELS, entry["file"])
    assert common.sha256(path) == entry["sha256"], f"{entry['id']}: sha256 mismatch"
    g = onnx.load(path)
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in g.graph.initializer)
    opset = max(o.version for o in g.opset_import if o.domain in ("", "ai.onnx"))
    assert opset >= 17
    names = {n.name for n in g.graph.node}
    probes = [p["node"] for p in entry["probes"]]
    missing = [p for p in probes if p not in names]
    assert not missing, f"{entry['id']}: probe nodes not in graph: {missing}"

    with open(os.path.join(common.MODELS, entry["golden"])) as f:
        golden = json.load(f)
    gx = [np.array(i["data"], np.float32).reshape(i["shape"]) for i in golden["inputs"]]
    gy = np.array(golden["output"]["data"], np.float32).reshape(golden["output"]["shape"])
    out = common.tract_run(path, gx, probes)
    golden_diff = float(np.abs(out[0] - gy).max())
    assert golden_diff <= common.TOL, f"{entry['id']}: golden differs by {golden_diff}"
    for spec, x in zip(entry["inputs"], gx):
        assert list(x.shape[1:]) == spec["shape"]
    assert list(out[0].shape[1:]) == entry["output"]["shape"]
    # Dynamic batch: 1, 2 and 5 items give the same per-item outputs.
    reps = [np.concatenate([x, x[::-1], x[:1]]) for x in gx]  # 5 items
    out5 = common.tract_run(path, reps, probes)
    out1 = common.tract_run(path, [x[:1] for x in gx], probes)
    assert np.abs(out5[0][:2] - out[0]).max() <= common.TOL
    assert np.abs(out1[0] - out[0][:1]).max() <= common.TOL
    for a, b in zip(out1[1:], out5[1:]):
        assert np.abs(a - b[:1]).max() <= common.TOL * max(1.0, float(np.abs(a).max()))
    probe_shapes = {p: list(o.shape[1:]) for p, o in zip(probes, out[1:])}

    measured = remeasure(entry, path)
    for k, v in measured.items():
        want = entry["metrics"][k]
        # tract and torch sum floats in different orders: one rounding step of the last digit.
        slack = 0.001 if "px" in k else 0.0002 if "abs_rel" in k else 0.02 if "delta" in k else 0.0
        assert abs(v - want) <= 1e-6 + slack, \
            f"{entry['id']}: {k} re-measured {v}, manifest {want}"
    return {
        "tract_python": "0.23.9",
        "golden_output_max_abs_diff": golden_diff,
        "batch_sizes": [1, 2, 5],
        "probe_shapes": probe_shapes,
        "remeasured_with_tract": measured,
    }


def main(ids):
    data = load_manifest()
    ok = True
    for entry in data["models"]:
        if ids and entry["id"] not in ids:
            continue
        try:
            v = verify(entry)
            old = entry.get("verify", {})
            keep = {k: old[k] for k in ("output_max_abs_diff_vs_torch",
                                        "probes_max_rel_diff_vs_torch") if k in old}
            entry["verify"] = {**keep, **v}
            common.update_manifest(entry)
            print(f"OK   {entry['id']}: golden diff {v['golden_output_max_abs_diff']:.1e}, "
                  f"re-measured {v['remeasured_with_tract']}", flush=True)
        except Exception as e:  # report every model, fail at the end
            ok = False
            print(f"FAIL {entry['id']}: {e}", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
