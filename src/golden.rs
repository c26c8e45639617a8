//! Golden input/output pairs saved at export time: the check that tract, natively
//! and in the browser, computes what PyTorch computed.

use crate::manifest::ModelEntry;
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Golden {
    pub inputs: Vec<Tensor>,
    pub output: Tensor,
}

impl Golden {
    pub fn parse(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| err!("bad golden file: {e}"))
    }
}

/// Run the golden inputs through the model and return the largest absolute
/// difference from the golden output.
pub fn max_golden_error(onnx: &[u8], entry: &ModelEntry, golden: &Golden) -> Result<f32> {
    let model = ProbeModel::load(onnx, &entry.interface(), &entry.probe_nodes())?;
    let n = golden
        .inputs
        .first()
        .map(|t| t.shape[0])
        .ok_or_else(|| err!("golden file has no inputs"))?;
    let inputs: Vec<&[f32]> = golden.inputs.iter().map(|t| t.data.as_slice()).collect();
    let run = model.run(&inputs, n)?;
    if run.output.shape != golden.output.shape {
        return Err(err!(
            "{}: output shape {:?}, golden {:?}",
            entry.id,
            run.output.shape,
            golden.output.shape
        ));
    }
    Ok(run
        .output
        .data
        .iter()
        .zip(&golden.output.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max))
}
