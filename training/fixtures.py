"""Fixture models for "your own model" (issue 10): small ONNX files shaped the way real
exporters shape them, and a few broken ones, written to tests/fixtures/models/.

torch is not available in CI, so the generated files are checked in; rerun this script only
to change them (`python training/fixtures.py`, a few seconds on one thread).

Every runnable fixture gets `<name>.golden.json`: two inputs as the core hands them to a model
(NCHW planes in RGB order, already normalised) and the output torch computed for them;
tract (Python, the crate's version) is checked against it here at 1e-4, the Rust core in
tests/inspect.rs. Every fixture a sidecar describes gets `<name>.json` (a manifest entry, the
form the page's "describe your model" form exports).
"""

import json
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from common import ROOT, TOL

OUT = os.path.join(ROOT, "tests", "fixtures", "models")
SIDE = 32
CLASSES = 10
LABELS = [f"class {i}" for i in range(CLASSES)]
# What a user's PyTorch model typically carries: ImageNet normalisation.
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


class Net(torch.nn.Module):
    """conv-relu-maxpool ×2, global average pool, linear: total stride 4 before the pool."""

    def __init__(self, outputs="logits"):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.relu1 = torch.nn.ReLU()
        self.pool1 = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = torch.nn.ReLU()
        self.pool2 = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(16, CLASSES)
        self.outputs = outputs

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        # Flattened with the batch size, as most CNNs do: exported with a fixed batch this
        # becomes a Reshape to [1, -1], so a fixed batch stays fixed in tract.
        embedding = x.mean(dim=(2, 3), keepdim=True).reshape(x.shape[0], -1)
        logits = self.fc(embedding)
        if self.outputs == "probabilities":
            return torch.softmax(logits, dim=1)
        if self.outputs == "embedding+logits":
            return embedding, logits
        return logits


def path(name):
    return os.path.join(OUT, name)


def export(net, name, input_names, output_names, dynamic):
    """torch.onnx.export (dynamo) to one self-contained file; `dynamic` maps an input's axis
    to a symbol name, as a user's export script would."""
    example = (torch.zeros(2 if dynamic else 1, 3, SIDE, SIDE),)
    shapes = None
    if dynamic:
        shapes = {"x": {axis: torch.export.Dim(sym, min=1 if axis == 0 else 8, max=4096)
                        for axis, sym in dynamic.items()}}
    program = torch.onnx.export(net, example, dynamo=True, external_data=False,
                                input_names=input_names, output_names=output_names,
                                dynamic_shapes=shapes, verbose=False)
    program.save(path(name), external_data=False)
    model = onnx.load(path(name))
    helper.set_model_props(model, {"author": "ShiftLab fixtures", "task": "toy classifier"})
    onnx.save(model, path(name))
    return model


def node_of(model, module):
    """The name of the last ONNX node the dynamo exporter made for torch module `module`."""
    found = None
    for node in model.graph.node:
        for p in node.metadata_props:
            if p.key == "namespace" and f"/{module}:" in p.value:
                found = node.name
    if found is None:
        raise RuntimeError(f"no node for module {module}")
    return found


def sidecar(model, name, output, kind, extra_inputs=None):
    """The manifest entry describing fixture `name` (probes: both pools, by their node names)."""
    entry = {
        "task": "classification",
        "inputs": [{"name": model.graph.input[0].name, "shape": [3, SIDE, SIDE],
                    "mean": MEAN, "std": STD, **(extra_inputs or {})}],
        "output": {"name": output, "shape": [CLASSES], "kind": kind},
        "labels": LABELS,
        "probes": [{"node": node_of(model, "pool1"), "name": "pool1", "stride": 2},
                   {"node": node_of(model, "pool2"), "name": "pool2", "stride": 4}],
    }
    with open(path(f"{name}.json"), "w") as f:
        json.dump(entry, f, indent=2)
        f.write("\n")


def golden_inputs():
    """Two inputs of eighths in [-2, 2): exact in float32 and short as JSON text."""
    rng = np.random.default_rng(10)
    return (rng.integers(-16, 16, size=(2, 3, SIDE, SIDE)) / 8).astype(np.float32)


def tract_output(name, x, output):
    """Graph output number `output` of fixture `name` in tract (Python) for input `x`, one
    item at a time (so fixed-batch files run too)."""
    import tract
    # Like the Rust core, ignore the shapes recorded in the file (they carry export symbols).
    g = onnx.load(path(name))
    del g.graph.value_info[:]
    for out in g.graph.output:
        out.type.tensor_type.ClearField("shape")
    onnx.save(g, path(name) + ".tmp")
    model = tract.onnx().load(path(name) + ".tmp")
    os.remove(path(name) + ".tmp")
    model.set_input_fact(0, ",".join(str(d) for d in (1,) + x.shape[1:]) + ",f32")
    plan = model.into_model().into_runnable()
    return np.concatenate([plan.run([x[i:i + 1]])[output].to_numpy() for i in range(len(x))])


def write_golden(name, planes, expected, model_inputs, output=0):
    """Save the pair and check that tract (Python) computes `expected` from `model_inputs`
    (the planes as this file takes them) at 1e-4."""
    got = tract_output(name, np.ascontiguousarray(model_inputs), output)
    diff = float(np.abs(got - expected).max())
    assert diff <= TOL, f"{name}: tract differs from torch by {diff}"
    golden = {
        "inputs": [{"shape": list(planes.shape), "data": [float(v) for v in planes.ravel()]}],
        "output": {"shape": list(expected.shape),
                   "data": [float(v) for v in expected.ravel()]},
    }
    with open(path(name.removesuffix(".onnx") + ".golden.json"), "w") as f:
        json.dump(golden, f)
    print(f"[{name}] {os.path.getsize(path(name))} bytes; tract vs torch {diff:.1e}")


def nhwc_graph(net):
    """The classifier as Keras + tf2onnx write it: an NHWC input with an `unk__` batch
    symbol, a Transpose to NCHW, BGR channels (Keras' caffe-style preprocessing), and a
    Softmax at the end (a Dense layer with softmax activation)."""
    w = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    # The file takes BGR: its first conv's input channels are the torch net's reversed.
    conv1 = w["conv1.weight"][:, ::-1].copy()
    inits = [numpy_helper.from_array(a, n) for n, a in [
        ("conv1/kernel", conv1), ("conv1/bias", w["conv1.bias"]),
        ("conv2/kernel", w["conv2.weight"]), ("conv2/bias", w["conv2.bias"]),
        ("dense/kernel", w["fc.weight"].T.copy()), ("dense/bias", w["fc.bias"]),
    ]]
    nodes = [
        helper.make_node("Transpose", ["input_1"], ["input_nchw"], "transpose_input",
                         perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["input_nchw", "conv1/kernel", "conv1/bias"], ["c1"],
                         "model/conv1/BiasAdd", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], "model/conv1/Relu"),
        helper.make_node("MaxPool", ["r1"], ["p1"], "model/pool1/MaxPool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2/kernel", "conv2/bias"], ["c2"],
                         "model/conv2/BiasAdd", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c2"], ["r2"], "model/conv2/Relu"),
        helper.make_node("MaxPool", ["r2"], ["p2"], "model/pool2/MaxPool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p2"], ["gap"], "model/gap/Mean"),
        helper.make_node("Flatten", ["gap"], ["flat"], "model/flatten/Reshape"),
        helper.make_node("Gemm", ["flat", "dense/kernel", "dense/bias"], ["logits"],
                         "model/dense/MatMul"),
        helper.make_node("Softmax", ["logits"], ["dense"], "model/dense/Softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "model",
        # Old Keras converters also list every weight as a graph input.
        [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__6", SIDE, SIDE, 3])]
        + [helper.make_tensor_value_info(t.name, t.data_type, t.dims) for t in inits],
        [helper.make_tensor_value_info("dense", TensorProto.FLOAT, ["unk__7", CLASSES])],
        inits)
    model = helper.make_model(graph, producer_name="tf2onnx", producer_version="1.16.1",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path("nhwc.onnx"))
    return model


def with_node_before_first_conv(model, node, opset):
    """`model` with `node` inserted between the graph input and the first Conv."""
    g = onnx.ModelProto()
    g.CopyFrom(model)
    first = next(n for n in g.graph.node if n.op_type == "Conv")
    node.input[0] = first.input[0]
    first.input[0] = node.output[0]
    g.graph.node.insert(list(g.graph.node).index(first), node)
    for imp in g.opset_import:
        if imp.domain in ("", "ai.onnx"):
            imp.version = opset
    return g


def main():
    torch.set_num_threads(int(os.environ.get("SHIFTLAB_THREADS", "1")))
    torch.manual_seed(10)
    os.makedirs(OUT, exist_ok=True)
    net = Net().eval()
    planes = golden_inputs()
    with torch.no_grad():
        logits = net(torch.from_numpy(planes)).numpy()

    classifier = export(net, "classifier.onnx", ["input"], ["logits"], {0: "batch"})
    sidecar(classifier, "classifier", "logits", "logits")
    write_golden("classifier.onnx", planes, logits, planes)

    batch1 = export(net, "batch1.onnx", ["input"], ["logits"], None)
    sidecar(batch1, "batch1", "logits", "logits")
    write_golden("batch1.onnx", planes, logits, planes)

    # Ends in Softmax, and its height and width are symbols too: the size must be asked for.
    soft = Net("probabilities").eval()
    soft.load_state_dict(net.state_dict())
    with torch.no_grad():
        probabilities = soft(torch.from_numpy(planes)).numpy()
    softmax = export(soft, "softmax.onnx", ["input"], ["probabilities"],
                     {0: "batch", 2: "height", 3: "width"})
    sidecar(softmax, "softmax", "probabilities", "probabilities")
    write_golden("softmax.onnx", planes, probabilities, planes)

    # Two outputs; the one a lab reads (logits) is the second.
    two = Net("embedding+logits").eval()
    two.load_state_dict(net.state_dict())
    two_model = export(two, "two-outputs.onnx", ["input"], ["embedding", "logits"],
                       {0: "batch"})
    sidecar(two_model, "two-outputs", "logits", "logits")
    write_golden("two-outputs.onnx", planes, logits, planes, output=1)

    nhwc = nhwc_graph(net)
    entry_extra = {"layout": "nhwc", "order": "bgr"}
    # Keras names the input after its layer; the probes are the pools' node names.
    with open(path("nhwc.json"), "w") as f:
        json.dump({
            "task": "classification",
            "inputs": [{"name": nhwc.graph.input[0].name, "shape": [3, SIDE, SIDE],
                        "mean": MEAN, "std": STD, **entry_extra}],
            "output": {"name": "dense", "shape": [CLASSES], "kind": "probabilities"},
            "labels": LABELS,
            "probes": [{"node": "model/pool1/MaxPool", "name": "pool1", "stride": 2},
                       {"node": "model/pool2/MaxPool", "name": "pool2", "stride": 4}],
        }, f, indent=2)
        f.write("\n")
    # The file takes NHWC BGR; the golden input stays the core's NCHW RGB planes, and the
    # file's first conv reads its channels reversed, so it computes the softmax of the net.
    write_golden("nhwc.onnx", planes, probabilities,
                 planes[:, ::-1].transpose(0, 2, 3, 1).copy())

    # Circular padding as one Pad(mode="wrap") node (opset 19): tract 0.23 refuses it.
    wrap = helper.make_node("Pad", ["x", "pads"], ["x_wrapped"], "pad_wrap", mode="wrap")
    rejected = with_node_before_first_conv(classifier, wrap, 19)
    rejected.graph.initializer.append(numpy_helper.from_array(
        np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads"))
    onnx.save(rejected, path("rejected-op.onnx"))

    # An op tract has no implementation of at all (a standard op since opset 19).
    deform = helper.make_node("DeformConv", ["x", "w", "offset"], ["x_deformed"],
                              "deform_conv")
    unknown = with_node_before_first_conv(classifier, deform, 19)
    unknown.graph.initializer.extend([
        numpy_helper.from_array(np.zeros((3, 3, 3, 3), np.float32), "w"),
        numpy_helper.from_array(np.zeros((1, 18, 1, 1), np.float32), "offset")])
    onnx.save(unknown, path("unknown-op.onnx"))

    with open(path("classifier.onnx"), "rb") as f:
        whole = f.read()
    with open(path("truncated.onnx"), "wb") as f:
        f.write(whole[: len(whole) // 2])

    # The weights in a second file, as exports of large models are saved by default.
    onnx.save_model(classifier, path("external-data.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external-data.onnx.data",
                    size_threshold=0)

    # A picture renamed .onnx (any bytes that are not a protobuf model would do).
    shutil.copy(os.path.join(ROOT, "models", "samples", "digit-3.png"), path("not-onnx.onnx"))
    for name in sorted(os.listdir(OUT)):
        print(f"  {name}: {os.path.getsize(path(name))} bytes")


if __name__ == "__main__":
    main()
