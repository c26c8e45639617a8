//! The browser façade: converts JS values to core types and back, nothing else.
//! Numbers arrive as typed arrays or plain objects (deserialised with serde into
//! the core's option types); errors leave as JS `Error`s carrying the core's message.
//! Each lab's exports live in a submodule of their own; the conversions they share
//! are here.

use crate::colormap::{self, ColorMap};
use crate::imaging::{self, Image, InputSpec};
use crate::model::{self, ProbeModel};
use crate::shift::ShiftMode;
use crate::{Error, Tensor};
use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

mod benchmark;
mod borders;
mod job;
mod layerwise;
mod pooling_lab;
mod position;
mod sweep;

pub(crate) type JsResult<T> = Result<T, JsError>;

pub(crate) fn js_err(e: Error) -> JsError {
    JsError::new(&e.0)
}

pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("bad {what}: {e}")))
}

pub(crate) fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    Reflect::set(obj, &key.into(), &value.into()).expect("setting a property on a plain object");
}

pub(crate) fn shape_js(shape: &[usize]) -> Array {
    shape.iter().map(|&d| JsValue::from(d as u32)).collect()
}

pub(crate) fn tensor_js(t: &Tensor) -> Object {
    let obj = Object::new();
    set(&obj, "shape", shape_js(&t.shape));
    set(&obj, "data", Float32Array::from(&t.data[..]));
    obj
}

pub(crate) fn image_js(img: &Image) -> Object {
    let obj = Object::new();
    set(&obj, "width", img.width as u32);
    set(&obj, "height", img.height as u32);
    set(&obj, "rgba", Uint8Array::from(&img.rgba[..]));
    obj
}

/// An image as the JS side holds it: `{width, height, rgba}`.
#[derive(Deserialize)]
struct JsImage {
    width: usize,
    height: usize,
    #[serde(with = "serde_bytes")]
    rgba: Vec<u8>,
}

pub(crate) fn image_from_js(value: JsValue) -> JsResult<Image> {
    let img: JsImage = from_js(value, "image")?;
    Image::new(img.width, img.height, img.rgba).map_err(js_err)
}

#[wasm_bindgen]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// An ONNX model optimised for its probe layers.
#[wasm_bindgen]
pub struct Model {
    pub(crate) inner: ProbeModel,
}

#[wasm_bindgen]
impl Model {
    /// `input_shapes`: `[[c, h, w], ...]`, one per model input; `probes`: node names.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], input_shapes: JsValue, probes: JsValue) -> JsResult<Model> {
        let shapes: Vec<Vec<usize>> = from_js(input_shapes, "input shapes")?;
        let probes: Vec<String> = from_js(probes, "probe list")?;
        let inner = ProbeModel::load(bytes, &shapes, &probes).map_err(js_err)?;
        Ok(Model { inner })
    }
}

#[wasm_bindgen(js_name = decodeImage)]
pub fn decode_image(bytes: &[u8]) -> JsResult<Object> {
    imaging::decode(bytes)
        .map(|img| image_js(&img))
        .map_err(js_err)
}

/// Colour a `width × height` map: `{rgba, lo, hi}`.
#[wasm_bindgen]
pub fn colorize(
    data: &[f32],
    width: usize,
    height: usize,
    map: &str,
    lo: Option<f32>,
    hi: Option<f32>,
) -> JsResult<Object> {
    if data.len() != width * height {
        return Err(JsError::new(&format!(
            "a {width}×{height} map needs {} values, got {}",
            width * height,
            data.len()
        )));
    }
    let map = ColorMap::parse(map).map_err(js_err)?;
    let (rgba, lo, hi) = colormap::colorize(data, map, lo, hi);
    let obj = Object::new();
    set(&obj, "rgba", Uint8Array::from(&rgba[..]));
    set(&obj, "lo", lo);
    set(&obj, "hi", hi);
    Ok(obj)
}

/// A `width × 1` RGBA colour bar.
#[wasm_bindgen]
pub fn legend(map: &str, width: usize) -> JsResult<Uint8Array> {
    let map = ColorMap::parse(map).map_err(js_err)?;
    Ok(Uint8Array::from(&colormap::legend(map, width)[..]))
}
