// A lab's URL schema built from its settings in the Rust core (www/generated/labs.js), so
// defaults, limits and choices are defined once, in the lab's Rust module. What only the page
// knows — which manifest models and images fit, a model's layers — comes as overrides: for
// `dynamic` settings the lab gives `choices` and `default` as functions of the state before.
import { SETTINGS } from './generated/labs.js';

/** @typedef {import('./generated/types').Setting} Setting */

function fieldOf(setting) {
  const common = { label: setting.label, ...(setting.note ? { note: setting.note } : {}) };
  switch (setting.type) {
    case 'int':
      return { ...common, type: 'int', min: setting.min, max: setting.max, default: setting.default };
    case 'float':
      return { ...common, type: 'float', min: setting.min, max: setting.max, default: setting.default, step: setting.step };
    case 'enum':
      return { ...common, type: 'enum', choices: setting.choices.map((c) => c.value), options: setting.choices, default: setting.default };
    case 'model': {
      const ids = (s, env) => env.manifest.models.filter((m) => m.task === setting.task).map((m) => m.id);
      return { ...common, type: 'enum', choices: ids, default: setting.default };
    }
    case 'dynamic':
      return { ...common, type: 'enum', choices: () => [], default: setting.default };
    default:
      throw new Error(`unknown setting type ${JSON.stringify(setting)}`);
  }
}

// The schema of lab `id`: its Rust settings in order, each merged with `overrides[name]`.
export function schemaFor(id, overrides = {}) {
  const settings = SETTINGS[id];
  if (!settings) throw new Error(`the core has no lab "${id}"`);
  const schema = {};
  for (const setting of settings) schema[setting.name] = { ...fieldOf(setting), ...(overrides[setting.name] ?? {}) };
  for (const name of Object.keys(overrides)) {
    if (!(name in schema)) throw new Error(`lab "${id}" has no setting "${name}" in the core`);
  }
  return schema;
}
