//! Ops of our own in place of tract ops that are slow in the page, swapped into the plan
//! after tract has optimised it. Each computes exactly what it replaces (a maximum or a
//! copy of some inputs, so no rounding can differ), and a unit test runs both on the same
//! input. The profile in `scripts/bench.sh` is how they were found: see each module.

mod max_pool;
mod pad;

use max_pool::RowMaxPool;
use pad::RowPad;
use std::fmt::Debug;
use std::hash::Hash;
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::internal::{
    EvalContext, EvalOp, Op, StaticName, TypedModelPatch, TypedOp, as_op, format_err,
    op_as_typed_op, op_out_of_plan,
};
use tract_onnx::tract_hir::tract_core::ops::array::Pad;
use tract_onnx::tract_hir::tract_core::ops::cnn::OptMaxPool;

/// `model` with every op one of ours does replaced by ours.
pub fn replace_ops(mut model: TypedModel) -> TractResult<TypedModel> {
    for id in model.eval_order()? {
        let node = &model.nodes[id];
        let fact = match node.inputs.first() {
            Some(&input) => model.outlet_fact(input)?,
            None => continue,
        };
        let ours: Option<Box<dyn TypedOp>> = if let Some(op) = node.op_as::<OptMaxPool>() {
            RowMaxPool::replacing(op, fact).map(|op| Box::new(PlanOp(op)) as _)
        } else if let Some(op) = node.op_as::<Pad>() {
            RowPad::replacing(op, fact).map(|op| Box::new(PlanOp(op)) as _)
        } else {
            None
        };
        if let Some(op) = ours {
            TypedModelPatch::replace_single_op(&model, node, &node.inputs, op)?
                .apply(&mut model)?;
        }
    }
    Ok(model)
}

/// What one of our ops computes: an f32 NCHW tensor of a fixed shape into another.
trait Kernel: Debug + Clone + PartialEq + Eq + Hash + Send + Sync + 'static {
    /// The op's name in tract's plan (and the benchmark's profile).
    const NAME: &'static str;
    fn output_shape(&self) -> [usize; 4];
    /// Fill `output` (of `output_shape`, zeroed) from `input`.
    fn run(&self, input: &[f32], output: &mut [f32]);
}

/// A [`Kernel`] as a tract op.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PlanOp<K>(K);

impl<K: Kernel> Op for PlanOp<K> {
    fn name(&self) -> StaticName {
        K::NAME.into()
    }

    op_as_typed_op!();
}

impl<K: Kernel> EvalOp for PlanOp<K> {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let [input]: [TValue; 1] = inputs
            .into_vec()
            .try_into()
            .map_err(|_| format_err!("{} takes one input", K::NAME))?;
        let mut output = Tensor::zero::<f32>(&self.0.output_shape())?;
        self.0.run(
            input.try_as_plain_ram()?.as_slice::<f32>()?,
            output.try_as_plain_ram_mut()?.as_slice_mut::<f32>()?,
        );
        Ok(tvec!(output.into_tvalue()))
    }
}

impl<K: Kernel> TypedOp for PlanOp<K> {
    fn output_facts(&self, _inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        Ok(tvec!(f32::fact(self.0.output_shape())))
    }

    as_op!();
}

/// The concrete `[n, c, h, w]` of an f32 input, the only kind our ops take.
fn nchw_f32(fact: &TypedFact) -> Option<[usize; 4]> {
    if fact.datum_type != f32::datum_type() {
        return None;
    }
    fact.shape.as_concrete()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// Run `model` as tract optimised it and with our ops on a seeded input of `shape`:
    /// both outputs, after checking that the op `Replaced` was replaced.
    pub(super) fn tract_and_ours<Replaced: Op>(
        model: TypedModel,
        shape: [usize; 4],
    ) -> (Tensor, Tensor) {
        let tract = model.into_optimized().unwrap();
        let ours = replace_ops(tract.clone()).unwrap();
        let count = |m: &TypedModel| m.nodes.iter().filter(|n| n.op_is::<Replaced>()).count();
        assert!(count(&tract) > 0, "tract's plan has the op");
        assert_eq!(count(&ours), 0, "ours has replaced it");
        let mut rng = Rng::new(shape.iter().product::<usize>() as u64);
        let data: Vec<f32> = (0..shape.iter().product()).map(|_| rng.normal()).collect();
        let x = Tensor::from_shape(&shape, &data).unwrap();
        let run = |m: TypedModel| {
            m.into_runnable()
                .unwrap()
                .run(tvec![x.clone().into()])
                .unwrap()[0]
                .clone()
                .into_tensor()
        };
        (run(tract), run(ours))
    }
}
