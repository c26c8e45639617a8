//! ONNX models in tract: load from bytes, list the layers, run batches and read
//! the chosen intermediate outputs (feature maps) next to the final output.

use crate::{Result, Tensor, err};
use serde::Serialize;
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

/// A model optimised for a set of probe layers.
pub struct ProbeModel {
    plan: std::sync::Arc<TypedSimplePlan>,
    input_shapes: Vec<Vec<usize>>,
    probes: Vec<String>,
    /// `None` when the batch axis is symbolic; `Some(b)` when the file only
    /// accepts batches of exactly `b` (then larger batches are run in chunks).
    fixed_batch: Option<usize>,
}

fn explain(context: &str, e: TractError) -> crate::Error {
    // tract's chain of causes names the node and op; show all of it.
    err!("{context}: {e:#}")
}

fn parse(bytes: &[u8]) -> Result<InferenceModel> {
    if bytes.is_empty() {
        return Err(err!("the ONNX file is empty"));
    }
    // The input facts are set from the caller's shapes; shapes recorded inside the
    // file would pin a fully convolutional model to its export size.
    tract_onnx::onnx()
        .with_ignore_output_shapes(true)
        .with_ignore_value_info(true)
        .model_for_read(&mut &bytes[..])
        .map_err(|e| explain("not a readable ONNX model", e))
}

fn with_inputs(
    mut model: InferenceModel,
    input_shapes: &[Vec<usize>],
    batch: TDim,
) -> Result<InferenceModel> {
    let declared = model
        .input_outlets()
        .map_err(|e| explain("bad model", e))?
        .len();
    if declared != input_shapes.len() {
        return Err(err!(
            "the model has {declared} input(s) but {} input shape(s) were given",
            input_shapes.len()
        ));
    }
    for (ix, shape) in input_shapes.iter().enumerate() {
        let mut dims: TVec<TDim> = tvec![batch.clone()];
        dims.extend(shape.iter().map(|&d| TDim::from(d as i64)));
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

fn optimise(
    model: InferenceModel,
    input_shapes: &[Vec<usize>],
    probes: &[String],
    batch: TDim,
) -> Result<std::sync::Arc<TypedSimplePlan>> {
    let mut model = with_inputs(model, input_shapes, batch)?;
    let mut outlets = model
        .output_outlets()
        .map_err(|e| explain("bad model", e))?
        .to_vec();
    outlets.truncate(1);
    for probe in probes {
        outlets.push(outlet_of(&model, probe)?);
    }
    // Selecting the probes before optimising keeps them from being fused away.
    model
        .select_output_outlets(&outlets)
        .map_err(|e| explain("cannot select the probe layers", e))?;
    model
        .into_optimized()
        .and_then(|m| m.into_runnable())
        .map_err(|e| explain("tract cannot run this model", e))
}

impl ProbeModel {
    /// Load `bytes` for inputs of the given `[c, h, w]` shapes, keeping `probes`
    /// (ONNX node names) as extra outputs.
    pub fn load(bytes: &[u8], input_shapes: &[Vec<usize>], probes: &[String]) -> Result<Self> {
        if input_shapes.iter().any(|s| s.is_empty() || s.contains(&0)) {
            return Err(err!(
                "input shapes must be non-empty and have no zero dimension"
            ));
        }
        let model = parse(bytes)?;
        let symbolic = TDim::Sym(model.sym("N"));
        let (plan, fixed_batch) = match optimise(model.clone(), input_shapes, probes, symbolic) {
            Ok(plan) => (plan, None),
            // Files exported with a fixed batch of one still work, one image at a time.
            Err(symbolic_error) => match optimise(model, input_shapes, probes, TDim::from(1)) {
                Ok(plan) => (plan, Some(1)),
                Err(_) => return Err(symbolic_error),
            },
        };
        Ok(ProbeModel {
            plan,
            input_shapes: input_shapes.to_vec(),
            probes: probes.to_vec(),
            fixed_batch,
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
        let chunk = self.fixed_batch.unwrap_or(n);
        let chunks = (0..n)
            .step_by(chunk)
            .map(|start| self.run_chunk(inputs, start, chunk.min(n - start)))
            .collect::<Result<Vec<_>>>()?;
        let mut tensors = concat_chunks(chunks).into_iter();
        let output = tensors
            .next()
            .ok_or_else(|| err!("the model has no output"))?;
        let features = self.probes.iter().cloned().zip(tensors).collect();
        Ok(RunOutput { output, features })
    }

    fn run_chunk(&self, inputs: &[&[f32]], start: usize, count: usize) -> Result<Vec<Tensor>> {
        let mut values: TVec<TValue> = tvec![];
        for (data, shape) in inputs.iter().zip(&self.input_shapes) {
            let item: usize = shape.iter().product();
            let mut dims = vec![count];
            dims.extend(shape);
            let slice = &data[start * item..(start + count) * item];
            let t = tract_onnx::prelude::Tensor::from_shape(&dims, slice)
                .map_err(|e| explain("bad input", e))?;
            values.push(t.into());
        }
        let outputs = self
            .plan
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
    let model = with_inputs(parse(bytes)?, input_shapes, TDim::from(1))?;
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
