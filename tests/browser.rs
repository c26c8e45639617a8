//! The shipped models in headless Chromium: tract compiled to wasm must give the
//! golden outputs PyTorch saved at export time.
#![cfg(target_arch = "wasm32")]

use shiftlab::golden::{Golden, max_golden_error};
use shiftlab::manifest::Manifest;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `(id, onnx bytes, golden json)` for every model in the manifest.
const SHIPPED: &[(&str, &[u8], &str)] = include!(concat!(env!("OUT_DIR"), "/shipped_models.rs"));

#[wasm_bindgen_test]
fn every_shipped_model_matches_its_golden_outputs_in_the_browser() {
    let manifest = Manifest::parse(include_str!("../models/manifest.json")).unwrap();
    assert_eq!(SHIPPED.len(), manifest.models.len());
    assert!(!SHIPPED.is_empty(), "no models shipped");
    for (id, onnx, golden) in SHIPPED {
        let entry = manifest.model(id).unwrap();
        let golden = Golden::parse(golden).unwrap();
        let err = max_golden_error(onnx, entry, &golden).unwrap();
        assert!(err <= 1e-4, "{id}: max |tract − torch| = {err}");
    }
}

#[wasm_bindgen_test]
fn a_malformed_model_is_refused_with_a_message() {
    let err = shiftlab::model::ProbeModel::load(
        b"not an onnx file",
        &shiftlab::model::Interface::nchw(&[vec![1, 32, 32]]),
        &[],
    )
    .err()
    .expect("garbage must not load");
    assert!(err.0.contains("ONNX"), "{}", err.0);
}

#[wasm_bindgen_test]
fn a_keras_style_upload_is_inspected_and_matches_its_golden_output_in_the_browser() {
    let onnx = include_bytes!("fixtures/models/nhwc.onnx");
    let inspection = shiftlab::inspect::inspect(onnx, None).unwrap();
    assert_eq!(inspection.layout, Some(shiftlab::imaging::Layout::Nhwc));
    assert!(inspection.problems.is_empty(), "{:?}", inspection.problems);
    let entry: shiftlab::manifest::ModelEntry =
        serde_json::from_str(include_str!("fixtures/models/nhwc.json")).unwrap();
    let golden = Golden::parse(include_str!("fixtures/models/nhwc.golden.json")).unwrap();
    let err = max_golden_error(onnx, &entry, &golden).unwrap();
    assert!(err <= 1e-4, "nhwc fixture: max |tract − torch| = {err}");
    let refused =
        shiftlab::inspect::inspect(include_bytes!("fixtures/models/rejected-op.onnx"), None)
            .unwrap();
    assert!(
        refused.problems[0].contains("pad_wrap"),
        "{:?}",
        refused.problems
    );
}

/// The road renderer in wasm draws the very bits it draws natively (the number is
/// `tests/depth.rs`'s `FIXED_TEST_SCENE_0`): the page shows the scenes the depth
/// models were trained and measured on.
#[wasm_bindgen_test]
fn road_scenes_render_bit_identically_in_the_browser() {
    use shiftlab::datasets::road;
    let split: road::Split = "fixed-test".parse().unwrap();
    let rendered = road::scene(split, 0, 0).render();
    assert_eq!(road::fingerprint(&rendered), 7_833_601_051_673_616_338);
}
