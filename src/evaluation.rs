//! Re-measuring a model's headline metric from its manifest `eval` recipe, so the
//! numbers the page and the README show are numbers the repository reproduces.

use crate::datasets::{clevr, red_green, road, siamese};
use crate::depth::{self, Errors};
use crate::held_out::u8_images;
use crate::imaging::{Image, decode, prepare};
use crate::labs::position::{INPUT, ReadoutOptions, ReadoutSettings, readout};
use crate::labs::sweep::{MetricOptions, Varied, set_metrics};
use crate::manifest::ModelEntry;
use crate::metrics::{self, PositionMap};
use crate::model::ProbeModel;
use crate::shift::ShiftMode;
use crate::tracking::{Tracker, peak_error};
use crate::{Result, Tensor, err};
use serde::Deserialize;
use std::path::Path;

/// Items per tract run: large enough to amortise the call, small enough for the page.
pub const BATCH: usize = 64;

/// How a manifest's `eval` says to re-measure: on shipped held-out images, or on
/// test sets the core's generators draw again from a seed.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Recipe {
    /// A classifier scored on shipped held-out images stored as raw u8 pixels;
    /// `image_shape` is `[h, w]` (grey) or `[c, h, w]` per image.
    Shipped {
        metric: String,
        images: String,
        labels: String,
        image_shape: Vec<usize>,
        #[serde(default)]
        tolerance_percent: f64,
        /// The padding encoders also carry the position readout of Islam et al.
        #[serde(default)]
        position: Option<PositionRecipe>,
        /// The digit classifiers also carry the shift metrics of the Sweeps lab
        /// (boxed: the variant is large enough already).
        #[serde(default)]
        shift: Option<Box<ShiftRecipe>>,
    },
    /// Red-Green classifiers on freshly generated test splits of `layout`
    /// (`paper` or `ours`, see `red_green::Layout`).
    RedGreen {
        // Only tells the variants apart.
        #[serde(rename = "generator")]
        _generator: RedGreenName,
        layout: String,
        splits: Vec<RedGreenSplit>,
        #[serde(default)]
        tolerance_percent: f64,
    },
    /// Coordinate regression on a not-so-Clevr split: mean Euclidean error in pixels.
    Clevr {
        #[serde(rename = "generator")]
        _generator: ClevrName,
        metric: String,
        split: String,
        seed: u64,
        tolerance_px: f64,
    },
    /// A Siamese tracker on a generated pair set: mean Euclidean distance in
    /// pixels between the response peak's offset and the true offset.
    Siamese {
        #[serde(rename = "generator")]
        _generator: SiameseName,
        metric: String,
        split: String,
        n: usize,
        seed: u64,
        #[serde(default)]
        max_shift: i32,
        tolerance_px: f64,
    },
    /// A depth network on a generated road split: abs rel and δ < 1.25 over the
    /// pixels no deeper than `depth::MAX_DEPTH` (`metrics` names them in that order).
    Road {
        #[serde(rename = "generator")]
        _generator: RoadName,
        metrics: [String; 2],
        split: String,
        n: usize,
        seed: u64,
        tolerance_abs_rel: f64,
        tolerance_percent: f64,
    },
}

#[derive(Debug, Deserialize)]
enum RoadName {
    #[serde(rename = "road")]
    Road,
}

#[derive(Debug, Deserialize)]
enum RedGreenName {
    #[serde(rename = "red-green")]
    RedGreen,
}

#[derive(Debug, Deserialize)]
enum ClevrName {
    #[serde(rename = "clevr")]
    Clevr,
}

#[derive(Debug, Deserialize)]
enum SiameseName {
    #[serde(rename = "siamese")]
    Siamese,
}

/// The position lab's readout (Islam et al. 2020) on shipped photos: fitted on
/// random crops of `train_photos`, scored on random crops of `test_photos`, once on
/// the encoder's `layers` and once on its input pixels (the control). Each target
/// `T` gives `readout_<t>_spc`, `readout_<t>_mae`, `pixels_<t>_spc` and `pixels_<t>_mae`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionRecipe {
    /// Paths under `models/`.
    train_photos: Vec<String>,
    test_photos: Vec<String>,
    /// Display names of the probes read out together.
    layers: Vec<String>,
    targets: Vec<PositionMap>,
    grid: usize,
    kernel: usize,
    lambda: f64,
    train_crops: usize,
    test_crops: usize,
    seed: u64,
    /// How far a re-measured SPC or MAE may be from the manifest's (tract's
    /// kernels differ between machines in the last bits).
    tolerance: f64,
}

impl PositionRecipe {
    fn remeasure(
        &self,
        entry: &ModelEntry,
        onnx: &[u8],
        models_dir: &Path,
    ) -> Result<Vec<Measured>> {
        let model = ProbeModel::load(onnx, &entry.interface(), &entry.probe_nodes())?;
        let load = |paths: &[String]| -> Result<Vec<Image>> {
            paths
                .iter()
                .map(|p| {
                    let bytes = std::fs::read(models_dir.join(p))
                        .map_err(|e| err!("cannot read models/{p}: {e}"))?;
                    decode(&bytes)
                })
                .collect()
        };
        let (train, test) = (load(&self.train_photos)?, load(&self.test_photos)?);
        let nodes = self
            .layers
            .iter()
            .map(|name| Ok(entry.probe(name)?.node.clone()))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (kind, layers) in [("readout", nodes), ("pixels", vec![INPUT.to_string()])] {
            let opts = ReadoutOptions {
                input: entry.input_specs()[0].clone(),
                settings: ReadoutSettings {
                    layers,
                    targets: self.targets.clone(),
                    grid: self.grid,
                    kernel: self.kernel,
                    lambda: self.lambda,
                    train_crops: self.train_crops,
                    test_crops: self.test_crops,
                    seed: self.seed,
                },
            };
            let readouts = readout(&model, &train, &test, &opts)?;
            for (target, r) in self.targets.iter().zip(readouts) {
                let t = format!("{target:?}").to_lowercase();
                for (metric, value) in [("spc", r.spc), ("mae", r.mae)] {
                    out.push(Measured {
                        metric: format!("{kind}_{t}_{metric}"),
                        value: f64::from(value),
                        tolerance: self.tolerance,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The Sweeps lab's invariance metrics on the same held-out images, measured by
/// its own code (`sweep::set_metrics`): consistency (Zhang 2019) over `pairs`
/// random shift pairs per image with dx, dy uniform in ±`range`, drawn from
/// `seed`, and P(top-1 change) and MAC (Azulay & Weiss 2019) along the diagonal
/// (0,0) … (`steps`,`steps`); `metrics` names the three in that order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShiftRecipe {
    mode: ShiftMode,
    range: i32,
    pairs: usize,
    seed: u64,
    steps: usize,
    metrics: [String; 3],
    /// How far a re-measured consistency (in %) may be from the manifest's.
    tolerance_percent: f64,
    /// The same for P(top-1 change) and MAC.
    tolerance: f64,
}

impl ShiftRecipe {
    fn remeasure(
        &self,
        entry: &ModelEntry,
        model: &ProbeModel,
        images: &[Image],
    ) -> Result<Vec<Measured>> {
        let input = entry
            .input_specs()
            .into_iter()
            .next()
            .ok_or_else(|| err!("{} has no input", entry.id))?;
        let opts = MetricOptions {
            input,
            mode: self.mode,
            varied: Varied::Shift {
                range: self.range,
                steps: self.steps,
            },
            pairs: self.pairs,
            seed: self.seed,
            probabilities: entry.outputs_probabilities(),
        };
        let m = set_metrics(model, images, &opts)?;
        let [consistency, p_change, mac] = self.metrics.clone();
        Ok(vec![
            Measured {
                metric: consistency,
                value: m.consistency,
                tolerance: self.tolerance_percent,
            },
            Measured {
                metric: p_change,
                value: m.p_top1_change,
                tolerance: self.tolerance,
            },
            Measured {
                metric: mac,
                value: m.mac,
                tolerance: self.tolerance,
            },
        ])
    }
}

#[derive(Debug, Deserialize)]
struct RedGreenSplit {
    split: String,
    n: usize,
    seed: u64,
    metric: String,
}

/// One re-measured metric: its manifest name, the value and how far it may be
/// from the manifest's (float summation order differs between PyTorch and tract).
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub metric: String,
    pub value: f64,
    pub tolerance: f64,
}

/// Re-measure every headline metric the entry's `eval` recipe names.
pub fn remeasure(entry: &ModelEntry, onnx: &[u8], models_dir: &Path) -> Result<Vec<Measured>> {
    let recipe: Recipe = serde_json::from_value(entry.eval.clone())
        .map_err(|e| err!("{}: unsupported eval recipe: {e}", entry.id))?;
    let model = ProbeModel::load(onnx, &entry.interface(), &[])?;
    match recipe {
        Recipe::Shipped {
            metric,
            images,
            labels,
            image_shape,
            tolerance_percent,
            position,
            shift,
        } => {
            let read = |name: &str| {
                std::fs::read(models_dir.join(name))
                    .map_err(|e| err!("cannot read models/{name}: {e}"))
            };
            let images = u8_images(&read(&images)?, &image_shape)?;
            let labels = read(&labels)?;
            if images.len() != labels.len() {
                return Err(err!("{} images but {} labels", images.len(), labels.len()));
            }
            let predictions = classify(&model, entry, &images)?;
            let labels: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
            let value = 100.0 * f64::from(metrics::accuracy(&predictions, &labels)?);
            let mut measured = vec![Measured {
                metric,
                value,
                tolerance: tolerance_percent,
            }];
            if let Some(p) = position {
                measured.extend(p.remeasure(entry, onnx, models_dir)?);
            }
            if let Some(s) = shift {
                measured.extend(s.remeasure(entry, &model, &images)?);
            }
            Ok(measured)
        }
        Recipe::RedGreen {
            layout,
            splits,
            tolerance_percent,
            ..
        } => {
            let layout: red_green::Layout = layout.parse()?;
            splits
                .into_iter()
                .map(|s| {
                    let data = red_green::generate_with(layout, s.split.parse()?, s.n, s.seed)?;
                    let outputs = run_all(&model, &data.images)?;
                    let predictions = outputs
                        .iter()
                        .map(|o| metrics::top1(o))
                        .collect::<Result<Vec<_>>>()?;
                    let labels: Vec<usize> =
                        data.targets.data.iter().map(|&t| t as usize).collect();
                    let value = 100.0 * f64::from(metrics::accuracy(&predictions, &labels)?);
                    Ok(Measured {
                        metric: s.metric,
                        value,
                        tolerance: tolerance_percent,
                    })
                })
                .collect()
        }
        Recipe::Clevr {
            metric,
            split,
            seed,
            tolerance_px,
            ..
        } => {
            let data = clevr::generate(split.parse()?, seed)?;
            let outputs = run_all(&model, &data.images)?;
            let total: f64 = outputs
                .iter()
                .zip(data.targets.data.chunks_exact(2))
                .map(|(o, t)| {
                    f64::hypot(f64::from(o[0] - t[0]), f64::from(o[1] - t[1]))
                        * clevr::CANVAS as f64
                })
                .sum();
            let value = total / outputs.len().max(1) as f64;
            Ok(vec![Measured {
                metric,
                value,
                tolerance: tolerance_px,
            }])
        }
        Recipe::Siamese {
            metric,
            split,
            n,
            seed,
            max_shift,
            tolerance_px,
            ..
        } => {
            let data = siamese::generate(siamese::Mode::from_name(&split, max_shift)?, n, seed)?;
            let inputs = entry.input_specs();
            let tracker = Tracker {
                model: &model,
                inputs: &inputs,
            };
            let mut total = 0.0f64;
            for start in (0..n).step_by(BATCH) {
                let pairs: Vec<_> = (start..n.min(start + BATCH))
                    .map(|i| data.pair(i))
                    .collect();
                for (i, (_, p)) in (start..).zip(tracker.peaks(&pairs)?) {
                    total += f64::from(peak_error(&p, data.offset(i)));
                }
            }
            Ok(vec![Measured {
                metric,
                value: total / n as f64,
                tolerance: tolerance_px,
            }])
        }
        Recipe::Road {
            metrics: [abs_rel, delta1],
            split,
            n,
            seed,
            tolerance_abs_rel,
            tolerance_percent,
            ..
        } => {
            let data = road::generate(split.parse()?, n, seed)?;
            let spec = entry
                .input_specs()
                .into_iter()
                .next()
                .ok_or_else(|| err!("{} has no input", entry.id))?;
            let images: Vec<Tensor> = (0..n).map(|i| data.images.item(i)).collect();
            let refs: Vec<&Tensor> = images.iter().collect();
            let maps = depth::predict(&model, &spec, &refs)?;
            let mut errors = Errors::default();
            for (i, map) in maps.iter().enumerate() {
                errors.add(map, &data.targets.item(i).data);
            }
            Ok(vec![
                Measured {
                    metric: abs_rel,
                    value: errors.abs_rel(),
                    tolerance: tolerance_abs_rel,
                },
                Measured {
                    metric: delta1,
                    value: errors.delta1_percent(),
                    tolerance: tolerance_percent,
                },
            ])
        }
    }
}

/// The mean and sample standard deviation (ddof 1) of every metric over the runs
/// of one recipe that differ only in their training seed, named `<metric>_mean`
/// and `<metric>_std`, with the metric's tolerance (for the std scaled by
/// √(n/(n−1)), the most a per-seed error of that size can move it).
pub fn over_seeds(runs: &[Vec<Measured>]) -> Result<Vec<Measured>> {
    let first = runs.first().ok_or_else(|| err!("no run to average"))?;
    if runs.len() < 2 {
        return Err(err!("a standard deviation needs two seeds or more"));
    }
    let mut out = Vec::new();
    for (k, m) in first.iter().enumerate() {
        let values = runs
            .iter()
            .map(|run| match run.get(k) {
                Some(r) if r.metric == m.metric => Ok(r.value),
                _ => Err(err!("the seeds did not all measure {}", m.metric)),
            })
            .collect::<Result<Vec<f64>>>()?;
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let std_tolerance = m.tolerance * (n / (n - 1.0)).sqrt();
        for (suffix, value, tolerance) in [
            ("mean", mean, m.tolerance),
            ("std", var.sqrt(), std_tolerance),
        ] {
            out.push(Measured {
                metric: format!("{}_{suffix}", m.metric),
                value,
                tolerance,
            });
        }
    }
    Ok(out)
}

/// The model's output for every item of a `[n, c, h, w]` batch, in chunks of `BATCH`.
fn run_all(model: &ProbeModel, images: &Tensor) -> Result<Vec<Vec<f32>>> {
    let n = images.shape[0];
    let item: usize = images.shape[1..].iter().product();
    let mut outputs = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let count = BATCH.min(n - start);
        let run = model.run(&[&images.data[start * item..(start + count) * item]], count)?;
        outputs.extend((0..count).map(|i| run.output.item(i).data));
    }
    Ok(outputs)
}

/// Top-1 class of every image, unshifted, through the page's own input pipeline.
pub fn classify(model: &ProbeModel, entry: &ModelEntry, images: &[Image]) -> Result<Vec<usize>> {
    let spec = &entry
        .inputs
        .first()
        .ok_or_else(|| err!("{} has no input", entry.id))?
        .spec;
    let mut predictions = Vec::with_capacity(images.len());
    for chunk in images.chunks(BATCH) {
        let tensors = chunk
            .iter()
            .map(|img| prepare(img, spec, 0, 0, ShiftMode::Black).map(|p| p.tensor))
            .collect::<Result<Vec<_>>>()?;
        let batch = Tensor::stack(&tensors)?;
        let run = model.run(&[&batch.data], chunk.len())?;
        for i in 0..chunk.len() {
            predictions.push(metrics::top1(&run.output.item(i).data)?);
        }
    }
    Ok(predictions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(values: &[(&str, f64)]) -> Vec<Measured> {
        values
            .iter()
            .map(|&(metric, value)| Measured {
                metric: metric.into(),
                value,
                tolerance: 0.1,
            })
            .collect()
    }

    #[test]
    fn over_seeds_is_the_mean_and_sample_std_of_each_metric() {
        let runs = [
            run(&[("acc", 97.0), ("mac", 0.05)]),
            run(&[("acc", 98.0), ("mac", 0.05)]),
            run(&[("acc", 99.0), ("mac", 0.05)]),
        ];
        let got = over_seeds(&runs).unwrap();
        let names: Vec<&str> = got.iter().map(|m| m.metric.as_str()).collect();
        assert_eq!(names, ["acc_mean", "acc_std", "mac_mean", "mac_std"]);
        assert!((got[0].value - 98.0).abs() < 1e-12);
        // ddof 1: sqrt((1 + 0 + 1) / 2) = 1.
        assert!((got[1].value - 1.0).abs() < 1e-12);
        assert!(got[3].value.abs() < 1e-12);
        assert!((got[1].tolerance - 0.1 * 1.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn over_seeds_refuses_one_seed_and_mismatched_runs() {
        assert!(over_seeds(&[run(&[("acc", 97.0)])]).is_err());
        let mismatched = [run(&[("acc", 97.0)]), run(&[("mac", 0.05)])];
        assert!(over_seeds(&mismatched).is_err());
        let short = [run(&[("acc", 97.0), ("mac", 0.05)]), run(&[("acc", 97.0)])];
        assert!(over_seeds(&short).is_err());
    }
}
