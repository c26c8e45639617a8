// The CoordConv lab in a real browser: the default (quadrant) demonstration renders with the
// coordinate channels and both error maps, its numbers equal `shiftlab experiment coordconv`,
// the arrow keys, a click and the split control change the view and the link, and the link
// restores the view.
import { assert, assertEqual, canvasHasContent, dataValue, nativeExperiment } from './harness.mjs';

const KINDS = ['plain', 'coordconv'];

const native = (options) => nativeExperiment('coordconv', options);

// tract's kernels differ between wasm and native in the last bits of a float.
function assertClose(actual, expected, what, tolerance = 1e-3) {
  assert(Math.abs(actual - expected) <= tolerance, `${what}: page ${actual}, native ${expected}`);
}

async function shown(page) {
  const out = {};
  for (const kind of KINDS) {
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
// The requests are the very JSON the page sends (its view and, once per split, its error map).
function compareWithNative(page, split, x, y, errorMap) {
  const expected = native({ job: 'view', split, x, y });
  const map = errorMap ? native({ job: 'errorMap', split }) : null;
  for (const [k, kind] of KINDS.entries()) {
    const n = expected.models[k];
    assertEqual(n.id, `coord-${kind}-${split}`, `model ${k}`);
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
      for (const kind of KINDS) {
        assert(await canvasHasContent(page, `${kind}-canvas`), `${kind} canvas is blank`);
        assert(await canvasHasContent(page, `${kind}-error-map`), `${kind} error map is blank`);
      }
      for (const channel of ['i', 'j', 'r']) assert(await canvasHasContent(page, `channel-${channel}`), `channel ${channel} is blank`);
      assertEqual(await dataValue(page, 'truth'), '44.5,44.5', 'true centre of the default square');
      const expected = compareWithNative(await shown(page), 'quadrant', 40, 40, true);
      assertEqual(expected.centre[0], 44.5, 'native true centre');
      const verdict = await page.getByTestId('verdict').textContent();
      assert(verdict.includes('plain conv') && verdict.includes('CoordConv'), `verdict: ${verdict}`);
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
      compareWithNative(before, 'quadrant', 6, 16, false);

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
      compareWithNative(await shown(page), 'uniform', 3, 5, false);
    },
  },
];
