// The compute worker: all inference runs here so the page never freezes.
// Protocol (see worker-client.js):
//   in:  { id, type, payload }          a request
//        { type: 'cancel', id }         stop a long job at its next checkpoint
//   out: { id, progress }               zero or more progress reports of a long job
//        { id, ok: true, result }       the answer (typed-array buffers are transferred)
//        { id, ok: false, error, cancelled }
// Models and images are referenced by a caller-chosen key and loaded on first use, so every
// request is self-contained and the big buffers cross the thread boundary once.

import { download, imageFor, modelFor } from './compute/assets.js';
import { poolingHandlers } from './compute/pooling.js';
import { sweepHandlers } from './compute/sweep.js';
import { positionHandlers } from './compute/position.js';
import { bordersHandlers } from './compute/borders.js';
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
  const store = new core.Store(new TextDecoder().decode(await download(new URL('../models/manifest.json', import.meta.url).href)));
  return { core, memory: exports.memory, store };
})();
// Every request awaits `ready` and reports its failure; this only keeps the worker's own
// console free of a duplicate "uncaught" report.
ready.catch(() => {});

const jobs = new Map(); // request id → job (for cancel)

// Only files of the site's models/ folder are fetched: a request names nothing else.
const FETCHABLE = /^models\/(?:[\w-]+\/)*[\w-]+(?:\.[\w-]+)+$/;

// A lab's request (the JSON `shiftlab experiment <lab>` takes): fetch what it needs, then
// run its job step by step, reporting progress and stopping between steps when cancelled.
async function runLab({ lab, request }, job, { store }) {
  const missing = store.missing(lab, request);
  await Promise.all(
    missing.map(async (key) => {
      if (!FETCHABLE.test(key)) throw new Error(`${key} is not loaded; please load it again`);
      store.put(key, await download(new URL(`../${key}`, import.meta.url).href));
    }),
  );
  const planned = store.start(lab, request);
  try {
    const total = planned.total();
    for (let i = 0; i < total; i++) {
      planned.step(i);
      if (total > 1) {
        job.progress({ done: i + 1, total });
        await job.checkpoint();
      }
    }
    return planned.finish();
  } finally {
    planned.free();
  }
}

// The user's file, kept under `key` (its content hash); an image is decoded at once so that
// a broken file is reported now, and then removed.
function putAsset({ key, bytes, image }, job, { store }) {
  store.put(key, bytes);
  return image ? store.checkImage(key) : {};
}

const HANDLERS = {
  run: runLab,
  put: putAsset,
  ...poolingHandlers,
  ...sweepHandlers,
  ...positionHandlers,
  ...bordersHandlers,
  ...benchmarkHandlers,
  // Decodes (and caches) an image; answers its size, or the decoder's message.
  async loadImage({ image }, job, core) {
    const { width, height } = await imageFor(core, image);
    return { width, height };
  },

  async colorize({ data, width, height, map, lo, hi }, job, core) {
    return core.colorize(data, width, height, map, lo, hi);
  },

  async legend({ map, width }, job, core) {
    return core.legend(map, width);
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
    const { core, memory, store } = await ready;
    const handler = HANDLERS[type];
    if (!handler) throw new Error(`the worker has no request "${type}"`);
    const result = await handler(payload, job, handler === runLab || handler === putAsset ? { store } : core);
    self.postMessage({ id, ok: true, result }, transferables(result, memory));
  } catch (err) {
    self.postMessage({ id, ok: false, error: messageOf(err), cancelled: err instanceof Cancelled });
  } finally {
    jobs.delete(id);
  }
};
