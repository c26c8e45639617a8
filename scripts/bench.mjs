// The speed benchmark. A benchmark, not a test: it asserts nothing about speed, it measures.
//   node scripts/bench.mjs [--batch N] [--repeats N] [--rounds N] [--loads N] [--skip models,jobs,load]
// (scripts/bench.sh builds first). Prints three Markdown tables:
// 1. Models: every shipped model on the same seeded workload (src/benchmark.rs), timed by the
//    same `benchmark` lab (src/labs/benchmark.rs) natively and in headless Chromium's worker,
//    and by onnxruntime-web (the yardstick, an npm dev dependency used here only) in a worker of
//    a bench-only page in the same Chromium, on the same ONNX files, shapes, batch and inputs.
// 2. Jobs: each lab's heaviest default long job in the page with one worker, with the page's
//    worker pool, and natively; pool and one worker must give identical results (printed).
// 3. Load: the wasm's size raw and gzip, and navigation → first "ready" of the default lab with
//    a cold cache (fresh browser context) and a warm one (reload in the same context).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DIGIT_SAMPLES, PHOTOS } from '../www/images.js';
import { launchChromium } from './chromium.mjs';
import { runNative } from './native.mjs';
import { CSP, startServer } from './serve.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readManifest = () => JSON.parse(readFileSync(`${ROOT}/models/manifest.json`, 'utf8'));

export function nativeBench({ batch, repeats, seed = 0, models = [], profile = false }) {
  if (profile) return runNative(['experiment', 'benchmark', JSON.stringify({ models, batch, repeats, seed, profile })]).models;
  const args = ['bench', '--batch', String(batch), '--repeats', String(repeats), '--seed', String(seed)];
  if (models.length > 0) args.push('--models', models.join(','));
  return runNative(args).models;
}

// In a page served from the repository: a worker of its own runs the `benchmark` lab, the same
// job as `shiftlab bench` (models by manifest id; all of them when none are named).
export function browserBench(page, { batch, repeats, seed = 0, models = [], profile = false }) {
  return page.evaluate(
    async ({ batch, repeats, seed, only, profile }) => {
      const { WorkerClient } = await import('/www/worker-client.js');
      const { loadManifest } = await import('/www/models.js');
      const { manifest } = await loadManifest();
      const ids = manifest.models.map((m) => m.id).filter((id) => only.length === 0 || only.includes(id));
      const client = new WorkerClient();
      try {
        return (await client.run('benchmark', { models: ids, batch, repeats, seed, profile })).models;
      } finally {
        client.worker.terminate();
      }
    },
    { batch, repeats, seed, only: models, profile },
  );
}

// ---------------------------------------------------------------------------------------------
// The yardstick's own server: a second, bench-only static server with an explicit route table
// (a blank page, the worker script, three files of onnxruntime-web's dist and the shipped ONNX
// files), so the page's server (scripts/serve.mjs) serves nothing more than the site. Its
// responses carry the page's own CSP, so onnxruntime-web is seen to run under it
// ('wasm-unsafe-eval', no eval of JS, workers and fetches from 'self' only).
const ORT_DIST = `${ROOT}/node_modules/onnxruntime-web/dist`;
const BLANK = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>ShiftLab benchmark: onnxruntime-web</title>\n';

function ortRoutes(manifest) {
  const routes = new Map([
    ['/', { body: BLANK, type: 'text/html; charset=utf-8' }],
    ['/ort-worker.mjs', { file: `${ROOT}/scripts/bench-ort-worker.mjs`, type: 'text/javascript; charset=utf-8' }],
  ]);
  for (const name of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs']) {
    routes.set(`/ort/${name}`, { file: `${ORT_DIST}/${name}`, type: 'text/javascript; charset=utf-8' });
  }
  routes.set('/ort/ort-wasm-simd-threaded.wasm', { file: `${ORT_DIST}/ort-wasm-simd-threaded.wasm`, type: 'application/wasm' });
  for (const m of manifest.models) routes.set(`/models/${m.file}`, { file: `${ROOT}/models/${m.file}`, type: 'application/octet-stream' });
  return routes;
}

export function startOrtServer(manifest) {
  const routes = ortRoutes(manifest);
  const server = createServer((req, res) => {
    const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const route = routes.get(req.url);
    if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(req.headers.host ?? '') || req.method !== 'GET' || !route) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('not found\n');
    }
    let body;
    try {
      body = route.body ?? readFileSync(route.file);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('not found\n');
    }
    res.writeHead(200, { ...headers, 'Content-Type': route.type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

// onnxruntime-web in a module worker of the bench page: the rows of scripts/bench-ort-worker.mjs.
export async function ortBench(page, manifest, { batch, repeats, seed = 0, models = [] }) {
  const list = manifest.models
    .filter((m) => models.length === 0 || models.includes(m.id))
    .map((m) => ({ id: m.id, url: `/models/${m.file}`, shapes: m.inputs.map((i) => i.shape) }));
  const answer = await page.evaluate(
    (message) =>
      new Promise((resolve, reject) => {
        const worker = new Worker('/ort-worker.mjs', { type: 'module' });
        worker.onmessage = ({ data }) => (worker.terminate(), resolve(data));
        worker.onerror = (event) => (worker.terminate(), reject(new Error(`the ORT worker failed: ${event.message}`)));
        worker.postMessage(message);
      }),
    { models: list, batch, repeats, seed },
  );
  if (!answer.ok) throw new Error(`onnxruntime-web: ${answer.error}`);
  return answer;
}

// Rows of several rounds → one row per model with the median time (the first round's checksum).
function medianRows(rounds) {
  return rounds[0].map((row) => ({ ...row, medianMs: median(rounds.map((rows) => rows.find((r) => r.id === row.id).medianMs)) }));
}

// Models slower than this many times onnxruntime-web get a profile.
const PROFILE_ABOVE = 1.5;

const geomean = (xs) => Math.exp(xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length);
const relDiff = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));

function modelTable(native, page, ort) {
  const pageById = new Map(page.map((row) => [row.id, row]));
  const ortById = new Map(ort.map((row) => [row.id, row]));
  const lines = [
    '| model | native tract ms | page tract ms | onnxruntime-web ms | page ÷ native | page ÷ ORT | output sums differ by (page, ORT) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const byNative = [];
  const byOrt = [];
  for (const n of native) {
    const p = pageById.get(n.id);
    const o = ortById.get(n.id);
    byNative.push(p.medianMs / n.medianMs);
    byOrt.push(p.medianMs / o.medianMs);
    lines.push(
      `| \`${n.id}\`${o.chunked ? ' †' : ''} | ${n.medianMs.toFixed(2)} | ${p.medianMs.toFixed(2)} | ${o.medianMs.toFixed(2)} | ` +
        `${byNative.at(-1).toFixed(2)} | ${byOrt.at(-1).toFixed(2)} | ${relDiff(p.checksum, n.checksum).toExponential(1)}, ${relDiff(o.checksum, n.checksum).toExponential(1)} |`,
    );
  }
  lines.push(`| **geometric mean** | | | | **${geomean(byNative).toFixed(2)}** | **${geomean(byOrt).toFixed(2)}** | |`);
  return { text: lines.join('\n'), byNative: geomean(byNative), byOrt: geomean(byOrt) };
}

// Where the slowest models' time goes, natively and in the page: tract's plan timed node by
// node (the benchmark lab's profile), summed per kind of op, heaviest in the page first.
function profileTable(native, page) {
  const byOp = (row) => {
    const totals = new Map();
    for (const n of row.nodes) totals.set(n.op, (totals.get(n.op) ?? 0) + n.ms);
    return totals;
  };
  const blocks = [];
  for (const n of native) {
    const nativeOps = byOp(n);
    const pageOps = byOp(page.find((p) => p.id === n.id));
    const pageTotal = [...pageOps.values()].reduce((a, b) => a + b, 0);
    const ops = [...pageOps.keys()].sort((a, b) => pageOps.get(b) - pageOps.get(a));
    blocks.push(
      [
        `\`${n.id}\` (page ${pageTotal.toFixed(2)} ms per batch, timed node by node)\n`,
        '| tract op | nodes | native ms | page ms | page share | page ÷ native |',
        '|---|---:|---:|---:|---:|---:|',
        ...ops.map((op) => {
          const [nms, pms] = [nativeOps.get(op) ?? 0, pageOps.get(op)];
          const count = n.nodes.filter((node) => node.op === op).length;
          return `| ${op} | ${count} | ${nms.toFixed(3)} | ${pms.toFixed(3)} | ${((100 * pms) / pageTotal).toFixed(0)} % | ${(pms / nms).toFixed(2)} |`;
        }),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Each lab's heaviest long job with its default settings: the requests the lab's module sends
// (www/labs/*.js) with the defaults of the lab's Rust settings, written out here. A job of
// several requests sends them one after the other, as the page does.
export function heavyJobs(manifest) {
  const has = (id) => manifest.models.some((m) => m.id === id);
  // The position lab's default layers: the multi-level set of its manifest measurement.
  const readoutLayers = (id) => manifest.models.find((m) => m.id === id)?.eval?.position?.layers;
  const redGreen = ['rg-vconv', 'rg-sconv-zero', 'rg-sconv-circular', 'rg-fconv'].filter(has);
  const sets = ['similar', 'dissimilar'].map((split) => ({ split, n: 1000, seed: 2, border: 0, shift: 0 }));
  const metrics = (model) => ({ job: 'metrics', model, count: 1000, mode: 'black', range: 4, pairs: 5, seed: 0, steps: 8 });
  return [
    { lab: 'sweep', what: 'held-out metrics, 1,000 digits, A and B', requests: ['digits-maxpool', 'digits-bin5'].map(metrics) },
    { lab: 'layers', what: 'layer by layer, 32 digits, A and B', requests: [{ models: ['digits-maxpool', 'digits-bin5'], count: 32 }] },
    {
      lab: 'position',
      what: 'readouts fitted (multi-level, 3×3), pad-zero and pad-none',
      requests: [
        {
          job: 'readout',
          models: ['pad-zero', 'pad-none'],
          trainImages: PHOTOS.slice(0, 7).map((p) => p.key),
          testImages: PHOTOS.slice(7).map((p) => p.key),
          layers: readoutLayers('pad-zero'),
          targets: ['H'],
          grid: 8,
          kernel: 3,
          lambda: 0.01,
          trainCrops: 16,
          testCrops: 4,
          seed: 7,
        },
      ],
    },
    { lab: 'borders', what: `accuracy, ${redGreen.length} models × 2 sets × 1,000`, requests: [{ job: 'accuracy', models: redGreen, sets, keep: 8 }] },
    { lab: 'coordconv', what: 'error map, quadrant split', requests: [{ job: 'errorMap', pair: 'liu', split: 'quadrant' }] },
    { lab: 'siamese', what: 'error map, 13 × 13 offsets', requests: [{ job: 'errorMap', image: null, seed: 0, scenes: 2, step: 4 }] },
    {
      lab: 'audit',
      what: 'audit of digits-maxpool, 10 digits',
      requests: [{ model: 'digits-maxpool', images: DIGIT_SAMPLES.map((d) => d.key), mode: 'crop', range: 8, pairs: 5, seed: 0, crops: 6 }],
    },
  ];
}

// In a page of the site: a WorkerClient (one worker) and a WorkerPool run each job; both are
// started, and their wasm compiled, before any clock starts. Each job is cold in both (its
// models fetched and planned in the workers that run it), as a page's first run of it is.
export function pageJobs(page, jobs) {
  return page.evaluate(async (jobs) => {
    const { WorkerClient } = await import('/www/worker-client.js');
    const { WorkerPool } = await import('/www/worker-pool.js');
    const single = new WorkerClient();
    const pool = new WorkerPool();
    pool.startPool();
    const clients = [single, pool.interactive, ...pool.pool];
    // A request the core refuses once its wasm is up: waits for every worker to be ready.
    await Promise.all(clients.map((c) => c.run('benchmark', { models: [], batch: 1, repeats: 1, seed: 0 }).catch(() => {})));
    const rows = [];
    try {
      for (const { lab, requests } of jobs) {
        const layout = await pool.pool[0].call('layout', { lab, request: requests[0] });
        let start = performance.now();
        const one = [];
        for (const request of requests) one.push(await single.run(lab, request));
        const singleMs = performance.now() - start;
        start = performance.now();
        const pooled = [];
        for (const request of requests) pooled.push(await pool.run(lab, request, { onProgress: () => {} }));
        const poolMs = performance.now() - start;
        rows.push({ lab, singleMs, poolMs, workers: pool.pool.length, ...layout, identical: JSON.stringify(one) === JSON.stringify(pooled) });
      }
    } finally {
      for (const c of clients) c.worker.terminate();
    }
    return rows;
  }, jobs);
}

// Natively: the CLI that runNative (scripts/native.mjs) runs, `shiftlab experiment <lab>
// '<json>'` (the dev profile: our crate at opt-level 1, dependencies at 3). `cargo build` first,
// untimed — several checkouts share the target directory, so cargo may wait for a lock or
// rebuild — and then the binary it names is timed from outside, process start included.
function nativeBinary() {
  const out = execFileSync('cargo', ['build', '--quiet', '--bin', 'shiftlab', '--message-format=json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const artifact = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'shiftlab' && m.executable);
  if (!artifact) throw new Error('cargo build named no shiftlab executable');
  return artifact.executable;
}

export function nativeJob({ lab, requests }) {
  const bin = nativeBinary();
  const start = performance.now();
  for (const request of requests) execFileSync(bin, ['experiment', lab, JSON.stringify(request)], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  return performance.now() - start;
}

function jobTable(jobs, rows, native) {
  const lines = [
    '| lab | job | steps (poolable) | one worker s | pool s | pool speed-up | native s | one worker ÷ native | pool = one worker |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  jobs.forEach((job, k) => {
    const r = rows[k];
    lines.push(
      `| ${job.lab} | ${job.what} | ${r.total} (${r.poolable ? 'yes' : 'no'}) | ${(r.singleMs / 1e3).toFixed(2)} | ${(r.poolMs / 1e3).toFixed(2)} | ` +
        `${(r.singleMs / r.poolMs).toFixed(2)}× | ${(native[k] / 1e3).toFixed(2)} | ${(r.singleMs / native[k]).toFixed(2)} | ${r.identical ? 'identical' : '**DIFFERENT**'} |`,
    );
  });
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Navigation → the status pill's first "refining" or "ready" (a complete first view: a lab whose
// long job draws a preview first says "refining" until the whole is drawn) and its first
// "ready", read in the page from performance.now() (whose origin is the navigation's start) by a
// MutationObserver installed before any script.
function recordReady() {
  new MutationObserver((_, observer) => {
    const state = document.querySelector('[data-testid=status]')?.getAttribute('data-state');
    if (state === 'refining' || state === 'ready') globalThis.benchFirstViewAt ??= performance.now();
    if (state === 'ready') {
      globalThis.benchReadyAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

// The labs in the order of the page's navigation (www/labs/index.js).
const LAB_IDS = ['shift', 'pooling', 'sweep', 'layers', 'position', 'borders', 'coordconv', 'siamese', 'audit'];

const readyAt = async (page) => (await viewTimes(page)).ready;

const viewTimes = async (page) => {
  await page.waitForFunction(() => globalThis.benchReadyAt !== undefined, null, { timeout: 120_000 });
  return page.evaluate(() => ({ firstView: globalThis.benchFirstViewAt, ready: globalThis.benchReadyAt }));
};

export async function loadTimes(browser, url, loads) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext();
    try {
      await context.addInitScript(recordReady);
      const page = await context.newPage();
      await page.goto(url);
      cold.push(await readyAt(page));
      await page.reload();
      warm.push(await readyAt(page));
    } finally {
      await context.close();
    }
  }
  // Every lab's default link, each in a new tab of one context whose cache the default lab
  // has filled (the wasm, the app's modules), so each is the first view of that lab.
  const labs = [];
  const context = await browser.newContext();
  try {
    await context.addInitScript(recordReady);
    const first = await context.newPage();
    await first.goto(url);
    await readyAt(first);
    for (const id of LAB_IDS) {
      const page = await context.newPage();
      await page.goto(url.replace(/#.*$/, `#lab=${id}`));
      labs.push({ id, ...(await viewTimes(page)) });
      await page.close();
    }
  } finally {
    await context.close();
  }
  return { cold, warm, labs };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function loadTable(times) {
  const wasm = readFileSync(`${ROOT}/www/pkg/shiftlab_bg.wasm`);
  const gz = gzipSync(wasm, { level: 9 }).length;
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  const list = (xs) => xs.map((x) => (x / 1e3).toFixed(2)).join(', ');
  return [
    '| figure | value |',
    '|---|---:|',
    `| \`www/pkg/shiftlab_bg.wasm\` raw | ${mb(wasm.length)} (${wasm.length} bytes) |`,
    `| the same, gzip (zlib level 9) | ${mb(gz)} (${gz} bytes) |`,
    `| \`#lab=shift\` navigation → first ready, cold cache (median; runs s) | ${(median(times.cold) / 1e3).toFixed(2)} s (${list(times.cold)}) |`,
    `| the same, warm cache (reload) | ${(median(times.warm) / 1e3).toFixed(2)} s (${list(times.warm)}) |`,
    ...times.labs.map(({ id, firstView, ready }) => `| \`#lab=${id}\` → complete first view / all refined, warm cache (new tab) | ${(firstView / 1e3).toFixed(2)} s / ${(ready / 1e3).toFixed(2)} s |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '8' },
      repeats: { type: 'string', default: '20' },
      loads: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      skip: { type: 'string', default: '' },
    },
  });
  const skip = new Set(values.skip.split(',').filter(Boolean));
  const opts = { batch: Number(values.batch), repeats: Number(values.repeats) };
  const manifest = readManifest();
  const server = await startServer(0);
  const ortServer = await startOrtServer(manifest);
  const browser = await launchChromium();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const wasmStat = statSync(`${ROOT}/www/pkg/shiftlab_bg.wasm`);
  try {
    console.log(
      `${new Date().toISOString()} · ${execFileSync('uptime', { encoding: 'utf8' }).trim()} · ` +
        `Chromium ${browser.version()} · wasm built ${wasmStat.mtime.toISOString()}\n`,
    );
    if (!skip.has('models')) {
      const page = await browser.newPage();
      await page.goto(`${origin}/models/manifest.json`);
      const ortPage = await browser.newPage();
      const errors = [];
      ortPage.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      ortPage.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(m.text())));
      await ortPage.goto(`http://127.0.0.1:${ortServer.address().port}/`);
      // Rounds of the three, one after the other, so a burst of load on this shared machine
      // does not land on one of them only; each model's time is the median over the rounds.
      // The spread of the page ÷ ORT geometric mean over the rounds is printed too.
      const rounds = { native: [], page: [], ort: [] };
      let version;
      // Every other round runs onnxruntime-web before the page's tract, so a drift in load
      // does not always favour the same one.
      for (let r = 0; r < Number(values.rounds); r++) {
        rounds.native.push(nativeBench(opts));
        const ort = r % 2 === 1 ? await ortBench(ortPage, manifest, opts) : null;
        rounds.page.push(await browserBench(page, opts));
        const yardstick = ort ?? (await ortBench(ortPage, manifest, opts));
        version = yardstick.version;
        rounds.ort.push(yardstick.rows);
      }
      const [native, inPage, ortRows] = [rounds.native, rounds.page, rounds.ort].map(medianRows);
      const ort = { version, rows: ortRows };
      const { text } = modelTable(native, inPage, ort.rows);
      const slowest = inPage.filter((p) => p.medianMs / ort.rows.find((o) => o.id === p.id).medianMs > PROFILE_ABOVE).map((p) => p.id);
      console.log(
        `## Models: batch ${opts.batch}, median ms per batch of ${opts.repeats} runs after 2 untimed ones` +
          `${values.rounds === '1' ? '' : `, median over ${values.rounds} rounds`}\n\n` +
          'native tract: `shiftlab bench` (runNative: cargo run, dev profile — our crate at opt-level 1, dependencies at 3) on this CPU; ' +
          "page tract: the worker's `benchmark` lab, release wasm with simd128; onnxruntime-web " +
          `${ort.version}: a module worker of a bench-only page under the page's CSP, wasm EP, 1 thread, SIMD build, ` +
          'graph optimisation "all". All three get the same seeded standard-normal inputs (src/rng.rs reimplemented ' +
          'in JS for ORT; the output sums show they agree).\n',
      );
      console.log(text);
      if (rounds.page.length > 1) {
        const each = rounds.page.map((rows, r) => modelTable(rounds.native[r], rows, rounds.ort[r]));
        const list = (key) => each.map((t) => t[key].toFixed(2)).join(', ');
        console.log(`\ngeometric means round by round: page ÷ native ${list('byNative')}; page ÷ ORT ${list('byOrt')}`);
      }
      if (ort.rows.some((r) => r.chunked)) console.log('\n† onnxruntime-web only took a batch of one: run item by item.');
      if (errors.length) console.log(`\nconsole errors of the ORT page: ${errors.join(' | ')}`);
      if (slowest.length > 0) {
        const request = { ...opts, models: slowest, profile: true };
        console.log(`\n## Profile: the models above ${PROFILE_ABOVE}× onnxruntime-web, per kind of tract op\n`);
        console.log(profileTable(nativeBench(request), await browserBench(page, request)));
      }
      await page.close();
      await ortPage.close();
    }
    if (!skip.has('jobs')) {
      const jobs = heavyJobs(manifest);
      const loadBefore = loadavg()[0];
      const page = await browser.newPage();
      await page.goto(`${origin}/models/manifest.json`);
      const rows = await pageJobs(page, jobs);
      await page.close();
      const native = jobs.map(nativeJob);
      console.log(
        `\n## Jobs: each lab's heaviest default long job, one cold run each (seconds)\n\n` +
          `one worker: a WorkerClient; pool: a WorkerPool of ${rows[0]?.workers} workers (navigator.hardwareConcurrency ` +
          'capped at 8), which spreads poolable (map_reduce) jobs over its workers; both with their wasm compiled ' +
          'before the clock starts, each job fetching and planning its models as on first use. native: wall time of ' +
          "the CLI runNative runs (`shiftlab experiment <lab> '<json>'`, cargo's dev profile: our crate at opt-level 1, " +
          'dependencies at 3), executed directly after an untimed `cargo build`; process start and model loading included.\n',
      );
      console.log(jobTable(jobs, rows, native));
      // A pool only pays when the machine has cores to spare: the 1-minute load average says
      // how busy it was.
      console.log(`\nload average (1 min) before the jobs ${loadBefore.toFixed(2)}, after ${loadavg()[0].toFixed(2)}, on ${availableParallelism()} cores`);
    }
    if (!skip.has('load')) {
      const times = await loadTimes(browser, `${origin}/#lab=shift`, Number(values.loads));
      console.log(`\n## Load: the page from scripts/serve.mjs on localhost, ${values.loads} cold and warm loads\n`);
      console.log(loadTable(times));
    }
  } finally {
    await browser.close();
    server.close();
    ortServer.close();
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
