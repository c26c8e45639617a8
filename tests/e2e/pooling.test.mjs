// The pooling lab in a real browser: the seed's numbers appear exactly, editing the signal
// changes the outputs and the link, the link restores the view, the page's numbers equal the
// native core's, the 2-D aliasing grid is drawn and the exports exist.
import { fileURLToPath } from 'node:url';
import { assert, assertEqual, canvasHasContent, nativeExperiment } from './harness.mjs';

// The request the page sends for the 1-D view, through `shiftlab experiment pooling`.
const native = ({ signal, boundary }) => nativeExperiment('pooling', { job: 'signal', signal, boundary });

// As the page prints numbers (www/labs/pooling.js).
const formatValue = (v) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3))));
const formatList = (values) => `[${values.map(formatValue).join(',')}]`;

async function text(page, testid) {
  return (await page.getByTestId(testid).textContent()).trim();
}

async function open(t, hash = '#lab=pooling') {
  const page = await t.open(hash);
  await t.waitReady(page);
  return page;
}

// Whether a canvas holds more than one colour.
// Everything the page shows for the operators, read from the summary table and side A.
async function shownNumbers(page) {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid=summary] tbody tr')];
    const sideA = [...document.querySelectorAll('[data-testid=side-a] .pool-step:last-child tbody tr')];
    return {
      operators: rows.map((row) => {
        const cells = row.querySelectorAll('td');
        return {
          id: row.getAttribute('data-op'),
          output0: cells[1].textContent,
          outputShift: cells[2].textContent,
          errorShift: Number(cells[3].dataset.value),
          meanError: Number(cells[4].dataset.value),
        };
      }),
      sideA: sideA.map((row) => ({
        outputs: [...row.querySelectorAll('td:not(.error-cell)')].map((td) => td.textContent).join(','),
        error: Number(row.querySelector('.error-cell').getAttribute('data-value')),
      })),
    };
  });
}

// Moves the shift slider as a user would (it fires `input`).
async function setShift(page, value) {
  await page.locator('#lab-pooling input[type=range]').evaluate((input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

const close = (a, b) => Math.abs(a - b) < 1e-6;

export const tests = [
  {
    name: 'the default view renders the seed signal and its MaxPool output',
    async run(t) {
      const page = await open(t);
      assertEqual(t.param(page, 'lab'), 'pooling', 'lab in the hash');
      assertEqual(t.param(page, 'signal'), '0,0,1,1,0,0,1,1,0,0', 'signal in the hash');
      assertEqual(await page.getByTestId('signal-cells').locator('button').count(), 10, 'signal cells');
      assertEqual(await page.getByTestId('shifts-table').locator('tbody tr').count(), 10, 'rows of the shift table');
      assertEqual(await text(page, 'side-a-output-0'), '[0,1,0,1,0]', 'MaxPool of the seed signal');
      assert((await page.getByTestId('side-a').locator('h3').textContent()).includes('MaxPool'), 'side A is MaxPool');
      assert((await page.getByTestId('side-b').locator('h3').textContent()).includes('Bin-5'), 'side B is Bin-5 MaxBlurPool');
      // MaxPool shows its two steps, the max with zero error and the subsample with some.
      assertEqual(await page.getByTestId('side-a').locator('.pool-step').count(), 2, 'steps of MaxPool');
      assertEqual(await page.getByTestId('side-b').locator('.pool-step').count(), 3, 'steps of MaxBlurPool');
      for (const [r, f] of [[0, 0], [0, 1], [3, 1]]) assert(await canvasHasContent(page, `alias-${r}-${f}`), `alias image ${r},${f} is blank`);
      assert(await canvasHasContent(page, 'alias-source'), 'the zone plate is blank');
      for (const id of ['export-strips-png', 'export-images-png', 'export-csv', 'export-errors-csv']) {
        assert(await page.getByTestId(id).isEnabled(), `export button ${id} is not enabled`);
      }
      const download = page.waitForEvent('download');
      await page.getByTestId('export-errors-csv').click();
      const csv = await (await download).path();
      assert(csv, 'the CSV export did not download');
      assertEqual(await page.getByTestId('notice').count(), 0, 'notices on a clean start');
    },
  },
  {
    name: 'the circular 8-sample preset shows [0,1,0,1] → [1,1,1,1] and the seed preset [0,1,0,1,0]',
    async run(t) {
      const page = await open(t);
      await page.getByTestId('preset-circular8').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'signal'), '0,0,1,1,0,0,1,1', 'signal in the hash');
      assertEqual(t.param(page, 'boundary'), 'circular', 'boundary in the hash');
      assertEqual(t.param(page, 'shift'), '1', 'shift in the hash');
      assertEqual(await text(page, 'side-a-output-0'), '[0,1,0,1]', 'MaxPool at shift 0');
      assertEqual(await text(page, 'side-a-output-shift'), '[1,1,1,1]', 'MaxPool after one shift');
      assertEqual(await text(page, 'side-b-output-0'), '[0.625,0.875,0.625,0.875]', 'Bin-5 MaxBlurPool at shift 0');
      assertEqual(await text(page, 'side-b-output-shift'), '[0.75,0.75,0.75,0.75]', 'Bin-5 MaxBlurPool after one shift');
      // The split: max alone is equivariant, max + subsample is not.
      const { operators } = await shownNumbers(page);
      const error = (id) => operators.find((o) => o.id === id).errorShift;
      assertEqual(error('dense-max'), 0, 'error of max (k2, s1) at shift 1');
      assertEqual(error('max-pool'), 0.5, 'error of MaxPool at shift 1');
      assertEqual(error('max-blur-pool-bin5'), 0.125, 'error of Bin-5 MaxBlurPool at shift 1');
      await page.screenshot({ path: t.artifact('pooling.png'), fullPage: true });

      await page.getByTestId('preset-seed').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'boundary'), 'zero', 'boundary of the seed preset');
      assertEqual(await text(page, 'side-a-output-0'), '[0,1,0,1,0]', 'MaxPool of the seed signal');
    },
  },
  {
    name: 'toggling a cell changes the outputs and the link, which restores the view',
    async run(t) {
      const page = await open(t);
      await page.getByTestId('cell-3').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'signal'), '0,0,1,0,0,0,1,1,0,0', 'signal in the hash after toggling sample 3');
      assertEqual(await text(page, 'side-a-output-0'), '[0,1,0,1,0]', 'MaxPool keeps the max of [1,0]');
      await page.getByTestId('cell-2').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'signal'), '0,0,0,0,0,0,1,1,0,0', 'signal after toggling sample 2');
      assertEqual(await text(page, 'side-a-output-0'), '[0,0,0,1,0]', 'MaxPool after removing the first pulse');
      await page.getByTestId('opA-select').selectOption('avg-pool');
      await setShift(page, 3);
      await t.waitReady(page);
      assertEqual(t.param(page, 'opA'), 'avg-pool', 'operator A in the hash');
      assertEqual(t.param(page, 'shift'), '3', 'shift in the hash');
      const before = await shownNumbers(page);

      const copy = await open(t, page.url());
      assertEqual(await copy.getByTestId('signal-input').inputValue(), '0, 0, 0, 0, 0, 0, 1, 1, 0, 0', 'typed signal restored');
      assertEqual(await copy.getByTestId('opA-select').inputValue(), 'avg-pool', 'operator A restored');
      assertEqual(await copy.getByTestId('shift-value').textContent(), '3', 'shift restored');
      assertEqual(JSON.stringify(await shownNumbers(copy)), JSON.stringify(before), 'numbers after reopening the link');
    },
  },
  {
    name: 'the numbers shown equal the native core’s',
    async run(t) {
      const settings = { signal: [0, 2, 5, 1, 0, 3, 3, 0, 1], boundary: 'zero' };
      const page = await open(t, '#lab=pooling');
      await page.getByTestId('signal-input').fill('[0 2 5 1 0 3 3 0 1]');
      await page.getByTestId('signal-input').press('Enter');
      await page.getByTestId('boundary-control').getByText('Zero').click();
      await page.getByTestId('opA-select').selectOption('max-blur-pool-tri3');
      await setShift(page, 4);
      await t.waitReady(page);
      assertEqual(t.param(page, 'signal'), settings.signal.join(','), 'typed signal in the hash');
      assertEqual(t.param(page, 'boundary'), 'zero', 'boundary in the hash');
      const shown = await shownNumbers(page);
      const expected = native(settings);
      assertEqual(shown.operators.length, expected.operators.length, 'operators shown');
      for (const op of expected.operators) {
        const row = shown.operators.find((o) => o.id === op.id);
        assert(row, `operator ${op.id} is missing from the page`);
        assertEqual(row.output0, formatList(op.outputs[0]), `${op.id} output at shift 0`);
        assertEqual(row.outputShift, formatList(op.outputs[4]), `${op.id} output at shift 4`);
        assert(close(row.errorShift, op.errors[4]), `${op.id} error at shift 4: page ${row.errorShift}, native ${op.errors[4]}`);
        assert(close(row.meanError, op.meanError), `${op.id} mean error: page ${row.meanError}, native ${op.meanError}`);
      }
      const tri3 = expected.operators.find((o) => o.id === 'max-blur-pool-tri3');
      assertEqual(shown.sideA.length, 9, 'rows of side A (one per shift)');
      shown.sideA.forEach((row, s) => {
        assertEqual(row.outputs, tri3.outputs[s].map(formatValue).join(','), `side A outputs at shift ${s}`);
        assert(close(row.error, tri3.errors[s]), `side A error at shift ${s}: page ${row.error}, native ${tri3.errors[s]}`);
      });
    },
  },
  {
    name: 'a bad typed signal is explained and not applied; a link beyond the signal is clamped',
    async run(t) {
      const page = await open(t);
      await page.getByTestId('signal-input').fill('1, 2, banana');
      await page.getByTestId('signal-input').press('Enter');
      const error = await text(page, 'signal-error');
      assert(error.includes('banana'), `the error should name the bad value: ${error}`);
      assertEqual(t.param(page, 'signal'), '0,0,1,1,0,0,1,1,0,0', 'signal unchanged');

      const clamped = await open(t, '#lab=pooling&signal=1,0,0,1&shift=9');
      assertEqual(await clamped.getByTestId('shift-value').textContent(), '3', 'shift clamped to the last one');
      assertEqual(t.param(clamped, 'shift'), '3', 'clamped shift in the hash');
      const bad = await open(t, '#lab=pooling&signal=abc&opB=nope');
      const notice = (await bad.getByTestId('notice').allTextContents()).join(' ');
      assert(notice.includes('signal=abc') && notice.includes('opB=nope'), `the notice should name what was ignored: ${notice}`);
    },
  },
  {
    name: 'the 2-D view switches images and downsamplers, and fits a phone',
    async run(t) {
      const page = await open(t, '#lab=pooling&image=photo-chelsea&downsampler=max');
      assertEqual(await page.getByTestId('image-select').inputValue(), 'photo-chelsea', 'image restored');
      const size = await page.getByTestId('alias-0-1').evaluate((c) => `${c.width}×${c.height}`);
      assertEqual(size, '48×48', 'a 192×192 photo at ×4');
      await page.getByTestId('image-select').selectOption('zoneplate');
      await t.waitReady(page);
      assertEqual(t.param(page, 'image'), 'zoneplate', 'image in the hash');
      await page.getByTestId('downsampler-control').getByText('Subsample').click();
      await t.waitReady(page);
      assertEqual(t.param(page, 'downsampler'), 'subsample', 'downsampler in the hash');
      // Aliasing: at ×4 the plain subsample of the zone plate keeps more contrast near the edge
      // than the Bin-5 version (which blurs the too-fine rings to grey).
      const edgeContrast = (testid) =>
        page.getByTestId(testid).evaluate((c) => {
          const { data } = c.getContext('2d').getImageData(0, 0, 1, c.height);
          const grey = [...data].filter((_, i) => i % 4 === 0);
          return Math.max(...grey) - Math.min(...grey);
        });
      const plain = await edgeContrast('alias-0-1');
      const bin5 = await edgeContrast('alias-3-1');
      assert(plain > 2 * bin5, `edge contrast at ×4: plain ${plain}, Bin-5 ${bin5}`);

      // An uploaded PNG replaces the image; a file that is not an image is refused with its name.
      await page.getByTestId('upload-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not pixels') });
      const error = page.locator('[data-testid=notice][data-kind=error]');
      await error.waitFor({ timeout: 30_000 });
      assert((await error.textContent()).includes('notes.txt'), 'the upload error should name the file');
      assertEqual(t.param(page, 'image'), 'zoneplate', 'the image is unchanged after a bad file');
      await page.getByTestId('upload-input').setInputFiles(fileURLToPath(new URL('../../models/samples/digit-7.png', import.meta.url)));
      await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('image') === 'upload');
      await t.waitReady(page);
      const uploaded = await page.getByTestId('alias-source').evaluate((c) => `${c.width}×${c.height}`);
      assertEqual(uploaded, '28×28', 'the uploaded digit is the source');

      const phone = await t.open('#lab=pooling', { viewport: { width: 390, height: 844 } });
      await t.waitReady(phone);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
      await phone.screenshot({ path: t.artifact('pooling-phone.png'), fullPage: true });
    },
  },
];
