//! A model's held-out images, as its manifest `eval` recipe names them: raw u8
//! pixels in one file of the repository. The sweep lab measures its invariance
//! metrics on them and the layer-by-layer lab averages over them; the manifest's
//! own metrics are re-measured on them (`crate::evaluation`).

use crate::imaging::Image;
use crate::lab::Assets;
use crate::manifest::ModelEntry;
use crate::{Result, err};
use serde::Deserialize;

/// Where a model's held-out images are and how large one is.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOutSet {
    /// Asset key of the u8 pixel file (`models/data/…`).
    pub key: String,
    /// `[h, w]` (grey) or `[c, h, w]` per image.
    pub image_shape: Vec<usize>,
}

/// The held-out set of a model's manifest `eval` recipe.
pub fn held_out_set(entry: &ModelEntry) -> Result<HeldOutSet> {
    #[derive(Deserialize)]
    struct Recipe {
        images: String,
        image_shape: Vec<usize>,
    }
    let recipe: Recipe = serde_json::from_value(entry.eval.clone())
        .map_err(|e| err!("{} has no held-out image set: {e}", entry.id))?;
    Ok(HeldOutSet {
        key: format!("models/{}", recipe.images),
        image_shape: recipe.image_shape,
    })
}

/// The held-out images of model `id` (its set must be loaded into `assets`).
pub fn held_out_images(assets: &Assets, id: &str) -> Result<Vec<Image>> {
    let set = held_out_set(&assets.entry(id)?)?;
    u8_images(&assets.bytes(&set.key)?, &set.image_shape)
}

/// Split raw u8 pixels (`[h, w]` grey or `[c, h, w]` planar per image) into images.
pub fn u8_images(bytes: &[u8], shape: &[usize]) -> Result<Vec<Image>> {
    let (c, h, w) = match shape[..] {
        [h, w] => (1, h, w),
        [c, h, w] if c == 1 || c == 3 => (c, h, w),
        _ => return Err(err!("unsupported image shape {shape:?}")),
    };
    let size = c * h * w;
    if size == 0 || !bytes.len().is_multiple_of(size) {
        return Err(err!(
            "{} bytes is not a whole number of {shape:?} images",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(size)
        .map(|planes| {
            let rgba = (0..h * w)
                .flat_map(|i| {
                    let at = |ch: usize| planes[if c == 1 { i } else { ch * h * w + i }];
                    [at(0), at(1), at(2), 255]
                })
                .collect();
            Image {
                width: w,
                height: h,
                rgba,
            }
        })
        .collect())
}
