// Hostile files through every kind of upload, as an attacker would send them: each ends in a
// clear error notice naming the file, no page error, no injected markup, no request leaving
// the origin, and the lab working afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { assert, assertEqual } from './harness.mjs';

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 8 + data.length);
  return out;
}

// A valid grey PNG of `width × height` (or one whose header only claims that size).
function png(width, height, { claimOnly = false } = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = claimOnly ? Buffer.alloc(16) : Buffer.alloc(height * (width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const HOSTILE = [
  { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
  { name: 'truncated.png', mimeType: 'image/png', buffer: png(64, 64).subarray(0, 40) },
  { name: 'random.png', mimeType: 'image/png', buffer: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
  { name: 'strip-8192x1.png', mimeType: 'image/png', buffer: png(8192, 1) },
  { name: 'strip-1x8192.png', mimeType: 'image/png', buffer: png(1, 8192) },
  { name: 'claims-100000x100000.png', mimeType: 'image/png', buffer: png(100000, 100000, { claimOnly: true }) },
  { name: 'bad-markers.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x02, 0xff, 0x01, 0xff, 0xd9]) },
  {
    name: '<img src=x onerror=alert(1)>.svg',
    mimeType: 'image/svg+xml',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned=1</script></svg>'),
  },
];

// 50 MB is more than playwright hands over from memory: this one goes through a file.
const HUGE = join(mkdtempSync(join(tmpdir(), 'shiftlab-hostile-')), 'huge.png');
writeFileSync(HUGE, Buffer.alloc(50 * 1024 * 1024));

// Every lab with an upload button: its link, and the testid of its file input.
const UPLOADS = [
  ['#lab=shift', 'upload-input'],
  ['#lab=sweep', 'sweep-upload-input'],
  ['#lab=pooling', 'upload-input'],
  ['#lab=siamese', 'upload-input'],
];

export const tests = [
  {
    name: 'hostile files in every upload end in a message and a working lab',
    async run(t) {
      try {
        await everyUpload(t);
      } finally {
        rmSync(dirname(HUGE), { recursive: true, force: true });
      }
    },
  },
];

// One page per lab with an upload button; every hostile file through its file input.
async function everyUpload(t) {
  for (const [hash, input] of UPLOADS) {
    const page = await t.open(hash);
    const offOrigin = [];
    page.on('request', (r) => !r.url().startsWith(t.baseUrl) && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && offOrigin.push(r.url()));
    await t.waitReady(page);
    const before = new URL(page.url()).hash;
    for (const file of [...HOSTILE, { name: 'huge.png', path: HUGE }]) {
      await page.getByTestId(input).setInputFiles(file.path ?? file);
      const error = page.locator('[data-testid=notice][data-kind=error]');
      await error.first().waitFor({ timeout: 60_000 });
      const texts = await error.allTextContents();
      assertEqual(texts.length, 1, `${hash} ${file.name}: one error notice (${texts.join(' | ')})`);
      assert(texts[0].includes(file.name), `${hash}: the notice names ${file.name} as text: ${texts[0]}`);
      assertEqual(await page.locator('svg script, img[src=x]').count(), 0, `${hash} ${file.name}: injected markup`);
      await page.locator('[data-testid=notice][data-kind=error] button').first().click();
    }
    assertEqual(await page.evaluate(() => Reflect.get(window, '__pwned')), undefined, `${hash}: a script ran`);
    assertEqual(new URL(page.url()).hash, before, `${hash}: the settings are unchanged`);
    await page.keyboard.press('ArrowRight');
    await t.waitReady(page);
    assertEqual(offOrigin.join(', '), '', `${hash}: requests that left the origin`);
    await page.context().close();
  }
}
