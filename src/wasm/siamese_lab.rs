//! The centre-bias lab's exports: the pair (a seeded scene or a cut of a
//! picture), one tracker's response map with its peak, and one distance bin of
//! the error sweep. `picture` is `null` for the generated scene, else an image
//! `{width, height, rgba}`.

use super::{JsResult, Model, from_js, image_from_js, image_js, js_err, set, tensor_js};
use crate::datasets::siamese::Pair;
use crate::experiments::siamese_lab::{self, ErrorMapOptions, Picture, Source, SweepOptions};
use crate::imaging::{InputSpec, planes_to_image};
use crate::tracking::{Tracker, peak_error};
use js_sys::Object;
use wasm_bindgen::prelude::*;

fn picture_from_js(picture: JsValue) -> JsResult<Option<Picture>> {
    if picture.is_null() || picture.is_undefined() {
        return Ok(None);
    }
    Ok(Some(Picture::new(&image_from_js(picture)?)))
}

fn pair(seed: u32, picture: &Option<Picture>, dx: i32, dy: i32) -> JsResult<Pair> {
    let source = match picture {
        Some(picture) => Source::Picture(picture),
        None => Source::Scene(u64::from(seed)),
    };
    source.pair((dx, dy)).map_err(js_err)
}

fn tracker<'a>(model: &'a Model, inputs: &'a [InputSpec]) -> Tracker<'a> {
    Tracker {
        model: &model.inner,
        inputs,
    }
}

/// The pair with the target at `(dx, dy)`: `{ template, search }` images.
#[wasm_bindgen(js_name = siameseScene)]
pub fn siamese_scene(seed: u32, picture: JsValue, dx: i32, dy: i32) -> JsResult<Object> {
    let pair = pair(seed, &picture_from_js(picture)?, dx, dy)?;
    let obj = Object::new();
    set(&obj, "template", image_js(&planes_to_image(&pair.template)));
    set(&obj, "search", image_js(&planes_to_image(&pair.search)));
    Ok(obj)
}

/// One tracker on the pair with the target at `(dx, dy)`; `inputs`: the
/// manifest's two input entries (shape, mean, std). Answers
/// `{ response: {shape, data}, peak: {row, col, dx, dy, value}, error }`.
#[wasm_bindgen(js_name = siameseResponse)]
pub fn siamese_response(
    model: &Model,
    inputs: JsValue,
    seed: u32,
    picture: JsValue,
    dx: i32,
    dy: i32,
) -> JsResult<Object> {
    let inputs: Vec<InputSpec> = from_js(inputs, "model inputs")?;
    let pair = pair(seed, &picture_from_js(picture)?, dx, dy)?;
    let (map, peak) = tracker(model, &inputs)
        .peaks(&[pair])
        .map_err(js_err)?
        .remove(0);
    let obj = Object::new();
    set(&obj, "response", tensor_js(&map));
    set(
        &obj,
        "peak",
        serde_wasm_bindgen::to_value(&peak).map_err(|e| JsError::new(&e.to_string()))?,
    );
    set(&obj, "error", peak_error(&peak, (dx, dy)));
    Ok(obj)
}

/// The distances of a sweep (`{seed, scenes, step, maxDistance}`), in order.
#[wasm_bindgen(js_name = siameseSweepDistances)]
pub fn siamese_sweep_distances(opts: JsValue) -> JsResult<Vec<i32>> {
    let opts: SweepOptions = from_js(opts, "sweep options")?;
    opts.distances().map_err(js_err)
}

/// One tracker's errors over the sweep's pairs at `distance`:
/// `{ distance, meanErrorPx, meanPredictedDistancePx, within4pxPercent }`.
#[wasm_bindgen(js_name = siameseSweepBin)]
pub fn siamese_sweep_bin(
    model: &Model,
    inputs: JsValue,
    opts: JsValue,
    picture: JsValue,
    distance: i32,
) -> JsResult<JsValue> {
    let inputs: Vec<InputSpec> = from_js(inputs, "model inputs")?;
    let opts: SweepOptions = from_js(opts, "sweep options")?;
    let picture = picture_from_js(picture)?;
    let bin = opts.bin(distance, picture.as_ref()).map_err(js_err)?;
    let result =
        siamese_lab::score_bin(&tracker(model, &inputs), distance, &bin).map_err(js_err)?;
    serde_wasm_bindgen::to_value(&result).map_err(|e| JsError::new(&e.to_string()))
}

/// The offsets along each axis of an error map (`{seed, scenes, step}`), in order.
#[wasm_bindgen(js_name = siameseMapOffsets)]
pub fn siamese_map_offsets(opts: JsValue) -> JsResult<Vec<i32>> {
    let opts: ErrorMapOptions = from_js(opts, "error map options")?;
    opts.offsets().map_err(js_err)
}

/// One tracker's mean peak error at each offset of the map's row `dy`, left to right.
#[wasm_bindgen(js_name = siameseMapRow)]
pub fn siamese_map_row(
    model: &Model,
    inputs: JsValue,
    opts: JsValue,
    picture: JsValue,
    dy: i32,
) -> JsResult<Vec<f64>> {
    let inputs: Vec<InputSpec> = from_js(inputs, "model inputs")?;
    let opts: ErrorMapOptions = from_js(opts, "error map options")?;
    let picture = picture_from_js(picture)?;
    opts.row(&tracker(model, &inputs), dy, picture.as_ref())
        .map_err(js_err)
}
