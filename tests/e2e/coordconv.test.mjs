// The CoordConv lab in a real browser: the default (Liu's pair, quadrant) demonstration renders
// with the coordinate channels and both error maps, its numbers equal `shiftlab experiment
// coordconv`, the arrow keys, a click and the split control change the view and the link, and the
// link restores the view; the matched pair shows the CLI's numbers too, and the paper's result
// beside the manifest's; an old link without a pair keeps Liu's pair.
import { readFileSync } from 'node:fs';
import { assert, assertEqual, canvasHasContent, dataValue, nativeExperiment } from './harness.mjs';

// The panels' test ids: the model without coordinate channels, then the one with them.
const SLOTS = ['plain', 'coords'];
const WITH_COORDS = { liu: 'coordconv', matched: 'plaincoords' };
const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));

const native = (options) => nativeExperiment('coordconv', options);

// tract's kernels differ between wasm and native in the last bits of a float.
function assertClose(actual, expected, what, tolerance = 1e-3) {
  assert(Math.abs(actual - expected) <= tolerance, `${what}: page ${actual}, native ${expected}`);
}

async function shown(page) {
  const out = {};
  for (const kind of SLOTS) {
    const [x, y] = (await dataValue(page, `${kind}-predicted`)).split(',').map(Number);
    out[kind] = {
      x,
      y,
      error: Number(await dataValue(page, `${kind}-error`)),
      testMean: Number(await dataValue(page, `${kind}-test-mean`)),
      within: Number(await dataValue(page, `${kind}-test-within1`)),
      quadrantMean: Number(await dataValue(page, `${kind}-quadrant-mean`)),
    };
  }
  return out;
}

// errorMap: also the summaries over the test positions (slower natively).
// The requests are the very JSON the page sends (its view and, once per pair and split, its error map).
function compareWithNative(page, pair, split, x, y, errorMap) {
  const expected = native({ job: 'view', pair, split, x, y });
  const map = errorMap ? native({ job: 'errorMap', pair, split }) : null;
  for (const [k, kind] of SLOTS.entries()) {
    const n = expected.models[k];
    assertEqual(n.id, `coord-${k === 0 ? 'plain' : WITH_COORDS[pair]}-${split}`, `model ${k}`);
    const p = page[kind];
    assertClose(p.x, n.prediction.x, `${kind} predicted x`);
    assertClose(p.y, n.prediction.y, `${kind} predicted y`);
    assertClose(p.error, n.prediction.error, `${kind} error`);
    if (!map) continue;
    const summary = map.models[k].summary;
    assertClose(p.testMean, summary.testMeanPx, `${kind} test mean error`);
    assertClose(p.within, summary.testWithin1pxPercent, `${kind} test within 1 px`, 0.2);
    assertClose(p.quadrantMean, summary.quadrantMeanPx, `${kind} quadrant mean error`);
  }
  return expected;
}

export const tests = [
  {
    name: 'the quadrant demonstration renders and equals the native numbers',
    async run(t) {
      const page = await t.open('#lab=coordconv');
      await t.waitReady(page);
      assertEqual(t.param(page, 'split'), 'quadrant', 'default split');
      assertEqual(t.param(page, 'pair'), 'liu', 'default pair');
      for (const kind of SLOTS) {
        assert(await canvasHasContent(page, `${kind}-canvas`), `${kind} canvas is blank`);
        assert(await canvasHasContent(page, `${kind}-error-map`), `${kind} error map is blank`);
      }
      for (const channel of ['i', 'j', 'r']) assert(await canvasHasContent(page, `channel-${channel}`), `channel ${channel} is blank`);
      assertEqual(await dataValue(page, 'truth'), '44.5,44.5', 'true centre of the default square');
      const expected = compareWithNative(await shown(page), 'liu', 'quadrant', 40, 40, true);
      assertEqual(expected.centre[0], 44.5, 'native true centre');
      const verdict = await page.getByTestId('verdict').textContent();
      assert(verdict.includes('the plain CNN') && verdict.includes('CoordConv regressor'), `verdict: ${verdict}`);
      // The quadrant's quote is Liu's regression result, not the uniform split's classification 86%.
      const paper = await page.getByTestId('paper').textContent();
      assert(paper.includes('Supervised Coordinate Regression') && !paper.includes('86%'), `quadrant quote: ${paper}`);
      await page.screenshot({ path: t.artifact('coordconv.png'), fullPage: true });
    },
  },
  {
    name: 'arrow keys and a click change the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=coordconv&split=quadrant&x=40&y=40');
      await t.waitReady(page);
      await page.keyboard.press('ArrowLeft');
      assertEqual(t.param(page, 'x'), '39', 'x after ArrowLeft');
      // A click centres the square on the clicked canvas pixel: pixel (10, 20) → top-left (6, 16).
      const canvas = page.getByTestId('plain-canvas');
      const box = await canvas.boundingBox();
      await canvas.click({ position: { x: (10.5 / 64) * box.width, y: (20.5 / 64) * box.height } });
      assertEqual(t.param(page, 'x'), '6', 'x after the click');
      assertEqual(t.param(page, 'y'), '16', 'y after the click');
      await t.waitReady(page);
      assertEqual(await dataValue(page, 'truth'), '10.5,20.5', 'true centre after the click');
      const before = await shown(page);
      compareWithNative(before, 'liu', 'quadrant', 6, 16, false);

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('x-value').textContent(), '6', 'x restored');
      const after = await shown(copy);
      assertEqual(JSON.stringify(after), JSON.stringify(before), 'numbers after reopening the link');
    },
  },
  {
    name: 'the split control changes the models and the link',
    async run(t) {
      const page = await t.open('#lab=coordconv&split=quadrant&x=3&y=5');
      await page.getByTestId('split-control').getByText('Uniform').click();
      assertEqual(t.param(page, 'split'), 'uniform', 'split after the click');
      await t.waitReady(page);
      const heading = await page.getByTestId('plain').locator('h3').textContent();
      assert(heading.includes('coord-plain-uniform'), `plain panel heading: ${heading}`);
      compareWithNative(await shown(page), 'liu', 'uniform', 3, 5, false);
      const paper = await page.getByTestId('paper').textContent();
      assert(paper.includes('Supervised Coordinate Classification') && paper.includes('86%'), `uniform quote: ${paper}`);
    },
  },
  {
    name: 'the matched pair equals the native numbers and is described with the manifest’s',
    async run(t) {
      const page = await t.open('#lab=coordconv&pair=liu&split=quadrant&x=40&y=40');
      // The pair's labels are too long for a row of buttons: a drop-down.
      await page.getByTestId('pair-select').selectOption('matched');
      assertEqual(t.param(page, 'pair'), 'matched', 'pair after the choice');
      await t.waitReady(page);
      const heading = await page.getByTestId('coords').locator('h3').textContent();
      assert(heading.includes('coord-plaincoords-quadrant'), `second panel heading: ${heading}`);
      compareWithNative(await shown(page), 'matched', 'quadrant', 40, 40, true);
      // The account of the pair quotes the manifest's held-out errors of all three models.
      const ours = await page.getByTestId('ours').textContent();
      for (const id of ['coord-plain-quadrant', 'coord-plaincoords-quadrant', 'coord-coordconv-quadrant']) {
        const m = MANIFEST.models.find((e) => e.id === id);
        assert(ours.includes(m.metrics.test_mean_error_px.toFixed(2)), `${id}'s ${m.metrics.test_mean_error_px} px in: ${ours}`);
      }
      await page.screenshot({ path: t.artifact('coordconv-matched.png'), fullPage: true });
    },
  },
  {
    name: 'an old link without a pair shows Liu’s pair; an unknown pair falls back with a notice',
    async run(t) {
      const old = await t.open('#lab=coordconv&split=uniform&x=3&y=5');
      await t.waitReady(old);
      assertEqual(t.param(old, 'pair'), 'liu', 'pair of an old link');
      compareWithNative(await shown(old), 'liu', 'uniform', 3, 5, false);
      const bad = await t.open('#lab=coordconv&pair=both&split=quadrant&x=3&y=5');
      await t.waitReady(bad);
      assertEqual(t.param(bad, 'pair'), 'liu', 'pair after an unknown value');
      const notice = (await bad.getByTestId('notice').allTextContents()).join(' ');
      assert(notice.includes('pair=both'), `the fallback should be explained: ${notice}`);
    },
  },
];
