//! Values to colours, with the range a legend needs. Perceptual maps from
//! `colorous` (viridis and magma for magnitudes, red–blue for signed differences).

use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ColorMap {
    Viridis,
    Magma,
    /// Diverging: blue below zero, white at zero, red above.
    Rdbu,
}

impl ColorMap {
    pub fn parse(name: &str) -> crate::Result<Self> {
        match name {
            "viridis" => Ok(ColorMap::Viridis),
            "magma" => Ok(ColorMap::Magma),
            "rdbu" => Ok(ColorMap::Rdbu),
            other => Err(crate::err!(
                "unknown colour map \"{other}\" (viridis, magma or rdbu)"
            )),
        }
    }

    pub fn is_diverging(self) -> bool {
        self == ColorMap::Rdbu
    }

    /// The colour at `t` in [0, 1].
    pub fn at(self, t: f64) -> [u8; 3] {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let c = match self {
            ColorMap::Viridis => colorous::VIRIDIS.eval_continuous(t),
            ColorMap::Magma => colorous::MAGMA.eval_continuous(t),
            // colorous runs red → blue; we want negative = blue.
            ColorMap::Rdbu => colorous::RED_BLUE.eval_continuous(1.0 - t),
        };
        [c.r, c.g, c.b]
    }
}

/// The value range shown by a map: the data's own range, or symmetric about
/// zero for diverging maps so that white always means "no difference".
pub fn auto_range(data: &[f32], map: ColorMap) -> (f32, f32) {
    let finite = data.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi {
        return (0.0, 1.0);
    }
    if map.is_diverging() {
        let m = lo.abs().max(hi.abs());
        return if m == 0.0 { (-1.0, 1.0) } else { (-m, m) };
    }
    if lo == hi { (lo, lo + 1.0) } else { (lo, hi) }
}

/// Colour `data` with `map` over `[lo, hi]` (either `None` = from the data).
/// Returns RGBA bytes and the range used.
pub fn colorize(
    data: &[f32],
    map: ColorMap,
    lo: Option<f32>,
    hi: Option<f32>,
) -> (Vec<u8>, f32, f32) {
    let (auto_lo, auto_hi) = auto_range(data, map);
    let lo = lo.unwrap_or(auto_lo);
    let hi = hi.unwrap_or(auto_hi);
    let span = if hi > lo { (hi - lo) as f64 } else { 1.0 };
    let mut rgba = Vec::with_capacity(data.len() * 4);
    for &v in data {
        let [r, g, b] = map.at((v - lo) as f64 / span);
        rgba.extend([r, g, b, 255]);
    }
    (rgba, lo, hi)
}

/// A coloured map as a lab's result carries it: the view draws it as it is and
/// labels its legend with `lo` and `hi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Heatmap {
    pub width: usize,
    pub height: usize,
    #[serde(with = "serde_bytes")]
    #[ts(type = "Uint8Array")]
    pub rgba: Vec<u8>,
    pub lo: f32,
    pub hi: f32,
    pub map: ColorMap,
}

impl Heatmap {
    /// A `width × height` map of `data` over `[lo, hi]` (either `None` = from the data).
    pub fn new(
        data: &[f32],
        width: usize,
        height: usize,
        map: ColorMap,
        lo: Option<f32>,
        hi: Option<f32>,
    ) -> Result<Heatmap> {
        if data.len() != width * height {
            return Err(err!(
                "a {width}×{height} map needs {} values, got {}",
                width * height,
                data.len()
            ));
        }
        let (rgba, lo, hi) = colorize(data, map, lo, hi);
        Ok(Heatmap {
            width,
            height,
            rgba,
            lo,
            hi,
            map,
        })
    }

    /// The first `channels` planes of each `[c, h, w]` tensor, stacked top to bottom
    /// in one map, so that all of them share one colour scale: one heatmap per tensor.
    pub fn planes(tensors: &[&Tensor], channels: usize, map: ColorMap) -> Result<Vec<Heatmap>> {
        let mut all = Vec::new();
        let mut pieces = Vec::new();
        for t in tensors {
            let (c, h, w) = crate::shift::plane_dims(t);
            let shown = channels.min(c);
            all.extend_from_slice(&t.data[..shown * h * w]);
            pieces.push((w, shown * h));
        }
        let whole = Heatmap::new(&all, 1, all.len(), map, None, None)?;
        Ok(whole.split(&pieces))
    }

    /// Several `width × height` maps on one colour scale over `[lo, hi]` (either
    /// `None` = from all of them): coloured as one stack, so equal colours are
    /// equal values across the maps.
    pub fn shared(
        maps: &[&[f32]],
        width: usize,
        height: usize,
        map: ColorMap,
        lo: Option<f32>,
        hi: Option<f32>,
    ) -> Result<Vec<Heatmap>> {
        let all: Vec<f32> = maps.iter().flat_map(|m| m.iter().copied()).collect();
        let whole = Heatmap::new(&all, width, height * maps.len(), map, lo, hi)?;
        Ok(whole.split(&vec![(width, height); maps.len()]))
    }

    /// A coloured stack cut into consecutive `(width, height)` pieces on its scale.
    fn split(&self, pieces: &[(usize, usize)]) -> Vec<Heatmap> {
        let mut at = 0;
        pieces
            .iter()
            .map(|&(width, height)| {
                let n = width * height * 4;
                let rgba = self.rgba[at..at + n].to_vec();
                at += n;
                Heatmap {
                    width,
                    height,
                    rgba,
                    lo: self.lo,
                    hi: self.hi,
                    map: self.map,
                }
            })
            .collect()
    }
}

/// A `width × 1` colour bar from the low end to the high end.
pub fn legend(map: ColorMap, width: usize) -> Vec<u8> {
    let steps = width.max(2) - 1;
    (0..width)
        .flat_map(|i| {
            let [r, g, b] = map.at(i as f64 / steps as f64);
            [r, g, b, 255]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_range_is_symmetric_and_zero_is_light() {
        let (lo, hi) = auto_range(&[-0.5, 2.0], ColorMap::Rdbu);
        assert_eq!((lo, hi), (-2.0, 2.0));
        let (rgba, _, _) = colorize(&[-2.0, 0.0, 2.0], ColorMap::Rdbu, None, None);
        let (neg, mid, pos) = (&rgba[0..3], &rgba[4..7], &rgba[8..11]);
        assert!(neg[2] > neg[0], "negative is blue: {neg:?}");
        assert!(pos[0] > pos[2], "positive is red: {pos:?}");
        assert!(mid.iter().all(|&c| c > 200), "zero is near white: {mid:?}");
    }

    #[test]
    fn sequential_map_spans_the_data() {
        let (rgba, lo, hi) = colorize(&[1.0, 3.0], ColorMap::Viridis, None, None);
        assert_eq!((lo, hi), (1.0, 3.0));
        assert_eq!(&rgba[0..3], &ColorMap::Viridis.at(0.0));
        assert_eq!(&rgba[4..7], &ColorMap::Viridis.at(1.0));
    }

    #[test]
    fn constant_and_non_finite_data_do_not_break() {
        let (rgba, lo, hi) = colorize(&[f32::NAN, 2.0, 2.0], ColorMap::Magma, None, None);
        assert_eq!(rgba.len(), 12);
        assert!(hi > lo);
        assert_eq!(legend(ColorMap::Viridis, 5).len(), 20);
        assert!(ColorMap::parse("jet").is_err());
    }
}
