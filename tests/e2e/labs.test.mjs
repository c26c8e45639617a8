// Every lab of the navigation, opened on a phone-sized screen from a hostile link: the lab
// renders, the unusable part of the link is named in a warning shown as text (never as
// markup), nothing breaks and nothing is wider than the screen.
import { assert, assertEqual, assertSameResult, nativeExperiment, pageRequests } from './harness.mjs';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

export const tests = [
  {
    name: 'every lab opens on a phone from a link with a hostile extra setting, which is shown as text and ignored',
    async run(t) {
      const first = await t.open();
      await t.waitReady(first);
      const ids = await first.locator('[data-testid^=tab-]').evaluateAll((tabs) => tabs.map((a) => a.dataset.testid.slice(4)));
      assert(ids.length >= 8 && ids.includes('siamese'), `the navigation lists every lab: ${ids}`);
      for (const id of ids) {
        const page = await t.open(`#lab=${id}&bogus=${encodeURIComponent(HOSTILE)}`, { viewport: { width: 390, height: 844 } });
        await t.waitReady(page);
        const warning = await page.locator('[data-testid=notice][data-kind=warn]').first().textContent({ timeout: 10_000 });
        assert(warning.includes(HOSTILE), `${id}: the warning should quote the ignored setting as text: ${warning}`);
        assertEqual(await page.locator('[data-testid=notice][data-kind=error]').count(), 0, `${id}: error notices`);
        assertEqual(await page.evaluate(() => Reflect.get(window, '__pwned')), undefined, `${id}: the link's markup ran`);
        assertEqual(t.param(page, 'bogus'), null, `${id}: the canonical link drops the unknown setting`);
        assertEqual(t.param(page, 'lab'), id, `${id}: the link keeps the lab`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) await page.screenshot({ path: t.artifact(`phone-${id}.png`), fullPage: true });
        assert(overflow <= 0, `${id}: the page is ${overflow}px wider than a phone screen`);
        await page.context().close();
      }
    },
  },
  {
    name: 'every request each lab’s default view sends gives the same result through the CLI',
    timeoutMs: 600_000,
    async run(t) {
      const first = await t.open();
      await t.waitReady(first);
      const ids = await first.locator('[data-testid^=tab-]').evaluateAll((tabs) => tabs.map((a) => a.dataset.testid.slice(4)));
      const missing = [];
      for (const id of ids) {
        const page = await t.open(`#lab=${id}`);
        await t.waitReady(page);
        const sent = await pageRequests(page, id);
        if (sent.length === 0) missing.push(id);
        for (const { request, result } of sent) assertSameResult(result, nativeExperiment(id, request), `${id} ${JSON.stringify(request).slice(0, 120)}`);
        await page.context().close();
      }
      assertEqual(missing.join(', '), '', 'labs whose default view sent no request through the lab contract');
    },
  },
];
