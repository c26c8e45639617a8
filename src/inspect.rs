//! What a user's ONNX file is, before anything runs: its header (IR version, opsets,
//! producer, `metadata_props`), its real inputs and outputs with their dims, the layout,
//! channels, batch and size of its image input, and every node with the shape of its
//! output at a chosen input size, so probe layers are picked from a list. Also the
//! default description (a manifest entry) the page's form starts from and `shiftlab
//! audit` uses when no sidecar is given.

use crate::imaging::{InputSpec, Layout, MAX_INPUT_SIDE};
use crate::manifest::{InputEntry, ModelEntry, OutputEntry, Probe};
use crate::onnx_file::{self, node_name};
use crate::{Result, err};
use serde::Serialize;
use std::collections::HashSet;
use tract_onnx::pb::{self, tensor_shape_proto::dimension, type_proto};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::infer::Factoid;
use ts_rs::TS;

/// Input side of the default description when the file leaves the size open.
pub const DEFAULT_SIDE: usize = 224;
/// How many probe layers the default description suggests at most.
pub const SUGGESTED_PROBES: usize = 4;
/// The normalisation a 3-channel model is assumed to take until the user says otherwise:
/// ImageNet's, which most PyTorch CNNs use.
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// One dimension as the file records it: a number, or a symbol's name (`"?"` when the
/// file names neither).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(untagged)]
pub enum Dim {
    Known(usize),
    Symbol(String),
}

impl Dim {
    fn known(&self) -> Option<usize> {
        match self {
            Dim::Known(n) => Some(*n),
            Dim::Symbol(_) => None,
        }
    }
}

/// A graph input or output.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TensorInfo {
    pub name: String,
    /// The element type's ONNX name (`FLOAT`, `INT64`, …).
    pub elem_type: String,
    /// `None` when the file records no shape.
    pub dims: Option<Vec<Dim>>,
    /// For an output: the node that computes it.
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Opset {
    /// Empty for the default domain (`ai.onnx`).
    pub domain: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MetadataProp {
    pub key: String,
    pub value: String,
}

/// A node of the graph, as a probe layer could be picked from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct NodeInfo {
    /// The name a probe names it by (its first output's when the node has none).
    pub name: String,
    pub op: String,
    /// Its first output's shape for one item at the inspection's size, when tract infers it.
    pub shape: Option<Vec<usize>>,
    /// For a 4-D (NCHW) output: input height ÷ feature height, rounded.
    pub stride: Option<usize>,
}

/// What [`inspect`] reads from a file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub ir_version: i64,
    pub opsets: Vec<Opset>,
    pub producer_name: String,
    pub producer_version: String,
    pub metadata: Vec<MetadataProp>,
    /// The graph's real inputs: initializers that old exporters list as inputs are left out.
    pub inputs: Vec<TensorInfo>,
    pub outputs: Vec<TensorInfo>,
    /// The image input's layout, when the first input is 4-D.
    pub layout: Option<Layout>,
    pub channels: Option<usize>,
    /// The batch axis: a symbol (any batch) or a number the file is fixed to.
    pub batch: Option<Dim>,
    /// The input size `[h, w]` the file fixes, if it does.
    pub input_size: Option<[usize; 2]>,
    /// The size `[h, w]` the node shapes are given at: the one asked for, else the file's.
    pub size: Option<[usize; 2]>,
    pub nodes: Vec<NodeInfo>,
    /// Why tract cannot run the model; empty when it can.
    pub problems: Vec<String>,
    /// What the user should know or decide (a size to choose, a fixed batch, …).
    pub notes: Vec<String>,
}

fn elem_type_name(code: i32) -> String {
    pb::tensor_proto::DataType::try_from(code)
        .map(|t| t.as_str_name().to_string())
        .unwrap_or_else(|_| format!("type {code}"))
}

fn tensor_info(value: &pb::ValueInfoProto) -> TensorInfo {
    // A tensor type is the only kind of value this ONNX schema knows.
    let tensor = value
        .r#type
        .as_ref()
        .and_then(|t| t.value.as_ref())
        .map(|type_proto::Value::TensorType(t)| t);
    let dims = tensor.and_then(|t| t.shape.as_ref()).map(|shape| {
        shape
            .dim
            .iter()
            .map(|d| match &d.value {
                Some(dimension::Value::DimValue(n)) if *n >= 0 => Dim::Known(*n as usize),
                Some(dimension::Value::DimParam(name)) if !name.is_empty() => {
                    Dim::Symbol(name.clone())
                }
                _ => Dim::Symbol("?".into()),
            })
            .collect()
    });
    TensorInfo {
        name: value.name.clone(),
        elem_type: tensor.map_or("?".into(), |t| elem_type_name(t.elem_type)),
        dims,
        node: None,
    }
}

/// NHWC when the input goes straight into a Transpose to NCHW (tf2onnx) or when only
/// the last axis looks like channels; NCHW otherwise.
fn detect_layout(graph: &pb::GraphProto, input: &str, dims: &[Dim]) -> Layout {
    let to_nchw = graph.node.iter().any(|n| {
        n.op_type == "Transpose"
            && n.input.first().is_some_and(|i| i == input)
            && n.attribute
                .iter()
                .any(|a| a.name == "perm" && a.ints == [0, 3, 1, 2])
    });
    let channels_like = |d: &Dim| matches!(d.known(), Some(1 | 3 | 4));
    if to_nchw || (!channels_like(&dims[1]) && channels_like(&dims[3])) {
        Layout::Nhwc
    } else {
        Layout::Nchw
    }
}

/// The image input's facts: (layout, channels, batch, size), read from its dims.
struct ImageInput {
    layout: Layout,
    channels: Option<usize>,
    batch: Dim,
    size: Option<[usize; 2]>,
}

fn image_input(graph: &pb::GraphProto, input: &TensorInfo) -> Option<ImageInput> {
    let dims = input.dims.as_ref().filter(|d| d.len() == 4)?;
    let layout = detect_layout(graph, &input.name, dims);
    let (c, h, w) = match layout {
        Layout::Nchw => (&dims[1], &dims[2], &dims[3]),
        Layout::Nhwc => (&dims[3], &dims[1], &dims[2]),
    };
    Some(ImageInput {
        layout,
        channels: c.known(),
        batch: dims[0].clone(),
        size: h.known().zip(w.known()).map(|(h, w)| [h, w]),
    })
}

/// tract's shape of the first output of every node of `proto`, with the image input
/// planned at `[1, c, h, w]` (in its layout); `None` where tract cannot tell.
fn node_shapes(
    model: &mut InferenceModel,
    image: &ImageInput,
    size: [usize; 2],
    notes: &mut Vec<String>,
) -> Result<()> {
    let c = image
        .channels
        .map_or_else(|| TDim::Sym(model.sym("C")), |c| TDim::from(c as i64));
    let [h, w] = size.map(|d| TDim::from(d as i64));
    let dims: TVec<TDim> = match image.layout {
        Layout::Nchw => tvec![1.into(), c, h, w],
        Layout::Nhwc => tvec![1.into(), h, w, c],
    };
    model
        .set_input_fact(0, InferenceFact::dt_shape(f32::datum_type(), dims))
        .map_err(|e| err!("cannot set the input shape: {e:#}"))?;
    if let Err(e) = model.analyse(false) {
        notes.push(format!(
            "at {}×{} tract cannot infer every layer's shape: {e:#}",
            size[0], size[1]
        ));
    }
    Ok(())
}

fn shape_of(model: &InferenceModel, name: &str) -> Option<Vec<usize>> {
    let id = model.node_id_by_name(name).ok()?;
    let fact = model.outlet_fact(OutletId::new(id, 0)).ok()?;
    fact.shape
        .concretize()?
        .iter()
        .map(|d| d.as_i64().and_then(|v| usize::try_from(v).ok()))
        .collect()
}

/// Refuse an input size too large for a browser tab, before anything is allocated for it.
pub fn check_size(size: Option<[usize; 2]>) -> Result<()> {
    match size {
        Some([h, w]) if h == 0 || w == 0 || h > MAX_INPUT_SIDE || w > MAX_INPUT_SIDE => Err(err!(
            "input size {h}×{w} is out of range: 1 to {MAX_INPUT_SIDE} pixels a side fit in a browser tab"
        )),
        _ => Ok(()),
    }
}

/// Inspect an ONNX file; node shapes are given at `size` (`[h, w]`) if asked, else at the
/// size the file fixes. File-level problems (empty, cut short, not ONNX, external data,
/// too large) are errors; what stops tract from running the model is in `problems`.
pub fn inspect(bytes: &[u8], size: Option<[usize; 2]>) -> Result<Inspection> {
    check_size(size)?;
    let proto = onnx_file::read(bytes)?;
    let graph = proto.graph.as_ref().expect("read checked the graph");
    let initializers: HashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<TensorInfo> = graph
        .input
        .iter()
        .filter(|i| !initializers.contains(i.name.as_str()))
        .map(tensor_info)
        .collect();
    let outputs: Vec<TensorInfo> = graph
        .output
        .iter()
        .map(|o| TensorInfo {
            node: graph
                .node
                .iter()
                .find(|n| n.output.contains(&o.name))
                .map(|n| node_name(n).to_string()),
            ..tensor_info(o)
        })
        .collect();
    let image = inputs.first().and_then(|i| image_input(graph, i));
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    if inputs.len() != 1 {
        notes.push(format!(
            "the model has {} inputs; the labs feed one image",
            inputs.len()
        ));
    }
    if outputs.len() > 1 {
        let names: Vec<_> = outputs.iter().map(|o| o.name.as_str()).collect();
        notes.push(format!(
            "the model has {} outputs ({}): say which one the labs read",
            outputs.len(),
            names.join(", ")
        ));
    }
    match &image {
        None => notes.push(
            "the first input is not a 4-D image tensor ([batch, channels, height, width] or [batch, height, width, channels])"
                .into(),
        ),
        Some(image) => {
            if image.channels.is_none() {
                notes.push("the number of channels is not fixed in the file: say 1 or 3".into());
            }
            match image.batch {
                Dim::Known(1) => notes.push(
                    "the file is fixed to batches of 1: that is how ShiftLab runs every model (one image at a time), so nothing is lost"
                        .into(),
                ),
                Dim::Known(n) => problems.push(format!(
                    "the file is fixed to batches of {n}: export it with a dynamic batch axis (or a batch of 1)"
                )),
                Dim::Symbol(_) => {}
            }
            if image.size.is_none() && size.is_none() {
                notes.push(
                    "the input's height and width are not fixed in the file: choose an input size to see the layers' shapes"
                        .into(),
                );
            }
        }
    }
    let size = size.or(image.as_ref().and_then(|i| i.size));
    let model = match onnx_file::to_tract(&proto) {
        Ok(mut model) => {
            if let (Some(image), Some(size)) = (&image, size) {
                node_shapes(&mut model, image, size, &mut notes)?;
            }
            Some(model)
        }
        Err(e) => {
            problems.push(e.0);
            None
        }
    };
    let nodes = graph
        .node
        .iter()
        .map(|n| {
            let name = node_name(n).to_string();
            let shape = model.as_ref().and_then(|m| shape_of(m, &name));
            let stride = match (&shape, size) {
                (Some(s), Some([h, _])) if s.len() == 4 && s[2] > 0 => {
                    Some((h as f64 / s[2] as f64).round() as usize).filter(|&s| s >= 1)
                }
                _ => None,
            };
            NodeInfo {
                name,
                op: n.op_type.clone(),
                shape,
                stride,
            }
        })
        .collect();
    Ok(Inspection {
        ir_version: proto.ir_version,
        opsets: proto
            .opset_import
            .iter()
            .map(|o| Opset {
                domain: o.domain.clone(),
                version: o.version,
            })
            .collect(),
        producer_name: proto.producer_name.clone(),
        producer_version: proto.producer_version.clone(),
        metadata: proto
            .metadata_props
            .iter()
            .map(|p| MetadataProp {
                key: p.key.clone(),
                value: p.value.clone(),
            })
            .collect(),
        inputs,
        outputs,
        layout: image.as_ref().map(|i| i.layout),
        channels: image.as_ref().and_then(|i| i.channels),
        batch: image.as_ref().map(|i| i.batch.clone()),
        input_size: image.as_ref().and_then(|i| i.size),
        size,
        nodes,
        problems,
        notes,
    })
}

/// The node that computes graph output `output`.
fn producer<'a>(inspection: &'a Inspection, output: &TensorInfo) -> Option<&'a NodeInfo> {
    let name = output.node.as_deref()?;
    inspection.nodes.iter().find(|n| n.name == name)
}

/// Probe layers spread over depth: at each stride, the last ReLU, pooling or convolution
/// with a 4-D output (the deepest map at that resolution), at most [`SUGGESTED_PROBES`].
fn suggest_probes(nodes: &[NodeInfo]) -> Vec<Probe> {
    const PROBED: [&str; 6] = ["Relu", "MaxPool", "AveragePool", "Conv", "Clip", "Add"];
    let mut per_stride: Vec<&NodeInfo> = Vec::new();
    for node in nodes.iter().filter(|n| PROBED.contains(&n.op.as_str())) {
        let Some(stride) = node.stride else { continue };
        match per_stride.last_mut() {
            Some(last) if last.stride == Some(stride) => *last = node,
            _ => per_stride.push(node),
        }
    }
    let n = per_stride.len();
    let keep = n.min(SUGGESTED_PROBES);
    (0..keep)
        .map(|i| {
            per_stride[if keep == 1 {
                n - 1
            } else {
                i * (n - 1) / (keep - 1)
            }]
        })
        .map(|node| Probe {
            node: node.name.clone(),
            name: node.name.clone(),
            stride: node.stride.unwrap_or(1),
        })
        .collect()
}

/// The description the page's form starts from and `shiftlab audit` uses without a
/// sidecar: the inspection's size (else [`DEFAULT_SIDE`]), ImageNet normalisation for
/// colour and [0, 1] for grey, RGB; the output that a Softmax produces if any (kind
/// "probabilities", so nothing is softmaxed twice), else the one a linear layer (`Gemm`,
/// `MatMul`) produces, else the first (kind "logits");
/// probes spread over depth. Everything in it is a guess the user can correct.
pub fn default_description(inspection: &Inspection) -> Result<ModelEntry> {
    let [h, w] = inspection.size.unwrap_or([DEFAULT_SIDE, DEFAULT_SIDE]);
    let c = inspection.channels.unwrap_or(3);
    let (mean, std) = if c == 3 {
        (IMAGENET_MEAN.to_vec(), IMAGENET_STD.to_vec())
    } else {
        (vec![0.0; c], vec![1.0; c])
    };
    let input = inspection
        .inputs
        .first()
        .ok_or_else(|| err!("the model has no input"))?;
    let made_by = |ops: &[&str]| {
        inspection
            .outputs
            .iter()
            .find(|o| producer(inspection, o).is_some_and(|n| ops.contains(&n.op.as_str())))
    };
    let softmax_output = made_by(&["Softmax"]);
    let output = softmax_output
        .or_else(|| made_by(&["Gemm", "MatMul"]))
        .or(inspection.outputs.first())
        .ok_or_else(|| err!("the model has no output"))?;
    let output_shape = producer(inspection, output)
        .and_then(|n| n.shape.clone())
        .filter(|s| !s.is_empty())
        .map(|s| s[1..].to_vec())
        .or_else(|| {
            let dims = output.dims.as_ref()?;
            dims.iter().skip(1).map(Dim::known).collect()
        })
        .unwrap_or_default();
    Ok(ModelEntry {
        id: String::new(),
        file: String::new(),
        sha256: String::new(),
        family: String::new(),
        variant: String::new(),
        task: "classification".into(),
        inputs: vec![InputEntry {
            name: input.name.clone(),
            spec: InputSpec {
                shape: vec![c, h, w],
                mean,
                std,
                layout: inspection.layout.filter(|l| *l != Layout::Nchw),
                order: None,
            },
        }],
        output: OutputEntry {
            name: output.name.clone(),
            shape: output_shape,
            kind: if softmax_output.is_some() {
                "probabilities"
            } else {
                "logits"
            }
            .into(),
        },
        labels: Vec::new(),
        probes: suggest_probes(&inspection.nodes),
        golden: String::new(),
        metrics: Default::default(),
        eval: serde_json::Value::Null,
    })
}
