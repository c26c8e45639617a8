//! Equivariance at one layer: one image, unshifted and shifted, through one model,
//! and the shift-compensated difference of their feature maps. The shift lab shows
//! it; the sweep lab shows it for a selected step.

use crate::imaging::{Image, InputSpec, prepare};
use crate::manifest::{ModelEntry, Probe};
use crate::model::ProbeModel;
use crate::shift::{ShiftMode, plane_dims, shift_planes};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftViewOptions {
    #[serde(flatten)]
    pub input: InputSpec,
    pub dx: i64,
    pub dy: i64,
    pub mode: ShiftMode,
    /// Probe node whose feature maps are compared.
    pub layer: String,
    /// Total stride of `layer` with respect to the input.
    pub stride: usize,
    /// The model's output is already probabilities (it ends in a softmax).
    #[serde(default)]
    pub probabilities: bool,
}

/// One image shifted by (dx, dy) through a manifest model and compared at one of its
/// probes: what the shift lab shows, and the sweep lab for its selected step.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Comparison {
    /// Manifest id of a classifier.
    pub model: String,
    /// Asset key of the image.
    pub image: String,
    pub mode: ShiftMode,
    pub dx: i64,
    pub dy: i64,
    /// Display name of one of the model's probes.
    pub layer: String,
}

impl ShiftViewOptions {
    /// The comparison at a manifest model's probe, for its first input.
    pub fn at_probe(
        entry: &ModelEntry,
        probe: &Probe,
        (dx, dy): (i64, i64),
        mode: ShiftMode,
    ) -> Self {
        ShiftViewOptions {
            input: entry.inputs[0].spec.clone(),
            dx,
            dy,
            mode,
            layer: probe.node.clone(),
            stride: probe.stride,
            probabilities: entry.outputs_probabilities(),
        }
    }
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub preview: Image,
    pub probs: Vec<f32>,
    pub features: Tensor,
}

/// Shift-compensated difference `f(shift(x)) − shift(f(x))` at the probed layer,
/// the feature shift being the input shift divided by the layer's stride.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
    pub mean_abs: f32,
    pub cosine_distance: f32,
    /// False when the input shift is not a multiple of the stride: the
    /// compensation then rounds to the nearest feature pixel.
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftView {
    pub original: Side,
    pub shifted: Side,
    pub difference: Difference,
}

pub fn shift_view(model: &ProbeModel, img: &Image, opts: &ShiftViewOptions) -> Result<ShiftView> {
    if opts.stride == 0 {
        return Err(err!("a layer's stride must be at least 1"));
    }
    let layer = model
        .probes()
        .iter()
        .position(|p| *p == opts.layer)
        .ok_or_else(|| err!("layer \"{}\" is not probed by this model", opts.layer))?;
    let base = prepare(img, &opts.input, 0, 0, opts.mode)?;
    let moved = prepare(img, &opts.input, opts.dx, opts.dy, opts.mode)?;
    let batch = Tensor::stack(&[base.tensor, moved.tensor])?;
    let run = model.run(&[&batch.data], 2)?;
    let side = |i: usize, preview: Image| -> Result<Side> {
        let features = run.features[layer].1.item(i);
        if features.shape.len() != 3 {
            return Err(err!(
                "layer \"{}\" is not a feature map (shape {:?})",
                opts.layer,
                features.shape
            ));
        }
        Ok(Side {
            preview,
            probs: crate::metrics::class_probabilities(
                &run.output.item(i).data,
                opts.probabilities,
            ),
            features,
        })
    };
    let original = side(0, base.preview)?;
    let shifted = side(1, moved.preview)?;
    let difference = compensated_difference(&original.features, &shifted.features, opts)?;
    Ok(ShiftView {
        original,
        shifted,
        difference,
    })
}

fn compensated_difference(
    original: &Tensor,
    shifted: &Tensor,
    opts: &ShiftViewOptions,
) -> Result<Difference> {
    let s = opts.stride as f64;
    let fdx = (opts.dx as f64 / s).round() as i64;
    let fdy = (opts.dy as f64 / s).round() as i64;
    let fill = match opts.mode {
        ShiftMode::Circular => ShiftMode::Circular,
        ShiftMode::Black | ShiftMode::Crop | ShiftMode::Embed => ShiftMode::Black,
    };
    let expected = shift_planes(original, fdx, fdy, fill);
    let data: Vec<f32> = shifted
        .data
        .iter()
        .zip(&expected.data)
        .map(|(a, b)| a - b)
        .collect();
    let (c, h, w) = plane_dims(shifted);
    Ok(Difference {
        shape: vec![c, h, w],
        mean_abs: data.iter().map(|v| v.abs()).sum::<f32>() / data.len().max(1) as f32,
        cosine_distance: crate::metrics::cosine_distance(&shifted.data, &expected.data)?,
        exact: opts.dx.rem_euclid(opts.stride as i64) == 0
            && opts.dy.rem_euclid(opts.stride as i64) == 0,
        data,
    })
}
