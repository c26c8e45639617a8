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
const ID_PATTERN = /^upload:[0-9a-f]{64}$/;

export function isUserModelId(id) {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

export function descriptionKey(id) {
  return `${id}.json`;
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

/** @typedef {{ put: (key: string, bytes: Uint8Array) => Promise<unknown> }} Client */

// The description to the workers, and the model's entry (new or replaced) to the page's list.
async function describe(client, manifest, id, name, description) {
  await client.put(descriptionKey(id), new TextEncoder().encode(JSON.stringify(description)));
  const entry = entryOf(id, name, description);
  const at = manifest.models.findIndex((m) => m.id === id);
  if (at >= 0) manifest.models[at] = entry;
  else manifest.models.push(entry);
}

/**
 * Hand a model to the workers and the page's model list, and keep it in the browser.
 * @param {Client} client
 * @param {{ models: any[] }} manifest
 */
export async function addUserModel(client, manifest, { id, name, bytes, description }, { persist = true } = {}) {
  await client.put(id, bytes.slice());
  await describe(client, manifest, id, name, description);
  missingModels.delete(id);
  if (persist) await transact('readwrite', (store) => store.put({ id, name, bytes, description }));
}

/**
 * Give a user's model a new description (input size, normalisation, output, probes).
 * @param {Client} client
 * @param {{ models: any[] }} manifest
 */
export async function describeUserModel(client, manifest, id, description) {
  const loaded = manifest.models.find((m) => m.id === id);
  if (!loaded) throw new Error('the model is not loaded');
  await describe(client, manifest, id, loaded.variant, description);
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
