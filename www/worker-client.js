// Promise-based access to the compute worker (worker.js holds the protocol).
//   const answer = await client.call('shiftView', payload, { onProgress, signal, transfer });
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
