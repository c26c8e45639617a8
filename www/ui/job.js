// The progress bar and Cancel button of a lab's long worker job.
import { h } from './dom.js';

// One long job at a time: start() aborts the previous one and hands out the signal to pass
// to the worker client.
export function jobBar(testid) {
  const bar = h('progress', { max: 1, value: 0 });
  const text = h('span', { class: 'note', dataset: { testid: `${testid}-status` } });
  let controller = null;
  const cancel = h('button', { type: 'button', disabled: true, dataset: { testid: `${testid}-cancel` }, onclick: () => controller?.abort() }, 'Cancel');
  const el = h('div', { class: 'job', dataset: { testid }, style: { display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' } }, bar, cancel, text);
  return {
    el,
    start(label) {
      controller?.abort();
      controller = new AbortController();
      bar.value = 0;
      text.textContent = label;
      cancel.disabled = false;
      return controller.signal;
    },
    progress(done, total, label) {
      bar.value = total ? done / total : 0;
      text.textContent = `${label}: ${done} / ${total}`;
    },
    finish(message) {
      controller = null;
      cancel.disabled = true;
      if (message !== undefined) text.textContent = message;
    },
  };
}
