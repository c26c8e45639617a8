//! The browser façade: the job protocol (`job.rs`) and the conversions it needs,
//! nothing per lab. Requests arrive as plain JS objects (the JSON `shiftlab
//! experiment` takes), results leave as plain data, errors as JS `Error`s carrying
//! the core's message.

use crate::Error;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

mod job;

pub(crate) type JsResult<T> = Result<T, JsError>;

pub(crate) fn js_err(e: Error) -> JsError {
    JsError::new(&e.0)
}

pub(crate) fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    Reflect::set(obj, &key.into(), &value.into()).expect("setting a property on a plain object");
}

/// Called once by the worker: panics are reported with their message.
#[wasm_bindgen]
pub fn start() {
    console_error_panic_hook::set_once();
}
