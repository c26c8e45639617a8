//! Lab 2, shift and scale sweeps: one image moved (or scaled) step by step
//! through a model, one layer's shift-compensated difference at a selected step,
//! and the invariance metrics of Zhang 2019 (consistency) and Azulay & Weiss 2019
//! (P(top-1 change), MAC) over one image or a held-out set.

use crate::colormap::{ColorMap, Heatmap};
use crate::equivariance::{Comparison, ShiftViewOptions, shift_view};
use crate::held_out::{held_out_images, held_out_set};
use crate::imaging::{Image, InputSpec, Prepared, check_shift, prepare, prepare_scaled};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once, steps};
use crate::metrics;
use crate::model::ProbeModel;
use crate::rng::Rng;
use crate::shift::{MODE_CHOICES, ShiftMode};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Largest |dx|, |dy| of a sweep.
pub const MAX_RANGE: i64 = 12;
/// Most steps of a scale sweep.
pub const MAX_SCALE_STEPS: usize = 41;
/// Scale factors a sweep may use.
pub const SCALE_LIMITS: (f32, f32) = (0.25, 4.0);

/// What changes along a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "SweepDirection")]
pub enum Direction {
    /// dx from −range to range, dy = 0.
    Horizontal,
    /// dy from −range to range, dx = 0.
    Vertical,
    /// dx = dy from −range to range.
    Diagonal,
    /// Every (dx, dy) in [−range, range]², row by row (dy outer).
    Grid,
    /// Scale factors from `scale_min` to `scale_max` in `scale_steps` even steps.
    Scale,
}

/// One input of a sweep: a shift in pixels or a scale factor about the centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[ts(rename = "SweepTransform")]
pub enum Transform {
    Shift { dx: i64, dy: i64 },
    Scale { scale: f32 },
}

impl Transform {
    fn is_identity(&self) -> bool {
        match *self {
            Transform::Shift { dx, dy } => dx == 0 && dy == 0,
            Transform::Scale { scale } => scale == 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SweepSpec {
    pub direction: Direction,
    /// Largest |shift| in pixels (shift sweeps).
    #[serde(default)]
    pub range: i64,
    #[serde(default = "default_scale_min")]
    pub scale_min: f32,
    #[serde(default = "default_scale_max")]
    pub scale_max: f32,
    #[serde(default = "default_scale_steps")]
    pub scale_steps: usize,
}

fn default_scale_min() -> f32 {
    0.8
}
fn default_scale_max() -> f32 {
    1.2
}
fn default_scale_steps() -> usize {
    21
}

/// The inputs of a sweep, in order.
pub fn transforms(spec: &SweepSpec) -> Result<Vec<Transform>> {
    let r = spec.range;
    if spec.direction != Direction::Scale && !(0..=MAX_RANGE).contains(&r) {
        return Err(err!(
            "a sweep range must be from 0 to {MAX_RANGE} pixels, got {r}"
        ));
    }
    let line = -r..=r;
    let shift = |dx, dy| Transform::Shift { dx, dy };
    Ok(match spec.direction {
        Direction::Horizontal => line.map(|d| shift(d, 0)).collect(),
        Direction::Vertical => line.map(|d| shift(0, d)).collect(),
        Direction::Diagonal => line.map(|d| shift(d, d)).collect(),
        Direction::Grid => line
            .clone()
            .flat_map(|dy| line.clone().map(move |dx| shift(dx, dy)))
            .collect(),
        Direction::Scale => {
            let (lo, hi, n) = (spec.scale_min, spec.scale_max, spec.scale_steps);
            let (min, max) = SCALE_LIMITS;
            if !(lo.is_finite() && hi.is_finite() && min <= lo && lo < hi && hi <= max) {
                return Err(err!(
                    "scales must satisfy {min} ≤ min < max ≤ {max}, got {lo} to {hi}"
                ));
            }
            if !(2..=MAX_SCALE_STEPS).contains(&n) {
                return Err(err!(
                    "a scale sweep needs 2 to {MAX_SCALE_STEPS} steps, got {n}"
                ));
            }
            (0..n)
                .map(|i| {
                    let t = i as f32 / (n - 1) as f32;
                    // Rounded to 1/1000 so that 1.0 is hit exactly when it is on the grid.
                    Transform::Scale {
                        scale: ((lo + (hi - lo) * t) * 1000.0).round() / 1000.0,
                    }
                })
                .collect()
        }
    })
}

/// The model input for one transform of `img`.
pub fn transform_input(
    img: &Image,
    spec: &InputSpec,
    t: Transform,
    mode: ShiftMode,
) -> Result<Prepared> {
    match t {
        Transform::Shift { dx, dy } => prepare(img, spec, dx, dy, mode),
        Transform::Scale { scale } => prepare_scaled(img, spec, scale, mode),
    }
}

/// Softmax probabilities and inputs of a batch of transforms of one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepBatch {
    pub probs: Vec<Vec<f32>>,
    pub previews: Vec<Image>,
}

pub fn run_transforms(
    model: &ProbeModel,
    img: &Image,
    spec: &InputSpec,
    mode: ShiftMode,
    ts: &[Transform],
    probabilities: bool,
) -> Result<SweepBatch> {
    if ts.is_empty() {
        return Err(err!("a sweep needs at least one input"));
    }
    let prepared = ts
        .iter()
        .map(|&t| transform_input(img, spec, t, mode))
        .collect::<Result<Vec<_>>>()?;
    let tensors: Vec<Tensor> = prepared.iter().map(|p| p.tensor.clone()).collect();
    let batch = Tensor::stack(&tensors)?;
    let run = model.run(&[&batch.data], ts.len())?;
    Ok(SweepBatch {
        probs: (0..ts.len())
            .map(|i| metrics::class_probabilities(&run.output.item(i).data, probabilities))
            .collect(),
        previews: prepared.into_iter().map(|p| p.preview).collect(),
    })
}

/// What a sweep shows: the class predicted at each step, the probability of the
/// reference class (top-1 of the untransformed input) at each step, and how
/// often top-1 changes between neighbouring steps of a 1-D sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SweepSummary")]
pub struct SweepSummary {
    pub reference_class: usize,
    /// Index of the untransformed input in the sweep (the first one if absent).
    pub reference_index: usize,
    pub top1: Vec<usize>,
    pub top1_prob: Vec<f32>,
    pub reference_prob: Vec<f32>,
    /// Steps whose top-1 differs from the reference class.
    pub differs_from_reference: usize,
    /// P(top-1 change) between consecutive steps; `None` for a 2-D grid.
    pub p_change_along: Option<f32>,
}

pub fn summarise(
    ts: &[Transform],
    probs: &[Vec<f32>],
    direction: Direction,
) -> Result<SweepSummary> {
    if probs.len() != ts.len() || probs.is_empty() {
        return Err(err!(
            "{} results for a sweep of {} inputs",
            probs.len(),
            ts.len()
        ));
    }
    let top1 = probs
        .iter()
        .map(|p| metrics::top1(p))
        .collect::<Result<Vec<_>>>()?;
    let reference_index = ts.iter().position(Transform::is_identity).unwrap_or(0);
    let reference_class = top1[reference_index];
    let p_change_along = match direction {
        Direction::Grid => None,
        _ if top1.len() < 2 => None,
        _ => Some(metrics::p_top1_change(&top1)?),
    };
    Ok(SweepSummary {
        reference_class,
        reference_index,
        top1_prob: probs.iter().zip(&top1).map(|(p, &k)| p[k]).collect(),
        reference_prob: probs.iter().map(|p| p[reference_class]).collect(),
        differs_from_reference: top1.iter().filter(|&&k| k != reference_class).count(),
        top1,
        p_change_along,
    })
}

/// The metric protocols. Consistency (Zhang 2019): for each image, `pairs`
/// pairs of inputs, % with equal top-1. P(top-1 change) and MAC (Azulay & Weiss
/// 2019): along a sequence of inputs, the fraction of consecutive pairs whose
/// top-1 differs, and the mean |Δp| of the class that is top-1 at the first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricOptions {
    #[serde(flatten)]
    pub input: InputSpec,
    pub mode: ShiftMode,
    #[serde(flatten)]
    pub varied: Varied,
    pub pairs: usize,
    pub seed: u64,
    /// The model's output is already probabilities (it ends in a softmax).
    #[serde(default)]
    pub probabilities: bool,
}

/// What the metrics vary, and over which inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "vary", rename_all = "camelCase")]
pub enum Varied {
    /// Pairs of shifts with dx, dy uniform in ±`range`; the sequence is the
    /// diagonal (0,0), (1,1) … (`steps`,`steps`).
    Shift { range: i32, steps: usize },
    /// Pairs of scales drawn uniformly from `scales`; the sequence is `scales`.
    Scale { scales: Vec<f32> },
}

impl Varied {
    fn check(&self) -> Result<()> {
        match self {
            Varied::Shift { range, steps } => {
                if *steps == 0 {
                    return Err(err!("the metrics need at least one diagonal step"));
                }
                if !(0..=MAX_RANGE as i32).contains(range) {
                    return Err(err!(
                        "the consistency range must be from 0 to {MAX_RANGE}, got {range}"
                    ));
                }
            }
            Varied::Scale { scales } => {
                let (lo, hi) = SCALE_LIMITS;
                if scales.len() < 2 || scales.iter().any(|s| !(lo..=hi).contains(s)) {
                    return Err(err!(
                        "the scale metrics need at least two scales from {lo} to {hi}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Image `index`'s pairs (drawn from stream `index` of `seed`) and its sequence.
    fn inputs(&self, pairs: usize, seed: u64, index: usize) -> Result<Vec<Transform>> {
        let mut rng = Rng::with_stream(seed, index as u64);
        let mut out = Vec::new();
        match self {
            Varied::Shift { range, steps } => {
                for ((ax, ay), (bx, by)) in
                    metrics::random_shift_pairs(&mut rng, pairs, -range, *range)?
                {
                    out.push(Transform::Shift { dx: ax.into(), dy: ay.into() });
                    out.push(Transform::Shift { dx: bx.into(), dy: by.into() });
                }
                out.extend((0..=*steps as i64).map(|d| Transform::Shift { dx: d, dy: d }));
            }
            Varied::Scale { scales } => {
                let mut scale = || Transform::Scale {
                    scale: scales[rng.below(scales.len() as u32) as usize],
                };
                for _ in 0..2 * pairs {
                    out.push(scale());
                }
                out.extend(scales.iter().map(|&scale| Transform::Scale { scale }));
            }
        }
        Ok(out)
    }
}

/// Sums over images, so a long evaluation can run in batches and be merged:
/// image `i` of the set always draws its shifts from stream `i` of the seed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricSums {
    pub images: usize,
    pub consistency: f64,
    pub p_change: f64,
    pub mac: f64,
}

/// Per-image means: consistency in %, P(top-1 change) in [0, 1], MAC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SweepMetrics")]
pub struct ShiftMetrics {
    pub images: usize,
    pub consistency: f64,
    pub p_top1_change: f64,
    pub mac: f64,
}

impl MetricSums {
    pub fn merge(&mut self, other: &MetricSums) {
        self.images += other.images;
        self.consistency += other.consistency;
        self.p_change += other.p_change;
        self.mac += other.mac;
    }

    pub fn finish(&self) -> Result<ShiftMetrics> {
        if self.images == 0 {
            return Err(err!("no image was measured"));
        }
        let n = self.images as f64;
        Ok(ShiftMetrics {
            images: self.images,
            consistency: self.consistency / n,
            p_top1_change: self.p_change / n,
            mac: self.mac / n,
        })
    }
}

/// The metric sums of `images`, the first of which is image `first_index` of its set.
pub fn metric_sums(
    model: &ProbeModel,
    images: &[Image],
    first_index: usize,
    opts: &MetricOptions,
) -> Result<MetricSums> {
    if opts.pairs == 0 {
        return Err(err!("the metrics need at least one pair"));
    }
    opts.varied.check()?;
    let mut tensors = Vec::new();
    let mut per_image = 0;
    for (i, img) in images.iter().enumerate() {
        let inputs = opts.varied.inputs(opts.pairs, opts.seed, first_index + i)?;
        per_image = inputs.len();
        for t in inputs {
            tensors.push(transform_input(img, &opts.input, t, opts.mode)?.tensor);
        }
    }
    let batch = Tensor::stack(&tensors)?;
    let run = model.run(&[&batch.data], tensors.len())?;
    let mut sums = MetricSums::default();
    for i in 0..images.len() {
        let probs: Vec<Vec<f32>> = (0..per_image)
            .map(|j| {
                let scores = &run.output.item(i * per_image + j).data;
                metrics::class_probabilities(scores, opts.probabilities)
            })
            .collect();
        let top1 = probs
            .iter()
            .map(|p| metrics::top1(p))
            .collect::<Result<Vec<_>>>()?;
        let pairs: Vec<(usize, usize)> = top1[..2 * opts.pairs]
            .chunks_exact(2)
            .map(|c| (c[0], c[1]))
            .collect();
        let sequence = 2 * opts.pairs..per_image;
        sums.images += 1;
        sums.consistency += f64::from(metrics::consistency(&pairs)?);
        sums.p_change += f64::from(metrics::p_top1_change(&top1[sequence.clone()])?);
        sums.mac += f64::from(metrics::mean_absolute_change(&probs[sequence])?);
    }
    Ok(sums)
}

/// Images per batch of a held-out evaluation, here and in the worker, so that
/// both sum in the same order.
pub const METRIC_BATCH: usize = 20;

/// The metrics over a whole set, batch by batch.
pub fn set_metrics(
    model: &ProbeModel,
    images: &[Image],
    opts: &MetricOptions,
) -> Result<ShiftMetrics> {
    let mut sums = MetricSums::default();
    for (b, chunk) in images.chunks(METRIC_BATCH).enumerate() {
        sums.merge(&metric_sums(model, chunk, b * METRIC_BATCH, opts)?);
    }
    sums.finish()
}

/// Inputs per model run of a sweep (one step of its job).
pub const SWEEP_BATCH: usize = 16;
/// The page's sweep range (|dx|, |dy| in pixels).
pub const RANGE: (i64, i64) = (1, MAX_RANGE);
/// Steps of the page's scale sweeps.
pub const SCALE_STEPS: usize = 21;
/// The page's smallest and largest scale factors.
pub const SCALE_MIN: (f64, f64) = (0.5, 0.95);
pub const SCALE_MAX: (f64, f64) = (1.05, 2.0);
/// Pairs per held-out digit of the consistency metric.
pub const PAIRS: (i64, i64) = (1, 50);
/// Pairs of the metrics of one image.
pub const IMAGE_PAIRS: usize = 100;
/// Consecutive diagonal one-pixel shifts of P(top-1 change) and MAC (Azulay & Weiss).
pub const DIAGONAL_STEPS: usize = 8;
pub const MAX_SEED: i64 = 9999;
/// Most held-out digits measured.
pub const MAX_COUNT: i64 = 1000;
/// Feature channels drawn at the selected step.
pub const SHOWN_CHANNELS: usize = 8;

const DIRECTION_CHOICES: [(&str, &str, &str); 5] = [
    ("horizontal", "→", "Horizontal: dx from −range to range"),
    ("vertical", "↓", "Vertical: dy from −range to range"),
    ("diagonal", "↘", "Diagonal: dx = dy"),
    (
        "grid",
        "2-D",
        "Every (dx, dy) in the range; the plot shows the selected row",
    ),
    ("scale", "Scale", "Scale about the centre, min× to max×"),
];

pub struct Sweep;

/// What the sweep lab computes: a whole sweep, one step's equivariance at a
/// layer, or the invariance metrics.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase")]
#[ts(rename = "SweepRequest")]
pub enum Request {
    Sweep(SweepRequest),
    Step(StepRequest),
    Metrics(MetricsRequest),
}

/// Every input of a sweep of one image through one model.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SweepCurveRequest")]
pub struct SweepRequest {
    /// Manifest id of a classifier.
    pub model: String,
    /// Asset key of the image.
    pub image: String,
    pub mode: ShiftMode,
    #[serde(flatten)]
    pub sweep: SweepSpec,
}

/// One shift of a sweep at one layer: the shifted input's feature maps and the
/// shift-compensated difference.
pub type StepRequest = Comparison;

/// The invariance metrics over shifts or scales, of one image (`image`), of
/// several (`images`), or of the first `count` of the model's held-out images
/// (all of them when none of the three is given).
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "SweepMetricsRequest")]
pub struct MetricsRequest {
    pub model: String,
    #[serde(default)]
    #[ts(as = "Option<Vary>", optional)]
    pub vary: Vary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub images: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub count: Option<usize>,
    pub mode: ShiftMode,
    /// Consistency shifts are uniform in ±range.
    pub range: i32,
    pub pairs: usize,
    pub seed: u64,
    /// Diagonal steps of P(top-1 change) and MAC (shift metrics).
    pub steps: usize,
    /// The scales of the scale metrics: `scaleSteps` even steps from min to max.
    #[serde(default = "default_scale_min")]
    #[ts(as = "Option<f32>", optional)]
    pub scale_min: f32,
    #[serde(default = "default_scale_max")]
    #[ts(as = "Option<f32>", optional)]
    pub scale_max: f32,
    #[serde(default = "default_scale_steps")]
    #[ts(as = "Option<usize>", optional)]
    pub scale_steps: usize,
}

/// What the invariance metrics vary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "SweepVary")]
pub enum Vary {
    #[default]
    Shift,
    Scale,
}

/// A whole sweep: its inputs, the model's input at each, the summary and, for a
/// 2-D grid, the map of the reference class's probability (rows dy, columns dx).
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SweepCurve")]
pub struct Curve {
    pub transforms: Vec<Transform>,
    pub previews: Vec<Image>,
    pub summary: SweepSummary,
    pub grid: Option<Heatmap>,
}

/// One step at one layer.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SweepStep")]
pub struct Step {
    /// The shifted input as the model sees it.
    pub preview: Image,
    /// Feature shape `[c, h, w]` of the layer.
    pub shape: Vec<usize>,
    /// Channels shown in `features` and `difference`, stacked top to bottom.
    pub channels: usize,
    pub features: Heatmap,
    pub difference: Heatmap,
    pub mean_abs: f32,
    pub cosine_distance: f32,
    /// False when the shift is not a multiple of the stride (the compensation rounds).
    pub exact: bool,
}

fn check(name: &str, value: i64, (lo, hi): (i64, i64)) -> Result<()> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(err!("{name} must be from {lo} to {hi}, got {value}"))
    }
}

fn check_float(name: &str, value: f32, (lo, hi): (f64, f64)) -> Result<()> {
    // Compared in f32: the page's 0.95 arrives as the f32 nearest to it.
    if value.is_finite() && (lo as f32..=hi as f32).contains(&value) {
        Ok(())
    } else {
        Err(err!("{name} must be from {lo} to {hi}, got {value}"))
    }
}

impl Experiment for Sweep {
    const ID: &'static str = "sweep";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let grid_steps = (2 * MAX_RANGE + 1).pow(2);
        vec![
            Setting::model("modelA", "Model A", "classification", "digits-maxpool"),
            Setting::model("modelB", "Model B", "classification", "digits-bin5"),
            Setting::dynamic("image", "Image", Some("digit-3"))
                .note("an uploaded image stays on your machine, so a link cannot carry it"),
            Setting::choice("mode", "Shift mode", &MODE_CHOICES, "black"),
            Setting::choice("direction", "Sweep", &DIRECTION_CHOICES, "horizontal"),
            Setting::int("range", "range ±px", RANGE, 8),
            Setting::float("scaleMin", "scale min", SCALE_MIN, 0.8, 0.05),
            Setting::float("scaleMax", "scale max", SCALE_MAX, 1.2, 0.05),
            // The default is the unshifted input, which the page works out.
            Setting::int("pos", "selected step", (0, grid_steps - 1), 8),
            Setting::dynamic("layer", "Layer", None),
            Setting::int("crange", "consistency shifts ±px", (0, MAX_RANGE), 4),
            Setting::int("pairs", "pairs per digit", PAIRS, 5),
            Setting::int("seed", "seed", (0, MAX_SEED), 0),
            Setting::int("count", "held-out digits", (1, MAX_COUNT), MAX_COUNT),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        Ok(match request {
            Request::Sweep(r) => vec![assets.model_key(&r.model)?, r.image.clone()],
            Request::Step(r) => vec![assets.model_key(&r.model)?, r.image.clone()],
            Request::Metrics(r) => {
                let mut keys = vec![assets.model_key(&r.model)?];
                match (&r.image, &r.images) {
                    (None, None) => keys.push(held_out_set(&assets.entry(&r.model)?)?.key),
                    (image, images) => keys.extend(image.iter().chain(images.iter().flatten()).cloned()),
                }
                keys
            }
        })
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        match request {
            Request::Sweep(r) => plan_sweep(r, assets),
            Request::Step(r) => plan_step(r, assets),
            Request::Metrics(r) => plan_metrics(r, assets),
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Curve>();
        out.add::<Step>();
        out.add::<ShiftMetrics>();
    }
}

fn plan_sweep(r: SweepRequest, assets: &Assets) -> Result<Box<dyn Job>> {
    let spec = r.sweep.clone();
    if spec.direction == Direction::Scale {
        check_float("scaleMin", spec.scale_min, SCALE_MIN)?;
        check_float("scaleMax", spec.scale_max, SCALE_MAX)?;
    } else {
        check("range", spec.range, RANGE)?;
        check_shift(r.mode, spec.range, spec.range)?;
    }
    let ts = transforms(&spec)?;
    let loaded = assets.model(&r.model)?;
    let image = assets.image(&r.image)?;
    let batches = ts.len().div_ceil(SWEEP_BATCH);
    let state = (ts, Vec::<Vec<f32>>::new(), Vec::<Image>::new());
    Ok(steps(
        batches,
        state,
        move |(ts, probs, previews), b| {
            let end = ts.len().min((b + 1) * SWEEP_BATCH);
            let batch = run_transforms(
                &loaded.model,
                &image,
                &loaded.entry.inputs[0].spec,
                r.mode,
                &ts[b * SWEEP_BATCH..end],
                loaded.entry.outputs_probabilities(),
            )?;
            probs.extend(batch.probs);
            previews.extend(batch.previews);
            Ok(())
        },
        move |(ts, probs, previews)| {
            let summary = summarise(&ts, &probs, spec.direction)?;
            let grid = match spec.direction {
                Direction::Grid => {
                    let n = (2 * spec.range + 1) as usize;
                    Some(Heatmap::new(
                        &summary.reference_prob,
                        n,
                        n,
                        ColorMap::Viridis,
                        Some(0.0),
                        Some(1.0),
                    )?)
                }
                _ => None,
            };
            Ok(Curve {
                transforms: ts,
                previews,
                summary,
                grid,
            })
        },
    ))
}

fn plan_step(r: StepRequest, assets: &Assets) -> Result<Box<dyn Job>> {
    check("dx", r.dx, (-MAX_RANGE, MAX_RANGE))?;
    check("dy", r.dy, (-MAX_RANGE, MAX_RANGE))?;
    check_shift(r.mode, r.dx, r.dy)?;
    let loaded = assets.model(&r.model)?;
    let probe = loaded.entry.probe(&r.layer)?.clone();
    let image = assets.image(&r.image)?;
    Ok(once(move || {
        let opts = ShiftViewOptions::at_probe(&loaded.entry, &probe, (r.dx, r.dy), r.mode);
        let view = shift_view(&loaded.model, &image, &opts)?;
        let d = view.difference;
        let diff = Tensor::new(d.shape.clone(), d.data)?;
        let one = |t: &Tensor, map| -> Result<Heatmap> {
            let [heatmap] = <[Heatmap; 1]>::try_from(Heatmap::planes(&[t], SHOWN_CHANNELS, map)?)
                .expect("one tensor gives one map");
            Ok(heatmap)
        };
        Ok(Step {
            preview: view.shifted.preview,
            channels: SHOWN_CHANNELS.min(d.shape[0]),
            features: one(&view.shifted.features, ColorMap::Viridis)?,
            difference: one(&diff, ColorMap::Rdbu)?,
            shape: d.shape,
            mean_abs: d.mean_abs,
            cosine_distance: d.cosine_distance,
            exact: d.exact,
        })
    }))
}

fn plan_metrics(r: MetricsRequest, assets: &Assets) -> Result<Box<dyn Job>> {
    let single = r.image.is_some() || r.images.as_ref().is_some_and(|v| v.len() == 1);
    let pairs_max = if single { IMAGE_PAIRS as i64 } else { PAIRS.1 };
    check("pairs", r.pairs as i64, (PAIRS.0, pairs_max))?;
    check("range", r.range.into(), (0, MAX_RANGE))?;
    check("seed", r.seed.min(i64::MAX as u64) as i64, (0, MAX_SEED))?;
    check("steps", r.steps as i64, (1, MAX_RANGE))?;
    let loaded = assets.model(&r.model)?;
    let load = |keys: &[String]| -> Result<Vec<Image>> {
        keys.iter().map(|k| Ok((*assets.image(k)?).clone())).collect()
    };
    let images: Rc<[Image]> = match (&r.image, &r.images, r.count) {
        (Some(key), None, None) => load(std::slice::from_ref(key))?.into(),
        (None, Some(keys), None) => {
            check("images", keys.len() as i64, (1, MAX_COUNT))?;
            load(keys)?.into()
        }
        (None, None, count) => {
            let mut all = held_out_images(assets, &r.model)?;
            if let Some(n) = count {
                check("count", n as i64, (1, MAX_COUNT))?;
                all.truncate(n);
            }
            all.into()
        }
        _ => return Err(err!("name an image, a list of images or a count of held-out images, not several")),
    };
    let varied = match r.vary {
        Vary::Shift => {
            // Refused here, not at the random pair that happens to leave the frame.
            let reach = i64::from(r.range).max(r.steps as i64);
            check_shift(r.mode, reach, reach)?;
            Varied::Shift { range: r.range, steps: r.steps }
        }
        Vary::Scale => {
            let spec = SweepSpec {
                direction: Direction::Scale,
                range: 0,
                scale_min: r.scale_min,
                scale_max: r.scale_max,
                scale_steps: r.scale_steps,
            };
            let scales = transforms(&spec)?
                .into_iter()
                .filter_map(|t| match t {
                    Transform::Scale { scale } => Some(scale),
                    Transform::Shift { .. } => None,
                })
                .collect();
            Varied::Scale { scales }
        }
    };
    let opts = MetricOptions {
        input: loaded.entry.inputs[0].spec.clone(),
        mode: r.mode,
        varied,
        pairs: r.pairs,
        seed: r.seed,
        probabilities: loaded.entry.outputs_probabilities(),
    };
    // One step per batch of METRIC_BATCH images, summed in the order of `set_metrics`.
    let batches = images.len().div_ceil(METRIC_BATCH);
    // The batches are independent, so the worker pool may spread them (map_reduce).
    Ok(map_reduce(
        batches,
        move |b| {
            let chunk = &images[b * METRIC_BATCH..images.len().min((b + 1) * METRIC_BATCH)];
            metric_sums(&loaded.model, chunk, b * METRIC_BATCH, &opts)
        },
        |parts: Vec<MetricSums>| {
            let mut sums = MetricSums::default();
            for part in &parts {
                sums.merge(part);
            }
            sums.finish()
        },
    ))
}
