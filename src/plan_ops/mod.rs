//! Ops of our own in place of tract ops that are slow in the page, swapped into the plan
//! after tract has optimised it. Each computes exactly what it replaces (a maximum or a
//! copy of some inputs, so no rounding can differ), and a unit test runs both on the same
//! input. The profile in `scripts/bench.sh` is how they were found: see each module.

mod max_pool;
mod pad;

use max_pool::RowMaxPool;
use pad::RowPad;
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::internal::{TypedModelPatch, TypedOp, format_err};
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
            RowMaxPool::replacing(op, fact).map(|op| Box::new(op) as _)
        } else if let Some(op) = node.op_as::<Pad>() {
            RowPad::replacing(op, fact).map(|op| Box::new(op) as _)
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

/// Evaluate an op of one f32 input into a new f32 tensor of `shape`, both plain slices.
fn eval_f32(
    inputs: TVec<TValue>,
    shape: [usize; 4],
    fill: impl FnOnce(&[f32], &mut [f32]),
) -> TractResult<TVec<TValue>> {
    let [input]: [TValue; 1] = inputs
        .into_vec()
        .try_into()
        .map_err(|_| format_err!("the op takes one input"))?;
    let mut output = Tensor::zero::<f32>(&shape)?;
    fill(
        input.try_as_plain_ram()?.as_slice::<f32>()?,
        output.try_as_plain_ram_mut()?.as_slice_mut::<f32>()?,
    );
    Ok(tvec!(output.into_tvalue()))
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
    use tract_onnx::tract_hir::internal::Op;

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
