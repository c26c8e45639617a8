//! A 2-D max pool in place of tract's `OptMaxPool`.
//!
//! tract 0.23's pool of a 2×2 kernel (every pool in our models) folds with `f32::max`,
//! and on wasm32 that is a call to compiler-builtins' `fmaxf` per element: no `f32.max`
//! (its NaN rule differs) and no SIMD. In the page that made the pools 6× their native
//! time and half of a digit model's run. This op walks the same windows one output row
//! at a time and folds with a compare-and-select, which wasm runs as `f32.select` and
//! LLVM vectorises. A maximum is one of its inputs, so the numbers are tract's exactly.
//! (The change belongs in tract's `maxpool_2x2_f32`.)

use super::{Kernel, nchw_f32};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::tract_core::ops::cnn::OptMaxPool;
use tract_onnx::tract_hir::tract_core::ops::nn::DataFormat;

/// One pool: NCHW f32, the geometry of a concrete input shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowMaxPool {
    /// `[n, c, h, w]` of the input.
    input: [usize; 4],
    /// `[h, w]` of the output.
    output: [usize; 2],
    kernel: [usize; 2],
    strides: [usize; 2],
    dilations: [usize; 2],
    /// Padding before the first row and column (padding never wins a maximum).
    pad: [usize; 2],
}

impl RowMaxPool {
    /// The same pool as `op` on an input of `fact`, when it is one this op does:
    /// f32, channels first, two spatial axes, no index output.
    pub fn replacing(op: &OptMaxPool, fact: &TypedFact) -> Option<RowMaxPool> {
        let shape = nchw_f32(fact)?;
        if op.with_index_outputs.is_some() || op.pool_spec.data_format != DataFormat::NCHW {
            return None;
        }
        let geometry = op.geometry.to_concrete(&shape).ok()?;
        let patch = &geometry.patch;
        let pair = |v: &[usize]| <[usize; 2]>::try_from(v).ok();
        Some(RowMaxPool {
            input: shape,
            output: pair(&patch.output_shape)?,
            kernel: pair(&patch.spec.kernel_shape)?,
            strides: pair(&patch.spec.strides)?,
            dilations: pair(&patch.spec.dilations)?,
            pad: pair(&patch.pad_before)?,
        })
    }

    /// For each kernel column: the output columns where it lands inside the input
    /// (`lo..hi`) and the input column of the first of them.
    fn column_spans(&self) -> Vec<(usize, usize, usize)> {
        let [_, _, _, w] = self.input;
        let (ow, sw) = (self.output[1], self.strides[1]);
        (0..self.kernel[1])
            .filter_map(|kx| {
                let offset = (kx * self.dilations[1]) as isize - self.pad[1] as isize;
                let last = w as isize - 1 - offset;
                if last < 0 {
                    return None;
                }
                let lo = if offset >= 0 {
                    0
                } else {
                    offset.unsigned_abs().div_ceil(sw)
                };
                let hi = (last as usize / sw + 1).min(ow);
                (lo < hi).then(|| (lo, hi, ((lo * sw) as isize + offset) as usize))
            })
            .collect()
    }
}

/// The larger of `a` and `b` as a compare-and-select (see the module's note on `f32::max`).
fn max(a: f32, b: f32) -> f32 {
    if a < b { b } else { a }
}

/// `o = max(o, tap)` for each output and its tap.
fn fold_max<'a>(row: &mut [f32], taps: impl Iterator<Item = &'a f32>) {
    for (o, &v) in row.iter_mut().zip(taps) {
        *o = max(*o, v);
    }
}

/// `o = max(o, a, b)` for each output and its pair `[a, b]` of input columns.
fn fold_pairs(row: &mut [f32], input_row: &[f32]) {
    for (o, pair) in row.iter_mut().zip(input_row.chunks_exact(2)) {
        *o = max(*o, max(pair[0], pair[1]));
    }
}

impl Kernel for RowMaxPool {
    const NAME: &'static str = "RowMaxPool";

    fn output_shape(&self) -> [usize; 4] {
        let [n, c, _, _] = self.input;
        [n, c, self.output[0], self.output[1]]
    }

    fn run(&self, input: &[f32], output: &mut [f32]) {
        let [_, _, h, w] = self.input;
        let [oh, ow] = self.output;
        let spans = self.column_spans();
        // The common 2×2, stride-2 pool of an even width: each output column takes two
        // neighbouring input columns, folded in one pass that LLVM can vectorise.
        let pairs = self.kernel[1] == 2
            && self.strides[1] == 2
            && self.dilations[1] == 1
            && self.pad[1] == 0
            && w == 2 * ow;
        // tract's empty window (all padding) is the lowest finite f32; so is ours.
        output.fill(f32::MIN);
        for (plane, out_plane) in input
            .chunks_exact(h * w)
            .zip(output.chunks_exact_mut(oh * ow))
        {
            for (oy, row) in out_plane.chunks_exact_mut(ow).enumerate() {
                for ky in 0..self.kernel[0] {
                    let iy = (oy * self.strides[0] + ky * self.dilations[0]) as isize
                        - self.pad[0] as isize;
                    if !(0..h as isize).contains(&iy) {
                        continue;
                    }
                    let input_row = &plane[iy as usize * w..][..w];
                    if pairs {
                        fold_pairs(row, input_row);
                        continue;
                    }
                    for &(lo, hi, start) in &spans {
                        let row = &mut row[lo..hi];
                        let taps = &input_row[start..];
                        if self.strides[1] == 1 {
                            fold_max(row, taps.iter());
                        } else {
                            fold_max(row, taps.iter().step_by(self.strides[1]));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_ops::tests::tract_and_ours;
    use tract_onnx::tract_hir::tract_core::ops::cnn::{MaxPool, PaddingSpec, PoolSpec};

    #[test]
    fn pools_equal_tracts_exactly() {
        for (shape, k, s, d, padding) in [
            ([2, 3, 28, 28], 2, 2, 1, PaddingSpec::Valid),
            ([1, 2, 6, 8], 2, 2, 1, PaddingSpec::SameUpper),
            ([1, 4, 27, 13], 2, 2, 1, PaddingSpec::Valid),
            ([2, 3, 14, 14], 2, 1, 1, PaddingSpec::SameUpper),
            (
                [1, 2, 9, 11],
                3,
                2,
                1,
                PaddingSpec::Explicit(tvec![1, 1], tvec![1, 1]),
            ),
            ([1, 2, 10, 10], 3, 1, 2, PaddingSpec::SameLower),
            (
                [1, 1, 5, 7],
                3,
                3,
                1,
                PaddingSpec::Explicit(tvec![2, 0], tvec![2, 2]),
            ),
        ] {
            let c = shape[1];
            let mut model = TypedModel::default();
            let source = model.add_source("x", f32::fact(shape)).unwrap();
            let spec = PoolSpec::new(
                DataFormat::NCHW,
                tvec![k, k],
                padding.clone(),
                Some(tvec![d, d]),
                Some(tvec![s, s]),
                c,
                c,
            );
            let pool = model
                .wire_node("pool", MaxPool::new(spec, None), &[source])
                .unwrap();
            model.select_output_outlets(&pool).unwrap();
            let (tract, ours) = tract_and_ours::<OptMaxPool>(model, shape);
            assert_eq!(
                tract.to_plain_array_view::<f32>().unwrap(),
                ours.to_plain_array_view::<f32>().unwrap(),
                "{shape:?} k{k} s{s} d{d} {padding:?}"
            );
        }
    }
}
