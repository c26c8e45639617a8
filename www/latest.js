// Coalesces requests so only the latest matters: while one task runs, newer requests replace
// each other and only the last is run next. Holding an arrow key therefore costs one render
// at a time, never a queue of hundreds.
//   const schedule = latestOnly(async (arg, isSuperseded) => { ... });
//   schedule(arg);
// `isSuperseded()` tells a running task that a newer request is waiting. A task handles its
// own errors; one that escapes is reported as an uncaught error without stopping the queue.
export function latestOnly(task) {
  let running = false;
  let next = null;
  async function drain() {
    running = true;
    while (next) {
      const { arg } = next;
      next = null;
      try {
        await task(arg, () => next !== null);
      } catch (err) {
        reportError(err);
      }
    }
    running = false;
  }
  return (arg) => {
    next = { arg };
    if (!running) drain();
  };
}
