//! The sweep lab's exports: the inputs of a sweep, a batch of them through a
//! model, the sweep's summary, and the invariance metrics in mergeable sums.

use super::{JsResult, Model, from_js, image_from_js, image_js, js_err, set};
use crate::evaluation::u8_images;
use crate::experiments::sweep::{self, Direction, MetricOptions, MetricSums, SweepSpec, Transform};
use crate::imaging::InputSpec;
use crate::shift::ShiftMode;
use js_sys::{Array, Float32Array, Object};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

fn to_js<T: serde::Serialize>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Deserialize)]
struct RunOptions {
    #[serde(flatten)]
    input: InputSpec,
    mode: ShiftMode,
}

/// The inputs of a sweep, in order: `[{kind: "shift", dx, dy} | {kind: "scale", scale}]`.
#[wasm_bindgen(js_name = sweepTransforms)]
pub fn sweep_transforms(spec: JsValue) -> JsResult<JsValue> {
    let spec: SweepSpec = from_js(spec, "sweep")?;
    to_js(&sweep::transforms(&spec).map_err(js_err)?)
}

/// A batch of transforms of one image through a model:
/// `{ probs: Float32Array (n × classes), classes, previews: [image] }`.
#[wasm_bindgen(js_name = sweepRun)]
pub fn sweep_run(
    model: &Model,
    image: JsValue,
    opts: JsValue,
    transforms: JsValue,
) -> JsResult<Object> {
    let img = image_from_js(image)?;
    let opts: RunOptions = from_js(opts, "sweep options")?;
    let ts: Vec<Transform> = from_js(transforms, "sweep inputs")?;
    let batch =
        sweep::run_transforms(&model.inner, &img, &opts.input, opts.mode, &ts).map_err(js_err)?;
    let classes = batch.probs.first().map_or(0, Vec::len);
    let flat: Vec<f32> = batch.probs.concat();
    let obj = Object::new();
    set(&obj, "probs", Float32Array::from(&flat[..]));
    set(&obj, "classes", classes as u32);
    let previews: Array = batch
        .previews
        .iter()
        .map(|p| JsValue::from(image_js(p)))
        .collect();
    set(&obj, "previews", previews);
    Ok(obj)
}

/// The summary of a whole sweep from its probabilities (n × classes, flat).
#[wasm_bindgen(js_name = sweepSummary)]
pub fn sweep_summary(
    transforms: JsValue,
    probs: &[f32],
    classes: usize,
    direction: JsValue,
) -> JsResult<JsValue> {
    let ts: Vec<Transform> = from_js(transforms, "sweep inputs")?;
    let direction: Direction = from_js(direction, "sweep direction")?;
    if classes == 0 || !probs.len().is_multiple_of(classes) {
        return Err(JsError::new("probabilities do not split into whole rows"));
    }
    let rows: Vec<Vec<f32>> = probs.chunks_exact(classes).map(<[f32]>::to_vec).collect();
    to_js(&sweep::summarise(&ts, &rows, direction).map_err(js_err)?)
}

/// Metric sums of one image (as image `0` of its set).
#[wasm_bindgen(js_name = shiftMetricSumsOfImage)]
pub fn shift_metric_sums_of_image(
    model: &Model,
    image: JsValue,
    opts: JsValue,
) -> JsResult<JsValue> {
    let img = image_from_js(image)?;
    let opts: MetricOptions = from_js(opts, "metric options")?;
    to_js(&sweep::metric_sums(&model.inner, &[img], 0, &opts).map_err(js_err)?)
}

/// Metric sums of held-out images given as raw u8 pixels of `image_shape`
/// each, the first being image `first_index` of the set.
#[wasm_bindgen(js_name = shiftMetricSums)]
pub fn shift_metric_sums(
    model: &Model,
    pixels: &[u8],
    image_shape: JsValue,
    first_index: usize,
    opts: JsValue,
) -> JsResult<JsValue> {
    let shape: Vec<usize> = from_js(image_shape, "image shape")?;
    let images = u8_images(pixels, &shape).map_err(js_err)?;
    let opts: MetricOptions = from_js(opts, "metric options")?;
    to_js(&sweep::metric_sums(&model.inner, &images, first_index, &opts).map_err(js_err)?)
}

/// `a` and `b` merged (`a` may be null for the first batch).
#[wasm_bindgen(js_name = mergeShiftMetricSums)]
pub fn merge_shift_metric_sums(a: JsValue, b: JsValue) -> JsResult<JsValue> {
    let mut a: MetricSums = if a.is_null() || a.is_undefined() {
        MetricSums::default()
    } else {
        from_js(a, "metric sums")?
    };
    a.merge(&from_js(b, "metric sums")?);
    to_js(&a)
}

/// Per-image means of the sums: `{ images, consistency, pTop1Change, mac }`.
#[wasm_bindgen(js_name = finishShiftMetrics)]
pub fn finish_shift_metrics(sums: JsValue) -> JsResult<JsValue> {
    let sums: MetricSums = from_js(sums, "metric sums")?;
    to_js(&sums.finish().map_err(js_err)?)
}

/// Images per batch of a held-out evaluation (the native run uses the same).
#[wasm_bindgen(js_name = metricBatch)]
pub fn metric_batch() -> usize {
    sweep::METRIC_BATCH
}
