// The speed benchmark: every shipped model on the same seeded workload (src/benchmark.rs), timed
// by the same `benchmark` lab (src/labs/benchmark.rs) natively and in headless Chromium's worker,
// side by side as a ratio. A benchmark, not a test: it asserts nothing about speed, it measures.
//   node scripts/bench.mjs [--batch N] [--repeats N]     (scripts/bench.sh builds first)
// Prints a Markdown table: median milliseconds per batch and browser ÷ native, with the
// difference of the two runs' output sums (the same work was done) and the geometric mean.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium.mjs';
import { runNative } from './native.mjs';
import { startServer } from './serve.mjs';

export function nativeBench({ batch, repeats, seed = 0, models = [] }) {
  const args = ['bench', '--batch', String(batch), '--repeats', String(repeats), '--seed', String(seed)];
  if (models.length > 0) args.push('--models', models.join(','));
  return runNative(args).models;
}

// In a page served from the repository: a worker of its own runs the `benchmark` lab, the same
// job as `shiftlab bench` (models by manifest id; all of them when none are named).
export function browserBench(page, { batch, repeats, seed = 0, models = [] }) {
  return page.evaluate(
    async ({ batch, repeats, seed, only }) => {
      const { WorkerClient } = await import('/www/worker-client.js');
      const { loadManifest } = await import('/www/models.js');
      const { manifest } = await loadManifest();
      const ids = manifest.models.map((m) => m.id).filter((id) => only.length === 0 || only.includes(id));
      const client = new WorkerClient();
      try {
        return (await client.run('benchmark', { models: ids, batch, repeats, seed })).models;
      } finally {
        client.worker.terminate();
      }
    },
    { batch, repeats, seed, only: models },
  );
}

function table(native, browser) {
  const byId = new Map(browser.map((row) => [row.id, row]));
  const lines = [
    '| model | native ms | browser ms | browser ÷ native | output sums differ by |',
    '|---|---:|---:|---:|---:|',
  ];
  const ratios = [];
  for (const n of native) {
    const b = byId.get(n.id);
    const ratio = b.medianMs / n.medianMs;
    ratios.push(ratio);
    const diff = Math.abs(b.checksum - n.checksum) / Math.max(1, Math.abs(n.checksum));
    lines.push(`| \`${n.id}\` | ${n.medianMs.toFixed(2)} | ${b.medianMs.toFixed(2)} | ${ratio.toFixed(2)} | ${diff.toExponential(1)} |`);
  }
  const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  return { text: lines.join('\n'), geomean };
}

async function main() {
  const { values } = parseArgs({ options: { batch: { type: 'string', default: '8' }, repeats: { type: 'string', default: '20' } } });
  const opts = { batch: Number(values.batch), repeats: Number(values.repeats) };
  const native = nativeBench(opts);
  const server = await startServer(0);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/models/manifest.json`);
    const inBrowser = await browserBench(page, opts);
    const { text, geomean } = table(native, inBrowser);
    console.log(
      `batch ${opts.batch}, median of ${opts.repeats} runs after 2 untimed ones; native: tract's x86 kernels on ` +
        `this CPU; browser: Chromium ${browser.version()}, tract's wasm simd128 kernels, in a worker\n`,
    );
    console.log(text);
    console.log(`\ngeometric mean of browser ÷ native: ${geomean.toFixed(2)}`);
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main().then(
    () => 0,
    (err) => {
      console.error(`bench: ${err.stack ?? err}`);
      return 1;
    },
  );
}
