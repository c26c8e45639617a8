//! The not-so-Clevr coordinate task of Liu et al. 2018 (CoordConv).
//!
//! A 64×64 black canvas holds one white 9×9 square; the network regresses the
//! square's centre. There are only 56 × 56 = 3136 possible images, so the
//! splits are splits of the set of positions:
//! - `uniform`: a seeded random 80/20 split (2508 train / 628 test);
//! - `quadrant`: the test set is every position whose centre lies in the
//!   bottom-right quadrant (x ≥ 32 and y ≥ 32, 784 positions), train the rest.

use super::Dataset;
use crate::rng::Rng;
use crate::{Result, Tensor, err};
use std::str::FromStr;

pub const CANVAS: usize = 64;
pub const SQUARE: usize = 9;
/// Top-left positions per axis that keep the square on the canvas.
pub const POSITIONS: usize = CANVAS - SQUARE + 1;

/// The stream of the uniform split's shuffle, apart from the other data sets'.
const UNIFORM_STREAM: u64 = 11;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    UniformTrain,
    UniformTest,
    QuadrantTrain,
    QuadrantTest,
}

impl FromStr for Split {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "uniform-train" => Ok(Split::UniformTrain),
            "uniform-test" => Ok(Split::UniformTest),
            "quadrant-train" => Ok(Split::QuadrantTrain),
            "quadrant-test" => Ok(Split::QuadrantTest),
            _ => Err(err!(
                "unknown clevr split {name:?}: use uniform-train, uniform-test, quadrant-train or quadrant-test"
            )),
        }
    }
}

/// The `[1, 64, 64]` canvas with the square's top-left corner at `(x, y)`.
pub fn render(x: usize, y: usize) -> Result<Tensor> {
    if x >= POSITIONS || y >= POSITIONS {
        return Err(err!("a 9×9 square at ({x}, {y}) leaves the 64×64 canvas"));
    }
    let mut canvas = Tensor::zeros(vec![1, CANVAS, CANVAS]);
    for row in y..y + SQUARE {
        canvas.data[row * CANVAS + x..row * CANVAS + x + SQUARE].fill(1.0);
    }
    Ok(canvas)
}

/// The regression target of the square at top-left `(x, y)`: its centre
/// `(x, y)` in canvas units divided by 64. Pixel `i` spans [i, i + 1), so the
/// centre is `x + 4.5`, and `target * 64` is where the page draws the point.
pub fn centre(x: usize, y: usize) -> [f32; 2] {
    let half = SQUARE as f32 / 2.0;
    [
        (x as f32 + half) / CANVAS as f32,
        (y as f32 + half) / CANVAS as f32,
    ]
}

/// Whether the square's centre lies in the held-out bottom-right quadrant.
pub fn in_test_quadrant(x: usize, y: usize) -> bool {
    centre(x, y).iter().all(|&c| c >= 0.5)
}

/// Top-left positions of a split, in the order they are written. Both uniform
/// halves must use the same `seed` to be disjoint; the quadrant split ignores it.
pub fn positions(split: Split, seed: u64) -> Vec<(usize, usize)> {
    let all = (0..POSITIONS).flat_map(|y| (0..POSITIONS).map(move |x| (x, y)));
    match split {
        Split::QuadrantTrain => all.filter(|&(x, y)| !in_test_quadrant(x, y)).collect(),
        Split::QuadrantTest => all.filter(|&(x, y)| in_test_quadrant(x, y)).collect(),
        Split::UniformTrain | Split::UniformTest => {
            let mut shuffled: Vec<_> = all.collect();
            Rng::with_stream(seed, UNIFORM_STREAM).shuffle(&mut shuffled);
            let test_len = shuffled.len() - shuffled.len() * 4 / 5;
            let (test, train) = shuffled.split_at(test_len);
            if split == Split::UniformTest {
                test.to_vec()
            } else {
                train.to_vec()
            }
        }
    }
}

/// All images of a split, targets `[n, 2]` = (x, y) centres in [0, 1].
pub fn generate(split: Split, seed: u64) -> Result<Dataset> {
    let places = positions(split, seed);
    let images = places
        .iter()
        .map(|&(x, y)| render(x, y))
        .collect::<Result<Vec<_>>>()?;
    let targets = places.iter().flat_map(|&(x, y)| centre(x, y)).collect();
    Ok(Dataset {
        images: Tensor::stack(&images)?,
        targets: Tensor::new(vec![places.len(), 2], targets)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn target_is_the_centroid_of_the_white_pixels() {
        for (x, y) in [(0, 0), (55, 55), (10, 37), (31, 2)] {
            let canvas = render(x, y).unwrap();
            let white: Vec<(f32, f32)> = (0..CANVAS * CANVAS)
                .filter(|&p| canvas.data[p] == 1.0)
                .map(|p| ((p % CANVAS) as f32 + 0.5, (p / CANVAS) as f32 + 0.5))
                .collect();
            assert_eq!(white.len(), SQUARE * SQUARE);
            assert_eq!(
                canvas.data.iter().filter(|&&v| v != 0.0).count(),
                SQUARE * SQUARE
            );
            let n = white.len() as f32;
            let cx = white.iter().map(|p| p.0).sum::<f32>() / n / CANVAS as f32;
            let cy = white.iter().map(|p| p.1).sum::<f32>() / n / CANVAS as f32;
            let [tx, ty] = centre(x, y);
            assert!(
                (cx - tx).abs() < 1e-6 && (cy - ty).abs() < 1e-6,
                "({x}, {y})"
            );
        }
        assert!(render(56, 0).is_err());
    }

    #[test]
    fn uniform_split_is_a_seeded_disjoint_80_20_partition() {
        let train = positions(Split::UniformTrain, 0);
        let test = positions(Split::UniformTest, 0);
        assert_eq!((train.len(), test.len()), (2508, 628));
        let train_set: HashSet<_> = train.iter().collect();
        let test_set: HashSet<_> = test.iter().collect();
        assert!(train_set.is_disjoint(&test_set));
        assert_eq!(train_set.len() + test_set.len(), POSITIONS * POSITIONS);
        assert_eq!(test, positions(Split::UniformTest, 0));
        assert_ne!(test, positions(Split::UniformTest, 1));
        // A uniform test set covers the whole canvas, including the held-out quadrant.
        assert!(test.iter().any(|&(x, y)| in_test_quadrant(x, y)));
    }

    #[test]
    fn quadrant_test_holds_exactly_the_bottom_right_positions() {
        let train = positions(Split::QuadrantTrain, 0);
        let test = positions(Split::QuadrantTest, 0);
        assert_eq!((train.len(), test.len()), (2352, 784));
        assert!(test.iter().all(|&(x, y)| x >= 28 && y >= 28));
        assert!(train.iter().all(|&(x, y)| x < 28 || y < 28));
        let set = generate(Split::QuadrantTest, 0).unwrap();
        assert_eq!(set.images.shape, vec![784, 1, CANVAS, CANVAS]);
        assert_eq!(set.targets.shape, vec![784, 2]);
        assert!(set.targets.data.iter().all(|&t| (0.5..1.0).contains(&t)));
    }

    #[test]
    fn split_names_parse() {
        assert_eq!(
            "quadrant-train".parse::<Split>().unwrap(),
            Split::QuadrantTrain
        );
        assert!("quadrant".parse::<Split>().is_err());
    }
}
