// The page shell: loads the model list, reads the URL hash, mounts one lab at a time and keeps
// the hash in step with the lab's settings so that every view is a shareable link.
//
// A lab gives its schema and a view(ctx) that builds its DOM in ctx.container and returns
//   { render(state, isStale), show?(state) }
// The shell owns the rest of its life: it builds the controls of the schema's labelled
// settings (ctx.controls, kept in step with the state), calls show and then render for every
// new state (only the latest is rendered; status pill, error notices and cancel are handled
// once, in ui/render-loop.js), and on leaving the lab cancels its worker jobs (ctx.run) and
// runs ctx.onDispose callbacks. Besides, ctx has
//   ctx.run(lab, request, opts)  the workers' run (worker-pool.js: opts.onProgress sends a long
//                                job to the pool), cancelled when the lab unmounts
//   ctx.signal                   aborted when the lab unmounts
//   ctx.client                   the compute workers (for uploads)
//   ctx.manifest                 models/manifest.json
//   ctx.setState(patch)          change settings: validated, written to the hash, then shown
//   ctx.notify(msg, kind, opts)  a notice ('info' | 'warn' | 'error'; opts.key replaces)
//   ctx.dismiss(key)             remove a notice
import { WorkerPool } from './worker-pool.js';
import { LABS } from './labs/index.js';
import { applyPatch, parseHash, toHash } from './state.js';
import { loadManifest } from './models.js';
import { restoreUserModels } from './user-models.js';
import { isFavourite, showHome, toggleFavourite } from './home.js';
import { createNotices } from './ui/notices.js';
import { renderLoop } from './ui/render-loop.js';
import { schemaControls } from './ui/schema-controls.js';
import { h } from './ui/dom.js';

const nav = document.getElementById('lab-nav');
const main = document.getElementById('main');
const statusEl = document.getElementById('status');
const notices = createNotices(document.getElementById('notices'));

// "ResizeObserver loop completed with undelivered notifications" only says a layout settled a
// frame later (the plots resize to their container); it is not a failure.
window.addEventListener('error', (event) => {
  if (/ResizeObserver loop/.test(event.message)) return;
  notices.notify(`Something went wrong: ${event.message}`, 'error');
});
window.addEventListener('unhandledrejection', (event) =>
  notices.notify(`Something went wrong: ${event.reason?.message ?? event.reason}`, 'error'),
);

function setStatus(state, text = state) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

const client = new WorkerPool();
// For the page tests and the browser console: the workers the page computes with.
globalThis.shiftlabClient = client;
client.onRestart = (reason) =>
  notices.notify(`${reason}. A fresh worker took over; your pictures were handed to it again and the view is computed once more.`, 'warn', { key: 'restart' });
const { manifest, error: manifestError } = await loadManifest();
if (manifestError) notices.notify(manifestError, 'error');
// Your own models (kept in this browser) join the list before the link is read, so it can name them.
await restoreUserModels(client, manifest, location.hash);
const env = { manifest };

// Tabs link to each lab's last state, so switching labs and back keeps the settings.
const tabs = new Map(
  LABS.map((lab) => [lab.id, h('a', { href: `#lab=${lab.id}`, dataset: { testid: `tab-${lab.id}` } }, lab.title)]),
);
nav.replaceChildren(...tabs.values());

let current = null; // { lab, state, handle, ctx }

const favouriteButton = document.getElementById('favourite');

function showFavourite() {
  const saved = current !== null && isFavourite(location.hash);
  favouriteButton.hidden = current === null;
  favouriteButton.textContent = saved ? '★ Saved' : '☆ Save';
  favouriteButton.setAttribute('aria-pressed', String(saved));
}

favouriteButton.addEventListener('click', () => {
  if (!current) return;
  const saved = toggleFavourite(`${current.lab.title}: ${describe(current.state)}`, location.hash);
  notices.notify(saved ? 'Saved to your favourites on the home page (kept in this browser only).' : 'Removed from your favourites.', 'info', { key: 'favourite' });
  showFavourite();
});

// A short description of a state for the favourites list: its first few settings.
function describe(state) {
  return Object.entries(state)
    .filter(([, v]) => v !== null && v !== undefined)
    .slice(0, 4)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function writeHash() {
  const hash = toHash(current.lab, current.state);
  history.replaceState(null, '', hash);
  tabs.get(current.lab.id).href = hash;
  showFavourite();
}

function unmountCurrent() {
  if (!current) return;
  current.ctx.active = false;
  current.handle.unmount();
  current = null;
}

function showHomePage() {
  unmountCurrent();
  for (const tab of tabs.values()) tab.removeAttribute('aria-current');
  document.title = 'ShiftLab — how CNNs treat shifts, padding and position';
  showHome(main);
  showFavourite();
  setStatus('ready', 'ready');
}

function reportLinkProblems(problems) {
  if (problems.length === 0) return;
  notices.notify(
    `Parts of this link could not be used, so their defaults were restored: ${problems.join('; ')}.`,
    'warn',
    { key: 'link' },
  );
}

function mount(lab, state) {
  unmountCurrent();
  const container = h('section', { class: 'lab', id: `lab-${lab.id}`, 'aria-labelledby': `lab-${lab.id}-title` });
  main.replaceChildren(container);
  for (const [id, tab] of tabs) tab.toggleAttribute('aria-current', id === lab.id);
  // On a phone the tabs scroll sideways; keep the current one in sight.
  tabs.get(lab.id).scrollIntoView({ block: 'nearest', inline: 'nearest' });
  document.title = `${lab.title} — ShiftLab`;

  const ctx = {
    active: true,
    client,
    manifest,
    setState(patch) {
      if (!ctx.active) return;
      current.state = applyPatch(lab.schema, current.state, patch, env);
      writeHash();
      current.handle?.update(current.state);
    },
    notify: notices.notify,
    dismiss: notices.dismiss,
    setStatus: (state, text) => ctx.active && setStatus(state, text),
  };
  current = { lab, state, ctx, handle: null };
  writeHash();
  setStatus('busy', 'loading');
  current.handle = mountView(lab, container, state, ctx);
}

function mountView(lab, container, state, ctx) {
  const lifetime = new AbortController();
  const disposers = [];
  const { controls, sync } = schemaControls(lab.schema, state, env, ctx.setState);
  Object.assign(ctx, {
    container,
    controls,
    signal: lifetime.signal,
    run: (id, request, options = {}) =>
      client.run(id, request, { ...options, signal: options.signal ? AbortSignal.any([options.signal, lifetime.signal]) : lifetime.signal }),
    onDispose: (fn) => disposers.push(fn),
  });
  const view = lab.view(ctx);
  const isDisposed = () => !ctx.active;
  const schedule = renderLoop(ctx, { key: `${lab.id}-render`, what: `The ${lab.title.replace(/ lab$/, '')} lab`, isDisposed }, (s, isStale, refining) => view.render(s, isStale, refining));
  const update = (next) => {
    sync(next);
    view.show?.(next);
    schedule(next);
  };
  update(state);
  return {
    update,
    unmount() {
      lifetime.abort();
      for (const dispose of disposers) dispose();
    },
  };
}

function route() {
  if (location.hash === '' || location.hash === '#') {
    showHomePage();
    return;
  }
  const { lab, state, problems } = parseHash(location.hash, LABS, env);
  reportLinkProblems(problems);
  if (current?.lab === lab) {
    current.state = state;
    writeHash();
    current.handle.update(state);
  } else {
    mount(lab, state);
  }
}

window.addEventListener('hashchange', route);
route();

document.getElementById('copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    notices.notify('Link copied: it reopens exactly this view.', 'info', { key: 'copy' });
  } catch {
    notices.notify(`Copy this link by hand: ${location.href}`, 'info', { key: 'copy' });
  }
});
