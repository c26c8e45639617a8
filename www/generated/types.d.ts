// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).

export type AuditBorder = { width: number, 
/**
 * % of images whose top-1 is the one without a frame.
 */
agreement: number, 
/**
 * Mean probability of the top-1 class without a frame.
 */
probability: number, };

export type AuditInvariance = { images: number, consistency: number, pTop1Change: number, mac: number, };

export type AuditLayer = { name: string, stride: number, mean: number, };

export type AuditReadout = { target: string, 
/**
 * The layers read out together, joined by " + ".
 */
layers: string, spc: number, mae: number, };

export type AuditReport = { model: string, 
/**
 * `[c, h, w]` of the model's input.
 */
input: Array<number>, images: number, mode: ShiftMode, range: number, shift: AuditSection<AuditInvariance>, scale: AuditSection<AuditInvariance>, layers: AuditSection<Array<AuditLayer>>, position: AuditSection<Array<AuditReadout>>, border: AuditSection<Array<AuditBorder>>, };

export type AuditRequest = { 
/**
 * A manifest id or a user's model (`upload:<sha256>`).
 */
model: string, 
/**
 * Asset keys of the images to measure on.
 */
images: Array<string>, mode: ShiftMode, 
/**
 * Consistency shifts are uniform in ±range.
 */
range: number, pairs: number, seed: number, 
/**
 * Crops per photo of the position readout, for fitting and for testing.
 */
crops: number, };

export type AuditSection<T> = { "status": "measured", value: T, } | { "status": "skipped", reason: string, };

export type BenchmarkRequest = { 
/**
 * Manifest ids of the models to time, in this order.
 */
models: Array<string>, batch: number, repeats: number, seed: number, 
/**
 * Also time every node of each model's plan (as many runs again): where the time goes.
 */
profile?: boolean, };

export type BenchmarkResult = { batch: number, repeats: number, seed: number, models: Array<BenchmarkRow>, };

export type BenchmarkRow = { id: string, 
/**
 * Median milliseconds per run of the whole batch.
 */
medianMs: number, 
/**
 * Sum of the outputs of one run: equal sums mean the same work was done.
 */
checksum: number, 
/**
 * The plan's nodes in order, each with its mean milliseconds per run of the batch
 * (empty unless the request asked for a profile).
 */
nodes: Array<NodeTime>, };

export type BordersAccuracyRequest = { models: Array<string>, sets: Array<BordersRedGreenSet>, 
/**
 * Predictions kept of the first images of each set (for the examples).
 */
keep: number, };

export type BordersAccuracyResult = { models: Array<BordersModelAccuracy>, };

export type BordersCoverage = { n: number, 
/**
 * The map in viridis from 0 to its maximum.
 */
heatmap: Heatmap, min: number, max: number, corner: number, centre: number, 
/**
 * `corner / centre`: 1 when the border is seen as often as the middle.
 */
cornerToCentre: number, };

export type BordersCoverageOptions = { 
/**
 * Side of the square input.
 */
n: number, 
/**
 * Kernel side.
 */
k: number, layers: number, padding: Padding, 
/**
 * What padded positions read: zeros, or a copy of a pixel (circular, reflect).
 */
boundary: PoolBoundary, };

export type BordersCoverageRequest = { maps: Array<BordersCoverageOptions>, };

export type BordersCoverageResult = { maps: Array<BordersCoverage>, };

export type BordersExamples = { images: Array<Image>, labels: Array<number>, };

export type BordersExamplesRequest = { sets: Array<BordersRedGreenSet>, count: number, };

export type BordersExamplesResult = { sets: Array<BordersExamples>, };

export type BordersModelAccuracy = { 
/**
 * Percent per set.
 */
accuracies: Array<number>, 
/**
 * The first `keep` predictions per set.
 */
predictions: Array<Array<number>>, };

export type BordersRedGreenSet = { 
/**
 * `similar` or `dissimilar` (or `train`).
 */
split: string, 
/**
 * Size of the whole test set and the generator seed: the same pair gives
 * the same images here, natively and in training.
 */
n: number, seed: number, 
/**
 * Black pixels added on every side (`add_black_border`).
 */
border: number, 
/**
 * Diagonal shift `(d, d)` of the bordered image, black coming in.
 */
shift: number, };

export type BordersRequest = { "job": "coverage" } & BordersCoverageRequest | { "job": "examples" } & BordersExamplesRequest | { "job": "accuracy" } & BordersAccuracyRequest;

export type ChannelOrder = "rgb" | "bgr";

export type Choice = { value: string, label: string, 
/**
 * A longer explanation (the control's tooltip).
 */
title: string, };

export type ColorMap = "viridis" | "magma" | "rdbu";

export type Comparison = { 
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
 * Without coordinate channels, then with them (see [`model_ids`]).
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

export type CoordconvPair = "liu" | "matched";

export type CoordconvPrediction = { x: number, y: number, 
/**
 * Euclidean distance to the true centre, in pixels.
 */
error: number, };

export type CoordconvRequest = { "job": "view", pair: CoordconvPair, split: CoordconvSplit, x: number, y: number, } | { "job": "errorMap", pair: CoordconvPair, split: CoordconvSplit, } | { "job": "channels" };

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
 * Without coordinate channels, then with them (see [`model_ids`]).
 */
models: Array<CoordconvModelPrediction>, };

export type DepthCue = "baseline" | "noShadow" | "noBand" | "noShadowNoBand" | "thickBand" | "brightBand" | "hollow" | "grayscale" | "hue90" | "hue180" | "darkBody" | "lightBody";

export type DepthCueRow = { cue: DepthCue, label: string, 
/**
 * Per model: how much of the object's own inverse depth the map shows over its
 * silhouette, (predicted with − without the object) / (true with − without);
 * 1 = a full obstacle, 0 = not seen.
 */
response: Array<number | null>, 
/**
 * Per model: mean signed error (%) of the estimated distance.
 */
error: Array<number | null>, };

export type DepthCues = { models: Array<string>, rows: Array<DepthCueRow>, };

export type DepthInsertion = { ratios: Array<number>, models: Array<DepthInsertionModel>, };

export type DepthInsertionCurve = { mode: DepthInsertionMode, 
/**
 * Mean predicted distance at r over predicted distance at r = 1, per `RATIOS`.
 */
relative: Array<number | null>, 
/**
 * The least-squares slope of `relative` against r (natural: 1 if exact).
 */
slope: number | null, };

export type DepthInsertionMode = "natural" | "position" | "size";

export type DepthInsertionModel = { id: string, curves: Array<DepthInsertionCurve>, };

export type DepthModelView = { id: string, 
/**
 * Inverse depth, on the truth's scale.
 */
map: Heatmap, 
/**
 * The object's estimated distance (m), if any pixel is mostly the object.
 */
distance: number | null, 
/**
 * The horizon row and roll (degrees) of the ground plane fitted to the map.
 */
horizon: number | null, roll: number | null, 
/**
 * Over this scene's pixels up to 80 m.
 */
absRel: number, delta1Percent: number, };

export type DepthPitch = { pitches: Array<number>, 
/**
 * The true horizon row per pitch.
 */
horizon: Array<number>, models: Array<DepthPitchModel>, };

export type DepthPitchModel = { id: string, 
/**
 * Mean estimated horizon row per pitch.
 */
horizon: Array<number | null>, 
/**
 * Estimated horizon shift (from pitch 0) against the true shift: slope 1 = follows.
 */
shiftSlope: number | null, 
/**
 * Mean signed distance error (%) of the cars at 8 and 16 m, per pitch.
 */
errorNear: Array<number | null>, errorFar: Array<number | null>, };

export type DepthRequest = { "job": "view", scene: DepthSceneSettings, } | { "job": "insertion", seed: number, scenes: number, kind: RoadKind, base: number, } | { "job": "pitch", seed: number, scenes: number, } | { "job": "roll", seed: number, scenes: number, } | { "job": "cues", seed: number, scenes: number, kind: RoadKind, distance: number, };

export type DepthRoll = { rolls: Array<number>, models: Array<DepthRollModel>, };

export type DepthRollModel = { id: string, 
/**
 * Mean estimated ground-plane roll (degrees) per true roll.
 */
roll: Array<number | null>, slope: number | null, };

export type DepthSceneSettings = { seed: number, pitch: number, roll: number, height: number, kind: RoadKind, 
/**
 * The object's face, metres ahead.
 */
distance: number, 
/**
 * The object's centre, metres right of the camera.
 */
lateral: number, 
/**
 * Size relative to the kind's typical size.
 */
scale: number, shadow: boolean, band: number, bandBrightness: number, hollow: boolean, grayscale: boolean, hue: number, };

export type DepthView = { image: Image, truth: Heatmap, 
/**
 * Fixed pose, then jittered.
 */
models: Array<DepthModelView>, 
/**
 * The true horizon row at the centre column and the object's box in the
 * image `[left, top, right, bottom]` (pixels; absent if behind the camera).
 */
horizon: number, objectBox: [number, number, number, number] | null, };

export type Dim = number | string;

export type Heatmap = { width: number, height: number, rgba: Uint8Array, lo: number, hi: number, map: ColorMap, };

export type Image = { width: number, height: number, rgba: Uint8Array, };

export type InputEntry = { name: string, shape: Array<number>, mean: Array<number>, std: Array<number>, 
/**
 * Absent means NCHW, so the shipped manifest need not say it.
 */
layout?: Layout, 
/**
 * Absent means RGB.
 */
order?: ChannelOrder, };

export type InspectRequest = { 
/**
 * The model: an upload's key `upload:<sha256>` or a manifest id.
 */
model: string, 
/**
 * The input size `[h, w]` the layers' shapes are given at; the file's when absent.
 */
size?: [number, number], };

export type InspectResult = { inspection: Inspection, 
/**
 * Where the description form starts (and what `shiftlab audit` uses without a sidecar).
 */
description: ModelEntry, };

export type Inspection = { irVersion: number, opsets: Array<Opset>, producerName: string, producerVersion: string, metadata: Array<MetadataProp>, 
/**
 * The graph's real inputs: initializers that old exporters list as inputs are left out.
 */
inputs: Array<TensorInfo>, outputs: Array<TensorInfo>, 
/**
 * The image input's layout, when the first input is 4-D.
 */
layout: Layout | null, channels: number | null, 
/**
 * The batch axis: a symbol (any batch) or a number the file is fixed to.
 */
batch: Dim | null, 
/**
 * The input size `[h, w]` the file fixes, if it does.
 */
inputSize: [number, number] | null, 
/**
 * The size `[h, w]` the node shapes are given at: the one asked for, else the file's.
 */
size: [number, number] | null, nodes: Array<NodeInfo>, 
/**
 * Why tract cannot run the model; empty when it can.
 */
problems: Array<string>, 
/**
 * What the user should know or decide (a size to choose, a fixed batch, …).
 */
notes: Array<string>, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

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
 * Model ids (the page sends A and B); without `images`, each needs a held-out set.
 */
models: Array<string>, count: number, 
/**
 * Asset keys of the images to average over instead of the held-out sets.
 */
images?: Array<string>, 
/**
 * Display names of the probes to measure (every probe when absent).
 */
layers?: Array<string>, };

export type LayersResult = { models: Array<LayersModel>, 
/**
 * The largest distance of any grid of any model: the maps' common scale
 * (at least 1e-6).
 */
hi: number, };

export type Layout = "nchw" | "nhwc";

export type MetadataProp = { key: string, value: string, };

export type ModelEntry = { 
/**
 * The manifest id; for a user's model, its asset key `upload:<sha256>`.
 */
id: string, 
/**
 * Relative to `models/`; for a user's model, its asset key.
 */
file: string, sha256: string, family: string, variant: string, task: string, inputs: Array<InputEntry>, output: OutputEntry, labels: Array<string>, probes: Array<Probe>, golden: string, metrics: { [key in string]: JsonValue }, eval: JsonValue, };

export type NodeInfo = { 
/**
 * The name a probe names it by (its first output's when the node has none).
 */
name: string, op: string, 
/**
 * Its first output's shape for one item at the inspection's size, when tract infers it.
 */
shape: Array<number> | null, 
/**
 * For a 4-D (NCHW) output: input height ÷ feature height, rounded.
 */
stride: number | null, };

export type NodeTime = { node: string, op: string, ms: number, };

export type Opset = { 
/**
 * Empty for the default domain (`ai.onnx`).
 */
domain: string, version: number, };

export type OutputEntry = { name: string, shape: Array<number>, kind: string, };

export type Padding = "Valid" | "Same" | "Full";

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

export type PositionHandConvolution = { outputs: [PositionHandGrid, PositionHandGrid], 
/**
 * The output of the background without any object.
 */
blank: PositionHandGrid, 
/**
 * `max − min` of `blank`: 0 when a uniform input gives a uniform output,
 * i.e. the convolution itself marks no position; zero padding of a
 * non-black background makes the border stand out.
 */
blankRange: number, };

export type PositionHandGrid = { side: number, values: Array<number>, zeros: number, 
/**
 * Viridis from 0 to 1 (inputs) or to the test's `hi` (outputs).
 */
heatmap: Heatmap, };

export type PositionHandKernel = "box" | "tent";

export type PositionHandRequest = { 
/**
 * Side of the square input grid.
 */
n: number, 
/**
 * Side of the square object.
 */
object: number, 
/**
 * Top-left corners `[x, y]` of the object in the two inputs.
 */
at: [[number, number], [number, number]], kernel: PositionHandKernel, 
/**
 * Value of every pixel outside the object (the object is 1).
 */
background: number, };

export type PositionHandTest = { inputs: [PositionHandGrid, PositionHandGrid], n: number, 
/**
 * No padding: an `(n − 2) × (n − 2)` output.
 */
valid: PositionHandConvolution, 
/**
 * Zero padding 1: an `n × n` output.
 */
zeroPadded: PositionHandConvolution, 
/**
 * Top of the outputs' shared colour scale: the largest output value, at least 1.
 */
hi: number, };

export type PositionMap = "H" | "V" | "G" | "HS" | "VS";

export type PositionReadout = { 
/**
 * Side of the target and predicted maps.
 */
side: number, 
/**
 * The target over [0, 1].
 */
targetMap: Heatmap, 
/**
 * Mean SPC and MAE over every held-out crop.
 */
spc: number, mae: number, 
/**
 * The first held-out crop, as the encoder saw it, and its predicted map.
 */
exampleInput: Image, example: PositionScored, black: PositionScored, white: PositionScored, noise: PositionScored, 
/**
 * `[c, h, w]` of each layer before resizing.
 */
featureShapes: Array<Array<number>>, trainRows: number, };

export type PositionReadoutRequest = { 
/**
 * Manifest ids of the encoders, read out in turn.
 */
models: Array<string>, 
/**
 * Asset keys of the photos the readout is fitted on, and tested on.
 */
trainImages: Array<string>, testImages: Array<string>, 
/**
 * Display names of probes every encoder has (or `INPUT`), read out together:
 * resized to the grid and concatenated.
 */
layers: Array<string>, 
/**
 * The maps read out, fitted together on features computed once: the result
 * holds, per encoder, one readout per map in this order.
 */
targets: Array<PositionMap>, grid: number, kernel: number, lambda: number, trainCrops: number, testCrops: number, seed: number, };

export type PositionReadoutResult = { encoders: Array<PositionReadout>, };

export type PositionRequest = { "job": "hand" } & PositionHandRequest | { "job": "readout" } & PositionReadoutRequest;

export type PositionScored = { 
/**
 * The predicted map over [0, 1].
 */
heatmap: Heatmap, spc: number, mae: number, };

export type Probe = { node: string, name: string, stride: number, };

export type RoadKind = "car" | "van" | "truck" | "pedestrian";

export type Setting = { name: string, 
/**
 * What the control is called on the page.
 */
label: string, 
/**
 * Appended to the explanation when a link's value is rejected.
 */
note?: string, } & ({ "type": "int", min: number, max: number, default: number, } | { "type": "float", min: number, max: number, default: number, step: number, } | { "type": "enum", choices: Array<Choice>, default: string, } | { "type": "model", task: string, default: string, } | { "type": "dynamic", default: string | null, });

export type ShiftMode = "circular" | "black" | "crop" | "embed";

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
meanPredictedDistancePx: number, within4pxPercent: number, 
/**
 * What a perfect tracker of this one's response stride would score on the
 * bin's offsets (see [`quantisation_error`]): the floor of `mean_error_px`.
 */
floorPx: number, };

export type SiameseErrorMap = { offsets: Array<number>, trackers: Array<SiameseMapTracker>, };

export type SiameseMapTracker = { id: string, 
/**
 * Mean peak error at each offset, rows (dy) top to bottom, `offsets` along each.
 */
errors: Array<number>, 
/**
 * The errors coloured, every tracker of the request on one magma scale from 0.
 */
map: Heatmap, };

export type SiameseRequest = { "job": "view", seed: number, image: string | null, dx: number, dy: number, 
/**
 * Which of [`TRACKERS`] to run, in this order; [`DEFAULT_PAIR`] if absent
 * (requests from before the lab offered more than two).
 */
trackers: Array<string>, } | { "job": "sweep", image: string | null, seed: number, scenes: number, step: number, maxDistance: number, trackers: Array<string>, } | { "job": "errorMap", image: string | null, seed: number, scenes: number, step: number, trackers: Array<string>, };

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
 * In the request's order.
 */
trackers: Array<SiameseResponse>, };

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

export type SweepMetricsRequest = { model: string, vary?: SweepVary, image?: string, images?: Array<string>, count?: number, mode: ShiftMode, 
/**
 * Consistency shifts are uniform in ±range.
 */
range: number, pairs: number, seed: number, 
/**
 * Diagonal steps of P(top-1 change) and MAC (shift metrics).
 */
steps: number, 
/**
 * The scales of the scale metrics: `scaleSteps` even steps from min to max.
 */
scaleMin?: number, scaleMax?: number, scaleSteps?: number, };

export type SweepRequest = { "job": "sweep" } & SweepCurveRequest | { "job": "step" } & Comparison | { "job": "metrics" } & SweepMetricsRequest;

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

export type SweepVary = "shift" | "scale";

export type TensorInfo = { name: string, 
/**
 * The element type's ONNX name (`FLOAT`, `INT64`, …).
 */
elemType: string, 
/**
 * `None` when the file records no shape.
 */
dims: Array<Dim> | null, 
/**
 * For an output: the node that computes it.
 */
node: string | null, };

export type TrackerPeak = { row: number, col: number, dx: number, dy: number, value: number, };

