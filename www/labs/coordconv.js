// The CoordConv lab (Liu et al. 2018): place a 9×9 square on a 64×64 canvas and watch a plain CNN
// and a CoordConv CNN, trained on the same split, regress its centre; the error at every
// position of the canvas, as a heatmap, shows where each one generalises.
import { modelById } from '../models.js';
import { schemaFor } from '../settings.js';
import { arrowKeys } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { jobBar } from '../ui/job.js';
import { downloadCanvasesPng, downloadCsv, downloadJson } from '../ui/export.js';
import { colorLegend, drawRgba, pixelCanvas } from '../ui/heatmap.js';
import { Unavailable } from '../ui/render-loop.js';

export const schema = schemaFor('coordconv');

const CANVAS = 64;
const SIDE = schema.x.max + 1; // top-left positions per axis
const SCALE = 6; // display pixels per canvas pixel
const HALF = 4; // the square's centre pixel is its top-left + 4
const QUADRANT_FROM = 28; // top-left positions whose centre lies in the bottom-right quadrant
const UNTESTED = [110, 110, 110, 255]; // grey: a position the model was trained on

const KINDS = [
  { kind: 'plain', title: 'Plain conv' },
  { kind: 'coordconv', title: 'CoordConv' },
];

const modelId = (kind, split) => `coord-${kind}-${split}`;

function metricRow(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

function show(metric, value, digits = 2, unit = '') {
  metric.value.dataset.value = String(value);
  metric.value.textContent = `${value.toFixed(digits)}${unit}`;
}

// One model: the canvas with the true and predicted centres, its error map and its numbers.
function modelPanel(kind, title) {
  const heading = h('h3', {}, title);
  const view = h('canvas', {
    width: CANVAS * SCALE,
    height: CANVAS * SCALE,
    tabindex: 0,
    'aria-label': 'Canvas: click to place the square',
    dataset: { testid: `${kind}-canvas` },
    style: { width: '100%', maxWidth: `${CANVAS * SCALE}px`, cursor: 'crosshair', display: 'block' },
  });
  const predicted = metricRow(`${kind}-predicted`, 'predicted centre (x, y)', 'The model’s output × 64, in canvas pixels');
  const error = metricRow(`${kind}-error`, 'error here', 'Distance from the predicted to the true centre, in pixels');
  const mapHeading = h('h4', {}, 'Error at every test position (grey: trained on)');
  const map = h('canvas', {
    width: SIDE * 4,
    height: SIDE * 4,
    dataset: { testid: `${kind}-error-map` },
    style: { width: '100%', maxWidth: `${SIDE * 5}px`, display: 'block', cursor: 'pointer' },
    title: 'Error of the square whose top-left corner is at this cell; click to place it there',
  });
  const legend = colorLegend({ testid: `${kind}-legend`, caption: 'error (px), same scale both sides' });
  const testMean = metricRow(`${kind}-test-mean`, 'mean error, test split', 'Mean distance over the test positions of the split (the paper’s measure)');
  const within = metricRow(`${kind}-test-within1`, 'test within 1 px', 'Share of test positions predicted within one pixel');
  const quadrantMean = metricRow(`${kind}-quadrant-mean`, 'mean error, test positions in the bottom-right quadrant', 'Mean distance over the test positions whose centre lies in the bottom-right quadrant');
  const el = h(
    'article',
    { class: 'panel', dataset: { testid: kind } },
    heading,
    view,
    h('dl', { class: 'metrics' }, predicted.el, error.el),
    mapHeading,
    map,
    legend.el,
    h('dl', { class: 'metrics' }, testMean.el, within.el, quadrantMean.el),
  );
  return { el, heading, view, map, legend, predicted, error, testMean, within, quadrantMean };
}

function drawCross(g, x, y, r, color) {
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(x - r, y);
  g.lineTo(x + r, y);
  g.moveTo(x, y - r);
  g.lineTo(x, y + r);
  g.stroke();
}

// The generator's canvas enlarged, the true centre (green cross) and the prediction (red ring).
function drawScene(view, image, truth, prediction) {
  const source = pixelCanvas();
  drawRgba(source, image);
  const g = view.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(source, 0, 0, view.width, view.height);
  drawCross(g, truth[0] * SCALE, truth[1] * SCALE, 10, '#2ca02c');
  g.strokeStyle = '#d62728';
  g.lineWidth = 2;
  g.beginPath();
  g.arc(prediction.x * SCALE, prediction.y * SCALE, 7, 0, 2 * Math.PI);
  g.stroke();
}

// The 56×56 error map enlarged (positions outside the test split grey), the held-out quadrant
// outlined and the current position marked.
function drawErrorMap(canvas, heatmap, tested, x, y) {
  const rgba = heatmap.rgba.slice();
  tested.forEach((isTest, cell) => !isTest && rgba.set(UNTESTED, 4 * cell));
  const source = pixelCanvas();
  drawRgba(source, { width: SIDE, height: SIDE, rgba });
  const s = canvas.width / SIDE;
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(source, 0, 0, canvas.width, canvas.height);
  g.setLineDash([6, 4]);
  g.strokeStyle = '#fff';
  g.lineWidth = 2;
  g.strokeRect(QUADRANT_FROM * s, QUADRANT_FROM * s, (SIDE - QUADRANT_FROM) * s, (SIDE - QUADRANT_FROM) * s);
  g.setLineDash([]);
  g.strokeStyle = '#0ff';
  g.strokeRect(x * s, y * s, s, s);
}

// The lab's view; the shell builds its controls and drives its life (see app.js).
function view(ctx) {
  const { controls, manifest } = ctx;
  let state = null; // the latest settings, for the arrow keys, clicks and exports
  let last = null; // the prediction view on screen
  const maps = new Map(); // split → { places, errors: [per model], summaries, heatmaps, tested }

  const truth = h('p', { class: 'note', dataset: { testid: 'truth' } });
  const verdict = h('p', { class: 'note', dataset: { testid: 'verdict' } });
  const job = jobBar('error-map-job');
  const panels = KINDS.map(({ kind, title }) => modelPanel(kind, title));

  const channelCanvases = ['i', 'j', 'r'].map((name) =>
    pixelCanvas({ dataset: { testid: `channel-${name}` }, style: { width: '100%', maxWidth: '192px' }, title: `channel ${name}` }),
  );
  const channelLegends = [
    colorLegend({ testid: 'channel-ij-legend', caption: 'i and j' }),
    colorLegend({ testid: 'channel-r-legend', caption: 'r' }),
  ];

  const exportButtons = [
    h('button', { type: 'button', disabled: true, onclick: () => downloadCanvasesPng([...panels.map((p) => p.view), ...panels.map((p) => p.map)], `${baseName()}.png`, { columns: 2, scale: 1 }) }, 'Canvases and error maps (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: exportCsv }, 'Error map (CSV)'),
    h('button', { type: 'button', disabled: true, onclick: () => downloadJson({ ...last, errorSummaries: maps.get(state.split)?.summaries ?? null }, `${baseName()}.json`) }, 'Numbers (JSON)'),
  ];

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-coordconv-title' }, 'CoordConv'),
      h(
        'p',
        {},
        'Liu et al. (2018) showed that a CNN struggles to map a position in an image to its coordinates. ',
        'CoordConv adds constant coordinate channels to the input — i along x and j along y, both running from −1 to 1, ',
        'and optionally r = √(i² + j²) — so a convolution can read where it is. On the not-so-Clevr task (one 9×9 square ',
        'on a 64×64 canvas; predict its centre) with the quadrant split, the paper’s plain convolutional networks never ',
        'passed about 86% test accuracy while CoordConv generalised perfectly. Click the canvas or use the arrow keys ',
        h('kbd', {}, '←'),
        h('kbd', {}, '→'),
        h('kbd', {}, '↑'),
        h('kbd', {}, '↓'),
        ' to place the square. Green cross: true centre; red ring: prediction.',
      ),
    ),
    h('div', { class: 'panel controls' }, controls.split.el, controls.x.el, controls.y.el),
    truth,
    h('div', { class: 'compare' }, panels.map((p) => p.el)),
    h('div', { class: 'panel' }, h('h3', {}, 'Error over the test positions'), job.el, verdict),
    h(
      'article',
      { class: 'panel', dataset: { testid: 'channels' } },
      h('h3', {}, 'The coordinate channels CoordConv adds'),
      h(
        'div',
        { style: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(120px, 1fr))', gap: '0.75rem' } },
        channelCanvases.map((c, k) => h('figure', { style: { margin: 0 } }, c, h('figcaption', {}, ['i (x, left → right)', 'j (y, top → bottom)', 'r = √(i² + j²)'][k]))),
      ),
      channelLegends.map((l) => l.el),
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  function baseName() {
    return `shiftlab-coordconv-${state.split}-x${state.x}-y${state.y}`;
  }

  function exportCsv() {
    const entry = maps.get(state.split);
    if (!entry) return;
    const rows = [['x', 'y', 'centre_x', 'centre_y', ...KINDS.map((k) => `${modelId(k.kind, state.split)}_error_px`)]];
    for (let k = 0; k < entry.places.length; k++) {
      const [x, y] = entry.places[k];
      rows.push([x, y, x + 4.5, y + 4.5, ...entry.errors.map((e) => e[k])]);
    }
    downloadCsv(rows, `shiftlab-coordconv-${state.split}-test-errors.csv`);
  }

  function modelsOf(split) {
    return KINDS.map(({ kind }) => modelById(manifest, modelId(kind, split)));
  }

  function place(x, y) {
    const clamp = (v) => Math.max(0, Math.min(SIDE - 1, v));
    ctx.setState({ x: clamp(x), y: clamp(y) });
  }

  for (const panel of panels) {
    panel.view.addEventListener('click', (event) => {
      const rect = panel.view.getBoundingClientRect();
      const col = Math.floor(((event.clientX - rect.left) / rect.width) * CANVAS);
      const row = Math.floor(((event.clientY - rect.top) / rect.height) * CANVAS);
      place(col - HALF, row - HALF);
    });
    panel.map.addEventListener('click', (event) => {
      const rect = panel.map.getBoundingClientRect();
      place(Math.floor(((event.clientX - rect.left) / rect.width) * SIDE), Math.floor(((event.clientY - rect.top) / rect.height) * SIDE));
    });
  }

  async function drawChannels() {
    const { i, j, r } = await ctx.run('coordconv', { job: 'channels' });
    drawRgba(channelCanvases[0], i);
    drawRgba(channelCanvases[1], j);
    drawRgba(channelCanvases[2], r);
    channelLegends[0].show(i);
    channelLegends[1].show(r);
  }

  async function renderView(s) {
    const view = await ctx.run('coordconv', { job: 'view', split: s.split, x: s.x, y: s.y });
    truth.textContent = `Square at top-left (${s.x}, ${s.y}); true centre (${view.centre[0]}, ${view.centre[1]}) px` +
      (s.x >= QUADRANT_FROM && s.y >= QUADRANT_FROM ? ' — inside the held-out bottom-right quadrant.' : '.');
    truth.dataset.value = `${view.centre[0]},${view.centre[1]}`;
    panels.forEach((panel, k) => {
      const { id, prediction: p } = view.models[k];
      panel.heading.textContent = `${KINDS[k].title} (${id})`;
      drawScene(panel.view, view.image, view.centre, p);
      panel.predicted.value.textContent = `(${p.x.toFixed(2)}, ${p.y.toFixed(2)})`;
      panel.predicted.value.dataset.value = `${p.x},${p.y}`;
      show(panel.error, p.error, 2, ' px');
    });
    last = {
      settings: { ...s },
      truth: { x: view.centre[0], y: view.centre[1] },
      models: Object.fromEntries(view.models.map((m) => [m.id, m.prediction])),
    };
  }

  // Both models at every test position of the split, a batch per step; the core colours both
  // maps on one scale (cells outside the test split are greyed here).
  async function measureMap(s) {
    if (maps.has(s.split)) return maps.get(s.split);
    const { places, models } = await job.run(
      'measuring both models at every test position',
      'batches measured',
      (options) => ctx.run('coordconv', { job: 'errorMap', split: s.split }, options),
      'change a setting to measure again',
    );
    const tested = new Uint8Array(SIDE * SIDE);
    for (const [x, y] of places) tested[y * SIDE + x] = 1;
    const entry = { places, errors: models.map((m) => m.errors), summaries: models.map((m) => m.summary), heatmaps: models.map((m) => m.map), tested };
    maps.set(s.split, entry);
    job.finish(`${places.length} test positions through both models`);
    return entry;
  }

  function drawMaps(s, entry) {
    panels.forEach((panel, k) => {
      drawErrorMap(panel.map, entry.heatmaps[k], entry.tested, s.x, s.y);
      panel.legend.show(entry.heatmaps[k]);
      const summary = entry.summaries[k];
      show(panel.testMean, summary.testMeanPx, 2, ' px');
      show(panel.within, summary.testWithin1pxPercent, 1, '%');
      show(panel.quadrantMean, summary.quadrantMeanPx, 2, ' px');
    });
    const [plain, coord] = entry.summaries;
    const splitName = s.split === 'quadrant' ? 'the held-out quadrant' : 'the uniform test split';
    const holds = coord.testMeanPx < plain.testMeanPx;
    verdict.textContent =
      `On ${splitName}, plain conv is off by ${plain.testMeanPx.toFixed(2)} px on average (${plain.testWithin1pxPercent.toFixed(1)}% within 1 px) ` +
      `and CoordConv by ${coord.testMeanPx.toFixed(2)} px (${coord.testWithin1pxPercent.toFixed(1)}% within 1 px). ` +
      (holds
        ? 'As in the paper, CoordConv generalises better than plain conv.'
        : 'Unlike the paper, our CoordConv model does not generalise better than the plain one here.');
    verdict.dataset.holds = String(holds);
  }

  async function render(s, isStale) {
    const models = modelsOf(s.split);
    const absent = KINDS.filter((_, k) => !models[k]).map((k) => modelId(k.kind, s.split));
    if (absent.length > 0) throw new Unavailable(`The model(s) ${absent.join(', ')} are not in models/manifest.json, so this split cannot be shown.`);
    await renderView(s);
    if (isStale()) return;
    const entry = await measureMap(s);
    if (isStale()) return;
    drawMaps(s, entry);
    if (isStale()) return;
    for (const b of exportButtons) b.disabled = false;
  }

  ctx.onDispose(arrowKeys((sx, sy) => place(state.x + sx, state.y + sy)));

  drawChannels().catch((err) => !ctx.signal.aborted && ctx.notify(`The coordinate channels could not be drawn: ${err.message}`, 'error', { key: 'coordconv-channels' }));

  return {
    show(next) {
      state = next;
    },
    render,
  };
}

export default { id: 'coordconv', title: 'CoordConv', schema, view };
