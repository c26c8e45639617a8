// The compute worker: all inference runs here so the page never freezes.
// Protocol (see worker-client.js):
//   in:  { id, type, payload }          a request
//        { type: 'cancel', id }         stop a long job at its next checkpoint
//   out: { id, progress }               zero or more progress reports of a long job
//        { id, ok: true, result }       the answer (typed-array buffers are transferred)
//        { id, ok: false, error, cancelled }
// Models and images are referenced by a caller-chosen key and loaded on first use, so every
// request is self-contained and the big buffers cross the thread boundary once.

import { imageFor, modelFor } from './compute/assets.js';
import { poolingHandlers } from './compute/pooling.js';
import { sweepHandlers } from './compute/sweep.js';
import { positionHandlers } from './compute/position.js';
import { bordersHandlers } from './compute/borders.js';
import { coordconvHandlers } from './compute/coordconv.js';
import { siameseHandlers } from './compute/siamese.js';
import { benchmarkHandlers } from './compute/benchmark.js';

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

// Loaded with a dynamic import so that a missing build (www/pkg) becomes a readable error
// answer instead of a worker that silently fails to start.
const ready = (async () => {
  let core;
  try {
    core = await import('./pkg/shiftlab.js');
  } catch (err) {
    throw new Error(
      `the ShiftLab core (www/pkg/shiftlab.js) could not be loaded — has scripts/build.sh run? (${messageOf(err)})`,
    );
  }
  const exports = await core.default();
  core.start();
  return { core, memory: exports.memory };
})();
// Every request awaits `ready` and reports its failure; this only keeps the worker's own
// console free of a duplicate "uncaught" report.
ready.catch(() => {});

const jobs = new Map(); // request id → job (for cancel)

const HANDLERS = {
  ...poolingHandlers,
  ...sweepHandlers,
  ...positionHandlers,
  ...bordersHandlers,
  ...coordconvHandlers,
  ...siameseHandlers,
  ...benchmarkHandlers,
  // Decodes (and caches) an image; answers its size, or the decoder's message.
  async loadImage({ image }, job, core) {
    const { width, height } = await imageFor(core, image);
    return { width, height };
  },

  // The model's nodes with their output shapes, for layer pickers.
  async layers({ model }, job, core) {
    return (await modelFor(core, model)).layers();
  },

  async run({ model, inputs, n }, job, core) {
    return (await modelFor(core, model)).run(inputs, n);
  },

  async prepare({ image, opts }, job, core) {
    return core.prepare(await imageFor(core, image), opts);
  },

  async shiftView({ model, image, opts }, job, core) {
    const [m, img] = await Promise.all([modelFor(core, model), imageFor(core, image)]);
    return core.shiftView(m, img, opts);
  },

  async colorize({ data, width, height, map, lo, hi }, job, core) {
    return core.colorize(data, width, height, map, lo, hi);
  },

  async legend({ map, width }, job, core) {
    return core.legend(map, width);
  },

  // A long job: the model's output for the image at every shift in `shifts` ([{dx, dy}]),
  // run in batches with progress and cancel. opts as for prepare (without dx, dy); the model
  // must have one input. Answers { outputSize, outputs } with outputs[i*outputSize + k].
  async sweep({ model, image, opts, shifts, batchSize = 16 }, job, core) {
    const [m, img] = await Promise.all([modelFor(core, model), imageFor(core, image)]);
    if (model.inputShapes.length !== 1) throw new Error('a shift sweep needs a model with one input');
    const inputSize = opts.shape.reduce((a, b) => a * b, 1);
    let outputs = null;
    let outputSize = 0;
    for (let start = 0; start < shifts.length; start += batchSize) {
      const batch = shifts.slice(start, start + batchSize);
      const input = new Float32Array(batch.length * inputSize);
      batch.forEach(({ dx, dy }, i) => {
        input.set(core.prepare(img, { ...opts, dx, dy }).tensor, i * inputSize);
      });
      const { output } = m.run([input], batch.length);
      if (!outputs) {
        outputSize = output.data.length / batch.length;
        outputs = new Float32Array(shifts.length * outputSize);
      }
      outputs.set(output.data, start * outputSize);
      job.progress({ done: start + batch.length, total: shifts.length });
      await job.checkpoint();
    }
    return { outputSize, outputs: outputs ?? new Float32Array(0) };
  },
};

function messageOf(err) {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

// The buffers behind the typed arrays of an answer, except the wasm memory itself (which a
// view returned by the core could point into and which must never be detached).
function transferables(value, memory, found = new Set()) {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer !== memory.buffer) found.add(value.buffer);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) transferables(item, memory, found);
  }
  return [...found];
}

function makeJob(id) {
  const job = {
    cancelled: false,
    progress(progress) {
      self.postMessage({ id, progress });
    },
    // Between batches: yield so a cancel message can arrive, then stop if it did.
    async checkpoint() {
      await new Promise((resolve) => setTimeout(resolve));
      if (job.cancelled) throw new Cancelled();
    },
  };
  return job;
}

self.onmessage = async ({ data }) => {
  if (data.type === 'cancel') {
    const job = jobs.get(data.id);
    if (job) job.cancelled = true;
    return;
  }
  const { id, type, payload } = data;
  const job = makeJob(id);
  jobs.set(id, job);
  try {
    const { core, memory } = await ready;
    const handler = HANDLERS[type];
    if (!handler) throw new Error(`the worker has no request "${type}"`);
    const result = await handler(payload, job, core);
    self.postMessage({ id, ok: true, result }, transferables(result, memory));
  } catch (err) {
    self.postMessage({ id, ok: false, error: messageOf(err), cancelled: err instanceof Cancelled });
  } finally {
    jobs.delete(id);
  }
};
