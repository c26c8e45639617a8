//! The Red-Green data set of Kayhan & van Gemert 2020 ("On translation
//! invariance in CNNs: convolutional layers can exploit absolute spatial
//! location").
//!
//! A 32×32 black RGB image holds a red and a green 4×4 box on the same rows.
//! The class is their order: 0 = red left of green, 1 = green left of red.
//! The boxes of each class also live in their own vertical band, so absolute
//! position predicts the class as well as the order does. In `train` and
//! `similar` class 0 sits in the top half and class 1 in the bottom half; in
//! `dissimilar` the bands swap, and a network that learned "top means 0"
//! instead of the order fails.

use super::Dataset;
use crate::rng::Rng;
use crate::{Result, Tensor, err};
use std::str::FromStr;

pub const SIZE: usize = 32;
pub const BOX: usize = 4;
pub const CLASSES: [&str; 2] = ["red left of green", "green left of red"];

const RED: [f32; 3] = [1.0, 0.0, 0.0];
const GREEN: [f32; 3] = [0.0, 1.0, 0.0];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    Similar,
    Dissimilar,
}

impl Split {
    /// Each split draws from its own RNG stream, so one seed gives three
    /// different sets rather than three copies of the training images.
    fn stream(self) -> u64 {
        match self {
            Split::Train => 1,
            Split::Similar => 2,
            Split::Dissimilar => 3,
        }
    }

    /// Whether a class's boxes sit in the top half of the image.
    pub fn in_top_band(self, class: usize) -> bool {
        (class == 0) != (self == Split::Dissimilar)
    }
}

impl FromStr for Split {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "train" => Ok(Split::Train),
            "similar" => Ok(Split::Similar),
            "dissimilar" => Ok(Split::Dissimilar),
            _ => Err(err!(
                "unknown red-green split {name:?}: use train, similar or dissimilar"
            )),
        }
    }
}

/// Where the two boxes go: top-left corners, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub class: usize,
    pub row: usize,
    pub red_x: usize,
    pub green_x: usize,
}

/// A random layout of `class` (0 or 1) within that class's band for `split`.
pub fn draw_layout(rng: &mut Rng, split: Split, class: usize) -> Layout {
    let band_top = if split.in_top_band(class) {
        0
    } else {
        SIZE / 2
    };
    let row = band_top + rng.below((SIZE / 2 - BOX + 1) as u32) as usize;
    let last_x = (SIZE - BOX) as u32;
    let (left, right) = loop {
        let a = rng.below(last_x + 1) as usize;
        let b = rng.below(last_x + 1) as usize;
        if a.abs_diff(b) >= BOX {
            break (a.min(b), a.max(b));
        }
    };
    let (red_x, green_x) = if class == 0 {
        (left, right)
    } else {
        (right, left)
    };
    Layout {
        class,
        row,
        red_x,
        green_x,
    }
}

/// The `[3, 32, 32]` image of a layout.
pub fn render(layout: &Layout) -> Tensor {
    let mut image = Tensor::zeros(vec![3, SIZE, SIZE]);
    for (x0, colour) in [(layout.red_x, RED), (layout.green_x, GREEN)] {
        for (c, &value) in colour.iter().enumerate() {
            for y in layout.row..layout.row + BOX {
                let start = (c * SIZE + y) * SIZE + x0;
                image.data[start..start + BOX].fill(value);
            }
        }
    }
    image
}

/// One random image of `class` from `split`.
pub fn sample(rng: &mut Rng, split: Split, class: usize) -> Tensor {
    render(&draw_layout(rng, split, class))
}

/// `n` images with alternating classes (0, 1, 0, …), targets `[n]`.
pub fn generate(split: Split, n: usize, seed: u64) -> Result<Dataset> {
    if n == 0 {
        return Err(err!("a red-green set needs at least one image"));
    }
    let mut rng = Rng::with_stream(seed, split.stream());
    let images: Vec<Tensor> = (0..n).map(|i| sample(&mut rng, split, i % 2)).collect();
    let labels = (0..n).map(|i| (i % 2) as f32).collect();
    Ok(Dataset {
        images: Tensor::stack(&images)?,
        targets: Tensor::new(vec![n], labels)?,
    })
}

/// Surround a `[c, h, w]` image with `b` black pixels on every side, giving
/// `[c, h + 2b, w + 2b]`: Kayhan's border experiment grows the canvas rather
/// than shrinking the content.
pub fn add_black_border(image: &Tensor, b: usize) -> Result<Tensor> {
    let [c, h, w] = image.shape[..] else {
        return Err(err!(
            "expected a [c, h, w] image, got shape {:?}",
            image.shape
        ));
    };
    let (oh, ow) = (h + 2 * b, w + 2 * b);
    let mut out = Tensor::zeros(vec![c, oh, ow]);
    for ch in 0..c {
        for y in 0..h {
            let src = (ch * h + y) * w;
            let dst = (ch * oh + y + b) * ow + b;
            out.data[dst..dst + w].copy_from_slice(&image.data[src..src + w]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns and rows of pixels equal to `colour`.
    fn pixels_of(image: &Tensor, colour: [f32; 3]) -> Vec<(usize, usize)> {
        let plane = SIZE * SIZE;
        (0..plane)
            .filter(|&p| (0..3).all(|c| image.data[c * plane + p] == colour[c]))
            .map(|p| (p % SIZE, p / SIZE))
            .collect()
    }

    fn mean(v: impl Iterator<Item = usize>) -> f32 {
        let v: Vec<usize> = v.collect();
        v.iter().sum::<usize>() as f32 / v.len() as f32
    }

    #[test]
    fn same_seed_same_data_different_seed_different_data() {
        let a = generate(Split::Train, 20, 5).unwrap();
        assert_eq!(a, generate(Split::Train, 20, 5).unwrap());
        assert_ne!(a.images, generate(Split::Train, 20, 6).unwrap().images);
        assert_ne!(a.images, generate(Split::Similar, 20, 5).unwrap().images);
    }

    #[test]
    fn class_follows_box_order_and_band_follows_split() {
        for split in [Split::Train, Split::Similar, Split::Dissimilar] {
            let set = generate(split, 200, 1).unwrap();
            assert_eq!(set.images.shape, vec![200, 3, SIZE, SIZE]);
            for i in 0..set.len() {
                let image = set.images.item(i);
                let red = pixels_of(&image, RED);
                let green = pixels_of(&image, GREEN);
                assert_eq!((red.len(), green.len()), (BOX * BOX, BOX * BOX));
                let red_left = mean(red.iter().map(|p| p.0)) < mean(green.iter().map(|p| p.0));
                let class = set.targets.data[i] as usize;
                assert_eq!(red_left, class == 0, "{split:?} image {i}");
                let rows: Vec<usize> = red.iter().chain(&green).map(|p| p.1).collect();
                let top = rows.iter().all(|&y| y < SIZE / 2);
                let bottom = rows.iter().all(|&y| y >= SIZE / 2);
                assert!(top || bottom, "boxes cross the middle");
                let expected_top = (class == 0) != (split == Split::Dissimilar);
                assert_eq!(top, expected_top, "{split:?} image {i} class {class}");
                assert!(image.data.iter().all(|&v| v == 0.0 || v == 1.0));
            }
        }
    }

    #[test]
    fn classes_alternate_and_boxes_use_the_whole_band() {
        let set = generate(Split::Train, 2000, 3).unwrap();
        assert_eq!(&set.targets.data[..4], &[0.0, 1.0, 0.0, 1.0]);
        let mut rng = Rng::with_stream(3, Split::Train.stream());
        let layouts: Vec<Layout> = (0..2000)
            .map(|i| draw_layout(&mut rng, Split::Train, i % 2))
            .collect();
        let rows = |class: usize| {
            layouts
                .iter()
                .filter(move |l| l.class == class)
                .map(|l| l.row)
        };
        assert_eq!((rows(0).min(), rows(0).max()), (Some(0), Some(12)));
        assert_eq!((rows(1).min(), rows(1).max()), (Some(16), Some(28)));
        let xs = layouts.iter().flat_map(|l| [l.red_x, l.green_x]);
        assert_eq!((xs.clone().min(), xs.max()), (Some(0), Some(SIZE - BOX)));
    }

    #[test]
    fn split_names_parse() {
        assert_eq!("dissimilar".parse::<Split>().unwrap(), Split::Dissimilar);
        assert!("test".parse::<Split>().is_err());
    }

    #[test]
    fn black_border_grows_the_canvas_and_keeps_the_content() {
        let image =
            Tensor::new(vec![2, 2, 2], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]).unwrap();
        let out = add_black_border(&image, 1).unwrap();
        assert_eq!(out.shape, vec![2, 4, 4]);
        #[rustfmt::skip]
        let expected = vec![
            0.0, 0.0, 0.0, 0.0,  0.0, 1.0, 2.0, 0.0,  0.0, 3.0, 4.0, 0.0,  0.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 0.0, 0.0,  0.0, 5.0, 6.0, 0.0,  0.0, 7.0, 8.0, 0.0,  0.0, 0.0, 0.0, 0.0,
        ];
        assert_eq!(out.data, expected);
        assert_eq!(add_black_border(&image, 0).unwrap(), image);
        assert!(add_black_border(&Tensor::zeros(vec![4, 4]), 1).is_err());
    }
}
