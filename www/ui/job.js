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
    // Ends a job that threw: "cancelled" (with `hint`, what to do to run it again) when the
    // user cancelled it, else "failed: …". Answers whether it was a cancel.
    fail(err, hint) {
      const cancelled = err.name === 'AbortError';
      this.finish(cancelled ? (hint ? `cancelled — ${hint}` : 'cancelled') : `failed: ${err.message}`);
      return cancelled;
    },
    // The usual job: start(label), then call({ signal, onProgress }) (the worker client's call
    // options), its progress shown as `progressLabel: done / total`. Answers the call's result;
    // an error ends the bar (see fail) and is thrown on. The caller finishes a success.
    async run(label, progressLabel, call, hint) {
      const signal = this.start(label);
      try {
        return await call({ signal, onProgress: (p) => this.progress(p.done, p.total, progressLabel) });
      } catch (err) {
        this.fail(err, hint);
        throw err;
      }
    },
  };
}
