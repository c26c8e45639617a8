use crate::{Result, err};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A dense row-major f32 array: images are `[c, h, w]`, batches `[n, c, h, w]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self> {
        let len: usize = shape.iter().product();
        if len != data.len() {
            return Err(err!(
                "shape {shape:?} needs {len} values, got {}",
                data.len()
            ));
        }
        Ok(Tensor { shape, data })
    }

    pub fn zeros(shape: Vec<usize>) -> Self {
        let len = shape.iter().product();
        Tensor {
            shape,
            data: vec![0.0; len],
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The `i`-th slice along the first axis, e.g. one image of a batch.
    pub fn item(&self, i: usize) -> Tensor {
        let inner: usize = self.shape[1..].iter().product();
        Tensor {
            shape: self.shape[1..].to_vec(),
            data: self.data[i * inner..(i + 1) * inner].to_vec(),
        }
    }

    /// Stack equally shaped tensors along a new first axis.
    pub fn stack(items: &[Tensor]) -> Result<Tensor> {
        let first = items
            .first()
            .ok_or_else(|| err!("cannot stack zero tensors"))?;
        let mut data = Vec::with_capacity(first.len() * items.len());
        for t in items {
            if t.shape != first.shape {
                return Err(err!(
                    "cannot stack shapes {:?} and {:?}",
                    first.shape,
                    t.shape
                ));
            }
            data.extend_from_slice(&t.data);
        }
        let mut shape = vec![items.len()];
        shape.extend_from_slice(&first.shape);
        Ok(Tensor { shape, data })
    }
}
