// What every e2e test receives as `t`: pages that record browser errors, readiness waits and
// small assertions with readable failure messages.
import { join } from 'node:path';
import { runNative } from '../../scripts/native.mjs';

const READY_TIMEOUT_MS = 90_000;

export class TestContext {
  constructor({ browser, baseUrl, artifacts }) {
    this.browser = browser;
    this.baseUrl = baseUrl;
    this.artifacts = artifacts;
    this.contexts = [];
    this.errors = [];
  }

  // Opens the page (`hash` like "#lab=shift&dx=2", or a full URL) in a fresh browser context,
  // recording console errors and uncaught exceptions of the page and of its workers.
  async open(hashOrUrl = '', { viewport = { width: 1280, height: 900 } } = {}) {
    const context = await this.browser.newContext({ viewport });
    this.contexts.push(context);
    const page = await context.newPage();
    const record = (source) => (message) => {
      if (message.type() === 'error') this.errors.push(`${source} console: ${message.text()}`);
    };
    page.on('console', record('page'));
    page.on('pageerror', (err) => this.errors.push(`page error: ${err.message}`));
    page.on('worker', (worker) => worker.on('console', record('worker')));
    page.on('crash', () => this.errors.push('the page crashed'));
    const url = hashOrUrl.startsWith('http') ? hashOrUrl : `${this.baseUrl}/${hashOrUrl}`;
    await page.goto(url);
    return page;
  }

  // Waits until the page says "ready"; a page that reports an error instead fails the test
  // with its notices, which name the problem.
  async waitReady(page) {
    const status = page.getByTestId('status');
    await page.waitForFunction(
      () => ['ready', 'error'].includes(document.querySelector('[data-testid=status]')?.getAttribute('data-state')),
      null,
      { timeout: READY_TIMEOUT_MS },
    );
    const state = await status.getAttribute('data-state');
    if (state !== 'ready') {
      const notices = await page.getByTestId('notice').allTextContents();
      throw new Error(`the page reported "${await status.textContent()}" instead of ready; notices: ${notices.join(' | ') || 'none'}`);
    }
  }

  hashOf(page) {
    return new URL(page.url()).hash;
  }

  param(page, name) {
    return new URLSearchParams(this.hashOf(page).slice(1)).get(name);
  }

  artifact(name) {
    return join(this.artifacts, name);
  }

  assertNoPageErrors() {
    if (this.errors.length > 0) throw new Error(`the browser reported errors:\n${this.pageErrorReport()}`);
  }

  pageErrorReport() {
    return [...new Set(this.errors)].join('\n');
  }

  async close() {
    await Promise.all(this.contexts.map((c) => c.close()));
  }
}

// A lab's numbers computed natively by `shiftlab experiment <name> '<json>'`.
export function nativeExperiment(name, options) {
  return runNative(['experiment', name, JSON.stringify(options)]);
}

export function assertClose(actual, expected, tolerance, what) {
  if (!(Math.abs(actual - expected) <= tolerance)) throw new Error(`${what}: page ${actual}, native ${expected} (tolerance ${tolerance})`);
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// The `data-value` attribute an element carries: the exact number behind the text shown.
export async function dataValue(page, testid) {
  return page.getByTestId(testid).getAttribute('data-value');
}

// True when a canvas holds more than one colour, so something was drawn on it.
export async function canvasHasContent(page, testid) {
  return page.getByTestId(testid).evaluate((canvas) => {
    if (canvas.width === 0 || canvas.height === 0) return false;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 4; i < data.length; i++) if (data[i] !== data[i % 4]) return true;
    return false;
  });
}

// The requests the page sent for `lab` and the results it received (worker-client.js logs
// them), as plain JSON: typed arrays become arrays.
export async function pageRequests(page, lab) {
  return page.evaluate((id) => {
    const plain = (v) => (ArrayBuffer.isView(v) ? Array.from(/** @type {Uint8Array} */ (v)) : v && typeof v === 'object' ? (Array.isArray(v) ? v.map(plain) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))) : v);
    return (globalThis.shiftlabRequests ?? []).filter((e) => e.lab === id && e.result !== undefined).map((e) => ({ request: e.request, result: plain(e.result) }));
  }, lab);
}

// Every number, string and shape of `page` equals `native`; the first difference is named by
// its path. Numbers agree within a relative 1e-4 (tract's wasm and x86 kernels round floats
// differently in the last bits); colour bytes (`rgba`) within 2 of 255, since a value that
// close to a colour step may land on either side of it.
export function assertSameResult(page, native, path = 'result') {
  if (typeof native === 'number') {
    const tolerance = /\.rgba\[\d+\]$/.test(path) ? 2 : 1e-4 * Math.max(1, Math.abs(native));
    const close = Math.abs(page - native) <= tolerance;
    if (typeof page !== 'number' || !close) throw new Error(`${path}: page ${page}, native ${native}`);
  } else if (Array.isArray(native)) {
    if (!Array.isArray(page) || page.length !== native.length) throw new Error(`${path}: page has ${page?.length} items, native ${native.length}`);
    native.forEach((v, i) => assertSameResult(page[i], v, `${path}[${i}]`));
  } else if (native && typeof native === 'object') {
    const keys = new Set([...Object.keys(native), ...Object.keys(page ?? {})]);
    for (const k of keys) assertSameResult(page?.[k], native[k], `${path}.${k}`);
  } else if (page !== native) {
    throw new Error(`${path}: page ${JSON.stringify(page)}, native ${JSON.stringify(native)}`);
  }
}
