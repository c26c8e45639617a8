//! Reading a Siamese tracker (SiamFC / SiamRPN style): the template's features
//! slide over the search region's, and the strongest cell of the response map
//! is where the tracker thinks the target is. Shared by the re-measurement of
//! the shipped trackers and by the centre-bias lab, so both read peaks alike.

use crate::datasets::siamese::Pair;
use crate::imaging::{InputSpec, normalise};
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};
use serde::Serialize;

/// A tracker and how its two inputs (template, search) are normalised.
pub struct Tracker<'a> {
    pub model: &'a ProbeModel,
    pub inputs: &'a [InputSpec],
}

/// The strongest cell of a response map and the target offset (px from the
/// search centre) it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[ts(rename = "TrackerPeak")]
pub struct Peak {
    pub row: usize,
    pub col: usize,
    pub dx: i32,
    pub dy: i32,
    pub value: f32,
}

impl Tracker<'_> {
    fn specs(&self) -> Result<(&InputSpec, &InputSpec)> {
        match self.inputs {
            [template, search] => Ok((template, search)),
            _ => Err(err!(
                "a Siamese tracker has two inputs (template, search), got {}",
                self.inputs.len()
            )),
        }
    }

    /// One response map `[h, w]` per pair, run as one batch.
    pub fn responses(&self, pairs: &[Pair]) -> Result<Vec<Tensor>> {
        let (template_spec, search_spec) = self.specs()?;
        let templates: Vec<Tensor> = pairs
            .iter()
            .map(|p| normalise(&p.template, template_spec))
            .collect();
        let searches: Vec<Tensor> = pairs
            .iter()
            .map(|p| normalise(&p.search, search_spec))
            .collect();
        let (t, s) = (Tensor::stack(&templates)?, Tensor::stack(&searches)?);
        let run = self.model.run(&[&t.data, &s.data], pairs.len())?;
        let (h, w) = match run.output.shape[..] {
            [_, 1, h, w] | [_, h, w] => (h, w),
            ref shape => return Err(err!("a response map is [n, 1, h, w], got {shape:?}")),
        };
        Ok((0..pairs.len())
            .map(|i| Tensor {
                shape: vec![h, w],
                data: run.output.data[i * h * w..(i + 1) * h * w].to_vec(),
            })
            .collect())
    }

    /// Search pixels per response cell. A fully convolutional Siamese network
    /// with total stride s maps a template of T px and a search region of S px
    /// to (S − T) / s + 1 cells, so the stride follows from the shapes.
    pub fn stride(&self, cells: usize) -> Result<i32> {
        let (template, search) = self.specs()?;
        let side = |spec: &InputSpec| spec.shape.last().copied().unwrap_or(0);
        let span = side(search).saturating_sub(side(template));
        if cells < 2 || span == 0 || span % (cells - 1) != 0 {
            return Err(err!(
                "a {cells}-cell response map does not tile a {}-px search for a {}-px template",
                side(search),
                side(template)
            ));
        }
        Ok((span / (cells - 1)) as i32)
    }

    /// Each pair's peak, as the response map's argmax read as an offset.
    pub fn peaks(&self, pairs: &[Pair]) -> Result<Vec<(Tensor, Peak)>> {
        self.responses(pairs)?
            .into_iter()
            .map(|map| {
                let (h, w) = (map.shape[0], map.shape[1]);
                let p = peak(&map.data, w, h, self.stride(w)?)?;
                Ok((map, p))
            })
            .collect()
    }
}

/// The first maximum in raster order (as numpy's argmax picks it) of a
/// `width × height` map. Cell `(r, c)` is the template placed at offset
/// `stride · (c − (w−1)/2, r − (h−1)/2)`: valid cross-correlation of an odd
/// map, whose middle cell is offset 0.
pub fn peak(map: &[f32], width: usize, height: usize, stride: i32) -> Result<Peak> {
    if width == 0 || height == 0 || map.len() != width * height {
        return Err(err!(
            "a {width}×{height} response map needs {} values, got {}",
            width * height,
            map.len()
        ));
    }
    if width.is_multiple_of(2) || height.is_multiple_of(2) {
        return Err(err!(
            "a response map with a centre cell has odd sides, got {width}×{height}"
        ));
    }
    let (best, value) =
        map.iter()
            .copied()
            .enumerate()
            .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, v)| {
                if v > bv { (i, v) } else { (bi, bv) }
            });
    let (row, col) = (best / width, best % width);
    Ok(Peak {
        row,
        col,
        dx: stride * (col as i32 - (width as i32 - 1) / 2),
        dy: stride * (row as i32 - (height as i32 - 1) / 2),
        value,
    })
}

/// Euclidean distance in pixels between a peak and the true offset.
pub fn peak_error(peak: &Peak, offset: (i32, i32)) -> f32 {
    (((peak.dx - offset.0).pow(2) + (peak.dy - offset.1).pow(2)) as f32).sqrt()
}

/// The peak error of a perfect tracker whose response cells lie `stride` px
/// apart: the distance from `offset` to the nearest multiple of `stride` on each
/// axis. An argmax can name no offset between cells, so no tracker of that
/// stride scores less on average (offsets spread evenly over whole pixels at
/// stride 4: per axis 0, 1, 2, 1 px, ≈ 1.59 px Euclidean).
pub fn quantisation_error(offset: (i32, i32), stride: i32) -> f32 {
    let axis = |v: i32| {
        let r = v.rem_euclid(stride);
        r.min(stride - r)
    };
    let (ex, ey) = (axis(offset.0), axis(offset.1));
    ((ex * ex + ey * ey) as f32).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_cell_maps_to_its_offset() {
        // 13×13 at stride 4 like the shipped trackers: (dx, dy) = (4c − 24, 4r − 24).
        for (row, col, dx, dy) in [
            (6, 6, 0, 0),
            (0, 0, -24, -24),
            (12, 3, -12, 24),
            (5, 10, 16, -4),
        ] {
            let mut map = vec![0.0f32; 13 * 13];
            map[row * 13 + col] = 3.0;
            map[(row * 13 + col + 1) % 169] = 2.5;
            let p = peak(&map, 13, 13, 4).unwrap();
            assert_eq!((p.row, p.col, p.dx, p.dy, p.value), (row, col, dx, dy, 3.0));
        }
        // A non-square map; ties go to the first cell in raster order.
        let mut map = vec![-1.0f32; 3 * 5];
        map[4] = 0.5;
        map[9] = 0.5;
        let p = peak(&map, 5, 3, 2).unwrap();
        assert_eq!((p.row, p.col, p.dx, p.dy), (0, 4, 4, -2));
        assert!((peak_error(&p, (1, 2)) - 5.0).abs() < 1e-6);
        assert!(peak(&map, 4, 3, 2).is_err());
        assert!(peak(&map[1..], 5, 3, 2).is_err());
    }

    #[test]
    fn quantisation_is_the_distance_to_the_nearest_cell() {
        assert_eq!(quantisation_error((8, -12), 4), 0.0);
        assert_eq!(quantisation_error((1, 0), 4), 1.0);
        assert_eq!(quantisation_error((-3, 6), 4), 5f32.sqrt());
        assert_eq!(quantisation_error((10, 10), 4), 8f32.sqrt());
        // Averaged over every residue pair: the 1.59 px floor of a stride-4 map.
        let all: f32 = (0..4)
            .flat_map(|x| (0..4).map(move |y| quantisation_error((x, y), 4)))
            .sum();
        assert!((all / 16.0 - 1.5894).abs() < 1e-4, "{}", all / 16.0);
    }
}
