//! The CoordConv lab natively: the coordinate channels hold the values the
//! training script adds, the error summary averages the right positions, each
//! shipped coordinate model's error, re-measured through tract on the core's own
//! not-so-Clevr positions, equals the manifest's, and the matched pair shows what
//! the coordinate channels alone do.
#![cfg(not(target_arch = "wasm32"))]

use shiftlab::datasets::clevr::{Split, positions};
use shiftlab::lab;
use shiftlab::labs::coordconv::{
    PairKind, SplitKind, coordinate_channels, model_ids, predict, summarise, test_positions,
};
use shiftlab::library::Library;
use std::path::Path;

#[test]
fn coordinate_channels_run_from_minus_one_to_one() {
    let t = coordinate_channels(64).unwrap();
    assert_eq!(t.shape, vec![3, 64, 64]);
    let at = |c: usize, row: usize, col: usize| t.data[(c * 64 + row) * 64 + col];
    // i grows along columns, j along rows; corners are exactly ±1.
    assert_eq!((at(0, 0, 0), at(1, 0, 0)), (-1.0, -1.0));
    assert_eq!((at(0, 0, 63), at(1, 0, 63)), (1.0, -1.0));
    assert_eq!((at(0, 63, 0), at(1, 63, 0)), (-1.0, 1.0));
    assert_eq!((at(0, 63, 63), at(1, 63, 63)), (1.0, 1.0));
    assert!((at(2, 0, 0) - 2f32.sqrt()).abs() < 1e-6);
    // An even side has no centre pixel: the middle four sit at ±1/63.
    for (row, col) in [(31, 31), (31, 32), (32, 31), (32, 32)] {
        assert!((at(0, row, col).abs() - 1.0 / 63.0).abs() < 1e-6);
        assert!((at(2, row, col) - (2.0f32).sqrt() / 63.0).abs() < 1e-6);
    }
    let odd = coordinate_channels(5).unwrap();
    assert_eq!(odd.data[2 * 5 + 2], 0.0, "the centre of an odd side is 0");
    assert_eq!(odd.data[2 * 25 + 2 * 5 + 2], 0.0, "r is 0 at the centre");
    assert_eq!(odd.data[25 + 2 * 5 + 2], 0.0);
    assert!(coordinate_channels(1).is_err());
}

#[test]
fn summaries_average_over_the_test_positions() {
    let test = test_positions(SplitKind::Quadrant);
    assert_eq!(test, positions(Split::QuadrantTest, 0));
    let errors: Vec<f32> = (0..test.len())
        .map(|k| if k % 4 == 0 { 0.5 } else { 2.0 })
        .collect();
    let q = summarise(&errors, SplitKind::Quadrant).unwrap();
    assert_eq!(q.n_test, 784);
    assert_eq!(q.test_within_1px_percent, 25.0);
    assert!((q.test_mean_px - (0.5 + 3.0 * 2.0) / 4.0).abs() < 1e-12);
    assert_eq!(q.quadrant_mean_px, q.test_mean_px);
    // Uniform: error 1 inside the quadrant, 0 outside.
    let test = test_positions(SplitKind::Uniform);
    let errors: Vec<f32> = test
        .iter()
        .map(|&(x, y)| if x >= 28 && y >= 28 { 1.0 } else { 0.0 })
        .collect();
    let inside = errors.iter().filter(|&&e| e == 1.0).count();
    assert!(
        inside > 100 && inside < 250,
        "{inside} of 628 in the quadrant"
    );
    let u = summarise(&errors, SplitKind::Uniform).unwrap();
    assert_eq!((u.n_test, u.quadrant_mean_px), (628, 1.0));
    assert!((u.test_mean_px - inside as f64 / 628.0).abs() < 1e-12);
    assert!(summarise(&errors[1..], SplitKind::Uniform).is_err());
}

#[test]
fn shipped_coordinate_models_reproduce_their_test_error() {
    let lib = Library::of_this_crate().unwrap();
    let family: Vec<_> = lib
        .manifest
        .models
        .iter()
        .filter(|m| m.family == "coordconv")
        .collect();
    // Plain, CoordConv and plain with coordinate channels, each on both splits.
    assert_eq!(family.len(), 6);
    for entry in family {
        let eval = &entry.eval;
        assert_eq!(eval["generator"], "clevr", "{}", entry.id);
        let split: Split = eval["split"].as_str().unwrap().parse().unwrap();
        let seed = eval["seed"].as_u64().unwrap();
        let places = positions(split, seed);
        assert_eq!(
            places.len() as u64,
            eval["n"].as_u64().unwrap(),
            "{}",
            entry.id
        );
        let (_, model) = lib.model(&entry.id).unwrap();
        let errors = predict(&model, &places).unwrap();
        let mean = errors.iter().map(|p| f64::from(p.error)).sum::<f64>() / errors.len() as f64;
        let metric = eval["metric"].as_str().unwrap();
        let stated = entry.metric(metric).unwrap();
        let tolerance = eval["tolerance_px"].as_f64().unwrap_or(0.0);
        assert!(
            (mean - stated).abs() <= tolerance + 1e-4,
            "{}: {metric} measured {mean}, manifest says {stated}",
            entry.id
        );
    }
}

#[test]
fn the_default_requests_run_from_disk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let split = default_of("split");
    let view = serde_json::json!({
        "job": "view", "split": split, "x": default_of("x"), "y": default_of("y"),
    });
    let out = lab::run_from_disk(root, "coordconv", view).unwrap();
    assert_eq!(out["centre"], serde_json::json!([44.5, 44.5]));
    let models = out["models"].as_array().unwrap();
    assert_eq!(models[0]["id"], "coord-plain-quadrant");
    assert_eq!(models[1]["id"], "coord-coordconv-quadrant");
    for m in models {
        let p = &m["prediction"];
        let (x, y) = (p["x"].as_f64().unwrap(), p["y"].as_f64().unwrap());
        let error = ((x - 44.5).powi(2) + (y - 44.5).powi(2)).sqrt();
        assert!((p["error"].as_f64().unwrap() - error).abs() < 1e-4);
    }
    let channels =
        lab::run_from_disk(root, "coordconv", serde_json::json!({ "job": "channels" })).unwrap();
    assert_eq!(
        (channels["i"]["lo"].as_f64(), channels["i"]["hi"].as_f64()),
        (Some(-1.0), Some(1.0))
    );
    assert_eq!(channels["r"]["rgba"].as_array().unwrap().len(), 64 * 64 * 4);
    let bad = serde_json::json!({ "job": "view", "split": "quadrant", "x": 56, "y": 0 });
    assert!(lab::run_from_disk(root, "coordconv", bad).is_err());
    assert_eq!(
        default_of("pair"),
        "liu",
        "a link from before the pair setting keeps Liu's pair"
    );
}

#[test]
fn the_pair_setting_picks_the_models() {
    assert_eq!(
        model_ids(PairKind::Liu, SplitKind::Quadrant),
        ["coord-plain-quadrant", "coord-coordconv-quadrant"]
    );
    assert_eq!(
        model_ids(PairKind::Matched, SplitKind::Uniform),
        ["coord-plain-uniform", "coord-plaincoords-uniform"]
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let view = serde_json::json!({ "job": "view", "pair": "matched", "split": "quadrant", "x": 3, "y": 50 });
    let out = lab::run_from_disk(root, "coordconv", view).unwrap();
    assert_eq!(out["models"][0]["id"], "coord-plain-quadrant");
    assert_eq!(out["models"][1]["id"], "coord-plaincoords-quadrant");
    let bad =
        serde_json::json!({ "job": "view", "pair": "both", "split": "quadrant", "x": 3, "y": 5 });
    assert!(lab::run_from_disk(root, "coordconv", bad).is_err());
}

/// The matched pair on the quadrant split (Liu et al.'s held-out quadrant): the same
/// strided ReLU CNN, recipe and seed, with i, j, r input channels misses the unseen
/// quadrant by much less than without them, re-measured here through tract. It still
/// misses by far more than Liu's stride-1 linear regressor: the channels help the
/// trunk, they do not make it generalise as that regressor does (measured: 6.98 px
/// without, 3.18 px with, 0.18 px for the regressor).
#[test]
fn coordinate_channels_help_the_same_trunk_on_the_held_out_quadrant() {
    let lib = Library::of_this_crate().unwrap();
    let places = test_positions(SplitKind::Quadrant);
    let mean_error = |id: &str| {
        let (_, model) = lib.model(id).unwrap();
        let errors: Vec<f32> = predict(&model, &places)
            .unwrap()
            .iter()
            .map(|p| p.error)
            .collect();
        summarise(&errors, SplitKind::Quadrant)
            .unwrap()
            .test_mean_px
    };
    let [plain, with_coords] =
        model_ids(PairKind::Matched, SplitKind::Quadrant).map(|id| mean_error(&id));
    let [_, regressor] = model_ids(PairKind::Liu, SplitKind::Quadrant).map(|id| mean_error(&id));
    assert!(
        with_coords < 0.6 * plain,
        "coordinate channels should cut the held-out error of the same trunk: {plain} → {with_coords} px"
    );
    assert!(
        with_coords > 5.0 * regressor,
        "the strided trunk with coordinates now rivals Liu's regressor ({with_coords} vs {regressor} px): \
         update the page's and README's account of the matched pair"
    );
}

/// The error map, stepped a batch at a time, summarises as `predict` over all test
/// positions at once does, and both maps share one scale from 0.
#[test]
fn the_error_map_job_equals_the_whole_split_at_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let request = serde_json::json!({ "job": "errorMap", "split": "uniform" });
    let assets = lab::Assets::open(root).unwrap();
    let missing = lab::lab("coordconv")
        .unwrap()
        .missing_assets(&request, &assets)
        .unwrap();
    assets.load_from(root, &missing).unwrap();
    let mut reports = Vec::new();
    let out = lab::run("coordconv", request, &assets, |done, total| {
        reports.push((done, total))
    })
    .unwrap();
    // 628 positions in batches of 64, per model.
    assert_eq!(reports.len(), 2 * 10);
    assert_eq!(out["places"].as_array().unwrap().len(), 628);
    let lib = Library::of_this_crate().unwrap();
    let places = test_positions(SplitKind::Uniform);
    let models = out["models"].as_array().unwrap();
    for m in models {
        let (_, model) = lib.model(m["id"].as_str().unwrap()).unwrap();
        let errors: Vec<f32> = predict(&model, &places)
            .unwrap()
            .iter()
            .map(|p| p.error)
            .collect();
        let summary = summarise(&errors, SplitKind::Uniform).unwrap();
        assert_eq!(m["summary"], serde_json::to_value(summary).unwrap());
        assert_eq!(m["map"]["lo"], 0.0);
        assert_eq!(
            (m["map"]["width"].as_u64(), m["map"]["height"].as_u64()),
            (Some(56), Some(56))
        );
    }
    assert_eq!(models[0]["map"]["hi"], models[1]["map"]["hi"], "one scale");
}

/// A setting's default as the page's URL holds it.
fn default_of(name: &str) -> serde_json::Value {
    shiftlab::lab::defaults("coordconv").unwrap()[name].clone()
}
