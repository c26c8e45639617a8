//! Re-measuring a model's headline metric from its manifest `eval` recipe, so the
//! numbers the page and the README show are numbers the repository reproduces.

use crate::imaging::{Image, prepare};
use crate::manifest::ModelEntry;
use crate::metrics;
use crate::model::ProbeModel;
use crate::shift::ShiftMode;
use crate::{Result, Tensor, err};
use serde::Deserialize;
use std::path::Path;

/// Items per tract run: large enough to amortise the call, small enough for the page.
pub const BATCH: usize = 64;

/// A classifier scored on shipped held-out images stored as raw u8 pixels.
#[derive(Debug, Deserialize)]
struct ShippedImages {
    metric: String,
    images: String,
    labels: String,
    /// `[h, w]` (grey) or `[c, h, w]` per image.
    image_shape: Vec<usize>,
}

/// The measured value of the entry's headline metric and its name.
pub fn remeasure(entry: &ModelEntry, onnx: &[u8], models_dir: &Path) -> Result<(String, f64)> {
    let recipe: ShippedImages = serde_json::from_value(entry.eval.clone())
        .map_err(|e| err!("{}: unsupported eval recipe: {e}", entry.id))?;
    let read = |name: &str| {
        std::fs::read(models_dir.join(name)).map_err(|e| err!("cannot read models/{name}: {e}"))
    };
    let pixels = read(&recipe.images)?;
    let labels = read(&recipe.labels)?;
    let images = u8_images(&pixels, &recipe.image_shape)?;
    if images.len() != labels.len() {
        return Err(err!("{} images but {} labels", images.len(), labels.len()));
    }
    let model = ProbeModel::load(onnx, &entry.input_shapes(), &[])?;
    let predictions = classify(&model, entry, &images)?;
    let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    Ok((
        recipe.metric,
        100.0 * f64::from(metrics::accuracy(&predictions, &labels)?),
    ))
}

/// Split raw u8 pixels (`[h, w]` grey or `[c, h, w]` planar per image) into images.
pub fn u8_images(bytes: &[u8], shape: &[usize]) -> Result<Vec<Image>> {
    let (c, h, w) = match shape[..] {
        [h, w] => (1, h, w),
        [c, h, w] if c == 1 || c == 3 => (c, h, w),
        _ => return Err(err!("unsupported image shape {shape:?}")),
    };
    let size = c * h * w;
    if size == 0 || !bytes.len().is_multiple_of(size) {
        return Err(err!(
            "{} bytes is not a whole number of {shape:?} images",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(size)
        .map(|planes| {
            let rgba = (0..h * w)
                .flat_map(|i| {
                    let at = |ch: usize| planes[if c == 1 { i } else { ch * h * w + i }];
                    [at(0), at(1), at(2), 255]
                })
                .collect();
            Image {
                width: w,
                height: h,
                rgba,
            }
        })
        .collect())
}

/// Top-1 class of every image, unshifted, through the page's own input pipeline.
pub fn classify(model: &ProbeModel, entry: &ModelEntry, images: &[Image]) -> Result<Vec<usize>> {
    let spec = &entry
        .inputs
        .first()
        .ok_or_else(|| err!("{} has no input", entry.id))?
        .spec;
    let mut predictions = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH) {
        let tensors = chunk
            .iter()
            .map(|img| prepare(img, spec, 0, 0, ShiftMode::Black).map(|p| p.tensor))
            .collect::<Result<Vec<_>>>()?;
        let batch = Tensor::stack(&tensors)?;
        let run = model.run(&[&batch.data], chunk.len())?;
        for i in 0..chunk.len() {
            predictions.push(metrics::top1(&run.output.item(i).data)?);
        }
    }
    Ok(predictions)
}
