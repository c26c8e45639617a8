// The borders lab (Kayhan & van Gemert 2020): how often a stack of convolutions sees each input
// pixel under full / same / valid convolution and zero / circular / reflect padding, and the
// Red-Green task where a padded network can read the class off the boxes' absolute position.
import { h } from '../ui/dom.js';
import { jobBar, previewNote } from '../ui/job.js';
import { downloadCanvasesPng, downloadCsv } from '../ui/export.js';
import { colorLegend, drawRgba, formatNumber, pixelCanvas } from '../ui/heatmap.js';
import { linePlot } from '../ui/plot.js';
import { schemaFor } from '../settings.js';

// The paper's Table (Red-Green, similar / dissimilar test accuracy, %).
const PAPER = {
  'rg-vconv': ['V-conv', 100.0, 0.2],
  'rg-sconv-zero': ['S-conv zero', 99.8, 8.4],
  'rg-sconv-circular': ['S-conv circular', 73.7, 73.7],
  'rg-fconv': ['F-conv', 89.7, 89.7],
};
// The test sets of the manifest's metrics (training/border.py): seed 2, the dissimilar set being
// the similar set with every box moved 16 rows, so the class rows swap.
const SPLITS = [
  { split: 'similar', seed: 2 },
  { split: 'dissimilar', seed: 2 },
];
const SHOWN = 8;
// Test images per set in the first view; the whole set (the `count` setting) follows.
const PREVIEW = 100;
// Borders of the sweep plot, in pixels.
const SWEEP_BORDERS = [0, 4, 8, 12, 16, 24, 32];
const COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];

// Layout of this lab's own pieces: small images shown enlarged, side by side.
const ROW = { display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'flex-start' };
const EXAMPLE = { width: '72px', height: '72px' };

const borderModels = (manifest) => Object.keys(PAPER).map((id) => manifest.models.find((m) => m.id === id)).filter(Boolean);

// Limits, labels and choices come from the lab's Rust settings; the test-set size moves in tens.
export const schema = schemaFor('borders', { count: { step: 10 } });

// The lab's requests for the state: the JSON `shiftlab experiment borders` takes (see
// tests/e2e/borders.test.mjs).
export function coverageRequest(s) {
  return {
    job: 'coverage',
    maps: [
      { n: s.n, k: s.k, layers: s.layers, padding: s.padA, boundary: s.boundA },
      { n: s.n, k: s.k, layers: s.layers, padding: s.padB, boundary: s.boundB },
    ],
  };
}

export function testSets(s) {
  return SPLITS.map(({ split, seed }) => ({ split, n: s.count, seed, border: s.border, shift: s.shift }));
}

export function accuracyRequest(models, s, keep = 0) {
  return { job: 'accuracy', models: models.map((m) => m.id), sets: testSets(s), keep };
}

function coveragePanel(side) {
  const heading = h('h3', {});
  const canvas = pixelCanvas({ dataset: { testid: `coverage-${side}-map` }, style: { width: '100%', maxWidth: '240px' } });
  const legend = colorLegend({ testid: `coverage-${side}-legend`, caption: 'times seen' });
  const stats = h('p', { class: 'note', dataset: { testid: `coverage-${side}-stats` } });
  return { el: h('article', { class: 'panel', dataset: { testid: `coverage-${side}` } }, heading, canvas, legend.el, stats), heading, canvas, legend, stats };
}

function cell(testid, value, digits = 1) {
  return h('td', { dataset: { testid, value: String(value) } }, Number.isFinite(value) ? value.toFixed(digits) : '–');
}

// The lab's view; the shell builds its controls and drives its life (see app.js).
function view(ctx) {
  const { controls, manifest } = ctx;
  let state = null; // the latest settings, for the sweep button
  let lastAccuracy = null;
  const models = borderModels(manifest);
  const coverage = { a: coveragePanel('a'), b: coveragePanel('b') };
  const coverageError = h('p', { class: 'note warn', dataset: { testid: 'coverage-error' } });
  const emptyNote = h('p', { class: 'note warn', dataset: { testid: 'empty-note' } });
  const job = jobBar('accuracy-job');
  const tableBody = h('tbody', {});
  const table = h(
    'table',
    { class: 'results', dataset: { testid: 'accuracy-table' } },
    h('thead', {}, h('tr', {}, ['model', 'similar', 'dissimilar', 'paper similar', 'paper dissimilar', 'trained mean ± std (similar / dissimilar)'].map((t) => h('th', {}, t)))),
    tableBody,
  );
  const sweepJob = jobBar('sweep-job');
  const sweepButton = h('button', { type: 'button', dataset: { testid: 'sweep-run' }, onclick: () => runSweep(state) }, `Sweep b over ${SWEEP_BORDERS.join(', ')}`);
  const sweepPlot = linePlot({
    testid: 'sweep-plot',
    xLabel: 'black border b (pixels)',
    yLabel: 'accuracy (%)',
    yRange: [0, 100],
    integerX: true,
    series: Object.keys(PAPER).flatMap((id, i) => [
      { label: `${PAPER[id][0]} similar`, stroke: COLOURS[i] },
      { label: `${PAPER[id][0]} dissimilar`, stroke: COLOURS[i], dash: [6, 4] },
    ]),
  });
  let lastSweep = null;
  const examples = Object.fromEntries(SPLITS.map(({ split }) => [split, h('div', { class: 'example-grid', dataset: { testid: `examples-${split}` }, style: ROW })]));
  const exportButtons = [
    h('button', { type: 'button', onclick: () => downloadCanvasesPng([coverage.a.canvas, coverage.b.canvas], 'shiftlab-coverage.png', { scale: 8 }) }, 'Coverage maps (PNG)'),
    h('button', { type: 'button', disabled: true, onclick: exportCsv }, 'Accuracies (CSV)'),
    h('button', { type: 'button', disabled: true, onclick: exportSweepCsv }, 'Border sweep (CSV)'),
  ];

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', {}, 'Borders and absolute location'),
      h(
        'p',
        {},
        'Kayhan & van Gemert (2020): with valid or same convolution, pixels near the border take part in fewer kernel ',
        'applications than pixels in the middle, and zero padding tells the network where the border is — so a CNN can learn ',
        'absolute position. Their Red-Green set makes that measurable: the class is the order of a red and a green box, but ',
        'class 0 boxes sit near row 7 and class 1 boxes near row 23, next to the bottom border; the dissimilar test set moves ',
        'every box 16 rows, so the rows swap. A network that learned “near the bottom border means class 1” fails there. ',
        'Paper (similar / dissimilar, 10 seeds): V-conv 100.0 / 0.2, S-conv zero 99.8 / 8.4, S-conv circular 73.7 / 73.7, ',
        'F-conv 89.7 / 89.7. Ours, with the paper’s generator, network and recipe (5 seeds each; the table below has the means): ',
        'V-conv and S-conv zero fail on the dissimilar set as in the paper; circular and full convolution score the same on ',
        'both sets, some points below the paper’s. Our similar set is drawn fresh, not from the training images.',
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'How often each pixel is seen'),
      h('p', { class: 'note' }, 'The number of paths from each input pixel to the outputs of L stride-1 k×k convolutions. Full convolution sees every pixel equally often; valid sees the border least.'),
      h('div', { class: 'controls' }, controls.n.el, controls.k.el, controls.layers.el, controls.padA.el, controls.boundA.el, controls.padB.el, controls.boundB.el),
      coverageError,
      h('div', { class: 'compare' }, coverage.a.el, coverage.b.el),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h3', {}, 'Red-Green: order or position?'),
      h('div', { class: 'controls' }, controls.count.el, controls.border.el, controls.shift.el),
      emptyNote,
      job.el,
      h('div', { style: { overflowX: 'auto' } }, table),
      h('div', { class: 'compare' }, ...SPLITS.map(({ split }) => h('article', { class: 'panel' }, h('h4', {}, `${split} test set: first ${SHOWN} images`), examples[split]))),
      h('h4', {}, 'Accuracy as the black border grows'),
      h('p', { class: 'note' }, 'The paper adds black borders so that the boxes sit further from the image edge, where padding can no longer tell a network where they are. The sweep uses the test-set size and diagonal shift above.'),
      h('div', { class: 'controls' }, sweepButton),
      sweepJob.el,
      sweepPlot.el,
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  function exportCsv() {
    const rows = [['model', 'border', 'shift', 'n', 'similar', 'dissimilar', 'paper_similar', 'paper_dissimilar']];
    for (const r of lastAccuracy.rows) rows.push([r.id, lastAccuracy.border, lastAccuracy.shift, lastAccuracy.count, r.accuracies[0], r.accuracies[1], PAPER[r.id][1], PAPER[r.id][2]]);
    downloadCsv(rows, `shiftlab-redgreen-b${lastAccuracy.border}-s${lastAccuracy.shift}.csv`);
  }

  function exportSweepCsv() {
    const rows = [['model', 'border', 'shift', 'n', 'similar', 'dissimilar']];
    for (const [j, b] of lastSweep.borders.entries()) {
      for (const r of lastSweep.rows) rows.push([r.id, b, lastSweep.shift, lastSweep.count, r.similar[j], r.dissimilar[j]]);
    }
    downloadCsv(rows, `shiftlab-redgreen-border-sweep-s${lastSweep.shift}.csv`);
  }

  // Every model at every border of SWEEP_BORDERS: one worker job per border, so the progress bar
  // spans the whole sweep and Cancel stops it between batches.
  async function runSweep(s) {
    if (models.length === 0) return;
    const signal = sweepJob.start('sweeping');
    const rows = models.map((m) => ({ id: m.id, similar: [], dissimilar: [] }));
    sweepButton.disabled = true;
    try {
      for (const [j, border] of SWEEP_BORDERS.entries()) {
        // Every border is as many batches, so the bar spans the sweep.
        const onProgress = ({ done, total }) => sweepJob.progress(j * total + done, total * SWEEP_BORDERS.length, 'batches classified');
        const results = await ctx.run('borders', accuracyRequest(models, { ...s, border }), { signal, onProgress });
        results.models.forEach((r, i) => {
          rows[i].similar.push(r.accuracies[0]);
          rows[i].dissimilar.push(r.accuracies[1]);
        });
      }
    } catch (err) {
      sweepJob.fail(err);
      return;
    } finally {
      sweepButton.disabled = false;
    }
    sweepJob.finish(`${SWEEP_BORDERS.length} borders × ${models.length} models × 2 sets × ${s.count} images, shift ${s.shift}`);
    const ids = Object.keys(PAPER);
    const ys = ids.flatMap((id) => {
      const r = rows.find((x) => x.id === id);
      return [r?.similar ?? SWEEP_BORDERS.map(() => null), r?.dissimilar ?? SWEEP_BORDERS.map(() => null)];
    });
    sweepPlot.set(SWEEP_BORDERS, ys);
    lastSweep = { borders: SWEEP_BORDERS, shift: s.shift, count: s.count, rows };
    exportButtons[2].disabled = false;
  }

  async function renderCoverage(s, isStale) {
    const request = coverageRequest(s);
    let maps;
    try {
      ({ maps } = await ctx.run('borders', request));
    } catch (err) {
      if (err.name === 'AbortError') throw err; // the lab was closed
      coverageError.textContent = err.message;
      return;
    }
    if (isStale()) return;
    coverageError.textContent = '';
    for (const [i, side] of ['a', 'b'].entries()) {
      const c = maps[i];
      const p = coverage[side];
      const opts = request.maps[i];
      p.heading.textContent = `${opts.padding.toLowerCase()} convolution, ${opts.boundary} padding`;
      drawRgba(p.canvas, c.heatmap);
      p.legend.show(c.heatmap);
      p.stats.textContent = `corner ${formatNumber(c.corner)}, centre ${formatNumber(c.centre)}, corner / centre ${formatNumber(c.cornerToCentre)}; range ${formatNumber(c.min)} to ${formatNumber(c.max)}`;
      p.stats.dataset.corner = String(c.corner);
      p.stats.dataset.centre = String(c.centre);
    }
  }

  async function renderRedGreen(s, isStale, refining) {
    sweepButton.disabled = models.length === 0;
    if (models.length === 0) {
      emptyNote.textContent = 'The Red-Green models (rg-vconv, rg-sconv-zero, rg-sconv-circular, rg-fconv) are not in models/manifest.json yet; the coverage maps above work without them.';
    } else emptyNote.textContent = '';
    const sets = testSets(s);
    const { sets: shown } = await ctx.run('borders', { job: 'examples', sets, count: SHOWN });
    if (isStale()) return;
    if (models.length === 0) {
      drawExamples(shown, []);
      return;
    }
    try {
      await job.refine({
        label: 'classifying',
        progressLabel: 'batches classified',
        items: 'images per set',
        all: s.count,
        first: PREVIEW,
        call: (count, options) => ctx.run('borders', accuracyRequest(models, { ...s, count }, SHOWN), options),
        draw: ({ models: results }, count) => drawAccuracy(s, shown, results, count),
        refining,
      });
    } catch (err) {
      if (err.name === 'AbortError') return; // the bar says "cancelled"
      throw err;
    }
  }

  // A finished job is shown even if a newer state is waiting: its numbers carry their settings.
  function drawAccuracy(s, shown, results, count) {
    const sets = testSets(s);
    job.finish(`${models.length} models × ${sets.length} sets × ${count} images, inputs ${32 + 2 * s.border}×${32 + 2 * s.border}${previewNote(count, s.count, 'images')}`);
    const rows = models.map((m, i) => ({ id: m.id, ...results[i] }));
    tableBody.replaceChildren(
      ...rows.map((r) => {
        const m = models.find((x) => x.id === r.id).metrics ?? {};
        const spread = (mean, std) => (mean === undefined ? '–' : `${mean.toFixed(1)} ± ${(std ?? 0).toFixed(1)}`);
        return h(
          'tr',
          { dataset: { testid: `row-${r.id}` } },
          h('th', {}, `${PAPER[r.id][0]} (${r.id})`),
          cell(`acc-${r.id}-similar`, r.accuracies[0]),
          cell(`acc-${r.id}-dissimilar`, r.accuracies[1]),
          cell(`paper-${r.id}-similar`, PAPER[r.id][1]),
          cell(`paper-${r.id}-dissimilar`, PAPER[r.id][2]),
          h('td', {}, `${spread(m.similar_accuracy_mean, m.similar_accuracy_std)} / ${spread(m.dissimilar_accuracy_mean, m.dissimilar_accuracy_std)}`),
        );
      }),
    );
    drawExamples(shown, rows);
    lastAccuracy = { border: s.border, shift: s.shift, count, rows };
    exportButtons[1].disabled = false;
  }

  // Each example with its true class and every model's answer (✓ right, ✗ wrong).
  function drawExamples(shown, rows) {
    SPLITS.forEach(({ split }, k) => {
      const { images, labels } = shown[k];
      examples[split].replaceChildren(
        ...images.map((image, i) => {
          const canvas = pixelCanvas({ style: EXAMPLE });
          drawRgba(canvas, image);
          const answers = rows.map((r) => `${PAPER[r.id][0]}: ${r.predictions[k][i] === labels[i] ? '✓' : '✗'}`);
          return h('figure', { class: 'example', style: { margin: 0, fontSize: '0.7rem' } }, canvas, h('figcaption', {}, `class ${labels[i]}`, ...answers.map((a) => h('div', {}, a))));
        }),
      );
    });
  }

  return {
    show(next) {
      state = next;
    },
    async render(s, isStale, refining) {
      await renderCoverage(s, isStale);
      if (isStale()) return;
      await renderRedGreen(s, isStale, refining);
    },
  };
}

export default { id: 'borders', title: 'Borders', schema, view };
