//! Inspect a model file (no page view of its own): what `crate::inspect` reads from it
//! and the default description, for the page's "your own model" form and the audit.
//! The request names the model by its asset key (a user's model: `upload:<sha256>`,
//! which needs no description yet) or a shipped model by its manifest id.

use crate::inspect::{Inspection, check_size, default_description, inspect};
use crate::lab::{Assets, Experiment, Job, Setting, once};
use crate::manifest::ModelEntry;
use crate::Result;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub struct Inspect;

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "InspectRequest")]
pub struct Request {
    /// The model: an upload's key `upload:<sha256>` or a manifest id.
    pub model: String,
    /// The input size `[h, w]` the layers' shapes are given at; the file's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub size: Option<[usize; 2]>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "InspectResult")]
pub struct Output {
    pub inspection: Inspection,
    /// Where the description form starts (and what `shiftlab audit` uses without a sidecar).
    pub description: ModelEntry,
}

impl Experiment for Inspect {
    const ID: &'static str = "inspect";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        Vec::new()
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        Ok(vec![assets.model_key(&request.model)?])
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        check_size(request.size)?;
        let bytes = assets.bytes(&assets.model_key(&request.model)?)?;
        Ok(once(move || {
            let inspection = inspect(&bytes, request.size)?;
            let description = default_description(&inspection)?;
            Ok(Output {
                inspection,
                description,
            })
        }))
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Output>();
    }
}
