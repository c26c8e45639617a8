//! Your own model: every fixture of `tests/fixtures/models/` (written by
//! training/fixtures.py) gives its stated outcome — what inspection reads from it, the
//! golden outputs tract must match through `ProbeModel` with the fixture's sidecar
//! (NHWC, BGR, batch 1 and a second output included), and the words for broken files.

use serde_json::json;
use shiftlab::golden::{Golden, max_golden_error};
use shiftlab::imaging::{ChannelOrder, Layout};
use shiftlab::inspect::{DEFAULT_SIDE, Dim, Inspection, default_description, inspect};
use shiftlab::lab::{self, Assets, description_key};
use shiftlab::manifest::ModelEntry;
use shiftlab::model::{Interface, ProbeModel};
use shiftlab::onnx_file::MAX_MODEL_BYTES;
use std::path::Path;

const RUNNABLE: [&str; 5] = ["classifier", "batch1", "nhwc", "two-outputs", "softmax"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join(format!("tests/fixtures/models/{name}"))).unwrap()
}

fn onnx(name: &str) -> Vec<u8> {
    fixture(&format!("{name}.onnx"))
}

fn sidecar(name: &str) -> ModelEntry {
    serde_json::from_slice(&fixture(&format!("{name}.json"))).unwrap()
}

fn golden(name: &str) -> Golden {
    Golden::parse(std::str::from_utf8(&fixture(&format!("{name}.golden.json"))).unwrap()).unwrap()
}

fn inspected(name: &str) -> Inspection {
    inspect(&onnx(name), None).unwrap()
}

fn node<'a>(inspection: &'a Inspection, name: &str) -> &'a shiftlab::inspect::NodeInfo {
    inspection.nodes.iter().find(|n| n.name == name).unwrap()
}

fn load_error(bytes: &[u8]) -> String {
    ProbeModel::load(bytes, &Interface::nchw(&[vec![3, 32, 32]]), &[])
        .err()
        .expect("must not load")
        .0
}

#[test]
fn a_pytorch_export_is_read_with_its_header_symbols_and_layers() {
    let i = inspected("classifier");
    assert_eq!(i.ir_version, 10);
    assert_eq!((i.opsets[0].domain.as_str(), i.opsets[0].version), ("", 20));
    assert_eq!(i.producer_name, "pytorch");
    assert!(i.producer_version.starts_with("2.15"));
    let meta: Vec<_> = i.metadata.iter().map(|m| (&*m.key, &*m.value)).collect();
    assert_eq!(
        meta,
        [("author", "ShiftLab fixtures"), ("task", "toy classifier")]
    );
    assert_eq!(i.inputs.len(), 1);
    assert_eq!(
        i.inputs[0].dims,
        Some(vec![
            Dim::Symbol("batch".into()),
            Dim::Known(3),
            Dim::Known(32),
            Dim::Known(32)
        ])
    );
    assert_eq!(i.outputs[0].name, "logits");
    assert_eq!(i.outputs[0].node.as_deref(), Some("node_linear"));
    assert_eq!(
        (i.layout, i.channels, i.batch.clone()),
        (
            Some(Layout::Nchw),
            Some(3),
            Some(Dim::Symbol("batch".into()))
        )
    );
    assert_eq!((i.input_size, i.size), (Some([32, 32]), Some([32, 32])));
    assert!(i.problems.is_empty() && i.notes.is_empty(), "{i:?}");
    let ops: Vec<_> = i.nodes.iter().map(|n| n.op.as_str()).collect();
    assert_eq!(
        ops,
        [
            "Conv",
            "Relu",
            "MaxPool",
            "Conv",
            "Relu",
            "MaxPool",
            "ReduceMean",
            "Reshape",
            "Gemm"
        ]
    );
    let pool2 = node(&i, "node_max_pool2d_1");
    assert_eq!(
        (pool2.shape.clone(), pool2.stride),
        (Some(vec![1, 16, 8, 8]), Some(4))
    );
    assert_eq!(node(&i, "node_linear").shape, Some(vec![1, 10]));
    assert_eq!(node(&i, "node_linear").stride, None);
    // At another size the same layers have other shapes but the same strides.
    let big = inspect(&onnx("classifier"), Some([64, 96])).unwrap();
    let pool2 = node(&big, "node_max_pool2d_1");
    assert_eq!(
        (pool2.shape.clone(), pool2.stride),
        (Some(vec![1, 16, 16, 24]), Some(4))
    );
}

#[test]
fn the_default_description_of_a_classifier_runs_and_probes_over_depth() {
    let bytes = onnx("classifier");
    let d = default_description(&inspected("classifier")).unwrap();
    assert_eq!(d.inputs[0].name, "input");
    assert_eq!(d.inputs[0].spec.shape, [3, 32, 32]);
    assert_eq!(d.inputs[0].spec.layout, None);
    assert_eq!(
        (d.output.name.as_str(), d.output.kind.as_str()),
        ("logits", "logits")
    );
    assert_eq!(d.output.shape, [10]);
    let probes: Vec<_> = d
        .probes
        .iter()
        .map(|p| (p.node.as_str(), p.stride))
        .collect();
    assert_eq!(
        probes,
        [
            ("node_relu", 1),
            ("node_relu_1", 2),
            ("node_max_pool2d_1", 4)
        ]
    );
    // What it suggests loads and runs with the feature maps it names.
    let model = ProbeModel::load(&bytes, &d.interface(), &d.probe_nodes()).unwrap();
    let out = model.run(&[&vec![0.5; 2 * 3 * 32 * 32]], 2).unwrap();
    assert_eq!(out.output.shape, [2, 10]);
    assert_eq!(out.features[2].1.shape, [2, 16, 8, 8]);
}

#[test]
fn a_keras_style_nhwc_graph_is_detected_and_its_weights_are_not_inputs() {
    let i = inspected("nhwc");
    // The file lists its six weights as graph inputs too; only the image is an input.
    let names: Vec<_> = i.inputs.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["input_1"]);
    assert_eq!(
        (i.layout, i.channels, i.batch.clone(), i.input_size),
        (
            Some(Layout::Nhwc),
            Some(3),
            Some(Dim::Symbol("unk__6".into())),
            Some([32, 32])
        )
    );
    assert_eq!((i.producer_name.as_str(), i.ir_version), ("tf2onnx", 8));
    // Behind the Transpose the maps are NCHW, and their strides say so.
    let pool1 = node(&i, "model/pool1/MaxPool");
    assert_eq!(
        (pool1.shape.clone(), pool1.stride),
        (Some(vec![1, 8, 16, 16]), Some(2))
    );
    let d = default_description(&i).unwrap();
    assert_eq!(d.inputs[0].spec.layout, Some(Layout::Nhwc));
    assert_eq!(
        (d.output.name.as_str(), d.output.kind.as_str()),
        ("dense", "probabilities")
    );
}

#[test]
fn a_softmax_ending_is_read_as_probabilities_and_a_symbolic_size_is_asked_for() {
    let i = inspected("softmax");
    assert_eq!((i.input_size, i.size), (None, None));
    assert!(i.nodes.iter().all(|n| n.shape.is_none()));
    assert!(
        i.notes.iter().any(|n| n.contains("choose an input size")),
        "{:?}",
        i.notes
    );
    let d = default_description(&i).unwrap();
    assert_eq!(d.inputs[0].spec.shape, [3, DEFAULT_SIDE, DEFAULT_SIDE]);
    assert_eq!(
        (d.output.kind.as_str(), d.output.shape.clone()),
        ("probabilities", vec![10])
    );
    assert!(d.probes.is_empty());
    let sized = inspect(&onnx("softmax"), Some([64, 48])).unwrap();
    assert!(sized.notes.is_empty(), "{:?}", sized.notes);
    assert_eq!(
        node(&sized, "node_max_pool2d").shape,
        Some(vec![1, 8, 32, 24])
    );
    let d = default_description(&sized).unwrap();
    assert_eq!(d.inputs[0].spec.shape, [3, 64, 48]);
    assert_eq!(d.probes.len(), 3);
}

#[test]
fn two_outputs_are_both_listed_and_the_classifier_head_is_suggested() {
    let i = inspected("two-outputs");
    let names: Vec<_> = i.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["embedding", "logits"]);
    assert!(
        i.notes.iter().any(|n| n.contains("2 outputs")),
        "{:?}",
        i.notes
    );
    let d = default_description(&i).unwrap();
    assert_eq!(
        (d.output.name.as_str(), d.output.shape.clone()),
        ("logits", vec![10])
    );
}

#[test]
fn a_fixed_batch_of_one_is_reported_and_runs_any_batch() {
    let i = inspected("batch1");
    assert_eq!(i.batch, Some(Dim::Known(1)));
    assert!(
        i.notes.iter().any(|n| n.contains("batches of 1")),
        "{:?}",
        i.notes
    );
    assert!(i.problems.is_empty());
    // The file fixed to one item and the same net with a dynamic batch give the same
    // answers for a batch of three.
    let entry = sidecar("batch1");
    let g = golden("classifier");
    let item = g.inputs[0].data.len() / 2;
    let three: Vec<f32> = (g.inputs[0].data.iter().chain(&g.inputs[0].data[..item]))
        .copied()
        .collect();
    let fixed = ProbeModel::load(&onnx("batch1"), &entry.interface(), &[]).unwrap();
    let dynamic = ProbeModel::load(&onnx("classifier"), &entry.interface(), &[]).unwrap();
    let (a, b) = (
        fixed.run(&[&three], 3).unwrap(),
        dynamic.run(&[&three], 3).unwrap(),
    );
    assert_eq!(a.output.shape[0], 3);
    assert_eq!(a.output.shape, b.output.shape);
    let worst = (a.output.data.iter().zip(&b.output.data))
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(worst <= 1e-5, "batch-1 file vs dynamic batch: {worst}");
}

#[test]
fn every_runnable_fixture_matches_its_golden_output_through_its_sidecar() {
    for name in RUNNABLE {
        let entry = sidecar(name);
        let err = max_golden_error(&onnx(name), &entry, &golden(name)).unwrap();
        assert!(err <= 1e-4, "{name}: max |tract − torch| = {err}");
        // The sidecar's probes exist and are NCHW feature maps whatever the input layout.
        let model =
            ProbeModel::load(&onnx(name), &entry.interface(), &entry.probe_nodes()).unwrap();
        let g = golden(name);
        let run = model.run(&[&g.inputs[0].data], 2).unwrap();
        assert_eq!(run.features[0].1.shape, [2, 8, 16, 16], "{name}");
        assert_eq!(run.features[1].1.shape, [2, 16, 8, 8], "{name}");
    }
}

#[test]
fn layout_channel_order_and_output_name_each_change_what_is_computed() {
    let g = golden("nhwc");
    let entry = sidecar("nhwc");
    assert_eq!(entry.inputs[0].spec.order, Some(ChannelOrder::Bgr));
    let mut rgb = entry.clone();
    rgb.inputs[0].spec.order = None;
    let err = max_golden_error(&onnx("nhwc"), &rgb, &g).unwrap();
    assert!(
        err > 1e-3,
        "reading the planes as RGB must change the output ({err})"
    );
    let mut nchw = entry.clone();
    nchw.inputs[0].spec.layout = None;
    assert!(max_golden_error(&onnx("nhwc"), &nchw, &g).is_err());
    // Output 0 of two-outputs is the embedding: the sidecar's name picks the logits.
    let mut first = sidecar("two-outputs");
    first.output.name = "embedding".into();
    let err = max_golden_error(&onnx("two-outputs"), &first, &golden("two-outputs"))
        .unwrap_err()
        .0;
    assert!(err.contains("output shape [2, 16]"), "{err}");
    first.output.name = "scores".into();
    let err = max_golden_error(&onnx("two-outputs"), &first, &golden("two-outputs"))
        .unwrap_err()
        .0;
    assert!(
        err.contains("no output named \"scores\" (its outputs: embedding, logits)"),
        "{err}"
    );
}

#[test]
fn ops_tract_cannot_run_are_named_with_their_node() {
    for (name, words) in [
        (
            "rejected-op",
            "node `pad_wrap` (Pad) is not supported by tract 0.23: Unsupported mode wrap",
        ),
        (
            "unknown-op",
            "node `deform_conv` (DeformConv) is not supported by tract 0.23",
        ),
    ] {
        let i = inspected(name);
        assert_eq!(i.problems, [words], "{name}");
        assert!(
            i.nodes
                .iter()
                .any(|n| words.contains(&format!("`{}`", n.name)))
        );
        assert_eq!(load_error(&onnx(name)), words);
    }
}

#[test]
fn broken_files_are_refused_in_words() {
    let cases = [
        ("truncated", "damaged or cut short"),
        ("not-onnx", "not an ONNX model but a PNG image"),
        ("external-data", "stored in `external-data.onnx.data`"),
    ];
    for (name, words) in cases {
        let inspected = inspect(&onnx(name), None).unwrap_err().0;
        assert!(inspected.contains(words), "{name}: {inspected}");
        assert_eq!(load_error(&onnx(name)), inspected);
    }
    let external = load_error(&onnx("external-data"));
    for how in ["external_data=False", "save_as_external_data=False"] {
        assert!(external.contains(how), "{external}");
    }
    assert!(load_error(b"").contains("empty"));
}

#[test]
fn files_and_inputs_too_large_for_a_tab_are_refused_before_reading() {
    // calloc'd and never touched: the length alone must refuse it.
    let huge = vec![0u8; MAX_MODEL_BYTES + 1];
    assert!(load_error(&huge).contains("200 MB"));
    assert!(inspect(&huge, None).unwrap_err().0.contains("200 MB"));
    // The size is checked before the file is read: these bytes are not even ONNX.
    let png = onnx("not-onnx");
    let err = inspect(&png, Some([2048, 2048])).unwrap_err().0;
    assert!(err.contains("1024"), "{err}");
    let err = ProbeModel::load(&png, &Interface::nchw(&[vec![3, 2048, 2048]]), &[])
        .err()
        .unwrap()
        .0;
    assert!(err.contains("1024"), "{err}");
}

fn sha_key(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("upload:{hex}")
}

#[test]
fn the_inspect_lab_reads_an_upload_and_a_described_upload_runs_as_a_model() {
    let assets = Assets::open(root()).unwrap();
    let bytes = onnx("nhwc");
    let key = sha_key(&bytes);
    let request = json!({ "model": key, "size": [64, 64] });
    assert_eq!(
        lab::lab("inspect")
            .unwrap()
            .missing_assets(&request, &assets)
            .unwrap(),
        std::slice::from_ref(&key)
    );
    assets.put(&key, bytes.clone());
    // No description yet: inspecting is what a description starts from.
    let out = lab::run("inspect", request, &assets, |_, _| {}).unwrap();
    assert_eq!(out["inspection"]["layout"], "nhwc");
    assert_eq!(out["inspection"]["size"], json!([64, 64]));
    assert_eq!(out["description"]["inputs"][0]["shape"], json!([3, 64, 64]));
    assert_eq!(out["description"]["output"]["kind"], "probabilities");
    assert!(
        lab::run(
            "inspect",
            json!({ "model": key, "size": [0, 5] }),
            &assets,
            |_, _| {}
        )
        .is_err()
    );
    // With its sidecar stored as the description, the labs' model loader runs it (NHWC, BGR).
    assets.put(&description_key(&key), fixture("nhwc.json"));
    let loaded = assets.model(&key).unwrap();
    let g = golden("nhwc");
    let run = loaded.model.run(&[&g.inputs[0].data], 2).unwrap();
    let err = run
        .output
        .data
        .iter()
        .zip(&g.output.data)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(err <= 1e-4, "{err}");
    // A shipped model is inspected by its manifest id.
    let shipped =
        lab::run_from_disk(root(), "inspect", json!({ "model": "digits-maxpool" })).unwrap();
    assert_eq!(shipped["inspection"]["producerName"], "shiftlab-training");
    assert_eq!(shipped["inspection"]["batch"], "N");
}
