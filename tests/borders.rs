//! Lab 5: coverage numbers against hand-computed values, the Red-Green inputs
//! the models see, and the shipped border models' accuracies through tract on
//! freshly generated test sets against the manifest's (Kayhan & van Gemert 2020).

use shiftlab::experiments::borders::{
    CoverageOptions, RedGreenOptions, coverage, evaluate, images, input_side,
};
use shiftlab::metrics::Padding;
use shiftlab::pooling::Boundary;

fn cov(
    n: usize,
    k: usize,
    layers: usize,
    padding: Padding,
    boundary: Boundary,
) -> shiftlab::experiments::borders::Coverage {
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

/// The shipped Red-Green models through the lab's own path (the default,
/// paper layout; batches of 250 as the page) on the manifest's test sets: the
/// accuracies are the manifest's, and they show the paper's pattern.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn shipped_red_green_models_score_the_manifest_accuracies_in_the_lab() {
    let lib = shiftlab::library::Library::of_this_crate().unwrap();
    let mut gaps = std::collections::BTreeMap::new();
    for id in ["rg-vconv", "rg-sconv-zero", "rg-sconv-circular", "rg-fconv"] {
        let Ok((entry, model)) = lib.model(id) else {
            continue; // not shipped in this checkout
        };
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
