//! The CoordConv lab (Liu et al. 2018): a plain CNN and a CoordConv CNN regress
//! the centre of a 9×9 square on a 64×64 canvas (not-so-Clevr). Trained on the
//! quadrant split, the plain network is expected to fail on the held-out
//! bottom-right quadrant while CoordConv generalises.

use crate::datasets::clevr::{self, CANVAS, Split};
use crate::model::ProbeModel;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};

/// Items per tract run when sweeping positions.
pub const BATCH: usize = 64;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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

/// The manifest ids of the lab's pair for a split.
pub fn model_ids(split: SplitKind) -> [String; 2] {
    let name = match split {
        SplitKind::Uniform => "uniform",
        SplitKind::Quadrant => "quadrant",
    };
    [
        format!("coord-plain-{name}"),
        format!("coord-coordconv-{name}"),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NativeOptions {
    split: SplitKind,
    x: usize,
    y: usize,
    /// Also score every test position of the split (the error map) and summarise it.
    #[serde(default)]
    error_map: bool,
}

/// Both models' predictions for the square at `(x, y)`, and with `errorMap` their
/// error summaries over the split's test positions.
pub fn native(lib: &crate::library::Library, opts: serde_json::Value) -> Result<serde_json::Value> {
    let opts: NativeOptions = super::options(opts, "coordconv")?;
    clevr::render(opts.x, opts.y)?;
    let [tx, ty] = true_centre(opts.x, opts.y);
    let mut models = serde_json::Map::new();
    for id in model_ids(opts.split) {
        let (_, model) = lib.model(&id)?;
        let [p] = predict(&model, &[(opts.x, opts.y)])?[..] else {
            return Err(err!("{id} gave no prediction"));
        };
        let mut entry = serde_json::json!({ "prediction": p });
        if opts.error_map {
            let errors: Vec<f32> = predict(&model, &test_positions(opts.split))?
                .iter()
                .map(|p| p.error)
                .collect();
            entry["summary"] =
                serde_json::to_value(summarise(&errors, opts.split)?).map_err(|e| err!("{e}"))?;
        }
        models.insert(id, entry);
    }
    Ok(serde_json::json!({ "truth": { "x": tx, "y": ty }, "models": models }))
}
