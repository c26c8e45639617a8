//! The CoordConv lab (Liu et al. 2018): two CNNs regress the centre of a 9×9
//! square on a 64×64 canvas (not-so-Clevr). Trained on the quadrant split, the
//! plain network is expected to fail on the held-out bottom-right quadrant while
//! CoordConv generalises. Two pairs: Liu's (a strided ReLU CNN against Liu's
//! linear stride-1 CoordConv regressor, which differ in more than the coordinate
//! channels) and the matched pair (the same strided trunk with and without i, j,
//! r input channels), which isolates what the channels alone do.

use crate::colormap::{ColorMap, Heatmap};
use crate::datasets::clevr::{self, CANVAS, Split};
use crate::imaging::{Image, planes_to_image};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once};
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Items per tract run when sweeping positions (one step of the error map).
pub const BATCH: usize = 64;
/// Top-left positions of the square per axis: 0 ..= `MAX_POSITION`.
pub const MAX_POSITION: i64 = (CANVAS - clevr::SQUARE) as i64;

/// The coordinate channels a CoordConv layer adds to a `size × size` input:
/// `i` along columns and `j` along rows, both from −1 to 1 inclusive
/// (`linspace(-1, 1, size)`, as in the training script), and `r = √(i² + j²)`.
/// Returns `[3, size, size]` in the order i, j, r.
pub fn coordinate_channels(size: usize) -> Result<Tensor> {
    if size < 2 {
        return Err(err!("coordinate channels need a size of at least 2"));
    }
    let step = 2.0 / (size - 1) as f32;
    let at = |k: usize| -1.0 + step * k as f32;
    let plane = size * size;
    let mut data = vec![0.0; 3 * plane];
    for row in 0..size {
        for col in 0..size {
            let (i, j) = (at(col), at(row));
            let p = row * size + col;
            data[p] = i;
            data[plane + p] = j;
            data[2 * plane + p] = (i * i + j * j).sqrt();
        }
    }
    Tensor::new(vec![3, size, size], data)
}

/// Which not-so-Clevr split a model was trained on; its test half is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "CoordconvSplit")]
pub enum SplitKind {
    Uniform,
    Quadrant,
}

impl SplitKind {
    fn halves(self) -> (Split, Split) {
        match self {
            SplitKind::Uniform => (Split::UniformTrain, Split::UniformTest),
            SplitKind::Quadrant => (Split::QuadrantTrain, Split::QuadrantTest),
        }
    }
}

/// The seed the shipped models' uniform split was drawn with (`gen-data --seed 0`).
pub const SPLIT_SEED: u64 = 0;

/// One model's answer for one canvas, in canvas pixels (pixel `i` spans [i, i + 1)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(rename = "CoordconvPrediction")]
pub struct Prediction {
    pub x: f32,
    pub y: f32,
    /// Euclidean distance to the true centre, in pixels.
    pub error: f32,
}

/// The true centre of the square at top-left `(x, y)`, in canvas pixels.
pub fn true_centre(x: usize, y: usize) -> [f32; 2] {
    clevr::centre(x, y).map(|c| c * CANVAS as f32)
}

/// Predictions of `model` for squares at the given top-left positions, in batches.
pub fn predict(model: &ProbeModel, places: &[(usize, usize)]) -> Result<Vec<Prediction>> {
    let mut out = Vec::with_capacity(places.len());
    for chunk in places.chunks(BATCH) {
        let canvases = chunk
            .iter()
            .map(|&(x, y)| clevr::render(x, y))
            .collect::<Result<Vec<_>>>()?;
        let batch = Tensor::stack(&canvases)?;
        let run = model.run(&[&batch.data], chunk.len())?;
        if run.output.data.len() != 2 * chunk.len() {
            return Err(err!(
                "a coordinate model must output (x, y); got shape {:?}",
                run.output.shape
            ));
        }
        for (k, &(x, y)) in chunk.iter().enumerate() {
            let px = run.output.data[2 * k] * CANVAS as f32;
            let py = run.output.data[2 * k + 1] * CANVAS as f32;
            let [tx, ty] = true_centre(x, y);
            out.push(Prediction {
                x: px,
                y: py,
                error: ((px - tx).powi(2) + (py - ty).powi(2)).sqrt(),
            });
        }
    }
    Ok(out)
}

/// The test half of a split, in the order the error summary expects its errors.
pub fn test_positions(split: SplitKind) -> Vec<(usize, usize)> {
    clevr::positions(split.halves().1, SPLIT_SEED)
}

/// One model's errors over the test half of its split (`errors[k]` at
/// `test_positions(split)[k]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvSummary")]
pub struct ErrorSummary {
    /// The number the paper and the manifest report.
    pub test_mean_px: f64,
    pub test_within_1px_percent: f64,
    pub n_test: usize,
    /// Over the test positions inside the bottom-right quadrant (all of them
    /// for the quadrant split, about a quarter for the uniform one).
    pub quadrant_mean_px: f64,
}

pub fn summarise(errors: &[f32], split: SplitKind) -> Result<ErrorSummary> {
    let places = test_positions(split);
    if errors.len() != places.len() {
        return Err(err!(
            "the {split:?} test split has {} positions, got {} errors",
            places.len(),
            errors.len()
        ));
    }
    let mean = |values: &mut dyn Iterator<Item = f32>| {
        let (sum, n) = values.fold((0.0f64, 0usize), |(s, n), e| (s + f64::from(e), n + 1));
        sum / n.max(1) as f64
    };
    let within = errors.iter().filter(|&&e| e <= 1.0).count();
    let mut quadrant = errors
        .iter()
        .zip(&places)
        .filter(|(_, (x, y))| clevr::in_test_quadrant(*x, *y))
        .map(|(e, _)| *e);
    Ok(ErrorSummary {
        test_mean_px: mean(&mut errors.iter().copied()),
        test_within_1px_percent: 100.0 * within as f64 / errors.len() as f64,
        n_test: errors.len(),
        quadrant_mean_px: mean(&mut quadrant),
    })
}

/// Which two models the lab compares; both are trained on the same split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "CoordconvPair")]
pub enum PairKind {
    /// Liu et al.'s comparison: the strided ReLU CNN against the linear stride-1
    /// CoordConv regressor. The default, so that a request or a link from before
    /// the matched pair existed keeps meaning what it meant.
    #[default]
    Liu,
    /// The same strided ReLU trunk without and with i, j, r input channels.
    Matched,
}

/// The manifest ids of the lab's pair for a split: the model without coordinate
/// channels first (the plain CNN in both pairs), then the one with them.
pub fn model_ids(pair: PairKind, split: SplitKind) -> [String; 2] {
    let name = match split {
        SplitKind::Uniform => "uniform",
        SplitKind::Quadrant => "quadrant",
    };
    let with_coords = match pair {
        PairKind::Liu => "coordconv",
        PairKind::Matched => "plaincoords",
    };
    [
        format!("coord-plain-{name}"),
        format!("coord-{with_coords}-{name}"),
    ]
}

pub struct Coordconv;

/// The pair setting's choices: value, label, title.
const PAIR_CHOICES: [(&str, &str, &str); 2] = [
    (
        "liu",
        "Liu's pair (strided CNN vs CoordConv regressor)",
        "Liu et al.'s comparison: a strided ReLU CNN against a linear stride-1 CoordConv \
         regressor; they differ in more than the coordinate channels",
    ),
    (
        "matched",
        "Matched pair (same trunk ± coordinate channels)",
        "The same strided ReLU CNN, recipe and seed, without and with i, j, r input \
         channels: the only difference is the coordinate channels",
    ),
];

/// The split setting's choices: value, label, title.
const SPLIT_CHOICES: [(&str, &str, &str); 2] = [
    (
        "quadrant",
        "Quadrant",
        "Trained without any square in the bottom-right quadrant; tested there",
    ),
    ("uniform", "Uniform", "A random 80/20 split of all positions"),
];

/// What the lab computes: both models on one square, both models over the test
/// half of the split (the error map, a step per batch), or the coordinate channels.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "CoordconvRequest")]
pub enum Request {
    /// Both models of the pair for `split` on the square whose top-left corner is at `(x, y)`.
    View {
        #[serde(default)]
        pair: PairKind,
        split: SplitKind,
        x: i64,
        y: i64,
    },
    /// Both models of the pair for `split` at every test position of the split.
    ErrorMap {
        #[serde(default)]
        pair: PairKind,
        split: SplitKind,
    },
    /// The i, j and r channels a CoordConv layer adds to the 64×64 canvas.
    Channels,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvModelPrediction")]
pub struct ModelPrediction {
    pub id: String,
    pub prediction: Prediction,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvView")]
pub struct ViewOutput {
    /// The generator's canvas.
    pub image: Image,
    /// The true centre `[x, y]` in canvas pixels.
    pub centre: [f32; 2],
    /// Without coordinate channels, then with them (see [`model_ids`]).
    pub models: Vec<ModelPrediction>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvModelErrors")]
pub struct ModelErrors {
    pub id: String,
    /// In pixels, `errors[k]` at `places[k]`.
    pub errors: Vec<f32>,
    pub summary: ErrorSummary,
    /// The errors at their top-left positions, 56 × 56, both models on one magma
    /// scale from 0; cells outside the test split are NaN-coloured (the view greys them).
    pub map: Heatmap,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvErrorMap")]
pub struct ErrorMapOutput {
    /// The split's test positions (top-left corners) as `[x, y]`.
    pub places: Vec<[usize; 2]>,
    /// Without coordinate channels, then with them (see [`model_ids`]).
    pub models: Vec<ModelErrors>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "CoordconvChannels")]
pub struct ChannelsOutput {
    /// i and j share one red–blue scale from −1 to 1; r has its own viridis scale.
    pub i: Heatmap,
    pub j: Heatmap,
    pub r: Heatmap,
}

/// The pair for `split`, loaded without probes (predictions need none).
fn load_pair(
    pair: PairKind,
    split: SplitKind,
    assets: &Assets,
) -> Result<Vec<(String, Rc<ProbeModel>)>> {
    model_ids(pair, split)
        .into_iter()
        .map(|id| {
            let shapes = assets.entry(&id)?.input_shapes();
            let model = assets.model_with(&id, &shapes, &[])?;
            Ok((id, model))
        })
        .collect()
}

fn check_position(name: &str, v: i64) -> Result<usize> {
    if !(0..=MAX_POSITION).contains(&v) {
        return Err(err!("{name} must be from 0 to {MAX_POSITION}, got {v}"));
    }
    Ok(v as usize)
}

fn error_map(pair: PairKind, split: SplitKind, assets: &Assets) -> Result<Box<dyn Job>> {
    let models = Rc::new(load_pair(pair, split, assets)?);
    let places = Rc::new(test_positions(split));
    let per_model = places.len().div_ceil(BATCH);
    let total = per_model * models.len();
    let (for_map, places_for_map) = (models.clone(), places.clone());
    // Every batch is independent, so the worker pool may spread them; each model's errors
    // are its batches' in step order, as one worker gives them.
    Ok(map_reduce(
        total,
        move |i| {
            let (m, b) = (i / per_model, i % per_model);
            let chunk = &places_for_map[b * BATCH..((b + 1) * BATCH).min(places_for_map.len())];
            let errors: Vec<f32> = predict(&for_map[m].1, chunk)?.iter().map(|p| p.error).collect();
            Ok(errors)
        },
        move |parts: Vec<Vec<f32>>| {
            let errors: Vec<Vec<f32>> = parts
                .chunks(per_model)
                .map(|batches| batches.concat())
                .collect();
            // Both maps on one scale; positions outside the test split stay NaN.
            let side = clevr::POSITIONS;
            let grids: Vec<Vec<f32>> = errors
                .iter()
                .map(|e| {
                    let mut grid = vec![f32::NAN; side * side];
                    for (&(x, y), &v) in places.iter().zip(e) {
                        grid[y * side + x] = v;
                    }
                    grid
                })
                .collect();
            let slices: Vec<&[f32]> = grids.iter().map(|g| g.as_slice()).collect();
            let maps = Heatmap::shared(&slices, side, side, ColorMap::Magma, Some(0.0), None)?;
            let models = models
                .iter()
                .zip(errors)
                .zip(maps)
                .map(|(((id, _), errors), map)| {
                    Ok(ModelErrors {
                        summary: summarise(&errors, split)?,
                        id: id.clone(),
                        errors,
                        map,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(ErrorMapOutput {
                places: places.iter().map(|&(x, y)| [x, y]).collect(),
                models,
            })
        },
    ))
}

fn channels() -> Result<ChannelsOutput> {
    let t = coordinate_channels(CANVAS)?;
    let plane = CANVAS * CANVAS;
    let [i, j] = <[Heatmap; 2]>::try_from(Heatmap::shared(
        &[&t.data[..plane], &t.data[plane..2 * plane]],
        CANVAS,
        CANVAS,
        ColorMap::Rdbu,
        Some(-1.0),
        Some(1.0),
    )?)
    .expect("two planes give two maps");
    let r = Heatmap::new(
        &t.data[2 * plane..],
        CANVAS,
        CANVAS,
        ColorMap::Viridis,
        None,
        None,
    )?;
    Ok(ChannelsOutput { i, j, r })
}

impl Experiment for Coordconv {
    const ID: &'static str = "coordconv";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        vec![
            Setting::choice("pair", "Pair", &PAIR_CHOICES, "liu"),
            Setting::choice("split", "Split", &SPLIT_CHOICES, "quadrant"),
            Setting::int("x", "square x (left)", (0, MAX_POSITION), 40),
            Setting::int("y", "square y (top)", (0, MAX_POSITION), 40),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        match request {
            Request::View { pair, split, .. } | Request::ErrorMap { pair, split } => {
                model_ids(*pair, *split)
                .iter()
                    .map(|id| assets.model_key(id))
                    .collect()
            }
            Request::Channels => Ok(Vec::new()),
        }
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        match request {
            Request::View { pair, split, x, y } => {
                let (x, y) = (check_position("x", x)?, check_position("y", y)?);
                let models = load_pair(pair, split, assets)?;
                Ok(once(move || {
                    let image = planes_to_image(&clevr::render(x, y)?);
                    let models = models
                        .iter()
                        .map(|(id, model)| {
                            let [prediction] = predict(model, &[(x, y)])?[..] else {
                                return Err(err!("{id} gave no prediction"));
                            };
                            Ok(ModelPrediction {
                                id: id.clone(),
                                prediction,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(ViewOutput {
                        image,
                        centre: true_centre(x, y),
                        models,
                    })
                }))
            }
            Request::ErrorMap { pair, split } => error_map(pair, split, assets),
            Request::Channels => Ok(once(channels)),
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<ViewOutput>();
        out.add::<ErrorMapOutput>();
        out.add::<ChannelsOutput>();
    }
}
