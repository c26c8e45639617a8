// End-to-end tests of the page in headless Chromium.
//   node tests/e2e/run.mjs [filter]
// Serves the repository root, launches Chromium (scripts/chromium.mjs) and runs
// every `tests/e2e/*.test.mjs`: each exports `tests = [{ name, run(t), timeoutMs? }]` (see harness.mjs
// for `t`). A lab adds its own file; nothing here needs to change. Only tests whose
// "file: name" contains `filter` run. Exits non-zero if any test fails.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../../scripts/chromium.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { TestContext } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const artifacts = join(here, 'artifacts');
const filter = process.argv[2] ?? '';
// A test may ask for longer with `timeoutMs` (one that walks through every lab grows with them).
const TEST_TIMEOUT_MS = 180_000;

function missingPrerequisites() {
  const needed = {
    'www/pkg/shiftlab.js': 'run scripts/build.sh (it builds the wasm core)',
    'www/vendor/uPlot.esm.js': 'run scripts/build.sh (it copies the plotting library)',
    'models/manifest.json': 'the model zoo is missing from models/',
  };
  return Object.entries(needed)
    .filter(([path]) => !existsSync(join(root, path)))
    .map(([path, fix]) => `${path} is missing: ${fix}`);
}

async function loadSuites() {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort();
  const suites = [];
  for (const file of files) {
    const { tests } = await import(pathToFileURL(join(here, file)).href);
    if (!Array.isArray(tests)) throw new Error(`${file} must export \`tests\`, an array of { name, run }`);
    suites.push({ file, tests: tests.filter((t) => `${file}: ${t.name}`.includes(filter)) });
  }
  return suites.filter((s) => s.tests.length > 0);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    console.error(`e2e: cannot test the page yet:\n  ${missing.join('\n  ')}`);
    return 1;
  }
  mkdirSync(artifacts, { recursive: true });
  const suites = await loadSuites();
  if (suites.length === 0) {
    console.error(`e2e: no test matches "${filter}"`);
    return 1;
  }

  const server = await startServer(0);
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  const failures = [];
  let passed = 0;
  try {
    for (const { file, tests } of suites) {
      for (const test of tests) {
        const label = `${file.replace(/\.test\.mjs$/, '')}: ${test.name}`;
        const t = new TestContext({ browser, baseUrl, artifacts });
        const started = Date.now();
        try {
          await withTimeout(test.run(t), test.timeoutMs ?? TEST_TIMEOUT_MS, label);
          t.assertNoPageErrors();
          passed++;
          console.log(`  ok    ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (err) {
          failures.push(label);
          console.log(`  FAIL  ${label}\n        ${err.message.replaceAll('\n', '\n        ')}`);
          const log = t.pageErrorReport();
          if (log) console.log(`        browser errors:\n          ${log.replaceAll('\n', '\n          ')}`);
        } finally {
          await t.close();
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\ne2e: ${passed} passed, ${failures.length} failed; artifacts in ${artifacts}`);
  if (failures.length > 0) console.log(`failed:\n  ${failures.join('\n  ')}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main().catch((err) => {
  console.error(`e2e: ${err.stack ?? err}`);
  return 1;
});
