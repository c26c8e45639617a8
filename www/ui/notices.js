// The notice area under the header: errors, warnings (a link that could not be fully used)
// and short confirmations. A notice with a key replaces the previous one with that key, so a
// repeated error does not stack up. Info notices fade by themselves; the rest stay until
// dismissed.
import { h } from './dom.js';

const INFO_SECONDS = 6;

export function createNotices(container) {
  const byKey = new Map();

  function dismiss(key) {
    byKey.get(key)?.remove();
    byKey.delete(key);
  }

  function notify(message, kind = 'info', { key = message } = {}) {
    dismiss(key);
    const close = h('button', { class: 'notice-close', type: 'button', 'aria-label': 'Dismiss', onclick: () => dismiss(key) }, '×');
    const el = h(
      'div',
      { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: { testid: 'notice', kind } },
      h('p', {}, message),
      close,
    );
    container.append(el);
    byKey.set(key, el);
    if (kind === 'info') setTimeout(() => byKey.get(key) === el && dismiss(key), INFO_SECONDS * 1000);
  }

  return { notify, dismiss };
}
