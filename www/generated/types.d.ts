// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).

export type Choice = { value: string, label: string, 
/**
 * A longer explanation (the control's tooltip).
 */
title: string, };

export type ColorMap = "viridis" | "magma" | "rdbu";

export type Heatmap = { width: number, height: number, rgba: Uint8Array, lo: number, hi: number, map: ColorMap, };

export type Image = { width: number, height: number, rgba: Uint8Array, };

export type LayersGrid = { name: string, stride: number, 
/**
 * Mean cosine distance at each (Δy, Δx), row-major, period × period.
 */
grid: Array<number>, 
/**
 * Mean over the grid and the images.
 */
mean: number, };

export type LayersModel = { model: string, 
/**
 * One map per layer, period × period: the negated grid in magma over
 * [−hi, 0], so that large distances are dark.
 */
maps: Array<Heatmap>, images: number, period: number, layers: Array<LayersGrid>, };

export type LayersRequest = { 
/**
 * Manifest ids of models with probes and a held-out set (the page sends A and B).
 */
models: Array<string>, count: number, };

export type LayersResult = { models: Array<LayersModel>, 
/**
 * The largest distance of any grid of any model: the maps' common scale
 * (at least 1e-6).
 */
hi: number, };

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

export type SweepCurve = { transforms: Array<SweepTransform>, previews: Array<Image>, summary: SweepSummary, grid: Heatmap | null, };

export type SweepCurveRequest = { 
/**
 * Manifest id of a classifier.
 */
model: string, 
/**
 * Asset key of the image.
 */
image: string, mode: ShiftMode, direction: SweepDirection, 
/**
 * Largest |shift| in pixels (shift sweeps).
 */
range: number, scaleMin: number, scaleMax: number, scaleSteps: number, };

export type SweepDirection = "horizontal" | "vertical" | "diagonal" | "grid" | "scale";

export type SweepMetrics = { images: number, consistency: number, pTop1Change: number, mac: number, };

export type SweepMetricsRequest = { model: string, image?: string, count?: number, mode: ShiftMode, 
/**
 * Consistency shifts are uniform in ±range.
 */
range: number, pairs: number, seed: number, 
/**
 * Diagonal steps of P(top-1 change) and MAC.
 */
steps: number, };

export type SweepRequest = { "job": "sweep" } & SweepCurveRequest | { "job": "step" } & SweepStepRequest | { "job": "metrics" } & SweepMetricsRequest;

export type SweepStep = { 
/**
 * The shifted input as the model sees it.
 */
preview: Image, 
/**
 * Feature shape `[c, h, w]` of the layer.
 */
shape: Array<number>, 
/**
 * Channels shown in `features` and `difference`, stacked top to bottom.
 */
channels: number, features: Heatmap, difference: Heatmap, meanAbs: number, cosineDistance: number, 
/**
 * False when the shift is not a multiple of the stride (the compensation rounds).
 */
exact: boolean, };

export type SweepStepRequest = { model: string, image: string, mode: ShiftMode, dx: number, dy: number, 
/**
 * Display name of one of the model's probes.
 */
layer: string, };

export type SweepSummary = { referenceClass: number, 
/**
 * Index of the untransformed input in the sweep (the first one if absent).
 */
referenceIndex: number, top1: Array<number>, top1Prob: Array<number>, referenceProb: Array<number>, 
/**
 * Steps whose top-1 differs from the reference class.
 */
differsFromReference: number, 
/**
 * P(top-1 change) between consecutive steps; `None` for a 2-D grid.
 */
pChangeAlong: number | null, };

export type SweepTransform = { "kind": "shift", dx: number, dy: number, } | { "kind": "scale", scale: number, };

