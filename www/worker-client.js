// Promise-based access to the compute worker (worker.js holds the protocol).
//   const result = await client.run('shift', request, { onProgress, signal });
// runs a lab's request, the same JSON `shiftlab experiment <lab> '<json>'` takes; every request
// is also kept with its result in `globalThis.shiftlabRequests` (the last 100), so the page
// tests can send the page's own requests to the CLI and compare the answers.
// `transfer` lists ArrayBuffers to hand over instead of copying (the caller must not use them
// afterwards); aborting `signal` cancels a long job and rejects with an AbortError.

export class WorkerClient {
  constructor(url = new URL('./worker.js', import.meta.url)) {
    this.nextId = 1;
    this.pending = new Map(); // id → { resolve, reject, onProgress }
    this.failure = null; // set once the worker itself has died
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(`the compute worker stopped: ${event.message || 'its script could not be loaded'}`);
    };
    this.worker.onmessageerror = () => this.fail('the compute worker sent a message that could not be read');
  }

  async run(lab, request, options = {}) {
    const entry = { lab, request: structuredClone(request), result: undefined };
    const log = (globalThis.shiftlabRequests ??= []);
    log.push(entry);
    if (log.length > 100) log.shift();
    entry.result = await this.call('run', { lab, request }, options);
    return entry.result;
  }

  // Hands the worker the bytes of a user's file under `key`; an image is decoded at once and
  // answers `{ width, height }` or rejects with the decoder's message.
  put(key, bytes, { image = false } = {}) {
    return this.call('put', { key, bytes, image }, { transfer: [bytes.buffer] });
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
      const entry = { resolve, reject, onProgress };
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
      this.worker.postMessage({ id, type, payload }, transfer);
    });
  }

  receive(message) {
    const entry = this.pending.get(message.id);
    if (!entry) return; // answer to a request that was cancelled meanwhile
    if (message.progress) {
      entry.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    entry.signal?.removeEventListener('abort', entry.onAbort);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(message.error));
  }

  fail(reason) {
    this.failure = reason;
    for (const entry of this.pending.values()) entry.reject(new Error(reason));
    this.pending.clear();
  }
}

function abortError() {
  return new DOMException('the request was cancelled', 'AbortError');
}
