// The page's compute workers: one for interactive calls (dragging stays responsive) and a pool
// of min(hardwareConcurrency, 8) for long jobs, each worker with its own wasm instance and
// asset store. A long job whose steps are independent (the core's map_reduce jobs) is spread
// over the pool — each worker computes the parts of every n-th step — and one worker finishes
// it from all parts in step order, so the numbers equal a one-worker run exactly. Other jobs
// run on one pool worker. Same interface as WorkerClient: run(lab, request, options), put().
import { WorkerClient, logged } from './worker-client.js';

const MAX_POOL = 8;

export class WorkerPool {
  constructor(size = Math.min(navigator.hardwareConcurrency || 1, MAX_POOL)) {
    this.size = Math.max(1, size);
    this.interactive = new WorkerClient();
    /** @type {WorkerClient[]} started on the first long job, so they do not slow the first view */
    this.pool = [];
    this.uploads = new Map(); // key → bytes, for pool workers started later
    this.next = 0;
    /** @type {((reason: string) => void) | null} */
    this.restartCallback = null;
  }

  set onRestart(callback) {
    this.restartCallback = callback;
    for (const client of [this.interactive, ...this.pool]) client.onRestart = callback;
  }

  startPool() {
    if (this.pool.length > 0) return;
    for (let i = 0; i < this.size; i++) {
      const client = new WorkerClient();
      client.onRestart = this.restartCallback;
      for (const [key, bytes] of this.uploads) client.put(key, bytes.slice()).catch(() => {});
      this.pool.push(client);
    }
  }

  // Every worker gets the user's file, so any of them can run a job that reads it.
  async put(key, bytes, options) {
    this.uploads.set(key, bytes.slice());
    // All settle together, so a refused file is one rejection, not one per worker.
    const others = this.pool.map((c) => c.put(key, bytes.slice(), options));
    const [answer] = await Promise.all([this.interactive.put(key, bytes, options), ...others]);
    return answer;
  }

  // A long job (one with onProgress) goes to the pool; anything else to the interactive worker.
  /**
   * @param {string} lab
   * @param {object} request
   * @param {{ onProgress?: (p: { done: number, total: number }) => void, signal?: AbortSignal }} [options]
   */
  async run(lab, request, options = {}) {
    if (!options.onProgress) return this.interactive.run(lab, request, options);
    this.startPool();
    const first = this.pool[this.next++ % this.pool.length];
    const { total, poolable } = await first.call('layout', { lab, request }, { signal: options.signal });
    if (!poolable || total < 2 || this.pool.length < 2) return first.run(lab, request, options);
    return this.spread(lab, request, total, options);
  }

  /** @param {{ onProgress?: (p: { done: number, total: number }) => void, signal?: AbortSignal }} options */
  async spread(lab, request, total, options) {
    const { signal, onProgress } = options;
    const workers = this.pool.slice(0, Math.min(this.pool.length, total));
    const done = new Array(workers.length).fill(0);
    const report = () => onProgress?.({ done: done.reduce((a, b) => a + b, 0), total });
    const answers = await Promise.all(
      workers.map((client, w) => {
        const indices = [];
        for (let i = w; i < total; i += workers.length) indices.push(i);
        return client.call(
          'shards',
          { lab, request, indices },
          { signal, onProgress: (p) => ((done[w] = p.done), report()) },
        ).then((parts) => ({ indices, parts }));
      }),
    );
    const parts = new Array(total);
    for (const { indices, parts: got } of answers) indices.forEach((index, k) => (parts[index] = got[k]));
    return logged(lab, request, () => workers[0].call('merge', { lab, request, parts }, { signal }));
  }
}
