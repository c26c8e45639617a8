//! The numbers the labs report, as pure functions over plain slices, each with
//! the definition of the paper it reproduces.

use crate::pooling::Boundary;
use crate::rng::Rng;
use crate::{Result, err};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Index of the largest score (the first one on ties).
pub fn top1(scores: &[f32]) -> Result<usize> {
    let mut best = None;
    for (i, &v) in scores.iter().enumerate() {
        if v.is_nan() {
            return Err(err!("score {i} is NaN"));
        }
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
        .ok_or_else(|| err!("no scores to take the top-1 of"))
}

/// Class probabilities from a classifier's scores: a softmax, unless the model
/// ends in one already (`probabilities`), since a second softmax flattens them.
pub fn class_probabilities(scores: &[f32], probabilities: bool) -> Vec<f32> {
    if probabilities {
        scores.to_vec()
    } else {
        softmax(scores)
    }
}

/// Probabilities from logits, computed after subtracting the maximum so large logits do not overflow.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&v| libm::expf(v - max)).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

fn check_lengths(a: usize, b: usize, what: &str) -> Result<()> {
    if a != b {
        return Err(err!("{what}: {a} values against {b}"));
    }
    if a == 0 {
        return Err(err!("{what}: no values"));
    }
    Ok(())
}

/// Fraction of predictions equal to their label, in [0, 1].
pub fn accuracy(predictions: &[usize], labels: &[usize]) -> Result<f32> {
    check_lengths(predictions.len(), labels.len(), "accuracy")?;
    let hits = predictions
        .iter()
        .zip(labels)
        .filter(|(p, l)| p == l)
        .count();
    Ok(hits as f32 / labels.len() as f32)
}

/// Zhang 2019, "classification consistency": the percentage (0–100, as the
/// paper reports it) of pairs of differently shifted copies of an image whose
/// top-1 predictions agree. Each pair holds the two top-1 classes.
pub fn consistency(pairs: &[(usize, usize)]) -> Result<f32> {
    if pairs.is_empty() {
        return Err(err!("consistency needs at least one pair"));
    }
    let same = pairs.iter().filter(|(a, b)| a == b).count();
    Ok(100.0 * same as f32 / pairs.len() as f32)
}

/// A shift `(dx, dy)` in pixels.
pub type Shift = (i32, i32);

/// `n` pairs of independent shifts with dx and dy uniform in `[lo, hi]`
/// (Zhang's protocol: two random crop offsets in [0, 32)², i.e. `lo = 0, hi = 31`).
pub fn random_shift_pairs(
    rng: &mut Rng,
    n: usize,
    lo: i32,
    hi: i32,
) -> Result<Vec<(Shift, Shift)>> {
    if lo > hi {
        return Err(err!("empty shift range [{lo}, {hi}]"));
    }
    let mut shift = || (rng.range(lo, hi), rng.range(lo, hi));
    Ok((0..n).map(|_| (shift(), shift())).collect())
}

/// Azulay & Weiss 2019, P(top-1 change): over the predictions for a sequence
/// of consecutive one-pixel shifts, the fraction (0–1) of consecutive pairs
/// whose top-1 class differs.
pub fn p_top1_change(top1s: &[usize]) -> Result<f32> {
    if top1s.len() < 2 {
        return Err(err!("P(top-1 change) needs at least two shifts"));
    }
    let changes = top1s.windows(2).filter(|w| w[0] != w[1]).count();
    Ok(changes as f32 / (top1s.len() - 1) as f32)
}

/// Azulay & Weiss 2019, mean absolute change (MAC): over the probability
/// vectors of a sequence of consecutive one-pixel shifts, the mean of
/// `|p_{t+1}[c] − p_t[c]|`, where `c` is the top-1 class of the first
/// (unshifted) input and stays fixed along the sequence.
pub fn mean_absolute_change(probabilities: &[Vec<f32>]) -> Result<f32> {
    if probabilities.len() < 2 {
        return Err(err!("MAC needs at least two shifts"));
    }
    let class = top1(&probabilities[0])?;
    let classes = probabilities[0].len();
    if probabilities.iter().any(|p| p.len() != classes) {
        return Err(err!("MAC: probability vectors of different lengths"));
    }
    let total: f32 = probabilities
        .windows(2)
        .map(|w| (w[1][class] - w[0][class]).abs())
        .sum();
    Ok(total / (probabilities.len() - 1) as f32)
}

/// `1 − a·b / (|a| |b|)`, in [0, 2]. Two zero vectors are at distance 0 and a
/// zero vector is at distance 1 from any other (no direction to agree with).
pub fn cosine_distance(a: &[f32], b: &[f32]) -> Result<f32> {
    check_lengths(a.len(), b.len(), "cosine distance")?;
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    Ok(match (na > 0.0, nb > 0.0) {
        (false, false) => 0.0,
        (true, true) => (1.0 - dot / (na.sqrt() * nb.sqrt())) as f32,
        _ => 1.0,
    })
}

/// Ranks 1..=n, tied values sharing the mean of their ranks.
fn average_ranks(values: &[f32]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

/// Spearman's rank correlation (SPC in Islam et al. 2020): the Pearson
/// correlation of the average ranks, in [-1, 1]. A constant input carries no
/// ranking, and scores 0.
pub fn spearman(a: &[f32], b: &[f32]) -> Result<f32> {
    check_lengths(a.len(), b.len(), "Spearman correlation")?;
    // A map constant up to float rounding has no order: ranking its rounding noise would
    // give a correlation that depends on the machine's kernels (x86 and wasm round apart).
    // Noise is judged against the larger of the two maps, so a readout's prediction for a
    // black input (tens of ulps apart, from a thousand features) is flat beside its target.
    let scale = magnitude(a).max(magnitude(b));
    if is_flat(a, scale) || is_flat(b, scale) {
        return Ok(0.0);
    }
    let (ra, rb) = (average_ranks(a), average_ranks(b));
    let mean = (a.len() + 1) as f64 / 2.0;
    let (mut cov, mut va, mut vb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        cov += (x - mean) * (y - mean);
        va += (x - mean).powi(2);
        vb += (y - mean).powi(2);
    }
    if va == 0.0 || vb == 0.0 {
        return Ok(0.0);
    }
    Ok((cov / (va.sqrt() * vb.sqrt())) as f32)
}

/// The largest absolute value.
fn magnitude(values: &[f32]) -> f32 {
    values.iter().fold(0.0, |m: f32, v| m.max(v.abs()))
}

/// Whether the values span at most 1e-5 of `scale`.
fn is_flat(values: &[f32], scale: f32) -> bool {
    let (lo, hi) = values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    // NaN spreads count as flat too: they carry no order either.
    (hi - lo).partial_cmp(&(1e-5 * scale)) != Some(std::cmp::Ordering::Greater)
}

/// Mean absolute error (MAE in Islam et al. 2020).
pub fn mae(predicted: &[f32], target: &[f32]) -> Result<f32> {
    check_lengths(predicted.len(), target.len(), "MAE")?;
    let total: f64 = predicted
        .iter()
        .zip(target)
        .map(|(p, t)| f64::from((p - t).abs()))
        .sum();
    Ok((total / target.len() as f64) as f32)
}

/// A linear readout `y = x·W + b` fitted by ridge regression, for lab 4's
/// position maps: features of one pixel in, one value per target map out.
#[derive(Debug, Clone, PartialEq)]
pub struct Ridge {
    /// Input features per row.
    pub inputs: usize,
    /// Outputs per row.
    pub outputs: usize,
    /// `inputs × outputs`, row-major.
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Ridge {
    /// Fit on `rows` rows of `x` (`rows × inputs`) and `y` (`rows × outputs`):
    /// the closed form `W = (XcᵀXc + λI)⁻¹ Xcᵀ Yc` on centred data, so the
    /// bias is not shrunk, solved by Cholesky in f64. With fewer rows than features
    /// the same `W` is `Xcᵀ (XcXcᵀ + λI)⁻¹ Yc`, a rows × rows system: the multi-level
    /// readout of a small image's 2,592 features on 504 rows solves in a fraction of a
    /// second instead of seconds.
    pub fn fit(x: &[f32], y: &[f32], rows: usize, lambda: f64) -> Result<Ridge> {
        if rows == 0 || !x.len().is_multiple_of(rows) || !y.len().is_multiple_of(rows) {
            return Err(err!(
                "ridge: {} features and {} targets do not split into {rows} rows",
                x.len(),
                y.len()
            ));
        }
        if lambda < 0.0 {
            return Err(err!("ridge: λ = {lambda} must not be negative"));
        }
        let (d, m) = (x.len() / rows, y.len() / rows);
        let column_means = |v: &[f32], width: usize| -> Vec<f64> {
            let mut means = vec![0.0; width];
            for row in v.chunks(width) {
                for (s, &e) in means.iter_mut().zip(row) {
                    *s += f64::from(e);
                }
            }
            means.iter().map(|s| s / rows as f64).collect()
        };
        let (mx, my) = (column_means(x, d), column_means(y, m));

        let w = if rows < d {
            dual_weights(x, y, rows, (&mx, &my), lambda)?
        } else {
            let (mut gram, cross) = centred_products(x, y, rows, (&mx, &my));
            for i in 0..d {
                gram[i * d + i] += lambda;
            }
            let lower = cholesky(&gram, d)?;
            cholesky_solve(&lower, d, &cross, m)
        };
        let bias = (0..m)
            .map(|k| (my[k] - (0..d).map(|i| mx[i] * w[i * m + k]).sum::<f64>()) as f32)
            .collect();
        Ok(Ridge {
            inputs: d,
            outputs: m,
            weights: w.into_iter().map(|v| v as f32).collect(),
            bias,
        })
    }

    /// Outputs for every row of `x` (`rows × inputs`), as `rows × outputs`.
    pub fn predict(&self, x: &[f32]) -> Result<Vec<f32>> {
        if !x.len().is_multiple_of(self.inputs) {
            return Err(err!(
                "ridge: {} values are not rows of {} features",
                x.len(),
                self.inputs
            ));
        }
        Ok(x.chunks(self.inputs)
            .flat_map(|row| {
                (0..self.outputs).map(move |k| {
                    self.bias[k]
                        + row
                            .iter()
                            .enumerate()
                            .map(|(i, v)| v * self.weights[i * self.outputs + k])
                            .sum::<f32>()
                })
            })
            .collect())
    }
}

/// Rows per block of the cross products, multiplied in f64 by `ndarray`'s optimised
/// kernels (the paper-sized readout fits ~18,000 rows of ~1,000 features); f64 because a
/// readout with about as many rows as features amplifies rounding, and the page (wasm) and
/// the CLI must agree.
const BLOCK_ROWS: usize = 512;

/// The rows of `v` (`… × means.len()`) minus the column means, in f64.
fn centred(v: &[f32], means: &[f64]) -> Array2<f64> {
    let width = means.len();
    let data = v
        .chunks(width)
        .flat_map(|row| row.iter().zip(means).map(|(&e, mean)| f64::from(e) - mean))
        .collect();
    Array2::from_shape_vec((v.len() / width, width), data).expect("whole rows")
}

/// The ridge weights `Xcᵀ (XcXcᵀ + λI)⁻¹ Yc` (`d × m`), for fewer rows than features.
fn dual_weights(
    x: &[f32],
    y: &[f32],
    rows: usize,
    (mx, my): (&[f64], &[f64]),
    lambda: f64,
) -> Result<Vec<f64>> {
    let (xc, yc) = (centred(x, mx), centred(y, my));
    let mut kernel = xc.dot(&xc.t());
    for i in 0..rows {
        kernel[[i, i]] += lambda;
    }
    let lower = cholesky(&kernel.into_raw_vec_and_offset().0, rows)
        .map_err(|_| err!("ridge: with fewer rows ({rows}) than features, use λ > 0"))?;
    let alpha = cholesky_solve(&lower, rows, &yc.into_raw_vec_and_offset().0, my.len());
    let alpha = Array2::from_shape_vec((rows, my.len()), alpha).expect("rows × outputs");
    Ok(xc.t().dot(&alpha).into_raw_vec_and_offset().0)
}

/// `XcᵀXc` (`d × d`, full) and `XcᵀYc` (`d × m`) of the column-centred `x` and `y`.
fn centred_products(
    x: &[f32],
    y: &[f32],
    rows: usize,
    (mx, my): (&[f64], &[f64]),
) -> (Vec<f64>, Vec<f64>) {
    let (d, m) = (x.len() / rows, y.len() / rows);
    let mut gram = Array2::<f64>::zeros((d, d));
    let mut cross = Array2::<f64>::zeros((d, m));
    for start in (0..rows).step_by(BLOCK_ROWS) {
        let end = rows.min(start + BLOCK_ROWS);
        let xb = centred(&x[start * d..end * d], mx);
        let yb = centred(&y[start * m..end * m], my);
        gram += &xb.t().dot(&xb);
        cross += &xb.t().dot(&yb);
    }
    (
        gram.into_raw_vec_and_offset().0,
        cross.into_raw_vec_and_offset().0,
    )
}

/// The lower-triangular `L` with `L Lᵀ = A`, reading only the lower half of `A` (`n × n`).
fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                // Relative to the diagonal, so rounding cannot pass a singular matrix.
                if s <= 1e-12 * a[i * n + i] {
                    return Err(err!(
                        "ridge: the features are linearly dependent; use λ > 0"
                    ));
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Ok(l)
}

/// Solve `L Lᵀ X = B` for `B` of `n × m`, by forward then back substitution.
fn cholesky_solve(l: &[f64], n: usize, b: &[f64], m: usize) -> Vec<f64> {
    let mut z = b.to_vec();
    for k in 0..m {
        for i in 0..n {
            let s = z[i * m + k] - (0..i).map(|j| l[i * n + j] * z[j * m + k]).sum::<f64>();
            z[i * m + k] = s / l[i * n + i];
        }
        for i in (0..n).rev() {
            let s = z[i * m + k] - (i + 1..n).map(|j| l[j * n + i] * z[j * m + k]).sum::<f64>();
            z[i * m + k] = s / l[i * n + i];
        }
    }
    z
}

/// The target maps of Islam et al. 2020, values in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum PositionMap {
    /// Horizontal gradient: 0 at the left column, 1 at the right.
    H,
    /// Vertical gradient: 0 at the top row, 1 at the bottom.
    V,
    /// A Gaussian centred on the image, σ = a quarter of each side, 1 at the centre.
    G,
    /// Horizontal stripes: the vertical gradient folded into `STRIPES` bands
    /// that alternate direction (0→1, 1→0, …), a zig-zag over the rows.
    HS,
    /// Vertical stripes: the same zig-zag over the columns.
    VS,
}

pub const POSITION_MAPS: [PositionMap; 5] = [
    PositionMap::H,
    PositionMap::V,
    PositionMap::G,
    PositionMap::HS,
    PositionMap::VS,
];

/// Bands of the striped maps.
pub const STRIPES: usize = 4;

/// `t ∈ [0, 1]` folded into `STRIPES` bands of alternating direction.
fn zigzag(t: f32) -> f32 {
    let scaled = t * STRIPES as f32;
    let band = (scaled.floor() as usize).min(STRIPES - 1);
    let f = scaled - band as f32;
    if band.is_multiple_of(2) { f } else { 1.0 - f }
}

/// The `h × w` map, row-major.
pub fn position_map(kind: PositionMap, h: usize, w: usize) -> Vec<f32> {
    let unit = |i: usize, n: usize| {
        if n > 1 {
            i as f32 / (n - 1) as f32
        } else {
            0.5
        }
    };
    let sigma = 0.25f32;
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (unit(x, w), unit(y, h))))
        .map(|(u, v)| match kind {
            PositionMap::H => u,
            PositionMap::V => v,
            PositionMap::G => {
                libm::expf(-((u - 0.5).powi(2) + (v - 0.5).powi(2)) / (2.0 * sigma * sigma))
            }
            PositionMap::HS => zigzag(v),
            PositionMap::VS => zigzag(u),
        })
        .collect()
}

/// How a convolution pads its input (Kayhan & van Gemert 2020).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Padding {
    /// No padding: the output shrinks by k − 1.
    Valid,
    /// k − 1 padded values in all, ⌊(k−1)/2⌋ before: the output keeps its size.
    Same,
    /// k − 1 padded values on each side: every input value meets every kernel tap.
    Full,
}

/// How many times each pixel of an `n × n` input is used by a stack of
/// `layers` k×k stride-1 convolutions (Kayhan & van Gemert 2020, Fig. 2): the
/// number of paths from the pixel to any output of the last layer. It is
/// computed backwards from an all-ones output map: each layer sends a
/// position's count to every input its window reads, so a padded position
/// passes its count to the pixel it copies (circular, reflect) or drops it
/// (zero). The count is separable, so the map is the outer product of the
/// 1-D counts. Row-major `n × n`.
pub fn coverage_map(
    n: usize,
    k: usize,
    layers: usize,
    padding: Padding,
    boundary: Boundary,
) -> Result<Vec<f64>> {
    if n == 0 || k == 0 {
        return Err(err!("coverage needs a non-empty input and kernel"));
    }
    let before = match padding {
        Padding::Valid => 0,
        Padding::Same => (k - 1) / 2,
        Padding::Full => k - 1,
    };
    let total_pad = match padding {
        Padding::Valid => 0,
        Padding::Same => k - 1,
        Padding::Full => 2 * (k - 1),
    };
    let mut sizes = vec![n];
    for layer in 0..layers {
        let size = sizes[layer] + total_pad;
        if size < k {
            return Err(err!(
                "layer {} of a valid {k}×{k} stack has no output for a {n}×{n} input",
                layer + 1
            ));
        }
        sizes.push(size - k + 1);
    }
    let mut counts = vec![1.0f64; sizes[layers]];
    for layer in (0..layers).rev() {
        let size_in = sizes[layer];
        let mut back = vec![0.0; size_in];
        for (q, &c) in counts.iter().enumerate() {
            for a in 0..k {
                if let Some(i) = boundary.index(q as isize + a as isize - before as isize, size_in)
                {
                    back[i] += c;
                }
            }
        }
        counts = back;
    }
    Ok(counts
        .iter()
        .flat_map(|&r| counts.iter().map(move |&c| r * c))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn top1_softmax_accuracy() {
        assert_eq!(top1(&[0.1, 0.7, 0.2]).unwrap(), 1);
        assert_eq!(top1(&[0.5, 0.5]).unwrap(), 0);
        assert!(top1(&[]).is_err());
        assert!(top1(&[0.0, f32::NAN]).is_err());
        let p = softmax(&[0.0, (2.0f32).ln(), 1000.0]);
        assert!(close(p[2], 1.0) && p[0] < 1e-30);
        let p = softmax(&[0.0, (3.0f32).ln()]);
        assert!(close(p[0], 0.25) && close(p[1], 0.75));
        assert_eq!(accuracy(&[1, 2, 3, 4], &[1, 0, 3, 0]).unwrap(), 0.5);
        assert!(accuracy(&[1], &[1, 2]).is_err());
    }

    #[test]
    fn consistency_counts_agreeing_pairs_in_percent() {
        assert_eq!(
            consistency(&[(1, 1), (2, 3), (0, 0), (4, 4)]).unwrap(),
            75.0
        );
        assert!(consistency(&[]).is_err());
    }

    #[test]
    fn shift_pairs_are_seeded_and_in_range() {
        let a = random_shift_pairs(&mut Rng::new(1), 500, 0, 31).unwrap();
        assert_eq!(a, random_shift_pairs(&mut Rng::new(1), 500, 0, 31).unwrap());
        let coords: Vec<i32> = a
            .iter()
            .flat_map(|&((a, b), (c, d))| [a, b, c, d])
            .collect();
        assert!(coords.iter().all(|v| (0..32).contains(v)));
        assert_eq!(
            (coords.iter().min(), coords.iter().max()),
            (Some(&0), Some(&31))
        );
        assert!(random_shift_pairs(&mut Rng::new(1), 1, 3, 2).is_err());
    }

    #[test]
    fn azulay_weiss_metrics() {
        assert_eq!(p_top1_change(&[3, 3, 5, 5, 3]).unwrap(), 0.5);
        assert!(p_top1_change(&[3]).is_err());
        // Class 0 is top-1 of the first input; its probability goes 0.6 → 0.4 → 0.5.
        let probs = vec![vec![0.6, 0.4], vec![0.4, 0.6], vec![0.5, 0.5]];
        assert!(close(mean_absolute_change(&probs).unwrap(), 0.15));
        assert!(mean_absolute_change(&[vec![0.6, 0.4], vec![1.0]]).is_err());
    }

    #[test]
    fn cosine_distance_values() {
        assert!(close(
            cosine_distance(&[1.0, 0.0], &[0.0, 2.0]).unwrap(),
            1.0
        ));
        assert!(close(
            cosine_distance(&[1.0, 2.0], &[2.0, 4.0]).unwrap(),
            0.0
        ));
        assert!(close(
            cosine_distance(&[1.0, 1.0], &[-1.0, -1.0]).unwrap(),
            2.0
        ));
        assert!(close(
            cosine_distance(&[1.0, 0.0], &[1.0, 1.0]).unwrap(),
            1.0 - 0.5f32.sqrt()
        ));
        assert_eq!(cosine_distance(&[0.0, 0.0], &[0.0, 0.0]).unwrap(), 0.0);
        assert_eq!(cosine_distance(&[0.0, 0.0], &[1.0, 0.0]).unwrap(), 1.0);
    }

    #[test]
    fn spearman_with_ties_and_mae() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            [2.0, 3.5, 3.5, 1.0]
        );
        assert!(close(
            spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 4.0, 9.0, 16.0]).unwrap(),
            1.0
        ));
        assert!(close(
            spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap(),
            -1.0
        ));
        // Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): r = 4.5 / sqrt(4.5 · 5).
        let r = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!(close(r, (4.5f64 / (4.5f64 * 5.0).sqrt()) as f32), "{r}");
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]).unwrap(), 0.0);
        // A prediction tens of ulps apart beside a target spanning [0, 1] is rounding noise.
        let noise = [0.086_217_2, 0.086_217_5, 0.086_217_3, 0.086_217_6];
        assert_eq!(
            spearman(&noise, &[0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]).unwrap(),
            0.0
        );
        assert!(
            spearman(&[0.08, 0.09, 0.085, 0.1], &[0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]).unwrap() > 0.5
        );
        assert!(close(
            mae(&[1.0, 2.0, 3.0], &[1.5, 2.0, 1.0]).unwrap(),
            2.5 / 3.0
        ));
        assert!(mae(&[], &[]).is_err());
    }

    #[test]
    fn ridge_recovers_known_weights_and_bias() {
        let mut rng = Rng::new(7);
        let rows = 200;
        let x: Vec<f32> = (0..rows * 3).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
        // Two outputs: y0 = 2a − b + 0.5c + 3, y1 = −a + 4c − 1.
        let y: Vec<f32> = x
            .chunks(3)
            .flat_map(|r| {
                [
                    2.0 * r[0] - r[1] + 0.5 * r[2] + 3.0,
                    -r[0] + 4.0 * r[2] - 1.0,
                ]
            })
            .collect();
        let fit = Ridge::fit(&x, &y, rows, 0.0).unwrap();
        let expected = [2.0, -1.0, -1.0, 0.0, 0.5, 4.0];
        assert!(
            fit.weights
                .iter()
                .zip(expected)
                .all(|(w, e)| (w - e).abs() < 1e-4),
            "{:?}",
            fit.weights
        );
        assert!(
            (fit.bias[0] - 3.0).abs() < 1e-4 && (fit.bias[1] + 1.0).abs() < 1e-4,
            "{:?}",
            fit.bias
        );
        let pred = fit.predict(&x).unwrap();
        assert!(pred.iter().zip(&y).all(|(p, t)| (p - t).abs() < 1e-4));
    }

    #[test]
    fn ridge_shrinks_and_handles_dependent_features() {
        // Both features equal: without λ the system is singular.
        let x = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
        let y = [2.0, 4.0, 6.0];
        assert!(Ridge::fit(&x, &y, 3, 0.0).is_err());
        let fit = Ridge::fit(&x, &y, 3, 1e-6).unwrap();
        // The symmetric solution splits the slope of 2 between the features.
        assert!((fit.weights[0] - 1.0).abs() < 1e-3 && (fit.weights[1] - 1.0).abs() < 1e-3);
        // One feature, centred x = (−1, 0, 1), y slope 2: w = 2·2 / (2 + λ).
        let big = Ridge::fit(&[1.0, 2.0, 3.0], &y, 3, 2.0).unwrap();
        assert!((big.weights[0] - 1.0).abs() < 1e-6 && (big.bias[0] - 2.0).abs() < 1e-6);
        assert!(Ridge::fit(&x, &y, 4, 1.0).is_err());
    }

    #[test]
    fn ridge_with_fewer_rows_than_features_gives_the_primal_weights() {
        let mut rng = Rng::new(11);
        let (rows, d) = (12, 30);
        let x: Vec<f32> = (0..rows * d).map(|_| rng.uniform_in(-1.0, 1.0)).collect();
        let y: Vec<f32> = (0..rows * 2).map(|_| rng.uniform_in(0.0, 1.0)).collect();
        let lambda = 0.5;
        let fit = Ridge::fit(&x, &y, rows, lambda).unwrap();
        // The primal normal equations, solved here directly: (XcᵀXc + λI) W = XcᵀYc.
        let mean = |v: &[f32], w: usize| -> Vec<f64> {
            (0..w)
                .map(|j| v.chunks(w).map(|r| f64::from(r[j])).sum::<f64>() / rows as f64)
                .collect()
        };
        let (gram, cross) = centred_products(&x, &y, rows, (&mean(&x, d), &mean(&y, 2)));
        for k in 0..2 {
            for i in 0..d {
                let lhs: f64 = (0..d)
                    .map(|j| {
                        (gram[i * d + j] + if i == j { lambda } else { 0.0 })
                            * f64::from(fit.weights[j * 2 + k])
                    })
                    .sum();
                assert!(
                    (lhs - cross[i * 2 + k]).abs() < 1e-4,
                    "row {i}, output {k}: {lhs} vs {}",
                    cross[i * 2 + k]
                );
            }
        }
        assert!(
            Ridge::fit(&x, &y, rows, 0.0).is_err(),
            "underdetermined without λ"
        );
    }

    #[test]
    fn position_maps_by_hand() {
        assert_eq!(
            position_map(PositionMap::H, 2, 3),
            [0.0, 0.5, 1.0, 0.0, 0.5, 1.0]
        );
        assert_eq!(position_map(PositionMap::V, 3, 1), [0.0, 0.5, 1.0]);
        let g = position_map(PositionMap::G, 5, 5);
        assert_eq!(g[12], 1.0);
        assert!(close(g[0], (-1.0f32 / (2.0 * 0.0625) * 0.5).exp()));
        assert!(g.iter().all(|&v| v <= g[12]));
        let hs = position_map(PositionMap::HS, 9, 1);
        assert_eq!(hs, [0.0, 0.5, 1.0, 0.5, 0.0, 0.5, 1.0, 0.5, 0.0]);
        let vs = position_map(PositionMap::VS, 1, 9);
        assert_eq!(vs, hs);
    }

    #[test]
    fn coverage_of_one_valid_layer_is_the_box_count() {
        let map = coverage_map(5, 3, 1, Padding::Valid, Boundary::Zero).unwrap();
        assert_eq!(map[0], 1.0);
        assert_eq!(map[2], 3.0);
        assert_eq!(map[12], 9.0);
        assert_eq!(&map[..5], &[1.0, 2.0, 3.0, 2.0, 1.0]);
    }

    #[test]
    fn coverage_of_two_valid_layers() {
        // 1-D counts [1,2,3,2,1] * [1,1,1] = [1,3,6,7,6,3,1].
        let map = coverage_map(7, 3, 2, Padding::Valid, Boundary::Zero).unwrap();
        assert_eq!(&map[..7], &[1.0, 3.0, 6.0, 7.0, 6.0, 3.0, 1.0]);
        assert_eq!(map[3 * 7 + 3], 49.0);
        assert!(coverage_map(4, 3, 2, Padding::Valid, Boundary::Zero).is_err());
    }

    #[test]
    fn same_zero_starves_the_border_circular_and_full_are_uniform() {
        let same = coverage_map(5, 3, 1, Padding::Same, Boundary::Zero).unwrap();
        assert_eq!((same[0], same[1], same[12]), (4.0, 6.0, 9.0));
        for layers in 1..4 {
            let circular = coverage_map(6, 3, layers, Padding::Same, Boundary::Circular).unwrap();
            assert!(circular.iter().all(|&v| v == 9f64.powi(layers as i32)));
            let full = coverage_map(6, 3, layers, Padding::Full, Boundary::Zero).unwrap();
            assert!(full.iter().all(|&v| v == 9f64.powi(layers as i32)));
        }
        let reflect = coverage_map(5, 3, 1, Padding::Same, Boundary::Reflect).unwrap();
        assert_eq!(&reflect[..5], &[4.0, 8.0, 6.0, 8.0, 4.0]);
    }
}
