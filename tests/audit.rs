//! The audit natively: its parts are the labs' own numbers, a user's model (an
//! upload with its description) audits exactly as the same shipped model, and a
//! part that cannot apply says why without spoiling the rest.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{Value, json};
use shiftlab::lab::{self, Assets};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn digits() -> Vec<String> {
    (0..10)
        .map(|k| format!("models/samples/digit-{k}.png"))
        .collect()
}

fn run(assets: &Assets, lab_id: &str, request: Value) -> Value {
    lab::run_on(root(), assets, lab_id, request, |_, _| {}).unwrap()
}

fn audit_request(model: &str) -> Value {
    json!({"model": model, "images": digits(), "mode": "crop", "range": 6, "pairs": 4, "seed": 3, "crops": 6})
}

#[test]
fn the_audit_reports_the_sweep_labs_own_metrics() {
    let assets = Assets::open(root()).unwrap();
    let report = run(&assets, "audit", audit_request("digits-maxpool"));
    let sweep = |vary: &str| {
        run(
            &assets,
            "sweep",
            json!({"job": "metrics", "model": "digits-maxpool", "vary": vary, "images": digits(),
                   "mode": "crop", "range": 6, "pairs": 4, "seed": 3, "steps": 8,
                   "scaleMin": 0.8, "scaleMax": 1.2, "scaleSteps": 9}),
        )
    };
    assert_eq!(report["shift"]["status"], "measured");
    assert_eq!(report["shift"]["value"], sweep("shift"));
    assert_eq!(report["scale"]["value"], sweep("scale"));
    // Shift and scale are different measurements, not one number twice.
    assert_ne!(report["shift"]["value"], report["scale"]["value"]);
    for part in ["layers", "position", "border"] {
        assert_eq!(
            report[part]["status"], "measured",
            "{part}: {}",
            report[part]
        );
    }
    let layers = report["layers"]["value"].as_array().unwrap();
    assert!(layers.iter().all(|l| l["stride"].as_u64().unwrap() <= 8));
    // The first layer (a stride-1 convolution) is nearly equivariant; pooled layers are not.
    let first = layers[0]["mean"].as_f64().unwrap();
    let last = layers.last().unwrap()["mean"].as_f64().unwrap();
    assert!(first < last / 5.0, "{first} vs {last}");
    let border = report["border"]["value"].as_array().unwrap();
    assert_eq!(border[0]["width"], 0);
    assert_eq!(border[0]["agreement"], 100.0);
    assert!(
        border
            .windows(2)
            .all(|w| w[0]["width"].as_u64() < w[1]["width"].as_u64())
    );
}

#[test]
fn a_users_model_audits_as_the_same_shipped_model() {
    let assets = Assets::open(root()).unwrap();
    let entry = assets.entry("digits-maxpool").unwrap();
    let bytes = std::fs::read(root().join("models").join(&entry.file)).unwrap();
    let id = format!("upload:{}", entry.sha256);
    assets.put(&id, bytes);
    // Without its description the model cannot run, and the message says so.
    let err = lab::run("audit", audit_request(&id), &assets, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("description"), "{err}");
    let mut sidecar = serde_json::to_value(&entry).unwrap();
    for field in [
        "id", "file", "sha256", "family", "golden", "metrics", "eval",
    ] {
        sidecar.as_object_mut().unwrap().remove(field);
    }
    assets.put(&lab::description_key(&id), sidecar.to_string().into_bytes());
    let mine = run(&assets, "audit", audit_request(&id));
    let shipped = run(&assets, "audit", audit_request("digits-maxpool"));
    assert_eq!(mine["model"], id);
    for part in ["shift", "scale", "layers", "position", "border"] {
        assert_eq!(mine[part], shipped[part], "{part}");
    }
}

#[test]
fn a_part_that_cannot_apply_says_why() {
    let assets = Assets::open(root()).unwrap();
    let entry = assets.entry("digits-maxpool").unwrap();
    let id = format!("upload:{}", entry.sha256);
    assets.put(
        &id,
        std::fs::read(root().join("models").join(&entry.file)).unwrap(),
    );
    // No probe layers: nothing to read out or compare layer by layer.
    let mut sidecar = serde_json::to_value(&entry).unwrap();
    sidecar["probes"] = json!([]);
    assets.put(&lab::description_key(&id), sidecar.to_string().into_bytes());
    let report = run(&assets, "audit", audit_request(&id));
    assert_eq!(report["shift"]["status"], "measured");
    assert_eq!(report["border"]["status"], "measured");
    for part in ["layers", "position"] {
        assert_eq!(report[part]["status"], "skipped");
        assert!(
            report[part]["reason"].as_str().unwrap().contains("probe"),
            "{}",
            report[part]
        );
    }
}

#[test]
fn bad_audit_requests_are_refused_with_the_limit() {
    let assets = Assets::open(root()).unwrap();
    let mut request = audit_request("digits-maxpool");
    request["images"] = json!([]);
    let err = lab::run("audit", request, &assets, |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("1 to 64 images"), "{err}");
    let mut request = audit_request("digits-maxpool");
    request["range"] = json!(40);
    assert!(lab::run("audit", request, &assets, |_, _| {}).is_err());
}

/// Stores a fixture model of `tests/fixtures/models` with its sidecar, as the page and the
/// CLI do; answers its id.
fn upload_fixture(assets: &Assets, name: &str) -> String {
    use sha2::{Digest, Sha256};
    let dir = root().join("tests/fixtures/models");
    let bytes = std::fs::read(dir.join(format!("{name}.onnx"))).unwrap();
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let id = format!("upload:{hash}");
    assets.put(&id, bytes);
    let sidecar = std::fs::read(dir.join(format!("{name}.json"))).unwrap();
    assets.put(&lab::description_key(&id), sidecar);
    id
}

/// The fixtures are one network exported five ways (PyTorch NCHW with a dynamic or a fixed
/// batch, tf2onnx-style NHWC with BGR input, ending in a softmax, with a second output): read
/// through their descriptions, all five audit to the same numbers.
#[test]
fn one_network_exported_five_ways_audits_the_same() {
    let assets = Assets::open(root()).unwrap();
    let photos: Vec<String> = shiftlab::labs::audit::READOUT_PHOTOS[..4]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let reports: Vec<(String, Value)> = ["classifier", "batch1", "nhwc", "softmax", "two-outputs"]
        .into_iter()
        .map(|name| {
            let id = upload_fixture(&assets, name);
            let request = json!({"model": id, "images": photos, "mode": "crop", "range": 4, "pairs": 3, "seed": 0, "crops": 6});
            (name.to_string(), run(&assets, "audit", request))
        })
        .collect();
    let (first, reference) = &reports[0];
    for part in ["shift", "scale", "layers", "border"] {
        assert_eq!(
            reference[part]["status"], "measured",
            "{first} {part}: {}",
            reference[part]
        );
        for (name, report) in &reports[1..] {
            assert!(
                close(&report[part], &reference[part]),
                "{name} {part}: {} vs {first}: {}",
                report[part],
                reference[part]
            );
        }
    }
}

/// Equal JSON, numbers within 1e-4 (the formats differ in float rounding only).
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-4
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| close(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

/// Azulay & Weiss's Black (Embed) in an audit: shifts past its 8 px frame cannot be
/// measured without cutting the image, so the shift part says so and the rest stands.
#[test]
fn an_embed_audit_past_the_frame_skips_only_the_shifts() {
    let assets = Assets::open(root()).unwrap();
    let images = &digits()[..2];
    let request = |range: i64| json!({"model": "digits-maxpool", "images": images, "mode": "embed", "range": range, "pairs": 2, "seed": 0, "crops": 2});
    let far = run(&assets, "audit", request(12));
    assert_eq!(far["shift"]["status"], "skipped");
    let reason = far["shift"]["reason"].as_str().unwrap();
    assert!(reason.contains("black frame"), "{reason}");
    assert_eq!(far["scale"]["status"], "measured");
    let near = run(&assets, "audit", request(8));
    assert_eq!(near["shift"]["status"], "measured", "{}", near["shift"]);
    assert_eq!(near["scale"], far["scale"]);
}
