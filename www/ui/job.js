// The progress bar and Cancel button of a lab's long worker job.
import { h } from './dom.js';

// One long job at a time: start() aborts the previous one and hands out the signal to pass
// to the worker client.
export function jobBar(testid) {
  const bar = h('progress', { max: 1, value: 0 });
  const text = h('span', { class: 'note', dataset: { testid: `${testid}-status` } });
  let controller = null;
  const abort = () => controller?.abort();
  const cancel = h('button', { type: 'button', disabled: true, dataset: { testid: `${testid}-cancel` }, onclick: abort }, 'Cancel');
  const el = h('div', { class: 'job', dataset: { testid }, style: { display: 'flex', gap: '0.5rem', alignItems: 'center', flexWrap: 'wrap' } }, bar, cancel, text);
  return {
    el,
    // Stops the running job, as the Cancel button does.
    cancel: abort,
    start(label) {
      abort();
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
    // A long job drawn first from a part of its items (`all` of them, named `items`), then from
    // all of them: for each size of previewSizes(all, first), draw(await call(size, options), size). After a partial draw the
    // render's refining() tells the page a complete first view is up (the status pill says so)
    // while the whole is measured; the drawing names the part it shows. Answers the last result.
    /** @param {{ label: string, progressLabel: string, items: string, all: number, first: number, call: (size: number, options: object) => Promise<any>, draw: (result: any, size: number) => unknown, refining: () => unknown, hint?: string }} job */
    async refine({ label, progressLabel, items, all, first, call, draw, refining, hint }) {
      let result;
      let shown = 0;
      for (const size of previewSizes(all, first)) {
        const what = size < all ? `${label}, ${size} of ${all} ${items} (a preview)` : shown ? `refining: ${label}, ${all} ${items} (the view shows ${shown})` : label;
        result = await this.run(what, progressLabel, (options) => call(size, options), hint);
        draw(result, size);
        if (size < all) refining();
        shown = size;
      }
      return result;
    },
  };
}

// The sizes a refined job runs at: a first part when that is much smaller than the whole.
export const previewSizes = (all, first) => (first * 2 <= all ? [first, all] : [all]);

// How a drawing names a preview: "" for the whole, else " (preview: first 100 of 1000 …)".
export const previewNote = (size, all, items) => (size < all ? ` (preview: first ${size} of ${all} ${items}; refining…)` : '');
