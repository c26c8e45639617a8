// Worker handler of the speed benchmark (scripts/bench.mjs):
//   benchmark({ models, batch, repeats, seed })  every model on the core's seeded workload
//                                                (src/benchmark.rs): two untimed runs, then
//                                                `repeats` runs timed with performance.now();
//                                                progress and cancel per model; answers
//                                                [{ id, medianMs, checksum }]
// models: [{ id, ref: { key, url, inputShapes, probes: [] } }].
import { modelFor } from './assets.js';

export const benchmarkHandlers = {
  async benchmark({ models, batch, repeats, seed = 0 }, job, core) {
    const rows = [];
    for (const [i, { id, ref }] of models.entries()) {
      const model = await modelFor(core, ref);
      const work = new core.BenchWorkload(ref.inputShapes, batch, seed);
      try {
        const checksum = work.run(model);
        work.run(model);
        const times = [];
        for (let r = 0; r < repeats; r++) {
          const start = performance.now();
          work.run(model);
          times.push(performance.now() - start);
        }
        rows.push({ id, medianMs: core.benchMedian(new Float64Array(times)), checksum });
      } finally {
        work.free();
      }
      job.progress({ done: i + 1, total: models.length });
      await job.checkpoint();
    }
    return rows;
  },
};
