//! The lab contract: every lab is one module of `crate::labs` that implements
//! [`Experiment`] — its settings (defaults and limits, defined once), the
//! requests it answers, the assets a request needs and a [`Job`] of steps that
//! computes the result. The CLI, the tests and the browser worker all run labs
//! through this module, so the page and `shiftlab experiment` compute the same
//! numbers by the same code.

mod assets;
mod job;
mod settings;
mod typescript;

pub use assets::{Assets, LoadedModel, MANIFEST, UPLOAD, description_key, is_upload};
pub use job::{Job, Output, SectionResult, map_reduce, once, sections, steps};
pub use settings::{Choice, Setting, SettingKind};
pub use typescript::{Declarations, typescript};

use crate::{Result, err};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One lab: what it is called, what it can be set to and how it computes.
pub trait Experiment {
    /// The lab's one id: module name, URL `lab=`, CLI name, test and view file names.
    const ID: &'static str;
    /// What the lab computes, as the page and the CLI send it (JSON).
    type Request: DeserializeOwned;

    /// The lab's URL settings, in the order the page shows them.
    fn settings() -> Vec<Setting>;

    /// Asset keys (repository paths or upload keys) the request reads; the worker
    /// fetches the missing ones before [`Experiment::plan`].
    fn assets(request: &Self::Request, assets: &Assets) -> Result<Vec<String>>;

    /// Validate the request, resolve its assets and lay out its steps.
    fn plan(request: Self::Request, assets: &Assets) -> Result<Box<dyn Job>>;

    /// The TypeScript declarations of the lab's request and result types.
    fn declare(out: &mut Declarations);
}

/// A lab as the registry holds it: its functions with the request still JSON.
pub struct Lab {
    pub id: &'static str,
    pub settings: fn() -> Vec<Setting>,
    needs: fn(&Value, &Assets) -> Result<Vec<String>>,
    plan: fn(Value, &Assets) -> Result<Box<dyn Job>>,
    pub(crate) declare: fn(&mut Declarations),
}

fn parse<E: Experiment>(request: Value) -> Result<E::Request> {
    serde_json::from_value(request).map_err(|e| err!("bad {} request: {e}", E::ID))
}

fn needs<E: Experiment>(request: &Value, assets: &Assets) -> Result<Vec<String>> {
    E::assets(&parse::<E>(request.clone())?, assets)
}

fn plan<E: Experiment>(request: Value, assets: &Assets) -> Result<Box<dyn Job>> {
    E::plan(parse::<E>(request)?, assets)
}

impl Lab {
    pub const fn of<E: Experiment>() -> Lab {
        Lab {
            id: E::ID,
            settings: E::settings,
            needs: needs::<E>,
            plan: plan::<E>,
            declare: E::declare,
        }
    }

    /// The asset keys `request` reads.
    pub fn assets(&self, request: &Value, assets: &Assets) -> Result<Vec<String>> {
        (self.needs)(request, assets)
    }

    /// The asset keys `request` reads that `assets` does not hold yet.
    pub fn missing_assets(&self, request: &Value, assets: &Assets) -> Result<Vec<String>> {
        let mut keys = self.assets(request, assets)?;
        keys.retain(|k| !assets.has(k));
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    pub fn plan(&self, request: Value, assets: &Assets) -> Result<Box<dyn Job>> {
        (self.plan)(request, assets)
    }
}

/// The lab with id `id`.
pub fn lab(id: &str) -> Result<&'static Lab> {
    crate::labs::LABS
        .iter()
        .find(|l| l.id == id)
        .ok_or_else(|| {
            let ids: Vec<_> = crate::labs::LABS.iter().map(|l| l.id).collect();
            err!("no lab \"{id}\" (labs: {})", ids.join(", "))
        })
}

/// Lab `id`'s settings' defaults by name, as a link without settings opens the lab
/// (dynamic settings without a default are absent).
pub fn defaults(id: &str) -> Result<serde_json::Map<String, Value>> {
    Ok((lab(id)?.settings)()
        .iter()
        .filter_map(|s| Some((s.name.to_string(), s.default_value()?)))
        .collect())
}

/// Every lab's settings, keyed by lab id, as the page's URL schemas read them.
pub fn settings_json() -> Value {
    crate::labs::LABS
        .iter()
        .map(|l| {
            let settings = serde_json::to_value((l.settings)()).expect("settings serialise");
            (l.id.to_string(), settings)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Run a request to the end: what `shiftlab experiment` prints and the tests check.
/// `progress(done, total)` is called after every step.
pub fn run(
    id: &str,
    request: Value,
    assets: &Assets,
    mut progress: impl FnMut(usize, usize),
) -> Result<Value> {
    let mut job = lab(id)?.plan(request, assets)?;
    let total = job.total();
    for i in 0..total {
        job.step(i)?;
        progress(i + 1, total);
    }
    let output = job.finish()?;
    serde_json::to_value(&*output).map_err(|e| err!("cannot serialise the result: {e}"))
}

/// Natively: load what the request needs from the repository at `root`, then run it.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_from_disk(root: &std::path::Path, id: &str, request: Value) -> Result<Value> {
    run_on(root, &Assets::open(root)?, id, request, |_, _| {})
}

/// Natively, with `assets` that may already hold the user's files: read what else the
/// request needs from the repository at `root`, then run it.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_on(
    root: &std::path::Path,
    assets: &Assets,
    id: &str,
    request: Value,
    progress: impl FnMut(usize, usize),
) -> Result<Value> {
    let missing = lab(id)?.missing_assets(&request, assets)?;
    assets.load_from(root, &missing)?;
    run(id, request, assets, progress)
}

/// Colours per legend bar in the page module.
const LEGEND_STEPS: usize = 64;

/// The contents of `www/generated/labs.js`: every lab's settings and the colour
/// bars of the legends, so the page knows them before the worker has started.
pub fn page_module() -> String {
    use crate::colormap::{ColorMap, legend};
    let legends: serde_json::Map<String, Value> =
        [ColorMap::Viridis, ColorMap::Magma, ColorMap::Rdbu]
            .into_iter()
            .map(|map| {
                let name = serde_json::to_value(map).expect("a colour map serialises");
                let rgb: Vec<u8> = legend(map, LEGEND_STEPS)
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect();
                (name.as_str().expect("a name").to_string(), rgb.into())
            })
            .collect();
    format!(
        "// Generated from the Rust labs by `shiftlab generate`; do not edit (a test checks it).\n\n\
         /** @type {{Record<string, import('./types').Setting[]>}} */\n\
         export const SETTINGS = {};\n\n\
         /** RGB triples from the low to the high end of each colour map. */\n\
         export const LEGENDS = {};\n",
        serde_json::to_string_pretty(&settings_json()).expect("settings serialise"),
        serde_json::to_string(&legends).expect("legends serialise"),
    )
}

/// A generated page file: its path relative to the repository root and its contents.
pub type PageFile = (&'static str, fn() -> String);

/// Where the generated page files live, relative to the repository root.
pub const GENERATED: [PageFile; 2] = [
    ("www/generated/labs.js", page_module),
    ("www/generated/types.d.ts", typescript),
];

#[cfg(test)]
mod tests {
    #[test]
    fn generated_page_files_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, contents) in super::GENERATED {
            let on_disk = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            assert!(
                on_disk == contents(),
                "{path} is stale: run `cargo run -- generate` and commit it"
            );
        }
    }

    #[test]
    fn lab_ids_are_unique_and_settings_named_once() {
        let mut ids: Vec<_> = crate::labs::LABS.iter().map(|l| l.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), crate::labs::LABS.len());
        for lab in crate::labs::LABS {
            let mut names: Vec<_> = (lab.settings)().iter().map(|s| s.name).collect();
            names.sort();
            let n = names.len();
            names.dedup();
            assert_eq!(names.len(), n, "{} names a setting twice", lab.id);
        }
    }
}
