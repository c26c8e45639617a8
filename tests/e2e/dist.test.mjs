// The static site (scripts/dist.sh, which the test command runs first): served from a
// sub-path by the locked-down server, it opens and computes like the repository's page.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { assert, assertEqual } from './harness.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

export const tests = [
  {
    name: 'dist/ served under /shiftlab/ opens the home page and computes a lab',
    async run(t) {
      assert(existsSync(`${DIST}index.html`), 'dist/ is missing: run bash scripts/dist.sh (scripts/test.sh does)');
      const server = await startServer(0, '127.0.0.1', { root: DIST, base: '/shiftlab/' });
      try {
        const base = `http://127.0.0.1:${server.address().port}/shiftlab/`;
        const page = await t.open(base);
        await t.waitReady(page);
        assert((await page.getByTestId('gallery').locator('li').count()) >= 8, 'the gallery shows');
        await page.goto(`${base}#lab=shift&dx=2`);
        await t.waitReady(page);
        assertEqual(await page.getByTestId('dx-value').textContent(), '2', 'the shift lab computed from the sub-path');
        const outside = await page.request.get(`http://127.0.0.1:${server.address().port}/index.html`);
        assertEqual(outside.status(), 404, 'nothing is served outside the sub-path');
      } finally {
        server.close();
      }
    },
  },
];
