//! Lab 2, pooling — pooling and aliasing (Zhang 2019). A 1-D signal at every
//! circular shift through each pooling operator, with each operator's
//! equivariance error and the outputs of its single-purpose steps (max | blur |
//! subsample) (job `signal`); and an image downsampled ×2 and ×4 with and
//! without each blur (job `images`).

use crate::imaging::{Image, fit, planes_to_image, to_planes};
use crate::lab::{Assets, Experiment, Job, Setting, once};
use crate::pooling::{
    BLURS, Blur, Boundary, Pool, apply_chain_1d, chain_equivariance_error, shift_1d,
};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest signal the lab accepts: every shift of it is shown at once.
pub const MAX_SIGNAL: usize = 32;
/// Images larger than this (on their longer side) are scaled down first.
pub const MAX_IMAGE_SIDE: usize = 256;
/// Side of the generated zone plate, the size of the bundled photos.
pub const ZONE_PLATE_SIDE: usize = 192;

/// The signal of the page's default view (the article's seed).
pub const SEED_SIGNAL: &str = "0,0,1,1,0,0,1,1,0,0";
/// The setting `image` that names the generated zone plate (sent as no image).
pub const ZONE_PLATE: &str = "zoneplate";

/// The operators the lab compares, by the names the page and its links use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(rename = "PoolingOperatorId")]
pub enum Operator {
    MaxPool,
    AvgPool,
    Subsample,
    DenseMax,
    MaxBlurPoolRect2,
    MaxBlurPoolTri3,
    MaxBlurPoolBin5,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Operator::MaxPool,
        Operator::AvgPool,
        Operator::Subsample,
        Operator::DenseMax,
        Operator::MaxBlurPoolRect2,
        Operator::MaxBlurPoolTri3,
        Operator::MaxBlurPoolBin5,
    ];

    pub fn pool(self) -> Pool {
        match self {
            Operator::MaxPool => Pool::MaxPool { k: 2, stride: 2 },
            Operator::AvgPool => Pool::AvgPool { k: 2, stride: 2 },
            Operator::Subsample => Pool::Subsample { stride: 2 },
            Operator::DenseMax => Pool::DenseMax { k: 2 },
            Operator::MaxBlurPoolRect2 => max_blur_pool(Blur::Rect2),
            Operator::MaxBlurPoolTri3 => max_blur_pool(Blur::Tri3),
            Operator::MaxBlurPoolBin5 => max_blur_pool(Blur::Bin5),
        }
    }

    /// The name the page, its links and the results use.
    pub fn id(self) -> &'static str {
        match self {
            Operator::MaxPool => "max-pool",
            Operator::AvgPool => "avg-pool",
            Operator::Subsample => "subsample",
            Operator::DenseMax => "dense-max",
            Operator::MaxBlurPoolRect2 => "max-blur-pool-rect2",
            Operator::MaxBlurPoolTri3 => "max-blur-pool-tri3",
            Operator::MaxBlurPoolBin5 => "max-blur-pool-bin5",
        }
    }

    /// What the operator does, step by step (the control's tooltip).
    pub fn title(self) -> &'static str {
        match self {
            Operator::MaxPool => "max over 2 samples, then keep every 2nd",
            Operator::AvgPool => "mean over 2 samples, then keep every 2nd",
            Operator::Subsample => "keep every 2nd sample",
            Operator::DenseMax => "max over 2 samples at stride 1 (no subsampling)",
            Operator::MaxBlurPoolRect2 => "max (k2, s1) → blur [1,1]/2 → keep every 2nd",
            Operator::MaxBlurPoolTri3 => "max (k2, s1) → blur [1,2,1]/4 → keep every 2nd",
            Operator::MaxBlurPoolBin5 => "max (k2, s1) → blur [1,4,6,4,1]/16 → keep every 2nd",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Operator::MaxPool => "MaxPool (k2, s2)",
            Operator::AvgPool => "AvgPool (k2, s2)",
            Operator::Subsample => "Subsample (s2)",
            Operator::DenseMax => "Max (k2, s1)",
            Operator::MaxBlurPoolRect2 => "MaxBlurPool Rect-2",
            Operator::MaxBlurPoolTri3 => "MaxBlurPool Tri-3",
            Operator::MaxBlurPoolBin5 => "MaxBlurPool Bin-5",
        }
    }
}

fn max_blur_pool(blur: Blur) -> Pool {
    Pool::MaxBlurPool { blur, stride: 2 }
}

fn step_label(step: &Pool) -> String {
    match step {
        Pool::DenseMax { k } => format!("max k{k} s1"),
        Pool::AvgPool { k, .. } => format!("mean k{k} s1"),
        Pool::Blur(blur) => format!("blur {}", blur_label(*blur)),
        Pool::Subsample { stride } => format!("subsample s{stride}"),
        other => format!("{other:?}"),
    }
}

pub fn blur_label(blur: Blur) -> &'static str {
    match blur {
        Blur::Rect2 => "Rect-2 [1,1]/2",
        Blur::Tri3 => "Tri-3 [1,2,1]/4",
        Blur::Bin5 => "Bin-5 [1,4,6,4,1]/16",
    }
}

/// One step of an operator and what it outputs at every shift.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PoolingStep")]
pub struct StepResult {
    pub label: String,
    /// `outputs[s]`: the step's output when the input is shifted by `s`.
    pub outputs: Vec<Vec<f32>>,
    /// Equivariance error of the operator up to and including this step, per shift.
    pub errors: Vec<f32>,
    pub mean_error: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PoolingOperator")]
pub struct OperatorResult {
    pub id: Operator,
    pub label: &'static str,
    pub stride: usize,
    /// `outputs[s] = op(shift(x, s))` for `s = 0 .. n`.
    pub outputs: Vec<Vec<f32>>,
    /// `errors[s]`: see `pooling::equivariance_error`.
    pub errors: Vec<f32>,
    /// Mean of `errors` over the shifts 1 .. n (shift 0 is always exact).
    pub mean_error: f32,
    pub steps: Vec<StepResult>,
}

/// The result of job `signal`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PoolingSignalResult")]
pub struct SignalLab {
    /// `shifts[s] = shift(x, s)`, circular, content moving right.
    pub shifts: Vec<Vec<f32>>,
    pub operators: Vec<OperatorResult>,
}

fn check_signal(signal: &[f32]) -> Result<()> {
    if !(2..=MAX_SIGNAL).contains(&signal.len()) {
        return Err(err!(
            "a signal needs 2 to {MAX_SIGNAL} samples, got {}",
            signal.len()
        ));
    }
    if signal.iter().any(|v| !v.is_finite()) {
        return Err(err!("every sample of the signal must be a finite number"));
    }
    Ok(())
}

fn mean_over_shifts(errors: &[f32]) -> f32 {
    errors[1..].iter().sum::<f32>() / (errors.len() - 1) as f32
}

fn operator_result(
    op: Operator,
    shifts: &[Vec<f32>],
    boundary: Boundary,
) -> Result<OperatorResult> {
    let pool = op.pool();
    let x = &shifts[0];
    // Outputs and errors of the chain `steps` (a prefix of the operator's steps).
    let run = |steps: &[Pool]| -> Result<(Vec<Vec<f32>>, Vec<f32>)> {
        let outputs = shifts
            .iter()
            .map(|xs| apply_chain_1d(steps, xs, boundary))
            .collect::<Result<_>>()?;
        let errors = (0..x.len() as isize)
            .map(|s| chain_equivariance_error(steps, x, s, boundary))
            .collect::<Result<_>>()?;
        Ok((outputs, errors))
    };
    let all_steps = pool.steps();
    let steps = (1..=all_steps.len())
        .map(|count| {
            let (outputs, errors) = run(&all_steps[..count])?;
            Ok(StepResult {
                label: step_label(&all_steps[count - 1]),
                mean_error: mean_over_shifts(&errors),
                outputs,
                errors,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (outputs, errors) = run(std::slice::from_ref(&pool))?;
    Ok(OperatorResult {
        id: op,
        label: op.label(),
        stride: pool.stride(),
        outputs,
        mean_error: mean_over_shifts(&errors),
        errors,
        steps,
    })
}

/// Every circular shift of `signal` through every operator.
pub fn signal_lab(signal: &[f32], boundary: Boundary) -> Result<SignalLab> {
    check_signal(signal)?;
    let shifts: Vec<Vec<f32>> = (0..signal.len() as isize)
        .map(|s| shift_1d(signal, s))
        .collect();
    let operators = Operator::ALL
        .iter()
        .map(|&op| operator_result(op, &shifts, boundary))
        .collect::<Result<_>>()?;
    Ok(SignalLab { shifts, operators })
}

/// What the 2-D view downsamples with: plain subsampling against blur →
/// subsample (BlurPool), or MaxPool against MaxBlurPool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "PoolingDownsampler")]
pub enum Downsampler {
    Subsample,
    Max,
}

/// The factors the 2-D view shows.
pub const FACTORS: [usize; 2] = [2, 4];

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "PoolingImageRow")]
pub struct ImageRow {
    pub label: String,
    /// One image per factor of `FACTORS`.
    pub images: Vec<Image>,
}

/// The result of job `images`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "PoolingImagesResult")]
pub struct ImageLab {
    pub source: Image,
    /// Without a blur first, then one row per blur of `BLURS`.
    pub rows: Vec<ImageRow>,
}

/// One ×2 step of the chosen downsampler, with or without a blur.
fn halving(downsampler: Downsampler, blur: Option<Blur>) -> Pool {
    match (downsampler, blur) {
        (Downsampler::Subsample, None) => Pool::Subsample { stride: 2 },
        (Downsampler::Subsample, Some(blur)) => Pool::BlurPool { blur, stride: 2 },
        (Downsampler::Max, None) => Pool::MaxPool { k: 2, stride: 2 },
        (Downsampler::Max, Some(blur)) => max_blur_pool(blur),
    }
}

/// Scale an image down so that its longer side is at most `MAX_IMAGE_SIDE`.
fn bounded(img: &Image) -> Image {
    let longer = img.width.max(img.height);
    if longer <= MAX_IMAGE_SIDE {
        return img.clone();
    }
    let scale = MAX_IMAGE_SIDE as f64 / longer as f64;
    let w = ((img.width as f64 * scale).round() as usize).max(1);
    let h = ((img.height as f64 * scale).round() as usize).max(1);
    fit(img, w, h)
}

/// Downsample an image ×2 and ×4 (repeated ×2 steps, as a network's stack of
/// pooling layers does), Zhang's reflect padding at the borders.
pub fn image_lab(img: &Image, downsampler: Downsampler) -> Result<ImageLab> {
    if img.width < 4 || img.height < 4 {
        return Err(err!(
            "the image is {}×{}; the ×4 view needs at least 4×4 pixels",
            img.width,
            img.height
        ));
    }
    let source = bounded(img);
    let planes = to_planes(&source, 3);
    let row = |blur: Option<Blur>| -> Result<ImageRow> {
        let step = halving(downsampler, blur);
        let mut current: Tensor = planes.clone();
        let mut images = Vec::new();
        let mut factor = 1;
        for &wanted in &FACTORS {
            while factor < wanted {
                current = step.apply_2d(&current, Boundary::Reflect)?;
                factor *= 2;
            }
            images.push(planes_to_image(&current));
        }
        let label = match blur {
            None => "no blur".to_string(),
            Some(blur) => blur_label(blur).to_string(),
        };
        Ok(ImageRow { label, images })
    };
    let rows = std::iter::once(None)
        .chain(BLURS.iter().copied().map(Some))
        .map(row)
        .collect::<Result<_>>()?;
    Ok(ImageLab { source, rows })
}

/// A grey zone plate `½ + ½·cos(π r² / side)`: its local frequency rises from 0
/// at the centre to the Nyquist limit at the middle of each edge, so every
/// downsampling without a low-pass filter shows rings that are not there (aliasing).
pub fn zone_plate(side: usize) -> Image {
    let c = (side as f64 - 1.0) / 2.0;
    let rgba = (0..side * side)
        .flat_map(|p| {
            let (x, y) = ((p % side) as f64 - c, (p / side) as f64 - c);
            let v = 0.5 + 0.5 * (std::f64::consts::PI * (x * x + y * y) / side as f64).cos();
            let g = (v * 255.0).round() as u8;
            [g, g, g, 255]
        })
        .collect();
    Image {
        width: side,
        height: side,
        rgba,
    }
}

pub struct Pooling;

/// What the page and `shiftlab experiment pooling` send.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase")]
#[ts(rename = "PoolingRequest")]
pub enum Request {
    /// Every shift of `signal` through every operator.
    Signal { signal: Vec<f32>, boundary: Boundary },
    /// An image downsampled ×2 and ×4 without and with each blur.
    #[serde(rename_all = "camelCase")]
    Images {
        /// Asset key of the image; absent: the generated zone plate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        image: Option<String>,
        downsampler: Downsampler,
    },
}

const BOUNDARY_CHOICES: [(&str, &str, &str); 2] = [
    (
        "circular",
        "Circular",
        "Windows that run past an end read the other end: the signal repeats",
    ),
    (
        "zero",
        "Zero",
        "Windows that run past an end read zeros",
    ),
];

const DOWNSAMPLER_CHOICES: [(&str, &str, &str); 2] = [
    (
        "subsample",
        "Subsample",
        "Keep every 2nd pixel (twice for ×4); with a blur: BlurPool",
    ),
    (
        "max",
        "MaxPool",
        "MaxPool(k2, s2) (twice for ×4); with a blur: MaxBlurPool",
    ),
];

fn operator_choices() -> Vec<(&'static str, &'static str, &'static str)> {
    Operator::ALL
        .iter()
        .map(|op| (op.id(), op.label(), op.title()))
        .collect()
}

impl Experiment for Pooling {
    const ID: &'static str = "pooling";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let operators = operator_choices();
        vec![
            Setting::dynamic("signal", "Signal", Some(SEED_SIGNAL)),
            Setting::choice("boundary", "Boundary", &BOUNDARY_CHOICES, "circular"),
            Setting::int(
                "shift",
                "Shift (→ right, circular)",
                (0, MAX_SIGNAL as i64 - 1),
                1,
            ),
            Setting::choice("opA", "Operator A", &operators, Operator::MaxPool.id()),
            Setting::choice(
                "opB",
                "Operator B",
                &operators,
                Operator::MaxBlurPoolBin5.id(),
            ),
            Setting::dynamic("image", "Image", Some(ZONE_PLATE))
                .note("an uploaded image stays on your machine, so a link cannot carry it"),
            Setting::choice(
                "downsampler",
                "Downsample by",
                &DOWNSAMPLER_CHOICES,
                "subsample",
            ),
        ]
    }

    fn assets(request: &Request, _assets: &Assets) -> Result<Vec<String>> {
        Ok(match request {
            Request::Images {
                image: Some(key), ..
            } => vec![key.clone()],
            _ => Vec::new(),
        })
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        Ok(match request {
            Request::Signal { signal, boundary } => {
                check_signal(&signal)?;
                once(move || signal_lab(&signal, boundary))
            }
            Request::Images { image, downsampler } => {
                let image = match image {
                    Some(key) => assets.image(&key)?,
                    None => std::rc::Rc::new(zone_plate(ZONE_PLATE_SIDE)),
                };
                once(move || image_lab(&image, downsampler))
            }
        })
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<SignalLab>();
        out.add::<ImageLab>();
    }
}
