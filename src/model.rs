//! ONNX models in tract: load from bytes, list the layers, run batches and read
//! the chosen intermediate outputs (feature maps) next to the final output.
//!
//! The labs hand every input over as NCHW RGB planes (`[n, c, h, w]`); a file that
//! takes NHWC or BGR gets them rearranged here, just before tract, so the labs never
//! know. ONNX `Conv` works in NCHW whatever the input layout, so probed feature maps
//! stay NCHW.

use crate::imaging::{ChannelOrder, Layout, MAX_INPUT_SIDE};
use crate::{Result, Tensor, err, onnx_file};
use serde::Serialize;
use std::borrow::Cow;
use tract_onnx::prelude::*;

/// A layer that can be probed: an ONNX node and its output shape for one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerInfo {
    pub name: String,
    pub op: String,
    pub shape: Vec<usize>,
}

/// The final output and the probed feature maps of one batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunOutput {
    pub output: Tensor,
    pub features: Vec<(String, Tensor)>,
}

/// How one input of the file takes the core's `[c, h, w]` planes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputFormat {
    pub shape: Vec<usize>,
    pub layout: Layout,
    pub order: ChannelOrder,
}

/// How the core's tensors meet a file: each input's planes and how the file wants them,
/// and which graph output is the model's output.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Interface {
    pub inputs: Vec<InputFormat>,
    /// The graph output read, by name; the first one when `None`.
    pub output: Option<String>,
}

impl Interface {
    /// NCHW RGB inputs of these `[c, h, w]` shapes, reading the first output.
    pub fn nchw(shapes: &[Vec<usize>]) -> Self {
        Interface {
            inputs: shapes
                .iter()
                .map(|shape| InputFormat {
                    shape: shape.clone(),
                    layout: Layout::Nchw,
                    order: ChannelOrder::Rgb,
                })
                .collect(),
            output: None,
        }
    }

    pub fn shapes(&self) -> Vec<Vec<usize>> {
        self.inputs.iter().map(|i| i.shape.clone()).collect()
    }
}

/// A model optimised for a set of probe layers.
pub struct ProbeModel {
    plan: std::sync::Arc<TypedSimplePlan>,
    interface: Interface,
    input_shapes: Vec<Vec<usize>>,
    probes: Vec<String>,
}

fn explain(context: &str, e: TractError) -> crate::Error {
    // tract's chain of causes names the node and op; show all of it.
    err!("{context}: {e:#}")
}

fn parse(bytes: &[u8]) -> Result<InferenceModel> {
    onnx_file::to_tract(&onnx_file::read(bytes)?)
}

/// The shape of one item of an input of planes `[c, h, w]` as the file lays it out.
fn file_shape(shape: &[usize], layout: Layout) -> Vec<usize> {
    match (layout, shape) {
        (Layout::Nhwc, &[c, h, w]) => vec![h, w, c],
        _ => shape.to_vec(),
    }
}

/// `count` items of NCHW RGB planes of `shape`, rearranged as `format` wants them
/// (borrowed when they already are).
fn arrange<'a>(planes: &'a [f32], count: usize, format: &InputFormat) -> Cow<'a, [f32]> {
    let bgr = format.order == ChannelOrder::Bgr;
    if format.layout == Layout::Nchw && !bgr {
        return Cow::Borrowed(planes);
    }
    // `ProbeModel::load` allows NHWC only for `[c, h, w]`; other shapes have no channels.
    let [c, h, w] = format.shape[..] else {
        return Cow::Borrowed(planes);
    };
    let source = |ch: usize| if bgr { c - 1 - ch } else { ch };
    let mut out = Vec::with_capacity(planes.len());
    for item in planes.chunks_exact(c * h * w).take(count) {
        match format.layout {
            Layout::Nchw => (0..c).for_each(|ch| {
                let from = source(ch) * h * w;
                out.extend_from_slice(&item[from..from + h * w]);
            }),
            Layout::Nhwc => {
                for pixel in 0..h * w {
                    out.extend((0..c).map(|ch| item[source(ch) * h * w + pixel]));
                }
            }
        }
    }
    Cow::Owned(out)
}

fn with_inputs(
    mut model: InferenceModel,
    inputs: &[InputFormat],
    batch: TDim,
) -> Result<InferenceModel> {
    let declared = model
        .input_outlets()
        .map_err(|e| explain("bad model", e))?
        .len();
    if declared != inputs.len() {
        return Err(err!(
            "the model has {declared} input(s) but {} input shape(s) were given",
            inputs.len()
        ));
    }
    for (ix, input) in inputs.iter().enumerate() {
        let mut dims: TVec<TDim> = tvec![batch.clone()];
        dims.extend(
            file_shape(&input.shape, input.layout)
                .into_iter()
                .map(|d| TDim::from(d as i64)),
        );
        model
            .set_input_fact(ix, InferenceFact::dt_shape(f32::datum_type(), dims))
            .map_err(|e| explain("cannot set the input shape", e))?;
    }
    Ok(model)
}

fn outlet_of(model: &InferenceModel, node: &str) -> Result<OutletId> {
    model
        .node_id_by_name(node)
        .map(|id| OutletId::new(id, 0))
        .map_err(|_| err!("the model has no layer named \"{node}\""))
}

/// The graph output named `name` (the first when `None`).
fn output_outlet(model: &InferenceModel, name: Option<&str>) -> Result<OutletId> {
    let outlets = model
        .output_outlets()
        .map_err(|e| explain("bad model", e))?;
    let Some(name) = name else {
        return outlets
            .first()
            .copied()
            .ok_or_else(|| err!("the model has no output"));
    };
    let label = |o: &OutletId| model.outlet_label(*o).unwrap_or_default();
    outlets
        .iter()
        .find(|o| label(o) == name)
        .copied()
        .ok_or_else(|| {
            let names: Vec<_> = outlets.iter().map(label).collect();
            err!(
                "the model has no output named \"{name}\" (its outputs: {})",
                names.join(", ")
            )
        })
}

fn optimise(
    model: InferenceModel,
    interface: &Interface,
    probes: &[String],
    batch: TDim,
) -> Result<std::sync::Arc<TypedSimplePlan>> {
    let mut model = with_inputs(model, &interface.inputs, batch)?;
    let mut outlets = vec![output_outlet(&model, interface.output.as_deref())?];
    for probe in probes {
        outlets.push(outlet_of(&model, probe)?);
    }
    // Selecting the probes before optimising keeps them from being fused away.
    model
        .select_output_outlets(&outlets)
        .map_err(|e| explain("cannot select the probe layers", e))?;
    model
        .into_optimized()
        .and_then(crate::plan_ops::replace_ops)
        .and_then(|m| m.into_runnable())
        .map_err(|e| explain("tract cannot run this model", e))
}

impl ProbeModel {
    /// Load `bytes` for inputs as `interface` describes them, keeping `probes` (ONNX
    /// node names) as extra outputs.
    pub fn load(bytes: &[u8], interface: &Interface, probes: &[String]) -> Result<Self> {
        for input in &interface.inputs {
            let shape = &input.shape;
            if shape.is_empty() || shape.contains(&0) {
                return Err(err!(
                    "input shapes must be non-empty and have no zero dimension"
                ));
            }
            if shape.len() == 3 && (shape[1] > MAX_INPUT_SIDE || shape[2] > MAX_INPUT_SIDE) {
                return Err(err!(
                    "an input of {}×{} is too large for a browser tab: at most {MAX_INPUT_SIDE} pixels a side",
                    shape[1],
                    shape[2]
                ));
            }
            if input.layout == Layout::Nhwc && shape.len() != 3 {
                return Err(err!("an NHWC input needs a [c, h, w] shape, got {shape:?}"));
            }
        }
        // Planned for a concrete batch of one and run one item at a time: only then does
        // tract pick its lazy-im2col and direct convolutions (a symbolic batch gets eager
        // im2col + matmul), which ran the shipped models 1.45× faster natively (geometric
        // mean; up to 3× for the depth nets, 2× for CoordConv) than one symbolic-batch plan.
        // Files fixed to a batch of 1 take the same path.
        let plan = optimise(parse(bytes)?, interface, probes, TDim::from(1))?;
        Ok(ProbeModel {
            plan,
            input_shapes: interface.shapes(),
            interface: interface.clone(),
            probes: probes.to_vec(),
        })
    }

    pub fn input_shapes(&self) -> &[Vec<usize>] {
        &self.input_shapes
    }

    pub fn probes(&self) -> &[String] {
        &self.probes
    }

    /// Run a batch of `n` items: `inputs[i]` holds `n` items of input `i`, flattened.
    pub fn run(&self, inputs: &[&[f32]], n: usize) -> Result<RunOutput> {
        if inputs.len() != self.input_shapes.len() {
            return Err(err!(
                "the model takes {} input(s), got {}",
                self.input_shapes.len(),
                inputs.len()
            ));
        }
        if n == 0 {
            return Err(err!("cannot run an empty batch"));
        }
        for (data, shape) in inputs.iter().zip(&self.input_shapes) {
            let want = n * shape.iter().product::<usize>();
            if data.len() != want {
                return Err(err!(
                    "input of shape {shape:?} × {n} needs {want} values, got {}",
                    data.len()
                ));
            }
        }
        // One state for the batch: tract sets a plan's state up per run, and in wasm that
        // cost as much as a small model's pools.
        let mut state = self
            .plan
            .spawn()
            .map_err(|e| explain("cannot run the model", e))?;
        let chunks = (0..n)
            .map(|item| self.run_item(&mut state, inputs, item))
            .collect::<Result<Vec<_>>>()?;
        let mut tensors = concat_chunks(chunks).into_iter();
        let output = tensors
            .next()
            .ok_or_else(|| err!("the model has no output"))?;
        let features = self.probes.iter().cloned().zip(tensors).collect();
        Ok(RunOutput { output, features })
    }

    /// Items `start .. start + count` of every input, as the file takes them.
    fn values(&self, inputs: &[&[f32]], start: usize, count: usize) -> Result<TVec<TValue>> {
        let mut values: TVec<TValue> = tvec![];
        for (data, format) in inputs.iter().zip(&self.interface.inputs) {
            let item: usize = format.shape.iter().product();
            let mut dims = vec![count];
            dims.extend(file_shape(&format.shape, format.layout));
            let slice = arrange(&data[start * item..(start + count) * item], count, format);
            let t = tract_onnx::prelude::Tensor::from_shape(&dims, &slice)
                .map_err(|e| explain("bad input", e))?;
            values.push(t.into());
        }
        Ok(values)
    }

    fn run_item(
        &self,
        state: &mut TypedSimpleState,
        inputs: &[&[f32]],
        item: usize,
    ) -> Result<Vec<Tensor>> {
        let values = self.values(inputs, item, 1)?;
        let outputs = state
            .run(values)
            .map_err(|e| explain("inference failed", e))?;
        outputs
            .iter()
            .map(|v| {
                let view = v
                    .to_plain_array_view::<f32>()
                    .map_err(|e| explain("the model's outputs are not f32", e))?;
                crate::Tensor::new(view.shape().to_vec(), view.iter().copied().collect())
            })
            .collect()
    }
}

/// Where one run of the optimised plan spends its time: a node and its total over the runs.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct NodeTime {
    pub node: String,
    pub op: String,
    pub ms: f64,
}

impl ProbeModel {
    /// Run `inputs` (`n` items, as [`ProbeModel::run`] takes them) `runs` times through
    /// the plan, timing every node: the plan's nodes in order, each with its total time.
    pub fn profile(&self, inputs: &[&[f32]], n: usize, runs: usize) -> Result<Vec<NodeTime>> {
        let plan = &self.plan;
        let mut ms = vec![0.0; plan.model().nodes.len()];
        let mut state = TypedSimpleState::new(plan).map_err(|e| explain("cannot profile", e))?;
        for _ in 0..runs {
            for item in 0..n {
                let values = self.values(inputs, item, 1)?;
                state
                    .run_plan_with_eval(values, |session, op_state, node, input| {
                        let clock = crate::benchmark::Stopwatch::start();
                        let out = tract_onnx::tract_hir::tract_core::plan::eval(
                            session, op_state, node, input,
                        );
                        ms[node.id] += clock.elapsed_ms();
                        out
                    })
                    .map_err(|e| explain("inference failed", e))?;
            }
        }
        Ok(plan
            .order_without_consts()
            .iter()
            .map(|&id| {
                let node = &plan.model().nodes[id];
                NodeTime {
                    node: node.name.clone(),
                    op: node.op.name().to_string(),
                    ms: ms[id],
                }
            })
            .collect())
    }
}

/// Glue chunked results back together along the batch axis.
fn concat_chunks(chunks: Vec<Vec<crate::Tensor>>) -> Vec<crate::Tensor> {
    let mut chunks = chunks.into_iter();
    let mut merged = chunks.next().unwrap_or_default();
    for chunk in chunks {
        for (acc, t) in merged.iter_mut().zip(chunk) {
            acc.shape[0] += t.shape[0];
            acc.data.extend(t.data);
        }
    }
    merged
}

/// Every node of the model with the shape of its first output for a batch of one,
/// in graph order: what a user can choose to probe.
pub fn list_layers(bytes: &[u8], input_shapes: &[Vec<usize>]) -> Result<Vec<LayerInfo>> {
    let model = with_inputs(
        parse(bytes)?,
        &Interface::nchw(input_shapes).inputs,
        TDim::from(1),
    )?;
    let typed = model
        .into_typed()
        .map_err(|e| explain("tract cannot analyse this model", e))?;
    Ok(typed
        .nodes()
        .iter()
        .filter_map(|node| {
            let fact = node.outputs.first()?;
            let shape = fact.fact.shape.as_concrete()?.to_vec();
            Some(LayerInfo {
                name: node.name.clone(),
                op: node.op.name().to_string(),
                shape,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(layout: Layout, order: ChannelOrder) -> InputFormat {
        InputFormat {
            shape: vec![3, 1, 2],
            layout,
            order,
        }
    }

    #[test]
    fn planes_are_rearranged_as_the_file_takes_them() {
        // Two items of R, G, B planes of two pixels each: item k, channel c, pixel p = kcp.
        let planes: Vec<f32> = [
            0., 1., 10., 11., 20., 21., 100., 101., 110., 111., 120., 121.,
        ]
        .to_vec();
        let nchw_rgb = format(Layout::Nchw, ChannelOrder::Rgb);
        assert!(matches!(arrange(&planes, 2, &nchw_rgb), Cow::Borrowed(_)));
        let bgr = arrange(&planes, 2, &format(Layout::Nchw, ChannelOrder::Bgr));
        assert_eq!(bgr[..6], [20., 21., 10., 11., 0., 1.]);
        let nhwc = arrange(&planes, 2, &format(Layout::Nhwc, ChannelOrder::Rgb));
        assert_eq!(nhwc[..6], [0., 10., 20., 1., 11., 21.]);
        let nhwc_bgr = arrange(&planes, 2, &format(Layout::Nhwc, ChannelOrder::Bgr));
        assert_eq!(nhwc_bgr[6..], [120., 110., 100., 121., 111., 101.]);
    }
}
