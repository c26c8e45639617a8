// The position lab (Islam et al. 2020): freeze an encoder, fit a linear readout from one layer's
// features to a position map, and see whether it can draw the map on photos it never saw — with
// zero padding beside no padding. Also the seed article's hand test: one object at two places,
// convolved with and without zero padding.
import { modelById, modelRef } from '../models.js';
import { PHOTOS } from '../images.js';
import { rangeControl, segmentedControl, selectControl } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { jobBar } from '../ui/job.js';
import { downloadCanvasesPng, downloadCsv } from '../ui/export.js';
import { colorLegend, drawRgba, formatNumber, pixelCanvas } from '../ui/heatmap.js';
import { renderLoop } from '../ui/render-loop.js';

const TARGETS = [
  { value: 'H', label: 'H', title: 'horizontal gradient: 0 at the left, 1 at the right' },
  { value: 'V', label: 'V', title: 'vertical gradient: 0 at the top, 1 at the bottom' },
  { value: 'G', label: 'G', title: 'a Gaussian centred on the image' },
  { value: 'HS', label: 'HS', title: 'horizontal stripes: the vertical gradient folded into 4 bands' },
  { value: 'VS', label: 'VS', title: 'vertical stripes: the horizontal gradient folded into 4 bands' },
];
const KERNELS = [
  { value: '1', label: '1×1', title: 'a linear map of each position’s features (fast)' },
  { value: '3', label: '3×3', title: 'the paper’s 3×3 conv readout without padding (slower: 9× the features)' },
];
const HAND_KERNELS = [
  { value: 'box', label: 'box', title: 'all ones: counts the object pixels under the window' },
  { value: 'tent', label: 'tent', title: '[1 2 1]ᵀ[1 2 1]: a blur' },
];
// Readout photos: fitted on the first seven, tested on the other three (never seen in training).
const TRAIN_PHOTOS = PHOTOS.slice(0, 7);
const TEST_PHOTOS = PHOTOS.slice(7);
const TEST_CROPS = 4;
// Ridge penalties per training row, on standardised features.
const LAMBDAS = ['0.0001', '0.001', '0.01', '0.1', '1', '10'];
const PROBES = [
  ['example', 'prediction, held-out crop'],
  ['black', 'all black'],
  ['white', 'all white'],
  ['noise', 'noise'],
];

// Layout of this lab's own pieces: maps are a few dozen pixels, shown enlarged but side by side.
const ROW = { display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'flex-start' };
const MAP = { width: '96px', height: '96px' };
const GRID = { borderCollapse: 'collapse', fontSize: '0.7rem', fontVariantNumeric: 'tabular-nums' };
const CELL = { width: '1.9em', height: '1.9em', textAlign: 'center', padding: '0' };

const encoders = (manifest) => manifest.models.filter((m) => m.family === 'padding');
const ids = (manifest) => encoders(manifest).map((m) => m.id);
const pick = (list, wanted, other) => (list.includes(wanted) ? wanted : (list.find((id) => id !== other) ?? list[0]));
const layersOf = (manifest, id) => modelById(manifest, id)?.probes.map((p) => p.name) ?? [];

export const schema = {
  a: { type: 'enum', choices: (s, { manifest }) => ids(manifest), default: (s, { manifest }) => pick(ids(manifest), 'pad-zero') },
  b: {
    type: 'enum',
    choices: (s, { manifest }) => ids(manifest),
    default: (s, { manifest }) => pick(ids(manifest), 'pad-none', s.a),
  },
  layer: {
    type: 'enum',
    choices: (s, { manifest }) => layersOf(manifest, s.a).filter((l) => layersOf(manifest, s.b).includes(l)),
    default: (s, { manifest }) => layersOf(manifest, s.a).at(-1),
  },
  target: { type: 'enum', choices: TARGETS.map((t) => t.value), default: 'H' },
  grid: { type: 'int', min: 6, max: 28, default: 16 },
  kernel: { type: 'enum', choices: KERNELS.map((k) => k.value), default: '1' },
  lambda: { type: 'enum', choices: LAMBDAS, default: '0.01' },
  crops: { type: 'int', min: 1, max: 12, default: 6 },
  seed: { type: 'int', min: 0, max: 99, default: 7 },
  hn: { type: 'int', min: 5, max: 12, default: 7 },
  hobj: { type: 'int', min: 1, max: 5, default: 3 },
  hax: { type: 'int', min: 0, max: 11, default: 0 },
  hay: { type: 'int', min: 0, max: 11, default: 0 },
  hbx: { type: 'int', min: 0, max: 11, default: 2 },
  hby: { type: 'int', min: 0, max: 11, default: 2 },
  hkernel: { type: 'enum', choices: HAND_KERNELS.map((k) => k.value), default: 'box' },
  hbg: { type: 'float', min: 0, max: 1, default: 0 },
};

// The core's options for the state, shared with the native CLI (see tests/e2e/position.test.mjs).
export function handOptions(s) {
  return { n: s.hn, object: s.hobj, at: [[s.hax, s.hay], [s.hbx, s.hby]], kernel: s.hkernel, background: s.hbg };
}

export function readoutSettings(s, layerNode) {
  return {
    layer: layerNode,
    target: s.target,
    grid: s.grid,
    kernel: Number(s.kernel),
    lambda: Number(s.lambda),
    trainCrops: s.crops,
    testCrops: TEST_CROPS,
    seed: s.seed,
  };
}

export const trainImages = TRAIN_PHOTOS.map((p) => p.ref.url);
export const testImages = TEST_PHOTOS.map((p) => p.ref.url);

function metric(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

function setValue(metricItem, x) {
  metricItem.value.textContent = formatNumber(x);
  metricItem.value.dataset.value = String(x);
}

// A grid of numbers, each cell coloured by the core's colour map.
function numberGrid(testid) {
  const table = h('table', { class: 'number-grid', dataset: { testid }, style: GRID });
  return {
    el: table,
    draw(values, side, rgba) {
      const rows = [];
      for (let y = 0; y < side; y++) {
        const cells = [];
        for (let x = 0; x < side; x++) {
          const i = y * side + x;
          const [r, g, b] = rgba.subarray(4 * i, 4 * i + 3);
          const dark = 0.299 * r + 0.587 * g + 0.114 * b < 128;
          const v = values[i];
          cells.push(h('td', { style: { ...CELL, background: `rgb(${r},${g},${b})`, color: dark ? '#fff' : '#000' } }, Number.isInteger(v) ? String(v) : v.toFixed(1)));
        }
        rows.push(h('tr', {}, cells));
      }
      table.replaceChildren(...rows);
    },
  };
}

// One encoder's column: its target, its predictions on a held-out photo and on the probe inputs.
function readoutPanel(side) {
  const heading = h('h3', {});
  const input = pixelCanvas({ dataset: { testid: `${side}-example-input` }, style: MAP });
  const target = pixelCanvas({ dataset: { testid: `${side}-target` }, style: MAP });
  const maps = Object.fromEntries(PROBES.map(([key]) => [key, pixelCanvas({ dataset: { testid: `${side}-${key}-map` }, style: MAP })]));
  const spc = metric(`${side}-spc`, 'SPC (held-out)', 'Spearman correlation of predicted and target map, mean over every held-out crop');
  const mae = metric(`${side}-mae`, 'MAE (held-out)', 'mean absolute error, mean over every held-out crop');
  const probeMetrics = Object.fromEntries(
    PROBES.map(([key, label]) => [key, metric(`${side}-${key}-spc`, `SPC ${label}`, `SPC and MAE of the readout on ${label}`)]),
  );
  const shape = h('p', { class: 'note', dataset: { testid: `${side}-shape` } });
  const figure = (canvas, caption) => h('figure', { class: 'map' }, canvas, h('figcaption', {}, caption));
  const el = h(
    'article',
    { class: 'panel', dataset: { testid: `${side}-readout` } },
    heading,
    shape,
    h('div', { class: 'map-row', style: ROW }, figure(input, 'held-out crop'), figure(target, 'target'), ...PROBES.map(([key, label]) => figure(maps[key], label))),
    h('dl', { class: 'metrics' }, spc.el, mae.el, ...PROBES.slice(1).map(([key]) => probeMetrics[key].el)),
  );
  return { el, heading, input, target, maps, spc, mae, probeMetrics, shape };
}

export function mount(container, initial, ctx) {
  const { client, manifest } = ctx;
  let state = initial;
  let disposed = false;
  let last = null;
  const onChange = (name) => (value) => ctx.setState({ [name]: value });
  const models = encoders(manifest);
  const modelOptions = models.map((m) => ({ value: m.id, label: `${m.id}${m.metrics?.test_accuracy_percent !== undefined ? ` (${m.metrics.test_accuracy_percent}% held-out acc.)` : ''}` }));
  const layerOptions = (s) => schema.layer.choices(s, { manifest }).map((l) => ({ value: l, label: l }));

  const controls = {
    a: selectControl('a', { label: 'Encoder A', options: modelOptions, value: state.a, onChange: onChange('a') }),
    b: selectControl('b', { label: 'Encoder B', options: modelOptions, value: state.b, onChange: onChange('b') }),
    layer: selectControl('layer', { label: 'Layer', options: layerOptions(state), value: state.layer, onChange: onChange('layer') }),
    target: segmentedControl('target', { label: 'Target map', options: TARGETS, value: state.target, onChange: onChange('target') }),
    kernel: segmentedControl('kernel', { label: 'Readout', options: KERNELS, value: state.kernel, onChange: onChange('kernel') }),
    grid: rangeControl('grid', schema.grid, { label: 'Grid side', value: state.grid, onChange: onChange('grid') }),
    crops: rangeControl('crops', schema.crops, { label: 'Training crops per photo', value: state.crops, onChange: onChange('crops') }),
    lambda: selectControl('lambda', {
      label: 'Ridge λ',
      options: LAMBDAS.map((v) => ({ value: v, label: v })),
      value: state.lambda,
      onChange: onChange('lambda'),
    }),
    seed: rangeControl('seed', schema.seed, { label: 'Crop seed', value: state.seed, onChange: onChange('seed') }),
    hn: rangeControl('hn', schema.hn, { label: 'Grid n', value: state.hn, onChange: onChange('hn') }),
    hobj: rangeControl('hobj', schema.hobj, { label: 'Object side', value: state.hobj, onChange: onChange('hobj') }),
    hax: rangeControl('hax', schema.hax, { label: 'Object 1 x', value: state.hax, onChange: onChange('hax') }),
    hay: rangeControl('hay', schema.hay, { label: 'Object 1 y', value: state.hay, onChange: onChange('hay') }),
    hbx: rangeControl('hbx', schema.hbx, { label: 'Object 2 x', value: state.hbx, onChange: onChange('hbx') }),
    hby: rangeControl('hby', schema.hby, { label: 'Object 2 y', value: state.hby, onChange: onChange('hby') }),
    hkernel: segmentedControl('hkernel', { label: 'Kernel', options: HAND_KERNELS, value: state.hkernel, onChange: onChange('hkernel') }),
    hbg: rangeControl('hbg', schema.hbg, { label: 'Background', value: state.hbg, step: 0.1, onChange: onChange('hbg') }),
  };

  // Hand test view
  const handGrids = {};
  const handStats = {};
  const handColumns = ['valid', 'zeroPadded'].map((kind) => {
    const title = kind === 'valid' ? 'No padding (valid)' : 'Zero padding 1 (same)';
    const grids = [0, 1].map((i) => numberGrid(`hand-${kind}-${i}`));
    const blank = numberGrid(`hand-${kind}-blank`);
    handGrids[kind] = { grids, blank };
    handStats[kind] = h('p', { class: 'note', dataset: { testid: `hand-${kind}-stats` } });
    return h(
      'article',
      { class: 'panel', dataset: { testid: `hand-${kind}` } },
      h('h4', {}, title),
      h('div', { class: 'map-row', style: ROW }, h('figure', {}, grids[0].el, h('figcaption', {}, 'object 1')), h('figure', {}, grids[1].el, h('figcaption', {}, 'object 2')), h('figure', {}, blank.el, h('figcaption', {}, 'background only'))),
      handStats[kind],
    );
  });
  const handInputs = [0, 1].map((i) => numberGrid(`hand-input-${i}`));
  const handError = h('p', { class: 'note warn', dataset: { testid: 'hand-error' } });
  const handLegend = colorLegend({ testid: 'hand-legend', caption: 'output value (all grids share the scale)' });

  // Readout view
  const panels = { a: readoutPanel('a'), b: readoutPanel('b') };
  const readoutLegend = colorLegend({ testid: 'readout-legend', caption: 'map value (targets run from 0 to 1)' });
  const verdict = h('p', { class: 'note', dataset: { testid: 'verdict' } });
  const emptyNote = h('p', { class: 'note warn', dataset: { testid: 'empty-note' } });
  const job = jobBar('readout-job');
  const exportButtons = [
    h('button', { type: 'button', disabled: true, onclick: () => downloadCanvasesPng([panels.a.target, ...Object.values(panels.a.maps), panels.b.target, ...Object.values(panels.b.maps)], `shiftlab-position-${state.a}-${state.b}-${state.target}.png`, { columns: 5 }) }, 'Maps (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: exportCsv }, 'Numbers (CSV)'),
  ];

  container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', {}, 'Position from padding'),
      h(
        'p',
        {},
        'Islam et al. (2020) froze a CNN and trained only a tiny readout — one 3×3 convolution without padding — to draw a ',
        'position map (a horizontal gradient H, vertical V, Gaussian G, or the striped HS and VS) from its features. ',
        'If the readout succeeds on images it never saw, the features encode absolute position. They report the Spearman ',
        'correlation (SPC) and mean absolute error (MAE): with zero padding VGG and ResNet features draw the maps; without ',
        'padding the position signal largely disappears, and the readout alone (no backbone) gets SPC near 0. Here the readout is ',
        'ridge regression in closed form, fitted live on random crops of seven bundled photos and tested on crops of three others, ',
        'on our small photo classifiers (zero, no or circular padding).',
      ),
    ),
    h('div', { class: 'panel controls' }, controls.a.el, controls.b.el, controls.layer.el, controls.target.el, controls.kernel.el, controls.grid.el, controls.crops.el, controls.lambda.el, controls.seed.el),
    emptyNote,
    job.el,
    h('div', { class: 'compare' }, panels.a.el, panels.b.el),
    readoutLegend.el,
    verdict,
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
    h(
      'section',
      { class: 'panel', dataset: { testid: 'hand-test' } },
      h('h3', {}, 'Hand test: one object, two places'),
      h(
        'p',
        { class: 'note' },
        'As in the seed article: a small object of ones on a grid, convolved with a fixed 3×3 kernel. With zero padding the ',
        'output keeps the input’s size and windows at the border see fewer real pixels, so their values are smaller; the further ',
        'the object from the border, the more zeros its output holds. On a non-black background (raise “Background”), zero ',
        'padding alone marks the border even without an object — position information that a valid convolution never creates.',
      ),
      h('div', { class: 'controls' }, controls.hn.el, controls.hobj.el, controls.hax.el, controls.hay.el, controls.hbx.el, controls.hby.el, controls.hkernel.el, controls.hbg.el),
      handError,
      h('div', { class: 'map-row', style: ROW }, h('figure', {}, handInputs[0].el, h('figcaption', {}, 'input 1')), h('figure', {}, handInputs[1].el, h('figcaption', {}, 'input 2'))),
      h('div', { class: 'compare' }, ...handColumns),
      handLegend.el,
    ),
  );

  const legendBars = new Map();
  const legendBar = (map) => {
    if (!legendBars.has(map)) legendBars.set(map, client.call('legend', { map, width: 256 }));
    return legendBars.get(map);
  };

  function exportCsv() {
    const rows = [['encoder', 'layer', 'target', 'input', 'spc', 'mae']];
    for (const [side, r] of Object.entries(last.results)) {
      rows.push([last.ids[side], last.layer, last.target, 'held-out mean', r.spc, r.mae]);
      for (const [key] of PROBES) rows.push([last.ids[side], last.layer, last.target, key, r[key].spc, r[key].mae]);
    }
    downloadCsv(rows, `shiftlab-position-${last.ids.a}-${last.ids.b}-${last.target}.csv`);
  }

  async function drawMap(canvas, data, side) {
    const copy = Float32Array.from(data);
    const { rgba } = await client.call('colorize', { data: copy, width: side, height: side, map: 'viridis', lo: 0, hi: 1 }, { transfer: [copy.buffer] });
    drawRgba(canvas, { width: side, height: side, rgba });
  }

  async function renderHand(s) {
    let t;
    try {
      t = await client.call('positionHandTest', { opts: handOptions(s) });
    } catch (err) {
      handError.textContent = err.message;
      return;
    }
    if (disposed) return;
    handError.textContent = '';
    const all = [t.valid, t.zeroPadded].flatMap((c) => [...c.outputs, c.blank]);
    const hi = Math.max(1, ...all.flatMap((o) => Array.from(o.values)));
    const paint = async (grid, values, side, lo, top) => {
      const copy = Float32Array.from(values);
      const { rgba } = await client.call('colorize', { data: copy, width: side, height: side, map: 'viridis', lo, hi: top }, { transfer: [copy.buffer] });
      grid.draw(values, side, rgba);
    };
    await Promise.all([
      ...t.inputs.map((values, i) => paint(handInputs[i], values, t.n, 0, 1)),
      ...['valid', 'zeroPadded'].flatMap((kind) => [
        ...t[kind].outputs.map((o, i) => paint(handGrids[kind].grids[i], o.values, o.side, 0, hi)),
        paint(handGrids[kind].blank, t[kind].blank.values, t[kind].blank.side, 0, hi),
      ]),
    ]);
    for (const kind of ['valid', 'zeroPadded']) {
      const c = t[kind];
      const sum = (o) => o.values.reduce((a, b) => a + b, 0);
      handStats[kind].textContent =
        `zeros: ${c.outputs[0].zeros} vs ${c.outputs[1].zeros}; output sums ${formatNumber(sum(c.outputs[0]))} vs ${formatNumber(sum(c.outputs[1]))}; ` +
        `background-only output range (max − min): ${formatNumber(c.blankRange)}`;
      handStats[kind].dataset.blankRange = String(c.blankRange);
      handStats[kind].dataset.zeros = `${c.outputs[0].zeros},${c.outputs[1].zeros}`;
    }
    handLegend.set(await legendBar('viridis'), 0, hi);
  }

  async function renderReadout(s) {
    if (!s.a || !s.b || !s.layer) {
      emptyNote.textContent = 'The padding encoders (pad-zero, pad-none, pad-circular) are not in models/manifest.json yet, so the readout cannot run; the hand test below works without them.';
      return;
    }
    emptyNote.textContent = '';
    const sides = { a: modelById(manifest, s.a), b: modelById(manifest, s.b) };
    const encodersList = ['a', 'b'].map((side) => {
      const m = sides[side];
      const input = m.inputs[0];
      const probe = m.probes.find((p) => p.name === s.layer);
      return { model: modelRef(m), opts: { shape: input.shape, mean: input.mean, std: input.std, ...readoutSettings(s, probe.node) } };
    });
    const signal = job.start('fitting the readouts');
    let results;
    try {
      results = await client.call(
        'positionReadout',
        { encoders: encodersList, train: TRAIN_PHOTOS.map((p) => p.ref), test: TEST_PHOTOS.map((p) => p.ref) },
        { signal, onProgress: ({ done, total }) => job.progress(done, total, 'encoders fitted') },
      );
    } catch (err) {
      if (job.fail(err)) return;
      throw err;
    }
    if (disposed) return;
    job.finish(`fitted on ${results[0].trainRows} positions per encoder`);
    const byside = { a: results[0], b: results[1] };
    for (const side of ['a', 'b']) {
      const r = byside[side];
      const p = panels[side];
      p.heading.textContent = `${sides[side].id} — ${s.layer}`;
      p.shape.textContent = `features ${r.featureShape.join('×')} resized to ${s.grid}×${s.grid}; maps ${r.side}×${r.side}`;
      drawRgba(p.input, r.exampleInput);
      await drawMap(p.target, r.target, r.side);
      for (const [key] of PROBES) await drawMap(p.maps[key], r[key].map, r.side);
      setValue(p.spc, r.spc);
      setValue(p.mae, r.mae);
      for (const [key] of PROBES.slice(1)) {
        setValue(p.probeMetrics[key], r[key].spc);
        p.probeMetrics[key].value.title = `MAE ${formatNumber(r[key].mae)}`;
        p.probeMetrics[key].value.dataset.mae = String(r[key].mae);
      }
    }
    readoutLegend.set(await legendBar('viridis'), 0, 1);
    const [ra, rb] = [byside.a, byside.b];
    verdict.textContent =
      `Held-out SPC: ${s.a} ${formatNumber(ra.spc)} vs ${s.b} ${formatNumber(rb.spc)} (MAE ${formatNumber(ra.mae)} vs ${formatNumber(rb.mae)}). ` +
      (ra.spc > rb.spc + 0.1
        ? `${s.a} carries clearly more position information here, the direction of the paper.`
        : rb.spc > ra.spc + 0.1
          ? `${s.b} carries clearly more position information here.`
          : 'The two encoders do not differ clearly (|ΔSPC| ≤ 0.1) at this setting.');
    last = { ids: { a: s.a, b: s.b }, layer: s.layer, target: s.target, results: byside };
    for (const button of exportButtons) button.disabled = false;
  }

  const schedule = renderLoop(ctx, { key: 'position-render', what: 'The position readout', isDisposed: () => disposed }, async (s) => {
    await renderHand(s);
    await renderReadout(s);
  });

  function update(next) {
    if (next.a !== state.a || next.b !== state.b) controls.layer.setOptions(layerOptions(next), next.layer);
    state = next;
    for (const [name, control] of Object.entries(controls)) control.set(state[name]);
    schedule(state);
  }

  schedule(state);
  return {
    update,
    unmount() {
      disposed = true;
    },
  };
}

export default { id: 'position', title: 'Position from padding', schema, mount };
