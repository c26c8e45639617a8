// The shift modes in a sentence each, under a lab's mode buttons. The sentences are the
// core's (src/shift.rs, MODE_CHOICES), so the page, the link and the CLI describe a mode once;
// the selected mode is the one in bold.
import { h } from './dom.js';

/** @param {{ options: { value: string, label: string, title?: string }[] }} field @param {string} testid */
export function shiftModeNote(field, testid) {
  const items = field.options.map((o) => ({ value: o.value, el: h('li', { dataset: { mode: o.value } }, h('b', {}, o.label), ': ', o.title ?? '') }));
  const el = h('ul', { class: 'note mode-note', dataset: { testid } }, items.map((i) => i.el));
  return {
    el,
    /** @param {string} mode */
    show(mode) {
      for (const i of items) i.el.style.fontWeight = i.value === mode ? '600' : '';
    },
  };
}
