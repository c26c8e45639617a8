// The model zoo as described by models/manifest.json, and how the worker is told to load one.

export const MANIFEST_URL = new URL('../models/manifest.json', import.meta.url);

// A missing or broken manifest leaves an empty zoo plus the reason, so the page still opens.
export async function loadManifest() {
  try {
    const response = await fetch(MANIFEST_URL);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const manifest = await response.json();
    if (!Array.isArray(manifest.models)) throw new Error('it has no "models" list');
    return { manifest, error: null };
  } catch (err) {
    return { manifest: { models: [] }, error: `The model list (models/manifest.json) could not be read: ${err.message}` };
  }
}

export function modelsWithTask(manifest, task) {
  return manifest.models.filter((m) => m.task === task);
}

export function modelById(manifest, id) {
  return manifest.models.find((m) => m.id === id) ?? null;
}

// The worker's model reference: loaded once per key, every manifest probe captured.
export function modelRef(model) {
  return {
    key: model.id,
    url: new URL(model.file, MANIFEST_URL).href,
    inputShapes: model.inputs.map((input) => input.shape),
    probes: model.probes.map((probe) => probe.node),
  };
}
