// The sweep lab in a real browser: the default comparison renders (strip, plot, classes,
// metrics), a control changes the view and the link, the link restores it, the numbers equal
// `shiftlab experiment sweep` (its sweep and metrics jobs), and a long held-out run can be cancelled.
import { readFileSync } from 'node:fs';
import { assert, assertClose, assertEqual, nativeExperiment } from './harness.mjs';

const MANIFEST = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'));
const DIGITS = MANIFEST.models.filter((m) => m.family === 'digits');

async function valueOf(page, testid) {
  return Number(await page.getByTestId(testid).getAttribute('data-value'));
}

async function classRow(page, side) {
  return page.getByTestId(`classes-${side}`).locator('td').allTextContents();
}

export const tests = [
  {
    name: 'the seed table quotes every digits model’s mean ± std over seeds from the manifest',
    async run(t) {
      const page = await t.open('#lab=sweep');
      await t.waitReady(page);
      const pm = (m, key, digits) => `${m.metrics[`${key}_mean`].toFixed(digits)} ± ${m.metrics[`${key}_std`].toFixed(digits)}`;
      assert(DIGITS.length >= 5, 'four pooling variants and the one trained without shifts');
      for (const m of DIGITS) {
        const cells = await page.getByTestId('seed-table').locator(`tr[data-model="${m.id}"] td`).allTextContents();
        assert(m.metrics.seeds >= 3, `${m.id}: ${m.metrics.seeds} seeds`);
        assertEqual(cells[2], String(m.metrics.seeds), `${m.id}: seeds`);
        assertEqual(cells[3], pm(m, 'test_accuracy_percent', 2), `${m.id}: accuracy`);
        assertEqual(cells[4], pm(m, 'test_consistency_percent', 2), `${m.id}: consistency`);
        assertEqual(cells[5], pm(m, 'test_p_top1_change_diag_black', 4), `${m.id}: P(top-1 change)`);
        assertEqual(cells[6], pm(m, 'test_mac_diag_black', 4), `${m.id}: MAC`);
      }
      // Without shift augmentation the network is far less consistent, well beyond seed noise.
      const noaug = await page.getByTestId('seed-table').locator('tr[data-model="digits-maxpool-noaug"] td').last().textContent();
      assert(noaug.startsWith('−') && noaug.endsWith('beyond seed noise'), noaug);
    },
  },
  {
    name: 'the default comparison renders and matches the native sweep',
    async run(t) {
      const page = await t.open('#lab=sweep');
      await t.waitReady(page);
      assertEqual(t.param(page, 'lab'), 'sweep', 'lab in the hash');
      assertEqual(t.param(page, 'direction'), 'horizontal', 'direction in the hash');
      assertEqual(await page.getByTestId('strip').locator('canvas').count(), 17, 'strip of dx = −8 … 8');
      assert((await page.getByTestId('sweep-plot').locator('canvas').count()) >= 1, 'the plot has a canvas');
      const legend = await page.getByTestId('sweep-plot').locator('.u-legend').textContent();
      assert(legend.includes(t.param(page, 'modelA')), `the plot legend names model A: ${legend}`);
      assertEqual(await page.getByTestId('selected-A-features').locator('canvas').count(), 8, 'feature tiles of A');
      for (const side of ['A', 'B']) {
        const model = t.param(page, `model${side}`);
        const expected = nativeExperiment('sweep', { job: 'sweep', model, image: 'models/samples/digit-3.png', mode: 'black', direction: 'horizontal', range: 8 }).summary;
        const shown = await classRow(page, side);
        assertEqual(shown.join(','), expected.top1.join(','), `classes of ${side} along the sweep`);
        const differs = Number(await page.getByTestId('sweep-summary').getAttribute(`data-differs-${side.toLowerCase()}`));
        assertEqual(differs, expected.differsFromReference, `steps of ${side} predicting another class`);
        const metrics = nativeExperiment('sweep', { job: 'metrics', model, image: 'models/samples/digit-3.png', mode: 'black', range: 4, pairs: 100, seed: 0, steps: 8 });
        assertClose(await valueOf(page, `image-${side}-consistency`), metrics.consistency, 1e-6, `${side} consistency on this image`);
        assertClose(await valueOf(page, `image-${side}-pchange`), metrics.pTop1Change, 1e-6, `${side} P(top-1 change) on this image`);
        assertClose(await valueOf(page, `image-${side}-mac`), metrics.mac, 1e-4, `${side} MAC on this image`);
      }

      // On a phone, a 2-D sweep shows both probability maps and nothing sticks out.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => (location.hash = '#lab=sweep&direction=grid&range=2'));
      await page.getByTestId('grid-B').waitFor({ timeout: 30_000 });
      await t.waitReady(page);
      assertEqual(await page.getByTestId('grid-maps').locator('canvas.pixelated').count(), 2 + 2, 'two grid maps and their legends');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
    },
  },
  {
    name: 'a control changes the view and the link, which restores it',
    async run(t) {
      const page = await t.open('#lab=sweep&range=3');
      await t.waitReady(page);
      await page.getByTestId('direction-control').getByText('↘').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'direction'), 'diagonal', 'direction in the hash');
      assertEqual(t.param(page, 'pos'), '3', 'the selection moves to the unshifted input');
      const header = await page.getByTestId('class-table').locator('tr').first().textContent();
      assert(header.includes('(1, 1)') && header.includes('(-3, -3)'), `diagonal steps in the table: ${header}`);
      await page.getByTestId('strip').locator('canvas').nth(5).click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'pos'), '5', 'clicking a thumbnail selects its step');
      const cosine = await page.getByTestId('selected-B-cosine').getAttribute('data-value');
      const classes = await classRow(page, 'A');

      const copy = await t.open(page.url());
      await t.waitReady(copy);
      assert(await copy.getByTestId('direction-control').locator('input[value=diagonal]').isChecked(), 'diagonal restored');
      assertEqual((await classRow(copy, 'A')).join(','), classes.join(','), 'classes after reopening the link');
      assertEqual(await copy.getByTestId('selected-B-cosine').getAttribute('data-value'), cosine, 'the selected step after reopening');
      await copy.screenshot({ path: t.artifact('sweep.png'), fullPage: true });
    },
  },
  {
    name: 'held-out metrics equal the native ones, and a long run can be cancelled',
    async run(t) {
      const page = await t.open('#lab=sweep&count=6&pairs=2&seed=3&mode=crop');
      await t.waitReady(page);
      await page.getByTestId('heldout-run').click();
      await page.getByTestId('heldout-job-status').filter({ hasText: 'done' }).waitFor({ timeout: 60_000 });
      for (const side of ['A', 'B']) {
        const model = t.param(page, `model${side}`);
        const expected = nativeExperiment('sweep', { job: 'metrics', model, count: 6, mode: 'crop', range: 4, pairs: 2, seed: 3, steps: 8 });
        assertClose(await valueOf(page, `heldout-${side}-consistency`), expected.consistency, 1e-6, `${side} held-out consistency`);
        assertClose(await valueOf(page, `heldout-${side}-pchange`), expected.pTop1Change, 1e-6, `${side} held-out P(top-1 change)`);
        assertClose(await valueOf(page, `heldout-${side}-mac`), expected.mac, 1e-4, `${side} held-out MAC`);
      }

      // The same page, now over the whole set: cancelled after the first batch.
      const long = page;
      await long.evaluate(() => (location.hash = location.hash.replace('count=6', 'count=1000')));
      await long.getByTestId('count-value').filter({ hasText: '1000' }).waitFor();
      await t.waitReady(long);
      await long.getByTestId('heldout-run').click();
      await long.getByTestId('heldout-job-status').filter({ hasText: 'digits measured' }).waitFor({ timeout: 30_000 });
      await long.getByTestId('heldout-job-cancel').click();
      await long.getByTestId('heldout-job-status').filter({ hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
      assert(Number.isNaN(await valueOf(long, 'heldout-A-consistency')), 'no held-out numbers after a cancel');
      // The page still answers: another direction renders.
      await long.getByTestId('direction-control').getByText('Scale').click();
      await t.waitReady(long);
      assertEqual(await long.getByTestId('strip').locator('canvas').count(), 21, 'scale steps 0.8× … 1.2×');
    },
  },
  {
    name: 'Shrink into black (Azulay’s Black) sweeps and measures as the CLI does, beside Crop',
    async run(t) {
      const page = await t.open('#lab=sweep&mode=embed&direction=diagonal&range=8&pos=8');
      await t.waitReady(page);
      assertEqual(t.param(page, 'mode'), 'embed', 'mode in the hash');
      assertEqual(await page.getByTestId('notice').count(), 0, 'notices for a valid link');
      const image = 'models/samples/digit-3.png';
      for (const side of ['A', 'B']) {
        const model = t.param(page, `model${side}`);
        const expected = nativeExperiment('sweep', { job: 'sweep', model, image, mode: 'embed', direction: 'diagonal', range: 8 }).summary;
        assertEqual((await classRow(page, side)).join(','), expected.top1.join(','), `classes of ${side} along the embedded sweep`);
        const metrics = nativeExperiment('sweep', { job: 'metrics', model, image, mode: 'embed', range: 4, pairs: 100, seed: 0, steps: 8 });
        assertClose(await valueOf(page, `image-${side}-consistency`), metrics.consistency, 1e-6, `${side} consistency, embed`);
        assertClose(await valueOf(page, `image-${side}-pchange`), metrics.pTop1Change, 1e-6, `${side} P(top-1 change), embed`);
        assertClose(await valueOf(page, `image-${side}-mac`), metrics.mac, 1e-4, `${side} MAC, embed`);
        // Beside Azulay & Weiss's numbers: both of their protocols, measured on this image.
        for (const mode of ['crop', 'embed']) {
          const azulay = nativeExperiment('sweep', { job: 'metrics', model, image, mode, range: 0, pairs: 100, seed: 0, steps: 8 });
          assertClose(await valueOf(page, `azulay-${side}-${mode}-pchange`), azulay.pTop1Change, 1e-6, `${side} ${mode} P(top-1 change) beside the paper`);
          assertClose(await valueOf(page, `azulay-${side}-${mode}-mac`), azulay.mac, 1e-4, `${side} ${mode} MAC beside the paper`);
        }
      }
      const note = await page.getByTestId('mode-note').textContent();
      assert(note.includes('Shrink into black') && note.includes('nothing is cut'), `the modes are explained: ${note}`);
      await page.screenshot({ path: t.artifact('sweep-embed.png'), fullPage: true });

      // Past the 8 px frame the sweep is refused with the reason, not cut.
      await page.evaluate(() => (location.hash = location.hash.replace('range=8', 'range=10')));
      const error = page.locator('[data-testid=notice][data-kind=error]');
      await error.waitFor({ timeout: 30_000 });
      assert((await error.textContent()).includes('black frame'), `the error explains the frame: ${await error.textContent()}`);
    },
  },
  {
    name: 'a scale sweep measures its metrics over scales, as the CLI does',
    async run(t) {
      const page = await t.open('#lab=sweep&direction=scale&scaleMin=0.6&scaleMax=1.4');
      await t.waitReady(page);
      for (const side of ['A', 'B']) {
        const model = t.param(page, `model${side}`);
        const request = { job: 'metrics', model, image: 'models/samples/digit-3.png', mode: 'black', range: 4, pairs: 100, seed: 0, steps: 8, vary: 'scale', scaleMin: 0.6, scaleMax: 1.4, scaleSteps: 21 };
        const scale = nativeExperiment('sweep', request);
        const shift = nativeExperiment('sweep', { ...request, vary: 'shift' });
        assertClose(await valueOf(page, `image-${side}-consistency`), scale.consistency, 1e-6, `${side} consistency over scales`);
        assertClose(await valueOf(page, `image-${side}-mac`), scale.mac, 1e-4, `${side} MAC over scales`);
        assert(scale.mac !== shift.mac, `${side}: the scale metrics are not the shift metrics`);
      }
    },
  },
];
