//! Template / search pairs for the centre-bias experiment of SiamRPN++ (Li et
//! al. 2019): a padded backbone trained only on targets at the centre of the
//! search region learns to answer "the centre"; one trained on random shifts
//! does much less so.
//!
//! The search region is 64×64 RGB: a noisy tinted background, a few
//! distractor objects and one target object, 12–16 px, with a two-colour
//! texture. Distractors share either the target's shape or nothing, never
//! shape and colour, so only the template tells which object to track. The
//! template is 16×16 with the same target at its centre on its own patch of
//! background (as if cut from another frame). The offset (dx, dy) is the
//! target centre minus the search centre, in whole pixels.

use super::write_all;
use crate::rng::Rng;
use crate::{Result, Tensor, err};
use std::path::{Path, PathBuf};

pub const SEARCH: usize = 64;
pub const TEMPLATE: usize = 16;
pub const DEFAULT_MAX_SHIFT: i32 = 20;
/// The largest |dx| or |dy| that keeps a 16-px target wholly inside the search region.
pub const MAX_SHIFT: i32 = (SEARCH - TEMPLATE) as i32 / 2;

const DISTRACTORS: usize = 3;
const NOISE_STREAM: u64 = 23;
const BACKGROUND_NOISE: f32 = 0.06;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Disc,
    Square,
    Diamond,
    Cross,
}

const SHAPES: [Shape; 4] = [Shape::Disc, Shape::Square, Shape::Diamond, Shape::Cross];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    HorizontalStripes,
    VerticalStripes,
    Checker,
}

const PATTERNS: [Pattern; 3] = [
    Pattern::HorizontalStripes,
    Pattern::VerticalStripes,
    Pattern::Checker,
];

/// A textured shape, drawn around a centre given in canvas units.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub shape: Shape,
    pub size: usize,
    pub colour: [f32; 3],
    pub accent: [f32; 3],
    pub pattern: Pattern,
    pub period: usize,
}

impl Object {
    fn draw(rng: &mut Rng, shape: Shape, hue: f32, sizes: (i32, i32)) -> Object {
        let value = rng.uniform_in(0.8, 1.0);
        Object {
            shape,
            size: rng.range(sizes.0, sizes.1) as usize,
            colour: hsv_to_rgb(hue, 1.0, value),
            accent: hsv_to_rgb(hue, 0.6, 0.35 * value),
            pattern: PATTERNS[rng.below(PATTERNS.len() as u32) as usize],
            period: rng.range(2, 4) as usize,
        }
    }

    /// The colour at `(rx, ry)` from the object's centre, if the object covers it.
    pub fn colour_at(&self, rx: f32, ry: f32) -> Option<[f32; 3]> {
        let r = self.size as f32 / 2.0;
        let (ax, ay) = (rx.abs(), ry.abs());
        let inside = match self.shape {
            Shape::Disc => rx * rx + ry * ry <= r * r,
            Shape::Square => ax.max(ay) <= r,
            Shape::Diamond => ax + ay <= r,
            Shape::Cross => ax.max(ay) <= r && ax.min(ay) <= r / 3.0,
        };
        if !inside {
            return None;
        }
        let p = self.period as f32;
        let (bx, by) = ((rx / p).floor() as i32, (ry / p).floor() as i32);
        let band = match self.pattern {
            Pattern::HorizontalStripes => by,
            Pattern::VerticalStripes => bx,
            Pattern::Checker => bx + by,
        };
        Some(if band.rem_euclid(2) == 0 {
            self.colour
        } else {
            self.accent
        })
    }

    /// Paint onto a `[3, size, size]` canvas around the canvas point `(cx, cy)`;
    /// pixel `(i, j)` is tested at its centre `(j + 0.5, i + 0.5)`.
    fn paint(&self, canvas: &mut Tensor, cx: f32, cy: f32) {
        let size = canvas.shape[1];
        let plane = size * size;
        for i in 0..size {
            for j in 0..size {
                if let Some(rgb) = self.colour_at(j as f32 + 0.5 - cx, i as f32 + 0.5 - cy) {
                    for (c, v) in rgb.into_iter().enumerate() {
                        canvas.data[c * plane + i * size + j] = v;
                    }
                }
            }
        }
    }
}

/// Hue in [0, 1), saturation and value in [0, 1]; arithmetic only, so exact on every target.
fn hsv_to_rgb(hue: f32, saturation: f32, value: f32) -> [f32; 3] {
    let h6 = hue.rem_euclid(1.0) * 6.0;
    let sector = h6.floor();
    let f = h6 - sector;
    let p = value * (1.0 - saturation);
    let q = value * (1.0 - saturation * f);
    let t = value * (1.0 - saturation * (1.0 - f));
    match sector as u32 {
        0 => [value, t, p],
        1 => [q, value, p],
        2 => [p, value, t],
        3 => [p, q, value],
        4 => [t, p, value],
        _ => [value, p, q],
    }
}

/// Everything random about one pair except the pixel noise, which is replayed
/// from `noise_seed`: the page can change `offset` and re-render the same scene.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub target: Object,
    pub offset: (i32, i32),
    /// Distractors with their centres in search-region pixels.
    pub distractors: Vec<(Object, (i32, i32))>,
    pub background: [f32; 3],
    pub noise_seed: u64,
}

/// One template / search pair, `[3, 16, 16]` and `[3, 64, 64]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub template: Tensor,
    pub search: Tensor,
}

pub fn check_offset((dx, dy): (i32, i32)) -> Result<()> {
    if dx.abs() > MAX_SHIFT || dy.abs() > MAX_SHIFT {
        return Err(err!(
            "target offset ({dx}, {dy}) leaves the search region: |dx|, |dy| ≤ {MAX_SHIFT}"
        ));
    }
    Ok(())
}

impl Scene {
    /// A random scene whose distractors keep clear of the target at `offset`.
    pub fn draw(rng: &mut Rng, offset: (i32, i32)) -> Result<Scene> {
        check_offset(offset)?;
        let target_shape = SHAPES[rng.below(SHAPES.len() as u32) as usize];
        let target_hue = rng.uniform();
        let target = Object::draw(rng, target_shape, target_hue, (12, 16));
        let centre = SEARCH as i32 / 2;
        let (tx, ty) = (centre + offset.0, centre + offset.1);
        let mut distractors = Vec::with_capacity(DISTRACTORS);
        for _ in 0..DISTRACTORS {
            let (shape, hue) = if rng.below(2) == 0 {
                (target_shape, target_hue + rng.uniform_in(0.25, 0.75))
            } else {
                let others: Vec<Shape> =
                    SHAPES.into_iter().filter(|&s| s != target_shape).collect();
                (
                    others[rng.below(others.len() as u32) as usize],
                    rng.uniform(),
                )
            };
            let object = Object::draw(rng, shape, hue, (8, 14));
            let clearance = ((target.size + object.size) / 2 + 2) as i32;
            let place = (0..50).find_map(|_| {
                let (x, y) = (
                    rng.range(4, SEARCH as i32 - 4),
                    rng.range(4, SEARCH as i32 - 4),
                );
                ((x - tx).abs().max((y - ty).abs()) >= clearance).then_some((x, y))
            });
            if let Some(place) = place {
                distractors.push((object, place));
            }
        }
        let background = [
            rng.uniform_in(0.15, 0.45),
            rng.uniform_in(0.15, 0.45),
            rng.uniform_in(0.15, 0.45),
        ];
        Ok(Scene {
            target,
            offset,
            distractors,
            background,
            noise_seed: rng.next_u64(),
        })
    }

    pub fn render(&self) -> Result<Pair> {
        check_offset(self.offset)?;
        let mut noise = Rng::with_stream(self.noise_seed, NOISE_STREAM);
        let mut search = self.noisy_background(&mut noise, SEARCH);
        for (object, (x, y)) in &self.distractors {
            object.paint(&mut search, *x as f32, *y as f32);
        }
        let centre = (SEARCH / 2) as i32;
        let (tx, ty) = (centre + self.offset.0, centre + self.offset.1);
        self.target.paint(&mut search, tx as f32, ty as f32);

        let mut template = self.noisy_background(&mut noise, TEMPLATE);
        let middle = (TEMPLATE / 2) as f32;
        self.target.paint(&mut template, middle, middle);
        Ok(Pair { template, search })
    }

    fn noisy_background(&self, noise: &mut Rng, size: usize) -> Tensor {
        let mut canvas = Tensor::zeros(vec![3, size, size]);
        for (c, plane) in canvas.data.chunks_mut(size * size).enumerate() {
            for v in plane {
                *v = (self.background[c] + BACKGROUND_NOISE * noise.normal()).clamp(0.0, 1.0);
            }
        }
        canvas
    }
}

/// How target offsets are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Always (0, 0): the training regime that produces centre bias.
    Centred,
    /// dx and dy independently uniform in [-max, max].
    Shifted { max: i32 },
}

impl Mode {
    /// `centred` or `shifted`; `max_shift` only matters for `shifted`.
    pub fn from_name(name: &str, max_shift: i32) -> Result<Mode> {
        match name {
            "centred" => Ok(Mode::Centred),
            "shifted" if (0..=MAX_SHIFT).contains(&max_shift) => {
                Ok(Mode::Shifted { max: max_shift })
            }
            "shifted" => Err(err!("max shift {max_shift} must lie in 0..={MAX_SHIFT}")),
            _ => Err(err!(
                "unknown siamese split {name:?}: use centred or shifted"
            )),
        }
    }

    fn stream(self) -> u64 {
        match self {
            Mode::Centred => 21,
            Mode::Shifted { .. } => 22,
        }
    }

    pub fn draw_offset(self, rng: &mut Rng) -> (i32, i32) {
        match self {
            Mode::Centred => (0, 0),
            Mode::Shifted { max } => (rng.range(-max, max), rng.range(-max, max)),
        }
    }
}

/// One random pair at an offset drawn by `mode`.
pub fn sample(rng: &mut Rng, mode: Mode) -> Result<(Pair, (i32, i32))> {
    let offset = mode.draw_offset(rng);
    Ok((Scene::draw(rng, offset)?.render()?, offset))
}

/// Templates `[n, 3, 16, 16]`, searches `[n, 3, 64, 64]`, targets `[n, 2]` = (dx, dy).
#[derive(Debug, Clone, PartialEq)]
pub struct SiameseDataset {
    pub templates: Tensor,
    pub searches: Tensor,
    pub targets: Tensor,
}

impl SiameseDataset {
    /// The arrays by the names their files and checksums carry.
    pub fn parts(&self) -> [(&'static str, &Tensor); 3] {
        [
            ("templates", &self.templates),
            ("searches", &self.searches),
            ("targets", &self.targets),
        ]
    }

    /// Write `<prefix>-templates.npy`, `<prefix>-searches.npy` and `<prefix>-targets.npy`.
    pub fn write_npy(&self, dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
        write_all(dir, prefix, &self.parts())
    }

    pub fn pair(&self, i: usize) -> Pair {
        Pair {
            template: self.templates.item(i),
            search: self.searches.item(i),
        }
    }

    /// The true (dx, dy) of pair `i`.
    pub fn offset(&self, i: usize) -> (i32, i32) {
        (
            self.targets.data[2 * i] as i32,
            self.targets.data[2 * i + 1] as i32,
        )
    }
}

pub fn generate(mode: Mode, n: usize, seed: u64) -> Result<SiameseDataset> {
    if n == 0 {
        return Err(err!("a siamese set needs at least one pair"));
    }
    let mut rng = Rng::with_stream(seed, mode.stream());
    let (mut templates, mut searches, mut targets) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let (pair, (dx, dy)) = sample(&mut rng, mode)?;
        templates.push(pair.template);
        searches.push(pair.search);
        targets.extend([dx as f32, dy as f32]);
    }
    Ok(SiameseDataset {
        templates: Tensor::stack(&templates)?,
        searches: Tensor::stack(&searches)?,
        targets: Tensor::new(vec![n, 2], targets)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(t: &Tensor, i: usize, j: usize) -> [f32; 3] {
        let size = t.shape[1];
        [0, 1, 2].map(|c| t.data[(c * size + i) * size + j])
    }

    #[test]
    fn same_seed_same_pairs_different_seed_different_pairs() {
        let a = generate(Mode::Shifted { max: 20 }, 6, 1).unwrap();
        assert_eq!(a, generate(Mode::Shifted { max: 20 }, 6, 1).unwrap());
        let b = generate(Mode::Shifted { max: 20 }, 6, 2).unwrap();
        assert_ne!(a.searches, b.searches);
        assert_ne!(a.targets, b.targets);
    }

    #[test]
    fn target_sits_at_centre_plus_offset_and_matches_the_template() {
        let mut rng = Rng::new(9);
        for offset in [(0, 0), (20, -20), (-24, 24), (7, 3)] {
            let scene = Scene::draw(&mut rng, offset).unwrap();
            let pair = scene.render().unwrap();
            let (tx, ty) = (32 + offset.0, 32 + offset.1);
            let half = TEMPLATE as i32 / 2;
            let mut covered = 0;
            for i in 0..TEMPLATE {
                for j in 0..TEMPLATE {
                    let rel = (j as f32 + 0.5 - 8.0, i as f32 + 0.5 - 8.0);
                    if let Some(rgb) = scene.target.colour_at(rel.0, rel.1) {
                        covered += 1;
                        let (si, sj) = ((ty - half) as usize + i, (tx - half) as usize + j);
                        assert_eq!(pixel(&pair.search, si, sj), rgb, "{offset:?} at ({i}, {j})");
                        assert_eq!(pixel(&pair.template, i, j), rgb);
                    }
                }
            }
            assert!(covered >= 40, "the target covers only {covered} pixels");
            let centre = pixel(&pair.search, ty as usize, tx as usize);
            assert!(centre == scene.target.colour || centre == scene.target.accent);
        }
    }

    #[test]
    fn shapes_and_shifts_stay_in_range() {
        let set = generate(Mode::Shifted { max: 20 }, 40, 3).unwrap();
        assert_eq!(set.templates.shape, vec![40, 3, TEMPLATE, TEMPLATE]);
        assert_eq!(set.searches.shape, vec![40, 3, SEARCH, SEARCH]);
        assert_eq!(set.targets.shape, vec![40, 2]);
        assert!(
            set.targets
                .data
                .iter()
                .all(|&d| (-20.0..=20.0).contains(&d))
        );
        assert!(set.targets.data.iter().any(|&d| d.abs() > 10.0));
        assert!(
            set.searches
                .data
                .iter()
                .chain(&set.templates.data)
                .all(|&v| (0.0..=1.0).contains(&v))
        );
        let centred = generate(Mode::Centred, 10, 3).unwrap();
        assert!(centred.targets.data.iter().all(|&d| d == 0.0));
    }

    #[test]
    fn moving_the_target_keeps_the_rest_of_the_scene() {
        let mut scene = Scene::draw(&mut Rng::new(4), (0, 0)).unwrap();
        let before = scene.render().unwrap();
        scene.offset = (10, 0);
        let after = scene.render().unwrap();
        assert_eq!(before.template, after.template);
        // The top rows are far from the target at both offsets.
        assert_eq!(
            before.search.data[..SEARCH * 8],
            after.search.data[..SEARCH * 8]
        );
        assert_ne!(before.search, after.search);
        scene.offset = (25, 0);
        assert!(scene.render().is_err());
    }

    #[test]
    fn distractors_never_copy_the_target() {
        let mut rng = Rng::new(5);
        for _ in 0..50 {
            let scene = Scene::draw(&mut rng, (0, 0)).unwrap();
            for (d, _) in &scene.distractors {
                assert!(d.shape != scene.target.shape || d.colour != scene.target.colour);
            }
        }
    }

    #[test]
    fn modes_parse_and_validate_the_maximum() {
        assert_eq!(Mode::from_name("centred", 20).unwrap(), Mode::Centred);
        assert_eq!(
            Mode::from_name("shifted", 12).unwrap(),
            Mode::Shifted { max: 12 }
        );
        assert!(Mode::from_name("shifted", 30).is_err());
        assert!(Mode::from_name("random", 20).is_err());
    }

    #[test]
    fn hsv_primaries() {
        assert_eq!(hsv_to_rgb(0.0, 1.0, 1.0), [1.0, 0.0, 0.0]);
        assert_eq!(hsv_to_rgb(0.5, 1.0, 1.0), [0.0, 1.0, 1.0]);
        assert_eq!(hsv_to_rgb(0.9, 0.0, 0.5), [0.5, 0.5, 0.5]);
    }
}
