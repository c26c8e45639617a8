//! Lab 3, layer by layer (Zhang 2019, Fig. 5): for every probed layer, the
//! cosine distance between the features of a circularly shifted input and the
//! circularly shifted features of the original, over every input shift
//! (Δx, Δy) of one period of the deepest layer's stride, averaged over images.
//! The feature shift is the input shift divided by the layer's stride, rounded
//! to the nearest feature pixel (exact when the stride divides the shift).

use crate::colormap::{ColorMap, Heatmap};
use crate::held_out::{held_out_images, held_out_set};
use crate::imaging::{Image, InputSpec, prepare};
use crate::lab::{Assets, Experiment, Job, LoadedModel, Setting, map_reduce};
use crate::metrics::cosine_distance;
use crate::model::ProbeModel;
use crate::shift::{ShiftMode, shift_planes};
use crate::{Result, Tensor, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Largest period: the grid has period² shifted inputs per image.
pub const MAX_PERIOD: usize = 16;

/// A probed layer: its ONNX node, display name and total stride.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub node: String,
    pub name: String,
    pub stride: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerwiseOptions {
    #[serde(flatten)]
    pub input: InputSpec,
    pub layers: Vec<Layer>,
}

impl LayerwiseOptions {
    /// Every probe layer of a shipped model, with its input.
    pub fn of_entry(entry: &crate::manifest::ModelEntry) -> Self {
        LayerwiseOptions {
            input: entry.inputs[0].spec.clone(),
            layers: entry
                .probes
                .iter()
                .map(|p| Layer {
                    node: p.node.clone(),
                    name: p.name.clone(),
                    stride: p.stride,
                })
                .collect(),
        }
    }

    /// One period of the deepest layer: shifts 0 … period−1 in x and in y.
    pub fn period(&self) -> Result<usize> {
        let period = self.layers.iter().map(|l| l.stride).max().unwrap_or(0);
        if self.layers.iter().any(|l| l.stride == 0) || period == 0 {
            return Err(err!("every layer needs a stride of at least 1"));
        }
        if period > MAX_PERIOD {
            return Err(err!(
                "a stride of {period} gives too large a grid (at most {MAX_PERIOD})"
            ));
        }
        Ok(period)
    }
}

/// Per-layer sums of the distance grids (row-major over (Δy, Δx)), so that
/// images can be measured in batches and merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerwiseSums {
    pub images: usize,
    pub period: usize,
    pub sums: Vec<Vec<f64>>,
}

impl LayerwiseSums {
    pub fn merge(&mut self, other: &LayerwiseSums) -> Result<()> {
        if self.images == 0 {
            *self = other.clone();
            return Ok(());
        }
        if other.period != self.period || other.sums.len() != self.sums.len() {
            return Err(err!(
                "cannot merge layer-by-layer sums of different settings"
            ));
        }
        self.images += other.images;
        for (acc, add) in self.sums.iter_mut().zip(&other.sums) {
            for (a, b) in acc.iter_mut().zip(add) {
                *a += b;
            }
        }
        Ok(())
    }

    pub fn finish(&self, layers: &[Layer]) -> Result<LayerwiseResult> {
        if self.images == 0 {
            return Err(err!("no image was measured"));
        }
        if layers.len() != self.sums.len() {
            return Err(err!(
                "{} layers for {} grids",
                layers.len(),
                self.sums.len()
            ));
        }
        let n = self.images as f64;
        let layers = layers
            .iter()
            .zip(&self.sums)
            .map(|(layer, sums)| {
                let grid: Vec<f32> = sums.iter().map(|s| (s / n) as f32).collect();
                LayerGrid {
                    name: layer.name.clone(),
                    stride: layer.stride,
                    mean: sums.iter().sum::<f64>() / (n * sums.len() as f64),
                    grid,
                }
            })
            .collect();
        Ok(LayerwiseResult {
            images: self.images,
            period: self.period,
            layers,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "LayersGrid")]
pub struct LayerGrid {
    pub name: String,
    pub stride: usize,
    /// Mean cosine distance at each (Δy, Δx), row-major, period × period.
    pub grid: Vec<f32>,
    /// Mean over the grid and the images.
    pub mean: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "LayersModelResult")]
pub struct LayerwiseResult {
    pub images: usize,
    pub period: usize,
    pub layers: Vec<LayerGrid>,
}

/// The distance grids of `images`, summed.
pub fn layerwise_sums(
    model: &ProbeModel,
    images: &[Image],
    opts: &LayerwiseOptions,
) -> Result<LayerwiseSums> {
    let period = opts.period()?;
    let probe_index = opts
        .layers
        .iter()
        .map(|l| {
            model
                .probes()
                .iter()
                .position(|p| *p == l.node)
                .ok_or_else(|| err!("layer \"{}\" is not probed by this model", l.node))
        })
        .collect::<Result<Vec<_>>>()?;
    let cells = period * period;
    let mut sums = LayerwiseSums {
        images: 0,
        period,
        sums: vec![vec![0.0; cells]; opts.layers.len()],
    };
    for img in images {
        // Row-major over (Δy, Δx); (0, 0) first is the original.
        let tensors = (0..cells)
            .map(|k| {
                let (dy, dx) = ((k / period) as i64, (k % period) as i64);
                prepare(img, &opts.input, dx, dy, ShiftMode::Circular).map(|p| p.tensor)
            })
            .collect::<Result<Vec<_>>>()?;
        let batch = Tensor::stack(&tensors)?;
        let run = model.run(&[&batch.data], cells)?;
        for ((layer, &probe), acc) in opts.layers.iter().zip(&probe_index).zip(&mut sums.sums) {
            let features = &run.features[probe].1;
            if features.shape.len() != 4 {
                return Err(err!(
                    "layer \"{}\" is not a feature map (shape {:?})",
                    layer.name,
                    features.shape
                ));
            }
            let original = features.item(0);
            let s = layer.stride as f64;
            for (k, cell) in acc.iter_mut().enumerate() {
                let (dy, dx) = ((k / period) as f64, (k % period) as f64);
                let expected = shift_planes(
                    &original,
                    (dx / s).round() as i64,
                    (dy / s).round() as i64,
                    ShiftMode::Circular,
                );
                *cell += f64::from(cosine_distance(&features.item(k).data, &expected.data)?);
            }
        }
        sums.images += 1;
    }
    Ok(sums)
}

/// Images per batch of the page's worker and of the native run, so both sum in
/// the same order.
pub const LAYERWISE_BATCH: usize = 4;

pub fn layerwise(
    model: &ProbeModel,
    images: &[Image],
    opts: &LayerwiseOptions,
) -> Result<LayerwiseResult> {
    if images.is_empty() {
        return Err(err!("the layer-by-layer view needs at least one image"));
    }
    let mut sums = LayerwiseSums::default();
    for chunk in images.chunks(LAYERWISE_BATCH) {
        sums.merge(&layerwise_sums(model, chunk, opts)?)?;
    }
    sums.finish(&opts.layers)
}

/// Most held-out digits averaged over.
pub const MAX_COUNT: i64 = 256;

pub struct Layers;

/// The distance grids of every probe layer of each model (or of the probes
/// named in `layers`), over the first `count` held-out images of each, or over
/// the first `count` of `images` when given.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "LayersRequest")]
pub struct Request {
    /// Model ids (the page sends A and B); without `images`, each needs a held-out set.
    pub models: Vec<String>,
    pub count: usize,
    /// Asset keys of the images to average over instead of the held-out sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub images: Option<Vec<String>>,
    /// Display names of the probes to measure (every probe when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub layers: Option<Vec<String>>,
}

/// One model's grids, as numbers and as pictures.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "LayersModel")]
pub struct ModelGrids {
    pub model: String,
    #[serde(flatten)]
    pub result: LayerwiseResult,
    /// One map per layer, period × period: the negated grid in magma over
    /// [−hi, 0], so that large distances are dark.
    pub maps: Vec<Heatmap>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "LayersResult")]
pub struct Output {
    pub models: Vec<ModelGrids>,
    /// The largest distance of any grid of any model: the maps' common scale
    /// (at least 1e-6).
    pub hi: f32,
}

impl Experiment for Layers {
    const ID: &'static str = "layers";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        vec![
            Setting::model("modelA", "Model A", "classification", "digits-maxpool"),
            Setting::model("modelB", "Model B", "classification", "digits-bin5"),
            Setting::int("count", "held-out digits", (1, MAX_COUNT), 32),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        let mut keys = Vec::new();
        for id in &request.models {
            keys.push(assets.model_key(id)?);
            if request.images.is_none() {
                keys.push(held_out_set(&assets.entry(id)?)?.key);
            }
        }
        keys.extend(request.images.iter().flatten().cloned());
        Ok(keys)
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        if request.models.is_empty() {
            return Err(err!("name at least one model"));
        }
        if !(1..=MAX_COUNT).contains(&(request.count as i64)) {
            return Err(err!(
                "count must be from 1 to {MAX_COUNT}, got {}",
                request.count
            ));
        }
        struct Measured {
            loaded: LoadedModel,
            opts: LayerwiseOptions,
            images: Vec<Image>,
        }
        let mut measured = Vec::new();
        // (model, first image) of every step: each model's images in batches.
        let mut batches = Vec::new();
        for (m, id) in request.models.iter().enumerate() {
            let loaded = assets.model(id)?;
            let mut opts = LayerwiseOptions::of_entry(&loaded.entry);
            if let Some(names) = &request.layers {
                for name in names {
                    loaded.entry.probe(name)?;
                }
                opts.layers.retain(|l| names.contains(&l.name));
            }
            opts.period()?;
            let mut images = match &request.images {
                Some(keys) => keys
                    .iter()
                    .map(|k| Ok((*assets.image(k)?).clone()))
                    .collect::<Result<Vec<_>>>()?,
                None => held_out_images(assets, id)?,
            };
            if images.len() < request.count {
                return Err(err!(
                    "{id} is measured on {} images, not {}",
                    images.len(),
                    request.count
                ));
            }
            images.truncate(request.count);
            batches.extend((0..images.len()).step_by(LAYERWISE_BATCH).map(|i| (m, i)));
            measured.push(Measured {
                loaded,
                opts,
                images,
            });
        }
        let ids = request.models;
        let measured = std::rc::Rc::new(measured);
        let batches = std::rc::Rc::new(batches);
        let (for_map, batches_for_map) = (measured.clone(), batches.clone());
        // Every batch is independent, so the worker pool may spread them; the parts are
        // merged per model in step order, as one worker would.
        Ok(map_reduce(
            batches.len(),
            move |step| {
                let (m, first) = batches_for_map[step];
                let x = &for_map[m];
                let end = x.images.len().min(first + LAYERWISE_BATCH);
                layerwise_sums(&x.loaded.model, &x.images[first..end], &x.opts)
            },
            move |parts: Vec<LayerwiseSums>| {
                let mut sums: Vec<LayerwiseSums> = measured.iter().map(|_| LayerwiseSums::default()).collect();
                for (&(m, _), part) in batches.iter().zip(&parts) {
                    sums[m].merge(part)?;
                }
                let results = measured
                    .iter()
                    .zip(&sums)
                    .map(|(x, s)| s.finish(&x.opts.layers))
                    .collect::<Result<Vec<_>>>()?;
                let hi = results
                    .iter()
                    .flat_map(|r| r.layers.iter().flat_map(|l| l.grid.iter().copied()))
                    .fold(1e-6_f32, f32::max);
                let models = ids
                    .into_iter()
                    .zip(results)
                    .map(|(model, result)| {
                        let p = result.period;
                        let maps = result
                            .layers
                            .iter()
                            .map(|l| {
                                let negated: Vec<f32> = l.grid.iter().map(|v| -v).collect();
                                Heatmap::new(&negated, p, p, ColorMap::Magma, Some(-hi), Some(0.0))
                            })
                            .collect::<Result<Vec<_>>>()?;
                        Ok(ModelGrids { model, result, maps })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(Output { models, hi })
            },
        ))
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Output>();
    }
}
