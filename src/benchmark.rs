//! The speed benchmark's workload, defined once for the native and the browser
//! runs so that their times compare like for like: one model on a seeded batch
//! of standard-normal inputs of its own shapes, without probe layers. The clock
//! is the platform's monotonic one (`std::time::Instant` natively,
//! `performance.now()` in the worker); the benchmark lab is its only user.

use crate::model::ProbeModel;
use crate::rng::Rng;
use crate::{Result, err};

/// Inputs to run repeatedly; the largest batch a benchmark may ask for keeps a
/// run of the biggest shipped model well under a second.
pub struct Workload {
    inputs: Vec<Vec<f32>>,
    batch: usize,
}

pub const MAX_BATCH: usize = 64;

impl Workload {
    /// `shapes`: the model's per-item input shapes (`[c, h, w]`, one per input).
    pub fn new(shapes: &[Vec<usize>], batch: usize, seed: u64) -> Result<Workload> {
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(err!(
                "a benchmark batch lies in 1..={MAX_BATCH}, got {batch}"
            ));
        }
        if shapes.is_empty() || shapes.iter().any(|s| s.is_empty() || s.contains(&0)) {
            return Err(err!(
                "a benchmark needs non-empty input shapes, got {shapes:?}"
            ));
        }
        let mut rng = Rng::new(seed);
        let inputs = shapes
            .iter()
            .map(|s| {
                let len = batch * s.iter().product::<usize>();
                (0..len).map(|_| rng.normal()).collect()
            })
            .collect();
        Ok(Workload { inputs, batch })
    }

    /// One run of the whole batch. Answers the sum of the outputs, so that a
    /// native and a browser run can be seen to have computed the same thing.
    pub fn run(&self, model: &ProbeModel) -> Result<f64> {
        let inputs: Vec<&[f32]> = self.inputs.iter().map(Vec::as_slice).collect();
        let run = model.run(&inputs, self.batch)?;
        Ok(run.output.data.iter().map(|&v| f64::from(v)).sum())
    }

    /// `runs` runs of the whole batch with every node of the plan timed.
    pub fn profile(&self, model: &ProbeModel, runs: usize) -> Result<Vec<crate::model::NodeTime>> {
        let inputs: Vec<&[f32]> = self.inputs.iter().map(Vec::as_slice).collect();
        model.profile(&inputs, self.batch, runs)
    }
}

/// Milliseconds since a start, on the platform's monotonic clock.
pub struct Stopwatch {
    #[cfg(not(target_arch = "wasm32"))]
    start: std::time::Instant,
    #[cfg(target_arch = "wasm32")]
    start: f64,
}

#[cfg(target_arch = "wasm32")]
mod clock {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `performance.now()` of the window or worker the core runs in.
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn now() -> f64;
    }
}

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch {
            #[cfg(not(target_arch = "wasm32"))]
            start: std::time::Instant::now(),
            #[cfg(target_arch = "wasm32")]
            start: clock::now(),
        }
    }

    pub fn elapsed_ms(&self) -> f64 {
        #[cfg(not(target_arch = "wasm32"))]
        return self.start.elapsed().as_secs_f64() * 1e3;
        #[cfg(target_arch = "wasm32")]
        return clock::now() - self.start;
    }
}

/// The median of some times; robust to the odd slow run a busy machine makes.
pub fn median(times: &[f64]) -> Result<f64> {
    let mut sorted = times.to_vec();
    if sorted.is_empty() || sorted.iter().any(|t| !t.is_finite()) {
        return Err(err!("a median needs finite times, got {times:?}"));
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Ok(if !sorted.len().is_multiple_of(2) {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_are_seeded_and_checked() {
        let a = Workload::new(&[vec![1, 4, 4], vec![3, 2, 2]], 3, 7).unwrap();
        let b = Workload::new(&[vec![1, 4, 4], vec![3, 2, 2]], 3, 7).unwrap();
        assert_eq!(a.inputs, b.inputs);
        assert_eq!(a.inputs[0].len(), 48);
        assert_eq!(a.inputs[1].len(), 36);
        assert_ne!(
            a.inputs,
            Workload::new(&[vec![1, 4, 4], vec![3, 2, 2]], 3, 8)
                .unwrap()
                .inputs
        );
        assert!(Workload::new(&[vec![1, 4, 4]], 0, 0).is_err());
        assert!(Workload::new(&[vec![1, 4, 4]], MAX_BATCH + 1, 0).is_err());
        assert!(Workload::new(&[vec![1, 0, 4]], 1, 0).is_err());
        assert!(Workload::new(&[], 1, 0).is_err());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]).unwrap(), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]).unwrap(), 2.5);
        assert!(median(&[]).is_err());
        assert!(median(&[1.0, f64::NAN]).is_err());
    }
}
