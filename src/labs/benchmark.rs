//! The speed benchmark (no page view): every named model on the seeded workload
//! of `crate::benchmark`, two untimed runs and then `repeats` timed ones, one
//! model per step. `shiftlab bench` and the browser worker (scripts/bench.mjs)
//! run this same job, so their times compare like for like.

use crate::benchmark::{MAX_BATCH, Stopwatch, Workload, median};
use crate::lab::{Assets, Experiment, Job, Setting, steps};
use crate::model::{NodeTime, ProbeModel};
use crate::{Result, err};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use ts_rs::TS;

/// Items per run unless the request says otherwise.
pub const DEFAULT_BATCH: usize = 8;
/// Timed runs per model unless the request says otherwise.
pub const DEFAULT_REPEATS: usize = 20;
/// Most timed runs per model.
pub const MAX_REPEATS: usize = 1000;
/// Largest seed (the page's numbers stay exact as JS numbers).
pub const MAX_SEED: u64 = u32::MAX as u64;
/// Runs before the timed ones (plans warm up, caches fill).
const UNTIMED_RUNS: usize = 2;

pub struct Benchmark;

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "BenchmarkRequest")]
pub struct Request {
    /// Manifest ids of the models to time, in this order.
    pub models: Vec<String>,
    pub batch: usize,
    pub repeats: usize,
    pub seed: u64,
    /// Also time every node of each model's plan (as many runs again): where the time goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub profile: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "BenchmarkRow")]
pub struct Row {
    pub id: String,
    /// Median milliseconds per run of the whole batch.
    pub median_ms: f64,
    /// Sum of the outputs of one run: equal sums mean the same work was done.
    pub checksum: f64,
    /// The plan's nodes in order, each with its mean milliseconds per run of the batch
    /// (empty unless the request asked for a profile).
    pub nodes: Vec<NodeTime>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "BenchmarkResult")]
pub struct Output {
    pub batch: usize,
    pub repeats: usize,
    pub seed: u64,
    pub models: Vec<Row>,
}

struct Timed {
    id: String,
    shapes: Vec<Vec<usize>>,
    model: Rc<ProbeModel>,
}

/// One model's row: the checksum of the first run, the median of the timed ones.
fn time(timed: &Timed, request: &Request) -> Result<Row> {
    let work = Workload::new(&timed.shapes, request.batch, request.seed)?;
    let checksum = work.run(&timed.model)?;
    for _ in 1..UNTIMED_RUNS {
        work.run(&timed.model)?;
    }
    let times = (0..request.repeats)
        .map(|_| {
            let clock = Stopwatch::start();
            work.run(&timed.model)?;
            Ok(clock.elapsed_ms())
        })
        .collect::<Result<Vec<_>>>()?;
    let nodes = if request.profile == Some(true) {
        let runs = request.repeats as f64;
        work.profile(&timed.model, request.repeats)?
            .into_iter()
            .map(|n| NodeTime { ms: n.ms / runs, ..n })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Row {
        id: timed.id.clone(),
        median_ms: median(&times)?,
        checksum,
        nodes,
    })
}

impl Experiment for Benchmark {
    const ID: &'static str = "benchmark";
    type Request = Request;

    fn settings() -> Vec<Setting> {
        vec![
            Setting::int(
                "batch",
                "Items per run",
                (1, MAX_BATCH as i64),
                DEFAULT_BATCH as i64,
            ),
            Setting::int(
                "repeats",
                "Timed runs per model",
                (1, MAX_REPEATS as i64),
                DEFAULT_REPEATS as i64,
            ),
            Setting::int("seed", "Seed of the inputs", (0, MAX_SEED as i64), 0),
        ]
    }

    fn assets(request: &Request, assets: &Assets) -> Result<Vec<String>> {
        request.models.iter().map(|id| assets.model_key(id)).collect()
    }

    fn plan(request: Request, assets: &Assets) -> Result<Box<dyn Job>> {
        if request.models.is_empty() {
            return Err(err!("a benchmark needs at least one model"));
        }
        if !(1..=MAX_BATCH).contains(&request.batch) {
            return Err(err!(
                "a benchmark batch lies in 1..={MAX_BATCH}, got {}",
                request.batch
            ));
        }
        if !(1..=MAX_REPEATS).contains(&request.repeats) {
            return Err(err!(
                "repeats lie in 1..={MAX_REPEATS}, got {}",
                request.repeats
            ));
        }
        if request.seed > MAX_SEED {
            return Err(err!("the seed lies in 0..={MAX_SEED}, got {}", request.seed));
        }
        // Without probe layers: the plan the benchmark times is the bare model.
        let models = request
            .models
            .iter()
            .map(|id| {
                let shapes = assets.entry(id)?.input_shapes();
                let model = assets.model_with(id, &shapes, &[])?;
                Ok(Timed {
                    id: id.clone(),
                    shapes,
                    model,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let total = models.len();
        let rows = Vec::with_capacity(total);
        Ok(steps(
            total,
            (models, request, rows),
            |(models, request, rows): &mut (Vec<Timed>, Request, Vec<Row>), i| {
                rows.push(time(&models[i], request)?);
                Ok(())
            },
            |(_, request, rows)| {
                Ok(Output {
                    batch: request.batch,
                    repeats: request.repeats,
                    seed: request.seed,
                    models: rows,
                })
            },
        ))
    }

    fn declare(out: &mut crate::lab::Declarations) {
        out.add::<Request>();
        out.add::<Output>();
    }
}
