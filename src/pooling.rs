//! Pooling, blurring and subsampling in 1-D and 2-D (lab 1; Zhang 2019,
//! "Making convolutional networks shift-invariant again").
//!
//! Every operator is a chain of window stages. Output `i` of a stage with
//! stride `s` and window size `k` reads inputs `i·s + o` for offsets
//! `o = -⌊(k-1)/2⌋ ..= ⌈(k-1)/2⌉`, so MaxPool(k2, s2) pools `[2i, 2i+1]` (as
//! in PyTorch) and odd blurs are centred (as in Zhang's BlurPool). A length-n
//! input gives ⌈n/s⌉ outputs; reads outside the signal follow the `Boundary`.
//! In 2-D each stage runs along the width and then along the height, which is
//! exact for these separable windows (2-D blur = outer product of the taps).

use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a window reads beyond the ends of the signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "PoolBoundary")]
pub enum Boundary {
    /// Zeros. For max pooling of non-negative signals this equals ignoring them.
    Zero,
    /// The signal repeats: with it, stride-1 stages are exactly shift-equivariant.
    Circular,
    /// Mirrored without repeating the edge sample (`[a b c] → b a [a b c] c b`),
    /// the padding of Zhang's BlurPool.
    Reflect,
}

impl Boundary {
    /// The sample that index `i` of a length-`n` signal reads, or `None` for a zero.
    pub fn index(self, i: isize, n: usize) -> Option<usize> {
        let n = n as isize;
        if (0..n).contains(&i) {
            return Some(i as usize);
        }
        match self {
            Boundary::Zero => None,
            Boundary::Circular => Some(i.rem_euclid(n) as usize),
            Boundary::Reflect if n == 1 => Some(0),
            Boundary::Reflect => {
                let period = 2 * (n - 1);
                let j = i.rem_euclid(period);
                Some((if j < n { j } else { period - j }) as usize)
            }
        }
    }
}

/// The blur kernels of Zhang 2019: binomial filters, normalised to sum 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Blur {
    /// `[1, 1] / 2`
    Rect2,
    /// `[1, 2, 1] / 4`
    Tri3,
    /// `[1, 4, 6, 4, 1] / 16`
    Bin5,
}

pub const BLURS: [Blur; 3] = [Blur::Rect2, Blur::Tri3, Blur::Bin5];

impl Blur {
    pub fn taps(self) -> Vec<f32> {
        let raw: &[f32] = match self {
            Blur::Rect2 => &[1.0, 1.0],
            Blur::Tri3 => &[1.0, 2.0, 1.0],
            Blur::Bin5 => &[1.0, 4.0, 6.0, 4.0, 1.0],
        };
        let sum: f32 = raw.iter().sum();
        raw.iter().map(|v| v / sum).collect()
    }

    /// The k×k 2-D kernel, row-major: the outer product of the taps.
    pub fn kernel_2d(self) -> Vec<f32> {
        let taps = self.taps();
        taps.iter()
            .flat_map(|a| taps.iter().map(move |b| a * b))
            .collect()
    }
}

/// The operators the lab compares. MaxPool = DenseMax then Subsample, which
/// is what lets the lab split "max" from "subsample".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pool {
    MaxPool {
        k: usize,
        stride: usize,
    },
    AvgPool {
        k: usize,
        stride: usize,
    },
    /// Keep every `stride`-th sample.
    Subsample {
        stride: usize,
    },
    /// Max over a window of `k` at stride 1: no information is thrown away by striding.
    DenseMax {
        k: usize,
    },
    Blur(Blur),
    /// Blur, then subsample (BlurPool; "anti-aliased strided conv" without the conv).
    BlurPool {
        blur: Blur,
        stride: usize,
    },
    /// MaxBlurPool = DenseMax(k2) → blur → subsample.
    MaxBlurPool {
        blur: Blur,
        stride: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Reduce {
    Max(usize),
    Weighted(Vec<f32>),
}

#[derive(Debug, Clone, PartialEq)]
struct Stage {
    reduce: Reduce,
    stride: usize,
}

impl Stage {
    fn size(&self) -> usize {
        match &self.reduce {
            Reduce::Max(k) => *k,
            Reduce::Weighted(taps) => taps.len(),
        }
    }

    fn apply(&self, x: &[f32], boundary: Boundary) -> Vec<f32> {
        let n = x.len();
        let before = (self.size() - 1) / 2;
        let read = |i: isize| boundary.index(i, n).map_or(0.0, |j| x[j]);
        (0..n.div_ceil(self.stride))
            .map(|i| {
                let first = (i * self.stride) as isize - before as isize;
                match &self.reduce {
                    Reduce::Max(k) => (0..*k as isize)
                        .map(|o| read(first + o))
                        .fold(f32::NEG_INFINITY, f32::max),
                    Reduce::Weighted(taps) => taps
                        .iter()
                        .enumerate()
                        .map(|(o, w)| w * read(first + o as isize))
                        .sum(),
                }
            })
            .collect()
    }
}

impl Pool {
    /// How many input samples one output step covers.
    pub fn stride(&self) -> usize {
        match *self {
            Pool::MaxPool { stride, .. }
            | Pool::AvgPool { stride, .. }
            | Pool::Subsample { stride }
            | Pool::BlurPool { stride, .. }
            | Pool::MaxBlurPool { stride, .. } => stride,
            Pool::DenseMax { .. } | Pool::Blur(_) => 1,
        }
    }

    fn stages(&self) -> Result<Vec<Stage>> {
        let stage = |reduce, stride| Stage { reduce, stride };
        let stages = match *self {
            Pool::MaxPool { k, stride } => vec![stage(Reduce::Max(k), stride)],
            Pool::AvgPool { k, stride } => {
                vec![stage(Reduce::Weighted(vec![1.0 / k as f32; k]), stride)]
            }
            Pool::Subsample { stride } => vec![stage(Reduce::Weighted(vec![1.0]), stride)],
            Pool::DenseMax { k } => vec![stage(Reduce::Max(k), 1)],
            Pool::Blur(blur) => vec![stage(Reduce::Weighted(blur.taps()), 1)],
            Pool::BlurPool { blur, stride } => vec![stage(Reduce::Weighted(blur.taps()), stride)],
            Pool::MaxBlurPool { blur, stride } => {
                vec![
                    stage(Reduce::Max(2), 1),
                    stage(Reduce::Weighted(blur.taps()), stride),
                ]
            }
        };
        if stages.iter().any(|s| s.stride == 0 || s.size() == 0) {
            return Err(err!("{self:?}: window size and stride must be at least 1"));
        }
        Ok(stages)
    }

    /// The operator split into single-purpose steps: a window at stride 1
    /// (max, average or blur), then a plain subsample. Applying the steps in
    /// turn gives exactly `apply_1d`/`apply_2d`, so the lab can show which step
    /// is not shift-equivariant (only the subsample is).
    pub fn steps(&self) -> Vec<Pool> {
        let subsample = |stride: usize| (stride > 1).then_some(Pool::Subsample { stride });
        match *self {
            Pool::MaxPool { k, stride } => [Some(Pool::DenseMax { k }), subsample(stride)]
                .into_iter()
                .flatten()
                .collect(),
            Pool::AvgPool { k, stride } => {
                [Some(Pool::AvgPool { k, stride: 1 }), subsample(stride)]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            Pool::BlurPool { blur, stride } => [Some(Pool::Blur(blur)), subsample(stride)]
                .into_iter()
                .flatten()
                .collect(),
            Pool::MaxBlurPool { blur, stride } => [
                Some(Pool::DenseMax { k: 2 }),
                Some(Pool::Blur(blur)),
                subsample(stride),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Pool::Subsample { .. } | Pool::DenseMax { .. } | Pool::Blur(_) => vec![*self],
        }
    }

    pub fn apply_1d(&self, x: &[f32], boundary: Boundary) -> Result<Vec<f32>> {
        if x.is_empty() {
            return Err(err!("cannot pool an empty signal"));
        }
        Ok(self
            .stages()?
            .iter()
            .fold(x.to_vec(), |signal, stage| stage.apply(&signal, boundary)))
    }

    /// Pool every plane of a `[c, h, w]` image.
    pub fn apply_2d(&self, image: &Tensor, boundary: Boundary) -> Result<Tensor> {
        let [c, h, w] = image.shape[..] else {
            return Err(err!(
                "expected a [c, h, w] image, got shape {:?}",
                image.shape
            ));
        };
        if h == 0 || w == 0 {
            return Err(err!("cannot pool an empty image"));
        }
        let mut planes: Vec<(usize, usize, Vec<f32>)> = image
            .data
            .chunks(h * w)
            .map(|p| (h, w, p.to_vec()))
            .collect();
        for stage in self.stages()? {
            for (ph, pw, plane) in &mut planes {
                let rows: Vec<f32> = plane
                    .chunks(*pw)
                    .flat_map(|row| stage.apply(row, boundary))
                    .collect();
                let ow = pw.div_ceil(stage.stride);
                let oh = ph.div_ceil(stage.stride);
                let mut out = vec![0.0; oh * ow];
                for x in 0..ow {
                    let column: Vec<f32> = (0..*ph).map(|y| rows[y * ow + x]).collect();
                    for (y, v) in stage.apply(&column, boundary).into_iter().enumerate() {
                        out[y * ow + x] = v;
                    }
                }
                (*ph, *pw, *plane) = (oh, ow, out);
            }
        }
        let (oh, ow) = (planes[0].0, planes[0].1);
        Tensor::new(
            vec![c, oh, ow],
            planes.into_iter().flat_map(|p| p.2).collect(),
        )
    }
}

/// Circular shift: `shift_1d(x, s)[i] = x[i - s]`, so positive `s` moves the
/// content right (the convention of `crate::shift`).
pub fn shift_1d(x: &[f32], s: isize) -> Vec<f32> {
    let n = x.len() as isize;
    (0..n).map(|i| x[(i - s).rem_euclid(n) as usize]).collect()
}

fn mean_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f32>() / a.len() as f32
}

/// How far an operator is from shift-equivariance for a circular input shift `s`.
///
/// With `y = op(x)` and `y_s = op(shift(x, s))`, and stride `r`:
/// - if `r` divides `s`, the error is `mean |y_s − shift(y, s/r)|`: an
///   equivariant operator scores exactly 0;
/// - otherwise no shift of `y` is the "right" answer, and the error is the
///   distance to the nearest one, `min_t mean |y_s − shift(y, t)|`: 0 means the
///   shifted input still gives a shifted copy of the same output.
///
/// Input shifts are circular; with `Boundary::Circular` and `r` dividing the
/// length, the first case is exact. Other boundaries count their edge effects as error.
pub fn equivariance_error(op: &Pool, x: &[f32], s: isize, boundary: Boundary) -> Result<f32> {
    chain_equivariance_error(std::slice::from_ref(op), x, s, boundary)
}

/// Apply `ops` one after the other.
pub fn apply_chain_1d(ops: &[Pool], x: &[f32], boundary: Boundary) -> Result<Vec<f32>> {
    ops.iter()
        .try_fold(x.to_vec(), |signal, op| op.apply_1d(&signal, boundary))
}

/// `equivariance_error` of the operators `ops` applied in turn (e.g. the first
/// steps of `Pool::steps`), whose stride is the product of theirs.
pub fn chain_equivariance_error(
    ops: &[Pool],
    x: &[f32],
    s: isize,
    boundary: Boundary,
) -> Result<f32> {
    let y = apply_chain_1d(ops, x, boundary)?;
    let ys = apply_chain_1d(ops, &shift_1d(x, s), boundary)?;
    let r = ops.iter().map(Pool::stride).product::<usize>() as isize;
    if s % r == 0 {
        return Ok(mean_abs_diff(&ys, &shift_1d(&y, s / r)));
    }
    Ok((0..y.len() as isize)
        .map(|t| mean_abs_diff(&ys, &shift_1d(&y, t)))
        .fold(f32::INFINITY, f32::min))
}

/// Downsample a `[c, h, w]` image by `factor` (a power of two) for the aliasing
/// view: without a blur, keep every `factor`-th pixel; with one, apply
/// blur-then-subsample-by-2 log2(factor) times, as a stack of BlurPool layers would.
pub fn downsample(
    image: &Tensor,
    factor: usize,
    blur: Option<Blur>,
    boundary: Boundary,
) -> Result<Tensor> {
    if !factor.is_power_of_two() {
        return Err(err!("downsampling factor {factor} is not a power of two"));
    }
    match blur {
        None => Pool::Subsample { stride: factor }.apply_2d(image, boundary),
        Some(blur) => (0..factor.trailing_zeros()).try_fold(image.clone(), |img, _| {
            Pool::BlurPool { blur, stride: 2 }.apply_2d(&img, boundary)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Boundary::{Circular, Reflect, Zero};

    const SEED_SIGNAL: [f32; 10] = [0., 0., 1., 1., 0., 0., 1., 1., 0., 0.];
    const CIRCULAR_SIGNAL: [f32; 8] = [0., 0., 1., 1., 0., 0., 1., 1.];
    const MAX_POOL: Pool = Pool::MaxPool { k: 2, stride: 2 };

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn max_pool_of_the_seed_signal() {
        assert_eq!(
            MAX_POOL.apply_1d(&SEED_SIGNAL, Zero).unwrap(),
            [0., 1., 0., 1., 0.]
        );
    }

    #[test]
    fn one_step_shift_changes_circular_max_pool_completely() {
        assert_eq!(
            MAX_POOL.apply_1d(&CIRCULAR_SIGNAL, Circular).unwrap(),
            [0., 1., 0., 1.]
        );
        let shifted = shift_1d(&CIRCULAR_SIGNAL, 1);
        assert_eq!(shifted, [1., 0., 0., 1., 1., 0., 0., 1.]);
        assert_eq!(
            MAX_POOL.apply_1d(&shifted, Circular).unwrap(),
            [1., 1., 1., 1.]
        );
        assert_eq!(
            equivariance_error(&MAX_POOL, &CIRCULAR_SIGNAL, 1, Circular).unwrap(),
            0.5
        );
        assert_eq!(
            equivariance_error(&MAX_POOL, &CIRCULAR_SIGNAL, 2, Circular).unwrap(),
            0.0
        );
    }

    #[test]
    fn max_pool_is_dense_max_then_subsample() {
        let x = [3., 1., 4., 1., 5., 9., 2., 6., 5.];
        let dense = Pool::DenseMax { k: 2 }.apply_1d(&x, Zero).unwrap();
        assert_eq!(dense, [3., 4., 4., 5., 9., 9., 6., 6., 5.]);
        let split = Pool::Subsample { stride: 2 }
            .apply_1d(&dense, Zero)
            .unwrap();
        assert_eq!(split, MAX_POOL.apply_1d(&x, Zero).unwrap());
        assert_eq!(split, [3., 4., 9., 6., 5.]);
    }

    #[test]
    fn dense_max_and_blur_are_shift_equivariant_subsampling_is_not() {
        let x = [0., 2., 5., 1., 0., 3., 3., 0., 1., 4.];
        for s in -4..=4 {
            for op in [
                Pool::DenseMax { k: 2 },
                Pool::DenseMax { k: 3 },
                Pool::Blur(Blur::Bin5),
            ] {
                assert!(
                    equivariance_error(&op, &x, s, Circular).unwrap() < 1e-6,
                    "{op:?} shift {s}"
                );
            }
        }
        let sub = Pool::Subsample { stride: 2 };
        assert!(equivariance_error(&sub, &x, 1, Circular).unwrap() > 0.5);
    }

    #[test]
    fn bin5_max_blur_pool_hand_values_and_smaller_change_than_max_pool() {
        let op = Pool::MaxBlurPool {
            blur: Blur::Bin5,
            stride: 2,
        };
        // Dense max gives [0,1,1,1,0,1,1,1]; centred Bin-5 at even positions.
        let y = op.apply_1d(&CIRCULAR_SIGNAL, Circular).unwrap();
        assert!(close(&y, &[0.625, 0.875, 0.625, 0.875]), "{y:?}");
        let y1 = op
            .apply_1d(&shift_1d(&CIRCULAR_SIGNAL, 1), Circular)
            .unwrap();
        assert!(close(&y1, &[0.75; 4]), "{y1:?}");
        let blurred = equivariance_error(&op, &CIRCULAR_SIGNAL, 1, Circular).unwrap();
        let plain = equivariance_error(&MAX_POOL, &CIRCULAR_SIGNAL, 1, Circular).unwrap();
        assert!((blurred - 0.125).abs() < 1e-6 && plain == 0.5);
    }

    #[test]
    fn blur_taps_are_normalised_and_centred() {
        assert_eq!(Blur::Tri3.taps(), [0.25, 0.5, 0.25]);
        for blur in BLURS {
            assert!((blur.taps().iter().sum::<f32>() - 1.0).abs() < 1e-6);
            assert!((blur.kernel_2d().iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
        assert_eq!(Blur::Rect2.kernel_2d(), [0.25; 4]);
        // Rect-2 reads [i, i+1]; Tri-3 reads [i-1, i+1].
        let impulse = [0., 0., 1., 0., 0.];
        assert_eq!(
            Pool::Blur(Blur::Rect2).apply_1d(&impulse, Zero).unwrap(),
            [0., 0.5, 0.5, 0., 0.]
        );
        assert_eq!(
            Pool::Blur(Blur::Tri3).apply_1d(&impulse, Zero).unwrap(),
            [0., 0.25, 0.5, 0.25, 0.]
        );
    }

    #[test]
    fn boundaries_read_the_right_samples() {
        assert_eq!(Zero.index(-1, 4), None);
        assert_eq!(Circular.index(-1, 4), Some(3));
        assert_eq!(Circular.index(5, 4), Some(1));
        assert_eq!(Reflect.index(-1, 4), Some(1));
        assert_eq!(Reflect.index(-2, 4), Some(2));
        assert_eq!(Reflect.index(4, 4), Some(2));
        let x = [1., 0., 0., 0.];
        let avg = Pool::AvgPool { k: 3, stride: 1 };
        assert!(close(
            &avg.apply_1d(&x, Zero).unwrap(),
            &[1. / 3., 1. / 3., 0., 0.]
        ));
        assert!(close(
            &avg.apply_1d(&x, Circular).unwrap(),
            &[1. / 3., 1. / 3., 0., 1. / 3.]
        ));
        assert!(close(
            &avg.apply_1d(&x, Reflect).unwrap(),
            &[1. / 3., 1. / 3., 0., 0.]
        ));
    }

    #[test]
    fn two_d_blur_equals_direct_convolution_with_the_outer_product() {
        let data: Vec<f32> = (0..2 * 6 * 6).map(|v| ((v * 7) % 11) as f32).collect();
        let image = Tensor::new(vec![2, 6, 6], data).unwrap();
        let out = Pool::Blur(Blur::Bin5).apply_2d(&image, Circular).unwrap();
        let kernel = Blur::Bin5.kernel_2d();
        for c in 0..2 {
            for y in 0..6isize {
                for x in 0..6isize {
                    let mut expected = 0.0;
                    for ky in 0..5isize {
                        for kx in 0..5isize {
                            let sy = (y + ky - 2).rem_euclid(6) as usize;
                            let sx = (x + kx - 2).rem_euclid(6) as usize;
                            expected +=
                                kernel[(ky * 5 + kx) as usize] * image.data[c * 36 + sy * 6 + sx];
                        }
                    }
                    let got = out.data[c * 36 + (y * 6 + x) as usize];
                    assert!(
                        (got - expected).abs() < 1e-4,
                        "({c}, {y}, {x}): {got} vs {expected}"
                    );
                }
            }
        }
    }

    #[test]
    fn two_d_max_pool_and_max_blur_pool_shapes_and_values() {
        #[rustfmt::skip]
        let image = Tensor::new(vec![1, 4, 4], vec![
            1., 2., 0., 0.,
            3., 4., 0., 5.,
            0., 0., 6., 0.,
            7., 0., 0., 8.,
        ]).unwrap();
        let pooled = MAX_POOL.apply_2d(&image, Zero).unwrap();
        assert_eq!(pooled.shape, vec![1, 2, 2]);
        assert_eq!(pooled.data, [4., 5., 7., 8.]);
        let blurred = Pool::MaxBlurPool {
            blur: Blur::Rect2,
            stride: 2,
        }
        .apply_2d(&image, Zero)
        .unwrap();
        assert_eq!(blurred.shape, vec![1, 2, 2]);
        // Dense 2×2 max at (0,0),(0,1),(1,0),(1,1) is 4, 4, 4, 6; their mean is 4.5.
        assert!((blurred.data[0] - 4.5).abs() < 1e-6, "{:?}", blurred.data);
    }

    #[test]
    fn downsampling_with_blur_removes_the_aliasing_of_a_fine_grating() {
        // Vertical stripes of period 2: plain subsampling keeps only the white
        // columns (an all-white image), a blur averages them to grey.
        let data: Vec<f32> = (0..16 * 16).map(|p| ((p % 16 + 1) % 2) as f32).collect();
        let image = Tensor::new(vec![1, 16, 16], data).unwrap();
        let plain = downsample(&image, 4, None, Circular).unwrap();
        assert_eq!(plain.shape, vec![1, 4, 4]);
        assert!(plain.data.iter().all(|&v| v == 1.0));
        for blur in BLURS {
            let smooth = downsample(&image, 4, Some(blur), Circular).unwrap();
            assert_eq!(smooth.shape, vec![1, 4, 4]);
            assert!(
                smooth.data.iter().all(|&v| (v - 0.5).abs() < 1e-6),
                "{blur:?}: {:?}",
                smooth.data
            );
        }
        assert!(downsample(&image, 3, None, Circular).is_err());
    }

    #[test]
    fn steps_compose_to_the_operator() {
        let x = [3., 1., 4., 1., 5., 9., 2., 6., 5., 3., 5.];
        let ops = [
            MAX_POOL,
            Pool::MaxPool { k: 3, stride: 2 },
            Pool::AvgPool { k: 2, stride: 2 },
            Pool::AvgPool { k: 3, stride: 3 },
            Pool::Subsample { stride: 2 },
            Pool::DenseMax { k: 2 },
            Pool::BlurPool {
                blur: Blur::Tri3,
                stride: 2,
            },
            Pool::MaxBlurPool {
                blur: Blur::Rect2,
                stride: 2,
            },
            Pool::MaxBlurPool {
                blur: Blur::Bin5,
                stride: 2,
            },
        ];
        for op in ops {
            for boundary in [Zero, Circular, Reflect] {
                let chained = op.steps().iter().fold(x.to_vec(), |signal, step| {
                    step.apply_1d(&signal, boundary).unwrap()
                });
                assert!(
                    close(&chained, &op.apply_1d(&x, boundary).unwrap()),
                    "{op:?} {boundary:?}"
                );
            }
        }
        assert_eq!(
            Pool::MaxBlurPool {
                blur: Blur::Bin5,
                stride: 2
            }
            .steps(),
            [
                Pool::DenseMax { k: 2 },
                Pool::Blur(Blur::Bin5),
                Pool::Subsample { stride: 2 }
            ]
        );
        assert_eq!(
            Pool::MaxPool { k: 2, stride: 1 }.steps(),
            [Pool::DenseMax { k: 2 }]
        );
    }

    #[test]
    fn invalid_operators_are_errors() {
        assert!(
            Pool::MaxPool { k: 0, stride: 2 }
                .apply_1d(&SEED_SIGNAL, Zero)
                .is_err()
        );
        assert!(
            Pool::Subsample { stride: 0 }
                .apply_1d(&SEED_SIGNAL, Zero)
                .is_err()
        );
        assert!(MAX_POOL.apply_1d(&[], Zero).is_err());
        assert!(MAX_POOL.apply_2d(&Tensor::zeros(vec![4, 4]), Zero).is_err());
    }
}
