// Takes the home page's card pictures: each gallery link opened in headless Chromium at
// 1280×800 and saved at a quarter of that as www/gallery/<id>.png. Run after a change to a
// lab's look: node scripts/gallery.mjs [id …] (only those cards; needs the built page,
// scripts/build.sh).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GALLERY } from '../www/home.js';
import { launchChromium } from './chromium.mjs';
import { startServer } from './serve.mjs';

const out = fileURLToPath(new URL('../www/gallery/', import.meta.url));
mkdirSync(out, { recursive: true });
const server = await startServer(0);
const browser = await launchChromium();
try {
  const only = process.argv.slice(2);
  for (const { id, hash } of GALLERY.filter((card) => only.length === 0 || only.includes(card.id))) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 0.25 });
    await page.goto(`http://127.0.0.1:${server.address().port}/${hash}`);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'ready', null, { timeout: 120_000 });
    // The lab's view from below its introduction: the part that shows the finding.
    const top = await page.evaluate(() => document.querySelector('.lab .controls')?.getBoundingClientRect().top ?? 0);
    await page.evaluate((y) => window.scrollTo(0, y), top);
    await page.screenshot({ path: `${out}${id}.png` });
    console.log(`www/gallery/${id}.png`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
