// Lab 1 — pooling and aliasing (Zhang 2019). An editable 1-D signal at every circular shift
// through two pooling operators side by side, each split into its steps (max | blur |
// subsample) with its equivariance error per shift; every operator's error in one table; and
// an image downsampled ×2 and ×4 without and with each blur, where aliasing is visible.
// All numbers come from the core (experiments/pooling_lab.rs).
import { DIGIT_SAMPLES, PHOTOS } from '../images.js';
import { fileControl, rangeControl, segmentedControl, selectControl } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { downloadCanvasesPng, downloadCsv } from '../ui/export.js';
import { drawRgba, pixelCanvas } from '../ui/heatmap.js';
import { renderLoop } from '../ui/render-loop.js';
import { storeUpload } from '../ui/upload.js';

const MAX_SAMPLES = 32; // pooling_lab::MAX_SIGNAL
const MAX_ABS = 1000;
const SEED_SIGNAL = '0,0,1,1,0,0,1,1,0,0';
const CIRCULAR_SIGNAL = '0,0,1,1,0,0,1,1';
const ZONE_PLATE = 'zoneplate';
const UPLOAD = 'upload';
const UPLOAD_KEY = 'pooling:upload';

// The core's operator names (pooling_lab::Operator); the core also sends each label back.
const OPERATORS = [
  { value: 'max-pool', label: 'MaxPool (k2, s2)' },
  { value: 'avg-pool', label: 'AvgPool (k2, s2)' },
  { value: 'subsample', label: 'Subsample (s2)' },
  { value: 'dense-max', label: 'Max (k2, s1)' },
  { value: 'max-blur-pool-rect2', label: 'MaxBlurPool Rect-2' },
  { value: 'max-blur-pool-tri3', label: 'MaxBlurPool Tri-3' },
  { value: 'max-blur-pool-bin5', label: 'MaxBlurPool Bin-5' },
];

const BOUNDARIES = [
  { value: 'circular', label: 'Circular', title: 'Windows that run past an end read the other end: the signal repeats' },
  { value: 'zero', label: 'Zero', title: 'Windows that run past an end read zeros' },
];

const DOWNSAMPLERS = [
  { value: 'subsample', label: 'Subsample', title: 'Keep every 2nd pixel (twice for ×4); with a blur: BlurPool' },
  { value: 'max', label: 'MaxPool', title: 'MaxPool(k2, s2) (twice for ×4); with a blur: MaxBlurPool' },
];

const PRESETS = [
  {
    id: 'seed',
    label: 'Seed: [0,0,1,1,0,0,1,1,0,0]',
    title: 'The article’s signal: MaxPool(k2, s2) gives [0,1,0,1,0]',
    state: { signal: SEED_SIGNAL, boundary: 'zero', shift: 1, opA: 'max-pool', opB: 'max-blur-pool-bin5' },
  },
  {
    id: 'circular8',
    label: 'Circular 8 samples: [0,1,0,1] → [1,1,1,1]',
    title: 'Zhang’s example: one step of shift changes the MaxPool output completely',
    state: { signal: CIRCULAR_SIGNAL, boundary: 'circular', shift: 1, opA: 'max-pool', opB: 'max-blur-pool-bin5' },
  },
  {
    id: 'split',
    label: 'Max vs subsample',
    title: 'The two halves of MaxPool on a generic signal: only the subsampling breaks equivariance',
    state: { signal: '0,2,5,1,0,3,3,0', boundary: 'circular', shift: 1, opA: 'dense-max', opB: 'subsample' },
  },
];

const IMAGES = [
  { id: ZONE_PLATE, label: 'Test pattern: zone plate', ref: { pattern: 'zoneplate' } },
  ...PHOTOS,
  ...DIGIT_SAMPLES,
];

// The user's upload lives only in this page and the worker, never in a link.
let upload = null; // { name }

const SIGNAL_TEXT = /^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){1,31}$/;

export const schema = {
  signal: { type: 'string', default: SEED_SIGNAL, maxLength: 32 * 12, pattern: SIGNAL_TEXT },
  boundary: { type: 'enum', choices: BOUNDARIES.map((b) => b.value), default: 'circular' },
  shift: { type: 'int', min: 0, max: MAX_SAMPLES - 1, default: 1 },
  opA: { type: 'enum', choices: OPERATORS.map((o) => o.value), default: 'max-pool' },
  opB: { type: 'enum', choices: OPERATORS.map((o) => o.value), default: 'max-blur-pool-bin5' },
  image: {
    type: 'enum',
    choices: () => [...IMAGES.map((i) => i.id), ...(upload ? [UPLOAD] : [])],
    default: ZONE_PLATE,
    note: 'an uploaded image stays on your machine, so a link cannot carry it',
  },
  downsampler: { type: 'enum', choices: DOWNSAMPLERS.map((d) => d.value), default: 'subsample' },
};

// This lab's own layout, scoped to its section and added once to the page.
const STYLE = `
#lab-pooling .pooling-controls { grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
#lab-pooling .signal-editor, #lab-pooling .presets { grid-column: 1 / -1; }
#lab-pooling .signal-cells { display: flex; flex-wrap: wrap; gap: 3px; }
#lab-pooling .signal-cell { min-width: 2.2em; padding: 0.35rem 0.2rem; font-variant-numeric: tabular-nums; border-color: #888; }
#lab-pooling .signal-text { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
#lab-pooling .signal-text input { font: inherit; flex: 1 1 14em; min-width: 0; padding: 0.3rem; border: 1px solid var(--line); border-radius: 6px; }
#lab-pooling .signal-length { display: flex; gap: 0.3rem; }
#lab-pooling .presets { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
#lab-pooling .grey-bar { height: 12px; border-radius: 2px; border: 1px solid var(--line); background: linear-gradient(to right, rgb(255 255 255), rgb(55 55 55)); }
#lab-pooling .strip-scroll, #lab-pooling .pool-step { overflow-x: auto; }
#lab-pooling table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
#lab-pooling table.strip td, #lab-pooling table.strip th { border: 1px solid var(--line); padding: 0.1rem 0.35rem; text-align: center; min-width: 1.8em; }
#lab-pooling table.strip thead th { color: var(--muted); font-weight: 500; }
#lab-pooling table.strip tr.selected { outline: 2px solid #f0a35e; outline-offset: -1px; }
#lab-pooling table.strip tr.selected th { background: #fde7cf; }
#lab-pooling table.strip .error-cell { background: var(--accent-soft); }
#lab-pooling table.summary th, #lab-pooling table.summary td { padding: 0.2rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; }
#lab-pooling table.summary tr.chosen { background: var(--accent-soft); }
#lab-pooling .pool-headline code, #lab-pooling table.summary code { font-size: 0.95em; }
#lab-pooling .pool-headline { overflow-wrap: anywhere; }
#lab-pooling .pool-step h4 { margin-top: 0.6rem; }
#lab-pooling .alias-grid { display: grid; gap: 0.6rem; margin-top: 0.6rem; }
#lab-pooling .alias-row { display: grid; grid-template-columns: 7em repeat(3, minmax(0, 1fr)); gap: 0.5rem; align-items: start; }
#lab-pooling .alias-row figure { margin: 0; }
#lab-pooling .alias-row canvas { max-width: 256px; }
#lab-pooling .alias-row figcaption { font-size: 0.75rem; color: var(--muted); }
@media (max-width: 600px) {
  #lab-pooling .alias-row { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  #lab-pooling .alias-row h4 { grid-column: 1 / -1; margin: 0; }
  #lab-pooling table { font-size: 0.75rem; }
}
`;

function addStyle() {
  if (document.getElementById('pooling-lab-style')) return;
  document.head.append(h('style', { id: 'pooling-lab-style' }, STYLE));
}

const samplesOf = (text) => text.split(',').map(Number);

// A number as the page prints it: integers as they are, others to 3 decimals.
function formatValue(v) {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
}

const formatList = (values) => `[${Array.from(values, formatValue).join(',')}]`;

// Typed text → the canonical comma list of the URL, or an error message.
function parseSignal(text) {
  const parts = text
    .replace(/[[\]]/g, ' ')
    .split(/[\s,;]+/)
    .filter((p) => p !== '');
  if (parts.length < 2 || parts.length > MAX_SAMPLES) return { error: `a signal needs 2 to ${MAX_SAMPLES} numbers, got ${parts.length}` };
  const values = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(values[i]) || Math.abs(values[i]) > MAX_ABS);
  if (bad !== undefined) return { error: `“${bad}” is not a number from −${MAX_ABS} to ${MAX_ABS}` };
  return { signal: values.map((v) => String(Number(v.toFixed(4)))).join(',') };
}

// Grey shading of a cell: white at the signal's minimum, dark at its maximum (display only).
function shade(v, lo, hi) {
  const t = hi > lo ? (v - lo) / (hi - lo) : 0;
  const g = Math.round(255 - 200 * Math.max(0, Math.min(1, t)));
  return { background: `rgb(${g} ${g} ${g})`, color: g < 140 ? '#fff' : 'var(--ink)' };
}

function imageRef(id) {
  if (id === UPLOAD) return { key: UPLOAD_KEY };
  return IMAGES.find((i) => i.id === id).ref;
}

function imageOptions() {
  return [
    ...IMAGES.map((i) => ({ value: i.id, label: i.label })),
    ...(upload ? [{ value: UPLOAD, label: `Uploaded: ${upload.name}` }] : []),
  ];
}

// A table of one chain's outputs: a row per shift (the selected one marked), a cell per
// output sample, and (when `errors` is given) the equivariance error at that shift.
function stepTable(testid, { outputs, errors }, { shift, lo, hi }) {
  const width = outputs[0].length;
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'shift'),
    Array.from({ length: width }, (_, i) => h('th', { scope: 'col' }, String(i))),
    errors ? h('th', { scope: 'col', title: 'equivariance error at this shift' }, 'error') : null,
  );
  const rows = outputs.map((values, s) =>
    h(
      'tr',
      { class: s === shift ? 'selected' : null, dataset: { shift: String(s) } },
      h('th', { scope: 'row' }, String(s)),
      Array.from(values, (v) => h('td', { style: shade(v, lo, hi) }, formatValue(v))),
      errors ? h('td', { class: 'error-cell', dataset: { value: String(errors[s]) } }, formatValue(errors[s])) : null,
    ),
  );
  return h('table', { class: 'strip', dataset: { testid } }, h('thead', {}, head), h('tbody', {}, rows));
}

function sidePanel(testid) {
  const heading = h('h3', {});
  const headline = h('p', { class: 'pool-headline' });
  const steps = h('div', { class: 'pool-steps' });
  const el = h('article', { class: 'panel', dataset: { testid } }, heading, headline, steps);
  return {
    el,
    set(op, { shift, lo, hi }) {
      heading.textContent = op.label;
      const n = op.outputs.length;
      headline.replaceChildren(
        'shift 0: ',
        h('code', { dataset: { testid: `${testid}-output-0` } }, formatList(op.outputs[0])),
        ` → shift ${shift}: `,
        h('code', { dataset: { testid: `${testid}-output-shift` } }, formatList(op.outputs[shift])),
        h('br'),
        'mean equivariance error over shifts 1…',
        String(n - 1),
        ': ',
        h('strong', { dataset: { testid: `${testid}-mean-error`, value: String(op.meanError) } }, formatValue(op.meanError)),
      );
      steps.replaceChildren(
        ...op.steps.map((step, k) =>
          h(
            'section',
            { class: 'pool-step' },
            h(
              'h4',
              {},
              `${k + 1}. ${step.label}`,
              k > 0 ? ` (steps 1–${k + 1} together: mean error ${formatValue(step.meanError)})` : ` (mean error ${formatValue(step.meanError)})`,
            ),
            stepTable(`${testid}-step-${k}`, step, { shift, lo, hi }),
          ),
        ),
      );
    },
  };
}

// The signal as a row of toggle buttons (click or Enter/Space: 0 ↔ 1).
function signalCells(onToggle) {
  const el = h('div', { class: 'signal-cells', dataset: { testid: 'signal-cells' }, role: 'group', 'aria-label': 'Signal samples' });
  return {
    el,
    set(values, lo, hi) {
      el.replaceChildren(
        ...values.map((v, i) =>
          h(
            'button',
            {
              type: 'button',
              class: 'signal-cell',
              style: shade(v, lo, hi),
              'aria-pressed': String(v !== 0),
              'aria-label': `sample ${i}: ${formatValue(v)} (toggle)`,
              dataset: { testid: `cell-${i}` },
              onclick: () => onToggle(i),
            },
            formatValue(v),
          ),
        ),
      );
    },
  };
}

function legend(lo, hi) {
  return h(
    'figure',
    { class: 'legend', dataset: { testid: 'signal-legend' } },
    h('div', { class: 'grey-bar' }),
    h('figcaption', {}, h('span', {}, formatValue(lo)), h('span', {}, 'cell shade = value (same scale everywhere)'), h('span', {}, formatValue(hi))),
  );
}

// A grey heat strip (rows = shifts) of a step's outputs, for the PNG export.
function stripCanvas(outputs, lo, hi) {
  const width = outputs[0].length;
  const rgba = new Uint8Array(width * outputs.length * 4);
  outputs.forEach((row, y) =>
    Array.from(row).forEach((v, x) => {
      const t = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0;
      const g = Math.round(255 - 200 * t);
      rgba.set([g, g, g, 255], (y * width + x) * 4);
    }),
  );
  const canvas = document.createElement('canvas');
  drawRgba(canvas, { width, height: outputs.length, rgba });
  return canvas;
}

export function mount(container, initial, ctx) {
  const { client } = ctx;
  addStyle();
  let state = initial;
  let disposed = false;
  let last = null; // { settings, lab } of what is on screen
  let shownImage = null; // the image settings whose grid is on screen

  const n = () => samplesOf(state.signal).length;
  const set = (patch) => ctx.setState(patch);

  // Controls
  const cells = signalCells((i) => {
    const values = samplesOf(state.signal);
    values[i] = values[i] === 0 ? 1 : 0;
    set({ signal: values.join(',') });
  });
  const signalInput = h('input', {
    type: 'text',
    id: 'pooling-signal-text',
    spellcheck: 'false',
    value: samplesOf(state.signal).join(', '),
    dataset: { testid: 'signal-input' },
  });
  const signalError = h('p', { class: 'note warn', dataset: { testid: 'signal-error' }, role: 'status' });
  function applyText() {
    const parsed = parseSignal(signalInput.value);
    if (parsed.error) {
      signalError.textContent = `Not applied: ${parsed.error}.`;
      return;
    }
    signalError.textContent = '';
    const length = parsed.signal.split(',').length;
    set({ signal: parsed.signal, shift: Math.min(state.shift, length - 1) });
  }
  signalInput.addEventListener('change', applyText);
  signalInput.addEventListener('keydown', (event) => event.key === 'Enter' && applyText());
  const lengthButtons = h(
    'div',
    { class: 'signal-length' },
    h('button', { type: 'button', dataset: { testid: 'add-sample' }, onclick: () => n() < MAX_SAMPLES && set({ signal: `${state.signal},0` }) }, '+ sample'),
    h(
      'button',
      {
        type: 'button',
        dataset: { testid: 'remove-sample' },
        onclick: () => n() > 2 && set({ signal: samplesOf(state.signal).slice(0, -1).join(','), shift: Math.min(state.shift, n() - 2) }),
      },
      '− sample',
    ),
  );
  const presets = h(
    'div',
    { class: 'presets' },
    h('span', { class: 'note' }, 'Presets:'),
    PRESETS.map((p) => h('button', { type: 'button', title: p.title, dataset: { testid: `preset-${p.id}` }, onclick: () => set(p.state) }, p.label)),
  );
  const boundaryControl = segmentedControl('boundary', { label: 'Boundary', options: BOUNDARIES, value: state.boundary, onChange: (v) => set({ boundary: v }) });
  const shiftControl = rangeControl('shift', schema.shift, { label: 'Shift (→ right, circular)', value: state.shift, onChange: (v) => set({ shift: v }) });
  const shiftSlider = shiftControl.el.querySelector('input');
  const opAControl = selectControl('opA', { label: 'Operator A', options: OPERATORS, value: state.opA, onChange: (v) => set({ opA: v }) });
  const opBControl = selectControl('opB', { label: 'Operator B', options: OPERATORS, value: state.opB, onChange: (v) => set({ opB: v }) });
  const imageControl = selectControl('image', { label: 'Image', options: imageOptions(), value: state.image, onChange: (v) => set({ image: v }) });
  const uploadControl = fileControl('upload', { label: 'Upload PNG or JPEG…', accept: 'image/png,image/jpeg', onFile: useUpload });
  const downsamplerControl = segmentedControl('downsampler', {
    label: 'Downsample by',
    options: DOWNSAMPLERS,
    value: state.downsampler,
    onChange: (v) => set({ downsampler: v }),
  });

  // Views
  const legendSlot = h('div', {});
  const shiftsTable = h('div', { class: 'strip-scroll', dataset: { testid: 'shifts' } });
  const sideA = sidePanel('side-a');
  const sideB = sidePanel('side-b');
  const summary = h('tbody', {});
  const imageGrid = h('div', { class: 'alias-grid', dataset: { testid: 'alias-grid' } });
  const imageNote = h('p', { class: 'note' });

  const button = (label, testid, onclick) => h('button', { type: 'button', onclick, disabled: true, dataset: { testid } }, label);
  const exportButtons = [
    button('Heat strips (PNG)', 'export-strips-png', exportStripsPng),
    button('Images (PNG)', 'export-images-png', () => downloadCanvasesPng([...imageGrid.querySelectorAll('canvas')], `${baseName()}-images.png`, { columns: 3, scale: 2 })),
    button('All outputs (CSV)', 'export-csv', exportCsv),
    button('Errors (CSV)', 'export-errors-csv', exportErrorsCsv),
  ];

  container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-pooling-title' }, 'Pooling and aliasing'),
      h(
        'p',
        {},
        'Zhang (2019), “Making convolutional networks shift-invariant again”: MaxPool(k2, s2) is max over a window ',
        'of 2 at stride 1 followed by keeping every 2nd sample. The max step is shift-equivariant; the subsampling ',
        'is not — it aliases. MaxBlurPool = max(k2, s1) → blur → subsample, with the blur Rect-2 [1,1]/2, ',
        'Tri-3 [1,2,1]/4 or Bin-5 [1,4,6,4,1]/16 (outer products in 2-D), low-passes before subsampling. ',
        'The seed signal [0,0,1,1,0,0,1,1,0,0] pools to [0,1,0,1,0]; on the circular 8-sample version one step of ',
        'shift turns [0,1,0,1] into [1,1,1,1].',
      ),
      h(
        'p',
        {},
        'Equivariance error at shift s (stride r): mean |op(shift(x, s)) − shift(op(x), s/r)| when r divides s, ',
        'otherwise the distance to the nearest shifted copy of op(x); 0 means the output just moves along. ',
        'Shifts of the signal are circular. Zhang’s ImageNet consistency (same top-1 under two random shifts), ',
        'baseline → Bin-5: VGG16 88.52 → 90.19 %, ResNet18 85.11 → 88.25 %, ResNet50 89.20 → 91.31 %, with accuracy ',
        'up too (ResNet50 76.16 → 77.04 %). Blurring lowers the error here but does not reach 0: anti-aliasing ',
        'reduces the change, it does not remove subsampling.',
      ),
    ),
    h(
      'div',
      { class: 'panel controls pooling-controls' },
      h(
        'div',
        { class: 'control signal-editor' },
        h('label', { for: 'pooling-signal-text' }, 'Signal (click a cell to toggle 0/1, or type a list and press Enter)'),
        cells.el,
        h('div', { class: 'signal-text' }, signalInput, lengthButtons),
        signalError,
        legendSlot,
      ),
      presets,
      boundaryControl.el,
      shiftControl.el,
      opAControl.el,
      opBControl.el,
    ),
    h(
      'article',
      { class: 'panel' },
      h('h3', {}, 'The signal at every shift'),
      h('p', { class: 'note' }, 'Row s is the signal moved s steps to the right (what leaves on the right comes back on the left). The selected shift is outlined.'),
      shiftsTable,
    ),
    h('div', { class: 'compare' }, sideA.el, sideB.el),
    h(
      'article',
      { class: 'panel' },
      h('h3', {}, 'Every operator'),
      h(
        'p',
        { class: 'note' },
        'Max (k2, s1) alone is exactly equivariant with a circular boundary; adding the subsampling (MaxPool) is what breaks it. ',
        'Measured mean errors (circular boundary) on the generic signal of the “Max vs subsample” preset: MaxPool 0.571, ',
        'MaxBlurPool Rect-2 0.429, Tri-3 0.286, Bin-5 0.214, Max (k2, s1) 0 — Zhang’s order: the more blur, the more stable. ',
        'On the period-4 toy signals the order is not monotone: on the circular 10-sample seed Tri-3 (0.167) is worse than ',
        'Rect-2 and Bin-5 (0.111 each), and Subsample alone scores 0, since subsampling a period-4 signal gives shifted copies. ',
        'A toy signal is not an image; the 2-D view below shows the general effect.',
      ),
      h(
        'div',
        { class: 'strip-scroll' },
        h(
          'table',
          { class: 'summary', dataset: { testid: 'summary' } },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['operator', 'stride', 'output at shift 0', 'output at the shift', 'error at the shift', 'mean error'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          summary,
        ),
      ),
    ),
    h(
      'article',
      { class: 'panel', dataset: { testid: 'alias-panel' } },
      h('h3', {}, 'Aliasing in 2-D'),
      h(
        'p',
        { class: 'note' },
        'The image downsampled ×2 and ×4 (repeated ×2 steps, as a stack of pooling layers does), first without a ',
        'blur, then with each blur before every subsampling (reflect padding at the borders). On the zone plate, ',
        'rings that are not in the image appear without a blur; with Bin-5 the too-fine rings fade to grey instead.',
      ),
      h('div', { class: 'controls' }, imageControl.el, uploadControl.el, downsamplerControl.el),
      imageNote,
      imageGrid,
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  function baseName() {
    const { boundary, shift, opA, opB } = last.settings;
    return `shiftlab-pooling-${opA}-vs-${opB}-${boundary}-shift${shift}`;
  }

  function exportStripsPng() {
    const { lab } = last;
    const [lo, hi] = rangeOf(lab.shifts[0]);
    const chosen = [last.settings.opA, last.settings.opB].map((id) => lab.operators.find((o) => o.id === id));
    downloadCanvasesPng([stripCanvas(lab.shifts, lo, hi), ...chosen.map((op) => stripCanvas(op.outputs, lo, hi))], `${baseName()}-strips.png`, {
      scale: 16,
    });
  }

  function exportCsv() {
    const { lab } = last;
    const rows = [['operator', 'step', 'shift', 'shifted_input', 'output', 'equivariance_error']];
    for (const op of lab.operators) {
      op.steps.forEach((step, k) =>
        step.outputs.forEach((out, s) => rows.push([op.id, `${k + 1}: ${step.label}`, s, formatList(lab.shifts[s]), formatList(out), step.errors[s]])),
      );
    }
    downloadCsv(rows, `${baseName()}-outputs.csv`);
  }

  function exportErrorsCsv() {
    const { lab } = last;
    const shifts = lab.shifts.map((_, s) => `error_shift_${s}`);
    downloadCsv(
      [['operator', 'stride', 'mean_error', ...shifts], ...lab.operators.map((op) => [op.id, op.stride, op.meanError, ...op.errors])],
      `${baseName()}-errors.csv`,
    );
  }

  function rangeOf(values) {
    return [Math.min(0, ...values), Math.max(...values)];
  }

  function drawSignal(lab, wanted) {
    const [lo, hi] = rangeOf(lab.shifts[0]);
    const shift = wanted.shift;
    cells.set(Array.from(lab.shifts[0]), lo, hi);
    legendSlot.replaceChildren(legend(lo, hi));
    shiftsTable.replaceChildren(stepTable('shifts-table', { outputs: lab.shifts }, { shift, lo, hi }));
    const byId = (id) => lab.operators.find((o) => o.id === id);
    sideA.set(byId(wanted.opA), { shift, lo, hi });
    sideB.set(byId(wanted.opB), { shift, lo, hi });
    summary.replaceChildren(
      ...lab.operators.map((op) =>
        h(
          'tr',
          { class: op.id === wanted.opA || op.id === wanted.opB ? 'chosen' : null, dataset: { op: op.id } },
          h('th', { scope: 'row' }, op.label),
          h('td', {}, String(op.stride)),
          h('td', {}, h('code', {}, formatList(op.outputs[0]))),
          h('td', {}, h('code', {}, formatList(op.outputs[shift]))),
          h('td', { dataset: { value: String(op.errors[shift]) } }, formatValue(op.errors[shift])),
          h('td', { class: 'mean-error', dataset: { value: String(op.meanError) } }, formatValue(op.meanError)),
        ),
      ),
    );
  }

  function drawImages(view) {
    const factors = ['×2', '×4'];
    const source = pixelCanvas({ dataset: { testid: 'alias-source' } });
    drawRgba(source, view.source);
    const cellOf = (image, caption, testid) => {
      const canvas = pixelCanvas({ dataset: { testid } });
      drawRgba(canvas, image);
      return h('figure', {}, canvas, h('figcaption', {}, caption));
    };
    imageGrid.replaceChildren(
      ...view.rows.map((row, r) =>
        h(
          'div',
          { class: 'alias-row', dataset: { testid: `alias-row-${r}` } },
          h('h4', {}, row.label),
          r === 0 ? h('figure', {}, source, h('figcaption', {}, `original ${view.source.width}×${view.source.height}`)) : h('div', {}),
          row.images.map((image, f) => cellOf(image, `${factors[f]}: ${image.width}×${image.height}`, `alias-${r}-${f}`)),
        ),
      ),
    );
    imageNote.textContent =
      view.source.width < 32 ? 'This image is small: at ×4 only a few pixels remain. The zone plate or a photo shows aliasing better.' : '';
  }

  async function render(wanted) {
    const signal = samplesOf(wanted.signal);
    const shift = Math.min(wanted.shift, signal.length - 1);
    const lab = await client.call('poolingSignal', { signal, boundary: wanted.boundary });
    if (disposed) return;
    drawSignal(lab, { ...wanted, shift });
    last = { settings: { ...wanted, shift }, lab };
    const imageKey = `${wanted.image}|${wanted.downsampler}|${upload?.name ?? ''}`;
    if (imageKey !== shownImage) {
      const view = await client.call('poolingImages', { image: imageRef(wanted.image), downsampler: wanted.downsampler });
      if (disposed) return;
      drawImages(view);
      shownImage = imageKey;
    }
    for (const b of exportButtons) b.disabled = false;
  }

  const schedule = renderLoop(ctx, { key: 'pooling-render', what: 'The pooling lab', isDisposed: () => disposed }, render);

  async function useUpload(file) {
    if (!(await storeUpload(client, ctx, file, { key: UPLOAD_KEY, notice: 'pooling-upload' })) || disposed) return;
    const view = await client.call('poolingImages', { image: { key: UPLOAD_KEY }, downsampler: state.downsampler });
    if (disposed) return;
    upload = { name: file.name };
    imageControl.setOptions(imageOptions(), state.image);
    drawImages(view);
    shownImage = `${UPLOAD}|${state.downsampler}|${upload.name}`;
    if (state.image !== UPLOAD) set({ image: UPLOAD });
  }

  function update(next) {
    const length = samplesOf(next.signal).length;
    if (next.shift > length - 1) {
      // A link's shift beyond this signal's length: show (and link) its last shift.
      next = { ...next, shift: length - 1 };
      set({ shift: next.shift });
    }
    state = next;
    shiftSlider.max = String(length - 1);
    if (parseSignal(signalInput.value).signal !== state.signal) signalInput.value = samplesOf(state.signal).join(', ');
    boundaryControl.set(state.boundary);
    shiftControl.set(state.shift);
    opAControl.set(state.opA);
    opBControl.set(state.opB);
    imageControl.set(state.image);
    downsamplerControl.set(state.downsampler);
    schedule(state);
  }

  update(state);
  return {
    update,
    unmount() {
      disposed = true;
    },
  };
}

export default { id: 'pooling', title: 'Pooling & aliasing', schema, mount };
