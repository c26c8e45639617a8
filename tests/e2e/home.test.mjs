// The home page: a link that names no lab opens the gallery; every card opens its lab; a view
// saved with ☆ Save is listed among the favourites and can be removed again.
import { assert, assertEqual } from './harness.mjs';

export const tests = [
  {
    name: 'the gallery opens without a lab, and every card opens its lab ready',
    async run(t) {
      const page = await t.open();
      await t.waitReady(page);
      const cards = page.getByTestId('gallery').locator('li');
      const count = await cards.count();
      assert(count >= 8, `the gallery has ${count} cards`);
      assertEqual(await page.getByTestId('favourite').isVisible(), false, 'the Save button on the home page');
      const links = await cards.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const link of links) {
        const lab = new URLSearchParams(link.slice(1)).get('lab');
        await page.goto(`${t.baseUrl}/${link}`);
        await t.waitReady(page);
        assertEqual(t.param(page, 'lab'), lab, `the card ${link} opens its lab`);
        assertEqual(await page.locator('[data-testid=notice][data-kind=warn]').count(), 0, `${link}: the card's link is valid`);
      }
    },
  },
  {
    name: 'a saved view is listed among the favourites and can be removed',
    async run(t) {
      const page = await t.open('#lab=shift&dx=2');
      await t.waitReady(page);
      await page.getByTestId('favourite').click();
      assertEqual(await page.getByTestId('favourite').getAttribute('aria-pressed'), 'true', 'the Save button shows the view is saved');
      await page.goto(`${t.baseUrl}/#`);
      await page.waitForSelector('[data-testid=favourites]');
      const saved = page.getByTestId('favourites').locator('a');
      assertEqual(await saved.count(), 1, 'favourites listed');
      assert((await saved.getAttribute('href')).includes('dx=2'), 'the favourite keeps the whole link');
      await page.getByTestId('favourites').getByRole('button', { name: 'Remove' }).click();
      await page.waitForSelector('[data-testid=no-favourites]');
    },
  },
];
