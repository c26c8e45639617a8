//! The benchmark lab: its default request (from its settings) runs on the
//! shipped models, one row per model in order, and the same seed gives the same work.

use serde_json::json;
use shiftlab::lab;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_default_request_times_each_model_and_is_seeded() {
    let defaults = lab::defaults("benchmark").unwrap();
    let default = |name: &str| defaults[name].clone();
    let mut request = json!({
        "models": ["digits-bin5", "siam-shifted"],
        "batch": default("batch"),
        "repeats": 1,
        "seed": default("seed"),
    });
    let a = lab::run_from_disk(root(), "benchmark", request.clone()).unwrap();
    let b = lab::run_from_disk(root(), "benchmark", request.clone()).unwrap();
    assert_eq!(a["batch"], default("batch"));
    let ids: Vec<_> = a["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, [json!("digits-bin5"), json!("siam-shifted")]);
    for (x, y) in a["models"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["models"].as_array().unwrap())
    {
        assert!(x["medianMs"].as_f64().unwrap() >= 0.0);
        assert_eq!(x["checksum"], y["checksum"]);
    }
    request["seed"] = json!(1);
    let c = lab::run_from_disk(root(), "benchmark", request.clone()).unwrap();
    assert_ne!(a["models"][0]["checksum"], c["models"][0]["checksum"]);
    for bad in [
        json!({"repeats": 0}),
        json!({"batch": 0}),
        json!({"models": []}),
        json!({"models": ["nope"]}),
    ] {
        let mut r = request.clone();
        for (k, v) in bad.as_object().unwrap() {
            r[k] = v.clone();
        }
        assert!(
            lab::run_from_disk(root(), "benchmark", r.clone()).is_err(),
            "{r}"
        );
    }
}

#[test]
fn a_profile_times_every_node_of_the_plan() {
    use shiftlab::benchmark::Workload;
    use shiftlab::lab::Assets;
    let assets = Assets::open(root()).unwrap();
    let id = "digits-maxpool";
    assets
        .load_from(root(), &[assets.model_key(id).unwrap()])
        .unwrap();
    let shapes = assets.entry(id).unwrap().input_shapes();
    let model = assets.model_with(id, &shapes, &[]).unwrap();
    let work = Workload::new(&shapes, 4, 0).unwrap();
    let nodes = work.profile(&model, 3).unwrap();
    // The plan's nodes, each named, and the convolutions and poolings among them.
    assert!(nodes.len() > 5, "{nodes:?}");
    assert!(nodes.iter().all(|n| !n.node.is_empty() && n.ms >= 0.0));
    assert!(nodes.iter().map(|n| n.ms).sum::<f64>() > 0.0);
    assert!(nodes.iter().any(|n| n.op.contains("MatMul")), "{nodes:?}");
    assert!(nodes.iter().any(|n| n.op.contains("MaxPool")), "{nodes:?}");
}
