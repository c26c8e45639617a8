//! The layer-by-layer lab's exports: distance grids of a batch of held-out
//! images as mergeable sums, and their means.

use super::{JsResult, Model, from_js, js_err};
use crate::evaluation::u8_images;
use crate::experiments::layerwise::{self, LayerwiseOptions, LayerwiseSums};
use wasm_bindgen::prelude::*;

fn to_js<T: serde::Serialize>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Summed distance grids of images given as raw u8 pixels of `image_shape` each.
#[wasm_bindgen(js_name = layerwiseSums)]
pub fn layerwise_sums(
    model: &Model,
    pixels: &[u8],
    image_shape: JsValue,
    opts: JsValue,
) -> JsResult<JsValue> {
    let shape: Vec<usize> = from_js(image_shape, "image shape")?;
    let images = u8_images(pixels, &shape).map_err(js_err)?;
    let opts: LayerwiseOptions = from_js(opts, "layer-by-layer options")?;
    to_js(&layerwise::layerwise_sums(&model.inner, &images, &opts).map_err(js_err)?)
}

/// `a` and `b` merged (`a` may be null for the first batch).
#[wasm_bindgen(js_name = mergeLayerwiseSums)]
pub fn merge_layerwise_sums(a: JsValue, b: JsValue) -> JsResult<JsValue> {
    let mut a: LayerwiseSums = if a.is_null() || a.is_undefined() {
        LayerwiseSums::default()
    } else {
        from_js(a, "layer-by-layer sums")?
    };
    a.merge(&from_js(b, "layer-by-layer sums")?)
        .map_err(js_err)?;
    to_js(&a)
}

/// Mean grids and per-layer means: `{ images, period, layers: [{ name, stride, grid, mean }] }`.
#[wasm_bindgen(js_name = finishLayerwise)]
pub fn finish_layerwise(sums: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let sums: LayerwiseSums = from_js(sums, "layer-by-layer sums")?;
    let opts: LayerwiseOptions = from_js(opts, "layer-by-layer options")?;
    to_js(&sums.finish(&opts.layers).map_err(js_err)?)
}

/// Images per batch (the native run uses the same, so both sum in one order).
#[wasm_bindgen(js_name = layerwiseBatch)]
pub fn layerwise_batch() -> usize {
    layerwise::LAYERWISE_BATCH
}
