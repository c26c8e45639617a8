// Your own models: kept in this browser (IndexedDB, keyed by the file's sha256), never uploaded.
// A model of yours is a model like the shipped ones: its id is its worker asset key
// `upload:<sha256>`, its description (the sidecar: a manifest entry) is stored next to it under
// `upload:<sha256>.json`, and it joins the page's model list, so every lab that takes a
// classifier can choose it and a link can name it.

/** @typedef {import('./generated/types').AuditReport} AuditReport */

// Checked before the file is read: a browser tab cannot hold much more next to tract's plan.
export const MAX_MODEL_BYTES = 200 * 1024 * 1024;
const DB_NAME = 'shiftlab';
const STORE = 'models';
export const USER_PREFIX = 'upload:';
const ID_PATTERN = /^upload:[0-9a-f]{64}$/;

export function isUserModelId(id) {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

export function descriptionKey(id) {
  return `${id}.json`;
}

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// IndexedDB may be missing (private windows of some browsers): then models live for the visit.
function openDb() {
  return new Promise((resolve) => {
    if (!globalThis.indexedDB) return resolve(null);
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
}

async function transact(mode, action) {
  const db = await openDb();
  if (!db) return null;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error('the browser could not store the model'));
  });
}

/** @returns {Promise<Array<{ id: string, name: string, bytes: Uint8Array, description: any }>>} */
async function savedModels() {
  return (await transact('readonly', (store) => store.getAll())) ?? [];
}

// Models a link names that this browser does not have: the audit view asks for their file.
export const missingModels = new Set();

// The manifest entry of a user's model: its description with the fields the page derives.
function entryOf(id, name, description) {
  return { ...description, id, file: id, family: 'yours', variant: name, task: description.task ?? 'classification', probes: description.probes ?? [], labels: description.labels ?? [] };
}

/**
 * Hand a model to the workers and the page's model list, and keep it in the browser.
 * @param {{ put: (key: string, bytes: Uint8Array) => Promise<unknown> }} client
 * @param {{ models: any[] }} manifest
 */
export async function addUserModel(client, manifest, { id, name, bytes, description }, { persist = true } = {}) {
  await client.put(id, bytes.slice());
  await client.put(descriptionKey(id), new TextEncoder().encode(JSON.stringify(description)));
  const entry = entryOf(id, name, description);
  const at = manifest.models.findIndex((m) => m.id === id);
  if (at >= 0) manifest.models[at] = entry;
  else manifest.models.push(entry);
  missingModels.delete(id);
  if (persist) await transact('readwrite', (store) => store.put({ id, name, bytes, description }));
  return entry;
}

/**
 * Give a user's model a new description (input size, normalisation, output, probes).
 * @param {{ put: (key: string, bytes: Uint8Array) => Promise<unknown> }} client
 * @param {{ models: any[] }} manifest
 */
export async function describeUserModel(client, manifest, id, description) {
  await client.put(descriptionKey(id), new TextEncoder().encode(JSON.stringify(description)));
  const at = manifest.models.findIndex((m) => m.id === id);
  if (at < 0) throw new Error('the model is not loaded');
  manifest.models[at] = entryOf(id, manifest.models[at].variant, description);
  const saved = await transact('readonly', (store) => store.get(id));
  if (saved) await transact('readwrite', (store) => store.put({ ...saved, description }));
}

export async function removeUserModel(manifest, id) {
  const at = manifest.models.findIndex((m) => m.id === id);
  if (at >= 0) manifest.models.splice(at, 1);
  await transact('readwrite', (store) => store.delete(id));
}

// At start: every model this browser keeps joins the list, and the user models the link names
// that it does not keep are noted as missing (the audit view then asks for their file).
export async function restoreUserModels(client, manifest, hash) {
  for (const saved of await savedModels()) {
    await addUserModel(client, manifest, saved, { persist: false }).catch(() => {});
  }
  for (const [, id] of hash.matchAll(/(?:^|[&#])(?:model|modelA|modelB)=(upload(?::|%3A)[0-9a-f]{64})/g)) {
    const key = decodeURIComponent(id);
    if (!manifest.models.some((m) => m.id === key)) missingModels.add(key);
  }
}

export function userModels(manifest) {
  return manifest.models.filter((m) => isUserModelId(m.id));
}
