//! Lab 5, borders and absolute location (Kayhan & van Gemert 2020): how often
//! a stack of convolutions sees each input pixel, and the Red-Green models —
//! which tell the order of two boxes or, with padding, their absolute position —
//! on the similar and dissimilar test sets, with a black border and diagonal
//! shifts added to the images.

use crate::colormap::{ColorMap, Heatmap};
use crate::datasets::red_green::{self, SIZE, Split};
use crate::imaging::{Image, planes_to_image};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once};
use crate::metrics::{self, Padding, coverage_map};
use crate::model::ProbeModel;
use crate::pooling::Boundary;
use crate::shift::{ShiftMode, shift_planes};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Largest black border the lab offers: the models then see 96×96 inputs.
pub const MAX_BORDER: usize = 32;
/// Largest diagonal shift, in pixels, either way.
pub const MAX_SHIFT: i64 = 16;
/// Side of the coverage input, kernel side and number of layers.
pub const COVERAGE_N: (i64, i64) = (4, 64);
pub const COVERAGE_K: (i64, i64) = (1, 7);
pub const COVERAGE_LAYERS: (i64, i64) = (1, 8);
/// Test images per Red-Green set.
pub const COUNT: (i64, i64) = (10, 1000);
/// Images per model run of the accuracy job: one job step each.
pub const BATCH: usize = 250;
/// The kinds of convolution: value, label, explanation.
pub const PADDINGS: [(&str, &str, &str); 3] = [
    (
        "Valid",
        "valid",
        "no padding: the output shrinks by k − 1 per layer",
    ),
    (
        "Same",
        "same",
        "(k − 1)/2 padded values on each side: the size is kept",
    ),
    (
        "Full",
        "full",
        "k − 1 padded values on each side: every pixel meets every kernel tap",
    ),
];
/// What padded positions read: value, label, explanation.
pub const BOUNDARIES: [(&str, &str, &str); 3] = [
    ("zero", "zero", "padded values are zeros"),
    ("circular", "circular", "padded values wrap around"),
    ("reflect", "reflect", "padded values mirror the border"),
];

fn within(name: &str, v: i64, (lo, hi): (i64, i64)) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(err!("{name} must be from {lo} to {hi}, got {v}"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BordersCoverageOptions")]
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
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "BordersCoverage")]
pub struct Coverage {
    pub n: usize,
    #[serde(skip)]
    #[ts(skip)]
    pub map: Vec<f64>,
    /// The map in viridis from 0 to its maximum.
    pub heatmap: Heatmap,
    pub min: f64,
    pub max: f64,
    pub corner: f64,
    pub centre: f64,
    /// `corner / centre`: 1 when the border is seen as often as the middle.
    pub corner_to_centre: f64,
}

pub fn coverage(opts: &CoverageOptions) -> Result<Coverage> {
    within("the input side n", opts.n as i64, COVERAGE_N)?;
    within("the kernel side k", opts.k as i64, COVERAGE_K)?;
    within("the number of layers", opts.layers as i64, COVERAGE_LAYERS)?;
    let map = coverage_map(opts.n, opts.k, opts.layers, opts.padding, opts.boundary)?;
    let min = map.iter().copied().fold(f64::INFINITY, f64::min);
    let max = map.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let corner = map[0];
    let centre = map[(opts.n / 2) * opts.n + opts.n / 2];
    let values: Vec<f32> = map.iter().map(|&v| v as f32).collect();
    Ok(Coverage {
        n: opts.n,
        heatmap: Heatmap::new(
            &values,
            opts.n,
            opts.n,
            ColorMap::Viridis,
            Some(0.0),
            Some(max as f32),
        )?,
        corner_to_centre: if centre == 0.0 { 0.0 } else { corner / centre },
        map,
        min,
        max,
        corner,
        centre,
    })
}

/// Which Red-Green images, and what is done to them before the models see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BordersRedGreenSet")]
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

pub struct Borders;

/// What the borders lab computes: coverage maps, example images of the test
/// sets, or the Red-Green models' accuracies on them.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase")]
#[ts(rename = "BordersRequest")]
pub enum Request {
    Coverage(CoverageRequest),
    Examples(ExamplesRequest),
    Accuracy(AccuracyRequest),
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BordersCoverageRequest")]
pub struct CoverageRequest {
    pub maps: Vec<CoverageOptions>,
}

/// The first `count` images of each set, as the models see them.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BordersExamplesRequest")]
pub struct ExamplesRequest {
    pub sets: Vec<RedGreenOptions>,
    pub count: usize,
}

/// Every model (manifest id) on every whole set, in batches of [`BATCH`].
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BordersAccuracyRequest")]
pub struct AccuracyRequest {
    pub models: Vec<String>,
    pub sets: Vec<RedGreenOptions>,
    /// Predictions kept of the first images of each set (for the examples).
    #[serde(default)]
    pub keep: usize,
}

#[derive(Debug, Serialize, TS)]
#[ts(rename = "BordersCoverageResult")]
pub struct CoverageResult {
    pub maps: Vec<Coverage>,
}

#[derive(Debug, Serialize, TS)]
#[ts(rename = "BordersExamples")]
pub struct Examples {
    pub images: Vec<Image>,
    pub labels: Vec<usize>,
}

#[derive(Debug, Serialize, TS)]
#[ts(rename = "BordersExamplesResult")]
pub struct ExamplesResult {
    pub sets: Vec<Examples>,
}

/// One model on every set of the request.
#[derive(Debug, Default, Serialize, TS)]
#[ts(rename = "BordersModelAccuracy")]
pub struct ModelAccuracy {
    /// Percent per set.
    pub accuracies: Vec<f32>,
    /// The first `keep` predictions per set.
    pub predictions: Vec<Vec<usize>>,
}

#[derive(Debug, Serialize, TS)]
#[ts(rename = "BordersAccuracyResult")]
pub struct AccuracyResult {
    pub models: Vec<ModelAccuracy>,
}

fn validate_set(set: &RedGreenOptions) -> Result<()> {
    within("the test images per set", set.n as i64, COUNT)?;
    set.validate()?;
    Ok(())
}

impl Experiment for Borders {
    const ID: &'static str = "borders";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let shift = MAX_SHIFT;
        vec![
            Setting::int("n", "Input n", COVERAGE_N, 16),
            Setting::int("k", "Kernel k", COVERAGE_K, 3),
            Setting::int("layers", "Layers L", COVERAGE_LAYERS, 2),
            Setting::choice("padA", "A: convolution", &PADDINGS, "Valid"),
            Setting::choice("boundA", "A: padding", &BOUNDARIES, "zero"),
            Setting::choice("padB", "B: convolution", &PADDINGS, "Full"),
            Setting::choice("boundB", "B: padding", &BOUNDARIES, "zero"),
            Setting::int("count", "Test images per set", COUNT, 1000),
            Setting::int("border", "Black border b", (0, MAX_BORDER as i64), 0),
            Setting::int("shift", "Diagonal shift", (-shift, shift), 0),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        match request {
            Request::Accuracy(r) => r.models.iter().map(|id| assets.model_key(id)).collect(),
            Request::Coverage(_) | Request::Examples(_) => Ok(Vec::new()),
        }
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        match request {
            Request::Coverage(r) => {
                for opts in &r.maps {
                    coverage(opts)?;
                }
                Ok(once(move || {
                    Ok(CoverageResult {
                        maps: r.maps.iter().map(coverage).collect::<Result<_>>()?,
                    })
                }))
            }
            Request::Examples(r) => {
                for set in &r.sets {
                    validate_set(set)?;
                }
                Ok(once(move || {
                    let sets = r
                        .sets
                        .iter()
                        .map(|set| {
                            let count = r.count.min(set.n);
                            let (batch, labels) = images(set, 0, count)?;
                            let images = (0..count)
                                .map(|i| planes_to_image(&batch.item(i)))
                                .collect();
                            Ok(Examples { images, labels })
                        })
                        .collect::<Result<_>>()?;
                    Ok(ExamplesResult { sets })
                }))
            }
            Request::Accuracy(r) => plan_accuracy(r, assets),
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<CoverageResult>();
        out.add::<ExamplesResult>();
        out.add::<AccuracyResult>();
    }
}

/// One batch of one model on one set.
struct Batch {
    model: usize,
    set: usize,
    start: usize,
    count: usize,
}

/// Predictions and labels of each (model, set) pair, in batch order.
struct Tally {
    predictions: Vec<Vec<usize>>,
    labels: Vec<Vec<usize>>,
}

/// One step per batch of [`BATCH`] images of one model on one set, so progress
/// and cancel come between batches; each model is planned at the input side of
/// each set's border.
fn plan_accuracy(r: AccuracyRequest, assets: &Assets) -> Result<Box<dyn Job>> {
    if r.models.is_empty() || r.sets.is_empty() {
        return Err(err!("the accuracy needs models and test sets"));
    }
    for set in &r.sets {
        validate_set(set)?;
    }
    let planned: Vec<Vec<Rc<ProbeModel>>> = r
        .models
        .iter()
        .map(|id| {
            r.sets
                .iter()
                .map(|set| {
                    let side = input_side(set.border);
                    assets.model_with(id, &[vec![3, side, side]], &[])
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    let mut batches = Vec::new();
    for model in 0..r.models.len() {
        for (set, opts) in r.sets.iter().enumerate() {
            for start in (0..opts.n).step_by(BATCH) {
                let count = BATCH.min(opts.n - start);
                batches.push(Batch {
                    model,
                    set,
                    start,
                    count,
                });
            }
        }
    }
    let sets = r.sets;
    let (keep, n_sets) = (r.keep, sets.len());
    let pairs = r.models.len() * n_sets;
    let batches = Rc::new(batches);
    let for_map = batches.clone();
    // Every batch is independent, so the worker pool may spread them; each pair's
    // predictions are its batches' in step order, as one worker gives them.
    Ok(map_reduce(
        batches.len(),
        move |i| {
            let b = &for_map[i];
            let (images, labels) = images(&sets[b.set], b.start, b.count)?;
            let p = predict(&planned[b.model][b.set], &images)?;
            Ok((p.predictions, labels))
        },
        move |parts: Vec<(Vec<usize>, Vec<usize>)>| {
            let mut tally = Tally {
                predictions: vec![Vec::new(); pairs],
                labels: vec![Vec::new(); pairs],
            };
            for (b, (predictions, labels)) in batches.iter().zip(parts) {
                let pair = b.model * n_sets + b.set;
                tally.predictions[pair].extend(predictions);
                tally.labels[pair].extend(labels);
            }
            let mut models: Vec<ModelAccuracy> = Vec::new();
            for (pair, (predictions, labels)) in
                tally.predictions.iter().zip(&tally.labels).enumerate()
            {
                if pair % n_sets == 0 {
                    models.push(ModelAccuracy::default());
                }
                let m = models.last_mut().expect("a model per set group");
                m.accuracies.push(accuracy_percent(predictions, labels)?);
                m.predictions
                    .push(predictions[..keep.min(predictions.len())].to_vec());
            }
            Ok(AccuracyResult { models })
        },
    ))
}
