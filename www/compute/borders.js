// Worker handlers of the borders lab (lab 5):
//   bordersCoverage({ settings: [opts] })       coverage maps (see the core's bordersCoverage)
//   redGreenImages({ opts, start, count })      test images as the models see them
//   redGreenAccuracy({ models, sets, batchSize, keep })
//     every model on every test set, in batches with progress and cancel; answers per model
//     { accuracies: [percent per set], predictions: [Uint32Array of the first `keep` per set] }.
// models: [{ url }] (the ONNX file; loaded at the input size of each set's border);
// sets: the core's RedGreenOptions { split, n, seed, border, shift }.
import { modelFor } from './assets.js';

export const bordersHandlers = {
  async bordersCoverage({ settings }, job, core) {
    return settings.map((opts) => core.bordersCoverage(opts));
  },

  async redGreenImages({ opts, start, count }, job, core) {
    return core.redGreenImages(opts, start, count);
  },

  async redGreenAccuracy({ models, sets, batchSize = 250, keep = 0 }, job, core) {
    const total = models.length * sets.reduce((sum, set) => sum + set.n, 0);
    let done = 0;
    const results = [];
    for (const { url } of models) {
      const accuracies = [];
      const kept = [];
      for (const set of sets) {
        const side = core.redGreenInputSide(set.border);
        const model = await modelFor(core, { url, inputShapes: [[3, side, side]], probes: [] });
        const predictions = new Uint32Array(set.n);
        const labels = new Uint32Array(set.n);
        for (let start = 0; start < set.n; start += batchSize) {
          const count = Math.min(batchSize, set.n - start);
          const batch = core.redGreenBatch(model, set, start, count);
          predictions.set(batch.predictions, start);
          labels.set(batch.labels, start);
          done += count;
          job.progress({ done, total });
          await job.checkpoint();
        }
        accuracies.push(core.redGreenAccuracy(predictions, labels));
        kept.push(predictions.slice(0, keep));
      }
      results.push({ accuracies, predictions: kept });
    }
    return results;
  },
};
