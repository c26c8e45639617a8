//! The pooling lab's exports: every shift of a 1-D signal through every
//! operator, and an image downsampled with and without each blur.

use super::{JsResult, from_js, image_from_js, image_js, js_err, set};
use crate::experiments::pooling_lab::{self, ImageOptions, SignalOptions};
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// `{ shifts, operators: [{ id, label, stride, outputs, errors, meanError, steps }] }`
/// (see `pooling_lab::SignalLab`).
#[wasm_bindgen(js_name = poolingSignal)]
pub fn pooling_signal(opts: JsValue) -> JsResult<JsValue> {
    let opts: SignalOptions = from_js(opts, "pooling signal options")?;
    let lab = pooling_lab::signal_lab(&opts).map_err(js_err)?;
    serde_wasm_bindgen::to_value(&lab).map_err(|e| JsError::new(&e.to_string()))
}

/// `{ source, rows: [{ label, images: [×2, ×4] }] }`, images as `{width, height, rgba}`.
#[wasm_bindgen(js_name = poolingImages)]
pub fn pooling_images(image: JsValue, opts: JsValue) -> JsResult<Object> {
    let img = image_from_js(image)?;
    let opts: ImageOptions = from_js(opts, "pooling image options")?;
    let lab = pooling_lab::image_lab(&img, &opts).map_err(js_err)?;
    let rows: Array = lab
        .rows
        .iter()
        .map(|row| {
            let obj = Object::new();
            set(&obj, "label", row.label.as_str());
            let images: Array = row
                .images
                .iter()
                .map(|i| JsValue::from(image_js(i)))
                .collect();
            set(&obj, "images", images);
            JsValue::from(obj)
        })
        .collect();
    let obj = Object::new();
    set(&obj, "source", image_js(&lab.source));
    set(&obj, "rows", rows);
    Ok(obj)
}

/// The generated zone-plate test pattern as `{width, height, rgba}`.
#[wasm_bindgen(js_name = zonePlate)]
pub fn zone_plate() -> Object {
    image_js(&pooling_lab::zone_plate(pooling_lab::ZONE_PLATE_SIDE))
}
