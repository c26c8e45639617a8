//! A lab's job: a known number of steps, then a result. Between steps the worker
//! reports progress and may stop (cancel), so a step is the unit of waiting.

use crate::{Result, err};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A finished job's result, serialisable to JSON natively and to JS values in the
/// browser (byte fields become `Uint8Array`s there).
pub type Output = Box<dyn erased_serde::Serialize>;

pub trait Job {
    /// How many times [`Job::step`] is called; at least 1.
    fn total(&self) -> usize;
    /// Run step `index` (0, 1, … in order).
    fn step(&mut self, index: usize) -> Result<()>;
    /// The result, once every step has run.
    fn finish(self: Box<Self>) -> Result<Output>;

    /// Whether the steps can run apart, on several workers: each worker answers
    /// [`Job::shard`] for its steps and one of them [`Job::finish_with`] all the parts
    /// in step order, which gives exactly the numbers of [`Job::step`] + [`Job::finish`].
    fn poolable(&self) -> bool {
        false
    }

    /// Run step `index` on its own and answer its part of the result.
    fn shard(&self, _index: usize) -> Result<Value> {
        Err(err!("this job runs on one worker only"))
    }

    /// The result from every step's part, in step order.
    fn finish_with(self: Box<Self>, _parts: Vec<Value>) -> Result<Output> {
        Err(err!("this job runs on one worker only"))
    }
}

struct Steps<S, F, G> {
    total: usize,
    state: S,
    step: F,
    finish: G,
}

impl<S, T, F, G> Job for Steps<S, F, G>
where
    T: Serialize + 'static,
    F: FnMut(&mut S, usize) -> Result<()>,
    G: FnOnce(S) -> Result<T>,
{
    fn total(&self) -> usize {
        self.total
    }

    fn step(&mut self, index: usize) -> Result<()> {
        (self.step)(&mut self.state, index)
    }

    fn finish(self: Box<Self>) -> Result<Output> {
        let Steps { state, finish, .. } = *self;
        Ok(Box::new(finish(state)?))
    }
}

/// A job of `total` steps over a state: `step(&mut state, i)`, then `finish(state)`.
pub fn steps<S, T>(
    total: usize,
    state: S,
    mut step: impl FnMut(&mut S, usize) -> Result<()> + 'static,
    finish: impl FnOnce(S) -> Result<T> + 'static,
) -> Box<dyn Job>
where
    S: 'static,
    T: Serialize + 'static,
{
    Box::new(Steps {
        total: total.max(1),
        state,
        step: move |state: &mut S, i| if i < total { step(state, i) } else { Ok(()) },
        finish,
    })
}

struct MapReduce<P, M, R> {
    parts: Vec<Option<P>>,
    map: M,
    reduce: R,
}

impl<P, T, M, R> Job for MapReduce<P, M, R>
where
    P: Serialize + DeserializeOwned + 'static,
    T: Serialize + 'static,
    M: Fn(usize) -> Result<P>,
    R: FnOnce(Vec<P>) -> Result<T>,
{
    fn total(&self) -> usize {
        self.parts.len()
    }

    fn step(&mut self, index: usize) -> Result<()> {
        self.parts[index] = Some((self.map)(index)?);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Output> {
        let MapReduce { parts, reduce, .. } = *self;
        let parts = parts
            .into_iter()
            .map(|p| p.ok_or_else(|| err!("a step of the job did not run")))
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(reduce(parts)?))
    }

    fn poolable(&self) -> bool {
        true
    }

    fn shard(&self, index: usize) -> Result<Value> {
        if index >= self.parts.len() {
            return Err(err!("the job has no step {index}"));
        }
        serde_json::to_value((self.map)(index)?).map_err(|e| err!("cannot hand a part over: {e}"))
    }

    fn finish_with(self: Box<Self>, parts: Vec<Value>) -> Result<Output> {
        if parts.len() != self.parts.len() {
            return Err(err!(
                "{} parts for a job of {} steps",
                parts.len(),
                self.parts.len()
            ));
        }
        let parts = parts
            .into_iter()
            .map(|v| {
                serde_json::from_value(v).map_err(|e| err!("a part of the job is malformed: {e}"))
            })
            .collect::<Result<Vec<P>>>()?;
        Ok(Box::new((self.reduce)(parts)?))
    }
}

/// A job whose `total` steps are independent — `map(i)` computes step i's part — and whose
/// result is `reduce(parts in step order)`: the worker pool spreads such a job's steps over
/// its workers with the very same numbers as one worker.
pub fn map_reduce<P, T>(
    total: usize,
    map: impl Fn(usize) -> Result<P> + 'static,
    reduce: impl FnOnce(Vec<P>) -> Result<T> + 'static,
) -> Box<dyn Job>
where
    P: Serialize + DeserializeOwned + 'static,
    T: Serialize + 'static,
{
    Box::new(MapReduce {
        parts: (0..total).map(|_| None).collect(),
        map,
        reduce,
    })
}

/// One part of a [`sections`] job: its result, or why it could not be computed.
pub type SectionResult = std::result::Result<Value, String>;

struct Sections<R> {
    parts: Vec<std::result::Result<Box<dyn Job>, String>>,
    /// The first step of each part, and one past the last step of the job.
    starts: Vec<usize>,
    finish: R,
}

impl<T, R> Job for Sections<R>
where
    T: Serialize + 'static,
    R: FnOnce(Vec<SectionResult>) -> Result<T>,
{
    fn total(&self) -> usize {
        *self.starts.last().expect("a start per part and an end")
    }

    fn step(&mut self, index: usize) -> Result<()> {
        let part = self.part_of(index);
        if let Ok(job) = &mut self.parts[part] {
            // A part that fails is reported in the result; the other parts go on.
            if let Err(e) = job.step(index - self.starts[part]) {
                self.parts[part] = Err(e.to_string());
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Output> {
        let Sections { parts, finish, .. } = *self;
        let results = parts
            .into_iter()
            .map(|part| {
                let output = part?.finish().map_err(|e| e.to_string())?;
                serde_json::to_value(&*output).map_err(|e| e.to_string())
            })
            .collect();
        Ok(Box::new(finish(results)?))
    }

    /// Poolable when every part is (a part whose planning failed has nothing to run).
    fn poolable(&self) -> bool {
        self.parts.iter().flatten().all(|job| job.poolable())
    }

    /// The step's part of its section, or the error that stopped it, as a [`SectionResult`]:
    /// a failing step spoils its section only, as it does on one worker.
    fn shard(&self, index: usize) -> Result<Value> {
        if index >= self.total() {
            return Err(err!("the job has no step {index}"));
        }
        let part = self.part_of(index);
        let outcome: SectionResult = match &self.parts[part] {
            Ok(job) => job
                .shard(index - self.starts[part])
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        serde_json::to_value(outcome).map_err(|e| err!("cannot hand a part over: {e}"))
    }

    /// Each section from its steps' parts: the first error among them in step order (the
    /// one that would have stopped it on one worker), else its job's merged result.
    fn finish_with(self: Box<Self>, parts: Vec<Value>) -> Result<Output> {
        if parts.len() != self.total() {
            return Err(err!(
                "{} parts for a job of {} steps",
                parts.len(),
                self.total()
            ));
        }
        let Sections {
            parts: jobs,
            starts,
            finish,
        } = *self;
        let mut shards = parts.into_iter().map(|v| {
            serde_json::from_value::<SectionResult>(v)
                .map_err(|e| err!("a part of the job is malformed: {e}"))
        });
        let mut results = Vec::with_capacity(jobs.len());
        for (job, steps) in jobs.into_iter().zip(starts.windows(2)) {
            let outcomes = shards
                .by_ref()
                .take(steps[1] - steps[0])
                .collect::<Result<Vec<_>>>()?;
            results.push(job.and_then(|job| {
                let parts = outcomes
                    .into_iter()
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                let output = job.finish_with(parts).map_err(|e| e.to_string())?;
                serde_json::to_value(&*output).map_err(|e| e.to_string())
            }));
        }
        Ok(Box::new(finish(results)?))
    }
}

impl<R> Sections<R> {
    /// The section step `index` belongs to.
    fn part_of(&self, index: usize) -> usize {
        self.starts.partition_point(|&s| s <= index) - 1
    }
}

/// A job made of other jobs run one after the other (their steps in turn, so
/// progress and cancel work across them); `finish` gets each part's result as
/// JSON, or the message of the error that stopped it (a part whose planning
/// failed is given as that error), so one part that cannot apply spoils no other.
pub fn sections<T>(
    parts: Vec<std::result::Result<Box<dyn Job>, String>>,
    finish: impl FnOnce(Vec<SectionResult>) -> Result<T> + 'static,
) -> Box<dyn Job>
where
    T: Serialize + 'static,
{
    let mut starts = vec![0];
    for part in &parts {
        let steps = part.as_ref().map_or(1, |job| job.total());
        starts.push(starts.last().expect("a start") + steps);
    }
    Box::new(Sections {
        parts,
        starts,
        finish,
    })
}

/// A job of one step: quick computations answer through the same protocol.
pub fn once<T, F>(compute: F) -> Box<dyn Job>
where
    T: Serialize + 'static,
    F: FnOnce() -> Result<T> + 'static,
{
    steps(
        1,
        (Some(compute), None),
        |(compute, out): &mut (Option<F>, Option<T>), _| {
            let compute = compute.take().expect("a one-step job runs once");
            *out = Some(compute()?);
            Ok(())
        },
        |(_, out)| out.ok_or_else(|| crate::err!("the job was not run")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum_of_squares(n: usize) -> Box<dyn Job> {
        map_reduce(
            n,
            |i| Ok(vec![(i as f32 + 0.1).powi(2)]),
            |parts: Vec<Vec<f32>>| Ok(parts.into_iter().flatten().fold(0.0f32, |a, b| a + b)),
        )
    }

    #[test]
    fn a_pooled_job_gives_the_numbers_of_one_worker() {
        let mut one = sum_of_squares(7);
        for i in 0..one.total() {
            one.step(i).unwrap();
        }
        let single = serde_json::to_value(&*one.finish().unwrap()).unwrap();
        // Two "workers", each running every other step, merged in step order.
        let pooled = sum_of_squares(7);
        let parts: Vec<Value> = (0..7).map(|i| pooled.shard(i).unwrap()).collect();
        let merged = serde_json::to_value(&*pooled.finish_with(parts).unwrap()).unwrap();
        assert_eq!(single, merged);
        assert!(sum_of_squares(3).finish_with(vec![]).is_err());
        assert!(!once(|| Ok(1)).poolable());
    }

    #[test]
    fn sections_run_in_turn_and_a_failing_part_spoils_no_other() {
        let failing = steps(
            2,
            (),
            |_, i| if i == 1 { Err(err!("boom")) } else { Ok(()) },
            |_| Ok(0),
        );
        let parts = vec![
            Ok(sum_of_squares(3)),
            Err("cannot apply".into()),
            Ok(failing),
        ];
        let mut job = sections(parts, |results: Vec<SectionResult>| Ok(results));
        assert_eq!(job.total(), 3 + 1 + 2);
        for i in 0..job.total() {
            job.step(i).unwrap();
        }
        let out = serde_json::to_value(&*job.finish().unwrap()).unwrap();
        assert!((out[0]["Ok"].as_f64().unwrap() - (0.01 + 1.21 + 4.41)).abs() < 1e-5);
        assert_eq!(out[1]["Err"], "cannot apply");
        assert_eq!(out[2]["Err"], "boom");
        assert!(
            !job_of_sections().poolable(),
            "a part of plain steps runs on one worker"
        );
    }

    fn job_of_sections() -> Box<dyn Job> {
        let failing = steps(1, (), |_, _| Err(err!("boom")), |_| Ok(0));
        sections(
            vec![Ok(sum_of_squares(2)), Ok(failing)],
            |r: Vec<SectionResult>| Ok(r),
        )
    }

    #[test]
    fn pooled_sections_give_the_numbers_of_one_worker() {
        // Its second step fails: the section reports that error, the others their numbers.
        let failing = || {
            map_reduce(
                3,
                |i| if i == 1 { Err(err!("boom {i}")) } else { Ok(i) },
                |parts: Vec<usize>| Ok(parts),
            )
        };
        let job = || {
            let parts = vec![
                Ok(sum_of_squares(3)),
                Err("cannot apply".into()),
                Ok(failing()),
                Ok(sum_of_squares(2)),
            ];
            sections(parts, |results: Vec<SectionResult>| Ok(results))
        };
        let mut one = job();
        assert!(one.poolable());
        for i in 0..one.total() {
            one.step(i).unwrap();
        }
        let single = serde_json::to_value(&*one.finish().unwrap()).unwrap();
        let pooled = job();
        let parts: Vec<Value> = (0..pooled.total())
            .map(|i| pooled.shard(i).unwrap())
            .collect();
        let merged = serde_json::to_value(&*pooled.finish_with(parts).unwrap()).unwrap();
        assert_eq!(single, merged);
        assert_eq!(merged[2]["Err"], "boom 1");
        assert!(job().shard(9).is_err());
        assert!(job().finish_with(vec![]).is_err());
    }
}
