"""Shared helpers for every ShiftLab training script.

export_and_verify() exports a torch model to ONE self-contained ONNX file (opset 18, dynamic
batch named "N" like the Rust core's symbol), renames the probe layers' nodes to stable,
readable names, checks the file with the `tract` Python package against torch (final output
and every probe, at 1e-4, for several batch sizes), writes the golden pair and returns the
manifest fields that describe the file. update_manifest() merges one entry into
models/manifest.json.
"""

import hashlib
import json
import os
import random
import time

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.path.join(ROOT, "models")
TRAINING = os.path.join(ROOT, "training")
DATA = os.path.join(TRAINING, "data")
OPSET = 18
TOL = 1e-4
BATCH_SYMBOL = "N"  # src/model.rs declares the batch axis as the symbol "N"

# Order of the models in the manifest (families in the order of the issue).
ORDER = [
    "digits-maxpool", "digits-rect2", "digits-tri3", "digits-bin5",
    "digits-maxpool-noaug", "digits-bin5-noaug",
    "pad-zero", "pad-none", "pad-circular",
    "rg-vconv", "rg-sconv-zero", "rg-sconv-circular", "rg-fconv",
    "coord-plain-uniform", "coord-coordconv-uniform", "coord-plaincoords-uniform",
    "coord-plain-quadrant", "coord-coordconv-quadrant", "coord-plaincoords-quadrant",
    "siam-centred", "siam-shift8", "siam-shift16", "siam-shifted", "siam-valid",
    "siam-valid-padded",
    "depth-fixed", "depth-jitter",
]


def setup(seed):
    """Seed everything and keep to two threads (the machine has two cores)."""
    # Two threads by default; SHIFTLAB_THREADS=1 is much faster when other jobs share the cores.
    torch.set_num_threads(int(os.environ.get("SHIFTLAB_THREADS", "2")))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def f32_sha256(a):
    """sha256 of an array's float32 little-endian C-order bytes: lets CI tell whether the Rust
    generator still draws exactly the data a model was measured on."""
    return hashlib.sha256(np.ascontiguousarray(a, dtype="<f4").tobytes()).hexdigest()


def circular_pad(x, p):
    """Circular padding of p pixels on each side of the last two axes, written as slices and
    a concat so that it exports to Slice/Concat (tract 0.23 rejects Pad(mode=wrap))."""
    if p == 0:
        return x
    x = torch.cat([x[:, :, -p:, :], x, x[:, :, :p, :]], dim=2)
    return torch.cat([x[:, :, :, -p:], x, x[:, :, :, :p]], dim=3)


def _module_path(node):
    """The torch module path of an ONNX node from the dynamo exporter's metadata,
    e.g. ': M/backbone: B/backbone.relu1: ReLU/relu: aten.relu' -> 'backbone.relu1'."""
    for p in node.metadata_props:
        if p.key == "namespace":
            # Each segment is "<qualified module name>: <class>", the last one the aten op.
            parts = [s.split(":")[0].strip() for s in p.value.split("/")]
            return parts[-2] if len(parts) > 1 else ""
    return None


def _rename_probes(g, probes):
    """Rename the last ONNX node of each probe module to the module path itself."""
    names = {n.name for n in g.graph.node}
    for module, _display, _stride in probes:
        nodes = [n for n in g.graph.node
                 if (_module_path(n) or "") == module or (_module_path(n) or "").startswith(module + ".")]
        if not nodes:
            raise RuntimeError(f"no ONNX node for probe module {module}")
        last = nodes[-1]
        if module in names and last.name != module:
            raise RuntimeError(f"node name {module} already taken")
        last.name = module
        names.add(module)


def _fix_batch_symbol(g):
    """Drop intermediate shape annotations (they carry the exporter's symbol) and name the
    batch axis of inputs and outputs "N"."""
    del g.graph.value_info[:]
    for vi in list(g.graph.input) + list(g.graph.output):
        d = vi.type.tensor_type.shape.dim[0]
        d.Clear()
        d.dim_param = BATCH_SYMBOL


def _torch_run(model, inputs, probe_modules):
    feats = {}
    hooks = []
    mods = dict(model.named_modules())
    for name in probe_modules:
        hooks.append(mods[name].register_forward_hook(
            lambda _m, _i, o, name=name: feats.__setitem__(name, o.detach().numpy())))
    with torch.no_grad():
        out = model(*[torch.from_numpy(x) for x in inputs]).numpy()
    for h in hooks:
        h.remove()
    return out, [feats[n] for n in probe_modules]


def tract_run(path, inputs, probe_nodes=()):
    """Run an ONNX file in tract (symbolic batch N, like the Rust core) and return the final
    output followed by the outputs of the named nodes."""
    import tract
    g = onnx.load(path)
    if probe_nodes:
        by_name = {n.name: n for n in g.graph.node}
        for name in probe_nodes:
            g.graph.output.append(helper.make_tensor_value_info(
                by_name[name].output[0], TensorProto.FLOAT, None))
    tmp = path + ".probe.onnx"
    onnx.save(g, tmp)
    try:
        m = tract.onnx().load(tmp)
        for i, x in enumerate(inputs):
            m.set_input_fact(i, ",".join([BATCH_SYMBOL] + [str(d) for d in x.shape[1:]]) + ",f32")
        r = m.into_model().into_runnable()
        outs = r.run([np.ascontiguousarray(x, dtype=np.float32) for x in inputs])
        return [o.to_numpy() for o in outs]
    finally:
        os.remove(tmp)


def export_and_verify(model, model_id, input_specs, output_spec, probes, verify_inputs,
                      golden_inputs, directory=""):
    """Export `model` to models/<directory>/<model_id>.onnx, verify it in tract and write its
    golden pair (none when golden_inputs is None: another training seed of a shipped model).

    input_specs: list of dicts {name, shape [c,h,w], mean, std} (manifest form).
    output_spec: dict {name, shape, kind}.
    probes: list of (module path, display name, total stride).
    verify_inputs: list of arrays [n, c, h, w] (already normalised) used to compare torch and
    tract; golden_inputs: list of arrays [2, c, h, w].
    Returns the manifest fields file, sha256, inputs, output, probes, golden, verify.
    """
    model = model.eval()
    file = f"{directory}/{model_id}.onnx" if directory else f"{model_id}.onnx"
    os.makedirs(os.path.join(MODELS, directory), exist_ok=True)
    os.makedirs(os.path.join(MODELS, "golden"), exist_ok=True)
    path = os.path.join(MODELS, file)
    example = tuple(torch.from_numpy(np.ascontiguousarray(x[:2])) for x in verify_inputs)
    batch = torch.export.Dim("N", min=1, max=4096)
    arg_names = list(model.forward.__code__.co_varnames[1:1 + len(example)])
    dyn = {a: {0: batch} for a in arg_names}
    onnx_program = torch.onnx.export(
        model, example, dynamo=True, external_data=False, opset_version=OPSET,
        input_names=[s["name"] for s in input_specs], output_names=[output_spec["name"]],
        dynamic_shapes=dyn, verbose=False)
    onnx_program.save(path + ".tmp", external_data=False)
    g = onnx.load(path + ".tmp")
    os.remove(path + ".tmp")
    _rename_probes(g, probes)
    _fix_batch_symbol(g)
    g.producer_name = "shiftlab-training"
    g.doc_string = f"ShiftLab model {model_id}; see models/manifest.json"
    onnx.checker.check_model(g)
    onnx.save(g, path)
    assert g.opset_import[0].version >= 17

    probe_nodes = [p[0] for p in probes]
    os.makedirs(os.path.join(DATA, "ckpt"), exist_ok=True)
    torch.save(model.state_dict(), os.path.join(DATA, "ckpt", f"{model_id}.pt"))
    # Compare torch and tract on several batch sizes (dynamic batch): the final output within
    # TOL absolute, every probe within TOL relative to its largest magnitude (deep feature maps
    # reach tens, where float32 rounding alone exceeds 1e-4 absolute).
    worst_out, worst_probe = 0.0, 0.0
    for n in (1, 3, len(verify_inputs[0])):
        xs = [np.ascontiguousarray(x[:n], dtype=np.float32) for x in verify_inputs]
        t_out, t_feats = _torch_run(model, xs, probe_nodes)
        r = tract_run(path, xs, probe_nodes)
        for k, (a, b) in enumerate(zip([t_out] + t_feats, r)):
            if a.shape != b.shape:
                raise RuntimeError(f"{model_id}: tract shape {b.shape} != torch {a.shape}")
            d = float(np.abs(a - b).max())
            if k == 0:
                worst_out = max(worst_out, d)
            else:
                worst_probe = max(worst_probe, d / max(1.0, float(np.abs(a).max())))
    if worst_out > TOL or worst_probe > TOL:
        raise RuntimeError(f"{model_id}: tract differs from torch: output {worst_out}, "
                           f"probes (relative) {worst_probe}")
    worst = worst_out

    golden_name = None
    if golden_inputs is not None:
        gx = [np.ascontiguousarray(x, dtype=np.float32) for x in golden_inputs]
        g_out, _ = _torch_run(model, gx, [])
        g_tract = tract_run(path, gx)[0]
        assert np.abs(g_out - g_tract).max() <= TOL
        golden = {
            "inputs": [{"shape": list(x.shape), "data": [float(v) for v in x.ravel()]}
                       for x in gx],
            "output": {"shape": list(g_out.shape), "data": [float(v) for v in g_out.ravel()]},
        }
        golden_name = f"golden/{model_id}.json"
        with open(os.path.join(MODELS, golden_name), "w") as f:
            json.dump(golden, f)

    size = os.path.getsize(path)
    assert size < 5 * 1024 * 1024, f"{model_id} is {size} bytes"
    print(f"[{model_id}] exported {size} bytes; tract vs torch: output max |diff| {worst_out:.2e}, "
          f"probes max relative diff {worst_probe:.2e}", flush=True)
    return {
        "file": file,
        "sha256": sha256(path),
        "inputs": input_specs,
        "output": output_spec,
        "probes": [{"node": m, "name": d, "stride": s} for m, d, s in probes],
        "golden": golden_name,
        "verify": {"tract_python": "0.23.9", "output_max_abs_diff_vs_torch": worst_out,
                   "probes_max_rel_diff_vs_torch": worst_probe,
                   "batch_sizes": [1, 3, int(len(verify_inputs[0]))]},
    }


def load_manifest():
    with open(os.path.join(MODELS, "manifest.json")) as f:
        return json.load(f)


def update_manifest(entry):
    """Insert or replace one model entry in models/manifest.json (kept in ORDER)."""
    import fcntl
    path = os.path.join(MODELS, "manifest.json")
    with open(os.path.join(DATA, ".manifest.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _update_manifest_locked(path, entry)


def update_seed_run(run):
    """Insert or replace one record of the manifest's `seeds` list (another training seed of
    the model run["of"]), kept in ORDER of the model, then by seed."""
    import fcntl
    path = os.path.join(MODELS, "manifest.json")
    with open(os.path.join(DATA, ".manifest.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(path) as f:
            data = json.load(f)
        runs = [r for r in data.get("seeds", []) if r["id"] != run["id"]] + [run]
        runs.sort(key=lambda r: (ORDER.index(r["of"]) if r["of"] in ORDER else len(ORDER),
                                 r["seed"]))
        data["seeds"] = runs
        with open(path + ".tmp", "w") as f:
            f.write(_pretty(data) + "\n")
        os.replace(path + ".tmp", path)


def _update_manifest_locked(path, entry):
    data = {"models": []}
    if os.path.exists(path):
        with open(path) as f:
            data = json.load(f)
    models = [m for m in data["models"] if m["id"] != entry["id"]] + [entry]
    models.sort(key=lambda m: ORDER.index(m["id"]) if m["id"] in ORDER else len(ORDER))
    data["models"] = models
    with open(path + ".tmp", "w") as f:
        f.write(_pretty(data) + "\n")
    os.replace(path + ".tmp", path)


def _pretty(data):
    """JSON with two-space indents, lists of plain numbers/strings kept on one line."""
    import re
    text = json.dumps(data, indent=2)
    scalar_list = re.compile(r"\[\s*((?:-?[\d.eE+-]+|\"[^\"\n]*\"|true|false|null)"
                             r"(?:,\s*(?:-?[\d.eE+-]+|\"[^\"\n]*\"|true|false|null))*)\s*\]")
    return scalar_list.sub(lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]", text)


class Timer:
    def __enter__(self):
        self.t = time.time()
        return self

    def elapsed(self):
        return time.time() - self.t

    def __exit__(self, *a):
        self.seconds = round(time.time() - self.t, 1)
