// "Your model" in a real browser: a shipped model audits with the numbers of
// `shiftlab experiment audit`, and the report saves as HTML, JSON and CSV.
import { assert, assertEqual, nativeExperiment } from './harness.mjs';

// The request the page sent last (the view leaves it for the tests and the console).
const lastRequest = (page) => page.evaluate(() => globalThis.shiftlabAuditRequest);

async function shownReport(page) {
  const rows = await page.getByTestId('audit-invariance').locator('tr').allTextContents();
  return rows.slice(1);
}

export const tests = [
  {
    name: 'a shipped model audits with the numbers of the CLI',
    async run(t) {
      const page = await t.open('#lab=audit&model=digits-maxpool&pairs=3&range=4');
      await t.waitReady(page);
      const request = await lastRequest(page);
      assertEqual(request.model, 'digits-maxpool', 'the audited model');
      const native = nativeExperiment('audit', request);
      const rows = await shownReport(page);
      assertEqual(rows.length, 2, 'shift and scale rows');
      for (const [i, kind] of ['shift', 'scale'].entries()) {
        const expected = native[kind].value;
        assert(rows[i].includes(expected.consistency.toFixed(2)), `${kind}: page "${rows[i]}", native consistency ${expected.consistency}`);
        assert(rows[i].includes(expected.mac.toFixed(4)), `${kind}: page "${rows[i]}", native MAC ${expected.mac}`);
      }
      const border = await page.getByTestId('audit-border-table').locator('tr').allTextContents();
      native.border.value.forEach((b, i) => assert(border[i + 1].includes(b.probability.toFixed(4)), `border ${b.width}: page "${border[i + 1]}"`));
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-save-html').click()]);
      const html = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
      assert(html.startsWith('<!doctype html>') && html.includes('<svg') && !html.includes('<script'), 'the saved report is one HTML file with its plots and no script');
      await page.screenshot({ path: t.artifact('audit.png'), fullPage: true });
    },
  },
];
