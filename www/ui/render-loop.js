// The status, error and cancel handling every lab wraps around its own rendering:
//   const schedule = renderLoop(ctx, { key: 'coordconv', what: 'The CoordConv view', isDisposed }, render);
//   schedule(state);
// render(state, isStale, refining) draws the lab for `state`; it returns early when isStale() says
// the lab was closed or a newer state is waiting (only the latest state is rendered, see
// latest.js). While it runs the status pill says "computing"; a render that has drawn a complete
// first view from part of the work calls refining() and the pill says "refining" (the
// benchmark's "first view") until the whole is drawn; afterwards "ready", "cancelled" (the user
// cancelled a worker job) or "error" with a notice under `key`. A render that cannot start
// throws Unavailable (say, its models are missing from the manifest): the notice explains why
// and the pill says "no model".
import { latestOnly } from '../latest.js';

export class Unavailable extends Error {}

export function renderLoop(ctx, { key, what, isDisposed }, render) {
  return latestOnly(async (state, isSuperseded) => {
    if (isDisposed()) return;
    const isStale = () => isDisposed() || isSuperseded();
    ctx.setStatus('busy', 'computing');
    try {
      await render(state, isStale, () => isStale() || ctx.setStatus('refining', 'refining…'));
      if (isStale()) return;
      ctx.dismiss(key);
      ctx.setStatus('ready', 'ready');
    } catch (err) {
      if (isDisposed()) return;
      if (err.name === 'AbortError') {
        ctx.setStatus('ready', 'cancelled');
      } else if (err instanceof Unavailable) {
        ctx.notify(err.message, 'error', { key });
        ctx.setStatus('error', 'no model');
      } else {
        ctx.notify(`${what} could not be computed: ${err.message}`, 'error', { key });
        ctx.setStatus('error', 'error');
      }
    }
  });
}
