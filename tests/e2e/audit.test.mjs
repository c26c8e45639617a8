// "Your model" in a real browser: a shipped model and the fixture models (tests/fixtures/models,
// made by training/fixtures.py) are opened through the file input, inspected and audited with
// the numbers of `shiftlab experiment audit`; broken files get words and leave the page
// working; a link names a model by its sha256 and restores it, or asks for its file.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runNative } from '../../scripts/native.mjs';
import { assert, assertEqual, nativeExperiment } from './harness.mjs';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const fixture = (name) => `${FIXTURES}${name}`;

// The audit request the page sent last (from the worker client's request log).
const lastRequest = (page) => page.evaluate(() => globalThis.shiftlabRequests.filter((e) => e.lab === 'audit').at(-1).request);

async function invarianceRows(page) {
  return (await page.getByTestId('audit-invariance').locator('tr').allTextContents()).slice(1);
}

// The page's numbers against the CLI's for the same request.
async function assertSameAsCli(page, native) {
  const rows = await invarianceRows(page);
  for (const [i, kind] of ['shift', 'scale'].entries()) {
    const expected = native[kind].value;
    assert(rows[i].includes(expected.consistency.toFixed(2)), `${kind}: page "${rows[i]}", native consistency ${expected.consistency}`);
    assert(rows[i].includes(expected.mac.toFixed(4)), `${kind}: page "${rows[i]}", native MAC ${expected.mac}`);
  }
  const border = await page.getByTestId('audit-border-table').locator('tr').allTextContents();
  native.border.value.forEach((b, i) => assert(border[i + 1].includes(b.probability.toFixed(4)), `border ${b.width}: page "${border[i + 1]}", native ${b.probability}`));
}

async function openModel(t, page, name) {
  await page.getByTestId('onnx-input').setInputFiles(fixture(name));
}

// Opens a fixture, waits for its audit, and answers the description the page used (exported
// through the form's button, as a user would save it).
async function auditFixture(t, page, name) {
  const id = `upload:${createHash('sha256').update(await readFile(fixture(name))).digest('hex')}`;
  await openModel(t, page, name);
  await page.waitForFunction((wanted) => new URLSearchParams(location.hash.slice(1)).get('model') === wanted, id, { timeout: 30_000 });
  await page.getByTestId('audit-report').filter({ hasText: `Audit of ${name}` }).waitFor({ timeout: 120_000 });
  await t.waitReady(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('describe-export').click()]);
  return download.path();
}

export const tests = [
  {
    name: 'a shipped model audits with the numbers of the CLI and saves its report',
    async run(t) {
      const page = await t.open('#lab=audit&model=digits-maxpool&pairs=3&range=4');
      await t.waitReady(page);
      const request = await lastRequest(page);
      assertEqual(request.model, 'digits-maxpool', 'the audited model');
      await assertSameAsCli(page, nativeExperiment('audit', request));
      await page.getByTestId('audit-report').screenshot({ path: t.artifact('audit-report-digits.png') });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-save-html').click()]);
      const html = await readFile(await download.path(), 'utf8');
      assert(html.startsWith('<!doctype html>') && html.includes('<svg') && !html.includes('<script'), 'the saved report is one HTML file with its plots and no script');
    },
  },
  {
    name: 'a PyTorch export and a Keras-style NHWC graph audit end to end as the CLI does',
    async run(t) {
      const page = await t.open('#lab=audit&pairs=2&range=3');
      await t.waitReady(page);
      for (const name of ['classifier', 'nhwc']) {
        const description = await auditFixture(t, page, `${name}.onnx`);
        const summary = await page.getByTestId('inspect-summary').textContent();
        assert(summary.includes(name === 'nhwc' ? 'NHWC' : 'NCHW'), `${name}: the layout is read from the file: ${summary}`);
        assert((await page.getByTestId('inspect-nodes').locator('li').count()) > 3, `${name}: the nodes are listed`);
        const request = await lastRequest(page);
        const native = runNative(['experiment', 'audit', JSON.stringify(request), '--model', fixture(`${name}.onnx`), '--config', description]);
        await assertSameAsCli(page, native);
        if (name === 'classifier') {
          await page.screenshot({ path: t.artifact('audit-yours.png'), fullPage: true });
          await page.getByTestId('audit-report').screenshot({ path: t.artifact('audit-report.png') });
        }
      }
      t.assertNoPageErrors();
    },
  },
  {
    name: 'every broken model file is explained and the page keeps working',
    async run(t) {
      const page = await t.open('#lab=audit&model=digits-maxpool&pairs=1&range=2');
      await t.waitReady(page);
      const expected = {
        'truncated.onnx': /damaged or cut short/,
        'not-onnx.onnx': /not an ONNX model/,
        'external-data.onnx': /external data|external_data/,
        'rejected-op.onnx': /pad_wrap.*Pad/,
      };
      for (const [name, words] of Object.entries(expected)) {
        await openModel(t, page, name);
        const notice = page.locator('[data-testid=notice][data-kind=error]').filter({ hasText: name });
        await notice.waitFor({ timeout: 30_000 });
        const text = await notice.textContent();
        assert(words.test(text), `${name}: ${text}`);
        assertEqual(t.param(page, 'model'), 'digits-maxpool', `${name}: the audited model is unchanged`);
      }
      await page.getByTestId('pairs-value').waitFor();
      await page.locator('.control-range input').nth(1).focus();
      await page.keyboard.press('ArrowRight');
      await t.waitReady(page);
      assertEqual(t.param(page, 'pairs'), '2', 'the lab still works after the broken files');
      t.assertNoPageErrors();
    },
  },
  {
    name: 'a link names the model by its hash: restored here, asked for elsewhere, the wrong file refused',
    async run(t) {
      const page = await t.open('#lab=audit&pairs=1&range=2');
      await t.waitReady(page);
      await auditFixture(t, page, 'batch1.onnx');
      const link = page.url();
      const id = t.param(page, 'model');
      assert(/^upload:[0-9a-f]{64}$/.test(id), `the link names the model by its sha256: ${id}`);
      // The same browser keeps the model (IndexedDB): the link reopens the audit.
      const again = await page.context().newPage();
      await again.goto(link);
      await t.waitReady(again);
      await again.getByTestId('audit-report').waitFor();
      // A fresh browser does not have it: the link says which file it needs.
      const elsewhere = await t.open(link);
      const missing = elsewhere.getByTestId('audit-missing');
      await missing.waitFor({ timeout: 30_000 });
      assert((await missing.textContent()).includes(id.slice(7)), 'the missing model is named by its hash');
      await elsewhere.getByTestId('missing-input').setInputFiles(fixture('classifier.onnx'));
      const refused = elsewhere.locator('[data-testid=notice][data-kind=error]').filter({ hasText: 'not the file this link names' });
      await refused.waitFor({ timeout: 30_000 });
      await elsewhere.getByTestId('missing-input').setInputFiles(fixture('batch1.onnx'));
      await elsewhere.getByTestId('audit-report').waitFor({ timeout: 120_000 });
      await t.waitReady(elsewhere);
      assertEqual(t.param(elsewhere, 'model'), id, 'the link’s model');
    },
  },
];
