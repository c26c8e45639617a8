// The shift lab in a real browser: the default demonstration renders, the arrow keys shift the
// image and the link, the link restores the view, bad links and bad files are explained.
import { assert, assertClose, assertEqual, canvasHasContent, nativeExperiment } from './harness.mjs';

// What a panel shows: its top-1 class and exact probability.
async function top1(page, side) {
  return {
    label: await page.getByTestId(`${side}-bars-top1-label`).textContent(),
    prob: await page.getByTestId(`${side}-bars-top1-prob`).getAttribute('data-value'),
  };
}

// Whether a canvas has been drawn with something other than one flat colour.
async function expectDefaultDemonstration(t, page) {
  await t.waitReady(page);
  for (const side of ['original', 'shifted']) {
    assertEqual(await page.getByTestId(`${side}-bars`).locator('li').count(), 5, `${side} top-5 rows`);
    assert(await canvasHasContent(page, `${side}-input`), `the ${side} input canvas is blank`);
    const tiles = await page.getByTestId(`${side}-features`).locator('canvas').count();
    assert(tiles >= 1 && tiles <= 16, `${side} feature tiles: ${tiles}`);
  }
  assert((await page.getByTestId('difference').locator('canvas').count()) >= 1, 'no difference tiles');
  const meanAbs = await page.getByTestId('mean-abs').textContent();
  assert(Number.isFinite(Number(meanAbs)), `mean |difference| is not a number: ${meanAbs}`);
}

// Opens the shift lab at `settings` and checks that its top-1 classes and probabilities, mean
// |difference| and cosine distance equal the CLI's for the very JSON the page sends its worker.
async function openAndCompare(t, settings) {
  const page = await t.open(`#lab=shift&${new URLSearchParams(Object.entries(settings).map(([k, v]) => [k, String(v)]))}`);
  await t.waitReady(page);
  assertEqual(await page.getByTestId('notice').count(), 0, 'notices for a valid link');
  const manifest = JSON.parse(await (await page.request.get(`${t.baseUrl}/models/manifest.json`)).text());
  const model = manifest.models.find((m) => m.id === settings.model);
  const expected = nativeExperiment('shift', { ...settings, image: `models/samples/${settings.image}.png` });
  for (const side of ['original', 'shifted']) {
    const shown = await top1(page, side);
    assertEqual(shown.label, model.labels[expected[side].top1], `${side} top-1 class`);
    assertClose(Number(shown.prob), expected[side].probs[expected[side].top1], 1e-5, `${side} top-1 probability`);
  }
  const shownValue = async (testid) => Number(await page.getByTestId(testid).getAttribute('data-value'));
  assertClose(await shownValue('mean-abs'), expected.meanAbs, 1e-4 * Math.max(1, expected.meanAbs), 'mean |difference|');
  assertClose(await shownValue('cosine-distance'), expected.cosineDistance, 1e-4, 'cosine distance');
  return { page, expected };
}

export const tests = [
  {
    name: 'the default demonstration renders',
    async run(t) {
      const page = await t.open('#lab=shift');
      await expectDefaultDemonstration(t, page);
      assertEqual(t.param(page, 'lab'), 'shift', 'lab in the hash');
      assertEqual(t.param(page, 'model'), 'digits-maxpool', 'model in the hash');
      assertEqual(t.param(page, 'image'), 'digit-3', 'image in the hash');
      assertEqual(await page.getByTestId('dx-value').textContent(), '0', 'dx shown');
      // Unshifted, both sides see the same input, so they must agree exactly.
      const [o, s] = [await top1(page, 'original'), await top1(page, 'shifted')];
      assertEqual(s.prob, o.prob, 'top-1 of the unshifted copy');
      assertEqual(await page.getByTestId('notice').count(), 0, 'notices on a clean start');
      // Copy link either copies or, without clipboard access, shows the link to copy by hand.
      await page.getByTestId('copy-link').click();
      const notice = await page.getByTestId('notice').first().textContent({ timeout: 5_000 });
      assert(/link/i.test(notice), `Copy link should confirm: ${notice}`);
    },
  },
  {
    name: 'ArrowRight shifts the image and the link, which restores the view',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      await page.keyboard.press('ArrowRight');
      assertEqual(await page.getByTestId('dx-value').textContent(), '1', 'dx shown after ArrowRight');
      assertEqual(t.param(page, 'dx'), '1', 'dx in the hash after ArrowRight');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assertEqual(t.param(page, 'dy'), '2', 'dy in the hash after two ArrowDown');
      await t.waitReady(page);
      const before = { original: await top1(page, 'original'), shifted: await top1(page, 'shifted') };

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('dx-value').textContent(), '1', 'dx restored from the link');
      assertEqual(await copy.getByTestId('dy-value').textContent(), '2', 'dy restored from the link');
      for (const side of ['original', 'shifted']) {
        const after = await top1(copy, side);
        assertEqual(after.label, before[side].label, `${side} top-1 label after reopening the link`);
        assertEqual(after.prob, before[side].prob, `${side} top-1 probability after reopening the link`);
      }
      await copy.screenshot({ path: t.artifact('shift.png'), fullPage: true });
    },
  },
  {
    name: 'the numbers shown equal the native core’s for the same settings',
    async run(t) {
      await openAndCompare(t, { model: 'digits-maxpool', image: 'digit-7', mode: 'circular', dx: 3, dy: -2, layer: 'pool2' });
    },
  },
  {
    name: 'Shrink into black at the frame’s edge: the page equals the CLI and shows the whole image moved',
    async run(t) {
      const { page, expected } = await openAndCompare(t, { model: 'digits-bin5', image: 'digit-3', mode: 'embed', dx: 8, dy: -8, layer: 'pool1' });
      // Nothing is cut: the shifted input holds as much ink as the unshifted one.
      const ink = (img) => img.rgba.reduce((sum, v, i) => (i % 4 === 0 ? sum + v : sum), 0);
      assertEqual(ink(expected.shifted.preview), ink(expected.original.preview), 'ink of the shifted input');
      // The model's input is these 8-bit pixels ÷ 255, so equal pixels mean the wasm shrink
      // (Triangle resample) gave the network bit for bit the native input.
      for (const side of ['original', 'shifted']) {
        const drawn = await page.getByTestId(`${side}-input`).evaluate((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data));
        assertEqual(drawn.join(','), expected[side].preview.rgba.join(','), `${side} input, pixel for pixel`);
      }
      const selected = await page.getByTestId('mode-note').locator('li[data-mode=embed]').evaluate((el) => getComputedStyle(el).fontWeight);
      assertEqual(selected, '600', 'the explanation of the chosen mode is marked');
      await page.screenshot({ path: t.artifact('shift-embed.png'), fullPage: true });
    },
  },
  {
    name: 'holding an arrow key coalesces the requests and ends on the last shift',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowLeft', { delay: 0 });
      assertEqual(await page.getByTestId('dx-value').textContent(), '-8', 'dx stops at the range end');
      await t.waitReady(page);
      const heading = await page.getByTestId('shifted').locator('h3').textContent();
      assert(heading.includes('(-8, 0)'), `the shifted panel should show the last shift: ${heading}`);
    },
  },
  {
    name: 'a malformed link falls back to defaults with a notice',
    async run(t) {
      const page = await t.open('#lab=shift&dx=banana&model=nope');
      await t.waitReady(page);
      const notice = (await page.getByTestId('notice').allTextContents()).join(' ');
      assert(notice.includes('dx=banana') && notice.includes('model=nope'), `the notice should name what was ignored: ${notice}`);
      assertEqual(await page.getByTestId('dx-value').textContent(), '0', 'dx after fallback');
      assertEqual(await page.getByTestId('model-select').inputValue(), 'digits-maxpool', 'model after fallback');
      assertEqual(t.param(page, 'dx'), '0', 'the hash is rewritten with the default dx');
      await expectDefaultDemonstration(t, page);
    },
  },
  {
    name: 'uploading a file that is not an image shows an error and keeps the view',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      await page.getByTestId('upload-input').setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('these are notes, not pixels\n'),
      });
      const error = page.locator('[data-testid=notice][data-kind=error]');
      await error.waitFor({ timeout: 30_000 });
      const text = await error.textContent();
      assert(text.includes('notes.txt'), `the error should name the file: ${text}`);
      assertEqual(t.param(page, 'image'), 'digit-3', 'the image setting is unchanged');
      await page.keyboard.press('ArrowRight');
      await t.waitReady(page);
      assertEqual(await page.getByTestId('dx-value').textContent(), '1', 'the lab still works after the bad file');
    },
  },
  {
    name: 'the layout fits a phone screen',
    async run(t) {
      const page = await t.open('#lab=shift&dx=2&dy=-1', { viewport: { width: 390, height: 844 } });
      await t.waitReady(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
      await page.screenshot({ path: t.artifact('shift-phone.png'), fullPage: true });
    },
  },
  {
    name: 'a long worker job reports progress and stops when cancelled',
    async run(t) {
      const page = await t.open('#lab=shift');
      await t.waitReady(page);
      const outcome = await page.evaluate(async () => {
        const { WorkerClient } = await import('/www/worker-client.js');
        // A sweep over a 2-D grid of shifts: one step per batch of 16 of its 289 inputs.
        const request = (direction) => ({
          job: 'sweep', model: 'digits-maxpool', image: 'models/samples/digit-3.png', mode: 'black',
          direction, range: 8, scaleMin: 0.8, scaleMax: 1.2, scaleSteps: 21,
        });
        const client = new WorkerClient();
        const controller = new AbortController();
        const reports = [];
        let cancelled = null;
        try {
          await client.run('sweep', request('grid'), {
            signal: controller.signal,
            onProgress: (p) => {
              reports.push(p);
              controller.abort();
            },
          });
        } catch (err) {
          cancelled = err.name;
        }
        const done = [];
        const full = await client.run('sweep', request('horizontal'), { onProgress: (p) => done.push(p.done) });
        client.worker.terminate();
        return { reports, cancelled, done, inputs: full.transforms.length };
      });
      assertEqual(outcome.cancelled, 'AbortError', 'a cancelled job rejects with AbortError');
      assert(outcome.reports.length >= 1 && outcome.reports[0].total === 19, `progress: ${JSON.stringify(outcome.reports)}`);
      assertEqual(outcome.done.join(','), '1,2', 'progress of a full job, batch by batch');
      assertEqual(outcome.inputs, 17, 'the full job ran every input');
    },
  },
];
