// Worker handlers of the centre-bias lab (lab 7):
//   siameseView({ trackers, seed, picture, dx, dy })  the pair (template and search images) with
//                                             the target at (dx, dy), and every tracker's response
//                                             map, peak and peak error
//   siameseSweep({ trackers, opts, picture })  peak error against target distance: for each
//                                             distance of opts ({ seed, scenes, step, maxDistance })
//                                             every tracker on the same pairs, one distance per
//                                             batch, with progress and cancel; answers
//                                             { distances, results: [[bin per distance] per tracker] }
//   siameseErrorMap({ trackers, opts, picture })  mean peak error at every target offset of a
//                                             grid (opts: { seed, scenes, step }), a row per
//                                             batch, with progress and cancel; answers
//                                             { offsets, maps: [Float64Array rows × cols per tracker] }
// trackers: [{ model: { key, url, inputShapes, probes }, inputs }] with the manifest's input
// entries; picture: null for the generated scene of `seed` (or opts.seed), else an image ref
// { key, url | bytes } whose pairs are cut from that picture.
import { imageFor, modelFor } from './assets.js';

async function load(core, trackers, picture) {
  const models = await Promise.all(trackers.map((t) => modelFor(core, t.model)));
  return { models, image: picture ? await imageFor(core, picture) : null };
}

export const siameseHandlers = {
  async siameseView({ trackers, seed, picture, dx, dy }, job, core) {
    const { models, image } = await load(core, trackers, picture);
    const pair = core.siameseScene(seed, image, dx, dy);
    const responses = models.map((m, i) => core.siameseResponse(m, trackers[i].inputs, seed, image, dx, dy));
    return { ...pair, responses };
  },

  async siameseSweep({ trackers, opts, picture }, job, core) {
    const { models, image } = await load(core, trackers, picture);
    const distances = core.siameseSweepDistances(opts);
    const total = distances.length * models.length;
    const results = models.map(() => []);
    let done = 0;
    for (const distance of distances) {
      for (const [i, model] of models.entries()) {
        results[i].push(core.siameseSweepBin(model, trackers[i].inputs, opts, image, distance));
        job.progress({ done: ++done, total });
        await job.checkpoint();
      }
    }
    return { distances: Array.from(distances), results };
  },

  async siameseErrorMap({ trackers, opts, picture }, job, core) {
    const { models, image } = await load(core, trackers, picture);
    const offsets = Array.from(core.siameseMapOffsets(opts));
    const side = offsets.length;
    const maps = models.map(() => new Float64Array(side * side));
    const total = side * models.length;
    let done = 0;
    for (const [r, dy] of offsets.entries()) {
      for (const [i, model] of models.entries()) {
        maps[i].set(core.siameseMapRow(model, trackers[i].inputs, opts, image, dy), r * side);
        job.progress({ done: ++done, total });
        await job.checkpoint();
      }
    }
    return { offsets, maps };
  },
};
