//! The Red-Green data set of Kayhan & van Gemert 2020 ("On translation
//! invariance in CNNs: convolutional layers can exploit absolute spatial
//! location").
//!
//! A 32×32 black RGB image holds a red (1, 0, 0) and a green (0, 1, 0) 4×4
//! box. The class is their order: 0 = red left of green, 1 = green left of
//! red. The boxes of each class also sit in their own rows, so absolute
//! vertical position predicts the class as well as the order does; the
//! `dissimilar` test set puts each class in the other class's rows, and a
//! network that learned "high up means class 0" instead of the order fails
//! there.
//!
//! Two layouts (all positions are top-left corners in pixels, `U{a..b}` is a
//! uniform integer with both ends included):
//!
//! - [`Layout::Paper`] (the default; the shipped `rg-*` models are trained on
//!   it) follows the generator of the paper's code: each box gets its own
//!   row, `7 + U{-4..3}` (rows 3..=10) for class 0 and `23 + U{-4..3}` (rows
//!   19..=26) for class 1. The left box has `x ∈ U{0..9}`; the right box has
//!   `x ∈ U{left..27}`, drawn again (with a new row) until
//!   `x − left ≥ 5`. Class 1's boxes thus cover rows 19..=29, next to the
//!   bottom border, which a zero-padded network can use as a shortcut.
//!   The `dissimilar` split with seed `s` is the `similar` split with seed
//!   `s`, image by image, with every box moved 16 rows: class 0 down
//!   (rows 19..=26), class 1 up (rows 3..=10), so the classes' rows swap and
//!   nothing else changes. Unlike the paper's code, whose "similar" test set
//!   repeats the first training images (one NumPy seed for both), our
//!   `similar` images are freshly drawn from their own RNG stream.
//! - [`Layout::Ours`] is the layout ShiftLab used before: both boxes on one
//!   row, class 0 in the top half (rows 0..=12) and class 1 in the bottom
//!   half (rows 16..=28), both `x ∈ U{0..28}` with `|Δx| ≥ 4`, and
//!   `dissimilar` drawn independently with the halves swapped. It is kept
//!   as a contrast: there the boxes range over the whole image, the border is
//!   no better a cue than the order, and a zero-padded network mostly learns
//!   the order (≈ 72 % on dissimilar, against the paper's 8.4 %).
//!
//! Every split draws from its own stream of the crate's PCG32 ([`Rng`])
//! seeded with the given seed: train 1, similar 2, validation 4, and
//! dissimilar 3 in the `Ours` layout (the `Paper` dissimilar set reuses the
//! similar stream by construction). Classes alternate 0, 1, 0, …

use super::Dataset;
use crate::rng::Rng;
use crate::{Result, Tensor, err};
use std::str::FromStr;

pub const SIZE: usize = 32;
pub const BOX: usize = 4;
pub const CLASSES: [&str; 2] = ["red left of green", "green left of red"];

/// `Paper`: the middle row of each class's boxes (the paper's `offset1`, `offset2`).
pub const PAPER_ROWS: [usize; 2] = [7, 23];
/// `Paper`: a box's row is its class's middle row plus `U{JITTER.0..JITTER.1}`.
pub const PAPER_JITTER: (i32, i32) = (-4, 3);
/// `Paper`: the left box's `x` is in `U{0..PAPER_LEFT_MAX}`.
pub const PAPER_LEFT_MAX: usize = 9;
/// `Paper`: the right box's `x` is in `U{left..PAPER_RIGHT_MAX}` (the paper's
/// `randint(left, 28)`, whose upper end is excluded).
pub const PAPER_RIGHT_MAX: usize = SIZE - BOX - 1;
/// `Paper`: the right box is at least this far right of the left one.
pub const PAPER_MIN_GAP: usize = BOX + 1;
/// `Paper`: rows every box moves by in `dissimilar` (down for class 0, up for class 1).
pub const DISSIMILAR_SHIFT: usize = 16;

const RED: [f32; 3] = [1.0, 0.0, 0.0];
const GREEN: [f32; 3] = [0.0, 1.0, 0.0];

/// How the boxes are placed; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// The paper's generator (the default, and the shipped models' data).
    #[default]
    Paper,
    /// ShiftLab's earlier layout: one row per image, top or bottom half.
    Ours,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Paper => "paper",
            Layout::Ours => "ours",
        }
    }
}

impl FromStr for Layout {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "paper" => Ok(Layout::Paper),
            "ours" => Ok(Layout::Ours),
            _ => Err(err!("unknown red-green layout {name:?}: use paper or ours")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    /// Drawn like `Train` from its own stream: for early stopping.
    Validation,
    Similar,
    Dissimilar,
}

impl Split {
    /// Each split draws from its own RNG stream, so one seed gives different
    /// sets rather than copies of the training images.
    fn stream(self, layout: Layout) -> u64 {
        match (self, layout) {
            (Split::Train, _) => 1,
            (Split::Similar, _) | (Split::Dissimilar, Layout::Paper) => 2,
            (Split::Dissimilar, Layout::Ours) => 3,
            (Split::Validation, _) => 4,
        }
    }

    /// Whether a class's boxes sit in the top half of the image (both layouts).
    pub fn in_top_band(self, class: usize) -> bool {
        (class == 0) != (self == Split::Dissimilar)
    }
}

impl FromStr for Split {
    type Err = crate::Error;

    fn from_str(name: &str) -> Result<Self> {
        match name {
            "train" => Ok(Split::Train),
            "validation" => Ok(Split::Validation),
            "similar" => Ok(Split::Similar),
            "dissimilar" => Ok(Split::Dissimilar),
            _ => Err(err!(
                "unknown red-green split {name:?}: use train, validation, similar or dissimilar"
            )),
        }
    }
}

/// Where the two boxes of one image go: top-left corners `(x, y)`, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boxes {
    pub class: usize,
    pub red: (usize, usize),
    pub green: (usize, usize),
}

impl Boxes {
    /// `(left, right)` boxes: class 0 has red on the left.
    fn ordered(class: usize, left: (usize, usize), right: (usize, usize)) -> Boxes {
        let (red, green) = if class == 0 {
            (left, right)
        } else {
            (right, left)
        };
        Boxes { class, red, green }
    }
}

/// The paper's layout of `class` as in train, validation and similar.
fn draw_paper(rng: &mut Rng, class: usize) -> Boxes {
    let row = |rng: &mut Rng| {
        let dy = rng.range(PAPER_JITTER.0, PAPER_JITTER.1);
        PAPER_ROWS[class].wrapping_add_signed(dy as isize)
    };
    let left_x = rng.below(PAPER_LEFT_MAX as u32 + 1) as usize;
    let left = (left_x, row(rng));
    let right = loop {
        let x = rng.range(left_x as i32, PAPER_RIGHT_MAX as i32) as usize;
        let y = row(rng);
        if x - left_x >= PAPER_MIN_GAP {
            break (x, y);
        }
    };
    Boxes::ordered(class, left, right)
}

/// A similar-set layout moved to the other class's rows.
fn to_other_rows(boxes: Boxes) -> Boxes {
    let shift = |(x, y): (usize, usize)| {
        if boxes.class == 0 {
            (x, y + DISSIMILAR_SHIFT)
        } else {
            (x, y - DISSIMILAR_SHIFT)
        }
    };
    Boxes {
        class: boxes.class,
        red: shift(boxes.red),
        green: shift(boxes.green),
    }
}

/// ShiftLab's earlier layout: one row in the class's half for `split`.
fn draw_ours(rng: &mut Rng, split: Split, class: usize) -> Boxes {
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
    Boxes::ordered(class, (left, row), (right, row))
}

/// A random layout of `class` (0 or 1) for `split`, drawn from `rng`.
pub fn draw(rng: &mut Rng, layout: Layout, split: Split, class: usize) -> Boxes {
    match layout {
        Layout::Paper if split == Split::Dissimilar => to_other_rows(draw_paper(rng, class)),
        Layout::Paper => draw_paper(rng, class),
        Layout::Ours => draw_ours(rng, split, class),
    }
}

/// The `[3, 32, 32]` image of a layout.
pub fn render(boxes: &Boxes) -> Tensor {
    let mut image = Tensor::zeros(vec![3, SIZE, SIZE]);
    for ((x0, y0), colour) in [(boxes.red, RED), (boxes.green, GREEN)] {
        for (c, &value) in colour.iter().enumerate() {
            for y in y0..y0 + BOX {
                let start = (c * SIZE + y) * SIZE + x0;
                image.data[start..start + BOX].fill(value);
            }
        }
    }
    image
}

/// The layouts of `n` images with alternating classes (0, 1, 0, …).
pub fn layouts(layout: Layout, split: Split, n: usize, seed: u64) -> Vec<Boxes> {
    let mut rng = Rng::with_stream(seed, split.stream(layout));
    (0..n)
        .map(|i| draw(&mut rng, layout, split, i % 2))
        .collect()
}

/// `n` images of the paper's layout with alternating classes, targets `[n]`.
pub fn generate(split: Split, n: usize, seed: u64) -> Result<Dataset> {
    generate_with(Layout::Paper, split, n, seed)
}

/// `n` images of `layout` with alternating classes (0, 1, 0, …), targets `[n]`.
pub fn generate_with(layout: Layout, split: Split, n: usize, seed: u64) -> Result<Dataset> {
    if n == 0 {
        return Err(err!("a red-green set needs at least one image"));
    }
    let boxes = layouts(layout, split, n, seed);
    let images: Vec<Tensor> = boxes.iter().map(render).collect();
    let labels = boxes.iter().map(|b| b.class as f32).collect();
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

    /// Top-left corner of the 4×4 box of `colour`, checking it is one whole box.
    fn box_of(image: &Tensor, colour: [f32; 3]) -> (usize, usize) {
        let px = pixels_of(image, colour);
        assert_eq!(px.len(), BOX * BOX);
        let x = px.iter().map(|p| p.0).min().unwrap();
        let y = px.iter().map(|p| p.1).min().unwrap();
        assert!(px.iter().all(|&(px, py)| px < x + BOX && py < y + BOX));
        (x, y)
    }

    const SPLITS: [Split; 4] = [
        Split::Train,
        Split::Validation,
        Split::Similar,
        Split::Dissimilar,
    ];

    #[test]
    fn paper_is_the_default_layout() {
        assert_eq!(Layout::default(), Layout::Paper);
        assert_eq!(
            generate(Split::Similar, 10, 2).unwrap(),
            generate_with(Layout::Paper, Split::Similar, 10, 2).unwrap()
        );
        assert_eq!("paper".parse::<Layout>().unwrap(), Layout::Paper);
        assert_eq!(Layout::Ours.name().parse::<Layout>().unwrap(), Layout::Ours);
        assert!("mine".parse::<Layout>().is_err());
    }

    #[test]
    fn same_seed_same_data_and_every_split_its_own_stream() {
        for layout in [Layout::Paper, Layout::Ours] {
            let a = generate_with(layout, Split::Train, 20, 5).unwrap();
            assert_eq!(a, generate_with(layout, Split::Train, 20, 5).unwrap());
            let other_seed = generate_with(layout, Split::Train, 20, 6).unwrap();
            assert_ne!(a.images, other_seed.images);
            for split in [Split::Validation, Split::Similar, Split::Dissimilar] {
                let b = generate_with(layout, split, 20, 5).unwrap();
                assert_ne!(a.images, b.images, "{layout:?} {split:?}");
            }
            let v = generate_with(layout, Split::Validation, 20, 5).unwrap();
            assert_ne!(
                v.images,
                generate_with(layout, Split::Similar, 20, 5).unwrap().images
            );
            // The first k images of a set of n are the set of k.
            let long = generate_with(layout, Split::Similar, 30, 5).unwrap();
            let short = generate_with(layout, Split::Similar, 10, 5).unwrap();
            assert_eq!(
                long.images.data[..short.images.data.len()],
                short.images.data
            );
        }
        // Pinned (the shipped models' similar set starts so; the manifest's
        // checksums pin all of it): a change to the generator shows here first.
        let first = layouts(Layout::Paper, Split::Similar, 3, 2);
        let corners: Vec<_> = first.iter().map(|b| (b.red, b.green)).collect();
        assert_eq!(
            corners,
            [((1, 9), (6, 9)), ((16, 24), (1, 26)), ((6, 6), (13, 9))]
        );
    }

    #[test]
    fn paper_rows_and_columns_are_in_the_stated_ranges() {
        for split in [Split::Train, Split::Validation, Split::Similar] {
            let set = generate_with(Layout::Paper, split, 2000, 7).unwrap();
            let (mut rows, mut lefts, mut rights) = ([vec![], vec![]], vec![], vec![]);
            let mut rows_differ = 0;
            for i in 0..set.len() {
                let image = set.images.item(i);
                let class = set.targets.data[i] as usize;
                assert_eq!(class, i % 2);
                let (red, green) = (box_of(&image, RED), box_of(&image, GREEN));
                let (left, right) = if class == 0 {
                    (red, green)
                } else {
                    (green, red)
                };
                assert!(left.0 <= PAPER_LEFT_MAX, "left x {}", left.0);
                assert!(
                    right.0 >= left.0 + 5 && right.0 <= SIZE - BOX,
                    "{left:?} {right:?}"
                );
                for (_, y) in [left, right] {
                    let (lo, hi) = if class == 0 { (3, 10) } else { (19, 26) };
                    assert!((lo..=hi).contains(&y), "class {class} row {y}");
                    rows[class].push(y);
                }
                rows_differ += usize::from(left.1 != right.1);
                lefts.push(left.0);
                rights.push(right.0);
                assert!(image.data.iter().all(|&v| v == 0.0 || v == 1.0));
            }
            // The whole stated ranges are used, and each box has its own row.
            let span = |v: &[usize]| (*v.iter().min().unwrap(), *v.iter().max().unwrap());
            assert_eq!(span(&rows[0]), (3, 10));
            assert_eq!(span(&rows[1]), (19, 26));
            assert_eq!(span(&lefts), (0, 9));
            assert_eq!(span(&rights), (5, 27));
            assert!(
                rows_differ > set.len() / 2,
                "{rows_differ} of {}",
                set.len()
            );
        }
    }

    #[test]
    fn paper_dissimilar_is_similar_moved_16_rows_into_the_other_class_rows() {
        let similar = generate_with(Layout::Paper, Split::Similar, 400, 2).unwrap();
        let dissimilar = generate_with(Layout::Paper, Split::Dissimilar, 400, 2).unwrap();
        assert_eq!(similar.targets, dissimilar.targets);
        for i in 0..similar.len() {
            let (s, d) = (similar.images.item(i), dissimilar.images.item(i));
            let class = similar.targets.data[i] as usize;
            for colour in [RED, GREEN] {
                let (sx, sy) = box_of(&s, colour);
                let (dx, dy) = box_of(&d, colour);
                assert_eq!(dx, sx);
                if class == 0 {
                    assert_eq!(dy, sy + 16);
                    assert!((19..=26).contains(&dy));
                } else {
                    assert_eq!(dy + 16, sy);
                    assert!((3..=10).contains(&dy));
                }
            }
            // Pixel for pixel: the similar image moved by ±16 rows.
            let shift: isize = if class == 0 { 16 } else { -16 };
            for c in 0..3 {
                for y in 0..SIZE {
                    let from = y as isize - shift;
                    let want = if (0..SIZE as isize).contains(&from) {
                        s.data[(c * SIZE + from as usize) * SIZE..][..SIZE].to_vec()
                    } else {
                        vec![0.0; SIZE]
                    };
                    assert_eq!(d.data[(c * SIZE + y) * SIZE..][..SIZE], want[..]);
                }
            }
        }
    }

    #[test]
    fn class_follows_box_order_and_half_follows_split_in_both_layouts() {
        for layout in [Layout::Paper, Layout::Ours] {
            for split in SPLITS {
                let set = generate_with(layout, split, 200, 1).unwrap();
                assert_eq!(set.images.shape, vec![200, 3, SIZE, SIZE]);
                for i in 0..set.len() {
                    let image = set.images.item(i);
                    let (red, green) = (box_of(&image, RED), box_of(&image, GREEN));
                    let class = set.targets.data[i] as usize;
                    assert_eq!(red.0 < green.0, class == 0, "{split:?} image {i}");
                    let top = red.1 + BOX <= SIZE / 2 && green.1 + BOX <= SIZE / 2;
                    let bottom = red.1 >= SIZE / 2 && green.1 >= SIZE / 2;
                    assert!(top || bottom, "boxes cross the middle");
                    assert_eq!(top, split.in_top_band(class), "{layout:?} {split:?} {i}");
                }
            }
        }
    }

    #[test]
    fn ours_keeps_one_row_per_image_and_the_whole_half() {
        let set = layouts(Layout::Ours, Split::Train, 2000, 3);
        assert_eq!(set[0].class, 0);
        assert_eq!(set[1].class, 1);
        assert!(set.iter().all(|b| b.red.1 == b.green.1));
        let rows = |class: usize| {
            set.iter()
                .filter(move |b| b.class == class)
                .map(|b| b.red.1)
        };
        assert_eq!((rows(0).min(), rows(0).max()), (Some(0), Some(12)));
        assert_eq!((rows(1).min(), rows(1).max()), (Some(16), Some(28)));
        let xs = set.iter().flat_map(|b| [b.red.0, b.green.0]);
        assert_eq!((xs.clone().min(), xs.max()), (Some(0), Some(SIZE - BOX)));
    }

    #[test]
    fn split_names_parse() {
        assert_eq!("dissimilar".parse::<Split>().unwrap(), Split::Dissimilar);
        assert_eq!("validation".parse::<Split>().unwrap(), Split::Validation);
        assert!("test".parse::<Split>().is_err());
        assert!(generate(Split::Train, 0, 1).is_err());
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
