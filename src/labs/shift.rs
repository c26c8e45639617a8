//! Lab 1, shift: one image moved by (dx, dy) through one classifier — both inputs,
//! both predictions, one layer's feature maps and the shift-compensated difference
//! `f(shift(x)) − shift(f(x))` (Zhang 2019; Azulay & Weiss 2019).

use crate::colormap::{ColorMap, Heatmap};
use crate::equivariance::{Comparison, ShiftViewOptions, shift_view};
use crate::imaging::Image;
use crate::lab::{Assets, Experiment, Job, Setting, once};
use crate::shift::MODE_CHOICES;
use crate::{Result, err};
use serde::Serialize;
use ts_rs::TS;

/// Largest |dx|, |dy| in pixels.
pub const MAX_SHIFT: i64 = 8;
// The whole range works in every mode, Embed's black frame included.
const _: () = assert!(MAX_SHIFT as usize <= crate::imaging::EMBED_MARGIN);
/// Feature channels drawn per side.
pub const SHOWN_CHANNELS: usize = 16;

pub struct Shift;

/// The shift lab's one request.
pub type Request = Comparison;

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ShiftSide")]
pub struct Side {
    /// The input as the model sees it.
    pub preview: Image,
    pub probs: Vec<f32>,
    pub top1: usize,
    /// The first channels stacked top to bottom; both sides share one scale.
    pub features: Heatmap,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ShiftResult")]
pub struct Output {
    pub original: Side,
    pub shifted: Side,
    /// Feature shape `[c, h, w]` of the layer.
    pub shape: Vec<usize>,
    pub stride: usize,
    /// Channels shown in `features` and `difference`.
    pub channels: usize,
    pub difference: Heatmap,
    pub mean_abs: f32,
    pub cosine_distance: f32,
    /// False when the shift is not a multiple of the stride (the compensation rounds).
    pub exact: bool,
}

impl Experiment for Shift {
    const ID: &'static str = "shift";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        vec![
            Setting::model("model", "Model", "classification", "digits-maxpool"),
            Setting::dynamic("image", "Image", Some("digit-3"))
                .note("an uploaded image stays on your machine, so a link cannot carry it"),
            Setting::choice("mode", "Shift mode", &MODE_CHOICES, "black"),
            Setting::int("dx", "dx (→ right)", (-MAX_SHIFT, MAX_SHIFT), 0),
            Setting::int("dy", "dy (↓ down)", (-MAX_SHIFT, MAX_SHIFT), 0),
            Setting::dynamic("layer", "Layer", None),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        Ok(vec![assets.model_key(&request.model)?, request.image.clone()])
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        for (name, v) in [("dx", request.dx), ("dy", request.dy)] {
            if v.abs() > MAX_SHIFT {
                return Err(err!("{name} must be from −{MAX_SHIFT} to {MAX_SHIFT}, got {v}"));
            }
        }
        let loaded = assets.model(&request.model)?;
        let probe = loaded.entry.probe(&request.layer)?.clone();
        let image = assets.image(&request.image)?;
        Ok(once(move || {
            let opts = ShiftViewOptions::at_probe(&loaded.entry, &probe, (request.dx, request.dy), request.mode);
            let view = shift_view(&loaded.model, &image, &opts)?;
            let [original, shifted] = <[Heatmap; 2]>::try_from(Heatmap::planes(
                &[&view.original.features, &view.shifted.features],
                SHOWN_CHANNELS,
                ColorMap::Viridis,
            )?)
            .expect("two tensors give two maps");
            let d = &view.difference;
            let diff = crate::Tensor::new(d.shape.clone(), d.data.clone())?;
            let [difference] = <[Heatmap; 1]>::try_from(Heatmap::planes(
                &[&diff],
                SHOWN_CHANNELS,
                ColorMap::Rdbu,
            )?)
            .expect("one tensor gives one map");
            let side = |s: crate::equivariance::Side, features| -> Result<Side> {
                Ok(Side {
                    top1: crate::metrics::top1(&s.probs)?,
                    preview: s.preview,
                    probs: s.probs,
                    features,
                })
            };
            Ok(Output {
                shape: d.shape.clone(),
                stride: probe.stride,
                channels: SHOWN_CHANNELS.min(d.shape[0]),
                mean_abs: d.mean_abs,
                cosine_distance: d.cosine_distance,
                exact: d.exact,
                difference,
                original: side(view.original, original)?,
                shifted: side(view.shifted, shifted)?,
            })
        }))
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Output>();
    }
}
