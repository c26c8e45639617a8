// The benchmark's yardstick (scripts/bench.mjs only, never the page): onnxruntime-web in a module
// worker of a bench-only page, on one wasm thread with its SIMD kernels, runs each shipped ONNX
// file on the workload of src/benchmark.rs — the same seeded standard-normal inputs, the same
// shapes and batch, two untimed runs, then the median of the timed ones, and the output sum as
// a checksum, so it compares like for like with the `benchmark` lab in the page's worker.
//   in:  { models: [{ id, url, shapes }], batch, repeats, seed }
//   out: { ok: true, version, rows: [{ id, medianMs, checksum, chunked }] } | { ok: false, error }
import * as ort from '/ort/ort.wasm.min.mjs';

// One thread and no proxy worker: like tract, which runs single-threaded in the page's worker.
// onnxruntime-web ≥ 1.19 ships only its SIMD wasm build (ort-wasm-simd-threaded.wasm).
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmPaths = '/ort/';

const UNTIMED_RUNS = 2; // as src/labs/benchmark.rs

// src/rng.rs in JS: PCG32 (XSH-RR 64/32) and its Box–Muller normal. The integer stream is
// bit-identical; the normal is computed in f64 and rounded to f32 after each operation, which
// agrees with Rust's libm sqrtf/logf/cosf to within an ulp (the checksums show it).
const MASK = (1n << 64n) - 1n;
const MULTIPLIER = 6364136223846793005n;
const f32 = Math.fround;
const TWO_PI = f32(2 * f32(Math.PI));

class Rng {
  constructor(seed) {
    this.state = 0n;
    this.increment = 1n; // stream 0
    this.nextU32();
    this.state = (this.state + BigInt(seed)) & MASK;
    this.nextU32();
  }

  nextU32() {
    const old = this.state;
    this.state = (old * MULTIPLIER + this.increment) & MASK;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rot = Number(old >> 59n);
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  uniform() {
    return (this.nextU32() >>> 8) * 2 ** -24;
  }

  normal() {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return f32(f32(Math.sqrt(f32(-2 * f32(Math.log(u1))))) * f32(Math.cos(f32(TWO_PI * u2))));
  }
}

// The inputs of src/benchmark.rs's Workload::new: one stream, input after input.
function workload(shapes, batch, seed) {
  const rng = new Rng(seed);
  return shapes.map((shape) => {
    const data = new Float32Array(batch * shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return data;
  });
}

function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One run of the whole batch; a file that only takes a batch of one (as tract's ProbeModel
// falls back to) is run item by item.
async function runBatch(session, inputs, shapes, batch, chunk) {
  const output = session.outputNames[0];
  let sum = 0;
  for (let start = 0; start < batch; start += chunk) {
    const feeds = {};
    shapes.forEach((shape, k) => {
      const item = shape.reduce((a, b) => a * b, 1);
      feeds[session.inputNames[k]] = new ort.Tensor('float32', inputs[k].subarray(start * item, (start + chunk) * item), [chunk, ...shape]);
    });
    const outputs = await session.run(feeds, [output]);
    for (const v of outputs[output].data) sum += Number(v);
  }
  return sum;
}

async function time({ id, url, shapes }, { batch, repeats, seed }) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const inputs = workload(shapes, batch, seed);
    let chunk = batch;
    let checksum;
    try {
      checksum = await runBatch(session, inputs, shapes, batch, chunk);
    } catch (err) {
      if (batch === 1) throw err;
      chunk = 1;
      checksum = await runBatch(session, inputs, shapes, batch, chunk);
    }
    for (let i = 1; i < UNTIMED_RUNS; i++) await runBatch(session, inputs, shapes, batch, chunk);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await runBatch(session, inputs, shapes, batch, chunk);
      times.push(performance.now() - start);
    }
    return { id, medianMs: median(times), checksum, chunked: chunk !== batch };
  } finally {
    await session.release();
  }
}

self.onmessage = async ({ data }) => {
  try {
    const rows = [];
    for (const model of data.models) rows.push(await time(model, data));
    self.postMessage({ ok: true, version: ort.env.versions?.web ?? 'unknown', rows });
  } catch (err) {
    self.postMessage({ ok: false, error: `${err?.stack ?? err}` });
  }
};
