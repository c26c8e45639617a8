// The depth-cues lab (van Dijk & de Croon 2019): a rendered road scene, its true inverse depth
// and the maps of two small depth networks — one trained from a single camera pose, one with
// pitch, roll and height jittered — side by side; then the paper's tests: the insertion test
// (vertical position against apparent size), camera pitch, camera roll and the obstacle cues.
// Every number is computed by the core (src/labs/depth.rs); this view only draws it.
import { modelById } from '../models.js';
import { schemaFor } from '../settings.js';
import { h } from '../ui/dom.js';
import { jobBar } from '../ui/job.js';
import { downloadCanvasesPng, downloadCsv, downloadJson } from '../ui/export.js';
import { colorLegend, drawRgba, pixelCanvas } from '../ui/heatmap.js';
import { linePlot } from '../ui/plot.js';
import { Unavailable } from '../ui/render-loop.js';

export const schema = schemaFor('depth');

const WIDTH = 160;
const HEIGHT = 96;
// The renderer's camera (src/datasets/road.rs): focal length and principal point in pixels.
const FOCAL = 93;
const CENTRE_COLUMN = 80;
const HORIZON_ROW = 40;
const SCALE = 3; // display pixels per image pixel

const MODELS = [
  { id: 'depth-fixed', title: 'Trained from one camera pose', color: '#1f77b4' },
  { id: 'depth-jitter', title: 'Trained with pitch, roll and height jittered', color: '#d62728' },
];
const MODES = [
  { mode: 'natural', label: 'natural (position and size)', dash: [] },
  { mode: 'position', label: 'position only', dash: [6, 3] },
  { mode: 'size', label: 'size only', dash: [2, 3] },
];
const IDENTITY = { label: 'y = x', stroke: '#999', dash: [4, 4] };

const fixed = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const signed = (x, digits = 1) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(digits)}` : '–');

// The ground point (X, Z) in metres seen at image point (u, v), as road::Camera::ground_point
// computes it: the ray through (u, v), rolled, then pitched, meets the plane Y = height.
export function groundPoint(u, v, { pitch, roll, height }) {
  const [p, r] = [(pitch * Math.PI) / 180, (roll * Math.PI) / 180];
  const x = (u - CENTRE_COLUMN) / FOCAL;
  const y = (v - HORIZON_ROW) / FOCAL;
  const xr = Math.cos(r) * x - Math.sin(r) * y;
  const yr = Math.sin(r) * x + Math.cos(r) * y;
  const down = yr * Math.cos(p) + Math.sin(p);
  const forward = Math.cos(p) - yr * Math.sin(p);
  if (down <= 1e-6) return null;
  const t = height / down;
  return { lateral: t * xr, distance: t * forward };
}

function sceneSettings(s) {
  return {
    seed: s.seed,
    pitch: s.pitch,
    roll: s.roll,
    height: s.height,
    kind: s.kind,
    distance: s.distance,
    lateral: s.lateral,
    scale: s.scale,
    shadow: s.shadow === 'on',
    band: s.band,
    bandBrightness: s.bandBrightness,
    hollow: s.hollow === 'on',
    grayscale: s.grayscale === 'on',
    hue: s.hue,
  };
}

function metric(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

function setMetric(m, text, value) {
  m.value.textContent = text;
  m.value.dataset.value = String(value);
}

function modelPanel(model) {
  const map = pixelCanvas({ dataset: { testid: `${model.id}-map` }, style: { width: '100%', maxWidth: `${WIDTH * SCALE}px` } });
  const distance = metric(`${model.id}-distance`, 'object distance', 'The object’s estimated distance: 1 / the median predicted inverse depth over its pixels');
  const horizon = metric(`${model.id}-horizon`, 'horizon row', 'Where the plane fitted to the predicted inverse depth of the ground reaches zero (centre column)');
  const roll = metric(`${model.id}-roll`, 'ground roll', 'The roll of that plane’s zero line');
  const absRel = metric(`${model.id}-absrel`, 'abs rel (this scene)', 'Mean |d_pred − d_true| / d_true over the pixels up to 80 m');
  const el = h(
    'article',
    { class: 'panel', dataset: { testid: model.id } },
    h('h3', {}, `${model.title} (${model.id})`),
    map,
    h('dl', { class: 'metrics' }, distance.el, horizon.el, roll.el, absRel.el),
  );
  return { el, map, distance, horizon, roll, absRel };
}

function drawScene(canvas, image, box, horizon, roll) {
  const source = pixelCanvas();
  drawRgba(source, image);
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(source, 0, 0, canvas.width, canvas.height);
  // The true horizon, through the centre column at the roll's slope.
  const slope = -Math.tan((roll * Math.PI) / 180);
  g.strokeStyle = 'rgba(255,255,255,0.7)';
  g.setLineDash([6, 4]);
  g.beginPath();
  g.moveTo(0, (horizon + slope * (0 - CENTRE_COLUMN)) * SCALE);
  g.lineTo(canvas.width, (horizon + slope * (WIDTH - CENTRE_COLUMN)) * SCALE);
  g.stroke();
  g.setLineDash([]);
  if (box) {
    g.strokeStyle = '#0ff';
    g.lineWidth = 2;
    g.strokeRect(box[0] * SCALE, box[1] * SCALE, (box[2] - box[0]) * SCALE, (box[3] - box[1]) * SCALE);
  }
}

// Plots side by side where they fit, one above the other on a phone (a plot is at least 240 px).
function plotGrid(plots) {
  return h('div', { style: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))', gap: '1rem' } }, plots);
}

// A wide table scrolls sideways on its own instead of widening a phone's page.
function scrolls(table) {
  return h('div', { style: { overflowX: 'auto', maxWidth: '100%' } }, table);
}

function slopeTable(testid, models, columns) {
  const head = h('tr', {}, h('th', {}, 'model'), columns.map((c) => h('th', {}, c)));
  const body = h('tbody');
  const el = h('table', { class: 'numbers', dataset: { testid } }, h('thead', {}, head), body);
  return {
    el,
    set(rows) {
      body.replaceChildren(...rows.map(({ id, cells }) => h('tr', { dataset: { model: id } }, h('th', {}, id), cells.map((c) => h('td', { dataset: { value: String(c.value) } }, c.text)))));
    },
  };
}

function view(ctx) {
  const { controls, manifest } = ctx;
  let state = null;
  const last = { view: null, insertion: null, pitch: null, roll: null, cues: null };
  const cache = new Map(); // job key → result

  const sceneCanvas = h('canvas', {
    width: WIDTH * SCALE,
    height: HEIGHT * SCALE,
    dataset: { testid: 'scene' },
    'aria-label': 'Road scene: drag to move the object',
    style: { width: '100%', maxWidth: `${WIDTH * SCALE}px`, cursor: 'grab', touchAction: 'none', display: 'block' },
  });
  const truthCanvas = pixelCanvas({ dataset: { testid: 'truth-map' }, style: { width: '100%', maxWidth: `${WIDTH * SCALE}px` } });
  const legend = colorLegend({ testid: 'depth-legend', caption: 'inverse depth (1/m), one scale for all maps' });
  const truthNote = h('p', { class: 'note', dataset: { testid: 'truth' } });
  const panels = MODELS.map(modelPanel);

  const insertionJob = jobBar('insertion-job');
  const insertionPlots = MODELS.map((m) =>
    linePlot({
      testid: `insertion-plot-${m.id}`,
      xLabel: 'r (times further at r = 1)',
      yLabel: 'predicted distance / at r = 1',
      series: [IDENTITY, ...MODES.map((mode) => ({ label: mode.label, stroke: m.color, dash: mode.dash }))],
    }),
  );
  const insertionTable = slopeTable('insertion-slopes', MODELS, MODES.map((m) => `slope, ${m.label}`));
  const insertionVerdict = h('p', { class: 'note', dataset: { testid: 'insertion-verdict' } });

  const pitchJob = jobBar('pitch-job');
  const horizonPlot = linePlot({
    testid: 'pitch-horizon-plot',
    xLabel: 'true horizon shift (px, − = up)',
    yLabel: 'estimated horizon shift (px)',
    series: [IDENTITY, ...MODELS.map((m) => ({ label: m.id, stroke: m.color }))],
  });
  const pitchErrorPlot = linePlot({
    testid: 'pitch-error-plot',
    xLabel: 'camera pitch (°, + looks down)',
    yLabel: 'distance error (%)',
    series: MODELS.flatMap((m) => [
      { label: `${m.id}, car at 8 m`, stroke: m.color },
      { label: `${m.id}, car at 16 m`, stroke: m.color, dash: [6, 3] },
    ]),
  });
  const pitchVerdict = h('p', { class: 'note', dataset: { testid: 'pitch-verdict' } });

  const rollJob = jobBar('roll-job');
  const rollPlot = linePlot({
    testid: 'roll-plot',
    xLabel: 'true camera roll (°)',
    yLabel: 'estimated ground-plane roll (°)',
    series: [IDENTITY, ...MODELS.map((m) => ({ label: m.id, stroke: m.color }))],
  });
  const rollVerdict = h('p', { class: 'note', dataset: { testid: 'roll-verdict' } });

  const cuesJob = jobBar('cues-job');
  const cuesTable = slopeTable('cues-table', MODELS, []);
  const cuesVerdict = h('p', { class: 'note', dataset: { testid: 'cues-verdict' } });

  const exportButtons = [
    h('button', { type: 'button', disabled: true, onclick: () => downloadCanvasesPng([sceneCanvas, truthCanvas, ...panels.map((p) => p.map)], `${baseName()}.png`, { columns: 2, scale: 1 }) }, 'Scene and maps (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: () => downloadCanvasesPng([...insertionPlots, horizonPlot, pitchErrorPlot, rollPlot].map((p) => p.canvas()).filter(Boolean), `${baseName()}-plots.png`, { columns: 2, scale: 1 }) }, 'Plots (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: exportCsv }, 'Measurements (CSV)'),
    h('button', { type: 'button', disabled: true, onclick: () => downloadJson({ settings: state, ...last, view: last.view && stripPixels(last.view) }, `${baseName()}.json`) }, 'Numbers (JSON)'),
  ];

  const c = controls;
  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-depth-title' }, 'How a CNN sees depth'),
      h(
        'p',
        {},
        'van Dijk & de Croon (2019) probed monocular depth networks trained on KITTI (MonoDepth and others). They judged an obstacle’s ',
        'distance by the image row where it touches the ground, hardly by its apparent size; they only partly corrected for a change of ',
        'camera pitch or roll; and they found obstacles by their dark bottom edge and shadow, with hue mattering little. Here two small ',
        'encoder–decoders trained on rendered road scenes (training/depth.py) face the same tests: one saw a single camera pose, as KITTI’s ',
        'networks did; the other saw pitch and roll within ±6° and camera heights of 1.3–2.1 m. Drag the object in the scene.',
      ),
    ),
    h(
      'div',
      { class: 'panel controls' },
      h('fieldset', {}, h('legend', {}, 'Camera and scene'), c.seed.el, c.pitch.el, c.roll.el, c.height.el),
      h('fieldset', {}, h('legend', {}, 'Object'), c.kind.el, c.distance.el, c.lateral.el, c.scale.el),
      h('fieldset', {}, h('legend', {}, 'Object cues'), c.shadow.el, c.band.el, c.bandBrightness.el, c.hollow.el, c.grayscale.el, c.hue.el),
      h('fieldset', {}, h('legend', {}, 'Measurements'), c.base.el, c.scenes.el),
    ),
    h(
      'div',
      { class: 'compare' },
      h('article', { class: 'panel', dataset: { testid: 'scene-panel' } }, h('h3', {}, 'Scene (drag the object)'), sceneCanvas, truthNote),
      h('article', { class: 'panel' }, h('h3', {}, 'True inverse depth'), truthCanvas, legend.el),
    ),
    h('div', { class: 'compare' }, panels.map((p) => p.el)),
    h(
      'section',
      { class: 'panel', dataset: { testid: 'insertion' } },
      h('h3', {}, 'Insertion test: position against size'),
      h('p', { class: 'note' }, 'One object, at the “insertion distance” for r = 1, is moved r times further in three ways: naturally (its contact row moves towards the horizon and it shrinks to 1/r), by position only (same image size) and by size only (same contact row). Plotted: the predicted distance relative to r = 1, averaged over the scenes.'),
      insertionJob.el,
      plotGrid(insertionPlots.map((p) => p.el)),
      scrolls(insertionTable.el),
      insertionVerdict,
    ),
    h(
      'section',
      { class: 'panel', dataset: { testid: 'pitch' } },
      h('h3', {}, 'Camera pitch'),
      h('p', { class: 'note' }, 'The camera pitches from −6° to +6°. A plane fitted to the predicted inverse depth of the ground, extrapolated to zero, gives the horizon the network assumes (the paper’s fit of row against inverse depth). Cars stand at 8 m and 16 m.'),
      pitchJob.el,
      plotGrid([horizonPlot.el, pitchErrorPlot.el]),
      pitchVerdict,
    ),
    h(
      'section',
      { class: 'panel', dataset: { testid: 'roll' } },
      h('h3', {}, 'Camera roll'),
      h('p', { class: 'note' }, 'The same plane fit gives the roll of the ground the network sees.'),
      rollJob.el,
      rollPlot.el,
      rollVerdict,
    ),
    h(
      'section',
      { class: 'panel', dataset: { testid: 'cues' } },
      h('h3', {}, 'Obstacle cues'),
      h('p', { class: 'note' }, 'The object at the insertion distance, with one cue changed at a time. Response: how much of its own inverse depth the map shows over its silhouette, (predicted with − without it) / (true with − without); 1 = a full obstacle, 0 = not seen.'),
      cuesJob.el,
      scrolls(cuesTable.el),
      cuesVerdict,
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  function baseName() {
    return `shiftlab-depth-seed${state.seed}`;
  }

  function stripPixels(v) {
    return { horizon: v.horizon, objectBox: v.objectBox, models: v.models.map(({ map: _map, ...rest }) => rest) };
  }

  function exportCsv() {
    const rows = [['measurement', 'model', 'x', 'x_name', 'value', 'value_name']];
    const { insertion, pitch, roll, cues } = last;
    insertion?.models.forEach((m) => m.curves.forEach((curve) => curve.relative.forEach((v, k) => rows.push([`insertion-${curve.mode}`, m.id, insertion.ratios[k], 'r', v, 'relative predicted distance']))));
    pitch?.models.forEach((m) =>
      pitch.pitches.forEach((p, k) => {
        rows.push(['pitch-horizon', m.id, p, 'pitch_deg', m.horizon[k], `estimated horizon row (true ${pitch.horizon[k]})`]);
        rows.push(['pitch-error-8m', m.id, p, 'pitch_deg', m.errorNear[k], 'distance error %']);
        rows.push(['pitch-error-16m', m.id, p, 'pitch_deg', m.errorFar[k], 'distance error %']);
      }),
    );
    roll?.models.forEach((m) => roll.rolls.forEach((r, k) => rows.push(['roll', m.id, r, 'roll_deg', m.roll[k], 'estimated roll deg'])));
    cues?.rows.forEach((row) =>
      cues.models.forEach((id, k) => {
        rows.push([`cue-${row.cue}`, id, '', '', row.response[k], 'response']);
        rows.push([`cue-${row.cue}`, id, '', '', row.error[k], 'distance error %']);
      }),
    );
    downloadCsv(rows, `${baseName()}-measurements.csv`);
  }

  // Dragging the object: its contact point follows the pointer over the ground.
  let dragging = false;
  function dragTo(event) {
    const rect = sceneCanvas.getBoundingClientRect();
    const u = ((event.clientX - rect.left) / rect.width) * WIDTH;
    const v = ((event.clientY - rect.top) / rect.height) * HEIGHT;
    const point = groundPoint(u, v, state);
    if (!point) return;
    // Whole steps of the setting, without the float noise of step multiples (0.1 × 3).
    const clamp = (x, f) => Math.min(f.max, Math.max(f.min, Number((Math.round(x / f.step) * f.step).toFixed(2))));
    ctx.setState({ distance: clamp(point.distance, schema.distance), lateral: clamp(point.lateral, schema.lateral) });
  }
  sceneCanvas.addEventListener('pointerdown', (event) => {
    dragging = true;
    sceneCanvas.setPointerCapture(event.pointerId);
    dragTo(event);
  });
  sceneCanvas.addEventListener('pointermove', (event) => dragging && dragTo(event));
  sceneCanvas.addEventListener('pointerup', () => (dragging = false));

  async function cached(key, run) {
    if (!cache.has(key)) cache.set(key, await run());
    return cache.get(key);
  }

  async function renderView(s) {
    const result = await ctx.run('depth', { job: 'view', scene: sceneSettings(s) });
    last.view = result;
    drawScene(sceneCanvas, result.image, result.objectBox, result.horizon, s.roll);
    drawRgba(truthCanvas, result.truth);
    legend.show(result.truth);
    truthNote.textContent = `Object ${s.distance} m ahead, ${s.lateral} m to the side; true horizon at row ${fixed(result.horizon, 1)}.`;
    truthNote.dataset.value = String(s.distance);
    panels.forEach((panel, k) => {
      const m = result.models[k];
      drawRgba(panel.map, m.map);
      setMetric(panel.distance, m.distance === null ? 'not found' : `${fixed(m.distance, 1)} m (true ${s.distance} m)`, m.distance ?? NaN);
      setMetric(panel.horizon, m.horizon === null ? '–' : `${fixed(m.horizon, 1)} (true ${fixed(result.horizon, 1)})`, m.horizon ?? NaN);
      setMetric(panel.roll, m.roll === null ? '–' : `${signed(m.roll)}° (true ${signed(s.roll)}°)`, m.roll ?? NaN);
      setMetric(panel.absRel, `${fixed(m.absRel, 3)}, δ<1.25 ${fixed(m.delta1Percent, 1)}%`, m.absRel);
    });
  }

  function measure(bar, label, request, hint) {
    return cached(JSON.stringify(request), async () => {
      const result = await bar.run(label, 'steps', (options) => ctx.run('depth', request, options), hint);
      bar.finish(`${label}: done`);
      return result;
    });
  }

  function showInsertion(result) {
    last.insertion = result;
    result.models.forEach((m, k) => {
      insertionPlots[k].set(result.ratios, [result.ratios, ...m.curves.map((c) => c.relative)], { labels: [IDENTITY.label, ...m.curves.map((c) => `${c.mode}: slope ${fixed(c.slope)}`)] });
    });
    insertionTable.set(result.models.map((m) => ({ id: m.id, cells: m.curves.map((c) => ({ value: c.slope, text: fixed(c.slope) })) })));
    const slope = (m, mode) => m.curves.find((c) => c.mode === mode).slope;
    const [f, j] = result.models;
    const [natural, position, size] = ['natural', 'position', 'size'].map((mode) => slope(f, mode));
    const sizeFlat = Math.abs(size) < 0.25 * Math.abs(natural);
    const positionFull = position > 0.75 * natural;
    insertionVerdict.dataset.holds = String(sizeFlat && positionFull);
    insertionVerdict.textContent =
      'Paper: moving only the contact row changes the estimate almost as much as moving the object naturally; changing only its size hardly changes it. ' +
      `Slopes (natural, position only, size only): ${f.id} ${fixed(natural)}, ${fixed(position)}, ${fixed(size)}; ` +
      `${j.id} ${fixed(slope(j, 'natural'))}, ${fixed(slope(j, 'position'))}, ${fixed(slope(j, 'size'))}. ` +
      (sizeFlat ? `As in the paper, size alone hardly moves the fixed-pose network’s estimate. ` : `Unlike the paper, size alone moves the fixed-pose network’s estimate. `) +
      (positionFull
        ? 'As in the paper, position alone does most of what natural motion does.'
        : `Unlike the paper, position alone gives only ${fixed((100 * position) / natural, 0)}% of the natural slope: our network needs the contact row and the size to agree.`);
  }

  function showPitch(result) {
    last.pitch = result;
    const zero = result.pitches.indexOf(0);
    const trueShift = result.horizon.map((v) => v - result.horizon[zero]);
    const order = trueShift.map((_, k) => k).sort((a, b) => trueShift[a] - trueShift[b]);
    const byShift = (ys) => order.map((k) => ys[k]);
    // Shifts from pitch 0; a pitch whose ground plane could not be fitted stays a gap (null).
    const shifts = (ys) => ys.map((v) => (v === null || ys[zero] === null ? null : v - ys[zero]));
    horizonPlot.set(byShift(trueShift), [byShift(trueShift), ...result.models.map((m) => byShift(shifts(m.horizon)))]);
    pitchErrorPlot.set(result.pitches, result.models.flatMap((m) => [m.errorNear, m.errorFar]));
    const at = result.pitches.indexOf(4);
    pitchVerdict.textContent =
      `Paper: the networks move their horizon with the pitch only partly, so pitch causes distance errors. Estimated/true horizon shift: ` +
      result.models.map((m) => `${m.id} ${fixed(m.shiftSlope)}`).join(', ') +
      `. At +4° pitch the 8 m car is off by ` +
      result.models.map((m) => `${signed(m.errorNear[at])}% (${m.id})`).join(' and ') +
      `, the 16 m car by ` +
      result.models.map((m) => `${signed(m.errorFar[at])}%`).join(' and ') +
      '. ' +
      (result.models[0].shiftSlope > 0.8
        ? 'Unlike the paper’s networks, our fixed-pose network moves its horizon with the camera: our scenes always show the horizon and the road’s vanishing lines, which KITTI’s often hide.'
        : 'As in the paper, the fixed-pose network moves its horizon only partly.');
  }

  function showRoll(result) {
    last.roll = result;
    rollPlot.set(result.rolls, [result.rolls, ...result.models.map((m) => m.roll)]);
    const [f, j] = result.models;
    rollVerdict.textContent =
      `Paper: the road surface estimate turns with the roll, but not all the way. Estimated/true roll: ${f.id} ${fixed(f.slope)}, ${j.id} ${fixed(j.slope)}. ` +
      (f.slope < 0.8 ? 'As in the paper, the fixed-pose network turns its ground plane only partly' : 'Unlike the paper, the fixed-pose network turns its ground plane fully') +
      (j.slope > f.slope ? '; trained with roll, the other follows it more closely.' : '.');
  }

  function showCues(result) {
    last.cues = result;
    const header = cuesTable.el.querySelector('thead tr');
    header.replaceChildren(h('th', {}, 'object'), ...result.models.flatMap((id) => [h('th', {}, `${id} response`), h('th', {}, `${id} distance error`)]));
    cuesTable.set(result.rows.map((row) => ({ id: row.cue, cells: result.models.flatMap((_, k) => [{ value: row.response[k], text: fixed(row.response[k]) }, { value: row.error[k], text: `${signed(row.error[k])}%` }]) })));
    cuesTable.el.querySelectorAll('tbody tr').forEach((tr, k) => (tr.firstChild.textContent = result.rows[k].label));
    const row = (cue) => result.rows.find((r) => r.cue === cue).response[0];
    const [base, bare, hue, grey, light, hollow] = ['baseline', 'noShadowNoBand', 'hue180', 'grayscale', 'lightBody', 'hollow'].map(row);
    const edgeMatters = bare < 0.7 * base;
    cuesVerdict.textContent =
      `Paper: obstacles are found by their dark bottom edge and shadow; hue matters little, brightness more. Response of ${result.models[0]}: ` +
      `${fixed(base)} as trained, ${fixed(bare)} without shadow and band, ${fixed(hue)} with the hue turned 180°, ${fixed(grey)} in grey, ${fixed(light)} lightened, ${fixed(hollow)} with the interior removed. ` +
      (edgeMatters ? 'As in the paper, without its dark bottom edge and shadow the object fades. ' : 'Unlike the paper, shadow and bottom band hardly matter here: our objects stand out from the grey road by colour and brightness. ') +
      (Math.abs(hue - base) < Math.abs(grey - base) ? 'As in the paper, hue matters less than brightness against the road.' : 'Here hue matters as much as brightness.');
  }

  async function render(s, isStale) {
    const absent = MODELS.filter((m) => !modelById(manifest, m.id)).map((m) => m.id);
    if (absent.length > 0) throw new Unavailable(`The model(s) ${absent.join(', ')} are not in models/manifest.json, so this lab cannot run.`);
    await renderView(s);
    if (isStale()) return;
    exportButtons[0].disabled = false;
    exportButtons[3].disabled = false;
    const common = { seed: s.seed, scenes: s.scenes };
    const hint = 'change a setting to measure again';
    showInsertion(await measure(insertionJob, 'insertion test', { job: 'insertion', ...common, kind: s.kind, base: s.base }, hint));
    if (isStale()) return;
    showPitch(await measure(pitchJob, 'pitch sweep', { job: 'pitch', ...common }, hint));
    if (isStale()) return;
    showRoll(await measure(rollJob, 'roll sweep', { job: 'roll', ...common }, hint));
    if (isStale()) return;
    showCues(await measure(cuesJob, 'obstacle cues', { job: 'cues', ...common, kind: s.kind, distance: s.base }, hint));
    if (isStale()) return;
    for (const b of exportButtons) b.disabled = false;
  }

  return {
    show(next) {
      state = next;
    },
    render,
  };
}

export default { id: 'depth', title: 'Depth cues', schema, view };
