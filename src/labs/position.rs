//! Lab 4, position from padding (Islam et al. 2020, "How much position
//! information do convolutional neural networks encode?"): a frozen encoder's
//! features — one layer, or several resized to a common grid and concatenated
//! as in the paper — are read out by a linear map (1×1 or the paper's 3×3)
//! fitted in closed form to a position map (H, V, G, HS, VS); if the readout
//! can draw the map on held-out photos, the features carry absolute position.
//! The same readout on the input pixels is the control. Plus the
//! seed article's hand test: one object at two places, convolved with and
//! without zero padding.

use crate::colormap::{ColorMap, Heatmap};
use crate::imaging::{Image, InputSpec, normalise, planes_to_image, to_planes};
use crate::lab::{Assets, Experiment, Job, Setting, map_reduce, once};
use crate::metrics::{self, PositionMap, Ridge, position_map};
use crate::model::ProbeModel;
use crate::rng::Rng;
use crate::evaluation::BATCH;
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Side of the common feature grid.
pub const GRID: (i64, i64) = (6, 28);
/// Random training crops per photo (and held-out crops per test photo): up to 64, so
/// the 8 training photos give the ≥ 500 crops of the manifest's measurement.
pub const CROPS: (i64, i64) = (1, 64);
/// The layer name that reads out the encoder's (normalised) input pixels instead
/// of a feature map: the control, since a random crop's pixels carry no position.
pub const INPUT: &str = "input";
/// Seeds of the random crops.
pub const SEEDS: (i64, i64) = (0, 99);
/// Ridge penalties per training row, on standardised features.
pub const LAMBDAS: [&str; 6] = ["0.0001", "0.001", "0.01", "0.1", "1", "10"];
/// The readout windows: value, label, explanation.
pub const KERNELS: [(&str, &str, &str); 2] = [
    (
        "1",
        "1×1",
        "a linear map of each position’s features (fast; ours)",
    ),
    (
        "3",
        "3×3",
        "the paper’s 3×3 conv readout without padding (9× the features)",
    ),
];
/// The target maps: value, label, explanation.
pub const TARGETS: [(&str, &str, &str); 5] = [
    ("H", "H", "horizontal gradient: 0 at the left, 1 at the right"),
    ("V", "V", "vertical gradient: 0 at the top, 1 at the bottom"),
    ("G", "G", "a Gaussian centred on the image"),
    (
        "HS",
        "HS",
        "horizontal stripes: the vertical gradient folded into 4 bands",
    ),
    (
        "VS",
        "VS",
        "vertical stripes: the horizontal gradient folded into 4 bands",
    ),
];
/// Hand test: side of the grid, of the object, and the objects' corners.
pub const HAND_N: (i64, i64) = (5, 12);
pub const HAND_OBJECT: (i64, i64) = (1, 5);
pub const HAND_AT: (i64, i64) = (0, 11);
/// Hand test kernels: value, label, explanation.
pub const HAND_KERNELS: [(&str, &str, &str); 2] = [
    (
        "box",
        "box",
        "all ones: counts the object pixels under the window",
    ),
    ("tent", "tent", "[1 2 1]ᵀ[1 2 1]: a blur"),
];

fn within(name: &str, v: i64, (lo, hi): (i64, i64)) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(err!("{name} must be from {lo} to {hi}, got {v}"))
    }
}

pub struct Position;

/// What the position lab computes: the hand test, or the readouts of encoders.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "job", rename_all = "camelCase")]
#[ts(rename = "PositionRequest")]
pub enum Request {
    Hand(HandTestOptions),
    Readout(ReadoutRequest),
}

/// The readout of each encoder, fitted on crops of the training photos.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "PositionReadoutRequest")]
pub struct ReadoutRequest {
    /// Manifest ids of the encoders, read out in turn.
    pub models: Vec<String>,
    /// Asset keys of the photos the readout is fitted on, and tested on.
    pub train_images: Vec<String>,
    pub test_images: Vec<String>,
    /// Display names of probes every encoder has (or `INPUT`), read out together:
    /// resized to the grid and concatenated.
    pub layers: Vec<String>,
    /// The maps read out, fitted together on features computed once: the result
    /// holds, per encoder, one readout per map in this order.
    pub targets: Vec<PositionMap>,
    pub grid: usize,
    pub kernel: usize,
    pub lambda: f64,
    pub train_crops: usize,
    pub test_crops: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadoutOptions {
    /// The encoder's input: `[3, h, w]` and its normalisation.
    #[serde(flatten)]
    pub input: InputSpec,
    #[serde(flatten)]
    pub settings: ReadoutSettings,
}

/// Everything about the readout but the encoder's input, which comes from the
/// manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadoutSettings {
    /// Probe nodes (or `INPUT`) whose features, resized to the grid and
    /// concatenated, are read out.
    pub layers: Vec<String>,
    /// The maps read out, fitted together: one ridge output per map gives the
    /// weights of separate fits (ridge treats its outputs independently), on
    /// features computed once.
    pub targets: Vec<PositionMap>,
    /// Side of the common grid the features are resized to.
    pub grid: usize,
    /// Readout window: 1 (a 1×1 conv) or 3 (the paper's 3×3 conv, without
    /// padding, so its map is `grid − 2` wide and has no border of its own).
    pub kernel: usize,
    /// Ridge penalty per training row, on standardised features.
    pub lambda: f64,
    /// Random crops taken from each training photo, and from each test photo.
    pub train_crops: usize,
    pub test_crops: usize,
    pub seed: u64,
}

impl ReadoutSettings {
    /// The settings within the lab's limits.
    pub fn validate(&self) -> Result<()> {
        if self.layers.is_empty() || self.targets.is_empty() {
            return Err(err!("the readout needs at least one layer and one target map"));
        }
        if !KERNELS.iter().any(|(k, _, _)| *k == self.kernel.to_string()) {
            return Err(err!(
                "the readout window is 1×1 or 3×3, not {0}×{0}",
                self.kernel
            ));
        }
        within("the grid side", self.grid as i64, GRID)?;
        within("the training crops per photo", self.train_crops as i64, CROPS)?;
        within("the test crops per photo", self.test_crops as i64, CROPS)?;
        within("the crop seed", self.seed as i64, SEEDS)?;
        if !LAMBDAS.iter().any(|l| l.parse::<f64>() == Ok(self.lambda)) {
            return Err(err!(
                "the ridge penalty λ is one of {}, not {}",
                LAMBDAS.join(", "),
                self.lambda
            ));
        }
        Ok(())
    }
}

/// A map of the readout's side, coloured as the page shows it: viridis over
/// [0, 1], the range of every target.
fn map_heatmap(values: &[f32], side: usize) -> Result<Heatmap> {
    Heatmap::new(values, side, side, ColorMap::Viridis, Some(0.0), Some(1.0))
}

/// The readout on one input: its predicted map and how well it matches the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "PositionScored")]
pub struct Scored {
    #[serde(skip)]
    #[ts(skip)]
    pub map: Vec<f32>,
    /// The predicted map over [0, 1].
    pub heatmap: Heatmap,
    pub spc: f32,
    pub mae: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PositionReadout")]
pub struct Readout {
    /// Side of the target and predicted maps.
    pub side: usize,
    #[serde(skip)]
    #[ts(skip)]
    pub target: Vec<f32>,
    /// The target over [0, 1].
    pub target_map: Heatmap,
    /// Mean SPC and MAE over every held-out crop.
    pub spc: f32,
    pub mae: f32,
    /// The first held-out crop, as the encoder saw it, and its predicted map.
    pub example_input: Image,
    pub example: Scored,
    pub black: Scored,
    pub white: Scored,
    pub noise: Scored,
    /// `[c, h, w]` of each layer before resizing.
    pub feature_shapes: Vec<Vec<usize>>,
    pub train_rows: usize,
}

/// One readout per encoder of the request, in its order.
#[derive(Debug, Serialize, TS)]
#[ts(rename = "PositionReadoutResult")]
pub struct ReadoutResult {
    pub encoders: Vec<Readout>,
}

/// Crops of `size × size` at random places of `photo` (`[c, H, W]` in [0, 1]).
fn random_crops(photo: &Tensor, size: usize, count: usize, rng: &mut Rng) -> Result<Vec<Tensor>> {
    let [c, h, w] = photo.shape[..] else {
        return Err(err!("a photo must be [c, h, w]"));
    };
    if h < size || w < size {
        return Err(err!(
            "a {w}×{h} photo is smaller than the {size}×{size} crop"
        ));
    }
    Ok((0..count)
        .map(|_| {
            let x0 = rng.below((w - size + 1) as u32) as usize;
            let y0 = rng.below((h - size + 1) as u32) as usize;
            let mut data = Vec::with_capacity(c * size * size);
            for ch in 0..c {
                for y in y0..y0 + size {
                    let row = (ch * h + y) * w;
                    data.extend_from_slice(&photo.data[row + x0..row + x0 + size]);
                }
            }
            Tensor {
                shape: vec![c, size, size],
                data,
            }
        })
        .collect())
}

/// Bilinear resize of `[c, h, w]` to `[c, g, g]`, sampling at pixel centres
/// (PyTorch's `align_corners=False`), so no position is favoured.
fn resize(t: &Tensor, g: usize) -> Tensor {
    let (c, h, w) = (t.shape[0], t.shape[1], t.shape[2]);
    let taps = |n_in: usize| -> Vec<(usize, usize, f32)> {
        (0..g)
            .map(|o| {
                let s = ((o as f32 + 0.5) * n_in as f32 / g as f32 - 0.5).max(0.0);
                let i0 = (s.floor() as usize).min(n_in - 1);
                let i1 = (i0 + 1).min(n_in - 1);
                (i0, i1, s - i0 as f32)
            })
            .collect()
    };
    let (ys, xs) = (taps(h), taps(w));
    let mut data = Vec::with_capacity(c * g * g);
    for ch in 0..c {
        let plane = &t.data[ch * h * w..(ch + 1) * h * w];
        for &(y0, y1, fy) in &ys {
            for &(x0, x1, fx) in &xs {
                let top = plane[y0 * w + x0] * (1.0 - fx) + plane[y0 * w + x1] * fx;
                let bottom = plane[y1 * w + x0] * (1.0 - fx) + plane[y1 * w + x1] * fx;
                data.push(top * (1.0 - fy) + bottom * fy);
            }
        }
    }
    Tensor {
        shape: vec![c, g, g],
        data,
    }
}

/// One row per readout position: the `k × k` neighbourhood of `[c, g, g]`
/// features, all channels of each tap in turn.
fn rows_of(features: &Tensor, k: usize) -> Vec<f32> {
    let (c, g) = (features.shape[0], features.shape[1]);
    let side = g + 1 - k;
    let mut rows = Vec::with_capacity(side * side * k * k * c);
    for y in 0..side {
        for x in 0..side {
            for dy in 0..k {
                for dx in 0..k {
                    for ch in 0..c {
                        rows.push(features.data[(ch * g + y + dy) * g + x + dx]);
                    }
                }
            }
        }
    }
    rows
}

/// Per-column standardisation learned on the training rows; a column that
/// never varies (a dead ReLU) is only centred.
struct Standardiser {
    mean: Vec<f32>,
    scale: Vec<f32>,
}

impl Standardiser {
    fn fit(rows: &[f32], d: usize) -> Self {
        let n = (rows.len() / d) as f64;
        let mut mean = vec![0.0f64; d];
        let mut sq = vec![0.0f64; d];
        for row in rows.chunks(d) {
            for (i, &v) in row.iter().enumerate() {
                mean[i] += f64::from(v);
                sq[i] += f64::from(v) * f64::from(v);
            }
        }
        let mean: Vec<f64> = mean.iter().map(|s| s / n).collect();
        let scale = sq
            .iter()
            .zip(&mean)
            .map(|(s, m)| {
                let sd = (s / n - m * m).max(0.0).sqrt();
                if sd > 1e-6 { (1.0 / sd) as f32 } else { 1.0 }
            })
            .collect();
        Standardiser {
            mean: mean.iter().map(|&m| m as f32).collect(),
            scale,
        }
    }

    fn apply(&self, rows: &mut [f32]) {
        for row in rows.chunks_mut(self.mean.len()) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.scale) {
                *v = (*v - m) * s;
            }
        }
    }
}

/// Where readout features come from: the input itself, or a probe of the model.
#[derive(Clone, Copy)]
enum Source {
    Input,
    Probe(usize),
}

/// Features of the `sources` for `[c, h, w]` inputs, each resized to the grid and
/// concatenated along channels, and each source's `[c, h, w]` before resizing.
fn features(
    model: &ProbeModel,
    sources: &[Source],
    inputs: &[Tensor],
    grid: usize,
) -> Result<(Vec<Tensor>, Vec<Vec<usize>>)> {
    let mut out = Vec::with_capacity(inputs.len());
    let mut shapes = Vec::new();
    // Batches of `BATCH`: the early probes of hundreds of crops at once would take
    // hundreds of MB.
    for chunk in inputs.chunks(BATCH) {
        let run = if sources.iter().any(|s| matches!(s, Source::Probe(_))) {
            Some(model.run(&[&Tensor::stack(chunk)?.data], chunk.len())?)
        } else {
            None
        };
        let mut items: Vec<Tensor> = vec![Tensor::zeros(vec![0, grid, grid]); chunk.len()];
        shapes.clear();
        for &source in sources {
            let maps: Vec<Tensor> = match (source, &run) {
                (Source::Probe(layer), Some(run)) => {
                    let maps = &run.features[layer].1;
                    if maps.shape.len() != 4 {
                        return Err(err!(
                            "the layer is not a feature map (shape {:?})",
                            maps.shape
                        ));
                    }
                    (0..chunk.len()).map(|i| maps.item(i)).collect()
                }
                _ => chunk.to_vec(),
            };
            shapes.push(maps[0].shape.clone());
            for (item, map) in items.iter_mut().zip(&maps) {
                let resized = resize(map, grid);
                item.shape[0] += resized.shape[0];
                item.data.extend_from_slice(&resized.data);
            }
        }
        out.extend(items);
    }
    Ok((out, shapes))
}

/// Fit the readout on random crops of `train` photos and score it on random
/// crops of `test` photos and on all-black, all-white and noise inputs: one
/// `Readout` per target map, in the settings' order.
pub fn readout(
    model: &ProbeModel,
    train: &[Image],
    test: &[Image],
    opts: &ReadoutOptions,
) -> Result<Vec<Readout>> {
    let (c, h, w) = opts.input.validate()?;
    let spec = &opts.input;
    let opts = &opts.settings;
    if h != w {
        return Err(err!(
            "the position readout needs a square input, not {h}×{w}"
        ));
    }
    opts.validate()?;
    if train.is_empty() || test.is_empty() {
        return Err(err!("the readout needs training and test photos"));
    }
    let sources = opts
        .layers
        .iter()
        .map(|name| {
            if name == INPUT {
                return Ok(Source::Input);
            }
            model
                .probes()
                .iter()
                .position(|p| p == name)
                .map(Source::Probe)
                .ok_or_else(|| err!("layer \"{name}\" is not probed by this model"))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut rng = Rng::new(opts.seed);
    let mut crops_of = |photos: &[Image], count: usize| -> Result<Vec<Tensor>> {
        let mut crops = Vec::new();
        for photo in photos {
            crops.extend(random_crops(&to_planes(photo, c), h, count, &mut rng)?);
        }
        Ok(crops)
    };
    let train_crops = crops_of(train, opts.train_crops)?;
    let test_crops = crops_of(test, opts.test_crops)?;
    let mut noise = Tensor::zeros(vec![c, h, w]);
    noise.data.iter_mut().for_each(|v| *v = rng.uniform());
    let flat = |v: f32| Tensor {
        shape: vec![c, h, w],
        data: vec![v; c * h * w],
    };
    let probes_in = [flat(0.0), flat(1.0), noise];

    let side = opts.grid + 1 - opts.kernel;
    let targets: Vec<Vec<f32>> = opts
        .targets
        .iter()
        .map(|&t| position_map(t, side, side))
        .collect();
    let m = targets.len();
    let normalised =
        |t: &[Tensor]| -> Vec<Tensor> { t.iter().map(|x| normalise(x, spec)).collect() };
    let (train_features, feature_shapes) =
        features(model, &sources, &normalised(&train_crops), opts.grid)?;
    let mut x: Vec<f32> = train_features
        .iter()
        .flat_map(|f| rows_of(f, opts.kernel))
        .collect();
    let rows = train_features.len() * side * side;
    let d = x.len() / rows;
    let standardiser = Standardiser::fit(&x, d);
    standardiser.apply(&mut x);
    // Row-major `rows × m`: every target's value at each position of each crop.
    let one_crop: Vec<f32> = (0..side * side)
        .flat_map(|p| targets.iter().map(move |t| t[p]))
        .collect();
    let y = one_crop.repeat(train_features.len());
    let ridge = Ridge::fit(&x, &y, rows, opts.lambda * rows as f64)?;

    // The predicted maps of one input, one per target.
    let predict = |f: &Tensor| -> Result<Vec<Vec<f32>>> {
        let mut r = rows_of(f, opts.kernel);
        standardiser.apply(&mut r);
        let out = ridge.predict(&r)?;
        Ok((0..m)
            .map(|k| out.iter().skip(k).step_by(m).copied().collect())
            .collect())
    };
    let score = |map: Vec<f32>, target: &[f32]| -> Result<Scored> {
        Ok(Scored {
            spc: metrics::spearman(&map, target)?,
            mae: metrics::mae(&map, target)?,
            heatmap: map_heatmap(&map, side)?,
            map,
        })
    };
    let predicted = |inputs: &[Tensor]| -> Result<Vec<Vec<Vec<f32>>>> {
        let (f, _) = features(model, &sources, &normalised(inputs), opts.grid)?;
        f.iter().map(predict).collect()
    };
    let test_maps = predicted(&test_crops)?;
    let probe_maps = predicted(&probes_in)?;
    let example_input = planes_to_image(&test_crops[0]);
    targets
        .into_iter()
        .enumerate()
        .map(|(k, target)| {
            let scored = test_maps
                .iter()
                .map(|maps| score(maps[k].clone(), &target))
                .collect::<Result<Vec<_>>>()?;
            let mean =
                |f: fn(&Scored) -> f32| scored.iter().map(f).sum::<f32>() / scored.len() as f32;
            let [black, white, noise] = [0, 1, 2].map(|i| score(probe_maps[i][k].clone(), &target));
            Ok(Readout {
                side,
                spc: mean(|s| s.spc),
                mae: mean(|s| s.mae),
                example_input: example_input.clone(),
                example: scored[0].clone(),
                black: black?,
                white: white?,
                noise: noise?,
                target_map: map_heatmap(&target, side)?,
                target,
                feature_shapes: feature_shapes.clone(),
                train_rows: rows,
            })
        })
        .collect()
}

/// The seed article's hand test: a square "object" of ones on a zero grid,
/// convolved with a fixed kernel, at two places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "PositionHandRequest")]
pub struct HandTestOptions {
    /// Side of the square input grid.
    pub n: usize,
    /// Side of the square object.
    pub object: usize,
    /// Top-left corners `[x, y]` of the object in the two inputs.
    pub at: [[usize; 2]; 2],
    pub kernel: HandKernel,
    /// Value of every pixel outside the object (the object is 1).
    #[serde(default)]
    pub background: f32,
}

/// The fixed 3×3 kernel of the hand test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "PositionHandKernel")]
pub enum HandKernel {
    /// All ones: each output counts the object's pixels under the window.
    Box,
    /// `[1, 2, 1]ᵀ[1, 2, 1]`: a blur weighting the centre.
    Tent,
}

impl HandKernel {
    fn taps(self) -> [[f32; 3]; 3] {
        match self {
            HandKernel::Box => [[1.0; 3]; 3],
            HandKernel::Tent => [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]],
        }
    }
}

/// One grid of the hand test: its values, how many are zero, and its colours.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "PositionHandGrid")]
pub struct HandOutput {
    pub side: usize,
    pub values: Vec<f32>,
    pub zeros: usize,
    /// Viridis from 0 to 1 (inputs) or to the test's `hi` (outputs).
    pub heatmap: Heatmap,
}

impl HandOutput {
    fn new(values: Vec<f32>, side: usize, hi: f32) -> Result<Self> {
        Ok(HandOutput {
            side,
            zeros: values.iter().filter(|&&v| v == 0.0).count(),
            heatmap: Heatmap::new(&values, side, side, ColorMap::Viridis, Some(0.0), Some(hi))?,
            values,
        })
    }
}

/// Both inputs, and the background alone, under one kind of convolution.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PositionHandConvolution")]
pub struct HandConvolution {
    pub outputs: [HandOutput; 2],
    /// The output of the background without any object.
    pub blank: HandOutput,
    /// `max − min` of `blank`: 0 when a uniform input gives a uniform output,
    /// i.e. the convolution itself marks no position; zero padding of a
    /// non-black background makes the border stand out.
    pub blank_range: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "PositionHandTest")]
pub struct HandTest {
    pub inputs: [HandOutput; 2],
    pub n: usize,
    /// No padding: an `(n − 2) × (n − 2)` output.
    pub valid: HandConvolution,
    /// Zero padding 1: an `n × n` output.
    pub zero_padded: HandConvolution,
    /// Top of the outputs' shared colour scale: the largest output value, at least 1.
    pub hi: f32,
}

fn convolve(input: &[f32], n: usize, kernel: &[[f32; 3]; 3], pad: usize) -> Vec<f32> {
    let side = n + 2 * pad - 2;
    let mut values = Vec::with_capacity(side * side);
    for oy in 0..side {
        for ox in 0..side {
            let mut sum = 0.0;
            for (ky, row) in kernel.iter().enumerate() {
                for (kx, &tap) in row.iter().enumerate() {
                    let (y, x) = (oy + ky, ox + kx);
                    if (pad..n + pad).contains(&y) && (pad..n + pad).contains(&x) {
                        sum += tap * input[(y - pad) * n + x - pad];
                    }
                }
            }
            values.push(sum);
        }
    }
    values
}

pub fn hand_test(opts: &HandTestOptions) -> Result<HandTest> {
    let (n, o) = (opts.n, opts.object);
    within("the grid side n", n as i64, HAND_N)?;
    within("the object side", o as i64, HAND_OBJECT)?;
    if o > n {
        return Err(err!("the object must fit the {n}×{n} grid"));
    }
    for &[x, y] in &opts.at {
        within("an object corner", x as i64, HAND_AT)?;
        within("an object corner", y as i64, HAND_AT)?;
    }
    if !(0.0..=1.0).contains(&opts.background) {
        return Err(err!("the background is a value from 0 to 1"));
    }
    if opts.at.iter().any(|&[x, y]| x + o > n || y + o > n) {
        return Err(err!("each object must lie inside the {n}×{n} grid"));
    }
    let inputs = opts.at.map(|[x0, y0]| {
        (0..n * n)
            .map(|i| {
                let (y, x) = (i / n, i % n);
                f32::from(u8::from(
                    (x0..x0 + o).contains(&x) && (y0..y0 + o).contains(&y),
                ))
            })
            .collect::<Vec<f32>>()
    });
    let kernel = opts.kernel.taps();
    let background = vec![opts.background; n * n];
    // Every output, then one colour scale over all of them.
    let convolutions = [0, 1].map(|pad| {
        (
            n + 2 * pad - 2,
            [
                convolve(&inputs[0], n, &kernel, pad),
                convolve(&inputs[1], n, &kernel, pad),
                convolve(&background, n, &kernel, pad),
            ],
        )
    });
    let hi = convolutions
        .iter()
        .flat_map(|(_, grids)| grids.iter().flatten())
        .copied()
        .fold(1.0f32, f32::max);
    let [valid, zero_padded] = convolutions.map(|(side, [a, b, blank])| -> Result<HandConvolution> {
        let (lo, top) = blank
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        Ok(HandConvolution {
            outputs: [
                HandOutput::new(a, side, hi)?,
                HandOutput::new(b, side, hi)?,
            ],
            blank: HandOutput::new(blank, side, hi)?,
            blank_range: top - lo,
        })
    });
    let [a, b] = inputs;
    Ok(HandTest {
        n,
        valid: valid?,
        zero_padded: zero_padded?,
        inputs: [HandOutput::new(a, n, 1.0)?, HandOutput::new(b, n, 1.0)?],
        hi,
    })
}

impl Experiment for Position {
    const ID: &'static str = "position";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        let lambdas: Vec<_> = LAMBDAS
            .iter()
            .map(|&l| (l, l, "ridge penalty per training row, on standardised features"))
            .collect();
        vec![
            Setting::dynamic("a", "Encoder A", Some("pad-zero")),
            Setting::dynamic("b", "Encoder B", Some("pad-none")),
            Setting::dynamic("layer", "Layer", None),
            Setting::choice("target", "Target map", &TARGETS, "H"),
            // The manifest's measurement: the paper's 3×3 readout on an 8×8 grid.
            Setting::int("grid", "Grid side", GRID, 8),
            Setting::choice("kernel", "Readout", &KERNELS, "3"),
            Setting::choice("lambda", "Ridge λ", &lambdas, "0.01"),
            // 16 × 7 photos × 36 positions: several rows per feature of the 3×3 readout.
            Setting::int("crops", "Training crops per photo", CROPS, 16),
            Setting::int("seed", "Crop seed", SEEDS, 7),
            Setting::int("hn", "Grid n", HAND_N, 7),
            Setting::int("hobj", "Object side", HAND_OBJECT, 3),
            Setting::int("hax", "Object 1 x", HAND_AT, 0),
            Setting::int("hay", "Object 1 y", HAND_AT, 0),
            Setting::int("hbx", "Object 2 x", HAND_AT, 2),
            Setting::int("hby", "Object 2 y", HAND_AT, 2),
            Setting::choice("hkernel", "Kernel", &HAND_KERNELS, "box"),
            Setting::float("hbg", "Background", (0.0, 1.0), 0.0, 0.1),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        match request {
            Request::Hand(_) => Ok(Vec::new()),
            Request::Readout(r) => {
                let mut keys = r
                    .models
                    .iter()
                    .map(|id| assets.model_key(id))
                    .collect::<Result<Vec<_>>>()?;
                keys.extend(r.train_images.iter().chain(&r.test_images).cloned());
                Ok(keys)
            }
        }
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        match request {
            Request::Hand(opts) => {
                hand_test(&opts)?;
                Ok(once(move || hand_test(&opts)))
            }
            Request::Readout(r) => plan_readout(r, assets),
        }
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<HandTest>();
        out.add::<ReadoutResult>();
    }
}

/// One step per encoder: each is fitted and scored on its own (with its own
/// crops of the same seed), so progress and cancel come between encoders and the
/// worker pool can fit them side by side.
fn plan_readout(r: ReadoutRequest, assets: &Assets) -> Result<Box<dyn Job>> {
    if r.models.is_empty() || r.train_images.is_empty() || r.test_images.is_empty() {
        return Err(err!("the readout needs encoders, training and test photos"));
    }
    let encoders = r
        .models
        .iter()
        .map(|id| {
            let loaded = assets.model(id)?;
            let nodes = r
                .layers
                .iter()
                .map(|layer| {
                    if layer == INPUT {
                        return Ok(INPUT.to_string());
                    }
                    let probe = loaded.entry.probes.iter().find(|p| p.name == *layer);
                    Ok(probe
                        .ok_or_else(|| err!("{id} has no layer \"{layer}\""))?
                        .node
                        .clone())
                })
                .collect::<Result<Vec<_>>>()?;
            let settings = ReadoutSettings {
                layers: nodes,
                targets: r.targets.clone(),
                grid: r.grid,
                kernel: r.kernel,
                lambda: r.lambda,
                train_crops: r.train_crops,
                test_crops: r.test_crops,
                seed: r.seed,
            };
            settings.validate()?;
            let opts = ReadoutOptions {
                input: loaded.entry.inputs[0].spec.clone(),
                settings,
            };
            Ok((loaded.model, opts))
        })
        .collect::<Result<Vec<_>>>()?;
    let load = |keys: &[String]| -> Result<Vec<Image>> {
        keys.iter()
            .map(|k| Ok((*assets.image(k)?).clone()))
            .collect()
    };
    let photos = Rc::new((load(&r.train_images)?, load(&r.test_images)?));
    Ok(map_reduce(
        encoders.len(),
        move |i| {
            let (model, opts) = &encoders[i];
            readout(model, &photos.0, &photos.1, opts)
        },
        |parts: Vec<Vec<Readout>>| {
            Ok(ReadoutResult {
                encoders: parts.into_iter().flatten().collect(),
            })
        },
    ))
}
