// The speed benchmark's browser half runs and does the same work as the native half (equal
// output sums on the same seeded workload). Its times are measured by scripts/bench.sh, never
// asserted here.
import { browserBench, nativeBench } from '../../scripts/bench.mjs';
import { assert, assertEqual } from './harness.mjs';

export const tests = [
  {
    name: 'the benchmark workload runs in the worker and equals the native one',
    async run(t) {
      const page = await t.open('#lab=pooling');
      await t.waitReady(page);
      const opts = { batch: 2, repeats: 1, seed: 3, models: ['digits-bin5', 'siam-shifted'] };
      const native = nativeBench(opts);
      const browser = await browserBench(page, opts);
      assertEqual(browser.map((r) => r.id).join(','), native.map((r) => r.id).join(','), 'models benchmarked');
      for (const [k, b] of browser.entries()) {
        const n = native[k];
        assert(Number.isFinite(b.medianMs) && b.medianMs >= 0, `${b.id}: browser time ${b.medianMs}`);
        const diff = Math.abs(b.checksum - n.checksum) / Math.max(1, Math.abs(n.checksum));
        assert(diff < 1e-5, `${b.id}: output sums differ, browser ${b.checksum}, native ${n.checksum}`);
      }
    },
  },
];
