//! The one job protocol across the boundary: the worker keeps a `Store` of asset
//! bytes, asks which keys a request still needs, starts a `Job` with the request's
//! JSON (the same JSON `shiftlab experiment` takes), steps it with progress and
//! reads its result; dropping the job (`free()`) is cancel.

use super::{JsResult, js_err};
use crate::lab::{self, Assets};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn request_json(request: JsValue) -> JsResult<serde_json::Value> {
    serde_wasm_bindgen::from_value(request).map_err(|e| JsError::new(&format!("bad request: {e}")))
}

#[wasm_bindgen]
pub struct Store {
    assets: Assets,
}

#[wasm_bindgen]
impl Store {
    /// A store for the shipped models described by `manifest` (models/manifest.json).
    #[wasm_bindgen(constructor)]
    pub fn new(manifest: &str) -> JsResult<Store> {
        Ok(Store {
            assets: Assets::new(manifest).map_err(js_err)?,
        })
    }

    pub fn put(&self, key: &str, bytes: Vec<u8>) {
        self.assets.put(key, bytes);
    }

    pub fn has(&self, key: &str) -> bool {
        self.assets.has(key)
    }

    pub fn remove(&self, key: &str) {
        self.assets.remove(key);
    }

    /// Decode the image stored at `key` (kept decoded): `{width, height}`, or the
    /// decoder's message; a picture that fails is removed again.
    #[wasm_bindgen(js_name = checkImage)]
    pub fn check_image(&self, key: &str) -> JsResult<js_sys::Object> {
        let img = self.assets.image(key).map_err(|e| {
            self.assets.remove(key);
            js_err(e)
        })?;
        let obj = js_sys::Object::new();
        super::set(&obj, "width", img.width as u32);
        super::set(&obj, "height", img.height as u32);
        Ok(obj)
    }

    /// The asset keys `request` of lab `lab` reads that are not stored yet.
    pub fn missing(&self, lab: &str, request: JsValue) -> JsResult<Vec<String>> {
        let lab = lab::lab(lab).map_err(js_err)?;
        lab.missing_assets(&request_json(request)?, &self.assets)
            .map_err(js_err)
    }

    /// Plan `request` of lab `lab`: every asset must be stored by now.
    pub fn start(&self, lab: &str, request: JsValue) -> JsResult<Job> {
        let request = request_json(request)?;
        let plan = lab::lab(lab)
            .and_then(|l| l.plan(request, &self.assets))
            .map_err(js_err)?;
        Ok(Job { inner: Some(plan) })
    }
}

#[wasm_bindgen]
pub struct Job {
    inner: Option<Box<dyn lab::Job>>,
}

#[wasm_bindgen]
impl Job {
    pub fn total(&self) -> usize {
        self.inner.as_ref().map_or(0, |j| j.total())
    }

    pub fn step(&mut self, index: usize) -> JsResult<()> {
        let job = self
            .inner
            .as_mut()
            .ok_or_else(|| JsError::new("the job has finished"))?;
        job.step(index).map_err(js_err)
    }

    /// The result as plain JS data (byte fields as `Uint8Array`).
    pub fn finish(&mut self) -> JsResult<JsValue> {
        let job = self
            .inner
            .take()
            .ok_or_else(|| JsError::new("the job has finished"))?;
        let output = job.finish().map_err(js_err)?;
        // Plain objects and nulls as JSON has them, but bytes as `Uint8Array`s.
        let serializer = serde_wasm_bindgen::Serializer::new()
            .serialize_maps_as_objects(true)
            .serialize_missing_as_null(true);
        output
            .serialize(&serializer)
            .map_err(|e| JsError::new(&format!("cannot hand the result over: {e}")))
    }
}
