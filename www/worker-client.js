// Promise-based access to the compute worker (worker.js holds the protocol).
//   const result = await client.run('shift', request, { onProgress, signal });
// runs a lab's request, the same JSON `shiftlab experiment <lab> '<json>'` takes; every request
// is also kept with its result in `globalThis.shiftlabRequests` (the last 100), so the page
// tests can send the page's own requests to the CLI and compare the answers.
// `transfer` lists ArrayBuffers to hand over instead of copying (the caller must not use them
// afterwards); aborting `signal` cancels a long job and rejects with an AbortError.

// A worker whose wasm trapped (a panic, an out-of-bounds access) or that died is replaced by a
// fresh one: the user's files are handed over again and the requests in flight are sent once
// more; `onRestart(reason)` tells the page. A worker that keeps dying is given up on.
const MAX_RESTARTS = 3;

export class WorkerClient {
  constructor(url = new URL('./worker.js', import.meta.url)) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map(); // id → { resolve, reject, onProgress, message, retried }
    this.uploads = new Map(); // key → a copy of the bytes, to hand to a restarted worker
    this.failure = null; // set once the worker is given up on
    this.restarts = 0;
    /** @type {((reason: string) => void) | null} */
    this.onRestart = null;
    this.startWorker();
  }

  startWorker() {
    this.worker = new Worker(this.url, { type: 'module' });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.restart(`the compute worker stopped: ${event.message || 'its script could not be loaded'}`);
    };
    this.worker.onmessageerror = () => this.restart('the compute worker sent a message that could not be read');
  }

  restart(reason) {
    this.worker.terminate();
    const inFlight = [...this.pending.entries()];
    this.pending.clear();
    if (++this.restarts > MAX_RESTARTS) {
      this.failure = `${reason} (given up after ${MAX_RESTARTS} restarts; reload the page)`;
      for (const [, entry] of inFlight) entry.reject(new Error(this.failure));
      return;
    }
    this.startWorker();
    for (const [key, bytes] of this.uploads) {
      this.worker.postMessage({ id: this.nextId++, type: 'put', payload: { key, bytes: bytes.slice(), image: false } });
    }
    this.onRestart?.(reason);
    for (const [id, entry] of inFlight) {
      if (entry.retried || entry.message.type !== 'run') {
        entry.reject(new Error(`${reason}; the worker was restarted`));
      } else {
        entry.retried = true;
        this.pending.set(id, entry);
        this.worker.postMessage(entry.message);
      }
    }
  }

  run(lab, request, options = {}) {
    return logged(lab, request, () => this.call('run', { lab, request }, options));
  }

  // Hands the worker the bytes of a user's file under `key`; an image is decoded at once and
  // answers `{ width, height }` or rejects with the decoder's message.
  put(key, bytes, { image = false } = {}) {
    const kept = bytes.slice();
    return this.call('put', { key, bytes, image }, { transfer: [bytes.buffer] }).then((answer) => {
      this.uploads.set(key, kept);
      return answer;
    });
  }

  /**
   * @param {string} type
   * @param {object} [payload]
   * @param {{ onProgress?: (p: { done: number, total: number }) => void, signal?: AbortSignal, transfer?: Transferable[] }} [options]
   */
  call(type, payload = {}, { onProgress, signal, transfer = [] } = {}) {
    if (this.failure) return Promise.reject(new Error(this.failure));
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const message = { id, type, payload };
      const entry = { resolve, reject, onProgress, message, retried: false };
      if (signal) {
        entry.onAbort = () => {
          this.pending.delete(id);
          this.worker.postMessage({ type: 'cancel', id });
          reject(abortError());
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
        entry.signal = signal;
      }
      this.pending.set(id, entry);
      this.worker.postMessage(message, transfer);
    });
  }

  receive(message) {
    const entry = this.pending.get(message.id);
    if (!entry) return; // answer to a request that was cancelled meanwhile
    if (message.progress) {
      entry.onProgress?.(message.progress);
      return;
    }
    if (message.trap) {
      this.restart(`the computation crashed (${message.error})`);
      return;
    }
    this.pending.delete(message.id);
    entry.signal?.removeEventListener('abort', entry.onAbort);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(message.error));
  }
}

// Answers what `answer()` answers, kept with its lab and request in the page's request log.
export async function logged(lab, request, answer) {
  const entry = { lab, request: structuredClone(request), result: undefined };
  const log = (globalThis.shiftlabRequests ??= []);
  log.push(entry);
  if (log.length > 100) log.shift();
  entry.result = await answer();
  return entry.result;
}

function abortError() {
  return new DOMException('the request was cancelled', 'AbortError');
}
