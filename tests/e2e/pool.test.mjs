// The worker pool (www/worker-pool.js): a long job spread over the pool's workers gives exactly
// the numbers one worker gives, and cancelling it stops every worker's part.
import { readFileSync } from 'node:fs';
import { DIGIT_SAMPLES, PHOTOS } from '../../www/images.js';
import { assert, assertEqual } from './harness.mjs';

const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));

const METRICS = { job: 'metrics', model: 'digits-maxpool', count: 120, mode: 'crop', range: 4, pairs: 3, seed: 5, steps: 8 };
const LAYERS = { models: ['digits-maxpool', 'digits-bin5'], count: 12 };
const COORD_MAP = { job: 'errorMap', split: 'quadrant' };
const SIAMESE_MAP = { job: 'errorMap', seed: 0, scenes: 1, step: 8 };
const SIAMESE_SWEEP = { job: 'sweep', seed: 0, step: 8, maxDistance: 16, scenes: 2 };
const sets = ['similar', 'dissimilar'].map((split) => ({ split, n: 60, seed: 2, border: 0, shift: 0 }));
const BORDERS = { job: 'accuracy', models: ['rg-vconv', 'rg-sconv-zero'], sets, keep: 0 };
const POSITION = {
  job: 'readout',
  models: ['pad-zero', 'pad-none'],
  trainImages: PHOTOS.slice(0, 2).map((p) => p.key),
  testImages: PHOTOS.slice(7, 8).map((p) => p.key),
  layers: MANIFEST.models.find((m) => m.id === 'pad-zero').eval.position.layers,
  targets: ['H', 'V'],
  grid: 8,
  kernel: 3,
  lambda: 0.01,
  trainCrops: 3,
  testCrops: 2,
  seed: 3,
};
// Its sections (shift and scale metrics, layers, readout, border rows) go to the workers too.
const AUDIT = { model: 'digits-maxpool', images: DIGIT_SAMPLES.slice(0, 3).map((d) => d.key), mode: 'crop', range: 4, pairs: 2, seed: 1, crops: 2 };

export const tests = [
  {
    name: 'pooled long jobs equal one worker exactly',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      for (const [lab, request] of [
        ['sweep', METRICS],
        ['layers', LAYERS],
        ['coordconv', COORD_MAP],
        ['siamese', SIAMESE_MAP],
        ['siamese', SIAMESE_SWEEP],
        ['borders', BORDERS],
        ['position', POSITION],
        ['audit', AUDIT],
      ]) {
        const { pooled, single, workers, progress, spread } = await page.evaluate(
          async ([id, req]) => {
            const client = globalThis.shiftlabClient;
            const seen = [];
            const pooled = await client.run(id, req, { onProgress: (p) => seen.push(p.done) });
            const single = await client.interactive.run(id, req);
            const { total, poolable } = await client.pool[0].call('layout', { lab: id, request: req });
            const spread = poolable && total > 1;
            return { pooled: JSON.stringify(pooled), single: JSON.stringify(single), workers: client.pool.length, progress: seen, spread };
          },
          [lab, request],
        );
        assert(workers >= 1, `${lab}: the pool started (${workers} workers)`);
        if (workers > 1) assert(spread, `${lab}: the job was spread over the workers`);
        assertEqual(pooled, single, `${lab}: pooled result against one worker`);
        assert(progress.length > 0, `${lab}: the pooled job reported progress`);
      }
    },
  },
  {
    name: 'a cancelled pooled job rejects as cancelled and the pool keeps working',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      const outcome = await page.evaluate(async (req) => {
        const client = globalThis.shiftlabClient;
        const controller = new AbortController();
        const job = client.run('sweep', { ...req, count: 1000 }, { signal: controller.signal, onProgress: () => controller.abort() });
        let cancelled = false;
        try {
          await job;
        } catch (err) {
          cancelled = err.name === 'AbortError';
        }
        const after = await client.run('sweep', req, { onProgress: () => {} });
        return { cancelled, images: after.images };
      }, METRICS);
      assert(outcome.cancelled, 'the job was cancelled');
      assertEqual(outcome.images, METRICS.count, 'the next pooled job still runs');
    },
  },
];
