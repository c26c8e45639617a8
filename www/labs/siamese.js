// The centre-bias lab (SiamRPN++, Li et al. 2019): a template and a search region from the core's
// seeded scene generator, a bundled photo or the user's own picture; drag the target across the
// search region and compare the response maps of a Siamese tracker trained with centred targets
// and one trained with shifted targets. A sweep over many pairs plots each tracker's peak error
// against the target's distance from the centre.
import { PHOTOS, bundledImage } from '../images.js';
import { modelById } from '../models.js';
import { schemaFor } from '../settings.js';
import { arrowKeys, fileControl } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { downloadCanvasesPng, downloadCsv, downloadJson } from '../ui/export.js';
import { colorLegend, drawRgba, pixelCanvas } from '../ui/heatmap.js';
import { jobBar } from '../ui/job.js';
import { linePlot } from '../ui/plot.js';
import { Unavailable } from '../ui/render-loop.js';
import { uploadAsSetting } from '../ui/upload.js';

const SEARCH = 64;
const TEMPLATE = 16;
const TRAINED_SHIFT = 20; // siam-shifted's training offsets: |dx|, |dy| ≤ 20
const SCALE = 6;
const TRACKERS = [
  { id: 'siam-centred', title: 'Trained on centred targets', color: '#d62728' },
  { id: 'siam-shifted', title: 'Trained on shifted targets', color: '#1f77b4' },
];
const SCENE = 'scene';
const UPLOAD = 'upload';

// The user's picture lives only in this page (and the worker), never in a link; kept at module
// level so that it survives switching to another lab and back. Its key is its content hash, so
// a new upload under the same setting is told from the old one.
let upload = null; // { name, key }

function sourceLabel(source) {
  if (source === SCENE) return 'Generated scene';
  return source === UPLOAD ? `Uploaded: ${upload.name}` : bundledImage(source).label;
}

// The asset key of the picture the pairs are cut from; null for the generated scene.
function imageKey(source) {
  if (source === SCENE) return null;
  return source === UPLOAD ? upload.key : bundledImage(source).key;
}

export const schema = schemaFor('siamese', {
  source: { choices: () => [SCENE, ...PHOTOS.map((p) => p.id), ...(upload ? [UPLOAD] : [])], optionLabel: sourceLabel },
  seed: { control: false }, // shown with its "New scene" button
  map: { control: false }, // asked for by the "Compute the error map" button
});
const MAX_SHIFT = schema.dx.max; // keeps the 16-px target inside the search region
const SWEEP = { seed: 0, step: 4, maxDistance: MAX_SHIFT }; // the scenes of the plot, fixed

// The error-by-offset map: 13 × 13 offsets, two fresh scenes each (a picture has one cut each).
const MAP = { seed: 0, scenes: 2, step: 4 };
const MAP_CELL = 18; // display pixels per offset

function metricRow(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

function ring(g, x, y, r, color, dash = []) {
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.setLineDash(dash);
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.stroke();
  g.setLineDash([]);
}

function cross(g, x, y, r, color) {
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(x - r, y);
  g.lineTo(x + r, y);
  g.moveTo(x, y - r);
  g.lineTo(x, y + r);
  g.stroke();
}

function enlarge(canvas, image) {
  const source = pixelCanvas();
  drawRgba(source, image);
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(source, 0, 0, canvas.width, canvas.height);
  return g;
}

// One tracker's response map with its peak (ring) and the true offset's cell (cross).
function responsePanel(k, tracker) {
  const heading = h('h3', { style: { color: tracker.color } }, tracker.title);
  const map = h('canvas', { width: 250, height: 250, dataset: { testid: `response-${k}` }, style: { width: '100%', maxWidth: '250px', display: 'block' } });
  const legend = colorLegend({ testid: `response-${k}-legend`, caption: 'response' });
  const peak = metricRow(`peak-${k}`, 'peak → offset (dx, dy)', 'The strongest cell of the response map, as a target offset in pixels');
  const error = metricRow(`error-${k}`, 'peak error', 'Distance from the peak’s offset to the true offset, in pixels');
  const el = h('article', { class: 'panel', dataset: { testid: `tracker-${k}` } }, heading, map, legend.el, h('dl', { class: 'metrics' }, peak.el, error.el));
  return { el, heading, map, legend, peak, error };
}

// The lab's view; the shell builds its controls and drives its life (see app.js).
function view(ctx) {
  const { manifest } = ctx;
  let state = null; // the latest settings, for the buttons, the keys and the exports
  let last = null;
  let sweep = null; // { key, scenes, distances, results }
  let cancelledKey = null; // a cancelled sweep is not restarted by dragging the target
  let errorMap = null; // { key, offsets, maps }
  let cancelledMapKey = null;

  const uploadControl = fileControl('upload', { label: 'Upload PNG or JPEG…', accept: 'image/png,image/jpeg', onFile: useUpload });
  const seedText = h('output', { dataset: { testid: 'seed-value' } });
  const newScene = h('button', { type: 'button', dataset: { testid: 'new-scene' }, onclick: () => ctx.setState({ seed: (state.seed + 1) % (schema.seed.max + 1) }) }, 'New scene');
  const sceneRow = h('div', { class: 'control' }, h('label', {}, `${schema.seed.label} `), seedText, newScene);
  const sourceNote = h('p', { class: 'note', dataset: { testid: 'source-note' } });

  const template = h('canvas', { width: TEMPLATE * SCALE, height: TEMPLATE * SCALE, dataset: { testid: 'template' }, style: { width: `${TEMPLATE * SCALE}px`, display: 'block' } });
  const search = h('canvas', {
    width: SEARCH * SCALE,
    height: SEARCH * SCALE,
    tabindex: 0,
    'aria-label': 'Search region: drag the target, or use the arrow keys',
    dataset: { testid: 'search' },
    style: { width: '100%', maxWidth: `${SEARCH * SCALE}px`, display: 'block', cursor: 'grab', touchAction: 'none' },
  });
  const panels = TRACKERS.map((t, k) => responsePanel(k, t));
  const job = jobBar('sweep-job');
  const plot = linePlot({
    testid: 'sweep-plot',
    xLabel: 'target distance from the centre (px)',
    yLabel: 'mean peak error (px)',
    series: TRACKERS.map((t) => ({ label: t.id, stroke: t.color })),
    integerX: true,
  });
  const table = h('table', { class: 'numbers', dataset: { testid: 'sweep-table' } });
  const mapJob = jobBar('map-job');
  const mapRun = h('button', { type: 'button', dataset: { testid: 'map-run' }, onclick: () => ctx.setState({ map: 'on' }) }, 'Compute the error map');
  const mapPanels = TRACKERS.map((t, k) => {
    const canvas = h('canvas', { width: 13 * MAP_CELL, height: 13 * MAP_CELL, dataset: { testid: `map-${k}` }, style: { width: '100%', maxWidth: `${13 * MAP_CELL}px`, display: 'block' } });
    const centre = metricRow(`map-${k}-centre`, 'mean error, |offset| ≤ 8 px', 'Mean peak error over the offsets within 8 px of the centre');
    const far = metricRow(`map-${k}-far`, 'mean error, |offset| ≥ 16 px', 'Mean peak error over the offsets 16 px or more from the centre');
    const el = h('article', { class: 'panel' }, h('h4', { style: { color: t.color } }, t.title), canvas, h('dl', { class: 'metrics' }, centre.el, far.el));
    return { el, canvas, centre, far };
  });
  const mapLegend = colorLegend({ testid: 'map-legend', caption: 'mean peak error (px)' });
  const verdict = h('p', { class: 'note', dataset: { testid: 'verdict' } });

  const exportButtons = [
    h('button', { type: 'button', disabled: true, onclick: () => downloadCanvasesPng([template, search, ...panels.map((p) => p.map)], `${baseName()}.png`, { scale: 1 }) }, 'Search and responses (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: exportCsv }, 'Error against distance (CSV)'),
    h('button', { type: 'button', disabled: true, onclick: exportMapCsv }, 'Error by offset (CSV)'),
    h('button', { type: 'button', disabled: true, onclick: () => downloadJson({ view: last, sweep, errorMap: errorMap && { offsets: errorMap.offsets, maps: errorMap.maps.map((m) => Array.from(m)) } }, `${baseName()}.json`) }, 'Numbers (JSON)'),
  ];

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-siamese-title' }, 'Centre bias in Siamese tracking'),
      h(
        'p',
        {},
        'A Siamese tracker (SiamFC, SiamRPN) slides the features of a template over the features of a search region; the peak ',
        'of the response map is where it thinks the target is. Li et al. (SiamRPN++, 2019) found that a deep padded backbone ',
        'trained with the target always at the centre of the search region learns to answer “the centre”: padding tells it where ',
        'the centre is. Training with targets shifted at random removes most of that bias. Both trackers here share one padded ',
        'backbone design; drag the target in the search region (or use the arrow keys) and compare their responses. ',
        'The plot below scores both on the same pairs at each distance. The shift-trained tracker saw offsets of at most 20 px ',
        'per axis, so it too loses the target at the far corners.',
      ),
    ),
    h(
      'div',
      { class: 'panel controls' },
      ctx.controls.source.el,
      uploadControl.el,
      sceneRow,
      ctx.controls.dx.el,
      ctx.controls.dy.el,
      ctx.controls.scenes.el,
    ),
    sourceNote,
    h(
      'div',
      { class: 'compare' },
      h(
        'article',
        { class: 'panel', style: { gridColumn: '1 / -1' } },
        h('h3', {}, 'Template and search region'),
        template,
        search,
        h('p', { class: 'note' }, 'Green cross: the true target centre. Rings: each tracker’s peak (red: centred-trained, blue: shift-trained).'),
      ),
      panels.map((p) => p.el),
    ),
    h(
      'article',
      { class: 'panel', dataset: { testid: 'sweep' } },
      h('h3', {}, 'Peak error against target distance'),
      job.el,
      plot.el,
      h('div', { style: { overflowX: 'auto' } }, table),
      verdict,
    ),
    h(
      'article',
      { class: 'panel', dataset: { testid: 'error-map' } },
      h('h3', {}, 'Peak error by target offset'),
      h(
        'p',
        { class: 'note' },
        'The mean peak error with the target at every offset of a 13 × 13 grid (4 px apart, ±24 px), two scenes per offset: ',
        'the centre of each map is the centre of the search region. A tracker biased to the centre is accurate only in a disc ',
        'around it. About 700 pairs per tracker, so it runs when asked.',
      ),
      h('div', { class: 'controls' }, mapRun),
      mapJob.el,
      h('div', { class: 'compare' }, mapPanels.map((p) => p.el)),
      mapLegend.el,
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  function baseName() {
    const from = state.source === SCENE ? `seed${state.seed}` : state.source;
    return `shiftlab-siamese-${from}-dx${state.dx}-dy${state.dy}`;
  }

  function exportCsv() {
    if (!sweep) return;
    const rows = [['distance_px', ...TRACKERS.flatMap((t) => [`${t.id}_mean_error_px`, `${t.id}_mean_predicted_distance_px`, `${t.id}_within_4px_percent`])]];
    sweep.distances.forEach((d, i) => rows.push([d, ...sweep.results.flatMap((r) => [r[i].meanErrorPx, r[i].meanPredictedDistancePx, r[i].within4pxPercent])]));
    downloadCsv(rows, `shiftlab-siamese-sweep-${sweep.source}-${sweep.scenes}-scenes.csv`);
  }

  function exportMapCsv() {
    if (!errorMap) return;
    const rows = [['tracker', 'dx_px', 'dy_px', 'mean_peak_error_px']];
    const side = errorMap.offsets.length;
    TRACKERS.forEach((t, k) =>
      errorMap.offsets.forEach((dy, r) => errorMap.offsets.forEach((dx, c) => rows.push([t.id, dx, dy, errorMap.maps[k][r * side + c]]))),
    );
    downloadCsv(rows, `shiftlab-siamese-error-map-${errorMap.source}.csv`);
  }

  function trackers() {
    return TRACKERS.map((t) => modelById(manifest, t.id));
  }

  // Dragging: the target follows the pointer, clamped to the offsets the generator allows.
  function offsetAt(event) {
    const rect = search.getBoundingClientRect();
    const clamp = (v) => Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, v));
    const x = ((event.clientX - rect.left) / rect.width) * SEARCH;
    const y = ((event.clientY - rect.top) / rect.height) * SEARCH;
    return { dx: clamp(Math.round(x - SEARCH / 2)), dy: clamp(Math.round(y - SEARCH / 2)) };
  }
  let dragging = false;
  search.addEventListener('pointerdown', (event) => {
    dragging = true;
    search.setPointerCapture(event.pointerId);
    ctx.setState(offsetAt(event));
  });
  search.addEventListener('pointermove', (event) => dragging && ctx.setState(offsetAt(event)));
  search.addEventListener('pointerup', () => (dragging = false));
  search.addEventListener('pointercancel', () => (dragging = false));

  async function renderView(s, models) {
    const view = await ctx.run('siamese', { job: 'view', seed: s.seed, image: imageKey(s.source), dx: s.dx, dy: s.dy });
    enlarge(template, view.template);
    const g = enlarge(search, view.search);
    const centre = (SEARCH / 2) * SCALE;
    cross(g, centre + s.dx * SCALE, centre + s.dy * SCALE, 12, '#2ca02c');
    view.trackers.forEach((r, k) => {
      ring(g, centre + r.peak.dx * SCALE, centre + r.peak.dy * SCALE, 9 + 4 * k, TRACKERS[k].color);
      const rw = r.response.width;
      const panel = panels[k];
      const mg = enlarge(panel.map, r.response);
      const cell = panel.map.width / rw;
      mg.strokeStyle = '#ff4040';
      mg.lineWidth = 2;
      mg.strokeRect(r.peak.col * cell, r.peak.row * cell, cell, cell);
      // The true offset's cell, fractional between cells: offset = stride × (cell − centre cell),
      // where a map of rw cells tiles the (search − template) px of possible offsets.
      const middle = (rw - 1) / 2;
      const stride = (SEARCH - TEMPLATE) / (rw - 1);
      cross(mg, (middle + s.dx / stride + 0.5) * cell, (middle + s.dy / stride + 0.5) * cell, cell / 2, '#2ca02c');
      panel.legend.show(r.response);
      panel.peak.value.textContent = `(${r.peak.dx}, ${r.peak.dy})`;
      panel.peak.value.dataset.value = `${r.peak.dx},${r.peak.dy}`;
      panel.error.value.textContent = `${r.error.toFixed(2)} px`;
      panel.error.value.dataset.value = String(r.error);
      panel.heading.textContent = `${TRACKERS[k].title} (${models[k].id})`;
    });
    last = {
      settings: { ...s },
      trackers: Object.fromEntries(view.trackers.map((t) => [t.id, { peak: t.peak, error: t.error }])),
    };
  }

  // What the sweep and the map are computed from: the source, and which upload it holds.
  function sourceKey(s) {
    return s.source === UPLOAD ? `${UPLOAD}|${upload?.key}` : s.source;
  }

  // The sweep depends only on the source and the number of pairs per distance, not on the
  // target being dragged.
  async function runSweep(s, models) {
    const key = `${sourceKey(s)}|${s.scenes}`;
    if (sweep?.key === key || cancelledKey === key) return;
    const request = { job: 'sweep', image: imageKey(s.source), ...SWEEP, scenes: s.scenes };
    let answer;
    try {
      answer = await job.run(
        'sweeping both trackers',
        'distance bins scored',
        (options) => ctx.run('siamese', request, options),
        'change the number of pairs to sweep again',
      );
    } catch (err) {
      if (err.name === 'AbortError') cancelledKey = key;
      throw err;
    }
    sweep = { key, source: s.source, scenes: s.scenes, distances: answer.distances, results: answer.trackers.map((t) => t.bins) };
    const what = s.source === SCENE ? 'scenes' : 'cuts of the picture';
    job.finish(`${answer.distances.length} distances × ${s.scenes} ${what} through both trackers`);
    drawSweep(models);
  }

  function drawSweep(models) {
    const { distances, results } = sweep;
    plot.set(distances, results.map((r) => r.map((b) => b.meanErrorPx)), { labels: models.map((m) => m.id) });
    const head = h('tr', {}, h('th', {}, 'distance (px)'), TRACKERS.map((t) => [h('th', {}, `${t.id}: mean error`), h('th', {}, 'mean |predicted offset|')]));
    const rows = distances.map((d, i) =>
      h(
        'tr',
        {},
        h('td', {}, String(d)),
        results.map((r, k) => [
          h('td', { dataset: { testid: `sweep-${k}-${d}`, value: String(r[i].meanErrorPx) } }, r[i].meanErrorPx.toFixed(2)),
          h('td', {}, r[i].meanPredictedDistancePx.toFixed(2)),
        ]),
      ),
    );
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, rows));
    // Judged over the offsets the shift-trained tracker was trained on (|dx|, |dy| ≤ 20), so
    // that neither tracker is asked about offsets it never saw.
    const inRange = distances.map((d, i) => [d, i]).filter(([d]) => d <= TRAINED_SHIFT);
    const mean = (r) => inRange.reduce((sum, [, i]) => sum + r[i].meanErrorPx, 0) / inRange.length;
    const [centred, shifted] = results.map(mean);
    const holds = shifted < centred;
    verdict.textContent =
      `Averaged over target distances 0–${TRAINED_SHIFT} px, the centred-trained tracker is off by ${centred.toFixed(2)} px and ` +
      `the shift-trained one by ${shifted.toFixed(2)} px (${sweep.scenes} ${sweep.scenes === 1 ? 'pair' : 'pairs'} per distance). ` +
      (holds ? 'As SiamRPN++ reports, training with shifts reduces the centre bias.' : 'Unlike SiamRPN++, our shift-trained tracker is not better here.') +
      (sweep.source === SCENE ? '' : ' (On a picture, far from the generated scenes both trackers learnt on.)');
    verdict.dataset.holds = String(holds);
  }

  async function runMap(s) {
    mapRun.disabled = s.map === 'on';
    if (s.map !== 'on') return;
    const key = sourceKey(s);
    if (errorMap?.key === key || cancelledMapKey === key) return;
    let answer;
    try {
      answer = await mapJob.run(
        'mapping both trackers',
        'rows scored',
        (options) => ctx.run('siamese', { job: 'errorMap', image: imageKey(s.source), ...MAP }, options),
        'choose another source to map again',
      );
    } catch (err) {
      if (err.name === 'AbortError') cancelledMapKey = key;
      throw err;
    }
    const { offsets, trackers } = answer;
    errorMap = { key, source: s.source, offsets, maps: trackers.map((t) => t.errors), heatmaps: trackers.map((t) => t.map) };
    mapJob.finish(`${offsets.length} × ${offsets.length} offsets through both trackers`);
    drawMap();
  }

  // Both trackers' maps, coloured by the core on one scale.
  function drawMap() {
    const { offsets, maps, heatmaps } = errorMap;
    const side = offsets.length;
    mapPanels.forEach((panel, k) => {
      const g = enlarge(panel.canvas, heatmaps[k]);
      const cell = panel.canvas.width / side;
      cross(g, (side / 2) * cell, (side / 2) * cell, cell / 2, '#2ca02c');
      panel.canvas.dataset.values = JSON.stringify(Array.from(maps[k]));
      const mean = (keep) => {
        const picked = [];
        offsets.forEach((dy, r) => offsets.forEach((dx, c) => keep(Math.hypot(dx, dy)) && picked.push(maps[k][r * side + c])));
        return picked.reduce((a, b) => a + b, 0) / picked.length;
      };
      /** @type {[{ value: HTMLElement }, number][]} */
      const rows = [
        [panel.centre, mean((d) => d <= 8)],
        [panel.far, mean((d) => d >= 16)],
      ];
      for (const [row, value] of rows) {
        row.value.textContent = `${value.toFixed(2)} px`;
        row.value.dataset.value = String(value);
      }
    });
    mapLegend.show(heatmaps[0]);
  }

  function describeSource(s) {
    sceneRow.hidden = s.source !== SCENE;
    sourceNote.textContent =
      s.source === SCENE
        ? ''
        : 'The picture is fitted to 112×112 px; its central 16×16 patch is the target, and the search region is the 64×64 window ' +
          'that holds it at the chosen offset, as a moving camera would. Both trackers learnt on generated scenes only, so on a photo ' +
          'they are out of their depth: over the ten bundled photos both miss by 9–26 px on average, and the shift-trained one is the ' +
          'worse of the two (models/README.md). Both errors still grow with the distance from the centre.';
  }

  async function render(s, isStale) {
    const models = trackers();
    const absent = TRACKERS.filter((_, k) => !models[k]).map((t) => t.id);
    if (absent.length > 0) throw new Unavailable(`The model(s) ${absent.join(', ')} are not in models/manifest.json, so there is nothing to show.`);
    describeSource(s);
    await renderView(s, models);
    if (isStale()) return;
    exportButtons[0].disabled = false;
    await runSweep(s, models);
    if (isStale()) return;
    await runMap(s);
    if (isStale()) return;
    for (const b of exportButtons) b.disabled = false;
    exportButtons[2].disabled = !errorMap;
  }

  function useUpload(file) {
    return uploadAsSetting(ctx, file, { notice: 'siamese-upload', setting: 'source', remember: (picture) => (upload = picture) });
  }

  ctx.onDispose(
    arrowKeys((sx, sy) => {
      const clamp = (v) => Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, v));
      ctx.setState({ dx: clamp(state.dx + sx), dy: clamp(state.dy + sy) });
    }),
  );
  ctx.onDispose(() => plot.destroy());

  return {
    show(next) {
      state = next;
      seedText.textContent = String(state.seed);
    },
    render,
  };
}

export default { id: 'siamese', title: 'Siamese centre bias', schema, view };
