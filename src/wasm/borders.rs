//! The borders lab's exports: coverage maps, Red-Green images, batched
//! predictions and accuracies.

use super::{JsResult, Model, from_js, image_js, js_err, set, tensor_js};
use crate::experiments::borders::{self, CoverageOptions, RedGreenOptions};
use crate::imaging::planes_to_image;
use js_sys::{Array, Float64Array, Object, Uint32Array};
use wasm_bindgen::prelude::*;

/// `{n, map: Float64Array (n×n), min, max, corner, centre, cornerToCentre}`.
#[wasm_bindgen(js_name = bordersCoverage)]
pub fn borders_coverage(opts: JsValue) -> JsResult<Object> {
    let opts: CoverageOptions = from_js(opts, "coverage options")?;
    let c = borders::coverage(&opts).map_err(js_err)?;
    let obj = Object::new();
    set(&obj, "n", c.n as u32);
    set(&obj, "map", Float64Array::from(&c.map[..]));
    set(&obj, "min", c.min);
    set(&obj, "max", c.max);
    set(&obj, "corner", c.corner);
    set(&obj, "centre", c.centre);
    set(&obj, "cornerToCentre", c.corner_to_centre);
    Ok(obj)
}

fn images_of(opts: JsValue, start: usize, count: usize) -> JsResult<(crate::Tensor, Vec<usize>)> {
    let opts: RedGreenOptions = from_js(opts, "red-green options")?;
    borders::images(&opts, start, count).map_err(js_err)
}

fn labels_js(labels: &[usize]) -> Uint32Array {
    let l: Vec<u32> = labels.iter().map(|&v| v as u32).collect();
    Uint32Array::from(&l[..])
}

/// Images `start..start+count` of a test set as the models see them:
/// `{images: [{width, height, rgba}], labels: Uint32Array}`.
#[wasm_bindgen(js_name = redGreenImages)]
pub fn red_green_images(opts: JsValue, start: usize, count: usize) -> JsResult<Object> {
    let (batch, labels) = images_of(opts, start, count)?;
    let images: Array = (0..count)
        .map(|i| JsValue::from(image_js(&planes_to_image(&batch.item(i)))))
        .collect();
    let obj = Object::new();
    set(&obj, "images", images);
    set(&obj, "labels", labels_js(&labels));
    Ok(obj)
}

/// One model on images `start..start+count`: `{predictions, labels}` (Uint32Array)
/// and `pGreenLeft` (the probability of class 1, as `{shape, data}`).
#[wasm_bindgen(js_name = redGreenBatch)]
pub fn red_green_batch(
    model: &Model,
    opts: JsValue,
    start: usize,
    count: usize,
) -> JsResult<Object> {
    let (batch, labels) = images_of(opts, start, count)?;
    let p = borders::predict(&model.inner, &batch).map_err(js_err)?;
    let obj = Object::new();
    set(&obj, "predictions", labels_js(&p.predictions));
    set(&obj, "labels", labels_js(&labels));
    let probs = crate::Tensor::new(vec![count], p.p_green_left).map_err(js_err)?;
    set(&obj, "pGreenLeft", tensor_js(&probs));
    Ok(obj)
}

/// Accuracy in percent of whole-set predictions.
#[wasm_bindgen(js_name = redGreenAccuracy)]
pub fn red_green_accuracy(predictions: &[u32], labels: &[u32]) -> JsResult<f32> {
    let p: Vec<usize> = predictions.iter().map(|&v| v as usize).collect();
    let l: Vec<usize> = labels.iter().map(|&v| v as usize).collect();
    borders::accuracy_percent(&p, &l).map_err(js_err)
}

/// Side of the models' input for a border of `b` pixels.
#[wasm_bindgen(js_name = redGreenInputSide)]
pub fn red_green_input_side(border: usize) -> usize {
    borders::input_side(border)
}
