//! The centre-bias lab (SiamRPN++, Li et al. 2019): two Siamese trackers, one
//! trained with the target always at the search centre and one with random
//! shifts, score a template against a search region; the peak of the response
//! map is where each thinks the target is.
//!
//! The pair comes from the core's scene generator (the trackers' own kind of
//! data) or from a picture, which is cut as a moving camera would see it.

use crate::datasets::siamese::{MAX_SHIFT, Pair, SEARCH, Scene, TEMPLATE, check_offset};
use crate::imaging::{Image, fit, to_planes};
use crate::rng::Rng;
use crate::tracking::{Tracker, peak_error};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};

/// Streams of the lab's scenes, apart from the training and test sets'.
const VIEW_STREAM: u64 = 31;
const SWEEP_STREAM: u64 = 32;
const MAP_STREAM: u64 = 33;

/// A pair with the target at `offset`: a fresh scene from `rng`, or the cut of a picture.
fn draw_pair(rng: &mut Rng, offset: (i32, i32), picture: Option<&Picture>) -> Result<Pair> {
    match picture {
        Some(picture) => picture.pair(offset),
        None => Scene::draw(rng, offset)?.render(),
    }
}

/// The lab's scene for `seed`, drawn with the target at the centre; moving the
/// target later keeps everything else (distractors, background, noise).
pub fn scene(seed: u64, offset: (i32, i32)) -> Result<Scene> {
    let mut scene = Scene::draw(&mut Rng::with_stream(seed, VIEW_STREAM), (0, 0))?;
    scene.offset = offset;
    scene.render()?;
    Ok(scene)
}

/// A picture fit to the square the search window roams over: 64 px plus the
/// largest offset on each side.
pub struct Picture(Tensor);

const PICTURE: usize = SEARCH + 2 * MAX_SHIFT as usize;

impl Picture {
    pub fn new(image: &Image) -> Picture {
        Picture(to_planes(&fit(image, PICTURE, PICTURE), 3))
    }

    /// The template is the picture's central 16×16 patch (the target); the search
    /// region is the 64×64 window that holds that patch at `offset` from its centre.
    pub fn pair(&self, (dx, dy): (i32, i32)) -> Result<Pair> {
        check_offset((dx, dy))?;
        let centre = (PICTURE / 2) as i32;
        let half = (SEARCH / 2) as i32;
        let template_corner = (PICTURE - TEMPLATE) / 2;
        Ok(Pair {
            template: self.crop(template_corner, template_corner, TEMPLATE),
            search: self.crop(
                (centre - dy - half) as usize,
                (centre - dx - half) as usize,
                SEARCH,
            ),
        })
    }

    fn crop(&self, top: usize, left: usize, size: usize) -> Tensor {
        let data = (0..3)
            .flat_map(|c| (top..top + size).map(move |y| (c, y)))
            .flat_map(|(c, y)| {
                let row = (c * PICTURE + y) * PICTURE + left;
                self.0.data[row..row + size].iter().copied()
            })
            .collect();
        Tensor {
            shape: vec![3, size, size],
            data,
        }
    }
}

/// Where the lab's pairs come from.
pub enum Source<'a> {
    /// The generated scene of this seed.
    Scene(u64),
    Picture(&'a Picture),
}

impl Source<'_> {
    pub fn pair(&self, offset: (i32, i32)) -> Result<Pair> {
        match self {
            Source::Scene(seed) => scene(*seed, offset)?.render(),
            Source::Picture(picture) => picture.pair(offset),
        }
    }
}

/// The error-against-offset sweep: for each distance `d` in `0, step, …, max`,
/// `scenes` fresh scenes (or cuts of one picture) with the target `d` pixels
/// from the centre (rounded) in a random direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SweepOptions {
    pub seed: u64,
    pub scenes: usize,
    pub step: i32,
    pub max_distance: i32,
}

impl SweepOptions {
    pub fn distances(&self) -> Result<Vec<i32>> {
        if self.step < 1 || !(0..=MAX_SHIFT).contains(&self.max_distance) {
            return Err(err!(
                "the sweep needs a step ≥ 1 and a maximum distance in 0..={MAX_SHIFT}"
            ));
        }
        if self.scenes == 0 || self.scenes > 1000 {
            return Err(err!("scenes per distance must lie in 1..=1000"));
        }
        Ok((0..=self.max_distance)
            .step_by(self.step as usize)
            .collect())
    }

    /// The pairs and true offsets of one distance; the same for every model.
    /// Without a picture each pair is a freshly drawn scene.
    pub fn bin(&self, distance: i32, picture: Option<&Picture>) -> Result<Vec<(Pair, (i32, i32))>> {
        let mut rng = Rng::with_stream(self.seed ^ ((distance as u64) << 32), SWEEP_STREAM);
        (0..self.scenes)
            .map(|_| {
                let angle = rng.uniform() * std::f32::consts::TAU;
                let d = distance as f32;
                let offset = (
                    (d * libm::cosf(angle)).round() as i32,
                    (d * libm::sinf(angle)).round() as i32,
                );
                Ok((draw_pair(&mut rng, offset, picture)?, offset))
            })
            .collect()
    }
}

/// One tracker's errors over one distance bin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BinResult {
    pub distance: i32,
    pub mean_error_px: f64,
    /// Mean length of the predicted offset: 0 means "always the centre".
    pub mean_predicted_distance_px: f64,
    pub within_4px_percent: f64,
}

pub fn score_bin(
    tracker: &Tracker,
    distance: i32,
    bin: &[(Pair, (i32, i32))],
) -> Result<BinResult> {
    let pairs: Vec<Pair> = bin.iter().map(|(p, _)| p.clone()).collect();
    let (mut error, mut predicted, mut within) = (0.0f64, 0.0f64, 0usize);
    for ((_, p), (_, offset)) in tracker.peaks(&pairs)?.iter().zip(bin) {
        let e = peak_error(p, *offset);
        error += f64::from(e);
        predicted += f64::from(((p.dx * p.dx + p.dy * p.dy) as f32).sqrt());
        within += usize::from(e <= 4.0);
    }
    let n = bin.len() as f64;
    Ok(BinResult {
        distance,
        mean_error_px: error / n,
        mean_predicted_distance_px: predicted / n,
        within_4px_percent: 100.0 * within as f64 / n,
    })
}

/// The error-by-offset map (the 2-D view of the centre bias): target offsets on a
/// grid every `step` px from −24 to 24 px in both axes, `scenes` fresh scenes per
/// offset (a picture has one cut per offset, however many scenes are asked for).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorMapOptions {
    pub seed: u64,
    pub scenes: usize,
    pub step: i32,
}

impl ErrorMapOptions {
    /// The grid's offsets along one axis, symmetric about 0.
    pub fn offsets(&self) -> Result<Vec<i32>> {
        if !(1..=MAX_SHIFT).contains(&self.step) || !(1..=64).contains(&self.scenes) {
            return Err(err!(
                "the error map needs a step in 1..={MAX_SHIFT} and 1..=64 scenes per offset"
            ));
        }
        let k = MAX_SHIFT / self.step;
        Ok((-k..=k).map(|i| i * self.step).collect())
    }

    /// Mean peak error at each offset of row `dy`, left to right.
    pub fn row(&self, tracker: &Tracker, dy: i32, picture: Option<&Picture>) -> Result<Vec<f64>> {
        let offsets = self.offsets()?;
        if !offsets.contains(&dy) {
            return Err(err!("{dy} px is not a row of the error map"));
        }
        let per_offset = if picture.is_some() { 1 } else { self.scenes };
        let mut pairs = Vec::with_capacity(offsets.len() * per_offset);
        for &dx in &offsets {
            let stream = ((dx + MAX_SHIFT) as u64) << 8 | (dy + MAX_SHIFT) as u64;
            let mut rng = Rng::with_stream(self.seed ^ (stream << 32), MAP_STREAM);
            for _ in 0..per_offset {
                pairs.push((draw_pair(&mut rng, (dx, dy), picture)?, (dx, dy)));
            }
        }
        let errors = errors(tracker, &pairs)?;
        Ok(errors
            .chunks(per_offset)
            .map(|e| e.iter().map(|&v| f64::from(v)).sum::<f64>() / per_offset as f64)
            .collect())
    }
}

/// Each pair's peak error, the pairs run as one batch.
fn errors(tracker: &Tracker, labelled: &[(Pair, (i32, i32))]) -> Result<Vec<f32>> {
    let pairs: Vec<Pair> = labelled.iter().map(|(p, _)| p.clone()).collect();
    Ok(tracker
        .peaks(&pairs)?
        .iter()
        .zip(labelled)
        .map(|((_, p), (_, offset))| peak_error(p, *offset))
        .collect())
}

pub const MODEL_IDS: [&str; 2] = ["siam-centred", "siam-shifted"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NativeOptions {
    seed: u64,
    /// A picture's path in the repository, instead of the generated scene.
    #[serde(default)]
    image: Option<String>,
    dx: i32,
    dy: i32,
    #[serde(default)]
    sweep: Option<SweepOptions>,
    #[serde(default, rename = "errorMap")]
    error_map: Option<ErrorMapOptions>,
}

/// Both trackers' peaks for the lab's scene `seed` (or picture `image`) with the
/// target at `(dx, dy)`; with `sweep` their errors per distance, with `errorMap`
/// their mean errors by offset (rows top to bottom, `offsets` along each axis).
pub fn native(lib: &crate::library::Library, opts: serde_json::Value) -> Result<serde_json::Value> {
    let opts: NativeOptions = super::options(opts, "siamese")?;
    let picture = match &opts.image {
        Some(path) => Some(Picture::new(&lib.image(path)?)),
        None => None,
    };
    let source = match &picture {
        Some(picture) => Source::Picture(picture),
        None => Source::Scene(opts.seed),
    };
    let pair = source.pair((opts.dx, opts.dy))?;
    let bins = match &opts.sweep {
        Some(sweep) => sweep
            .distances()?
            .into_iter()
            .map(|d| Ok((d, sweep.bin(d, picture.as_ref())?)))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let mut models = serde_json::Map::new();
    for id in MODEL_IDS {
        let (entry, model) = lib.model(id)?;
        let inputs = entry.input_specs();
        let tracker = Tracker {
            model: &model,
            inputs: &inputs,
        };
        let p = tracker.peaks(std::slice::from_ref(&pair))?[0].1;
        let results = bins
            .iter()
            .map(|(d, bin)| score_bin(&tracker, *d, bin))
            .collect::<Result<Vec<_>>>()?;
        let map = match &opts.error_map {
            Some(m) => m
                .offsets()?
                .into_iter()
                .map(|dy| m.row(&tracker, dy, picture.as_ref()))
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        models.insert(
            id.to_string(),
            serde_json::json!({
                "peak": p,
                "error": peak_error(&p, (opts.dx, opts.dy)),
                "sweep": results,
                "errorMap": map,
            }),
        );
    }
    let offsets = match &opts.error_map {
        Some(m) => m.offsets()?,
        None => Vec::new(),
    };
    Ok(serde_json::json!({ "models": models, "offsets": offsets }))
}
