//! Experiments: model runs plus the measurements a lab shows, computed here so
//! that the page and the native tests get the very same numbers.
//!
//! Each lab's experiment takes serde options (the same struct the page sends
//! through the wasm façade) and returns a serialisable result. `run_native` runs
//! one by name against the files on disk, for the CLI and the end-to-end tests
//! that compare the page's numbers with native ones.

pub mod borders;
pub mod layerwise;
pub mod pooling_lab;
pub mod position;
pub mod sweep;

use crate::library::Library;
use crate::{Result, err};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) fn options<T: DeserializeOwned>(value: Value, what: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|e| err!("bad {what} options: {e}"))
}

/// Run experiment `name` with JSON options; models are named by manifest id and
/// images by their path in the repository.
pub fn run_native(lib: &Library, name: &str, opts: Value) -> Result<Value> {
    match name {
        "sweep" => sweep::native(lib, opts),
        "shift-metrics" => sweep::native_metrics(lib, opts),
        "layerwise" => layerwise::native(lib, opts),
        "pooling" => pooling_lab::native(lib, opts),
        "position" => position::native(lib, opts),
        "borders" => borders::native(lib, opts),
        other => Err(err!("unknown experiment \"{other}\"")),
    }
}
