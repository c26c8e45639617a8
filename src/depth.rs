//! Reading a depth network's inverse-depth map the way van Dijk & de Croon (2019)
//! did: the error measures of monocular depth estimation, an obstacle's
//! estimated distance, and the ground plane the map implies (its horizon and
//! roll). Shared by the depth lab and the re-measurement of the shipped models.

use crate::datasets::road::{CENTRE_COLUMN, HEIGHT, HORIZON_ROW, Rendered, WIDTH};
use crate::imaging::{InputSpec, normalise};
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};

/// Pixels deeper than this (and sky) are left out of the error measures, and
/// predictions are read as at most this deep.
pub const MAX_DEPTH: f32 = 80.0;
/// A pixel belongs to an obstacle (or the ground) when this share of its rays meets it.
pub const MASK_COVERAGE: f32 = 0.75;
/// Items per tract run.
pub const BATCH: usize = 16;

/// Running sums of the standard monocular depth errors over pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Errors {
    abs_rel: f64,
    within_1_25: usize,
    pixels: usize,
}

impl Errors {
    /// Add every pixel of one map whose true depth is at most `MAX_DEPTH`.
    pub fn add(&mut self, predicted: &[f32], truth: &[f32]) {
        for (&p, &t) in predicted.iter().zip(truth) {
            if t < 1.0 / MAX_DEPTH {
                continue;
            }
            let d_true = 1.0 / f64::from(t);
            let d_pred = 1.0 / f64::from(p.max(1.0 / MAX_DEPTH));
            self.abs_rel += (d_pred - d_true).abs() / d_true;
            if (d_pred / d_true).max(d_true / d_pred) < 1.25 {
                self.within_1_25 += 1;
            }
            self.pixels += 1;
        }
    }

    /// Mean |d_pred − d_true| / d_true.
    pub fn abs_rel(&self) -> f64 {
        self.abs_rel / self.pixels.max(1) as f64
    }

    /// % of pixels with max(d_pred / d_true, d_true / d_pred) < 1.25.
    pub fn delta1_percent(&self) -> f64 {
        100.0 * self.within_1_25 as f64 / self.pixels.max(1) as f64
    }

    pub fn pixels(&self) -> usize {
        self.pixels
    }
}

/// The inverse-depth maps of `images` (`[3, 96, 160]` in [0, 1]), normalised
/// with `spec`, in batches of `BATCH`.
pub fn predict(model: &ProbeModel, spec: &InputSpec, images: &[&Tensor]) -> Result<Vec<Vec<f32>>> {
    let plane = HEIGHT * WIDTH;
    let mut maps = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH) {
        let inputs: Vec<Tensor> = chunk.iter().map(|t| normalise(t, spec)).collect();
        let batch = Tensor::stack(&inputs)?;
        let run = model.run(&[&batch.data], chunk.len())?;
        if run.output.data.len() != chunk.len() * plane {
            return Err(err!(
                "a depth model must output one 96×160 map per image; got shape {:?}",
                run.output.shape
            ));
        }
        maps.extend(run.output.data.chunks_exact(plane).map(<[f32]>::to_vec));
    }
    Ok(maps)
}

/// The median of `map` over the pixels where `coverage` ≥ `MASK_COVERAGE`, or
/// `None` when no pixel qualifies.
pub fn masked_median(map: &[f32], coverage: &[f32]) -> Option<f32> {
    let mut values: Vec<f32> = map
        .iter()
        .zip(coverage)
        .filter(|&(_, &c)| c >= MASK_COVERAGE)
        .map(|(&v, _)| v)
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f32::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The distance (m) an inverse-depth map gives obstacle `index` of a rendering:
/// 1 / the median over its pixels, read as at most `MAX_DEPTH`.
pub fn obstacle_distance(map: &[f32], rendered: &Rendered, index: usize) -> Option<f32> {
    let median = masked_median(map, rendered.coverage.get(index)?)?;
    Some(1.0 / median.max(1.0 / MAX_DEPTH))
}

/// A plane through inverse depth over the image, 1/Z = a·(u − cx) + b·(v − cy) + c:
/// what a flat ground looks like in an inverse-depth map (exactly, for a pinhole
/// camera), so its zero line is the horizon the map implies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroundPlane {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

impl GroundPlane {
    /// Least squares over the pixel centres where `ground` ≥ `MASK_COVERAGE`.
    pub fn fit(map: &[f32], ground: &[f32]) -> Option<GroundPlane> {
        // Normal equations of [du, dv, 1] · [a, b, c] = value.
        let mut m = [[0.0f64; 3]; 3];
        let mut r = [0.0f64; 3];
        let mut n = 0usize;
        for row in 0..HEIGHT {
            for col in 0..WIDTH {
                let p = row * WIDTH + col;
                if ground[p] < MASK_COVERAGE {
                    continue;
                }
                let x = [
                    f64::from(col as f32 + 0.5 - CENTRE_COLUMN),
                    f64::from(row as f32 + 0.5 - HORIZON_ROW),
                    1.0,
                ];
                for i in 0..3 {
                    for j in 0..3 {
                        m[i][j] += x[i] * x[j];
                    }
                    r[i] += x[i] * f64::from(map[p]);
                }
                n += 1;
            }
        }
        if n < 3 {
            return None;
        }
        let [a, b, c] = solve3(m, r)?;
        Some(GroundPlane { a, b, c })
    }

    /// The row where the plane reaches zero at the centre column: the horizon
    /// extrapolated from the ground, as the paper reads it.
    pub fn horizon_row(&self) -> Option<f64> {
        (self.b.abs() > 1e-12).then(|| f64::from(HORIZON_ROW) - self.c / self.b)
    }

    /// The roll (degrees) of the zero line: positive when it rises to the right,
    /// the sign of `road::Camera::roll`.
    pub fn roll_degrees(&self) -> f64 {
        self.a.atan2(self.b).to_degrees()
    }
}

/// Cramer's rule for a 3×3 system, `None` when singular.
fn solve3(m: [[f64; 3]; 3], r: [f64; 3]) -> Option<[f64; 3]> {
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-12 {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut mk = m;
        for i in 0..3 {
            mk[i][k] = r[i];
        }
        *slot = det(mk) / d;
    }
    Some(out)
}

/// Slope and intercept of the least-squares line y = slope·x + intercept.
pub fn line_fit(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    let n = x.len().min(y.len()) as f64;
    if n < 2.0 {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    (sxx > 0.0).then(|| (sxy / sxx, my - sxy / sxx * mx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_prediction_has_no_error_and_a_double_depth_is_off_by_half() {
        let truth = [0.5, 0.1, 0.0, 0.001];
        let mut e = Errors::default();
        e.add(&truth, &truth);
        assert_eq!(
            (e.abs_rel(), e.delta1_percent(), e.pixels()),
            (0.0, 100.0, 2)
        );
        let mut e = Errors::default();
        e.add(&[0.25, 0.05, 1.0, 1.0], &truth);
        assert!((e.abs_rel() - 1.0).abs() < 1e-9);
        assert_eq!(e.delta1_percent(), 0.0);
    }

    #[test]
    fn the_plane_fit_recovers_a_known_plane() {
        let (a, b, c) = (0.0004f32, 0.006f32, -0.01f32);
        let map: Vec<f32> = (0..HEIGHT * WIDTH)
            .map(|p| {
                let (row, col) = ((p / WIDTH) as f32, (p % WIDTH) as f32);
                a * (col + 0.5 - CENTRE_COLUMN) + b * (row + 0.5 - HORIZON_ROW) + c
            })
            .collect();
        let ground: Vec<f32> = (0..HEIGHT * WIDTH)
            .map(|p| if p / WIDTH > 50 { 1.0 } else { 0.0 })
            .collect();
        let plane = GroundPlane::fit(&map, &ground).unwrap();
        let horizon = plane.horizon_row().unwrap();
        assert!((horizon - (40.0 + 0.01 / 0.006)).abs() < 1e-3, "{horizon}");
        let roll = plane.roll_degrees();
        assert!((roll - 0.0004f64.atan2(0.006).to_degrees()).abs() < 1e-3);
        assert_eq!(
            line_fit(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]),
            Some((2.0, 0.0))
        );
        assert_eq!(masked_median(&[1.0, 5.0, 3.0], &[1.0, 1.0, 0.5]), Some(3.0));
    }
}
