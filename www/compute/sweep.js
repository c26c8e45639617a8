// Worker handlers of the sweep lab (lab 2) and the layer-by-layer lab (lab 3). The long jobs
// run in batches, report progress and stop at the next checkpoint when cancelled.
//   sweepRun({ model, image, opts, spec })          every input of a sweep through one model
//   shiftMetrics({ model, image | heldOut, opts })  consistency, P(top-1 change), MAC
//   layerwise({ model, heldOut, opts })             distance grids of every layer
// model: { key, url, inputShapes, probes } (models.js modelRef); image: { key, url } or
// { key, bytes }; heldOut: { url, imageShape, count } (raw u8 pixels, the first `count` images).

import { fileFor, imageFor, modelFor } from './assets.js';

// The first `count` images of a held-out set and the size of one.
async function heldOutPixels({ url, imageShape, count }) {
  const bytes = await fileFor(url);
  const size = imageShape.reduce((a, b) => a * b, 1);
  const available = Math.floor(bytes.length / size);
  if (count > available) throw new Error(`the held-out set has ${available} images, not ${count}`);
  return { bytes, size };
}

export const sweepHandlers = {
  async sweepRun({ model, image, opts, spec, batchSize = 16 }, job, core) {
    const [m, img] = await Promise.all([modelFor(core, model), imageFor(core, image)]);
    const transforms = core.sweepTransforms(spec);
    const rows = [];
    const previews = [];
    let classes = 0;
    for (let start = 0; start < transforms.length; start += batchSize) {
      const batch = core.sweepRun(m, img, opts, transforms.slice(start, start + batchSize));
      classes = batch.classes;
      rows.push(batch.probs);
      previews.push(...batch.previews);
      job.progress({ done: Math.min(start + batchSize, transforms.length), total: transforms.length });
      await job.checkpoint();
    }
    const probs = new Float32Array(transforms.length * classes);
    rows.reduce((at, row) => (probs.set(row, at), at + row.length), 0);
    const summary = core.sweepSummary(transforms, probs, classes, spec.direction);
    return { transforms, probs, classes, previews, summary };
  },

  async shiftMetrics({ model, image, heldOut, opts }, job, core) {
    const m = await modelFor(core, model);
    if (image) return core.finishShiftMetrics(core.shiftMetricSumsOfImage(m, await imageFor(core, image), opts));
    const { bytes, size } = await heldOutPixels(heldOut);
    const batch = core.metricBatch();
    let sums = null;
    for (let first = 0; first < heldOut.count; first += batch) {
      const last = Math.min(first + batch, heldOut.count);
      const part = core.shiftMetricSums(m, bytes.subarray(first * size, last * size), heldOut.imageShape, first, opts);
      sums = core.mergeShiftMetricSums(sums, part);
      job.progress({ done: last, total: heldOut.count });
      await job.checkpoint();
    }
    return core.finishShiftMetrics(sums);
  },

  async layerwise({ model, heldOut, opts }, job, core) {
    const m = await modelFor(core, model);
    const { bytes, size } = await heldOutPixels(heldOut);
    const batch = core.layerwiseBatch();
    let sums = null;
    for (let first = 0; first < heldOut.count; first += batch) {
      const last = Math.min(first + batch, heldOut.count);
      sums = core.mergeLayerwiseSums(sums, core.layerwiseSums(m, bytes.subarray(first * size, last * size), heldOut.imageShape, opts));
      job.progress({ done: last, total: heldOut.count });
      await job.checkpoint();
    }
    return core.finishLayerwise(sums, opts);
  },
};
