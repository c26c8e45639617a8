//! Integer translations of `[c, h, w]` planes: the one definition of "shift"
//! used for inputs, for feature maps and by every experiment.

use crate::Tensor;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How the pixels that a shift uncovers are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ShiftMode {
    /// Content wraps around: the only shift under which convolution with
    /// circular padding is exactly equivariant.
    Circular,
    /// Content moves over a fixed black canvas of its own size: what leaves the
    /// frame is cut off. Not Azulay & Weiss's "Black" (that is `Embed`): on a digit
    /// on black it gives exactly the inputs of `Crop`.
    Black,
    /// A window moves over a larger image, so new real content enters
    /// ("Crop" in Azulay & Weiss 2019). See `imaging::prepare`.
    Crop,
    /// The image is shrunk and moved inside a black frame, so nothing is cut and
    /// only its position changes ("Black" in Azulay & Weiss 2019, "Translation –
    /// Embedding – Black" in their code). See `imaging::embed`.
    Embed,
}

/// The shift modes as a lab setting offers them: value, label, explanation.
pub const MODE_CHOICES: [(&str, &str, &str); 4] = [
    (
        "black",
        "Black, cut",
        "Move the image over a fixed black canvas of its own size: what leaves the frame is cut off and black comes in (on a digit on black this equals Crop)",
    ),
    (
        "embed",
        "Shrink into black (Azulay's Black)",
        "Azulay & Weiss's Black: the image is shrunk so that a black frame of 8 px surrounds it, and moved inside that frame: nothing is cut, only its position changes (shifts up to ±8 px)",
    ),
    (
        "circular",
        "Circular",
        "Wrap around: what leaves on one side comes back on the other",
    ),
    (
        "crop",
        "Crop",
        "Azulay & Weiss's Crop: a crop window moves over a larger image, so new content comes in from outside the view",
    ),
];

/// Move the content of every plane by `(dx, dy)`: positive values move it right / down.
/// `Crop` needs the larger source image and `Embed` the shrunk one, so on a bare plane
/// both behave like `Black`.
pub fn shift_planes(t: &Tensor, dx: i64, dy: i64, mode: ShiftMode) -> Tensor {
    let (c, h, w) = plane_dims(t);
    let mut out = vec![0.0; t.data.len()];
    for ch in 0..c {
        let plane = &t.data[ch * h * w..(ch + 1) * h * w];
        let dest = &mut out[ch * h * w..(ch + 1) * h * w];
        for y in 0..h {
            for x in 0..w {
                let sy = y as i64 - dy;
                let sx = x as i64 - dx;
                let source = match mode {
                    ShiftMode::Circular => Some((sy.rem_euclid(h as i64), sx.rem_euclid(w as i64))),
                    ShiftMode::Black | ShiftMode::Crop | ShiftMode::Embed => {
                        let inside = (0..h as i64).contains(&sy) && (0..w as i64).contains(&sx);
                        inside.then_some((sy, sx))
                    }
                };
                if let Some((sy, sx)) = source {
                    dest[y * w + x] = plane[sy as usize * w + sx as usize];
                }
            }
        }
    }
    Tensor {
        shape: t.shape.clone(),
        data: out,
    }
}

/// `(c, h, w)` of a `[c, h, w]` or `[h, w]` tensor.
pub fn plane_dims(t: &Tensor) -> (usize, usize, usize) {
    match t.shape[..] {
        [h, w] => (1, h, w),
        [c, h, w] => (c, h, w),
        _ => panic!("expected a [c, h, w] tensor, got shape {:?}", t.shape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(c: usize, h: usize, w: usize) -> Tensor {
        let data = (0..c * h * w).map(|v| v as f32).collect();
        Tensor::new(vec![c, h, w], data).unwrap()
    }

    #[test]
    fn black_shift_moves_content_right_and_down() {
        let t = ramp(1, 3, 3);
        let s = shift_planes(&t, 1, 1, ShiftMode::Black);
        assert_eq!(s.data, vec![0., 0., 0., 0., 0., 1., 0., 3., 4.]);
    }

    #[test]
    fn circular_shift_wraps() {
        let t = ramp(1, 1, 4);
        let s = shift_planes(&t, 1, 0, ShiftMode::Circular);
        assert_eq!(s.data, vec![3., 0., 1., 2.]);
    }
}
