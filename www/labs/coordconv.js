// The CoordConv lab (Liu et al. 2018): place a 9×9 square on a 64×64 canvas and watch two CNNs
// trained on the same split regress its centre; the error at every position of the canvas, as a
// heatmap, shows where each one generalises. Two pairs: Liu's (a strided CNN against Liu's
// CoordConv regressor) and the matched pair (one strided CNN without and with coordinate
// channels), which isolates what the channels alone do.
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

// The two panels, in the core's order (src/labs/coordconv.rs `model_ids`): the model without
// coordinate channels, then the one with them. The slot names the panel's test ids.
const SLOTS = ['plain', 'coords'];
const PAIRS = {
  liu: [
    { kind: 'plain', title: 'Plain conv (strided ReLU CNN)', name: 'the plain CNN' },
    { kind: 'coordconv', title: 'CoordConv (Liu’s regressor)', name: 'Liu’s CoordConv regressor' },
  ],
  matched: [
    { kind: 'plain', title: 'Plain conv (strided ReLU CNN)', name: 'the plain CNN' },
    { kind: 'plaincoords', title: 'The same CNN + i, j, r channels', name: 'the same CNN with i, j, r channels' },
  ],
};

const modelId = (kind, split) => `coord-${kind}-${split}`;

// What Liu et al. (2018) report for the setting nearest to each split, in the paper's words for
// its tasks; ours regresses the centre of a 9×9 square, which is neither task exactly.
const PAPER = {
  quadrant:
    'Liu et al., Supervised Coordinate Regression (a one-hot pixel image → its (x, y)), quadrant split: ' +
    'convolutional regressors do not generalise to the held-out quadrant, while CoordConv generalises perfectly.',
  uniform:
    'Liu et al.’s “never passes about 86%” is Supervised Coordinate Classification ((x, y) → a one-hot pixel, the reverse ' +
    'direction of ours) on the uniform split: no convolutional model passed about 86% test accuracy there, while CoordConv ' +
    'reached perfect test accuracy on both splits.',
};

// The error maps are cached per pair and split.
const mapKey = (s) => `${s.pair}|${s.split}`;

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
  // The pair's long labels (a drop-down) need a row of their own to be read whole.
  controls.pair.el.style.gridColumn = '1 / -1';
  let state = null; // the latest settings, for the arrow keys, clicks and exports
  let last = null; // the prediction view on screen
  const maps = new Map(); // split → { places, errors: [per model], summaries, heatmaps, tested }

  const truth = h('p', { class: 'note', dataset: { testid: 'truth' } });
  const verdict = h('p', { class: 'note', dataset: { testid: 'verdict' } });
  const job = jobBar('error-map-job');
  const paper = h('p', { class: 'note', dataset: { testid: 'paper' } });
  const ours = h('p', { class: 'note', dataset: { testid: 'ours' } });
  const panels = SLOTS.map((slot) => modelPanel(slot, ''));

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
    h('button', { type: 'button', disabled: true, onclick: () => downloadJson({ ...last, errorSummaries: maps.get(mapKey(state))?.summaries ?? null }, `${baseName()}.json`) }, 'Numbers (JSON)'),
  ];

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-coordconv-title' }, 'CoordConv'),
      h(
        'p',
        {},
        'Liu et al. (2018) showed that a CNN struggles to map a position in an image to its coordinates and back. ',
        'CoordConv adds constant coordinate channels to the input — i along x and j along y, both running from −1 to 1, ',
        'and optionally r = √(i² + j²) — so a convolution can read where it is. Here two networks regress the centre of ',
        'one 9×9 square on a 64×64 canvas (not-so-Clevr), trained on the uniform split (a random 80% of the positions) or ',
        'the quadrant split (no square ever in the bottom-right quadrant, which is the test set). Liu’s pair compares a ',
        'strided ReLU CNN with Liu’s CoordConv regressor (stride 1, no nonlinearity), which differ in more than the ',
        'coordinate channels; the matched pair is one strided CNN, recipe and seed, without and with i, j, r channels. ',
        'Click the canvas or use the arrow keys ',
        h('kbd', {}, '←'),
        h('kbd', {}, '→'),
        h('kbd', {}, '↑'),
        h('kbd', {}, '↓'),
        ' to place the square. Green cross: true centre; red ring: prediction.',
      ),
    ),
    h('div', { class: 'panel controls' }, controls.pair.el, controls.split.el, controls.x.el, controls.y.el),
    truth,
    h('div', { class: 'compare' }, panels.map((p) => p.el)),
    h('div', { class: 'panel' }, h('h3', {}, 'Error over the test positions'), job.el, verdict),
    h('div', { class: 'panel', dataset: { testid: 'paper-vs-ours' } }, h('h3', {}, 'The paper and our models'), paper, ours),
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
    return `shiftlab-coordconv-${state.pair}-${state.split}-x${state.x}-y${state.y}`;
  }

  function exportCsv() {
    const entry = maps.get(mapKey(state));
    if (!entry) return;
    const rows = [['x', 'y', 'centre_x', 'centre_y', ...PAIRS[state.pair].map((k) => `${modelId(k.kind, state.split)}_error_px`)]];
    for (let k = 0; k < entry.places.length; k++) {
      const [x, y] = entry.places[k];
      rows.push([x, y, x + 4.5, y + 4.5, ...entry.errors.map((e) => e[k])]);
    }
    downloadCsv(rows, `shiftlab-coordconv-${state.pair}-${state.split}-test-errors.csv`);
  }

  function modelsOf(pair, split) {
    return PAIRS[pair].map(({ kind }) => modelById(manifest, modelId(kind, split)));
  }

  // The paper's result for the setting nearest to this split, beside the manifest's numbers for
  // the pair (measured by training/coord.py and re-measured in CI); for the matched pair also
  // Liu's regressor, to say how far the coordinate channels alone take the strided CNN.
  function describe(s, models) {
    paper.textContent = PAPER[s.split];
    const where = s.split === 'quadrant' ? 'on the held-out quadrant' : 'on the uniform test split';
    const said = (m) => `${m.id} ${m.metrics.test_mean_error_px.toFixed(2)} px (${m.metrics.test_within_1px_percent.toFixed(1)}% within 1 px)`;
    let text = `Ours, mean error ${where}: ${models.map(said).join('; ')}.`;
    const liu = modelById(manifest, modelId('coordconv', s.split));
    if (s.pair === 'matched' && liu) {
      const [plain, withCoords] = models.map((m) => m.metrics.test_mean_error_px);
      const regressor = liu.metrics.test_mean_error_px;
      const change = withCoords < plain ? `help the same strided CNN by ${(plain - withCoords).toFixed(2)} px` : `do not help the same strided CNN (${(withCoords - plain).toFixed(2)} px worse)`;
      text +=
        ` The coordinate channels alone ${change}; Liu’s stride-1 linear regressor (${liu.id}) gets ${regressor.toFixed(2)} px. ` +
        (withCoords > 2 * regressor
          ? 'So the channels are not the whole story: the strided ReLU CNN with them still does not generalise as Liu’s regressor does.'
          : 'With the channels the strided CNN does about as well as Liu’s regressor.');
    }
    ours.textContent = text;
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
    const view = await ctx.run('coordconv', { job: 'view', pair: s.pair, split: s.split, x: s.x, y: s.y });
    truth.textContent = `Square at top-left (${s.x}, ${s.y}); true centre (${view.centre[0]}, ${view.centre[1]}) px` +
      (s.x >= QUADRANT_FROM && s.y >= QUADRANT_FROM ? ' — inside the held-out bottom-right quadrant.' : '.');
    truth.dataset.value = `${view.centre[0]},${view.centre[1]}`;
    panels.forEach((panel, k) => {
      const { id, prediction: p } = view.models[k];
      panel.heading.textContent = `${PAIRS[s.pair][k].title} (${id})`;
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
    if (maps.has(mapKey(s))) return maps.get(mapKey(s));
    const { places, models } = await job.run(
      'measuring both models at every test position',
      'batches measured',
      (options) => ctx.run('coordconv', { job: 'errorMap', pair: s.pair, split: s.split }, options),
      'change a setting to measure again',
    );
    const tested = new Uint8Array(SIDE * SIDE);
    for (const [x, y] of places) tested[y * SIDE + x] = 1;
    const entry = { places, errors: models.map((m) => m.errors), summaries: models.map((m) => m.summary), heatmaps: models.map((m) => m.map), tested };
    maps.set(mapKey(s), entry);
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
    const [plainName, coordName] = PAIRS[s.pair].map((k) => k.name);
    const splitName = s.split === 'quadrant' ? 'the held-out quadrant' : 'the uniform test split';
    const holds = coord.testMeanPx < plain.testMeanPx;
    verdict.textContent =
      `On ${splitName}, ${plainName} is off by ${plain.testMeanPx.toFixed(2)} px on average (${plain.testWithin1pxPercent.toFixed(1)}% within 1 px) ` +
      `and ${coordName} by ${coord.testMeanPx.toFixed(2)} px (${coord.testWithin1pxPercent.toFixed(1)}% within 1 px). ` +
      (holds
        ? 'As in the paper, the model with coordinate channels generalises better.'
        : 'Unlike the paper, the model with coordinate channels does not generalise better here.');
    verdict.dataset.holds = String(holds);
  }

  async function render(s, isStale) {
    const models = modelsOf(s.pair, s.split);
    const absent = PAIRS[s.pair].filter((_, k) => !models[k]).map((k) => modelId(k.kind, s.split));
    if (absent.length > 0) throw new Unavailable(`The model(s) ${absent.join(', ')} are not in models/manifest.json, so this pair cannot be shown.`);
    describe(s, models);
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
