// The worker's one store of downloaded and decoded things: models, images and raw files are
// loaded on first use and shared by every lab's handlers, so a file crosses the network once.
// model ref: { key, url | bytes, inputShapes, probes }; image ref: { key, url | bytes }.
// Bytes (a user's file) replace what the key held, but only once they have loaded: a broken
// file leaves the previous one in place.

const models = new Map(); // key|shapes|probes → Promise<core.Model>
const images = new Map(); // key → Promise<{ width, height, rgba }>
const files = new Map(); // url → Promise<Uint8Array>

export async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// A failed load is forgotten, so the next request tries again.
function cached(map, key, load) {
  let entry = map.get(key);
  if (!entry) {
    entry = load();
    map.set(key, entry);
    entry.catch(() => map.delete(key));
  }
  return entry;
}

function remember(map, key, value) {
  map.set(key, Promise.resolve(value));
  return value;
}

function urlOf(ref) {
  if (!ref.url) throw new Error(`"${ref.key}" is not loaded any more; please load it again`);
  return ref.url;
}

// A model is optimised for its input shapes and probe layers, so each combination is a model
// of its own (the borders lab runs one file at several input sizes).
export function modelFor(core, ref) {
  const key = `${ref.key ?? ref.url}|${JSON.stringify(ref.inputShapes)}|${ref.probes.join(',')}`;
  if (ref.bytes) return remember(models, key, new core.Model(ref.bytes, ref.inputShapes, ref.probes));
  return cached(models, key, async () => new core.Model(await download(urlOf(ref)), ref.inputShapes, ref.probes));
}

export function imageFor(core, ref) {
  if (ref.bytes) return remember(images, ref.key, core.decodeImage(ref.bytes));
  return cached(images, ref.key, async () => core.decodeImage(await download(urlOf(ref))));
}

export function fileFor(url) {
  return cached(files, url, () => download(url));
}
