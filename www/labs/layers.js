// Lab 3, layer by layer (Zhang 2019, Fig. 5): for every probed layer of two models, the cosine
// distance between the features of a circularly shifted input and the circularly shifted
// features, over every shift (Δx, Δy) of one period of the deepest layer's stride, averaged
// over held-out digits. Darker = less equivariant.
import { LEGENDS } from '../generated/labs.js';
import { measuredOn } from '../images.js';
import { modelById, modelsWithTask } from '../models.js';
import { schemaFor } from '../settings.js';
import { h } from '../ui/dom.js';
import { downloadCanvasesPng, downloadCsv } from '../ui/export.js';
import { colorLegend, drawRgba, pixelCanvas } from '../ui/heatmap.js';
import { jobBar, previewNote } from '../ui/job.js';
import { linePlot } from '../ui/plot.js';
import { Unavailable } from '../ui/render-loop.js';

const SIDES = ['A', 'B'];
// Digits in the first view; the `count` setting's digits follow.
const PREVIEW = 4;

// Models with probes and a held-out image set to average over.
const measurable = (manifest) =>
  modelsWithTask(manifest, 'classification').filter((m) => m.probes?.length && m.eval?.images && Array.isArray(m.eval.image_shape));

const modelChoices = (s, { manifest }) => measurable(manifest).map((m) => m.id);
export const schema = schemaFor('layers', {
  modelA: { choices: modelChoices },
  modelB: { choices: modelChoices },
});
// Model B falls back to model A when the manifest lacks its default.
const defaultB = schema.modelB.default;
schema.modelB.default = (s, { manifest }) => (modelById(manifest, defaultB) ? defaultB : s.modelA);

// The magma bar flipped, so that it reads 0 (light) → hi (dark) like the negated maps.
function flippedMagma() {
  const rgb = LEGENDS.magma;
  const n = rgb.length / 3;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) rgba.set([rgb[3 * (n - 1 - i)], rgb[3 * (n - 1 - i) + 1], rgb[3 * (n - 1 - i) + 2], 255], 4 * i);
  return rgba;
}

// The lab's view; the shell builds its controls and drives its life (see app.js).
// The held-out sets, or — when one of the models is yours and has none — the bundled images
// that suit model A, for both.
function measuredSet(ms, count) {
  if (ms.every((m) => m.eval?.images)) return { count };
  const { images } = measuredOn(ms[0], count);
  return { count: images.length, images };
}

function view(ctx) {
  const { manifest } = ctx;
  let state = null; // the latest settings, for the exports
  let shown = null; // { key, A, B, hi }
  let runningKey = null; // the settings and count of the job in the worker, if any
  const keyOf = (s, count) => JSON.stringify([s.modelA, s.modelB, count]);

  // One job for both models, so one progress bar: every batch of digits of A, then of B.
  const job = jobBar('layers-job');
  const grids = h('div', { dataset: { testid: 'layer-grids' }, style: { display: 'grid', gridTemplateColumns: 'auto minmax(0, 1fr) minmax(0, 1fr)', gap: '4px 12px', alignItems: 'center' } });
  const legend = colorLegend({ testid: 'layers-legend', caption: 'cosine distance (darker = less equivariant)' });
  const plot = linePlot({
    testid: 'layers-plot',
    xLabel: 'layer',
    yLabel: 'mean cosine distance',
    integerX: true,
    series: [
      { label: 'A', stroke: '#c0392b' },
      { label: 'B', stroke: '#2471a3' },
    ],
  });
  const table = h('table', { dataset: { testid: 'layers-table' }, style: { borderCollapse: 'collapse', fontVariantNumeric: 'tabular-nums' } });
  const findings = h('p', { class: 'note', dataset: { testid: 'layers-findings' } });

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-layers-title' }, 'Layer by layer'),
      h(
        'p',
        {},
        'Each small map is one layer: the pixel at (Δx, Δy) is the cosine distance between the features of the input ',
        'shifted by (Δx, Δy) and the features of the original shifted by (Δx, Δy) / stride, both circularly (so that ',
        'only the network, not the border, is tested), averaged over held-out digits. Darker = less equivariant. ',
        'A layer of stride s is exactly equivariant for shifts that are multiples of s; between them the compensating ',
        'shift is rounded to the nearest feature pixel. Zhang 2019 (Fig. 5, VGG on CIFAR) finds the anti-aliased network ',
        'more equivariant layer after layer. Zero padding also breaks exactness at the borders even at stride 1: the ',
        'digits’ black background is −0.42 after normalisation, not 0.',
      ),
      h(
        'p',
        {},
        'What we found (32 held-out digits): the blurred models (Rect-2, Tri-3, Bin-5) are closer to equivariant than MaxPool ',
        'at every pooling layer and every layer after it, as in the paper; at conv1 (stride 1, before any pooling) all ',
        'are about equal, since only the zero-padded border differs there. The line under the chart states what this run measured.',
      ),
    ),
    h('div', { class: 'panel controls' }, ctx.controls.modelA.el, ctx.controls.modelB.el, ctx.controls.count.el),
    job.el,
    h('article', { class: 'panel' }, h('h3', {}, 'Distance over one stride period'), grids, legend.el),
    h('article', { class: 'panel' }, h('h3', {}, 'Mean per layer'), plot.el, h('div', { style: { overflowX: 'auto' } }, table), findings),
    h(
      'div',
      { class: 'exports' },
      h('span', { class: 'note' }, 'Save:'),
      h('button', { type: 'button', onclick: () => downloadCanvasesPng([...grids.querySelectorAll('canvas')], `${baseName()}-grids.png`, { columns: 2, scale: 16 }) }, 'Grids (PNG)'),
      h('button', { type: 'button', onclick: () => plot.canvas() && downloadCanvasesPng([plot.canvas()], `${baseName()}-means.png`, { scale: 1 }) }, 'Plot (PNG)'),
      h('button', { type: 'button', onclick: exportCsv }, 'Grids and means (CSV)'),
    ),
  );

  function baseName() {
    return `shiftlab-layers-${state.modelA}-vs-${state.modelB}-${state.count}`;
  }

  const models = (s) => SIDES.map((side) => modelById(manifest, s[`model${side}`]));

  function draw(s, result) {
    const ms = models(s);
    const hi = result.hi;
    const rows = [h('span', {}), ...SIDES.map((side, k) => h('strong', { class: 'note' }, `${side}: ${ms[k].id}`))];
    const names = [...new Set(SIDES.flatMap((side) => result[side].layers.map((l) => l.name)))];
    for (const name of names) {
      const cells = [];
      for (const side of SIDES) {
        const index = result[side].layers.findIndex((l) => l.name === name);
        if (index < 0) {
          cells.push(h('span', { class: 'note' }, '—'));
          continue;
        }
        const layer = result[side].layers[index];
        const canvas = pixelCanvas({ class: 'pixelated', style: { width: '100%', maxWidth: '120px' }, dataset: { testid: `grid-${side}-${name}` }, title: `${name}, stride ${layer.stride}: mean ${layer.mean.toFixed(4)}` });
        drawRgba(canvas, result[side].maps[index]);
        cells.push(canvas);
      }
      const stride = result.A.layers.find((l) => l.name === name)?.stride ?? result.B.layers.find((l) => l.name === name)?.stride;
      rows.push(h('span', { class: 'note' }, `${name} (stride ${stride})`), ...cells);
    }
    grids.replaceChildren(...rows);
    legend.set(flippedMagma(), 0, hi);

    const xs = names.map((_, i) => i);
    const meanOf = (side, name) => result[side].layers.find((l) => l.name === name)?.mean ?? null;
    plot.set(xs, SIDES.map((side) => names.map((n) => meanOf(side, n))), { xValues: names, labels: SIDES.map((side, k) => `${side}: ${ms[k].id}`) });
    table.replaceChildren(
      h('tr', {}, h('th', {}, 'layer'), names.map((n) => h('th', { style: { padding: '2px 8px' } }, n))),
      ...SIDES.map((side, k) =>
        h(
          'tr',
          {},
          h('th', { style: { textAlign: 'left', padding: '2px 8px' } }, `${side}: ${ms[k].id}`),
          names.map((n) => {
            const v = meanOf(side, n);
            return h('td', { style: { padding: '2px 8px' }, dataset: { testid: `mean-${side}-${n}`, value: String(v) } }, v === null ? '—' : v.toFixed(4));
          }),
        ),
      ),
    );
    const shared = names.filter((n) => meanOf('A', n) !== null && meanOf('B', n) !== null);
    const lower = shared.filter((n) => meanOf('B', n) < meanOf('A', n));
    findings.textContent = shared.length
      ? `Measured here: B (${ms[1].id}) has the lower mean distance at ${lower.length} of ${shared.length} layers${lower.length ? ` (${lower.join(', ')})` : ''}.`
      : '';
  }

  function exportCsv() {
    if (!shown) return;
    const rows = [['model', 'layer', 'stride', 'dy', 'dx', 'cosine_distance']];
    for (const [k, m] of models(state).entries()) {
      const r = shown[SIDES[k]];
      for (const l of r.layers) l.grid.forEach((v, i) => rows.push([m.id, l.name, l.stride, Math.floor(i / r.period), i % r.period, v]));
      for (const l of r.layers) rows.push([m.id, l.name, l.stride, 'mean', 'mean', l.mean]);
    }
    downloadCsv(rows, `${baseName()}.csv`);
  }

  ctx.onDispose(() => plot.destroy());

  return {
    show(next) {
      // A job for settings that are no longer wanted stops at once instead of finishing first.
      if (runningKey && runningKey !== keyOf(next, next.count) && runningKey !== keyOf(next, PREVIEW)) job.cancel();
      state = next;
    },
    async render(wanted, isStale, refining) {
      const ms = models(wanted);
      if (ms.some((m) => !m)) throw new Unavailable('No model with probe layers and a held-out set is available.');
      if (shown?.key === keyOf(wanted, wanted.count)) return draw(wanted, shown);
      await job.refine({
        label: 'measuring every layer',
        progressLabel: 'batches of digits measured',
        items: 'digits',
        all: wanted.count,
        first: PREVIEW,
        call: (count, options) => {
          runningKey = keyOf(wanted, count);
          return ctx.run('layers', { models: ms.map((m) => m.id), ...measuredSet(ms, count) }, options).finally(() => (runningKey = null));
        },
        draw: (result, count) => {
          job.finish(`done: ${result.models[0].images} digits per model${previewNote(count, wanted.count, 'digits')}`);
          shown = { key: keyOf(wanted, count), A: result.models[0], B: result.models[1], hi: result.hi };
          if (!isStale()) draw(wanted, shown);
        },
        refining,
      });
    },
  };
}

export default { id: 'layers', title: 'Layer by layer', schema, view };
