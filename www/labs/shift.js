// The shift lab: move an image by (dx, dy) pixels and compare, side by side, what a CNN makes
// of the original and of the shifted input — top-5 probabilities, one layer's feature maps —
// and the shift-compensated difference feat(shift(x)) − shift(feat(x)) at that layer.
import { bundledImage, imagesFor } from '../images.js';
import { modelById } from '../models.js';
import { schemaFor } from '../settings.js';
import { probabilityBars, topK } from '../ui/bars.js';
import { arrowKeys, fileControl } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { downloadCanvasesPng, downloadCsv, downloadJson } from '../ui/export.js';
import { colorLegend, drawRgba, formatNumber, pixelCanvas, tileGrid } from '../ui/heatmap.js';
import { Unavailable } from '../ui/render-loop.js';
import { shiftModeNote } from '../ui/shift-modes.js';
import { uploadAsSetting } from '../ui/upload.js';

const UPLOAD = 'upload';

// The user's uploaded image lives only in this page (and the worker), never in a link; kept at
// module level so that it survives switching to another lab and back.
let upload = null; // { name, key }


function probesOf(manifest, modelId) {
  return modelById(manifest, modelId)?.probes ?? [];
}

function bundledImagesOf(manifest, modelId) {
  const model = modelById(manifest, modelId);
  return model ? imagesFor(model.inputs[0].shape) : [];
}

// The first subsampling layer is where aliasing first shows; a model without one starts at its
// first probe.
function defaultLayer(probes) {
  return (probes.find((p) => p.stride > 1) ?? probes[0])?.name;
}

function modelLabel(model) {
  const accuracy = model?.metrics?.test_accuracy_percent;
  return accuracy === undefined ? model?.id : `${model.id} · ${accuracy.toFixed(1)}%`;
}

export const schema = schemaFor('shift', {
  model: { optionLabel: (id, state, { manifest }) => modelLabel(modelById(manifest, id)) },
  image: {
    optionLabel: (id) => (id === UPLOAD ? `Uploaded: ${upload.name}` : bundledImage(id).label),
    choices: (state, { manifest }) => [
      ...bundledImagesOf(manifest, state.model).map((image) => image.id),
      ...(upload ? [UPLOAD] : []),
    ],
  },
  layer: {
    choices: (state, { manifest }) => probesOf(manifest, state.model).map((p) => p.name),
    default: (state, { manifest }) => defaultLayer(probesOf(manifest, state.model)),
    optionLabel: (name, state, { manifest }) => `${name} (stride ${probesOf(manifest, state.model).find((p) => p.name === name)?.stride})`,
  },
});
const MAX_SHIFT = schema.dx.max;

function imageKey(id) {
  return id === UPLOAD ? upload.key : bundledImage(id).key;
}

// What the chosen model is, in one line under the controls: its architecture and test accuracy.
function modelSummary(model) {
  const accuracy = model.metrics?.test_accuracy_percent;
  return [
    `${model.id}: ${model.architecture ?? `${model.family} / ${model.variant}`}.`,
    accuracy === undefined ? '' : ` Test accuracy ${accuracy.toFixed(1)}%.`,
  ].join('');
}

function metric(testid, label, title) {
  const value = h('dd', { dataset: { testid } }, '–');
  return { el: h('div', { class: 'metric', title }, h('dt', {}, label), value), value };
}

// One side of the comparison: its input as the model sees it, its top-5, its feature maps.
function sidePanel(testid, title) {
  const heading = h('h3', {}, title);
  const input = pixelCanvas({ class: 'pixelated input-image', dataset: { testid: `${testid}-input` } });
  const bars = probabilityBars({ testid: `${testid}-bars` });
  const featuresHeading = h('h4', {});
  const features = tileGrid({ testid: `${testid}-features` });
  // Both sides carry the same legend: one colour scale spans both, so equal colours are equal values.
  const legend = colorLegend({ testid: `${testid}-legend`, caption: 'same scale both sides' });
  const el = h('article', { class: 'panel', dataset: { testid } }, heading, input, bars.el, featuresHeading, features.el, legend.el);
  return { el, heading, input, bars, featuresHeading, features, legend };
}

// The lab's view; the shell builds its controls and drives its life (see app.js).
function view(ctx) {
  const { manifest } = ctx;
  let state = null; // the latest settings, for the arrow keys
  let last = null; // what is on screen, for the exports

  const uploadControl = fileControl('upload', { label: 'Upload PNG or JPEG…', accept: 'image/png,image/jpeg', onFile: useUpload });

  // Views
  const original = sidePanel('original', 'Original');
  const shifted = sidePanel('shifted', 'Shifted');
  const differenceGrid = tileGrid({ testid: 'difference' });
  const differenceLegend = colorLegend({ testid: 'difference-legend', caption: 'difference (0 = equivariant)' });
  const differenceHeading = h('h4', {});
  const meanAbs = metric('mean-abs', 'mean |difference|', 'Mean absolute value of the compensated difference over all channels and positions');
  const cosine = metric('cosine-distance', 'cosine distance', '1 − cosine similarity of feat(shift(x)) and shift(feat(x)); 0 means identical up to scale');
  const strideNote = h('p', { class: 'note warn', dataset: { testid: 'stride-note' } });
  const modelNote = h('p', { class: 'note', dataset: { testid: 'model-note' } });
  const modeNote = shiftModeNote(schema.mode, 'mode-note');

  const exportButton = (label, onclick) => h('button', { type: 'button', onclick, disabled: true }, label);
  const exportButtons = [
    exportButton('Inputs (PNG)', () => downloadCanvasesPng([original.input, shifted.input], `${baseName()}-inputs.png`)),
    exportButton('Difference maps (PNG)', () =>
      downloadCanvasesPng(differenceGrid.canvases(), `${baseName()}-difference.png`, { columns: 4, scale: 12 }),
    ),
    exportButton('Probabilities (CSV)', exportCsv),
    exportButton('All numbers (JSON)', () => downloadJson(last, `${baseName()}.json`)),
  ];

  ctx.container.append(
    h(
      'div',
      { class: 'lab-intro' },
      h('h2', { id: 'lab-shift-title' }, 'Shift lab'),
      h(
        'p',
        {},
        'A CNN is often called shift-invariant. Move the image a pixel at a time and watch the prediction and the ',
        'feature maps: with strided pooling the features do not simply move along, and the probabilities jump. ',
        'Use the sliders or the arrow keys ',
        h('kbd', {}, '←'),
        h('kbd', {}, '→'),
        h('kbd', {}, '↑'),
        h('kbd', {}, '↓'),
        '.',
      ),
    ),
    h(
      'div',
      { class: 'panel controls' },
      ctx.controls.model.el,
      ctx.controls.image.el,
      uploadControl.el,
      ctx.controls.mode.el,
      ctx.controls.dx.el,
      ctx.controls.dy.el,
      ctx.controls.layer.el,
    ),
    modeNote.el,
    modelNote,
    h('div', { class: 'compare' }, original.el, shifted.el),
    h(
      'article',
      { class: 'panel', dataset: { testid: 'difference-panel' } },
      h('h3', {}, 'Shift-compensated difference'),
      h(
        'div',
        { class: 'difference-body' },
        h('div', {}, differenceHeading, differenceGrid.el, differenceLegend.el),
        h(
          'div',
          {},
          h(
            'p',
            { class: 'note' },
            'feat(shift(x)) − shift(feat(x)): the features of the shifted input minus the features of the original, ',
            'moved by the shift divided by the layer’s stride. A shift-equivariant layer gives zero everywhere; ',
            'red and blue show where the layer does not just move along with its input.',
          ),
          h('dl', { class: 'metrics' }, meanAbs.el, cosine.el),
          strideNote,
        ),
      ),
    ),
    h('div', { class: 'exports' }, h('span', { class: 'note' }, 'Save:'), exportButtons),
  );

  // Named after the settings of what is on screen (the exports are enabled once it exists).
  function baseName() {
    const { model, image, mode, dx, dy } = last.settings;
    return `shiftlab-${model}-${image}-${mode}-dx${dx}-dy${dy}`;
  }

  function exportCsv() {
    const { labels, original: o, shifted: s } = last;
    downloadCsv(
      [['class', 'label', 'p_original', 'p_shifted'], ...labels.map((label, k) => [k, label, o.probs[k], s.probs[k]])],
      `${baseName()}-probabilities.csv`,
    );
  }

  async function render(wanted) {
    if (!wanted.model) {
      modelNote.textContent = 'No classification model is available, so there is nothing to show.';
      throw new Unavailable('No classification model is available, so the shift lab has nothing to show.');
    }
    const model = modelById(manifest, wanted.model);
    modelNote.textContent = modelSummary(model);
    const probe = model.probes.find((p) => p.name === wanted.layer);
    const view = await ctx.run('shift', {
      model: model.id,
      image: imageKey(wanted.image),
      mode: wanted.mode,
      dx: wanted.dx,
      dy: wanted.dy,
      layer: probe.name,
    });
    // A superseded result is still drawn: while an arrow key is held, the view keeps moving.

    const [c, height, width] = view.shape;
    const shown = view.channels;
    const labels = model.labels ?? Array.from(view.original.probs, (_, k) => `class ${k}`);
    const channelTitles = (count) => Array.from({ length: count }, (_, i) => `channel ${i + 1}`);
    for (const [side, result] of [
      [original, view.original],
      [shifted, view.shifted],
    ]) {
      drawRgba(side.input, result.preview);
      side.bars.set(result.probs, labels);
      side.featuresHeading.textContent = `${probe.name}: channels 1–${shown} of ${c} (${height}×${width})`;
      side.features.drawMap(result.features, shown, channelTitles(shown));
      side.legend.show(result.features);
    }
    shifted.heading.textContent = `Shifted by (${wanted.dx}, ${wanted.dy})`;
    shifted.heading.title = `dx = ${wanted.dx} (right), dy = ${wanted.dy} (down), ${wanted.mode} mode`;
    differenceHeading.textContent = `${probe.name}: channels 1–${shown} of ${c}`;
    differenceGrid.drawMap(view.difference, shown, channelTitles(shown));
    differenceLegend.show(view.difference);
    meanAbs.value.textContent = formatNumber(view.meanAbs);
    meanAbs.value.dataset.value = String(view.meanAbs);
    cosine.value.textContent = formatNumber(view.cosineDistance);
    cosine.value.dataset.value = String(view.cosineDistance);
    strideNote.textContent = view.exact
      ? ''
      : `The shift (${wanted.dx}, ${wanted.dy}) is not a multiple of this layer’s stride ${probe.stride}: the ` +
        'compensation rounds it to the nearest feature pixel, so some difference remains even for an ideal layer. ' +
        'Shift by multiples of the stride, or pick a layer with stride 1.';

    last = {
      settings: { ...wanted },
      model: model.id,
      layer: { name: probe.name, node: probe.node, stride: probe.stride },
      labels,
      original: { probs: Array.from(view.original.probs), top5: topK(view.original.probs, 5) },
      shifted: { probs: Array.from(view.shifted.probs), top5: topK(view.shifted.probs, 5) },
      difference: { meanAbs: view.meanAbs, cosineDistance: view.cosineDistance, shape: view.shape, exact: view.exact },
      featureScale: { lo: view.original.features.lo, hi: view.original.features.hi },
    };
    for (const button of exportButtons) button.disabled = false;
  }

  function useUpload(file) {
    return uploadAsSetting(ctx, file, { notice: 'shift-upload', setting: 'image', remember: (picture) => (upload = picture) });
  }

  ctx.onDispose(
    arrowKeys((sx, sy) => {
      const clamp = (v) => Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, v));
      const dx = clamp(state.dx + sx);
      const dy = clamp(state.dy + sy);
      if (dx !== state.dx || dy !== state.dy) ctx.setState({ dx, dy });
    }),
  );

  return {
    show(next) {
      state = next;
      modeNote.show(next.mode);
    },
    render,
  };
}

export default { id: 'shift', title: 'Shift lab', schema, view };
