// Worker handlers of the CoordConv lab (lab 6):
//   coordView({ models, x, y })               the canvas with the square at top-left (x, y) and
//                                             every model's prediction { x, y, error } (pixels)
//   coordErrorMap({ models, split, batchSize }) every model at the split's test positions, in
//                                             batches with progress and cancel; answers
//                                             { places: [x0, y0, …], results: [{ errors, summary }]
//                                             per model } (errors in the order of places)
//   coordChannels({ size })                   the i, j, r channels, [3, size, size]
// models: [{ url, inputShapes, probes }] (loaded through the position lab's model cache).
import { modelFor } from './assets.js';

function prediction(flat, k = 0) {
  return { x: flat[3 * k], y: flat[3 * k + 1], error: flat[3 * k + 2] };
}

export const coordconvHandlers = {
  async coordView({ models, x, y }, job, core) {
    const loaded = await Promise.all(models.map((ref) => modelFor(core, ref)));
    const canvas = core.coordCanvas(x, y);
    const place = new Uint32Array([x, y]);
    return { ...canvas, predictions: loaded.map((m) => prediction(core.coordPredict(m, place))) };
  },

  async coordErrorMap({ models, split, batchSize = 98 }, job, core) {
    const loaded = await Promise.all(models.map((ref) => modelFor(core, ref)));
    const places = core.coordTestPositions(split);
    const n = places.length / 2;
    const total = loaded.length * n;
    const results = [];
    for (const [i, model] of loaded.entries()) {
      const errors = new Float32Array(n);
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        const flat = core.coordPredict(model, places.subarray(2 * start, 2 * (start + count)));
        for (let k = 0; k < count; k++) errors[start + k] = flat[3 * k + 2];
        job.progress({ done: i * n + start + count, total });
        await job.checkpoint();
      }
      results.push({ errors, summary: core.coordSummary(errors, split) });
    }
    return { places, results };
  },

  async coordChannels({ size }, job, core) {
    return core.coordChannels(size);
  },
};
