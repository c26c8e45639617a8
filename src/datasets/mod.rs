//! Procedural data sets, seeded, generated identically natively (for training)
//! and in the browser (for display). Images are f32 in [0, 1], batches `[n, c, h, w]`.

pub mod clevr;
pub mod npy;
pub mod red_green;
pub mod road;
pub mod siamese;

use crate::{Result, Tensor};
use std::path::{Path, PathBuf};

/// Images with one target row each: class indices as f32 (`[n]`) or coordinates (`[n, 2]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub images: Tensor,
    pub targets: Tensor,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.images.shape.first().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The arrays by the names their files and checksums carry.
    pub fn parts(&self) -> [(&'static str, &Tensor); 2] {
        [("images", &self.images), ("targets", &self.targets)]
    }

    /// Write `<prefix>-images.npy` and `<prefix>-targets.npy` into `dir`.
    pub fn write_npy(&self, dir: &Path, prefix: &str) -> Result<Vec<PathBuf>> {
        write_all(dir, prefix, &self.parts())
    }
}

/// Write each `(name, tensor)` as `<dir>/<prefix>-<name>.npy`, creating `dir`.
pub(crate) fn write_all(
    dir: &Path,
    prefix: &str,
    parts: &[(&str, &Tensor)],
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::err!("cannot create {}: {e}", dir.display()))?;
    parts
        .iter()
        .map(|(name, tensor)| {
            let path = dir.join(format!("{prefix}-{name}.npy"));
            npy::write(&path, tensor)?;
            Ok(path)
        })
        .collect()
}
