//! The pooling lab: the seed numbers of Zhang (2019), every operator's
//! equivariance error, the aliasing grid, and its requests through the lab contract.

use serde_json::{Value, json};
use shiftlab::imaging::Image;
use shiftlab::lab;
use shiftlab::labs::pooling::{
    Downsampler, MAX_SIGNAL, Operator, OperatorResult, Request, SignalLab, image_lab, signal_lab,
    zone_plate,
};
use shiftlab::pooling::{BLURS, Boundary};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lab(signal: &[f32], boundary: Boundary) -> SignalLab {
    signal_lab(signal, boundary).unwrap()
}

fn op(lab: &SignalLab, id: Operator) -> &OperatorResult {
    lab.operators.iter().find(|o| o.id == id).unwrap()
}

#[test]
fn the_seed_numbers() {
    let seed = lab(&[0., 0., 1., 1., 0., 0., 1., 1., 0., 0.], Boundary::Zero);
    assert_eq!(
        op(&seed, Operator::MaxPool).outputs[0],
        [0., 1., 0., 1., 0.]
    );
    let circular = lab(&[0., 0., 1., 1., 0., 0., 1., 1.], Boundary::Circular);
    let max_pool = op(&circular, Operator::MaxPool);
    assert_eq!(max_pool.outputs[0], [0., 1., 0., 1.]);
    assert_eq!(max_pool.outputs[1], [1., 1., 1., 1.]);
    assert_eq!(max_pool.errors, [0., 0.5, 0., 0.5, 0., 0.5, 0., 0.5]);
    assert_eq!(circular.shifts[1], [1., 0., 0., 1., 1., 0., 0., 1.]);
}

#[test]
fn subsampling_not_max_breaks_equivariance() {
    let circular = lab(&[0., 0., 1., 1., 0., 0., 1., 1.], Boundary::Circular);
    assert_eq!(op(&circular, Operator::DenseMax).mean_error, 0.0);
    // Subsampling this period-4 signal happens to give shifted copies; a
    // generic signal shows its error on its own.
    assert_eq!(op(&circular, Operator::Subsample).mean_error, 0.0);
    let generic = lab(&[0., 2., 5., 1., 0., 3., 3., 0.], Boundary::Circular);
    assert!(op(&generic, Operator::Subsample).mean_error > 0.5);
    assert_eq!(op(&generic, Operator::DenseMax).mean_error, 0.0);
    let steps = &op(&circular, Operator::MaxPool).steps;
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].label, "max k2 s1");
    assert_eq!(steps[0].mean_error, 0.0);
    assert_eq!(steps[0].outputs[0], [0., 1., 1., 1., 0., 1., 1., 1.]);
    assert_eq!(steps[1].label, "subsample s2");
    // Errors at odd shifts 0.5, 0 at even: mean over shifts 1..7 = 2/7.
    assert!((steps[1].mean_error - 2.0 / 7.0).abs() < 1e-6);
    assert_eq!(
        steps[1].mean_error,
        op(&circular, Operator::MaxPool).mean_error
    );
    let bin5 = op(&circular, Operator::MaxBlurPoolBin5);
    assert_eq!(bin5.steps.len(), 3);
    assert_eq!(bin5.steps[1].mean_error, 0.0);
    // Hand values: [0.625, 0.875, 0.625, 0.875] vs [0.75; 4] → error 0.125 at odd shifts.
    assert!(
        (bin5.mean_error - 0.5 / 7.0).abs() < 1e-6,
        "{}",
        bin5.mean_error
    );
    assert!(bin5.mean_error < op(&circular, Operator::MaxPool).mean_error);
}

#[test]
fn bad_signals_are_refused() {
    let bad = |signal: Vec<f32>| {
        let request = json!({ "job": "signal", "signal": signal, "boundary": "zero" });
        lab::run_from_disk(root(), "pooling", request).is_err()
    };
    assert!(bad(vec![1.0]));
    assert!(bad(vec![0.0; MAX_SIGNAL + 1]));
    assert!(!bad(vec![0.0; MAX_SIGNAL]));
    assert!(signal_lab(&[0.0, f32::NAN], Boundary::Zero).is_err());
}

#[test]
fn image_rows_have_the_right_sizes_and_blur_removes_zone_plate_aliasing() {
    let plate = zone_plate(64);
    let view = image_lab(&plate, Downsampler::Subsample).unwrap();
    assert_eq!(view.rows.len(), 1 + BLURS.len());
    for row in &view.rows {
        assert_eq!((row.images[0].width, row.images[0].height), (32, 32));
        assert_eq!((row.images[1].width, row.images[1].height), (16, 16));
    }
    // Near the edge the plate is above the ×4 Nyquist limit: subsampling keeps
    // full-contrast (false) rings, Bin-5 averages them to grey.
    let contrast = |img: &Image| {
        let edge: Vec<f32> = (0..img.height)
            .map(|y| img.rgba[(y * img.width) * 4] as f32)
            .collect();
        edge.iter().cloned().fold(f32::MIN, f32::max)
            - edge.iter().cloned().fold(f32::MAX, f32::min)
    };
    let plain = contrast(&view.rows[0].images[1]);
    let bin5 = contrast(&view.rows[3].images[1]);
    assert!(
        plain > 150.0 && bin5 < plain / 2.0,
        "plain {plain}, bin5 {bin5}"
    );
}

#[test]
fn large_images_are_bounded_and_tiny_ones_refused() {
    let big = Image::new(600, 300, vec![128; 600 * 300 * 4]).unwrap();
    let view = image_lab(&big, Downsampler::Max).unwrap();
    assert_eq!((view.source.width, view.source.height), (256, 128));
    assert_eq!(
        (view.rows[0].images[1].width, view.rows[0].images[1].height),
        (64, 32)
    );
    assert!(image_lab(&Image::new(3, 3, vec![0; 36]).unwrap(), Downsampler::Max).is_err());
}

#[test]
fn operator_ids_are_the_serde_names() {
    for op in Operator::ALL {
        assert_eq!(serde_json::to_value(op).unwrap(), json!(op.id()));
    }
}

/// The requests the default view sends, built from the lab's settings' defaults.
fn default_requests() -> Vec<Value> {
    let defaults = lab::defaults("pooling").unwrap();
    let default = |name: &str| {
        defaults
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no setting {name}"))
    };
    let signal: Vec<f32> = default("signal")
        .as_str()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(default("image"), "zoneplate");
    vec![
        json!({ "job": "signal", "signal": signal, "boundary": default("boundary") }),
        json!({ "job": "images", "downsampler": default("downsampler") }),
        json!({ "job": "images", "image": "models/photos/chelsea.png", "downsampler": "max" }),
    ]
}

#[test]
fn default_requests_run_through_the_lab_contract() {
    for request in default_requests() {
        let parsed: Request = serde_json::from_value(request.clone()).unwrap();
        let result = lab::run_from_disk(root(), "pooling", request.clone())
            .unwrap_or_else(|e| panic!("{request}: {e}"));
        match parsed {
            Request::Signal { signal, boundary } => {
                assert_eq!(
                    result,
                    serde_json::to_value(lab(&signal, boundary)).unwrap()
                );
                assert_eq!(
                    result["operators"][0]["outputs"][0],
                    json!([0., 1., 0., 1., 0.])
                );
            }
            Request::Images { image: None, .. } => {
                assert_eq!(result["source"]["width"], 192);
                assert_eq!(result["rows"].as_array().unwrap().len(), 1 + BLURS.len());
                assert_eq!(result["rows"][0]["images"][1]["width"], 48);
            }
            Request::Images { image: Some(_), .. } => {
                assert_eq!(result["rows"][0]["images"][1]["height"], 48);
            }
        }
    }
}
