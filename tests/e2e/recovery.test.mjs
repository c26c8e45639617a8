// A compute worker that dies is replaced: the page says so, the user's files are handed to the
// fresh worker, and the lab goes on computing with them.
import { readFileSync } from 'node:fs';
import { assert, assertEqual } from './harness.mjs';

const DIGIT = readFileSync(new URL('../../models/samples/digit-7.png', import.meta.url));

const top1Prob = (page, side) => page.getByTestId(`${side}-bars-top1-prob`).getAttribute('data-value');

export const tests = [
  {
    name: 'a worker that dies is replaced and the uploaded picture still works',
    async run(t) {
      const page = await t.open('#lab=shift&dx=1');
      await t.waitReady(page);
      await page.getByTestId('upload-input').setInputFiles({ name: 'mine.png', mimeType: 'image/png', buffer: DIGIT });
      await page.waitForFunction(() => location.hash.includes('image=upload'));
      await t.waitReady(page);
      const before = await top1Prob(page, 'shifted');
      // The worker's script fails as a crashed worker does: its error event reaches the client.
      await page.evaluate(() => {
        const worker = globalThis.shiftlabClient.interactive.worker;
        worker.dispatchEvent(new ErrorEvent('error', { message: 'simulated crash' }));
      });
      const notice = page.locator('[data-testid=notice][data-kind=warn]').filter({ hasText: 'fresh worker' });
      await notice.waitFor({ timeout: 10_000 });
      assert((await notice.textContent()).includes('simulated crash'), 'the notice says what happened');
      // The fresh worker computes a new view from the same upload.
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
      await t.waitReady(page);
      assertEqual(t.param(page, 'image'), 'upload', 'the uploaded picture is still the lab’s image');
      assertEqual(await top1Prob(page, 'shifted'), before, 'the same numbers from the fresh worker');
      assertEqual(await page.locator('[data-testid=notice][data-kind=error]').count(), 0, 'no error after the restart');
    },
  },
];
