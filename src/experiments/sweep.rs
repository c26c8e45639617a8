//! Lab 2, shift and scale sweeps: one image moved (or scaled) step by step
//! through a model, and the invariance metrics of Zhang 2019 (consistency) and
//! Azulay & Weiss 2019 (P(top-1 change), MAC) over one image or a held-out set.

use crate::evaluation::u8_images;
use crate::imaging::{Image, InputSpec, Prepared, prepare, prepare_scaled};
use crate::metrics;
use crate::model::ProbeModel;
use crate::rng::Rng;
use crate::shift::ShiftMode;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};

/// Largest |dx|, |dy| of a sweep.
pub const MAX_RANGE: i64 = 12;
/// Most steps of a scale sweep.
pub const MAX_SCALE_STEPS: usize = 41;
/// Scale factors a sweep may use.
pub const SCALE_LIMITS: (f32, f32) = (0.25, 4.0);

/// What changes along a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
            .map(|i| metrics::softmax(&run.output.item(i).data))
            .collect(),
        previews: prepared.into_iter().map(|p| p.preview).collect(),
    })
}

/// What a sweep shows: the class predicted at each step, the probability of the
/// reference class (top-1 of the untransformed input) at each step, and how
/// often top-1 changes between neighbouring steps of a 1-D sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
/// pairs of shifts with dx, dy uniform in [−range, range], % with equal top-1.
/// P(top-1 change) and MAC (Azulay & Weiss 2019): over the diagonal shifts
/// (0,0), (1,1) … (steps,steps), the fraction of consecutive pairs whose top-1
/// differs, and the mean |Δp| of the class that is top-1 at (0,0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricOptions {
    #[serde(flatten)]
    pub input: InputSpec,
    pub mode: ShiftMode,
    pub range: i32,
    pub pairs: usize,
    pub seed: u64,
    pub steps: usize,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    if opts.pairs == 0 || opts.steps == 0 {
        return Err(err!("the metrics need at least one pair and one step"));
    }
    if !(0..=MAX_RANGE as i32).contains(&opts.range) {
        return Err(err!(
            "the consistency range must be from 0 to {MAX_RANGE}, got {}",
            opts.range
        ));
    }
    let per_image = 2 * opts.pairs + opts.steps + 1;
    let mut shifts_of = Vec::with_capacity(images.len());
    let mut tensors = Vec::with_capacity(images.len() * per_image);
    for (i, img) in images.iter().enumerate() {
        let mut rng = Rng::with_stream(opts.seed, (first_index + i) as u64);
        let pairs = metrics::random_shift_pairs(&mut rng, opts.pairs, -opts.range, opts.range)?;
        let mut shifts: Vec<(i64, i64)> = Vec::with_capacity(per_image);
        for ((ax, ay), (bx, by)) in pairs {
            shifts.push((ax.into(), ay.into()));
            shifts.push((bx.into(), by.into()));
        }
        shifts.extend((0..=opts.steps as i64).map(|d| (d, d)));
        for &(dx, dy) in &shifts {
            tensors.push(prepare(img, &opts.input, dx, dy, opts.mode)?.tensor);
        }
        shifts_of.push(shifts);
    }
    let batch = Tensor::stack(&tensors)?;
    let run = model.run(&[&batch.data], tensors.len())?;
    let mut sums = MetricSums::default();
    for i in 0..images.len() {
        let probs: Vec<Vec<f32>> = (0..per_image)
            .map(|j| metrics::softmax(&run.output.item(i * per_image + j).data))
            .collect();
        let top1 = probs
            .iter()
            .map(|p| metrics::top1(p))
            .collect::<Result<Vec<_>>>()?;
        let pairs: Vec<(usize, usize)> = top1[..2 * opts.pairs]
            .chunks_exact(2)
            .map(|c| (c[0], c[1]))
            .collect();
        let diagonal = 2 * opts.pairs..per_image;
        sums.images += 1;
        sums.consistency += f64::from(metrics::consistency(&pairs)?);
        sums.p_change += f64::from(metrics::p_top1_change(&top1[diagonal.clone()])?);
        sums.mac += f64::from(metrics::mean_absolute_change(&probs[diagonal])?);
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

/// The held-out images of a model's manifest `eval` recipe (u8 pixels).
pub fn held_out_images(lib: &crate::library::Library, model: &str) -> Result<Vec<Image>> {
    #[derive(Deserialize)]
    struct Recipe {
        images: String,
        image_shape: Vec<usize>,
    }
    let entry = lib.entry(model)?;
    let recipe: Recipe = serde_json::from_value(entry.eval.clone())
        .map_err(|e| err!("{model} has no held-out image set: {e}"))?;
    u8_images(
        &lib.read(&format!("models/{}", recipe.images))?,
        &recipe.image_shape,
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NativeSweep {
    model: String,
    image: String,
    mode: ShiftMode,
    #[serde(flatten)]
    sweep: SweepSpec,
}

/// `shiftlab experiment sweep '{"model", "image", "mode", "direction", "range" | "scaleMin", …}'`:
/// the sweep's summary.
pub fn native(lib: &crate::library::Library, opts: serde_json::Value) -> Result<serde_json::Value> {
    let opts: NativeSweep = super::options(opts, "sweep")?;
    let (entry, model) = lib.model(&opts.model)?;
    let input = &entry.inputs[0].spec;
    let ts = transforms(&opts.sweep)?;
    let batch = run_transforms(&model, &lib.image(&opts.image)?, input, opts.mode, &ts)?;
    let summary = summarise(&ts, &batch.probs, opts.sweep.direction)?;
    serde_json::to_value(summary).map_err(|e| err!("{e}"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NativeMetrics {
    model: String,
    /// An image path, or absent for the model's held-out set.
    #[serde(default)]
    image: Option<String>,
    /// How many held-out images (from the first); all when absent.
    #[serde(default)]
    count: Option<usize>,
    mode: ShiftMode,
    range: i32,
    pairs: usize,
    seed: u64,
    steps: usize,
}

/// `shiftlab experiment shift-metrics '{"model", "image"? , "count"?, "mode", "range", "pairs", "seed", "steps"}'`.
pub fn native_metrics(
    lib: &crate::library::Library,
    opts: serde_json::Value,
) -> Result<serde_json::Value> {
    let o: NativeMetrics = super::options(opts, "shift metrics")?;
    let (entry, model) = lib.model(&o.model)?;
    let opts = MetricOptions {
        input: entry.inputs[0].spec.clone(),
        mode: o.mode,
        range: o.range,
        pairs: o.pairs,
        seed: o.seed,
        steps: o.steps,
    };
    let images = match &o.image {
        Some(path) => vec![lib.image(path)?],
        None => {
            let mut all = held_out_images(lib, &o.model)?;
            all.truncate(o.count.unwrap_or(all.len()));
            all
        }
    };
    let result = set_metrics(&model, &images, &opts)?;
    serde_json::to_value(result).map_err(|e| err!("{e}"))
}
