// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).

export type Choice = { value: string, label: string, 
/**
 * A longer explanation (the control's tooltip).
 */
title: string, };

export type ColorMap = "viridis" | "magma" | "rdbu";

export type CoordconvChannels = { 
/**
 * i and j share one red–blue scale from −1 to 1; r has its own viridis scale.
 */
i: Heatmap, j: Heatmap, r: Heatmap, };

export type CoordconvErrorMap = { 
/**
 * The split's test positions (top-left corners) as `[x, y]`.
 */
places: Array<[number, number]>, 
/**
 * Plain, then CoordConv.
 */
models: Array<CoordconvModelErrors>, };

export type CoordconvModelErrors = { id: string, 
/**
 * In pixels, `errors[k]` at `places[k]`.
 */
errors: Array<number>, summary: CoordconvSummary, 
/**
 * The errors at their top-left positions, 56 × 56, both models on one magma
 * scale from 0; cells outside the test split are NaN-coloured (the view greys them).
 */
map: Heatmap, };

export type CoordconvModelPrediction = { id: string, prediction: CoordconvPrediction, };

export type CoordconvPrediction = { x: number, y: number, 
/**
 * Euclidean distance to the true centre, in pixels.
 */
error: number, };

export type CoordconvRequest = { "job": "view", split: CoordconvSplit, x: number, y: number, } | { "job": "errorMap", split: CoordconvSplit, } | { "job": "channels" };

export type CoordconvSplit = "uniform" | "quadrant";

export type CoordconvSummary = { 
/**
 * The number the paper and the manifest report.
 */
testMeanPx: number, testWithin1pxPercent: number, nTest: number, 
/**
 * Over the test positions inside the bottom-right quadrant (all of them
 * for the quadrant split, about a quarter for the uniform one).
 */
quadrantMeanPx: number, };

export type CoordconvView = { 
/**
 * The generator's canvas.
 */
image: Image, 
/**
 * The true centre `[x, y]` in canvas pixels.
 */
centre: [number, number], 
/**
 * Plain, then CoordConv.
 */
models: Array<CoordconvModelPrediction>, };

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

export type SiameseBin = { distance: number, meanErrorPx: number, 
/**
 * Mean length of the predicted offset: 0 means "always the centre".
 */
meanPredictedDistancePx: number, within4pxPercent: number, };

export type SiameseErrorMap = { offsets: Array<number>, trackers: Array<SiameseMapTracker>, };

export type SiameseMapTracker = { id: string, 
/**
 * Mean peak error at each offset, rows (dy) top to bottom, `offsets` along each.
 */
errors: Array<number>, 
/**
 * The errors coloured, both trackers on one magma scale from 0.
 */
map: Heatmap, };

export type SiameseRequest = { "job": "view", seed: number, image: string | null, dx: number, dy: number, } | { "job": "sweep", image: string | null, seed: number, scenes: number, step: number, maxDistance: number, } | { "job": "errorMap", image: string | null, seed: number, scenes: number, step: number, };

export type SiameseResponse = { id: string, 
/**
 * The response map (rows × columns of cells), viridis over its own range.
 */
response: Heatmap, peak: TrackerPeak, 
/**
 * Distance from the peak's offset to the true offset, in pixels.
 */
error: number, };

export type SiameseSweep = { distances: Array<number>, trackers: Array<SiameseSweepTracker>, };

export type SiameseSweepTracker = { id: string, 
/**
 * One per distance.
 */
bins: Array<SiameseBin>, };

export type SiameseView = { template: Image, search: Image, 
/**
 * Centred-trained, then shift-trained.
 */
trackers: Array<SiameseResponse>, };

export type TrackerPeak = { row: number, col: number, dx: number, dy: number, value: number, };

