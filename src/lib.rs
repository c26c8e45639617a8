//! ShiftLab core: everything the page computes, built and tested natively.
//!
//! The modules are pure Rust with no DOM or JS types; `wasm` is the only
//! module that knows about the browser and it only converts types.

pub mod benchmark;
pub mod colormap;
pub mod datasets;
pub mod depth;
pub mod equivariance;
pub mod error;
pub mod evaluation;
pub mod golden;
pub mod held_out;
pub mod imaging;
pub mod inspect;
pub mod lab;
pub mod labs;
pub mod library;
pub mod manifest;
pub mod metrics;
pub mod model;
pub mod onnx_file;
pub mod plan_ops;
pub mod pooling;
pub mod rng;
pub mod shift;
pub mod tensor;
pub mod tracking;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use tensor::Tensor;
