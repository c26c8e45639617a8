//! Lab 4: the seed's hand test against hand-computed values, and the position
//! readout on the shipped padding encoders (Islam et al. 2020).

use serde_json::json;
use shiftlab::lab;
use shiftlab::labs::position::{
    HandKernel, HandTestOptions, ReadoutOptions, ReadoutSettings, hand_test, readout,
};
use shiftlab::library::Library;
use shiftlab::metrics::PositionMap;
use std::path::Path;

fn hand(n: usize, at: [[usize; 2]; 2], kernel: HandKernel) -> shiftlab::labs::position::HandTest {
    hand_test(&HandTestOptions {
        n,
        object: 3,
        at,
        kernel,
        background: 0.0,
    })
    .unwrap()
}

/// Rows of a square output, for readable comparisons.
fn rows(values: &[f32], side: usize) -> Vec<Vec<f32>> {
    values.chunks(side).map(<[f32]>::to_vec).collect()
}

#[test]
fn hand_test_box_kernel_matches_hand_computed_outputs() {
    // A 3×3 object of ones in a 7×7 grid, in the corner and in the middle; the
    // all-ones kernel counts the object's pixels under each window, so each
    // output is the outer product of the 1-D counts.
    let t = hand(7, [[0, 0], [2, 2]], HandKernel::Box);
    let outer = |a: &[f32]| -> Vec<Vec<f32>> {
        a.iter()
            .map(|r| a.iter().map(|c| r * c).collect())
            .collect()
    };
    // Zero padding, object at rows 0–2: windows over rows i−1..i+1 see [2, 3, 2, 1, 0, 0, 0].
    assert_eq!(
        rows(&t.zero_padded.outputs[0].values, 7),
        outer(&[2., 3., 2., 1., 0., 0., 0.])
    );
    assert_eq!(
        rows(&t.zero_padded.outputs[1].values, 7),
        outer(&[0., 1., 2., 3., 2., 1., 0.])
    );
    // Valid: windows over rows i..i+2 of 5 outputs.
    assert_eq!(
        rows(&t.valid.outputs[0].values, 5),
        outer(&[3., 2., 1., 0., 0.])
    );
    assert_eq!(
        rows(&t.valid.outputs[1].values, 5),
        outer(&[1., 2., 3., 2., 1.])
    );
    // The seed's observation: the further the object from the border, the more zeros.
    assert_eq!(t.zero_padded.outputs[0].zeros, 49 - 16);
    assert_eq!(t.zero_padded.outputs[1].zeros, 49 - 25);
    // On black, zero padding is indistinguishable from the image: no border mark.
    assert_eq!((t.valid.blank_range, t.zero_padded.blank_range), (0.0, 0.0));
}

#[test]
fn zero_padding_marks_the_border_of_a_uniform_input() {
    // A white 5×5 input: each padded output counts the in-grid pixels of its
    // window, [2, 3, 3, 3, 2] per axis, so corners 4, edges 6, inside 9; the
    // valid output is 9 everywhere.
    let t = hand_test(&HandTestOptions {
        n: 5,
        object: 1,
        at: [[0, 0], [2, 2]],
        kernel: HandKernel::Box,
        background: 1.0,
    })
    .unwrap();
    let blank = rows(&t.zero_padded.blank.values, 5);
    assert_eq!(blank[0], vec![4., 6., 6., 6., 4.]);
    assert_eq!(blank[2], vec![6., 9., 9., 9., 6.]);
    assert_eq!(t.zero_padded.blank_range, 5.0);
    assert_eq!(t.valid.blank.values, vec![9.0; 9]);
    assert_eq!(t.valid.blank_range, 0.0);
}

#[test]
fn hand_test_tent_kernel_peaks_at_its_weight_sum() {
    // Both objects far enough inside that the padding never meets them.
    let t = hand(9, [[1, 1], [4, 3]], HandKernel::Tent);
    let peak = |v: &[f32]| v.iter().copied().fold(0.0, f32::max);
    // Tent kernel over a 3×3 object: the centre window sums all 16 weights.
    assert_eq!(peak(&t.zero_padded.outputs[0].values), 16.0);
    assert!(
        hand_test(&HandTestOptions {
            n: 5,
            object: 3,
            at: [[3, 0], [0, 0]],
            kernel: HandKernel::Box,
            background: 0.0
        })
        .is_err()
    );
}

/// The page's default readout at the lab's small size: the paper's multi-level
/// features (the manifest's layers) on an 8×8 grid, a 3×3 readout; or one layer, 1×1.
fn settings(layers: &[&str], kernel: usize) -> ReadoutSettings {
    ReadoutSettings {
        layers: layers.iter().map(|l| l.to_string()).collect(),
        targets: vec![PositionMap::H, PositionMap::V],
        grid: 8,
        kernel,
        lambda: 0.01,
        train_crops: 6,
        test_crops: 4,
        seed: 7,
    }
}

const MULTI_LEVEL: [&str; 4] = ["relu3", "relu5", "relu7", "relu9"];

const TRAIN: [&str; 7] = [
    "chelsea",
    "astronaut",
    "camera",
    "coffee",
    "rocket",
    "immunohistochemistry",
    "china",
];
const TEST: [&str; 3] = ["flower", "hubble_deep_field", "coins"];

/// H and V readouts of a shipped encoder on the page's photos.
fn readouts(id: &str, settings: ReadoutSettings) -> Vec<shiftlab::labs::position::Readout> {
    let lib = Library::of_this_crate().unwrap();
    let load = |names: &[&str]| -> Vec<_> {
        names
            .iter()
            .map(|n| lib.image(&format!("models/photos/{n}.png")).unwrap())
            .collect()
    };
    let (entry, model) = lib.model(id).unwrap();
    let opts = ReadoutOptions {
        input: entry.inputs[0].spec.clone(),
        settings,
    };
    readout(&model, &load(&TRAIN), &load(&TEST), &opts).unwrap()
}

#[test]
fn zero_padding_carries_more_position_than_valid_or_circular() {
    // Islam et al.: with zero padding the readout draws H and V (SPC about 0.7–0.9 for
    // VGG/ResNet); without padding SPC is near 0. Circular padding has no border either.
    let of = |id| readouts(id, settings(&MULTI_LEVEL, 3));
    let (zero, none, circular) = (of("pad-zero"), of("pad-none"), of("pad-circular"));
    for (k, target) in ["H", "V"].iter().enumerate() {
        let (z, n, c) = (zero[k].spc, none[k].spc, circular[k].spc);
        eprintln!("{target}: SPC zero {z:.3} none {n:.3} circular {c:.3}");
        assert!(z >= 0.6, "{target}: zero padding reads out SPC {z}");
        assert!(
            z > n + 0.3 && z > c + 0.3,
            "{target}: zero {z}, none {n}, circular {c}"
        );
        assert!(zero[k].mae < none[k].mae && zero[k].mae < circular[k].mae);
        assert_eq!(zero[k].target.len(), 6 * 6);
        assert_eq!(
            (zero[k].target_map.width, zero[k].target_map.height),
            (6, 6)
        );
    }
}

#[test]
fn black_inputs_show_where_the_position_comes_from() {
    let multi = |id| readouts(id, settings(&MULTI_LEVEL, 3));
    let (zero, none, circular) = (multi("pad-zero"), multi("pad-none"), multi("pad-circular"));
    for k in 0..2 {
        // Without padding, or with circular padding, every position of a black input looks
        // the same: the readout's map is flat and carries no order at all.
        assert_eq!(none[k].black.spc, 0.0, "pad-none on black");
        assert_eq!(circular[k].black.spc, 0.0, "pad-circular on black");
        // With zero padding the border alone (nothing but black inside) draws the map.
        assert!(
            zero[k].black.spc > 0.5,
            "pad-zero on black: {}",
            zero[k].black.spc
        );
    }
}

#[test]
fn the_readout_on_pixels_finds_no_position() {
    // The control: a random crop's pixels carry no absolute position.
    for r in readouts("pad-zero", settings(&["input"], 3)) {
        assert!(r.spc.abs() < 0.2, "pixels: SPC {}", r.spc);
        assert_eq!(r.feature_shapes, vec![vec![3, 64, 64]]);
    }
    // One layer, 1×1: the lab's fast option still shows the direction.
    let (zero, none) = (
        readouts("pad-zero", settings(&["relu9"], 1)),
        readouts("pad-none", settings(&["relu9"], 1)),
    );
    for k in 0..2 {
        assert!(
            zero[k].spc > none[k].spc + 0.2,
            "{} vs {}",
            zero[k].spc,
            none[k].spc
        );
    }
}

#[test]
fn default_requests_run_through_the_lab_contract() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = lab::defaults("position").unwrap();
    let int = |k: &str| d[k].as_i64().unwrap();
    let hand = lab::run_from_disk(
        root,
        "position",
        json!({
            "job": "hand", "n": int("hn"), "object": int("hobj"),
            "at": [[int("hax"), int("hay")], [int("hbx"), int("hby")]],
            "kernel": d["hkernel"], "background": d["hbg"],
        }),
    )
    .unwrap();
    // The default hand test: a 3×3 object in the corner and at (2, 2) of a 7×7 grid.
    assert_eq!(hand["zeroPadded"]["outputs"][0]["zeros"], 49 - 16);
    assert_eq!(hand["zeroPadded"]["outputs"][1]["heatmap"]["width"], 7);
    assert_eq!(hand["valid"]["blankRange"], 0.0);

    // The page's default layers: the multi-level set of encoder A's manifest measurement.
    let lib = Library::of_this_crate().unwrap();
    let a = d["a"].as_str().unwrap();
    let layers = lib.entry(a).unwrap().eval["position"]["layers"].clone();
    let photo = |n: &&str| format!("models/photos/{n}.png");
    let request = json!({
        "job": "readout",
        "models": [d["a"], d["b"]],
        "trainImages": TRAIN.iter().map(photo).collect::<Vec<_>>(),
        "testImages": TEST.iter().map(photo).collect::<Vec<_>>(),
        "layers": layers,
        "targets": [d["target"]],
        "grid": int("grid"),
        "kernel": d["kernel"].as_str().unwrap().parse::<usize>().unwrap(),
        "lambda": d["lambda"].as_str().unwrap().parse::<f64>().unwrap(),
        "trainCrops": int("crops"),
        "testCrops": 4,
        "seed": int("seed"),
    });
    let out = lab::run_from_disk(root, "position", request.clone()).unwrap();
    let encoders = out["encoders"].as_array().unwrap();
    assert_eq!(encoders.len(), 2);
    // The default 8×8 grid and 3×3 readout: 6×6 maps.
    assert_eq!(encoders[0]["side"], 6);
    assert_eq!(
        encoders[0]["targetMap"]["rgba"].as_array().unwrap().len(),
        6 * 6 * 4
    );
    // One step per encoder, so the page shows progress and can cancel between them.
    let assets = lab::Assets::open(root).unwrap();
    let l = lab::lab("position").unwrap();
    assets
        .load_from(root, &l.missing_assets(&request, &assets).unwrap())
        .unwrap();
    let mut reports = Vec::new();
    lab::run("position", request, &assets, |done, total| {
        reports.push((done, total))
    })
    .unwrap();
    assert_eq!(reports, vec![(1, 2), (2, 2)]);
}

#[test]
fn requests_outside_the_settings_limits_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hand = |n: usize| {
        lab::run_from_disk(
            root,
            "position",
            json!({"job": "hand", "n": n, "object": 1, "at": [[0, 0], [0, 0]], "kernel": "box"}),
        )
    };
    assert!(hand(7).is_ok());
    assert!(hand(13).is_err());
    assert!(hand(4).is_err());
}
