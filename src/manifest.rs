//! `models/manifest.json`: what each shipped model takes, what it outputs, which
//! layers to probe, how it was trained and what it measured.

use crate::imaging::InputSpec;
use crate::model::{InputFormat, Interface};
use crate::{Result, err};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub models: Vec<ModelEntry>,
    /// Extra training runs of shipped models (the same recipe, other seeds), kept
    /// to measure seed noise; the page does not list them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seeds: Vec<SeedRun>,
}

/// Another training seed of the model `of`: its own file and metrics, everything
/// else (inputs, probes, evaluation recipe) the shipped model's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeedRun {
    pub id: String,
    pub of: String,
    pub seed: u64,
    /// Relative to `models/`.
    pub file: String,
    pub sha256: String,
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ModelEntry {
    /// The manifest id; for a user's model, its asset key `upload:<sha256>`.
    #[serde(default)]
    pub id: String,
    /// Relative to `models/`; for a user's model, its asset key.
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub variant: String,
    pub task: String,
    pub inputs: Vec<InputEntry>,
    pub output: OutputEntry,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub probes: Vec<Probe>,
    #[serde(default)]
    pub golden: String,
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub eval: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InputEntry {
    pub name: String,
    #[serde(flatten)]
    pub spec: InputSpec,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OutputEntry {
    pub name: String,
    pub shape: Vec<usize>,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Probe {
    pub node: String,
    pub name: String,
    pub stride: usize,
}

impl Manifest {
    pub fn parse(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| err!("bad models/manifest.json: {e}"))
    }

    pub fn model(&self, id: &str) -> Result<&ModelEntry> {
        self.models
            .iter()
            .find(|m| m.id == id)
            .ok_or_else(|| err!("no model \"{id}\" in the manifest"))
    }

    /// A shipped model or another seed of one, as an entry of its own.
    pub fn run(&self, id: &str) -> Result<ModelEntry> {
        match self.seeds.iter().find(|s| s.id == id) {
            Some(seed) => Ok(self.seed_entry(seed)?),
            None => self.model(id).cloned(),
        }
    }

    /// The entry of `seed`: the shipped model's with the seed's id, file and metrics.
    pub fn seed_entry(&self, seed: &SeedRun) -> Result<ModelEntry> {
        let mut entry = self.model(&seed.of)?.clone();
        entry.id.clone_from(&seed.id);
        entry.file.clone_from(&seed.file);
        entry.sha256.clone_from(&seed.sha256);
        entry.metrics.clone_from(&seed.metrics);
        Ok(entry)
    }

    /// Every training seed of model `id`, the shipped one first; just the model
    /// when it has no other seed.
    pub fn seeds_of(&self, id: &str) -> Result<Vec<ModelEntry>> {
        let mut runs = vec![self.model(id)?.clone()];
        for seed in self.seeds.iter().filter(|s| s.of == id) {
            runs.push(self.seed_entry(seed)?);
        }
        Ok(runs)
    }
}

impl ModelEntry {
    /// How each input is shaped and normalised, in input order.
    pub fn input_specs(&self) -> Vec<InputSpec> {
        self.inputs.iter().map(|i| i.spec.clone()).collect()
    }

    pub fn input_shapes(&self) -> Vec<Vec<usize>> {
        self.inputs.iter().map(|i| i.spec.shape.clone()).collect()
    }

    /// How the file takes its inputs at the entry's shapes and which output it is read at.
    pub fn interface(&self) -> Interface {
        self.interface_at(&self.input_shapes())
    }

    /// The entry's [`Interface`] at other `[c, h, w]` shapes (a lab may plan a model at
    /// another input size), in input order.
    pub fn interface_at(&self, shapes: &[Vec<usize>]) -> Interface {
        Interface {
            inputs: self
                .inputs
                .iter()
                .zip(shapes)
                .map(|(input, shape)| InputFormat {
                    shape: shape.clone(),
                    layout: input.spec.layout.unwrap_or_default(),
                    order: input.spec.order.unwrap_or_default(),
                })
                .collect(),
            output: Some(self.output.name.clone()),
        }
    }

    pub fn probe_nodes(&self) -> Vec<String> {
        self.probes.iter().map(|p| p.node.clone()).collect()
    }

    /// The probe whose display name is `name`.
    pub fn probe(&self, name: &str) -> Result<&Probe> {
        self.probes
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| err!("{} has no layer \"{name}\"", self.id))
    }

    /// Whether the output is class probabilities already (the model ends in a
    /// softmax), so that no one applies a second softmax.
    pub fn outputs_probabilities(&self) -> bool {
        self.output.kind == "probabilities"
    }

    /// A headline metric as a number.
    pub fn metric(&self, name: &str) -> Result<f64> {
        self.metrics
            .get(name)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| err!("model \"{}\" has no numeric metric \"{name}\"", self.id))
    }
}
