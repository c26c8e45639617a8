//! Everything a lab reads, by one kind of name: a model by its manifest id, any
//! other file by its repository path (`models/samples/digit-3.png`), an upload by
//! the key the page gave it (`upload:<sha256>`). A user's model is an upload too:
//! its id is its key and its description (a manifest entry, the sidecar JSON) is
//! the asset [`description_key`] of it. Natively the bytes come from
//! disk, in the browser from the worker's fetches; decoding and model plans are
//! cached here, so both sides share one store and one cache policy.

use crate::imaging::{Image, decode};
use crate::manifest::{Manifest, ModelEntry};
use crate::model::ProbeModel;
use crate::{Result, err};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The manifest's path; model files are relative to its folder.
pub const MANIFEST: &str = "models/manifest.json";

/// The prefix of every uploaded asset's key.
pub const UPLOAD: &str = "upload:";

/// Whether `id` names a user's model (an upload) rather than a shipped one.
pub fn is_upload(id: &str) -> bool {
    id.starts_with(UPLOAD)
}

/// The asset key of the description of the user's model `id`.
pub fn description_key(id: &str) -> String {
    format!("{id}.json")
}

/// A model ready to run with its manifest entry.
#[derive(Clone)]
pub struct LoadedModel {
    pub entry: ModelEntry,
    pub model: Rc<ProbeModel>,
}

type ModelKey = (String, Vec<Vec<usize>>, Vec<String>);

pub struct Assets {
    manifest: Manifest,
    files: RefCell<HashMap<String, Rc<[u8]>>>,
    images: RefCell<HashMap<String, Rc<Image>>>,
    models: RefCell<HashMap<ModelKey, Rc<ProbeModel>>>,
}

impl Assets {
    pub fn new(manifest_json: &str) -> Result<Self> {
        Ok(Assets {
            manifest: Manifest::parse(manifest_json)?,
            files: RefCell::default(),
            images: RefCell::default(),
            models: RefCell::default(),
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Model `id`'s manifest entry, or a user's model's description.
    pub fn entry(&self, id: &str) -> Result<ModelEntry> {
        if !is_upload(id) {
            return self.manifest.model(id).cloned();
        }
        let key = description_key(id);
        let bytes = self.bytes(&key).map_err(|_| {
            err!("your model is loaded without its description (input size, normalisation, output); describe it and run again")
        })?;
        let mut entry: ModelEntry = serde_json::from_slice(&bytes)
            .map_err(|e| err!("the description of your model is not valid: {e}"))?;
        entry.id = id.to_string();
        entry.file = id.to_string();
        Ok(entry)
    }

    /// The asset key of a model's ONNX file.
    pub fn model_key(&self, id: &str) -> Result<String> {
        if is_upload(id) {
            return Ok(id.to_string());
        }
        Ok(format!("models/{}", self.entry(id)?.file))
    }

    pub fn has(&self, key: &str) -> bool {
        self.files.borrow().contains_key(key)
    }

    /// Store `bytes` under `key`, replacing what it held and everything decoded from it.
    pub fn put(&self, key: &str, bytes: Vec<u8>) {
        self.remove(key);
        self.files
            .borrow_mut()
            .insert(key.to_string(), bytes.into());
    }

    /// Forget `key` and everything decoded from it (a description's model plans too:
    /// a plan is fixed to the description's input size).
    pub fn remove(&self, key: &str) {
        self.files.borrow_mut().remove(key);
        self.images.borrow_mut().remove(key);
        self.models
            .borrow_mut()
            .retain(|(k, _, _), _| k != key && description_key(k) != key);
    }

    pub fn bytes(&self, key: &str) -> Result<Rc<[u8]>> {
        self.files.borrow().get(key).cloned().ok_or_else(|| {
            if key.starts_with("upload:") {
                err!("the uploaded file is no longer loaded; please load it again")
            } else {
                err!("{key} is not loaded")
            }
        })
    }

    /// The decoded image at `key`.
    pub fn image(&self, key: &str) -> Result<Rc<Image>> {
        if let Some(img) = self.images.borrow().get(key) {
            return Ok(img.clone());
        }
        let img = Rc::new(decode(&self.bytes(key)?)?);
        self.images
            .borrow_mut()
            .insert(key.to_string(), img.clone());
        Ok(img)
    }

    /// The model `id` at its manifest input shapes with every manifest probe.
    pub fn model(&self, id: &str) -> Result<LoadedModel> {
        let entry = self.entry(id)?;
        let model = self.model_with(id, &entry.input_shapes(), &entry.probe_nodes())?;
        Ok(LoadedModel { entry, model })
    }

    /// The model `id` planned for other input shapes or probes (a plan is fixed to both).
    pub fn model_with(
        &self,
        id: &str,
        shapes: &[Vec<usize>],
        probes: &[String],
    ) -> Result<Rc<ProbeModel>> {
        let key = (self.model_key(id)?, shapes.to_vec(), probes.to_vec());
        if let Some(m) = self.models.borrow().get(&key) {
            return Ok(m.clone());
        }
        let interface = self.entry(id)?.interface_at(shapes);
        let model = Rc::new(
            ProbeModel::load(&self.bytes(&key.0)?, &interface, probes)
                .map_err(|e| err!("{id}: {e}"))?,
        );
        self.models.borrow_mut().insert(key, model.clone());
        Ok(model)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Assets {
    /// The repository at `root` (the folder holding `models/`), with nothing loaded yet.
    pub fn open(root: &std::path::Path) -> Result<Self> {
        let path = root.join(MANIFEST);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| err!("cannot read {}: {e}", path.display()))?;
        Assets::new(&text)
    }

    /// Read `keys` from disk under `root`; upload keys cannot be read there.
    pub fn load_from(&self, root: &std::path::Path, keys: &[String]) -> Result<()> {
        for key in keys {
            let relative = std::path::Path::new(key);
            if key.starts_with("upload:")
                || relative.is_absolute()
                || relative
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(err!("{key} is not a file of the repository"));
            }
            let bytes =
                std::fs::read(root.join(relative)).map_err(|e| err!("cannot read {key}: {e}"))?;
            self.put(key, bytes);
        }
        Ok(())
    }
}
