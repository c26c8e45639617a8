// The controls of a lab's labelled settings, built by the shell from the lab's schema (so a
// lab never wires a slider to its setting by hand) and kept in step with the state.
//   int / float       a slider with its value
//   enum with options a row of buttons (up to 5 fixed choices whose labels fit in one row of
//                     a control, about SEGMENT_CHARACTERS characters) or a drop-down
//   enum (dynamic)    a drop-down whose entries follow the state (a model's layers);
//                     `optionLabel(value, state, env)` names an entry
import { rangeControl, segmentedControl, selectControl } from './controls.js';

const SEGMENTS = 5;
// Beyond this many characters of labels a row of buttons no longer fits the narrowest control
// column (210 px, style.css) and its last button is cut off.
const SEGMENT_CHARACTERS = 24;

function optionsOf(field, state, env) {
  if (field.options) return field.options;
  const choices = typeof field.choices === 'function' ? field.choices(state, env) : field.choices;
  return choices.map((value) => ({ value, label: field.optionLabel?.(value, state, env) ?? value }));
}

function controlOf(name, field, state, env, onChange) {
  const { label } = field;
  const value = state[name];
  if (field.type === 'int' || field.type === 'float') {
    return rangeControl(name, field, { label, value, step: field.step ?? 1, onChange });
  }
  const options = optionsOf(field, state, env);
  const characters = options.reduce((n, o) => n + o.label.length, 0);
  if (field.options && options.length <= SEGMENTS && characters <= SEGMENT_CHARACTERS) return segmentedControl(name, { label, options, value, onChange });
  return selectControl(name, { label, options, value, onChange });
}

// Controls for every setting of `schema` that has a label; `sync(state)` shows a state.
export function schemaControls(schema, state, env, setState) {
  const controls = {};
  const shownOptions = {};
  for (const [name, field] of Object.entries(schema)) {
    if (!field.label || field.control === false) continue;
    controls[name] = controlOf(name, field, state, env, (value) => setState({ [name]: value }));
    if (field.type === 'enum' && !field.options) shownOptions[name] = JSON.stringify(optionsOf(field, state, env));
  }
  function sync(next) {
    for (const [name, control] of Object.entries(controls)) {
      const field = schema[name];
      if (name in shownOptions) {
        const options = optionsOf(field, next, env);
        const key = JSON.stringify(options);
        if (key !== shownOptions[name]) {
          shownOptions[name] = key;
          control.setOptions(options, next[name]);
        }
      }
      control.set(next[name]);
    }
  }
  return { controls, sync };
}
