// The layer-by-layer lab in a real browser: the grids render for both models, the numbers equal
// `shiftlab experiment layers`, a control changes the view and the link, the link restores
// it, and a long run can be cancelled without breaking the page.
import { assert, assertEqual, nativeExperiment } from './harness.mjs';

// One model's result of `shiftlab experiment layers` (the request the page sends names both).
const native = ({ models, count }, k) => nativeExperiment('layers', { models, count }).models[k];

async function means(page, side, names) {
  const values = [];
  for (const name of names) values.push(Number(await page.getByTestId(`mean-${side}-${name}`).getAttribute('data-value')));
  return values;
}

export const tests = [
  {
    name: 'the grids render and the means equal the native ones',
    async run(t) {
      const page = await t.open('#lab=layers&count=4');
      await t.waitReady(page);
      assertEqual(t.param(page, 'lab'), 'layers', 'lab in the hash');
      const models = [t.param(page, 'modelA'), t.param(page, 'modelB')];
      for (const [k, side] of ['A', 'B'].entries()) {
        const expected = native({ models, count: 4 }, k);
        const names = expected.layers.map((l) => l.name);
        for (const name of names) assertEqual(await page.getByTestId(`grid-${side}-${name}`).count(), 1, `grid of ${side} ${name}`);
        const shown = await means(page, side, names);
        expected.layers.forEach((l, i) => assert(Math.abs(shown[i] - l.mean) < 1e-4, `${side} ${l.name}: page ${shown[i]}, native ${l.mean}`));
      }
      assert((await page.getByTestId('layers-plot').locator('canvas').count()) >= 1, 'the means plot has a canvas');
      await page.screenshot({ path: t.artifact('layers.png'), fullPage: true });
    },
  },
  {
    name: 'a control changes the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=layers&count=3');
      await t.waitReady(page);
      const slider = page.locator('.control-range input').first();
      await slider.focus();
      await page.keyboard.press('ArrowLeft');
      await t.waitReady(page);
      assertEqual(t.param(page, 'count'), '2', 'count in the hash');
      assert((await page.getByTestId('layers-job-status').textContent()).includes('2 digits'), 'the view was recomputed for 2 digits');
      const before = await page.getByTestId('mean-A-pool1').getAttribute('data-value');
      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('count-value').textContent(), '2', 'count restored');
      assertEqual(await copy.getByTestId('mean-A-pool1').getAttribute('data-value'), before, 'pool1 mean after reopening');
    },
  },
  {
    name: 'a long run can be cancelled and the page stays usable',
    async run(t) {
      const page = await t.open('#lab=layers&count=256');
      await page.getByTestId('layers-job-status').filter({ hasText: 'digits measured' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('layers-job-cancel').click();
      await page.getByTestId('layers-job-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
      await t.waitReady(page);
      const slider = page.locator('.control-range input').first();
      await slider.fill('2');
      await t.waitReady(page);
      assertEqual(t.param(page, 'count'), '2', 'count after the cancel');
      assert((await page.getByTestId('layers-job-status').textContent()).includes('done'), 'a new run finishes');
    },
  },
];
