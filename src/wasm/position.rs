//! The position lab's exports: the readout fitted on a frozen encoder's
//! features, and the seed article's hand test.

use super::{JsResult, Model, from_js, image_from_js, image_js, js_err, set};
use crate::experiments::position::{self, HandOutput, HandTestOptions, ReadoutOptions, Scored};
use crate::imaging::Image;
use js_sys::{Array, Float32Array, Object};
use wasm_bindgen::prelude::*;

fn images_from_js(list: Array) -> JsResult<Vec<Image>> {
    list.iter().map(image_from_js).collect()
}

fn scored_js(s: &Scored) -> Object {
    let obj = Object::new();
    set(&obj, "map", Float32Array::from(&s.map[..]));
    set(&obj, "spc", s.spc);
    set(&obj, "mae", s.mae);
    obj
}

/// Fit the readout on crops of the `train` photos, score it on crops of `test`
/// photos and on black, white and noise inputs:
/// `{side, target, spc, mae, exampleInput, example, black, white, noise, featureShape, trainRows}`.
#[wasm_bindgen(js_name = positionReadout)]
pub fn position_readout(
    model: &Model,
    train: Array,
    test: Array,
    opts: JsValue,
) -> JsResult<Object> {
    let opts: ReadoutOptions = from_js(opts, "readout options")?;
    let r = position::readout(
        &model.inner,
        &images_from_js(train)?,
        &images_from_js(test)?,
        &opts,
    )
    .map_err(js_err)?;
    let obj = Object::new();
    set(&obj, "side", r.side as u32);
    set(&obj, "target", Float32Array::from(&r.target[..]));
    set(&obj, "spc", r.spc);
    set(&obj, "mae", r.mae);
    set(&obj, "exampleInput", image_js(&r.example_input));
    set(&obj, "example", scored_js(&r.example));
    set(&obj, "black", scored_js(&r.black));
    set(&obj, "white", scored_js(&r.white));
    set(&obj, "noise", scored_js(&r.noise));
    set(&obj, "featureShape", super::shape_js(&r.feature_shape));
    set(&obj, "trainRows", r.train_rows as u32);
    Ok(obj)
}

fn hand_output_js(o: &HandOutput) -> Object {
    let obj = Object::new();
    set(&obj, "side", o.side as u32);
    set(&obj, "values", Float32Array::from(&o.values[..]));
    set(&obj, "zeros", o.zeros as u32);
    obj
}

/// `{n, inputs: [Float32Array; 2], valid, zeroPadded}`, each convolution as
/// `{outputs: [{side, values, zeros}; 2], blank, blankRange}`.
#[wasm_bindgen(js_name = positionHandTest)]
pub fn position_hand_test(opts: JsValue) -> JsResult<Object> {
    let opts: HandTestOptions = from_js(opts, "hand test options")?;
    let t = position::hand_test(&opts).map_err(js_err)?;
    let conv = |c: &position::HandConvolution| {
        let obj = Object::new();
        let outputs: Array = c
            .outputs
            .iter()
            .map(|o| JsValue::from(hand_output_js(o)))
            .collect();
        set(&obj, "outputs", outputs);
        set(&obj, "blank", hand_output_js(&c.blank));
        set(&obj, "blankRange", c.blank_range);
        obj
    };
    let obj = Object::new();
    set(&obj, "n", t.n as u32);
    let inputs: Array = t
        .inputs
        .iter()
        .map(|i| JsValue::from(Float32Array::from(&i[..])))
        .collect();
    set(&obj, "inputs", inputs);
    set(&obj, "valid", conv(&t.valid));
    set(&obj, "zeroPadded", conv(&t.zero_padded));
    Ok(obj)
}
