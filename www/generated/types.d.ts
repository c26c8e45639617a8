// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).

export type BenchmarkRequest = { 
/**
 * Manifest ids of the models to time, in this order.
 */
models: Array<string>, batch: number, repeats: number, seed: number, };

export type BenchmarkResult = { batch: number, repeats: number, seed: number, models: Array<BenchmarkRow>, };

export type BenchmarkRow = { id: string, 
/**
 * Median milliseconds per run of the whole batch.
 */
medianMs: number, 
/**
 * Sum of the outputs of one run: equal sums mean the same work was done.
 */
checksum: number, };

export type Choice = { value: string, label: string, 
/**
 * A longer explanation (the control's tooltip).
 */
title: string, };

export type ColorMap = "viridis" | "magma" | "rdbu";

export type Heatmap = { width: number, height: number, rgba: Uint8Array, lo: number, hi: number, map: ColorMap, };

export type Image = { width: number, height: number, rgba: Uint8Array, };

export type PoolBoundary = "zero" | "circular" | "reflect";

export type PoolingDownsampler = "subsample" | "max";

export type PoolingImageRow = { label: string, 
/**
 * One image per factor of `FACTORS`.
 */
images: Array<Image>, };

export type PoolingImagesResult = { source: Image, 
/**
 * Without a blur first, then one row per blur of `BLURS`.
 */
rows: Array<PoolingImageRow>, };

export type PoolingOperator = { id: PoolingOperatorId, label: string, stride: number, 
/**
 * `outputs[s] = op(shift(x, s))` for `s = 0 .. n`.
 */
outputs: Array<Array<number>>, 
/**
 * `errors[s]`: see `pooling::equivariance_error`.
 */
errors: Array<number>, 
/**
 * Mean of `errors` over the shifts 1 .. n (shift 0 is always exact).
 */
meanError: number, steps: Array<PoolingStep>, };

export type PoolingOperatorId = "max-pool" | "avg-pool" | "subsample" | "dense-max" | "max-blur-pool-rect2" | "max-blur-pool-tri3" | "max-blur-pool-bin5";

export type PoolingRequest = { "job": "signal", signal: Array<number>, boundary: PoolBoundary, } | { "job": "images", 
/**
 * Asset key of the image; absent: the generated zone plate.
 */
image?: string, downsampler: PoolingDownsampler, };

export type PoolingSignalResult = { 
/**
 * `shifts[s] = shift(x, s)`, circular, content moving right.
 */
shifts: Array<Array<number>>, operators: Array<PoolingOperator>, };

export type PoolingStep = { label: string, 
/**
 * `outputs[s]`: the step's output when the input is shifted by `s`.
 */
outputs: Array<Array<number>>, 
/**
 * Equivariance error of the operator up to and including this step, per shift.
 */
errors: Array<number>, meanError: number, };

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

