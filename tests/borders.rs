//! Lab 5: coverage numbers against hand-computed values, the Red-Green inputs
//! the models see, and the shipped border models' accuracies through tract on
//! freshly generated test sets against the manifest's (Kayhan & van Gemert 2020).

use serde_json::{Value, json};
use shiftlab::lab;
use shiftlab::labs::borders::{
    CoverageOptions, RedGreenOptions, coverage, evaluate, images, input_side,
};
use shiftlab::metrics::Padding;
use shiftlab::pooling::Boundary;
use std::path::Path;

fn cov(
    n: usize,
    k: usize,
    layers: usize,
    padding: Padding,
    boundary: Boundary,
) -> shiftlab::labs::borders::Coverage {
    coverage(&CoverageOptions {
        n,
        k,
        layers,
        padding,
        boundary,
    })
    .unwrap()
}

#[test]
fn coverage_matches_hand_counts() {
    // One valid 3×3 layer on 5×5: per axis [1, 2, 3, 2, 1], so corner 1 and centre 9.
    let valid = cov(5, 3, 1, Padding::Valid, Boundary::Zero);
    assert_eq!(
        (valid.corner, valid.centre, valid.corner_to_centre),
        (1.0, 9.0, 1.0 / 9.0)
    );
    // Full convolution: every pixel meets every tap, 3 per axis.
    let full = cov(5, 3, 1, Padding::Full, Boundary::Zero);
    assert_eq!(full.map, vec![9.0; 25]);
    // Same with zero padding, one layer: per axis [2, 3, 3, 3, 2].
    let same = cov(5, 3, 1, Padding::Same, Boundary::Zero);
    assert_eq!(
        (same.corner, same.centre, same.min, same.max),
        (4.0, 9.0, 4.0, 9.0)
    );
    // Circular padding passes the padded reads back to the wrapped pixels: uniform.
    let circular = cov(5, 3, 2, Padding::Same, Boundary::Circular);
    assert_eq!(circular.map, vec![81.0; 25]);
    // Two valid layers on 7×7: per axis [1, 2, 3, 3, 3, 2, 1] convolved → [1, 3, 6, 7, 6, 3, 1].
    let two = cov(7, 3, 2, Padding::Valid, Boundary::Zero);
    assert_eq!((two.corner, two.centre), (1.0, 49.0));
    assert!(
        coverage(&CoverageOptions {
            n: 2,
            k: 3,
            layers: 1,
            padding: Padding::Valid,
            boundary: Boundary::Zero
        })
        .is_err()
    );
}

#[test]
fn red_green_inputs_grow_with_the_border_and_move_with_the_shift() {
    let opts = |border, shift| RedGreenOptions {
        split: "dissimilar".into(),
        n: 20,
        seed: 3,
        border,
        shift,
    };
    let (plain, labels) = images(&opts(0, 0), 4, 6).unwrap();
    assert_eq!(plain.shape, vec![6, 3, 32, 32]);
    assert_eq!(labels, vec![0, 1, 0, 1, 0, 1]);
    let (bordered, _) = images(&opts(5, 0), 4, 6).unwrap();
    assert_eq!(bordered.shape, vec![6, 3, input_side(5), 42]);
    let (shifted, _) = images(&opts(5, 2), 4, 6).unwrap();
    // Pixel (y, x) of the plain image is at (y + 5, x + 5) bordered and (y + 7, x + 7) shifted.
    let at = |t: &shiftlab::Tensor, side: usize, y: usize, x: usize| t.data[y * side + x];
    for y in 0..32 {
        for x in 0..32 {
            let v = at(&plain, 32, y, x);
            assert_eq!(at(&bordered, 42, y + 5, x + 5), v);
            if y + 7 < 42 && x + 7 < 42 {
                assert_eq!(at(&shifted, 42, y + 7, x + 7), v);
            }
        }
    }
    assert!(images(&opts(0, 0), 18, 5).is_err());
    assert!(images(&opts(33, 0), 0, 1).is_err());
}

const MODELS: [&str; 4] = ["rg-vconv", "rg-sconv-zero", "rg-sconv-circular", "rg-fconv"];

#[test]
fn default_requests_run_through_the_lab_contract() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = lab::defaults("borders").unwrap();
    let side = |pad: &str, bound: &str| json!({"n": d["n"], "k": d["k"], "layers": d["layers"], "padding": d[pad], "boundary": d[bound]});
    let cov = lab::run_from_disk(
        root,
        "borders",
        json!({"job": "coverage", "maps": [side("padA", "boundA"), side("padB", "boundB")]}),
    )
    .unwrap();
    // Valid sees the corner once, full every pixel 81 times (two 3×3 layers).
    assert_eq!(cov["maps"][0]["corner"], 1.0);
    assert_eq!(cov["maps"][1]["corner"], 81.0);
    assert_eq!(cov["maps"][1]["heatmap"]["width"], 16);
    let sets: Vec<Value> = [("similar", 2), ("dissimilar", 3)]
        .iter()
        .map(|(split, seed)| {
            json!({"split": split, "n": d["count"], "seed": seed, "border": d["border"], "shift": d["shift"]})
        })
        .collect();
    let examples = lab::run_from_disk(
        root,
        "borders",
        json!({"job": "examples", "sets": sets, "count": 8}),
    )
    .unwrap();
    assert_eq!(examples["sets"][1]["images"].as_array().unwrap().len(), 8);
    assert_eq!(examples["sets"][1]["images"][0]["width"], 32);
    let request = json!({"job": "accuracy", "models": MODELS, "sets": sets, "keep": 8});
    let assets = lab::Assets::open(root).unwrap();
    let l = lab::lab("borders").unwrap();
    assets
        .load_from(root, &l.missing_assets(&request, &assets).unwrap())
        .unwrap();
    let mut steps = 0;
    let out = lab::run("borders", request, &assets, |_, total| steps = total).unwrap();
    // One step per batch of 250 images: 4 models × 2 sets × 1000 images.
    assert_eq!(steps, 4 * 2 * 4);
    let models = out["models"].as_array().unwrap();
    assert_eq!(models.len(), 4);
    for m in models {
        assert_eq!(m["accuracies"].as_array().unwrap().len(), 2);
        assert_eq!(m["predictions"][1].as_array().unwrap().len(), 8);
    }
    for a in models
        .iter()
        .flat_map(|m| m["accuracies"].as_array().unwrap())
    {
        assert!((0.0..=100.0).contains(&a.as_f64().unwrap()), "accuracy {a}");
    }
}

#[test]
fn requests_outside_the_settings_limits_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |request: Value| lab::run_from_disk(root, "borders", request);
    let cov = |n: usize| json!({"job": "coverage", "maps": [{"n": n, "k": 3, "layers": 1, "padding": "Same", "boundary": "zero"}]});
    assert!(run(cov(64)).is_ok());
    assert!(run(cov(65)).is_err());
    let set = |n: usize, border: usize| json!({"split": "similar", "n": n, "seed": 2, "border": border, "shift": 0});
    assert!(run(json!({"job": "examples", "sets": [set(10, 32)], "count": 8})).is_ok());
    assert!(run(json!({"job": "examples", "sets": [set(10, 33)], "count": 8})).is_err());
    assert!(run(json!({"job": "examples", "sets": [set(1001, 0)], "count": 8})).is_err());
}

/// The shipped Red-Green models through the lab's own path (the default,
/// paper layout; batches of 250 as the page) on the manifest's test sets: the
/// accuracies are the manifest's, and they show the paper's pattern.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn shipped_red_green_models_score_the_manifest_accuracies_in_the_lab() {
    let lib = shiftlab::library::Library::of_this_crate().unwrap();
    let mut gaps = std::collections::BTreeMap::new();
    for id in ["rg-vconv", "rg-sconv-zero", "rg-sconv-circular", "rg-fconv"] {
        let (entry, model) = lib.model(id).unwrap();
        assert_eq!(
            entry.eval["layout"], "paper",
            "{id}: the lab draws the paper layout"
        );
        let tolerance = entry.eval["tolerance_percent"].as_f64().unwrap() + 0.005;
        let mut acc = Vec::new();
        for s in entry.eval["splits"].as_array().unwrap() {
            let opts = RedGreenOptions {
                split: s["split"].as_str().unwrap().into(),
                n: s["n"].as_u64().unwrap() as usize,
                seed: s["seed"].as_u64().unwrap(),
                border: 0,
                shift: 0,
            };
            let measured = f64::from(evaluate(&model, &opts, 250).unwrap());
            let metric = s["metric"].as_str().unwrap();
            let stated = entry.metric(metric).unwrap();
            assert!(
                (measured - stated).abs() <= tolerance,
                "{id}: {metric} measured {measured}, manifest says {stated}"
            );
            acc.push(measured);
        }
        gaps.insert(id, acc[0] - acc[1]);
    }
    if gaps.len() == 4 {
        // Valid convolutions read the class off the rows; circular padding cannot
        // tell a 16-row move (a multiple of the total stride 8) from none at all.
        assert!(gaps["rg-vconv"] > 90.0, "{gaps:?}");
        assert!(gaps["rg-sconv-circular"].abs() < 0.001, "{gaps:?}");
    }
}
