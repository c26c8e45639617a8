// Worker handlers of the position lab (lab 4):
//   positionReadout({ encoders: [{ model, opts }], train: [imageRef], test: [imageRef] })
//     fits the readout of each encoder in turn (progress and cancel between encoders) and
//     answers one result per encoder (see the core's positionReadout).
//   positionHandTest({ opts })  the seed article's hand test.
// model: { key, url, inputShapes, probes } (models.js modelRef); imageRef: { key, url }.

import { imageFor, modelFor } from './assets.js';

export const positionHandlers = {
  async positionReadout({ encoders, train, test }, job, core) {
    const [trainImages, testImages] = await Promise.all([
      Promise.all(train.map((ref) => imageFor(core, ref))),
      Promise.all(test.map((ref) => imageFor(core, ref))),
    ]);
    const results = [];
    for (const [i, { model, opts }] of encoders.entries()) {
      job.progress({ done: i, total: encoders.length });
      await job.checkpoint();
      results.push(core.positionReadout(await modelFor(core, model), trainImages, testImages, opts));
    }
    job.progress({ done: encoders.length, total: encoders.length });
    return results;
  },

  async positionHandTest({ opts }, job, core) {
    return core.positionHandTest(opts);
  },
};
