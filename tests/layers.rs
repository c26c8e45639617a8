//! The layer-by-layer lab natively: what layer-by-layer equivariance measures on
//! the shipped digit models, through the lab's requests.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{Value, json};
use shiftlab::lab;
use shiftlab::library::Library;
use std::path::Path;

fn lib() -> Library {
    Library::of_this_crate().unwrap()
}

/// Mirrors what the tests read of one model's result.
struct Grid {
    name: String,
    stride: usize,
    grid: Vec<f32>,
    mean: f64,
}

struct Measured {
    period: usize,
    layers: Vec<Grid>,
}

fn layerwise_of(_lib: &Library, id: &str, count: usize) -> Measured {
    let out = lab::run_from_disk(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "layers",
        json!({ "models": [id], "count": count }),
    )
    .unwrap();
    let model = &out["models"][0];
    assert_eq!(model["model"], id);
    assert_eq!(model["images"], count);
    Measured {
        period: model["period"].as_u64().unwrap() as usize,
        layers: model["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l: &Value| Grid {
                name: l["name"].as_str().unwrap().to_string(),
                stride: l["stride"].as_u64().unwrap() as usize,
                grid: l["grid"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap() as f32)
                    .collect(),
                mean: l["mean"].as_f64().unwrap(),
            })
            .collect(),
    }
}

#[test]
fn the_default_request_runs() {
    let settings = (lab::lab("layers").unwrap().settings)();
    let default = |name: &str| -> Value {
        let s = settings.iter().find(|s| s.name == name).unwrap();
        serde_json::to_value(&s.kind).unwrap()["default"].clone()
    };
    let request =
        json!({ "models": [default("modelA"), default("modelB")], "count": default("count") });
    let out = lab::run_from_disk(Path::new(env!("CARGO_MANIFEST_DIR")), "layers", request).unwrap();
    let models = out["models"].as_array().unwrap();
    assert_eq!(models.len(), 2);
    let hi = out["hi"].as_f64().unwrap();
    for m in models {
        assert_eq!(m["images"], 32);
        let layers = m["layers"].as_array().unwrap();
        let maps = m["maps"].as_array().unwrap();
        assert_eq!(maps.len(), layers.len());
        for (layer, map) in layers.iter().zip(maps) {
            let p = m["period"].as_u64().unwrap();
            assert_eq!(
                (map["width"].as_u64(), map["height"].as_u64()),
                (Some(p), Some(p))
            );
            assert_eq!(map["map"], "magma");
            assert!((map["lo"].as_f64().unwrap() + hi).abs() < 1e-6 && map["hi"] == 0.0);
            for v in layer["grid"].as_array().unwrap() {
                assert!(v.as_f64().unwrap() <= hi + 1e-6);
            }
        }
    }
}

#[test]
fn unshifted_features_are_at_distance_zero_in_every_layer() {
    let lib = lib();
    for entry in lib.manifest.models.iter().filter(|m| m.family == "digits") {
        let result = layerwise_of(&lib, &entry.id, 4);
        assert_eq!(result.period, 8);
        for layer in &result.layers {
            assert!(
                layer.grid[0].abs() < 1e-9,
                "{} {}: {}",
                entry.id,
                layer.name,
                layer.grid[0]
            );
        }
    }
}

/// conv1 (stride 1) only differs where a 3×3 window meets the zero padding:
/// the digits' black background is −0.42 after normalisation, not 0, so the
/// wrapped-around border is not what the padding gives. Small, but not zero.
#[test]
fn zero_padding_breaks_conv1_equivariance_only_a_little() {
    let lib = lib();
    let result = layerwise_of(&lib, "digits-maxpool", 4);
    let conv1 = &result.layers[0];
    assert_eq!(conv1.stride, 1);
    assert!(
        conv1.mean > 1e-4 && conv1.mean < 0.02,
        "conv1 mean {}",
        conv1.mean
    );
}

/// Subsampling by 2 keeps equivariance for even shifts only (Zhang 2019).
#[test]
fn a_stride_two_layer_is_equivariant_for_even_shifts_only() {
    let lib = lib();
    let result = layerwise_of(&lib, "digits-maxpool", 4);
    let pool1 = result.layers.iter().find(|l| l.name == "pool1").unwrap();
    assert_eq!(pool1.stride, 2);
    let p = result.period;
    let (mut even, mut odd) = (Vec::new(), Vec::new());
    for (k, &d) in pool1.grid.iter().enumerate() {
        let (dy, dx) = (k / p, k % p);
        if dx.is_multiple_of(2) && dy.is_multiple_of(2) {
            &mut even
        } else {
            &mut odd
        }
        .push(d);
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!(
        mean(&even) * 10.0 < mean(&odd),
        "even {} odd {}",
        mean(&even),
        mean(&odd)
    );
}

/// Zhang 2019's direction: blurring before subsampling makes the pooled layers
/// more equivariant. Every anti-aliased digit model is compared with MaxPool.
#[test]
fn anti_aliased_pool_layers_are_more_equivariant_than_maxpool() {
    let lib = lib();
    let baseline = layerwise_of(&lib, "digits-maxpool", 16);
    let blurred: Vec<_> = lib
        .manifest
        .models
        .iter()
        .filter(|m| m.family == "digits" && m.variant != "maxpool")
        .collect();
    assert!(
        !blurred.is_empty(),
        "no anti-aliased digit model is shipped"
    );
    for entry in blurred {
        let result = layerwise_of(&lib, &entry.id, 16);
        for (plain, smooth) in baseline.layers.iter().zip(&result.layers) {
            assert_eq!(plain.name, smooth.name);
            if plain.name.starts_with("pool") {
                assert!(
                    smooth.mean < plain.mean,
                    "{} {}: {} vs maxpool {}",
                    entry.id,
                    plain.name,
                    smooth.mean,
                    plain.mean
                );
            }
        }
    }
}
