//! Properties of the one shift definition that inputs, feature maps and every
//! experiment share.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use shiftlab::Tensor;
use shiftlab::imaging::{Image, InputSpec, prepare};
use shiftlab::shift::{ShiftMode, shift_planes};

fn planes() -> impl Strategy<Value = Tensor> {
    (1usize..=3, 1usize..=9, 1usize..=9).prop_flat_map(|(c, h, w)| {
        proptest::collection::vec(-10.0f32..10.0, c * h * w)
            .prop_map(move |data| Tensor::new(vec![c, h, w], data).unwrap())
    })
}

proptest! {
    #[test]
    fn circular_shift_then_its_inverse_is_the_identity(t in planes(), dx in -20i64..20, dy in -20i64..20) {
        let there = shift_planes(&t, dx, dy, ShiftMode::Circular);
        prop_assert_eq!(shift_planes(&there, -dx, -dy, ShiftMode::Circular), t);
    }

    #[test]
    fn circular_shifts_compose(t in planes(), a in -9i64..9, b in -9i64..9, c in -9i64..9, d in -9i64..9) {
        let twice = shift_planes(&shift_planes(&t, a, b, ShiftMode::Circular), c, d, ShiftMode::Circular);
        prop_assert_eq!(twice, shift_planes(&t, a + c, b + d, ShiftMode::Circular));
    }

    #[test]
    fn circular_shift_by_the_input_size_is_the_identity(t in planes(), k in -2i64..=2, l in -2i64..=2) {
        let (h, w) = (t.shape[1] as i64, t.shape[2] as i64);
        prop_assert_eq!(shift_planes(&t, k * w, l * h, ShiftMode::Circular), t);
    }

    #[test]
    fn black_shifts_compose_while_content_stays_inside(t in planes(), a in 0i64..3, c in 0i64..3) {
        // Moving right twice loses exactly what moving right once by the sum loses.
        let twice = shift_planes(&shift_planes(&t, a, 0, ShiftMode::Black), c, 0, ShiftMode::Black);
        prop_assert_eq!(twice, shift_planes(&t, a + c, 0, ShiftMode::Black));
    }

    #[test]
    fn shifting_an_image_moves_each_pixel_by_dx_dy(x in 0usize..8, y in 0usize..8, dx in -7i64..8, dy in -7i64..8) {
        let mut rgba = vec![0u8; 8 * 8 * 4];
        for px in rgba.chunks_exact_mut(4) { px[3] = 255; }
        rgba[(y * 8 + x) * 4..(y * 8 + x) * 4 + 3].copy_from_slice(&[255, 255, 255]);
        let img = Image::new(8, 8, rgba).unwrap();
        let spec = InputSpec { shape: vec![1, 8, 8], mean: vec![0.0], std: vec![1.0], ..Default::default() };
        for mode in [ShiftMode::Circular, ShiftMode::Black, ShiftMode::Crop] {
            let p = prepare(&img, &spec, dx, dy, mode).unwrap();
            let lit: Vec<usize> = (0..64).filter(|&i| p.tensor.data[i] > 0.5).collect();
            let (tx, ty) = (x as i64 + dx, y as i64 + dy);
            let expected = match mode {
                ShiftMode::Circular => vec![(ty.rem_euclid(8) * 8 + tx.rem_euclid(8)) as usize],
                _ if (0..8).contains(&tx) && (0..8).contains(&ty) => vec![(ty * 8 + tx) as usize],
                _ => vec![],
            };
            prop_assert_eq!(lit, expected, "{:?}", mode);
        }
    }
}
