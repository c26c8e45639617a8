// The position lab in a real browser: the hand test and the readouts render, the numbers equal `shiftlab experiment position`, a control changes the view
// and the link, and the link restores it.
import { readFileSync } from 'node:fs';
import { assert, assertEqual, nativeExperiment } from './harness.mjs';

const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));
const ENCODERS = MANIFEST.models.filter((m) => m.family === 'padding').map((m) => m.id);
// The lab fits on these photos (www/labs/position.js: the first seven of PHOTOS, tested on the rest).
const TRAIN = ['chelsea', 'astronaut', 'camera', 'coffee', 'rocket', 'immunohistochemistry', 'china'];
const TEST = ['flower', 'hubble_deep_field', 'coins'];
const photo = (name) => `models/photos/${name}.png`;

const native = (options) => nativeExperiment('position', options);

async function handNumbers(page, kind) {
  const stats = page.getByTestId(`hand-${kind}-stats`);
  return { zeros: await stats.getAttribute('data-zeros'), blankRange: Number(await stats.getAttribute('data-blank-range')) };
}

const HAND = '#lab=position&crops=1&hn=7&hobj=3&hax=0&hay=0&hbx=2&hby=2&hkernel=box';

export const tests = [
  {
    name: 'the hand test renders and equals the native numbers',
    async run(t) {
      const page = await t.open(`${HAND}&hbg=0.5`);
      await t.waitReady(page);
      assertEqual(await page.getByTestId('hand-zeroPadded-0').locator('td').count(), 49, 'zero-padded output cells');
      assertEqual(await page.getByTestId('hand-valid-0').locator('td').count(), 25, 'valid output cells');
      const expected = native({ job: 'hand', n: 7, object: 3, at: [[0, 0], [2, 2]], kernel: 'box', background: 0.5 });
      for (const [kind, key] of [['valid', 'valid'], ['zeroPadded', 'zeroPadded']]) {
        const shown = await handNumbers(page, kind);
        const want = expected[key];
        assertEqual(shown.zeros, `${want.outputs[0].zeros},${want.outputs[1].zeros}`, `${kind} zeros`);
        assertEqual(shown.blankRange, want.blankRange, `${kind} background-only range`);
      }
      // Valid convolution of a uniform background is uniform; zero padding marks the border.
      assertEqual((await handNumbers(page, 'valid')).blankRange, 0, 'valid range');
      assert((await handNumbers(page, 'zeroPadded')).blankRange > 0, 'zero padding marks the border');
      const first = await page.getByTestId('hand-zeroPadded-0').locator('td').first().textContent();
      assertEqual(Number(first), expected.zeroPadded.outputs[0].values[0], 'top-left zero-padded value');
    },
  },
  {
    name: 'a control changes the view and the link, which restores it',
    async run(t) {
      const page = await t.open(HAND);
      await t.waitReady(page);
      assertEqual((await handNumbers(page, 'zeroPadded')).blankRange, 0, 'black background: no border mark');
      await page.getByLabel('Background').focus();
      await page.keyboard.press('ArrowRight');
      await t.waitReady(page);
      assertEqual(t.param(page, 'hbg'), '0.1', 'background in the hash');
      const changed = await handNumbers(page, 'zeroPadded');
      assert(changed.blankRange > 0, `a grey background shows the border: ${changed.blankRange}`);
      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assertEqual(await copy.getByTestId('hbg-value').textContent(), '0.1', 'background restored');
      assertEqual((await handNumbers(copy, 'zeroPadded')).blankRange, changed.blankRange, 'range after reopening');
    },
  },
  {
    name: 'the readouts equal the native ones',
    async run(t) {
      const page = await t.open('#lab=position&crops=2&grid=12&target=V');
      await t.waitReady(page);
      assert(ENCODERS.includes('pad-zero') && ENCODERS.includes('pad-none'), `the padding encoders are shipped: ${ENCODERS}`);
      const layer = t.param(page, 'layer');
      assert(layer.includes('+'), `the default is the paper's multi-level readout: ${layer}`);
      // The very request the page sends, written out here, through the CLI.
      const { encoders } = native({
        job: 'readout',
        models: ['pad-zero', 'pad-none'],
        trainImages: TRAIN.map(photo),
        testImages: TEST.map(photo),
        layers: layer.split('+'),
        targets: ['V'],
        grid: 12,
        kernel: Number(t.param(page, 'kernel')),
        lambda: 0.01,
        trainCrops: 2,
        testCrops: 4,
        seed: 7,
      });
      const expected = { 'pad-zero': encoders[0], 'pad-none': encoders[1] };
      for (const [side, id] of [['a', 'pad-zero'], ['b', 'pad-none']]) {
        for (const key of ['spc', 'mae']) {
          const shown = Number(await page.getByTestId(`${side}-${key}`).getAttribute('data-value'));
          assert(Math.abs(shown - expected[id][key]) < 1e-3, `${id} ${key}: page ${shown}, native ${expected[id][key]}`);
        }
        // On a flat input the predicted map is nearly flat, so its ranks (SPC) hang on rounding
        // differences between tract's wasm and native kernels; its MAE does not.
        const black = Number(await page.getByTestId(`${side}-black-spc`).getAttribute('data-mae'));
        assert(Math.abs(black - expected[id].black.mae) < 1e-3, `${id} black MAE: page ${black}, native ${expected[id].black.mae}`);
      }
      await page.screenshot({ path: t.artifact('position.png'), fullPage: true });
    },
  },
];
