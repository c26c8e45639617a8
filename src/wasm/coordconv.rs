//! The CoordConv lab's exports: the generator's canvas, batched predictions,
//! error summaries and the coordinate channels.

use super::{JsResult, Model, from_js, image_js, js_err, set, tensor_js};
use crate::datasets::clevr;
use crate::experiments::coordconv::{self, SplitKind};
use crate::imaging::planes_to_image;
use js_sys::{Float32Array, Object};
use wasm_bindgen::prelude::*;

/// The not-so-Clevr canvas with the square's top-left corner at `(x, y)`:
/// `{ image, centre: [x, y] }` (centre in canvas pixels).
#[wasm_bindgen(js_name = coordCanvas)]
pub fn coord_canvas(x: usize, y: usize) -> JsResult<Object> {
    let canvas = clevr::render(x, y).map_err(js_err)?;
    let obj = Object::new();
    set(&obj, "image", image_js(&planes_to_image(&canvas)));
    let [cx, cy] = coordconv::true_centre(x, y);
    set(&obj, "centre", Float32Array::from(&[cx, cy][..]));
    Ok(obj)
}

/// Predictions for squares at top-left positions `places` = [x0, y0, x1, y1, …]:
/// a `Float32Array` of (x, y, error) per place, in canvas pixels.
#[wasm_bindgen(js_name = coordPredict)]
pub fn coord_predict(model: &Model, places: &[u32]) -> JsResult<Float32Array> {
    if !places.len().is_multiple_of(2) {
        return Err(JsError::new("places come as x, y pairs"));
    }
    let places: Vec<(usize, usize)> = places
        .chunks_exact(2)
        .map(|p| (p[0] as usize, p[1] as usize))
        .collect();
    let predictions = coordconv::predict(&model.inner, &places).map_err(js_err)?;
    let flat: Vec<f32> = predictions
        .iter()
        .flat_map(|p| [p.x, p.y, p.error])
        .collect();
    Ok(Float32Array::from(&flat[..]))
}

/// The test positions of `split` ("uniform" or "quadrant") as [x0, y0, x1, y1, …].
#[wasm_bindgen(js_name = coordTestPositions)]
pub fn coord_test_positions(split: JsValue) -> JsResult<Vec<u32>> {
    let split: SplitKind = from_js(split, "split")?;
    Ok(coordconv::test_positions(split)
        .iter()
        .flat_map(|&(x, y)| [x as u32, y as u32])
        .collect())
}

/// Mean errors of a model trained on `split` from its errors at the split's test
/// positions, in `coordTestPositions` order.
#[wasm_bindgen(js_name = coordSummary)]
pub fn coord_summary(errors: &[f32], split: JsValue) -> JsResult<JsValue> {
    let split: SplitKind = from_js(split, "split")?;
    let summary = coordconv::summarise(errors, split).map_err(js_err)?;
    serde_wasm_bindgen::to_value(&summary).map_err(|e| JsError::new(&e.to_string()))
}

/// The i, j, r channels a CoordConv layer adds to a `size × size` input, `[3, size, size]`.
#[wasm_bindgen(js_name = coordChannels)]
pub fn coord_channels(size: usize) -> JsResult<Object> {
    coordconv::coordinate_channels(size)
        .map(|t| tensor_js(&t))
        .map_err(js_err)
}
