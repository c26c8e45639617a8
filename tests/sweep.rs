//! The sweep lab natively: the sweep inputs, its requests through the lab
//! contract, and the invariance metrics against the manifest's own measurements.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{Value, json};
use shiftlab::held_out::held_out_images;
use shiftlab::imaging::{Image, prepare, prepare_scaled};
use shiftlab::lab::{self, Assets};
use shiftlab::labs::sweep::{
    Direction, MetricOptions, SweepSpec, Transform, Varied, metric_sums, run_transforms,
    set_metrics, summarise, transforms,
};
use shiftlab::library::Library;
use shiftlab::shift::ShiftMode;
use std::path::Path;

const MODES: [ShiftMode; 4] = [
    ShiftMode::Black,
    ShiftMode::Circular,
    ShiftMode::Crop,
    ShiftMode::Embed,
];

fn lib() -> Library {
    Library::of_this_crate().unwrap()
}

fn spec(direction: Direction, range: i64) -> SweepSpec {
    SweepSpec {
        direction,
        range,
        scale_min: 0.8,
        scale_max: 1.2,
        scale_steps: 21,
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(request: Value) -> Value {
    lab::run_from_disk(root(), "sweep", request).unwrap()
}

/// The held-out images of `id`, read from disk through the asset store.
fn held_out(id: &str) -> Vec<Image> {
    let assets = Assets::open(root()).unwrap();
    let set = shiftlab::held_out::held_out_set(&assets.entry(id).unwrap()).unwrap();
    assets.load_from(root(), &[set.key]).unwrap();
    held_out_images(&assets, id).unwrap()
}

#[test]
fn sweeps_list_their_inputs_in_order() {
    let h = transforms(&spec(Direction::Horizontal, 2)).unwrap();
    let dxs: Vec<i64> = h
        .iter()
        .map(|t| match t {
            Transform::Shift { dx, dy: 0 } => *dx,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(dxs, vec![-2, -1, 0, 1, 2]);
    let grid = transforms(&spec(Direction::Grid, 2)).unwrap();
    assert_eq!(grid.len(), 25);
    assert_eq!(grid[1], Transform::Shift { dx: -1, dy: -2 });
    let scales = transforms(&spec(Direction::Scale, 0)).unwrap();
    assert_eq!(scales.len(), 21);
    assert_eq!(scales[0], Transform::Scale { scale: 0.8 });
    assert_eq!(scales[10], Transform::Scale { scale: 1.0 });
    assert_eq!(scales[20], Transform::Scale { scale: 1.2 });
    assert!(transforms(&spec(Direction::Diagonal, 99)).is_err());
}

#[test]
fn scale_one_is_the_unshifted_input_in_every_mode() {
    let lib = lib();
    let input = lib.entry("digits-maxpool").unwrap().inputs[0].spec.clone();
    let img = lib.image("models/samples/digit-3.png").unwrap();
    for mode in MODES {
        let scaled = prepare_scaled(&img, &input, 1.0, mode).unwrap();
        let plain = prepare(&img, &input, 0, 0, mode).unwrap();
        assert_eq!(scaled, plain, "{mode:?}");
    }
}

#[test]
fn zooming_out_brings_black_or_wrapped_content_in() {
    let input = shiftlab::imaging::InputSpec {
        shape: vec![1, 8, 8],
        mean: vec![0.0],
        std: vec![1.0],
        ..Default::default()
    };
    let white = Image::new(8, 8, [200, 200, 200, 255].repeat(64)).unwrap();
    let black = prepare_scaled(&white, &input, 0.5, ShiftMode::Black).unwrap();
    assert_eq!(
        black.tensor.data[0], 0.0,
        "corner outside the shrunken image"
    );
    assert_eq!(black.tensor.data[4 * 8 + 4], 200.0 / 255.0, "centre");
    let wrapped = prepare_scaled(&white, &input, 0.5, ShiftMode::Circular).unwrap();
    assert!(wrapped.tensor.data.iter().all(|&v| v == 200.0 / 255.0));
}

#[test]
fn a_sweep_references_its_unshifted_input() {
    let out = run(json!({
        "job": "sweep", "model": "digits-maxpool", "image": "models/samples/digit-3.png",
        "mode": "black", "direction": "diagonal", "range": 3,
    }));
    let summary = &out["summary"];
    assert_eq!(summary["referenceIndex"], 3);
    assert_eq!(
        summary["referenceClass"], 3,
        "the sample digit 3 is recognised"
    );
    let top1: Vec<u64> = summary["top1"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(top1.len(), 7);
    assert_eq!(out["previews"].as_array().unwrap().len(), 7);
    assert_eq!(out["grid"], Value::Null, "only a 2-D sweep has a map");
    let changes = top1.windows(2).filter(|w| w[0] != w[1]).count();
    assert_eq!(
        summary["pChangeAlong"].as_f64().unwrap() as f32,
        changes as f32 / 6.0
    );
}

/// The lab's job (batches of 16 inputs) gives the summary of one run over the
/// whole sweep.
#[test]
fn a_sweep_job_equals_one_run_of_every_input() {
    let lib = lib();
    let (entry, model) = lib.model("digits-maxpool").unwrap();
    let img = lib.image("models/samples/digit-3.png").unwrap();
    let ts = transforms(&spec(Direction::Grid, 2)).unwrap();
    let batch = run_transforms(
        &model,
        &img,
        &entry.inputs[0].spec,
        ShiftMode::Crop,
        &ts,
        false,
    )
    .unwrap();
    let summary = summarise(&ts, &batch.probs, Direction::Grid).unwrap();
    let out = run(json!({
        "job": "sweep", "model": "digits-maxpool", "image": "models/samples/digit-3.png",
        "mode": "crop", "direction": "grid", "range": 2,
    }));
    assert_eq!(out["summary"], serde_json::to_value(&summary).unwrap());
    assert_eq!(out["transforms"], serde_json::to_value(&ts).unwrap());
    let grid = &out["grid"];
    assert_eq!(
        (grid["width"].as_u64(), grid["height"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(
        (grid["lo"].as_f64(), grid["hi"].as_f64()),
        (Some(0.0), Some(1.0))
    );
}

#[test]
fn a_step_shows_the_shifted_features_and_their_difference() {
    let out = run(json!({
        "job": "step", "model": "digits-maxpool", "image": "models/samples/digit-3.png",
        "mode": "black", "dx": 1, "dy": 0, "layer": "pool1",
    }));
    let shape: Vec<u64> = serde_json::from_value(out["shape"].clone()).unwrap();
    assert_eq!(out["channels"], 8u64.min(shape[0]));
    let shown = out["channels"].as_u64().unwrap();
    for (name, map) in [("features", "viridis"), ("difference", "rdbu")] {
        assert_eq!(out[name]["map"], map);
        assert_eq!(out[name]["width"], shape[2]);
        assert_eq!(out[name]["height"], shown * shape[1]);
    }
    assert_eq!(out["exact"], false, "a one-pixel shift at stride 2 rounds");
    assert!(out["cosineDistance"].as_f64().unwrap() > 0.0);
    let err = lab::run_from_disk(
        root(),
        "sweep",
        json!({
            "job": "step", "model": "digits-maxpool", "image": "models/samples/digit-3.png",
            "mode": "black", "dx": 99, "dy": 0, "layer": "pool1",
        }),
    );
    assert!(err.is_err());
}

/// Every URL setting's default makes a request the lab answers.
#[test]
fn the_default_requests_run() {
    let defaults = lab::defaults("sweep").unwrap();
    let default = |name: &str| -> Value { defaults.get(name).cloned().unwrap_or(Value::Null) };
    let image = format!("models/samples/{}.png", default("image").as_str().unwrap());
    for side in ["modelA", "modelB"] {
        let model = default(side);
        let sweep = run(json!({
            "job": "sweep", "model": model, "image": image, "mode": default("mode"),
            "direction": default("direction"), "range": default("range"),
            "scaleMin": default("scaleMin"), "scaleMax": default("scaleMax"), "scaleSteps": 21,
        }));
        assert_eq!(sweep["transforms"].as_array().unwrap().len(), 17);
        assert_eq!(sweep["summary"]["referenceIndex"], default("pos"));
        let step = run(json!({
            "job": "step", "model": model, "image": image, "mode": default("mode"),
            "dx": 0, "dy": 0, "layer": "pool1",
        }));
        assert!(step["cosineDistance"].as_f64().unwrap().abs() < 1e-6);
        let metrics = run(json!({
            "job": "metrics", "model": model, "image": image, "mode": default("mode"),
            "range": default("crange"), "pairs": 100, "seed": default("seed"), "steps": 8,
        }));
        assert_eq!(metrics["images"], 1);
    }
    let count = default("count");
    assert_eq!(count, 1000);
}

/// The manifest's P(top-1 change) and MAC were measured in PyTorch with the same
/// protocol (black fill, diagonal (0,0)…(8,8)); the core must reproduce them.
#[test]
fn held_out_metrics_reproduce_the_manifest() {
    let lib = lib();
    let entry = lib.entry("digits-maxpool").unwrap();
    let m = run(json!({
        "job": "metrics", "model": "digits-maxpool", "mode": "black",
        "range": 4, "pairs": 1, "seed": 0, "steps": 8,
    }));
    assert_eq!(m["images"], 1000);
    let (p_top1_change, mac, consistency) = (
        m["pTop1Change"].as_f64().unwrap(),
        m["mac"].as_f64().unwrap(),
        m["consistency"].as_f64().unwrap(),
    );
    let p = entry.metric("test_p_top1_change_diag_black").unwrap();
    let expected_mac = entry.metric("test_mac_diag_black").unwrap();
    assert!((p_top1_change - p).abs() < 5e-4, "{p_top1_change} vs {p}");
    assert!((mac - expected_mac).abs() < 5e-4, "{mac} vs {expected_mac}");
    assert!((0.0..=100.0).contains(&consistency));
}

/// The metric settings these tests share: Crop shifts up to 6 px, 4 pairs, seed 7.
fn crop_metrics(entry: &shiftlab::manifest::ModelEntry) -> MetricOptions {
    MetricOptions {
        input: entry.inputs[0].spec.clone(),
        mode: ShiftMode::Crop,
        varied: Varied::Shift { range: 6, steps: 8 },
        pairs: 4,
        seed: 7,
        probabilities: false,
    }
}

/// The job's batches sum exactly as `set_metrics` does.
#[test]
fn the_metrics_job_equals_the_set_metrics() {
    let lib = lib();
    let (entry, model) = lib.model("digits-maxpool").unwrap();
    let images = &held_out("digits-maxpool")[..45];
    let opts = crop_metrics(&entry);
    let expected = set_metrics(&model, images, &opts).unwrap();
    let m = run(json!({
        "job": "metrics", "model": "digits-maxpool", "count": 45, "mode": "crop",
        "range": 6, "pairs": 4, "seed": 7, "steps": 8,
    }));
    assert_eq!(m, serde_json::to_value(&expected).unwrap());
}

#[test]
fn each_image_draws_its_own_shifts_whatever_the_batch() {
    let lib = lib();
    let (entry, model) = lib.model("digits-maxpool").unwrap();
    let images = &held_out("digits-maxpool")[..6];
    let opts = crop_metrics(&entry);
    let whole = metric_sums(&model, images, 0, &opts).unwrap();
    let mut parts = metric_sums(&model, &images[..2], 0, &opts).unwrap();
    parts.merge(&metric_sums(&model, &images[2..], 2, &opts).unwrap());
    assert_eq!(whole.images, parts.images);
    assert!((whole.consistency - parts.consistency).abs() < 1e-9);
    assert!((whole.mac - parts.mac).abs() < 1e-9);
}

/// Scale metrics: pairs and the sequence come from the scale grid, and a grid of
/// one scale twice is perfectly consistent.
#[test]
fn scale_metrics_vary_the_scale() {
    let request = |min: f64, max: f64| {
        json!({
            "job": "metrics", "model": "digits-maxpool", "vary": "scale", "count": 20,
            "mode": "black", "range": 0, "pairs": 5, "seed": 1, "steps": 1,
            "scaleMin": min, "scaleMax": max, "scaleSteps": 5,
        })
    };
    let wide = run(request(0.5, 2.0));
    let narrow = run(request(0.95, 1.05));
    for m in [&wide, &narrow] {
        let c = m["consistency"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&c));
        assert_eq!(m["images"], 20);
    }
    // Halving and doubling a digit changes more predictions than ±5 %.
    assert!(
        wide["consistency"].as_f64() < narrow["consistency"].as_f64(),
        "{wide} vs {narrow}"
    );
    assert!(wide["mac"].as_f64() > narrow["mac"].as_f64());
}

/// On digits on black, Black (cut) and Crop are the same inputs, so the same numbers;
/// Azulay & Weiss's Black (Embed) differs, and as in their Table 1 it is the jaggier
/// protocol: top-1 changes more often along the diagonal and pairs agree less than under
/// Crop. Part of that is not position alone: Embed halves a 32×32 digit, a size these
/// networks never saw, and they then often answer one class (mostly "1").
#[test]
fn embed_is_the_black_that_differs_from_crop_on_digits() {
    let metrics = |model: &str, mode: &str| {
        run(json!({
            "job": "metrics", "model": model, "count": 100, "mode": mode,
            "range": 4, "pairs": 5, "seed": 0, "steps": 8,
        }))
    };
    let number = |m: &Value, key: &str| m[key].as_f64().unwrap();
    for model in ["digits-maxpool", "digits-bin5"] {
        let (black, crop, embed) = (
            metrics(model, "black"),
            metrics(model, "crop"),
            metrics(model, "embed"),
        );
        assert_eq!(black, crop, "{model}: a digit on black, cut or cropped");
        assert!(
            number(&embed, "pTop1Change") > number(&crop, "pTop1Change"),
            "{model}: {embed} vs {crop}"
        );
        assert!(
            number(&embed, "consistency") < number(&crop, "consistency"),
            "{model}: {embed} vs {crop}"
        );
    }
}

/// Embed never cuts: a sweep, a step or metrics reaching past its frame are refused
/// before anything runs, with the reason.
#[test]
fn embed_refuses_shifts_past_its_frame() {
    let root = root();
    let refused = |request: Value| {
        let e = lab::run_from_disk(root, "sweep", request).unwrap_err().0;
        assert!(e.contains("black frame"), "{e}");
    };
    let image = "models/samples/digit-3.png";
    refused(json!({
        "job": "sweep", "model": "digits-maxpool", "image": image, "mode": "embed",
        "direction": "horizontal", "range": 9,
    }));
    refused(json!({
        "job": "step", "model": "digits-maxpool", "image": image, "mode": "embed",
        "dx": 0, "dy": -9, "layer": "pool1",
    }));
    refused(json!({
        "job": "metrics", "model": "digits-maxpool", "image": image, "mode": "embed",
        "range": 9, "pairs": 5, "seed": 0, "steps": 8,
    }));
    refused(json!({
        "job": "metrics", "model": "digits-maxpool", "image": image, "mode": "embed",
        "range": 4, "pairs": 5, "seed": 0, "steps": 9,
    }));
    // The whole frame is usable.
    let edge = run(json!({
        "job": "sweep", "model": "digits-maxpool", "image": image, "mode": "embed",
        "direction": "grid", "range": 8,
    }));
    assert_eq!(edge["transforms"].as_array().unwrap().len(), 17 * 17);
}
