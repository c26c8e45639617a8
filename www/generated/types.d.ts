// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).

export type Choice = { value: string, label: string, 
/**
 * A longer explanation (the control's tooltip).
 */
title: string, };

export type ColorMap = "viridis" | "magma" | "rdbu";

export type Heatmap = { width: number, height: number, rgba: Uint8Array, lo: number, hi: number, map: ColorMap, };

export type Image = { width: number, height: number, rgba: Uint8Array, };

export type Setting = { name: string, 
/**
 * What the control is called on the page.
 */
label: string, 
/**
 * Appended to the explanation when a link's value is rejected.
 */
note?: string, } & ({ "type": "int", min: number, max: number, default: number, } | { "type": "float", min: number, max: number, default: number, step: number, } | { "type": "enum", choices: Array<Choice>, default: string, } | { "type": "model", task: string, default: string, } | { "type": "dynamic", default: string | null, });

export type ShiftMode = "circular" | "black" | "crop";

export type ShiftRequest = { 
/**
 * Manifest id of a classifier.
 */
model: string, 
/**
 * Asset key of the image.
 */
image: string, mode: ShiftMode, dx: number, dy: number, 
/**
 * Display name of one of the model's probes.
 */
layer: string, };

export type ShiftResult = { original: ShiftSide, shifted: ShiftSide, 
/**
 * Feature shape `[c, h, w]` of the layer.
 */
shape: Array<number>, stride: number, 
/**
 * Channels shown in `features` and `difference`.
 */
channels: number, difference: Heatmap, meanAbs: number, cosineDistance: number, 
/**
 * False when the shift is not a multiple of the stride (the compensation rounds).
 */
exact: boolean, };

export type ShiftSide = { 
/**
 * The input as the model sees it.
 */
preview: Image, probs: Array<number>, top1: number, 
/**
 * The first channels stacked top to bottom; both sides share one scale.
 */
features: Heatmap, };

