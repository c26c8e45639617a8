//! Every shipped model, natively: the file is the one the manifest names, tract
//! reproduces PyTorch's golden outputs, the probe layers exist, and the headline
//! metric re-measured here equals the manifest's.
#![cfg(not(target_arch = "wasm32"))]

use sha2::{Digest, Sha256};
use shiftlab::Tensor;
use shiftlab::datasets::{clevr, red_green, road, siamese};
use shiftlab::evaluation::{Measured, over_seeds, remeasure};
use shiftlab::golden::{Golden, max_golden_error};
use shiftlab::manifest::{Manifest, ModelEntry};
use shiftlab::model::{Interface, ProbeModel};
use std::path::{Path, PathBuf};

fn models_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models")
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(models_dir().join("manifest.json")).unwrap();
    Manifest::parse(&text).unwrap()
}

fn onnx(entry: &ModelEntry) -> Vec<u8> {
    std::fs::read(models_dir().join(&entry.file)).unwrap()
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// As `training/common.py`'s `f32_sha256`: float32 little-endian bytes, C order.
fn f32_sha256(t: &Tensor) -> String {
    let bytes: Vec<u8> = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
    hex_sha256(&bytes)
}

/// Compare every `<part>_f32_sha256` a recipe records with the regenerated part;
/// answers how many were compared.
fn check_parts(id: &str, recipe: &serde_json::Value, parts: &[(&str, &Tensor)]) -> usize {
    parts
        .iter()
        .filter_map(|(name, tensor)| {
            let stated = recipe[format!("{name}_f32_sha256")].as_str()?;
            assert_eq!(
                f32_sha256(tensor),
                stated,
                "{id}: the generator no longer draws the {name} the model was measured on"
            );
            Some(())
        })
        .count()
}

#[test]
fn files_match_their_manifest_checksums() {
    for entry in &manifest().models {
        let hex = hex_sha256(&onnx(entry));
        assert_eq!(hex, entry.sha256, "{}", entry.file);
    }
}

#[test]
fn tract_reproduces_the_golden_outputs() {
    for entry in &manifest().models {
        let text = std::fs::read_to_string(models_dir().join(&entry.golden)).unwrap();
        let err = max_golden_error(&onnx(entry), entry, &Golden::parse(&text).unwrap()).unwrap();
        assert!(err <= 1e-4, "{}: max |tract − torch| = {err}", entry.id);
    }
}

#[test]
fn probe_layers_are_feature_maps_of_the_stated_stride() {
    for entry in &manifest().models {
        let model =
            ProbeModel::load(&onnx(entry), &entry.interface(), &entry.probe_nodes()).unwrap();
        let shapes = entry.input_shapes();
        let inputs: Vec<Vec<f32>> = shapes
            .iter()
            .map(|s| vec![0.5; s.iter().product()])
            .collect();
        let slices: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
        let run = model.run(&slices, 1).unwrap();
        let input_h = shapes.last().unwrap()[1] as f64;
        for ((_, features), probe) in run.features.iter().zip(&entry.probes) {
            assert_eq!(
                features.shape.len(),
                4,
                "{} {}: {:?}",
                entry.id,
                probe.name,
                features.shape
            );
            // 'valid' convolutions lose a few border pixels; anything else is a wrong stride.
            let expected = input_h / probe.stride as f64;
            let h = features.shape[2] as f64;
            assert!(
                h <= expected + 4.0 && h >= expected / 2.0 - 4.0,
                "{} {}: height {h}, stride {}",
                entry.id,
                probe.name,
                probe.stride
            );
        }
    }
}

#[test]
fn generated_test_sets_are_the_ones_the_models_were_measured_on() {
    let int = |v: &serde_json::Value, key: &str| v[key].as_u64().unwrap_or(0);
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or("").to_string();
    for entry in &manifest().models {
        let eval = &entry.eval;
        let compared = match eval["generator"].as_str() {
            None => continue,
            Some("red-green") => eval["splits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    let layout = text(eval, "layout").parse().unwrap();
                    let split = text(s, "split").parse().unwrap();
                    let (n, seed) = (int(s, "n") as usize, int(s, "seed"));
                    let data = red_green::generate_with(layout, split, n, seed);
                    check_parts(&entry.id, s, &data.unwrap().parts())
                })
                .sum(),
            Some("clevr") => {
                let split = text(eval, "split").parse().unwrap();
                let data = clevr::generate(split, int(eval, "seed")).unwrap();
                check_parts(&entry.id, eval, &data.parts())
            }
            Some("siamese") => {
                let max = int(eval, "max_shift") as i32;
                let mode = siamese::Mode::from_name(&text(eval, "split"), max).unwrap();
                let data = siamese::generate(mode, int(eval, "n") as usize, int(eval, "seed"));
                check_parts(&entry.id, eval, &data.unwrap().parts())
            }
            Some("road") => {
                let split = text(eval, "split").parse().unwrap();
                let data = road::generate(split, int(eval, "n") as usize, int(eval, "seed"));
                check_parts(&entry.id, eval, &data.unwrap().parts())
            }
            Some(other) => panic!("{}: unknown generator {other}", entry.id),
        };
        assert!(compared > 0, "{}: no checksum of its test set", entry.id);
    }
}

/// Half a unit in the last decimal place of `stated` as the manifest writes it, at
/// least of the second (a rounded 96.80 is written 96.8).
fn half_last_digit(stated: f64) -> f64 {
    let text = format!("{stated}");
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len()).max(2);
    0.5 * 10f64.powi(-(decimals as i32))
}

/// A re-measured metric equals the one `entry` states, within its tolerance. The
/// manifest rounds to two decimals, or more for small numbers (abs rel to four); one
/// changed prediction in 1,000 moves an accuracy by 0.1.
fn assert_as_stated(entry: &ModelEntry, m: &Measured) {
    let stated = entry.metric(&m.metric).unwrap();
    assert!(
        (m.value - stated).abs() <= m.tolerance + half_last_digit(stated),
        "{}: {} measured {}, manifest says {stated}",
        entry.id,
        m.metric,
        m.value
    );
}

#[test]
fn headline_metrics_are_reproduced() {
    for entry in &manifest().models {
        let measured = remeasure(entry, &onnx(entry), &models_dir()).unwrap();
        assert!(!measured.is_empty(), "{}: nothing re-measured", entry.id);
        for m in measured {
            assert_as_stated(entry, &m);
        }
    }
}

/// Each digits model is one of several training seeds of its recipe: every other
/// seed's file is the one the manifest names, its metrics (accuracy and the shift
/// metrics) re-measure as stated, and the mean and std over all seeds the manifest
/// states (the page and both READMEs quote them) are what the core computes.
#[test]
fn other_training_seeds_are_reproduced_and_averaged() {
    let manifest = manifest();
    let digits: Vec<&ModelEntry> = manifest
        .models
        .iter()
        .filter(|e| e.family == "digits")
        .collect();
    assert!(
        digits.len() >= 5,
        "the four pooling variants and the no-augmentation one"
    );
    for entry in digits {
        let runs = manifest.seeds_of(&entry.id).unwrap();
        assert!(runs.len() >= 3, "{}: {} seeds", entry.id, runs.len());
        let mut measured: Vec<Vec<Measured>> = Vec::new();
        for run in &runs[1..] {
            let bytes = onnx(run);
            assert_eq!(hex_sha256(&bytes), run.sha256, "{}", run.file);
            let got = remeasure(run, &bytes, &models_dir()).unwrap();
            assert_eq!(got.len(), 4, "{}: accuracy and three shift metrics", run.id);
            for m in &got {
                assert_as_stated(run, m);
            }
            measured.push(got);
        }
        // The shipped seed's own numbers are re-measured by headline_metrics_are_reproduced.
        let shipped = measured[0]
            .iter()
            .map(|m| Measured {
                value: entry.metric(&m.metric).unwrap(),
                ..m.clone()
            })
            .collect();
        measured.insert(0, shipped);
        for m in over_seeds(&measured).unwrap() {
            assert_as_stated(entry, &m);
        }
        assert_eq!(
            entry.metric("seeds").unwrap(),
            runs.len() as f64,
            "{}",
            entry.id
        );
    }
}

/// The mean consistency of `id` minus MaxPool's over their seeds, and the standard
/// error of that difference, √(s₁²/n₁ + s₂²/n₂), from the manifest (which the test
/// above ties to what the core measures).
fn consistency_gap(manifest: &Manifest, id: &str) -> (f64, f64) {
    let stats = |id: &str| {
        let e = manifest.model(id).unwrap();
        let m = |k: &str| e.metric(&format!("test_consistency_percent_{k}")).unwrap();
        (m("mean"), m("std"), e.metric("seeds").unwrap())
    };
    let (mean, std, n) = stats(id);
    let (base, base_std, base_n) = stats("digits-maxpool");
    (
        mean - base,
        (std * std / n + base_std * base_std / base_n).sqrt(),
    )
}

/// What the seeds show, beyond seed noise (a gap of more than twice its standard
/// error; rough with three seeds each): every blur is more consistent than MaxPool,
/// Zhang 2019's direction, and dropping the ±2 px training shifts costs far more
/// consistency than any blur gains (invariance learned from the data, Azulay &
/// Weiss 2019). Not asserted, because it does not hold here: Zhang's "more blur,
/// more consistency" order (our Tri-3 and Bin-5 are within noise of each other),
/// and his accuracy gain (our Tri-3 and Bin-5 are slightly *less* accurate).
#[test]
fn blur_and_shift_augmentation_raise_consistency_beyond_seed_noise() {
    let manifest = manifest();
    let mut largest_gain: f64 = 0.0;
    for id in ["digits-rect2", "digits-tri3", "digits-bin5"] {
        let (gap, se) = consistency_gap(&manifest, id);
        assert!(
            gap > 2.0 * se,
            "{id}: consistency {gap:+.2} ± {se:.2} against MaxPool"
        );
        largest_gain = largest_gain.max(gap);
    }
    let (gap, se) = consistency_gap(&manifest, "digits-maxpool-noaug");
    assert!(gap < -2.0 * se, "no augmentation: {gap:+.2} ± {se:.2}");
    assert!(
        -gap > 5.0 * largest_gain,
        "no augmentation loses {gap:+.2}, blur gains at most {largest_gain:+.2}"
    );
}

#[test]
fn broken_model_files_are_refused_with_a_message() {
    let entry = &manifest().models[0];
    let bytes = onnx(entry);
    let cases: [(&[u8], &str); 3] = [
        (b"", "empty"),
        (b"definitely not protobuf", "ONNX"),
        (&bytes[..bytes.len() / 3], "ONNX"),
    ];
    for (data, needle) in cases {
        let err = ProbeModel::load(data, &entry.interface(), &[])
            .err()
            .expect("must not load");
        assert!(err.0.contains(needle), "{}", err.0);
    }
    let err = ProbeModel::load(&bytes, &entry.interface(), &["no-such-layer".into()])
        .err()
        .unwrap();
    assert!(err.0.contains("no-such-layer"), "{}", err.0);
    let err = ProbeModel::load(
        &bytes,
        &Interface::nchw(&[vec![1, 32, 32], vec![1, 32, 32]]),
        &[],
    )
    .err()
    .unwrap();
    assert!(err.0.contains("input"), "{}", err.0);
}
