//! The benchmark's workload for the worker, which times `run` with `performance.now()`.

use super::{JsResult, Model, from_js, js_err};
use crate::benchmark::{Workload, median};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct BenchWorkload {
    inner: Workload,
}

#[wasm_bindgen]
impl BenchWorkload {
    /// `shapes`: the model's per-item input shapes, e.g. `[[1, 32, 32]]`.
    #[wasm_bindgen(constructor)]
    pub fn new(shapes: JsValue, batch: u32, seed: u32) -> JsResult<BenchWorkload> {
        let shapes: Vec<Vec<usize>> = from_js(shapes, "input shapes")?;
        let inner = Workload::new(&shapes, batch as usize, u64::from(seed)).map_err(js_err)?;
        Ok(BenchWorkload { inner })
    }

    /// One run of the batch; answers the sum of the outputs.
    pub fn run(&self, model: &Model) -> JsResult<f64> {
        self.inner.run(&model.inner).map_err(js_err)
    }
}

/// The median of the worker's times, as the native benchmark takes it.
#[wasm_bindgen(js_name = benchMedian)]
pub fn bench_median(times: Vec<f64>) -> JsResult<f64> {
    median(&times).map_err(js_err)
}
