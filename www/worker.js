// The compute worker: every lab's computation runs here, through the core's one job protocol
// (src/wasm/job.rs), so the page never freezes. Messages (see worker-client.js):
//   in:  { id, type, payload }   type: run | layout | shards | merge | put
//        { type: 'cancel', id }  stop a long job at its next step
//   out: { id, progress }        zero or more progress reports of a long job
//        { id, ok: true, result }
//        { id, ok: false, error, cancelled, trap }
// Assets are fetched once (the site's models/ folder) or handed over (the user's files, put)
// and kept, decoded, in the core's store.

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
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
  return { memory: exports.memory, store };
})();
// Every request awaits `ready` and reports its failure; this only keeps the worker's own
// console free of a duplicate "uncaught" report.
ready.catch(() => {});

const jobs = new Map(); // request id → job (for cancel)

// Only files of the site's models/ folder are fetched: a request names nothing else.
const FETCHABLE = /^models\/(?:[\w-]+\/)*[\w-]+(?:\.[\w-]+)+$/;

// Plans a lab's job for `request` (the JSON `shiftlab experiment <lab>` takes), once the assets
// it reads are fetched, hands it to `use` and frees it afterwards, whatever happens.
async function withJob(store, lab, request, use) {
  const missing = store.missing(lab, request);
  await Promise.all(
    missing.map(async (key) => {
      if (!FETCHABLE.test(key)) throw new Error(`${key} is not loaded; please load it again`);
      store.put(key, await download(new URL(`../${key}`, import.meta.url).href));
    }),
  );
  const planned = store.start(lab, request);
  try {
    return await use(planned);
  } finally {
    planned.free();
  }
}

// Runs the job step by step, reporting progress and stopping between steps when cancelled.
function runLab({ lab, request }, job, store) {
  return withJob(store, lab, request, async (planned) => {
    const total = planned.total();
    for (let i = 0; i < total; i++) {
      planned.step(i);
      if (total > 1) {
        job.progress({ done: i + 1, total });
        await job.checkpoint();
      }
    }
    return planned.finish();
  });
}

// The worker pool (worker-pool.js) first asks how a job is laid out, then has each worker
// compute the parts of some of its steps, then one worker finish from all parts in order.
function layout({ lab, request }, job, store) {
  return withJob(store, lab, request, (planned) => ({ total: planned.total(), poolable: planned.poolable() }));
}

function shards({ lab, request, indices }, job, store) {
  return withJob(store, lab, request, async (planned) => {
    const parts = [];
    for (const index of indices) {
      parts.push(planned.shard(index));
      job.progress({ done: parts.length, total: indices.length });
      await job.checkpoint();
    }
    return parts;
  });
}

function merge({ lab, request, parts }, job, store) {
  return withJob(store, lab, request, (planned) => planned.finishWith(parts));
}

// The user's file, kept under `key` (its content hash); an image is decoded at once so that
// a broken file is reported now, and then removed.
function putAsset({ key, bytes, image }, job, store) {
  store.put(key, bytes);
  return image ? store.checkImage(key) : {};
}

const HANDLERS = { run: runLab, put: putAsset, layout, shards, merge };

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
    const { memory, store } = await ready;
    const handler = HANDLERS[type];
    if (!handler) throw new Error(`the worker has no request "${type}"`);
    const result = await handler(payload, job, store);
    self.postMessage({ id, ok: true, result }, { transfer: transferables(result, memory) });
  } catch (err) {
    // A trap may leave the wasm instance broken: the client replaces this worker.
    const trap = err instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, error: messageOf(err), cancelled: err instanceof Cancelled, trap });
  } finally {
    jobs.delete(id);
  }
};
