//! Lab 5, borders and absolute location (Kayhan & van Gemert 2020): how often
//! a stack of convolutions sees each input pixel, and the Red-Green models —
//! which tell the order of two boxes or, with padding, their absolute position —
//! on the similar and dissimilar test sets, with a black border and diagonal
//! shifts added to the images.

use crate::datasets::red_green::{self, SIZE, Split};
use crate::metrics::{self, Padding, coverage_map};
use crate::model::ProbeModel;
use crate::pooling::Boundary;
use crate::shift::{ShiftMode, shift_planes};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};

/// Largest black border the lab offers: the models then see 96×96 inputs.
pub const MAX_BORDER: usize = 32;
/// Largest diagonal shift, in pixels, either way.
pub const MAX_SHIFT: i64 = 16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageOptions {
    /// Side of the square input.
    pub n: usize,
    /// Kernel side.
    pub k: usize,
    pub layers: usize,
    pub padding: Padding,
    /// What padded positions read: zeros, or a copy of a pixel (circular, reflect).
    pub boundary: Boundary,
}

/// The `n × n` map of how many times each input pixel is used, with the
/// numbers a reader compares: the corner, the centre, and their ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub n: usize,
    pub map: Vec<f64>,
    pub min: f64,
    pub max: f64,
    pub corner: f64,
    pub centre: f64,
    /// `corner / centre`: 1 when the border is seen as often as the middle.
    pub corner_to_centre: f64,
}

pub fn coverage(opts: &CoverageOptions) -> Result<Coverage> {
    if opts.n > 256 || opts.k > 15 || opts.layers > 16 {
        return Err(err!(
            "coverage is offered for n ≤ 256, k ≤ 15 and at most 16 layers"
        ));
    }
    let map = coverage_map(opts.n, opts.k, opts.layers, opts.padding, opts.boundary)?;
    let min = map.iter().copied().fold(f64::INFINITY, f64::min);
    let max = map.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let corner = map[0];
    let centre = map[(opts.n / 2) * opts.n + opts.n / 2];
    Ok(Coverage {
        n: opts.n,
        corner_to_centre: if centre == 0.0 { 0.0 } else { corner / centre },
        map,
        min,
        max,
        corner,
        centre,
    })
}

/// Which Red-Green images, and what is done to them before the models see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedGreenOptions {
    /// `similar` or `dissimilar` (or `train`).
    pub split: String,
    /// Size of the whole test set and the generator seed: the same pair gives
    /// the same images here, natively and in training.
    pub n: usize,
    pub seed: u64,
    /// Black pixels added on every side (`add_black_border`).
    #[serde(default)]
    pub border: usize,
    /// Diagonal shift `(d, d)` of the bordered image, black coming in.
    #[serde(default)]
    pub shift: i64,
}

impl RedGreenOptions {
    fn validate(&self) -> Result<Split> {
        if self.border > MAX_BORDER {
            return Err(err!("the border is at most {MAX_BORDER} pixels"));
        }
        if self.shift.abs() > MAX_SHIFT {
            return Err(err!("the diagonal shift is at most ±{MAX_SHIFT} pixels"));
        }
        self.split.parse()
    }
}

/// Side of the models' input for a border of `b` pixels: the networks are fully
/// convolutional with a global max pool, so any size runs.
pub fn input_side(border: usize) -> usize {
    SIZE + 2 * border
}

/// Images `start..start + count` of the test set, bordered and shifted, as
/// `[count, 3, side, side]`, with their labels.
pub fn images(opts: &RedGreenOptions, start: usize, count: usize) -> Result<(Tensor, Vec<usize>)> {
    let split = opts.validate()?;
    if count == 0 || start + count > opts.n {
        return Err(err!(
            "images {start}..{} are not in a set of {}",
            start + count,
            opts.n
        ));
    }
    // The generator draws images in order, so the first `start + count` of a set
    // of n are the same as the first ones of the whole set.
    let set = red_green::generate(split, start + count, opts.seed)?;
    let items = (start..start + count)
        .map(|i| {
            let bordered = red_green::add_black_border(&set.images.item(i), opts.border)?;
            Ok(shift_planes(
                &bordered,
                opts.shift,
                opts.shift,
                ShiftMode::Black,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let labels = set.targets.data[start..]
        .iter()
        .map(|&t| t as usize)
        .collect();
    Ok((Tensor::stack(&items)?, labels))
}

/// A model's answers on a batch: the predicted class of each image and the
/// probability of class 1 ("green left of red").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predictions {
    pub predictions: Vec<usize>,
    pub p_green_left: Vec<f32>,
}

pub fn predict(model: &ProbeModel, batch: &Tensor) -> Result<Predictions> {
    let n = batch.shape[0];
    let run = model.run(&[&batch.data], n)?;
    let mut out = Predictions {
        predictions: Vec::with_capacity(n),
        p_green_left: Vec::with_capacity(n),
    };
    for i in 0..n {
        let probs = metrics::softmax(&run.output.item(i).data);
        if probs.len() != 2 {
            return Err(err!(
                "a Red-Green model has 2 outputs, this one has {}",
                probs.len()
            ));
        }
        out.predictions.push(metrics::top1(&probs)?);
        out.p_green_left.push(probs[1]);
    }
    Ok(out)
}

/// Accuracy in percent, as the paper's table reports it.
pub fn accuracy_percent(predictions: &[usize], labels: &[usize]) -> Result<f32> {
    Ok(metrics::accuracy(predictions, labels)? * 100.0)
}

/// A whole test set through one model, in batches.
pub fn evaluate(model: &ProbeModel, opts: &RedGreenOptions, batch: usize) -> Result<f32> {
    let (mut predictions, mut labels) = (Vec::new(), Vec::new());
    for start in (0..opts.n).step_by(batch.max(1)) {
        let (images, l) = images(opts, start, batch.min(opts.n - start))?;
        predictions.extend(predict(model, &images)?.predictions);
        labels.extend(l);
    }
    accuracy_percent(&predictions, &labels)
}

#[derive(Deserialize)]
struct AccuracyOptions {
    models: Vec<String>,
    /// One entry per test set, e.g. `{"split":"dissimilar","n":1000,"seed":3,"border":4}`.
    sets: Vec<RedGreenOptions>,
}

#[derive(Deserialize)]
struct NativeOptions {
    #[serde(default)]
    coverage: Vec<CoverageOptions>,
    #[serde(default)]
    accuracy: Option<AccuracyOptions>,
}

/// `{"coverage": [...], "accuracy": {"models": [...], "sets": [...]}}` → the
/// coverage summaries and `accuracy[model][set index]` in percent.
pub fn native(lib: &crate::library::Library, opts: serde_json::Value) -> Result<serde_json::Value> {
    let opts: NativeOptions = super::options(opts, "borders")?;
    let coverage = opts
        .coverage
        .iter()
        .map(|c| {
            let cov = coverage(c)?;
            Ok(serde_json::json!({
                "min": cov.min, "max": cov.max, "corner": cov.corner, "centre": cov.centre,
                "cornerToCentre": cov.corner_to_centre,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut accuracy = serde_json::Map::new();
    if let Some(acc) = opts.accuracy {
        for id in &acc.models {
            let bytes = lib.onnx(id)?;
            let mut per_set = Vec::new();
            for set in &acc.sets {
                let side = input_side(set.border);
                let model = ProbeModel::load(&bytes, &[vec![3, side, side]], &[])?;
                per_set.push(evaluate(&model, set, 250)?);
            }
            accuracy.insert(id.clone(), serde_json::json!(per_set));
        }
    }
    Ok(serde_json::json!({ "coverage": coverage, "accuracy": accuracy }))
}
