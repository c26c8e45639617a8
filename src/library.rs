//! The shipped models and images read from disk, for native runs (CLI, tests).
//! The page fetches the very same files by URL; paths here are relative to the
//! repository root so that a link's image path works in both places.

use crate::imaging::{Image, decode};
use crate::manifest::{Manifest, ModelEntry};
use crate::model::ProbeModel;
use crate::{Result, err};
use std::path::{Path, PathBuf};

pub struct Library {
    root: PathBuf,
    pub manifest: Manifest,
}

impl Library {
    /// Open the repository at `root` (the directory holding `models/`).
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let path = root.join("models/manifest.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err!("cannot read {}: {e}", path.display()))?;
        Ok(Library {
            manifest: Manifest::parse(&text)?,
            root,
        })
    }

    /// The repository this crate was built from.
    pub fn of_this_crate() -> Result<Self> {
        Library::open(env!("CARGO_MANIFEST_DIR"))
    }

    pub fn read(&self, relative: &str) -> Result<Vec<u8>> {
        if Path::new(relative)
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(err!("paths may not leave the repository: {relative}"));
        }
        std::fs::read(self.root.join(relative)).map_err(|e| err!("cannot read {relative}: {e}"))
    }

    pub fn entry(&self, id: &str) -> Result<&ModelEntry> {
        self.manifest.model(id)
    }

    pub fn onnx(&self, id: &str) -> Result<Vec<u8>> {
        self.read(&format!("models/{}", self.entry(id)?.file))
    }

    /// The model with every probe layer of its manifest entry.
    pub fn model(&self, id: &str) -> Result<(ModelEntry, ProbeModel)> {
        let entry = self.entry(id)?.clone();
        let model = ProbeModel::load(&self.onnx(id)?, &entry.interface(), &entry.probe_nodes())?;
        Ok((entry, model))
    }

    pub fn image(&self, relative: &str) -> Result<Image> {
        decode(&self.read(relative)?)
    }

    pub fn models_dir(&self) -> PathBuf {
        self.root.join("models")
    }
}
