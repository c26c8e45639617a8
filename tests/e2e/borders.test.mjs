// The borders lab in a real browser: the coverage maps and (once the border models ship) the
// Red-Green accuracies render and equal `shiftlab experiment borders`, a control changes the
// view and the link, and the link restores it.
import { readFileSync } from 'node:fs';
import { assert, assertEqual, assertSameResult, nativeExperiment, pageRequests } from './harness.mjs';

const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));
const MODELS = ['rg-vconv', 'rg-sconv-zero', 'rg-sconv-circular', 'rg-fconv'];
const SHIPPED = MODELS.every((id) => MANIFEST.models.some((m) => m.id === id));
if (!SHIPPED) throw new Error(`the border models ${MODELS.join(', ')} must be in models/manifest.json`);

const native = (options) => nativeExperiment('borders', options);

async function coverageShown(page, side) {
  const stats = page.getByTestId(`coverage-${side}-stats`);
  return { corner: Number(await stats.getAttribute('data-corner')), centre: Number(await stats.getAttribute('data-centre')) };
}

export const tests = [
  {
    name: 'the coverage maps render and equal the native numbers',
    async run(t) {
      const page = await t.open('#lab=borders&count=40');
      await t.waitReady(page);
      assertEqual(t.param(page, 'padA'), 'Valid', 'default A');
      assertEqual(t.param(page, 'padB'), 'Full', 'default B');
      const expected = native({
        job: 'coverage',
        maps: [
          { n: 16, k: 3, layers: 2, padding: 'Valid', boundary: 'zero' },
          { n: 16, k: 3, layers: 2, padding: 'Full', boundary: 'zero' },
        ],
      }).maps;
      for (const [i, side] of ['a', 'b'].entries()) {
        const shown = await coverageShown(page, side);
        assertEqual(shown.corner, expected[i].corner, `${side} corner`);
        assertEqual(shown.centre, expected[i].centre, `${side} centre`);
      }
      // Valid sees the corner once and the middle 81 times; full sees every pixel 81 times.
      assertEqual((await coverageShown(page, 'a')).corner, 1, 'valid corner');
      assertEqual((await coverageShown(page, 'b')).corner, 81, 'full corner');
      assertEqual(await page.getByTestId('examples-dissimilar').locator('canvas').count(), 8, 'dissimilar examples');
    },
  },
  {
    name: 'a control changes the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=borders&count=40');
      await t.waitReady(page);
      await page.getByLabel('Layers L').focus();
      await page.keyboard.press('ArrowRight');
      await t.waitReady(page);
      assertEqual(t.param(page, 'layers'), '3', 'layers in the hash');
      assertEqual((await coverageShown(page, 'b')).corner, 729, 'full corner after three layers');
      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('layers-value').textContent(), '3', 'layers restored');
      assertEqual((await coverageShown(copy, 'b')).corner, 729, 'full corner after reopening');
    },
  },
  {
    name: 'the Red-Green accuracies equal the native ones',
    async run(t) {
      const page = await t.open('#lab=borders&count=100&border=4&shift=2');
      await t.waitReady(page);
      const sets = [
        { split: 'similar', n: 100, seed: 2, border: 4, shift: 2 },
        { split: 'dissimilar', n: 100, seed: 2, border: 4, shift: 2 },
      ];
      const { models } = native({ job: 'accuracy', models: MODELS, sets, keep: 8 });
      const expected = Object.fromEntries(MODELS.map((id, i) => [id, models[i].accuracies]));
      for (const id of MODELS) {
        for (const [i, split] of ['similar', 'dissimilar'].entries()) {
          const shown = Number(await page.getByTestId(`acc-${id}-${split}`).getAttribute('data-value'));
          assert(Math.abs(shown - expected[id][i]) < 1e-3, `${id} ${split}: page ${shown}, native ${expected[id][i]}`);
        }
      }
      await page.screenshot({ path: t.artifact('borders.png'), fullPage: true });
    },
  },
  {
    name: 'a long job shows a labelled preview first, then the whole, both equal to the CLI',
    async run(t) {
      const page = await t.open('#lab=borders&count=300');
      // What the page shows at the moment the pill says "refining" (the first complete view),
      // recorded from before any script of the reloaded page runs.
      await page.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (document.querySelector('[data-testid=status]')?.getAttribute('data-state') !== 'refining') return;
          const cell = document.querySelector('[data-testid=acc-rg-sconv-zero-dissimilar]');
          globalThis.previewShown = { value: cell?.getAttribute('data-value'), note: document.querySelector('[data-testid=accuracy-job-status]')?.textContent };
          observer.disconnect();
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
      });
      await page.reload();
      await t.waitReady(page);
      const preview = await page.evaluate(() => globalThis.previewShown);
      assert(preview, 'the page never said "refining" before "ready"');
      assert(/refining: classifying, 300 images per set \(the view shows 100\)/.test(preview.note), `the preview is labelled: "${preview.note}"`);
      const accuracy = (await pageRequests(page, 'borders')).filter((e) => e.request.job === 'accuracy');
      assertEqual(accuracy.map((e) => e.request.sets[0].n).join(','), '100,300', 'the preview, then the whole');
      for (const { request, result } of accuracy) assertSameResult(result, native(request));
      const zero = MODELS.indexOf('rg-sconv-zero');
      assertEqual(Number(preview.value), accuracy[0].result.models[zero].accuracies[1], 'the preview shows the 100-image numbers');
      const final = Number(await page.getByTestId('acc-rg-sconv-zero-dissimilar').getAttribute('data-value'));
      assertEqual(final, accuracy[1].result.models[zero].accuracies[1], 'the whole replaces the preview');
      assert(!/preview/.test(await page.getByTestId('accuracy-job-status').textContent()), 'the finished view is not labelled a preview');
    },
  },
];
