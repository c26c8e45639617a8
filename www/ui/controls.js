// Form controls bound to a lab's schema: each returns { el, set(value) } where `set` shows a
// value without firing the change callback (state flows down from the app, changes flow up
// through `onChange`).
import { h } from './dom.js';

let uid = 0;
const nextId = (name) => `control-${name}-${++uid}`;

// A slider for an int/float schema field, with the current value printed beside it.
export function rangeControl(name, field, { label, value, onChange, step = 1, format = String }) {
  const id = nextId(name);
  const input = h('input', { id, type: 'range', min: field.min, max: field.max, step, value });
  const output = h('output', { for: id, dataset: { testid: `${name}-value` } }, format(value));
  const parse = field.type === 'int' ? (text) => parseInt(text, 10) : Number;
  input.addEventListener('input', () => {
    output.textContent = format(parse(input.value));
    onChange(parse(input.value));
  });
  const el = h('div', { class: 'control control-range' }, h('label', { for: id }, label), input, output);
  return {
    el,
    set(v) {
      input.value = v;
      output.textContent = format(v);
    },
  };
}

// A drop-down; options: [{ value, label }]. setOptions replaces them (a model's layers).
export function selectControl(name, { label, options, value, onChange }) {
  const id = nextId(name);
  const select = h('select', { id, dataset: { testid: `${name}-select` } });
  select.addEventListener('change', () => onChange(select.value));
  const control = {
    el: h('div', { class: 'control control-select' }, h('label', { for: id }, label), select),
    set(v) {
      select.value = v;
    },
    setOptions(list, v) {
      select.replaceChildren(...list.map((o) => h('option', { value: o.value }, o.label)));
      select.value = v;
    },
  };
  control.setOptions(options, value);
  return control;
}

// A row of radio buttons for a short enum; options: [{ value, label, title }].
export function segmentedControl(name, { label, options, value, onChange }) {
  const group = `${nextId(name)}`;
  const inputs = options.map((o) => {
    const input = h('input', { type: 'radio', name: group, value: o.value, checked: o.value === value });
    input.addEventListener('change', () => input.checked && onChange(o.value));
    return { input, el: h('label', { class: 'segment', title: o.title }, input, h('span', {}, o.label)) };
  });
  return {
    el: h(
      'fieldset',
      { class: 'control control-segmented', dataset: { testid: `${name}-control` } },
      h('legend', {}, label),
      h('div', { class: 'segments' }, inputs.map((i) => i.el)),
    ),
    set(v) {
      for (const { input } of inputs) input.checked = input.value === v;
    },
  };
}

// A button that opens a file picker; onFile receives the chosen File.
export function fileControl(name, { label, accept, onFile }) {
  const id = nextId(name);
  const input = h('input', { id, type: 'file', accept, class: 'visually-hidden', dataset: { testid: `${name}-input` } });
  input.addEventListener('change', () => {
    const [file] = input.files;
    input.value = ''; // choosing the same file again still fires
    if (file) onFile(file);
  });
  return { el: h('div', { class: 'control control-file' }, h('label', { for: id, class: 'button' }, label), input) };
}

// Inputs whose arrow keys the page may take over: they hold no text cursor and no list.
const KEYLESS_INPUTS = new Set(['range', 'radio', 'checkbox', 'button', 'submit', 'reset', 'file', 'color']);

// True when the keyboard focus is in a text field or a list, which need the arrow keys
// themselves; anywhere else the arrows belong to the lab.
export function focusOwnsKeys(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') return true;
  return target instanceof HTMLInputElement && !KEYLESS_INPUTS.has(target.type);
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

// The arrow keys step something across the lab (a shift, a square, a target): onStep(sx, sy)
// with sx, sy in {-1, 0, 1}, unless the focus needs the arrows itself or a modifier is held.
// Returns the function that stops listening.
export function arrowKeys(onStep) {
  function onKey(event) {
    const step = ARROWS[event.key];
    if (!step || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (focusOwnsKeys(event.target)) return;
    event.preventDefault();
    onStep(...step);
  }
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
