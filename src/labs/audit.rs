//! The audit: one model (yours or a shipped one) through every measurement the
//! labs make, as one job with progress and cancel — shift and scale invariance
//! (Zhang 2019; Azulay & Weiss 2019), per-layer equivariance, absolute position
//! read out from its features (Islam et al. 2020) and its sensitivity to a black
//! border. Each part is the request the lab itself answers, sent through the lab
//! registry as the page sends it, so the audit's numbers are the labs' numbers;
//! a part that cannot apply to the model says why and spoils no other.

use crate::imaging::{normalise, prepare, to_planes};
use crate::lab::{self, Assets, Experiment, Job, SectionResult, Setting, sections};
use crate::shift::{MODE_CHOICES, ShiftMode};
use crate::{Result, Tensor, err, metrics};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

/// Most images an audit measures.
pub const MAX_IMAGES: usize = 64;
/// Largest |dx|, |dy| of the consistency shifts.
pub const RANGE: (i64, i64) = (1, 12);
pub const PAIRS: (i64, i64) = (1, 20);
pub const SEEDS: (i64, i64) = (0, 9999);
/// Crops per photo the position readout is fitted on, and tested on.
pub const CROPS: (i64, i64) = (2, 16);
pub const DEFAULT_CROPS: usize = 6;
/// Diagonal one-pixel steps of P(top-1 change) and MAC.
pub const DIAGONAL_STEPS: usize = 8;
/// The scales of the scale metrics: 9 even steps from 0.8 to 1.2 (1.0 among them).
pub const SCALES: (f32, f32, usize) = (0.8, 1.2, 9);
/// Images of the per-layer equivariance (a period² grid of shifts each).
pub const LAYER_IMAGES: usize = 4;
/// Largest total stride measured layer by layer (its period² shifts per image).
pub const LAYER_MAX_STRIDE: usize = 8;
/// Black border widths, as fractions of the input's shorter side.
pub const BORDER_FRACTIONS: [f32; 5] = [0.0, 1.0 / 32.0, 1.0 / 16.0, 1.0 / 8.0, 1.0 / 4.0];
/// The bundled photos the position readout is fitted on (first seven) and tested
/// on (last three), as the position lab does.
pub const READOUT_PHOTOS: [&str; 10] = [
    "models/photos/chelsea.png",
    "models/photos/astronaut.png",
    "models/photos/camera.png",
    "models/photos/coffee.png",
    "models/photos/rocket.png",
    "models/photos/immunohistochemistry.png",
    "models/photos/china.png",
    "models/photos/flower.png",
    "models/photos/hubble_deep_field.png",
    "models/photos/coins.png",
];
const READOUT_TRAIN: usize = 7;
/// Side of the grid the readout's layers are resized to.
const READOUT_GRID: usize = 8;
/// The position maps read out: horizontal and vertical gradients.
const READOUT_TARGETS: [&str; 2] = ["H", "V"];

pub struct Audit;

/// Audit one model on `images`.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "AuditRequest")]
pub struct Request {
    /// A manifest id or a user's model (`upload:<sha256>`).
    pub model: String,
    /// Asset keys of the images to measure on.
    pub images: Vec<String>,
    pub mode: ShiftMode,
    /// Consistency shifts are uniform in ±range.
    pub range: i64,
    pub pairs: usize,
    pub seed: u64,
    /// Crops per photo of the position readout, for fitting and for testing.
    pub crops: usize,
}

/// A part of the report: measured, or why it does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "status", rename_all = "camelCase")]
#[ts(rename = "AuditSection")]
pub enum Section<T> {
    Measured { value: T },
    Skipped { reason: String },
}

/// Consistency in %, P(top-1 change) in [0, 1] and MAC, mean over images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AuditInvariance")]
pub struct Invariance {
    pub images: usize,
    pub consistency: f64,
    pub p_top1_change: f64,
    pub mac: f64,
}

/// One layer's mean distance between the shifted input's features and the
/// shift-compensated original's (0 = perfectly equivariant), over its period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AuditLayer")]
pub struct LayerScore {
    pub name: String,
    pub stride: usize,
    pub mean: f64,
}

/// How well a linear readout of the probed layers draws a position map on held-out photos.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AuditReadout")]
pub struct ReadoutScore {
    pub target: String,
    /// The layers read out together, joined by " + ".
    pub layers: String,
    pub spc: f64,
    pub mae: f64,
}

/// The prediction with a black frame `width` px wide painted over the input's edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AuditBorder")]
pub struct BorderRow {
    pub width: usize,
    /// % of images whose top-1 is the one without a frame.
    pub agreement: f64,
    /// Mean probability of the top-1 class without a frame.
    pub probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "AuditReport")]
pub struct Report {
    pub model: String,
    /// `[c, h, w]` of the model's input.
    pub input: Vec<usize>,
    pub images: usize,
    pub mode: ShiftMode,
    pub range: i64,
    pub shift: Section<Invariance>,
    pub scale: Section<Invariance>,
    pub layers: Section<Vec<LayerScore>>,
    pub position: Section<Vec<ReadoutScore>>,
    pub border: Section<Vec<BorderRow>>,
}

fn within(name: &str, v: i64, (lo, hi): (i64, i64)) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(err!("{name} must be from {lo} to {hi}, got {v}"))
    }
}

/// A part of the audit: which lab answers it and its request.
struct Part {
    lab: &'static str,
    request: Value,
}

fn parts(r: &Request, assets: &Assets) -> Result<Vec<std::result::Result<Part, String>>> {
    let entry = assets.entry(&r.model)?;
    let metrics = |vary: &str| {
        Ok(Part {
            lab: "sweep",
            request: json!({
                "job": "metrics", "model": r.model, "vary": vary, "images": r.images,
                "mode": r.mode, "range": r.range, "pairs": r.pairs, "seed": r.seed,
                "steps": DIAGONAL_STEPS,
                "scaleMin": SCALES.0, "scaleMax": SCALES.1, "scaleSteps": SCALES.2,
            }),
        })
    };
    let layers: Vec<&str> = entry
        .probes
        .iter()
        .filter(|p| p.stride <= LAYER_MAX_STRIDE)
        .map(|p| p.name.as_str())
        .collect();
    let layerwise = if layers.is_empty() {
        Err(format!(
            "no probe layer has a total stride of at most {LAYER_MAX_STRIDE} (probe one in the description)"
        ))
    } else {
        Ok(Part {
            lab: "layers",
            request: json!({
                "models": [r.model], "count": r.images.len().min(LAYER_IMAGES),
                "images": r.images, "layers": layers,
            }),
        })
    };
    // The paper's readout: every probed layer resized to one grid and concatenated, 3×3.
    let probed: Vec<&str> = entry.probes.iter().map(|p| p.name.as_str()).collect();
    let readout = if probed.is_empty() {
        Err("the description names no probe layer to read out".to_string())
    } else {
        Ok(Part {
            lab: "position",
            request: json!({
                "job": "readout", "models": [r.model],
                "trainImages": READOUT_PHOTOS[..READOUT_TRAIN],
                "testImages": READOUT_PHOTOS[READOUT_TRAIN..],
                "layers": probed, "targets": READOUT_TARGETS, "grid": READOUT_GRID, "kernel": 3,
                "lambda": 0.01, "trainCrops": r.crops, "testCrops": r.crops, "seed": r.seed.min(99),
            }),
        })
    };
    Ok(vec![
        metrics("shift"),
        metrics("scale"),
        layerwise,
        readout,
    ])
}

impl Experiment for Audit {
    const ID: &'static str = "audit";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        vec![
            Setting::dynamic("model", "Model", None),
            Setting::choice("mode", "Shift mode", &MODE_CHOICES, "crop"),
            Setting::int("range", "consistency shifts ±px", RANGE, 8),
            Setting::int("pairs", "pairs per image", PAIRS, 5),
            Setting::int("seed", "seed", SEEDS, 0),
            Setting::int("crops", "readout crops per photo", CROPS, DEFAULT_CROPS as i64),
        ]
    }

    fn assets(r: &Request, assets: &Assets) -> Result<Vec<String>> {
        let mut keys = vec![assets.model_key(&r.model)?];
        keys.extend(r.images.iter().cloned());
        for part in parts(r, assets)?.into_iter().flatten() {
            keys.extend(lab::lab(part.lab)?.assets(&part.request, assets)?);
        }
        Ok(keys)
    }

    fn plan(r: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        if r.images.is_empty() || r.images.len() > MAX_IMAGES {
            return Err(err!("an audit measures 1 to {MAX_IMAGES} images, got {}", r.images.len()));
        }
        within("range", r.range, RANGE)?;
        within("pairs", r.pairs as i64, PAIRS)?;
        within("seed", r.seed.min(i64::MAX as u64) as i64, SEEDS)?;
        within("crops", r.crops as i64, CROPS)?;
        let loaded = assets.model(&r.model)?;
        let spec = loaded.entry.inputs[0].spec.clone();
        spec.validate()?;
        let mut jobs: Vec<std::result::Result<Box<dyn Job>, String>> = parts(&r, assets)?
            .into_iter()
            .map(|part| {
                let part = part?;
                lab::lab(part.lab)
                    .and_then(|l| l.plan(part.request, assets))
                    .map_err(|e| e.to_string())
            })
            .collect();
        let images = r
            .images
            .iter()
            .map(|k| assets.image(k))
            .collect::<Result<Vec<_>>>()?;
        let probabilities = loaded.entry.outputs_probabilities();
        let border_spec = spec.clone();
        // A job of one step that the worker pool can hand to a worker of its own.
        jobs.push(Ok(lab::map_reduce(
            1,
            move |_| border_rows(&loaded.model, &images, &border_spec, probabilities),
            |mut rows: Vec<Vec<BorderRow>>| rows.pop().ok_or_else(|| err!("no border rows")),
        )));
        let read_layers = (loaded.entry.probes.iter().map(|p| p.name.as_str()))
            .collect::<Vec<_>>()
            .join(" + ");
        Ok(sections(jobs, move |results: Vec<SectionResult>| {
            let [shift, scale, layers, position, border] = <[SectionResult; 5]>::try_from(results)
                .map_err(|_| err!("the audit lost a part"))?;
            // One readout per target, in READOUT_TARGETS' order (the audit's one encoder).
            let readouts = |part: SectionResult| -> std::result::Result<Vec<ReadoutScore>, String> {
                let part = part?;
                (READOUT_TARGETS.iter().enumerate())
                    .map(|(k, target)| {
                        let readout = &part["encoders"][k];
                        let number = |key: &str| readout[key].as_f64().ok_or_else(|| format!("the readout gave no {key} for {target}"));
                        Ok(ReadoutScore {
                            target: target.to_string(),
                            layers: read_layers.clone(),
                            spc: number("spc")?,
                            mae: number("mae")?,
                        })
                    })
                    .collect()
            };
            let position = match readouts(position) {
                Ok(value) => Section::Measured { value },
                Err(reason) => Section::Skipped { reason },
            };
            Ok(Report {
                model: r.model,
                input: spec.shape.clone(),
                images: r.images.len(),
                mode: r.mode,
                range: r.range,
                shift: section(shift, decode),
                scale: section(scale, decode),
                layers: section(layers, |v| decode(&v["models"][0]["layers"])),
                position,
                border: section(border, decode),
            })
        }))
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Report>();
    }
}

fn decode<T: DeserializeOwned>(v: &Value) -> std::result::Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("unexpected result: {e}"))
}

fn section<T>(
    part: SectionResult,
    read: impl FnOnce(&Value) -> std::result::Result<T, String>,
) -> Section<T> {
    match part.and_then(|v| read(&v)) {
        Ok(value) => Section::Measured { value },
        Err(reason) => Section::Skipped { reason },
    }
}

/// The black-border rows: each image as the model sees it, then with a black
/// frame of each width of [`BORDER_FRACTIONS`] painted over its edge.
pub fn border_rows(
    model: &crate::model::ProbeModel,
    images: &[std::rc::Rc<crate::imaging::Image>],
    spec: &crate::imaging::InputSpec,
    probabilities: bool,
) -> Result<Vec<BorderRow>> {
    let (c, h, w) = spec.validate()?;
    let widths: Vec<usize> = BORDER_FRACTIONS
        .iter()
        .map(|f| (f * h.min(w) as f32).round() as usize)
        .collect();
    let mut inputs = Vec::with_capacity(images.len() * widths.len());
    for img in images {
        let seen = prepare(img, spec, 0, 0, ShiftMode::Crop)?.preview;
        for &width in &widths {
            let mut framed = seen.clone();
            for y in 0..h {
                for x in 0..w {
                    if x < width || y < width || x + width >= w || y + width >= h {
                        let at = 4 * (y * w + x);
                        framed.rgba[at..at + 3].fill(0);
                    }
                }
            }
            inputs.push(normalise(&to_planes(&framed, c), spec));
        }
    }
    let batch = Tensor::stack(&inputs)?;
    let run = model.run(&[&batch.data], inputs.len())?;
    let n = widths.len();
    let mut rows: Vec<BorderRow> = widths
        .iter()
        .map(|&width| BorderRow {
            width,
            agreement: 0.0,
            probability: 0.0,
        })
        .collect();
    for i in 0..images.len() {
        let probs: Vec<Vec<f32>> = (0..n)
            .map(|k| metrics::class_probabilities(&run.output.item(i * n + k).data, probabilities))
            .collect();
        let reference = metrics::top1(&probs[0])?;
        for (row, p) in rows.iter_mut().zip(&probs) {
            row.agreement += f64::from(u8::from(metrics::top1(p)? == reference));
            row.probability += f64::from(p[reference]);
        }
    }
    let count = images.len() as f64;
    for row in &mut rows {
        row.agreement *= 100.0 / count;
        row.probability /= count;
    }
    Ok(rows)
}

/// The report as the CLI prints it: one line per number, sections that did not
/// apply with their reason.
pub fn as_text(report: &Value) -> String {
    let mut out = format!(
        "audit of {} (input {}), {} images, {} shifts up to ±{} px\n",
        report["model"].as_str().unwrap_or("?"),
        report["input"],
        report["images"],
        report["mode"].as_str().unwrap_or("?"),
        report["range"],
    );
    let skipped = |name: &str, section: &Value| -> Option<String> {
        (section["status"] == "skipped").then(|| {
            let reason = section["reason"].as_str().unwrap_or("?");
            format!("{name}: not measured: {reason}\n")
        })
    };
    for (name, key) in [("shift", "shift"), ("scale", "scale")] {
        let section = &report[key];
        out += &skipped(name, section).unwrap_or_else(|| {
            let v = &section["value"];
            format!(
                "{name}: consistency {:.2} %, P(top-1 change) {:.4}, MAC {:.4}\n",
                v["consistency"].as_f64().unwrap_or(f64::NAN),
                v["pTop1Change"].as_f64().unwrap_or(f64::NAN),
                v["mac"].as_f64().unwrap_or(f64::NAN),
            )
        });
    }
    let rows = |name: &str, key: &str, line: &dyn Fn(&Value) -> String| {
        skipped(name, &report[key]).unwrap_or_else(|| {
            let lines: Vec<String> = report[key]["value"]
                .as_array()
                .map(|a| a.iter().map(line).collect())
                .unwrap_or_default();
            format!("{name}:\n{}", lines.concat())
        })
    };
    let number = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    out += &rows("layers (mean feature distance after a shift; 0 = equivariant)", "layers", &|l| {
        format!("  {} (stride {}): {:.4}\n", l["name"].as_str().unwrap_or("?"), l["stride"], number(l, "mean"))
    });
    out += &rows("position readout (Spearman, MAE on held-out photos)", "position", &|p| {
        format!(
            "  {} from {}: SPC {:.3}, MAE {:.3}\n",
            p["target"].as_str().unwrap_or("?"),
            p["layers"].as_str().unwrap_or("?"),
            number(p, "spc"),
            number(p, "mae")
        )
    });
    out += &rows("black border (same top-1 %, p of the unframed top-1)", "border", &|b| {
        format!(
            "  {:>3} px: {:.1} %, {:.4}\n",
            b["width"],
            number(b, "agreement"),
            number(b, "probability")
        )
    });
    out
}
