// The position lab (Islam et al. 2020): freeze an encoder, fit a linear readout from one layer's
// features (or several layers' resized to one grid, as the paper does, or the input pixels as the
// control) to a position map, and see whether it can draw the map on photos it never saw — with
// zero padding beside no padding. Also the seed article's hand test: one object at two places,
// convolved with and without zero padding.
import { modelById } from '../models.js';
import { isUserModelId } from '../user-models.js';
import { PHOTOS } from '../images.js';
import { schemaFor } from '../settings.js';
import { h } from '../ui/dom.js';
import { jobBar, previewNote } from '../ui/job.js';
import { downloadCanvasesPng, downloadCsv } from '../ui/export.js';
import { colorLegend, drawRgba, formatNumber, pixelCanvas } from '../ui/heatmap.js';

// Readout photos: fitted on the first seven, tested on the other three (never seen in training).
const TRAIN_PHOTOS = PHOTOS.slice(0, 7);
const TEST_PHOTOS = PHOTOS.slice(7);
const TEST_CROPS = 4;
// Training crops per photo in the first view; the `crops` setting's follow.
const PREVIEW_CROPS = 3;
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

// The padding encoders, and your colour models (read out from their probed layers as well).
const encoders = (manifest) => manifest.models.filter((m) => m.family === 'padding' || (isUserModelId(m.id) && m.inputs[0].shape[0] === 3 && m.probes.length));
const ids = (manifest) => encoders(manifest).map((m) => m.id);
const pick = (list, wanted, other) => (list.includes(wanted) ? wanted : (list.find((id) => id !== other) ?? list[0]));
// A layer choice is a probe, several probes read out together (joined by '+': the paper's
// multi-level readout, the layers the manifest's measurement uses) or the input pixels.
const INPUT = 'input';
const multiLevel = (manifest, id) => modelById(manifest, id)?.eval?.position?.layers.join('+');
const layersOf = (manifest, id) => {
  const probes = modelById(manifest, id)?.probes.map((p) => p.name) ?? [];
  return [multiLevel(manifest, id), ...probes, INPUT].filter(Boolean);
};
const layerLabel = (layer) => (layer === INPUT ? 'input pixels (control)' : layer.includes('+') ? `${layer} (the paper’s multi-level)` : layer);

// The paper's numbers in its own setting, beside ours as the manifest states them (measured by
// the core; CI re-measures them from the manifest's eval recipe).
const PAPER =
  'Islam et al.: ImageNet-trained VGG16 and ResNet152, frozen; the features of all five stages resized to 28×28 and ' +
  'concatenated; a 3×3 convolutional readout trained on DUT-S and tested on PASCAL-S. With zero padding the H and V ' +
  'maps come out with SPC about 0.7–0.9; without padding, and for the readout on the input image alone, SPC is near 0.';
function measuredText(manifest) {
  const pads = manifest.models.filter((m) => m.family === 'padding' && m.metrics.readout_h_spc !== undefined);
  if (!pads.length) return '';
  const r = pads[0].eval.position;
  const spc = (m, kind) => `H ${m.metrics[`${kind}_h_spc`].toFixed(2)} / V ${m.metrics[`${kind}_v_spc`].toFixed(2)}`;
  return (
    `Ours (the manifest’s measurement, re-measured in CI): our 9-conv photo classifiers, frozen; ${r.layers.join(', ')} resized to ` +
    `${r.grid}×${r.grid} and concatenated; a ${r.kernel}×${r.kernel} ridge readout fitted on ${r.train_crops * r.train_photos.length} ` +
    `random crops of the ${r.train_photos.length} training photos and tested on ${r.test_crops * r.test_photos.length} crops of ` +
    `${r.test_photos.length} photos no model saw. SPC ` +
    pads.map((m) => `${m.id} ${spc(m, 'readout')}`).join('; ') +
    `; the same readout on the pixels (control) ${spc(pads[0], 'pixels')}.`
  );
}

function encoderLabel(model) {
  const accuracy = model?.metrics?.test_accuracy_percent;
  return `${model?.id}${accuracy !== undefined ? ` (${accuracy}% held-out acc.)` : ''}`;
}
const encoderOption = (id, s, { manifest }) => encoderLabel(modelById(manifest, id));

// Limits, labels and choices come from the lab's Rust settings; which encoders and layers fit
// is the manifest's, so the page supplies them.
export const schema = schemaFor('position', {
  a: { choices: (s, { manifest }) => ids(manifest), default: (s, { manifest }) => pick(ids(manifest), 'pad-zero'), optionLabel: encoderOption },
  b: {
    choices: (s, { manifest }) => ids(manifest),
    default: (s, { manifest }) => pick(ids(manifest), 'pad-none', s.a),
    optionLabel: encoderOption,
  },
  layer: {
    choices: (s, { manifest }) => layersOf(manifest, s.a).filter((l) => layersOf(manifest, s.b).includes(l)),
    default: (s, { manifest }) => layersOf(manifest, s.a)[0],
    optionLabel: layerLabel,
  },
});

// The lab's requests for the state: the JSON `shiftlab experiment position` takes (see
// tests/e2e/position.test.mjs).
export function handRequest(s) {
  return { job: 'hand', n: s.hn, object: s.hobj, at: [[s.hax, s.hay], [s.hbx, s.hby]], kernel: s.hkernel, background: s.hbg };
}

export function readoutRequest(s) {
  return {
    job: 'readout',
    models: [s.a, s.b],
    trainImages: TRAIN_PHOTOS.map((p) => p.key),
    testImages: TEST_PHOTOS.map((p) => p.key),
    layers: s.layer.split('+'),
    targets: [s.target],
    grid: s.grid,
    kernel: Number(s.kernel),
    lambda: Number(s.lambda),
    trainCrops: s.crops,
    testCrops: TEST_CROPS,
    seed: s.seed,
  };
}

function metric(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

function setValue(metricItem, x) {
  metricItem.value.textContent = formatNumber(x);
  metricItem.value.dataset.value = String(x);
}

// A grid of numbers, each cell coloured by the core's heatmap of them.
function numberGrid(testid) {
  const table = h('table', { class: 'number-grid', dataset: { testid }, style: GRID });
  return {
    el: table,
    draw({ values, side, heatmap: { rgba } }) {
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

// The lab's view; the shell builds its controls and drives its life (see app.js).
function view(ctx) {
  const { manifest, controls } = ctx;
  let state = null; // the latest settings, for the export's file name
  let last = null;

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

  ctx.container.append(
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
      h('p', { class: 'note', dataset: { testid: 'paper-numbers' } }, PAPER),
      h('p', { class: 'note', dataset: { testid: 'our-numbers' } }, measuredText(manifest)),
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

  function exportCsv() {
    const rows = [['encoder', 'layer', 'target', 'input', 'spc', 'mae']];
    for (const [side, r] of Object.entries(last.results)) {
      rows.push([last.ids[side], last.layer, last.target, 'held-out mean', r.spc, r.mae]);
      for (const [key] of PROBES) rows.push([last.ids[side], last.layer, last.target, key, r[key].spc, r[key].mae]);
    }
    downloadCsv(rows, `shiftlab-position-${last.ids.a}-${last.ids.b}-${last.target}.csv`);
  }

  async function renderHand(s, isStale) {
    let t;
    try {
      t = await ctx.run('position', handRequest(s));
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      handError.textContent = err.message;
      return;
    }
    if (isStale()) return;
    handError.textContent = '';
    t.inputs.forEach((grid, i) => handInputs[i].draw(grid));
    for (const kind of ['valid', 'zeroPadded']) {
      t[kind].outputs.forEach((grid, i) => handGrids[kind].grids[i].draw(grid));
      handGrids[kind].blank.draw(t[kind].blank);
    }
    for (const kind of ['valid', 'zeroPadded']) {
      const c = t[kind];
      const sum = (o) => o.values.reduce((a, b) => a + b, 0);
      handStats[kind].textContent =
        `zeros: ${c.outputs[0].zeros} vs ${c.outputs[1].zeros}; output sums ${formatNumber(sum(c.outputs[0]))} vs ${formatNumber(sum(c.outputs[1]))}; ` +
        `background-only output range (max − min): ${formatNumber(c.blankRange)}`;
      handStats[kind].dataset.blankRange = String(c.blankRange);
      handStats[kind].dataset.zeros = `${c.outputs[0].zeros},${c.outputs[1].zeros}`;
    }
    handLegend.show(t.zeroPadded.blank.heatmap);
  }

  async function renderReadout(s, isStale, refining) {
    if (!s.a || !s.b || !s.layer) {
      emptyNote.textContent = 'The padding encoders (pad-zero, pad-none, pad-circular) are not in models/manifest.json yet, so the readout cannot run; the hand test below works without them.';
      return;
    }
    emptyNote.textContent = '';
    const sides = { a: modelById(manifest, s.a), b: modelById(manifest, s.b) };
    try {
      await job.refine({
        label: 'fitting the readouts',
        progressLabel: 'encoders fitted',
        items: 'training crops per photo',
        all: s.crops,
        first: PREVIEW_CROPS,
        call: (crops, options) => ctx.run('position', readoutRequest({ ...s, crops }), options),
        draw: ({ encoders: results }, crops) => isStale() || drawReadout(s, sides, results, crops),
        refining,
      });
    } catch (err) {
      if (err.name === 'AbortError') return; // the bar says "cancelled"
      throw err;
    }
  }

  function drawReadout(s, sides, results, crops) {
    job.finish(`fitted on ${results[0].trainRows} positions per encoder${previewNote(crops, s.crops, 'training crops per photo')}`);
    const byside = { a: results[0], b: results[1] };
    for (const side of ['a', 'b']) {
      const r = byside[side];
      const p = panels[side];
      p.heading.textContent = `${sides[side].id} — ${layerLabel(s.layer)}`;
      p.shape.textContent = `features ${r.featureShapes.map((f) => f.join('×')).join(' + ')} resized to ${s.grid}×${s.grid}; maps ${r.side}×${r.side}`;
      drawRgba(p.input, r.exampleInput);
      drawRgba(p.target, r.targetMap);
      for (const [key] of PROBES) drawRgba(p.maps[key], r[key].heatmap);
      setValue(p.spc, r.spc);
      setValue(p.mae, r.mae);
      for (const [key] of PROBES.slice(1)) {
        setValue(p.probeMetrics[key], r[key].spc);
        p.probeMetrics[key].value.title = `MAE ${formatNumber(r[key].mae)}`;
        p.probeMetrics[key].value.dataset.mae = String(r[key].mae);
      }
    }
    readoutLegend.show(byside.a.targetMap);
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

  return {
    show(next) {
      state = next;
    },
    async render(s, isStale, refining) {
      await renderHand(s, isStale);
      if (isStale()) return;
      await renderReadout(s, isStale, refining);
    },
  };
}

export default { id: 'position', title: 'Position from padding', schema, view };
