//! Lab 1 — pooling and aliasing (Zhang 2019). A 1-D signal at every circular
//! shift through each pooling operator, with each operator's equivariance
//! error and the outputs of its single-purpose steps (max | blur | subsample);
//! and an image downsampled ×2 and ×4 with and without each blur.

use crate::imaging::{Image, fit, planes_to_image, to_planes};
use crate::pooling::{
    BLURS, Blur, Boundary, Pool, apply_chain_1d, chain_equivariance_error, shift_1d,
};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};

/// Longest signal the lab accepts: every shift of it is shown at once.
pub const MAX_SIGNAL: usize = 32;
/// Images larger than this (on their longer side) are scaled down first.
pub const MAX_IMAGE_SIDE: usize = 256;
/// Side of the generated zone plate, the size of the bundled photos.
pub const ZONE_PLATE_SIDE: usize = 192;

/// The operators the lab compares, by the names the page and its links use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalOptions {
    pub signal: Vec<f32>,
    pub boundary: Boundary,
}

/// One step of an operator and what it outputs at every shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub label: String,
    /// `outputs[s]`: the step's output when the input is shifted by `s`.
    pub outputs: Vec<Vec<f32>>,
    /// Equivariance error of the operator up to and including this step, per shift.
    pub errors: Vec<f32>,
    pub mean_error: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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

pub fn signal_lab(opts: &SignalOptions) -> Result<SignalLab> {
    check_signal(&opts.signal)?;
    let shifts: Vec<Vec<f32>> = (0..opts.signal.len() as isize)
        .map(|s| shift_1d(&opts.signal, s))
        .collect();
    let operators = Operator::ALL
        .iter()
        .map(|&op| operator_result(op, &shifts, opts.boundary))
        .collect::<Result<_>>()?;
    Ok(SignalLab { shifts, operators })
}

/// What the 2-D view downsamples with: plain subsampling against blur →
/// subsample (BlurPool), or MaxPool against MaxBlurPool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Downsampler {
    Subsample,
    Max,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageOptions {
    pub downsampler: Downsampler,
}

/// The factors the 2-D view shows.
pub const FACTORS: [usize; 2] = [2, 4];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageRow {
    pub label: String,
    /// One image per factor of `FACTORS`.
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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
pub fn image_lab(img: &Image, opts: &ImageOptions) -> Result<ImageLab> {
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
        let step = halving(opts.downsampler, blur);
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

/// The 1-D numbers for `shiftlab experiment pooling '{"signal":[...],"boundary":"circular"}'`.
pub fn native(
    _lib: &crate::library::Library,
    opts: serde_json::Value,
) -> Result<serde_json::Value> {
    let opts: SignalOptions = super::options(opts, "pooling")?;
    serde_json::to_value(signal_lab(&opts)?).map_err(|e| err!("cannot serialise the result: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(signal: &[f32], boundary: Boundary) -> SignalLab {
        signal_lab(&SignalOptions {
            signal: signal.to_vec(),
            boundary,
        })
        .unwrap()
    }

    fn op(lab: &SignalLab, id: Operator) -> &OperatorResult {
        lab.operators.iter().find(|o| o.id == id).unwrap()
    }

    #[test]
    fn the_seed_numbers() {
        let seed = lab(&[0., 0., 1., 1., 0., 0., 1., 1., 0., 0.], Boundary::Zero);
        assert_eq!(
            op(&seed, Operator::MaxPool).outputs[0],
            [0., 1., 0., 1., 0.]
        );
        let circular = lab(&[0., 0., 1., 1., 0., 0., 1., 1.], Boundary::Circular);
        let max_pool = op(&circular, Operator::MaxPool);
        assert_eq!(max_pool.outputs[0], [0., 1., 0., 1.]);
        assert_eq!(max_pool.outputs[1], [1., 1., 1., 1.]);
        assert_eq!(max_pool.errors, [0., 0.5, 0., 0.5, 0., 0.5, 0., 0.5]);
        assert_eq!(circular.shifts[1], [1., 0., 0., 1., 1., 0., 0., 1.]);
    }

    #[test]
    fn subsampling_not_max_breaks_equivariance() {
        let circular = lab(&[0., 0., 1., 1., 0., 0., 1., 1.], Boundary::Circular);
        assert_eq!(op(&circular, Operator::DenseMax).mean_error, 0.0);
        // Subsampling this period-4 signal happens to give shifted copies; a
        // generic signal shows its error on its own.
        assert_eq!(op(&circular, Operator::Subsample).mean_error, 0.0);
        let generic = lab(&[0., 2., 5., 1., 0., 3., 3., 0.], Boundary::Circular);
        assert!(op(&generic, Operator::Subsample).mean_error > 0.5);
        assert_eq!(op(&generic, Operator::DenseMax).mean_error, 0.0);
        let steps = &op(&circular, Operator::MaxPool).steps;
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].label, "max k2 s1");
        assert_eq!(steps[0].mean_error, 0.0);
        assert_eq!(steps[0].outputs[0], [0., 1., 1., 1., 0., 1., 1., 1.]);
        assert_eq!(steps[1].label, "subsample s2");
        // Errors at odd shifts 0.5, 0 at even: mean over shifts 1..7 = 2/7.
        assert!((steps[1].mean_error - 2.0 / 7.0).abs() < 1e-6);
        assert_eq!(
            steps[1].mean_error,
            op(&circular, Operator::MaxPool).mean_error
        );
        let bin5 = op(&circular, Operator::MaxBlurPoolBin5);
        assert_eq!(bin5.steps.len(), 3);
        assert_eq!(bin5.steps[1].mean_error, 0.0);
        // Hand values: [0.625, 0.875, 0.625, 0.875] vs [0.75; 4] → error 0.125 at odd shifts.
        assert!(
            (bin5.mean_error - 0.5 / 7.0).abs() < 1e-6,
            "{}",
            bin5.mean_error
        );
        assert!(bin5.mean_error < op(&circular, Operator::MaxPool).mean_error);
    }

    #[test]
    fn bad_signals_are_refused() {
        let bad = |signal: Vec<f32>| {
            signal_lab(&SignalOptions {
                signal,
                boundary: Boundary::Zero,
            })
            .is_err()
        };
        assert!(bad(vec![1.0]));
        assert!(bad(vec![0.0; MAX_SIGNAL + 1]));
        assert!(bad(vec![0.0, f32::NAN]));
    }

    #[test]
    fn image_rows_have_the_right_sizes_and_blur_removes_zone_plate_aliasing() {
        let plate = zone_plate(64);
        let view = image_lab(
            &plate,
            &ImageOptions {
                downsampler: Downsampler::Subsample,
            },
        )
        .unwrap();
        assert_eq!(view.rows.len(), 1 + BLURS.len());
        for row in &view.rows {
            assert_eq!((row.images[0].width, row.images[0].height), (32, 32));
            assert_eq!((row.images[1].width, row.images[1].height), (16, 16));
        }
        // Near the edge the plate is above the ×4 Nyquist limit: subsampling keeps
        // full-contrast (false) rings, Bin-5 averages them to grey.
        let contrast = |img: &Image| {
            let edge: Vec<f32> = (0..img.height)
                .map(|y| img.rgba[(y * img.width) * 4] as f32)
                .collect();
            edge.iter().cloned().fold(f32::MIN, f32::max)
                - edge.iter().cloned().fold(f32::MAX, f32::min)
        };
        let plain = contrast(&view.rows[0].images[1]);
        let bin5 = contrast(&view.rows[3].images[1]);
        assert!(
            plain > 150.0 && bin5 < plain / 2.0,
            "plain {plain}, bin5 {bin5}"
        );
    }

    #[test]
    fn large_images_are_bounded_and_tiny_ones_refused() {
        let big = Image::new(600, 300, vec![128; 600 * 300 * 4]).unwrap();
        let opts = ImageOptions {
            downsampler: Downsampler::Max,
        };
        let view = image_lab(&big, &opts).unwrap();
        assert_eq!((view.source.width, view.source.height), (256, 128));
        assert_eq!(
            (view.rows[0].images[1].width, view.rows[0].images[1].height),
            (64, 32)
        );
        assert!(image_lab(&Image::new(3, 3, vec![0; 36]).unwrap(), &opts).is_err());
    }
}
