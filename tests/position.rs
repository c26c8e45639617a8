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

fn settings(target: PositionMap) -> ReadoutSettings {
    ReadoutSettings {
        layer: "relu5".into(),
        target,
        grid: 16,
        kernel: 1,
        lambda: 0.01,
        train_crops: 6,
        test_crops: 4,
        seed: 7,
    }
}

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

#[test]
fn readout_finds_position_with_zero_padding_and_less_without() {
    let lib = Library::of_this_crate().unwrap();
    let load = |names: &[&str]| -> Vec<_> {
        names
            .iter()
            .map(|n| lib.image(&format!("models/photos/{n}.png")).unwrap())
            .collect()
    };
    let (train, test) = (load(&TRAIN), load(&TEST));
    let run = |id: &str, target| {
        let (entry, model) = lib.model(id).unwrap();
        let opts = ReadoutOptions {
            input: entry.inputs[0].spec.clone(),
            settings: settings(target),
        };
        readout(&model, &train, &test, &opts).unwrap()
    };
    for target in [PositionMap::H, PositionMap::V] {
        let (zero, none) = (run("pad-zero", target), run("pad-none", target));
        eprintln!(
            "{target:?}: zero SPC {:.3} MAE {:.3}; none SPC {:.3} MAE {:.3}",
            zero.spc, zero.mae, none.spc, none.mae
        );
        eprintln!(
            "   black: zero {:.3} none {:.3}",
            zero.black.spc, none.black.spc
        );
        // Without padding every position of a black input looks the same, so the readout's
        // map is flat and carries no position at all (Islam et al.: no padding, no signal).
        assert_eq!(
            none.black.spc, 0.0,
            "a black input through pad-none has no order"
        );
        // Measured on the shipped encoders (1×1 readout of relu5, 16×16 grid):
        // H zero 0.23 vs none −0.10, V zero 0.25 vs none 0.18. Small frozen encoders carry a weaker signal
        // than the paper's VGG/ResNet, so the bar is the direction and a margin.
        assert!(
            zero.spc > 0.15,
            "zero padding reads out {target:?} with SPC {}",
            zero.spc
        );
        assert!(
            zero.spc > none.spc + 0.05,
            "{target:?}: zero {} vs none {}",
            zero.spc,
            none.spc
        );
        assert_eq!(zero.target.len(), 16 * 16);
        assert_eq!((zero.target_map.width, zero.target_map.height), (16, 16));
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

    // The page's default layer: encoder A's last probe.
    let lib = Library::of_this_crate().unwrap();
    let a = d["a"].as_str().unwrap();
    let layer = lib.entry(a).unwrap().probes.last().unwrap().name.clone();
    let photo = |n: &&str| format!("models/photos/{n}.png");
    let request = json!({
        "job": "readout",
        "models": [d["a"], d["b"]],
        "trainImages": TRAIN.iter().map(photo).collect::<Vec<_>>(),
        "testImages": TEST.iter().map(photo).collect::<Vec<_>>(),
        "layer": layer,
        "target": d["target"],
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
    assert_eq!(encoders[0]["side"], 16);
    assert_eq!(
        encoders[0]["targetMap"]["rgba"].as_array().unwrap().len(),
        16 * 16 * 4
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
