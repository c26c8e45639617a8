//! The centre-bias lab (SiamRPN++, Li et al. 2019): Siamese trackers trained
//! with the target always at the search centre or with random shifts of growing
//! range, and with or without padding in the backbone, score a template against
//! a search region; the peak of the response map is where each thinks the
//! target is. Two trackers are shown side by side; the error-against-distance
//! sweep scores every tracker.
//!
//! The pair comes from the core's scene generator (the trackers' own kind of
//! data) or from a picture, which is cut as a moving camera would see it.

use crate::colormap::{ColorMap, Heatmap};
use crate::datasets::siamese::{MAX_SHIFT, Pair, SEARCH, Scene, TEMPLATE, check_offset};
use crate::imaging::{Image, InputSpec, fit, planes_to_image, to_planes};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once};
use crate::model::ProbeModel;
use crate::rng::Rng;
use crate::tracking::{Peak, Tracker, peak_error, quantisation_error};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Largest scene seed of the view.
pub const MAX_SEED: i64 = 99_999;
/// Most pairs per distance of the plot's sweep.
pub const MAX_SCENES: usize = 64;

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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseBin")]
pub struct BinResult {
    pub distance: i32,
    pub mean_error_px: f64,
    /// Mean length of the predicted offset: 0 means "always the centre".
    pub mean_predicted_distance_px: f64,
    pub within_4px_percent: f64,
    /// What a perfect tracker of this one's response stride would score on the
    /// bin's offsets (see [`quantisation_error`]): the floor of `mean_error_px`.
    pub floor_px: f64,
}

pub fn score_bin(
    tracker: &Tracker,
    distance: i32,
    bin: &[(Pair, (i32, i32))],
) -> Result<BinResult> {
    let pairs: Vec<Pair> = bin.iter().map(|(p, _)| p.clone()).collect();
    let (mut error, mut predicted, mut within, mut floor) = (0.0f64, 0.0f64, 0usize, 0.0f64);
    for ((map, p), (_, offset)) in tracker.peaks(&pairs)?.iter().zip(bin) {
        let e = peak_error(p, *offset);
        error += f64::from(e);
        predicted += f64::from(((p.dx * p.dx + p.dy * p.dy) as f32).sqrt());
        within += usize::from(e <= 4.0);
        floor += f64::from(quantisation_error(*offset, tracker.stride(map.shape[1])?));
    }
    let n = bin.len() as f64;
    Ok(BinResult {
        distance,
        mean_error_px: error / n,
        mean_predicted_distance_px: predicted / n,
        within_4px_percent: 100.0 * within as f64 / n,
        floor_px: floor / n,
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

/// Every tracker the lab offers (manifest id, label, what it is), in the plot's
/// order: the training shift range grows, then the padding pair. The `a` and `b`
/// settings choose two of them; the sweep scores them all.
pub const TRACKERS: [(&str, &str, &str); 6] = [
    (
        "siam-centred",
        "siam-centred (centred)",
        "Zero-padded backbone (6 conv3×3), trained only on targets at the search centre",
    ),
    (
        "siam-shift8",
        "siam-shift8 (±8 px)",
        "siam-centred's padded backbone, trained with targets shifted up to 8 px per axis",
    ),
    (
        "siam-shift16",
        "siam-shift16 (±16 px)",
        "siam-centred's padded backbone, trained with targets shifted up to 16 px per axis",
    ),
    (
        "siam-shifted",
        "siam-shifted (±20 px)",
        "siam-centred's padded backbone, trained with targets shifted up to 20 px per axis",
    ),
    (
        "siam-valid",
        "siam-valid (no padding)",
        "A backbone without padding (valid convolutions; kernels 3-3-3-1-1-1, receptive \
         field 11 px), trained only on targets at the centre",
    ),
    (
        "siam-valid-padded",
        "siam-valid-padded (control)",
        "siam-valid's backbone with zero padding, trained only on targets at the centre: \
         the control that tells padding from siam-valid's smaller receptive field",
    ),
];

/// The two trackers shown side by side unless a link or request says otherwise:
/// the lab's first pair, centred against shift-trained.
pub const DEFAULT_PAIR: [&str; 2] = ["siam-centred", "siam-shifted"];

fn default_trackers() -> Vec<String> {
    DEFAULT_PAIR.iter().map(|id| id.to_string()).collect()
}

/// The manifest ids of every tracker the lab offers.
pub fn tracker_ids() -> impl Iterator<Item = &'static str> {
    TRACKERS.iter().map(|(id, _, _)| *id)
}

pub struct Siamese;

/// What the lab computes: both trackers on one pair, the error-against-distance
/// sweep (a step per distance and tracker) or the error-by-offset map (a step per
/// row and tracker). `image` is the asset key of a picture to cut the pairs from,
/// `null` for the generated scenes.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "SiameseRequest")]
pub enum Request {
    /// The pair with the target at `(dx, dy)`: the scene of `seed`, or the picture's cut.
    View {
        seed: u64,
        #[serde(default)]
        image: Option<String>,
        dx: i32,
        dy: i32,
        /// Which of [`TRACKERS`] to run, in this order; [`DEFAULT_PAIR`] if absent
        /// (requests from before the lab offered more than two).
        #[serde(default = "default_trackers")]
        trackers: Vec<String>,
    },
    /// See [`SweepOptions`].
    Sweep {
        #[serde(default)]
        image: Option<String>,
        seed: u64,
        scenes: usize,
        step: i32,
        #[serde(rename = "maxDistance")]
        max_distance: i32,
        #[serde(default = "default_trackers")]
        trackers: Vec<String>,
    },
    /// See [`ErrorMapOptions`].
    ErrorMap {
        #[serde(default)]
        image: Option<String>,
        seed: u64,
        scenes: usize,
        step: i32,
        #[serde(default = "default_trackers")]
        trackers: Vec<String>,
    },
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseResponse")]
pub struct Response {
    pub id: String,
    /// The response map (rows × columns of cells), viridis over its own range.
    pub response: Heatmap,
    pub peak: Peak,
    /// Distance from the peak's offset to the true offset, in pixels.
    pub error: f32,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseView")]
pub struct ViewOutput {
    pub template: Image,
    pub search: Image,
    /// In the request's order.
    pub trackers: Vec<Response>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseSweepTracker")]
pub struct SweepTracker {
    pub id: String,
    /// One per distance.
    pub bins: Vec<BinResult>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseSweep")]
pub struct SweepOutput {
    pub distances: Vec<i32>,
    pub trackers: Vec<SweepTracker>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseMapTracker")]
pub struct MapTracker {
    pub id: String,
    /// Mean peak error at each offset, rows (dy) top to bottom, `offsets` along each.
    pub errors: Vec<f64>,
    /// The errors coloured, every tracker of the request on one magma scale from 0.
    pub map: Heatmap,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SiameseErrorMap")]
pub struct ErrorMapOutput {
    pub offsets: Vec<i32>,
    pub trackers: Vec<MapTracker>,
}

/// A tracker's model (no probes: peaks need none) and input normalisation.
struct Loaded {
    id: String,
    model: Rc<ProbeModel>,
    inputs: Vec<InputSpec>,
}

impl Loaded {
    fn tracker(&self) -> Tracker<'_> {
        Tracker {
            model: &self.model,
            inputs: &self.inputs,
        }
    }
}

/// The requested ids, each one of [`TRACKERS`] (a model of another family has
/// other inputs and outputs, so only the lab's own trackers are accepted).
fn check_trackers(ids: &[String]) -> Result<&[String]> {
    if ids.is_empty() || ids.len() > TRACKERS.len() {
        return Err(err!(
            "ask for 1 to {} trackers, got {}",
            TRACKERS.len(),
            ids.len()
        ));
    }
    if let Some(bad) = ids.iter().find(|id| !tracker_ids().any(|t| t == id.as_str())) {
        let known: Vec<&str> = tracker_ids().collect();
        return Err(err!(
            "{bad:?} is not a tracker of this lab: use {}",
            known.join(", ")
        ));
    }
    Ok(ids)
}

fn load_trackers(ids: &[String], assets: &Assets) -> Result<Vec<Loaded>> {
    check_trackers(ids)?
        .iter()
        .map(|id| {
            let entry = assets.entry(id)?;
            let model = assets.model_with(id, &entry.input_shapes(), &[])?;
            Ok(Loaded {
                id: id.clone(),
                inputs: entry.input_specs(),
                model,
            })
        })
        .collect()
}

fn load_picture(image: &Option<String>, assets: &Assets) -> Result<Option<Picture>> {
    image
        .as_ref()
        .map(|key| Ok(Picture::new(&*assets.image(key)?)))
        .transpose()
}

fn view(seed: u64, picture: Option<Picture>, offset: (i32, i32), trackers: Vec<Loaded>) -> Result<Box<dyn Job>> {
    if seed > MAX_SEED as u64 {
        return Err(err!("the seed must be from 0 to {MAX_SEED}, got {seed}"));
    }
    check_offset(offset)?;
    Ok(once(move || {
        let source = match &picture {
            Some(picture) => Source::Picture(picture),
            None => Source::Scene(seed),
        };
        let pair = source.pair(offset)?;
        let trackers = trackers
            .iter()
            .map(|t| {
                let (map, peak) = t.tracker().peaks(std::slice::from_ref(&pair))?.remove(0);
                let (h, w) = match map.shape[..] {
                    [h, w] => (h, w),
                    _ => return Err(err!("{}: a response map is 2-D, got {:?}", t.id, map.shape)),
                };
                Ok(Response {
                    id: t.id.clone(),
                    response: Heatmap::new(&map.data, w, h, ColorMap::Viridis, None, None)?,
                    error: peak_error(&peak, offset),
                    peak,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ViewOutput {
            template: planes_to_image(&pair.template),
            search: planes_to_image(&pair.search),
            trackers,
        })
    }))
}


fn sweep(opts: SweepOptions, picture: Option<Picture>, trackers: Vec<Loaded>) -> Result<Box<dyn Job>> {
    if opts.scenes > MAX_SCENES {
        return Err(err!("the sweep takes 1 to {MAX_SCENES} pairs per distance, got {}", opts.scenes));
    }
    let distances = opts.distances()?;
    let trackers = Rc::new(trackers);
    let (for_map, distances_for_map) = (trackers.clone(), distances.clone());
    // One step per distance, every tracker scored on the same pairs; the distances are
    // independent, so the worker pool may spread them.
    Ok(map_reduce(
        distances.len(),
        move |i| {
            let d = distances_for_map[i];
            let pairs = opts.bin(d, picture.as_ref())?;
            for_map
                .iter()
                .map(|t| score_bin(&t.tracker(), d, &pairs))
                .collect::<Result<Vec<BinResult>>>()
        },
        move |parts: Vec<Vec<BinResult>>| {
            Ok(SweepOutput {
                distances,
                trackers: trackers
                    .iter()
                    .enumerate()
                    .map(|(k, t)| SweepTracker {
                        id: t.id.clone(),
                        bins: parts.iter().map(|bins| bins[k]).collect(),
                    })
                    .collect(),
            })
        },
    ))
}

fn error_map(opts: ErrorMapOptions, picture: Option<Picture>, trackers: Vec<Loaded>) -> Result<Box<dyn Job>> {
    let offsets = opts.offsets()?;
    let n = trackers.len();
    let side = offsets.len();
    let trackers = Rc::new(trackers);
    let (for_map, offsets_for_map) = (trackers.clone(), offsets.clone());
    // One step per row and tracker; rows are independent, so the worker pool may spread them.
    Ok(map_reduce(
        side * n,
        move |i| {
            let (dy, k) = (offsets_for_map[i / n], i % n);
            opts.row(&for_map[k].tracker(), dy, picture.as_ref())
        },
        move |rows: Vec<Vec<f64>>| {
            let mut maps = vec![Vec::with_capacity(side * side); n];
            for (i, row) in rows.into_iter().enumerate() {
                maps[i % n].extend(row);
            }
            let values: Vec<Vec<f32>> = maps
                .iter()
                .map(|m| m.iter().map(|&v| v as f32).collect())
                .collect();
            let slices: Vec<&[f32]> = values.iter().map(|v| v.as_slice()).collect();
            let heatmaps = Heatmap::shared(&slices, side, side, ColorMap::Magma, Some(0.0), None)?;
            Ok(ErrorMapOutput {
                offsets,
                trackers: trackers
                    .iter()
                    .zip(maps)
                    .zip(heatmaps)
                    .map(|((t, errors), map)| MapTracker {
                        id: t.id.clone(),
                        errors,
                        map,
                    })
                    .collect(),
            })
        },
    ))
}

/// The source setting's default: the generated scene (photos and an upload are the page's choices).
pub const SCENE: &str = "scene";

impl Experiment for Siamese {
    const ID: &'static str = "siamese";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let shift = i64::from(MAX_SHIFT);
        vec![
            Setting::choice("a", "left tracker", &TRACKERS, DEFAULT_PAIR[0]),
            Setting::choice("b", "right tracker", &TRACKERS, DEFAULT_PAIR[1]),
            Setting::dynamic("source", "pair from", Some(SCENE))
                .note("an uploaded picture stays on your machine, so a link cannot carry it"),
            Setting::int("seed", "scene (seed)", (0, MAX_SEED), 1),
            Setting::int("dx", "target dx (→)", (-shift, shift), 16),
            Setting::int("dy", "target dy (↓)", (-shift, shift), 8),
            Setting::int("scenes", "pairs per distance (plot)", (1, MAX_SCENES as i64), 8),
            Setting::choice(
                "map",
                "error map",
                &[
                    ("off", "Off", "Compute the error-by-offset map only when asked"),
                    ("on", "On", "Compute the error-by-offset map (about 700 pairs per tracker)"),
                ],
                "off",
            ),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        let (Request::View { image, trackers, .. }
        | Request::Sweep { image, trackers, .. }
        | Request::ErrorMap { image, trackers, .. }) = request;
        let mut keys = check_trackers(trackers)?
            .iter()
            .map(|id| assets.model_key(id))
            .collect::<Result<Vec<_>>>()?;
        keys.extend(image.clone());
        Ok(keys)
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        match request {
            Request::View { seed, image, dx, dy, trackers } => {
                let trackers = load_trackers(&trackers, assets)?;
                view(seed, load_picture(&image, assets)?, (dx, dy), trackers)
            }
            Request::Sweep { image, seed, scenes, step, max_distance, trackers } => {
                let trackers = load_trackers(&trackers, assets)?;
                let opts = SweepOptions { seed, scenes, step, max_distance };
                sweep(opts, load_picture(&image, assets)?, trackers)
            }
            Request::ErrorMap { image, seed, scenes, step, trackers } => {
                let trackers = load_trackers(&trackers, assets)?;
                let opts = ErrorMapOptions { seed, scenes, step };
                error_map(opts, load_picture(&image, assets)?, trackers)
            }
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<ViewOutput>();
        out.add::<SweepOutput>();
        out.add::<ErrorMapOutput>();
    }
}
