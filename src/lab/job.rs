//! A lab's job: a known number of steps, then a result. Between steps the worker
//! reports progress and may stop (cancel), so a step is the unit of waiting.

use crate::Result;
use serde::Serialize;

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
