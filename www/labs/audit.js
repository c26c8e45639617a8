// Your own model: open an ONNX file, see what is inside, describe its input, and audit it the
// way the labs measure the shipped models — shift and scale invariance, layer by layer
// equivariance, absolute position read out from its features, a black border. The model stays
// in this browser (IndexedDB); a link names it by its sha256, and a browser without it is asked
// for the file, whose hash must match.
import { DIGIT_SAMPLES, PHOTOS } from '../images.js';
import { modelById } from '../models.js';
import { schemaFor } from '../settings.js';
import { fileControl } from '../ui/controls.js';
import { h } from '../ui/dom.js';
import { downloadCsv, downloadJson } from '../ui/export.js';
import { jobBar } from '../ui/job.js';
import { Unavailable } from '../ui/render-loop.js';
import { contentKey, uploadImage } from '../ui/upload.js';
import { MAX_MODEL_BYTES, addUserModel, describeUserModel, isUserModelId, missingModels, removeUserModel } from '../user-models.js';
import { reportCsv, reportHtml, reportView } from './audit-report.js';

/** @typedef {import('../generated/types').AuditReport} AuditReport */

// Normalisation presets: values in [0, 1] are normalised as (x − mean) / std per channel.
const PRESETS = {
  imagenet: { label: 'ImageNet (224, mean .485/.456/.406, std .229/.224/.225)', size: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { label: '[0, 1]', mean: [0, 0, 0], std: [1, 1, 1] },
  symmetric: { label: '[−1, 1]', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  mnist: { label: 'MNIST-like (1×28×28, mean .1307, std .3081)', size: 28, channels: 1, mean: [0.1307], std: [0.3081] },
};

// The first view audits this many images, with the position readout on this many crops per
// photo; the whole audit follows (an audit of every image takes tens of seconds).
const PREVIEW_IMAGES = 2;
const PREVIEW_CROPS = 2;

// Your pictures for the audit live in this page only (a link cannot carry them).
let yourImages = /** @type {string[]} */ ([]);

function auditable(manifest) {
  return manifest.models.filter((m) => m.task === 'classification').map((m) => m.id);
}

export const schema = schemaFor('audit', {
  model: {
    choices: (state, { manifest }) => [...auditable(manifest), ...missingModels],
    default: (state, { manifest }) => auditable(manifest).find(isUserModelId) ?? 'digits-maxpool',
    optionLabel: (id, state, { manifest }) => {
      const m = modelById(manifest, id);
      if (!m) return `missing: your model ${id.slice(7, 19)}…`;
      return isUserModelId(id) ? `yours: ${m.variant}` : id;
    },
  },
});

function readFile(file, limit, what) {
  if (file.size > limit) throw new Error(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; ${what} up to ${limit / 1048576} MB are accepted`);
  return file.arrayBuffer().then((b) => new Uint8Array(b));
}

// A float32 as the user typed it (0.485, not 0.48500001430511475).
function shortest(x) {
  return String(Number(x.toPrecision(6)));
}

function numbers(text) {
  return text.split(/[\s,/]+/).filter(Boolean).map(Number);
}

export function view(ctx) {
  const { manifest } = ctx;
  const modelFile = fileControl('onnx', { label: 'Open an ONNX model…', accept: '.onnx,application/octet-stream', onFile: (f) => openModel(f) });
  const sidecarFile = fileControl('sidecar', { label: 'Load a description (JSON)…', accept: '.json,application/json', onFile: (f) => loadSidecar(f) });
  const imagesInput = h('input', { type: 'file', accept: 'image/png,image/jpeg', multiple: true, class: 'visually-hidden', id: 'audit-images', dataset: { testid: 'audit-images-input' } });
  imagesInput.addEventListener('change', () => addImages([...(imagesInput.files ?? [])]));
  const imagesNote = h('span', { class: 'note', dataset: { testid: 'audit-images-note' } });
  const missing = h('div', { class: 'notice', dataset: { testid: 'audit-missing' }, hidden: true });
  const inspection = h('div', { dataset: { testid: 'audit-inspection' } });
  const form = h('form', { class: 'description', dataset: { testid: 'audit-description' }, onsubmit: (e) => (e.preventDefault(), applyDescription()) });
  const bar = jobBar('audit-job');
  const report = h('div', { dataset: { testid: 'audit-result' } });
  const saveButtons = h(
    'div',
    { class: 'exports' },
    h('button', { type: 'button', dataset: { testid: 'audit-save-html' }, onclick: () => shown && saveHtml() }, 'Save report (HTML)'),
    h('button', { type: 'button', dataset: { testid: 'audit-save-json' }, onclick: () => shown && downloadJson(shown.report, `${fileBase()}.json`) }, 'JSON'),
    h('button', { type: 'button', dataset: { testid: 'audit-save-csv' }, onclick: () => shown && downloadCsv(reportCsv(shown.report), `${fileBase()}.csv`) }, 'CSV'),
  );

  ctx.container.append(
    h('h2', { id: 'lab-audit-title' }, 'Audit your own model'),
    h('p', { class: 'lede' }, 'Open an ONNX classifier (exported with ', h('code', {}, 'torch.onnx.export'), ', tf2onnx or any exporter), describe its input, and see how it treats shifts, scales, borders and position — measured as the other labs measure the shipped models. The file stays on this computer.'),
    h('div', { class: 'controls' }, ctx.controls.model.el, modelFile.el, sidecarFile.el),
    missing,
    inspection,
    form,
    h('div', { class: 'controls' }, ctx.controls.mode.el, ctx.controls.range.el, ctx.controls.pairs.el, ctx.controls.seed.el, ctx.controls.crops.el),
    h('div', { class: 'controls' }, h('label', { for: 'audit-images', class: 'button' }, 'Use your images…'), imagesInput, imagesNote),
    bar.el,
    saveButtons,
    report,
  );

  let state = null;
  /** @type {{ report: AuditReport, title: string } | null} */
  let shown = null;

  const entryOf = (id) => modelById(manifest, id);
  const titleOf = (id) => (isUserModelId(id) ? entryOf(id)?.variant ?? id : id);
  const fileBase = () => `shiftlab-audit-${titleOf(shown?.report.model ?? '').replace(/[^\w.-]+/g, '_')}`;

  function saveHtml() {
    const blob = new Blob([reportHtml(shown.report, shown.title)], { type: 'text/html' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${fileBase()}.html` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href));
  }

  function imagesFor(entry) {
    if (yourImages.length) return yourImages;
    return (entry.inputs[0].shape[0] === 1 ? DIGIT_SAMPLES : PHOTOS).map((p) => p.key);
  }

  async function addImages(files) {
    const keys = [];
    for (const file of files.slice(0, 64)) {
      const key = await uploadImage(ctx.client, ctx, file, 'audit-images');
      if (key) keys.push(key);
    }
    if (!keys.length) return;
    yourImages = keys;
    imagesNote.textContent = `${keys.length} of your images (${files.length > 64 ? 'the first 64' : 'all'})`;
    ctx.setState({ ...state });
  }

  // A file for a user's model: checked, inspected, kept, and chosen.
  async function openModel(file, expected = null) {
    try {
      const bytes = await readFile(file, MAX_MODEL_BYTES, 'models');
      const id = await contentKey(bytes);
      if (expected && id !== expected) throw new Error(`it is not the file this link names (its sha256 starts ${id.slice(7, 19)}, the link's ${expected.slice(7, 19)})`);
      await ctx.client.put(id, bytes.slice());
      const inspected = /** @type {import('../generated/types').InspectResult} */ (await ctx.run('inspect', { model: id }));
      // What tract cannot run is refused here, with the node and op it names.
      if (inspected.inspection.problems.length) throw new Error(inspected.inspection.problems.join('; '));
      const description = entryOf(id) ? stripDerived(entryOf(id)) : stripDerived(inspected.description);
      await addUserModel(ctx.client, manifest, { id, name: file.name, bytes, description });
      ctx.dismiss('audit-model');
      inspections.set(id, inspected);
      ctx.setState({ model: id });
    } catch (err) {
      ctx.notify(`“${file.name}” cannot be audited: ${err.message}`, 'error', { key: 'audit-model' });
    }
  }

  async function loadSidecar(file) {
    try {
      if (!isUserModelId(state.model)) throw new Error('open your ONNX model first; the description is for it');
      const description = JSON.parse(new TextDecoder().decode(await readFile(file, 1024 * 1024, 'descriptions')));
      await describe(description);
      ctx.dismiss('audit-model');
    } catch (err) {
      ctx.notify(`“${file.name}” is not a usable description: ${err.message}`, 'error', { key: 'audit-model' });
    }
  }

  // The description as a sidecar: the entry without what the page derives from the file.
  function stripDerived(entry) {
    const description = { ...entry };
    for (const derived of ['id', 'file', 'family', 'variant']) delete description[derived];
    return description;
  }

  async function describe(description) {
    await describeUserModel(ctx.client, manifest, state.model, description);
    ctx.setState({ ...state });
  }

  /** @type {Map<string, import('../generated/types').InspectResult>} */
  const inspections = new Map();

  // The description form of a user's model: what the file cannot say.
  function showForm(id) {
    const entry = entryOf(id);
    if (!entry) return form.replaceChildren();
    const input = entry.inputs[0];
    const [c, hgt, wid] = input.shape;
    const field = (name, label, value, attrs = {}) =>
      h('label', { class: 'control' }, `${label} `, h('input', { name, value: String(value), size: 14, style: { maxWidth: '100%' }, dataset: { testid: `describe-${name}` }, ...attrs }));
    const select = (name, label, value, options) =>
      h('label', { class: 'control' }, `${label} `, h('select', { name, dataset: { testid: `describe-${name}` } }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l))));
    const preset = h('select', { dataset: { testid: 'describe-preset' } }, h('option', { value: '' }, 'Preset…'), Object.entries(PRESETS).map(([k, p]) => h('option', { value: k }, p.label)));
    preset.addEventListener('change', () => {
      const p = PRESETS[preset.value];
      if (!p) return;
      const set = (name, v) => (/** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value = String(v));
      const channels = p.channels ?? Number(/** @type {HTMLInputElement} */ (form.elements.namedItem('channels')).value);
      set('channels', channels);
      if (p.size) (set('height', p.size), set('width', p.size));
      set('mean', p.mean.slice(0, channels).join(', '));
      set('std', p.std.slice(0, channels).join(', '));
    });
    const outputs = inspections.get(id)?.inspection.outputs.map((o) => o.name) ?? [entry.output.name];
    form.replaceChildren(
      h('h3', {}, 'Describe the input'),
      h('div', { class: 'controls' }, preset, field('channels', 'channels', c), field('height', 'height', hgt), field('width', 'width', wid)),
      h('div', { class: 'controls' },
        select('layout', 'layout', input.layout ?? 'nchw', [['nchw', 'NCHW (PyTorch)'], ['nhwc', 'NHWC (Keras/TF)']]),
        select('order', 'channel order', input.order ?? 'rgb', [['rgb', 'RGB'], ['bgr', 'BGR']]),
        field('mean', 'mean', input.mean.map(shortest).join(', ')),
        field('std', 'std', input.std.map(shortest).join(', ')),
      ),
      h('div', { class: 'controls' },
        select('output', 'output', entry.output.name, outputs.map((o) => [o, o])),
        select('kind', 'it gives', entry.output.kind, [['logits', 'logits (softmax applied here)'], ['probabilities', 'probabilities (no second softmax)']]),
        field('labels', 'labels (comma-separated, optional)', (entry.labels ?? []).join(', ')),
      ),
      probeList(id, entry),
      h('div', { class: 'controls' },
        h('button', { type: 'submit', dataset: { testid: 'describe-apply' } }, 'Apply and audit'),
        h('button', { type: 'button', dataset: { testid: 'describe-export' }, onclick: () => downloadJson(stripDerived(entryOf(id)), `${entry.variant.replace(/\.onnx$/, '')}.json`) }, 'Export description'),
        h('button', { type: 'button', dataset: { testid: 'describe-forget' }, onclick: () => forget(id) }, 'Forget this model'),
      ),
    );
  }

  // Probe layers are picked from the graph's nodes with a feature map, with their total stride.
  function probeList(id, entry) {
    const nodes = (inspections.get(id)?.inspection.nodes ?? []).filter((n) => n.stride);
    const chosen = new Set(entry.probes.map((p) => p.node));
    const options = nodes.length ? nodes : entry.probes.map((p) => ({ name: p.node, op: '', shape: [], stride: p.stride }));
    return h(
      'fieldset',
      { class: 'probes', dataset: { testid: 'describe-probes' } },
      h('legend', {}, 'Probe layers (feature maps to compare; stride = input size ÷ feature size)'),
      options.map((n) =>
        h('label', { class: 'probe' }, h('input', { type: 'checkbox', name: 'probe', value: n.name, checked: chosen.has(n.name), dataset: { stride: String(n.stride) } }), ` ${n.name} ${n.op ? `(${n.op}, ${n.shape?.join('×') ?? '?'})` : ''} ÷${n.stride}`),
      ),
    );
  }

  async function forget(id) {
    await removeUserModel(manifest, id);
    ctx.setState({ model: 'digits-maxpool' });
  }

  async function applyDescription() {
    const value = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value;
    try {
      const channels = Number(value('channels'));
      const shape = [channels, Number(value('height')), Number(value('width'))];
      if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error('channels, height and width must be whole numbers');
      const mean = numbers(value('mean'));
      const std = numbers(value('std'));
      if (mean.length !== channels || std.length !== channels) throw new Error(`mean and std need ${channels} value(s) each`);
      const entry = entryOf(state.model);
      const probes = [...form.querySelectorAll('input[name=probe]:checked')].map((el) => {
        const box = /** @type {HTMLInputElement} */ (el);
        return { node: box.value, name: box.value, stride: Number(box.dataset.stride) };
      });
      const labels = value('labels').split(',').map((s) => s.trim()).filter(Boolean);
      await describe({
        ...stripDerived(entry),
        inputs: [{ ...entry.inputs[0], shape, mean, std, layout: value('layout'), order: value('order') }],
        output: { ...entry.output, name: value('output'), kind: value('kind') },
        labels,
        probes,
      });
    } catch (err) {
      ctx.notify(`The description cannot be used: ${err.message}`, 'error', { key: 'audit-model' });
    }
  }

  function showInspection(id) {
    const found = inspections.get(id)?.inspection;
    if (!found) return inspection.replaceChildren();
    const dims = (/** @type {import('../generated/types').TensorInfo} */ io) => (io.dims ? io.dims.join(' × ') : 'no shape recorded');
    const opsets = found.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
    const producer = [found.producerName, found.producerVersion].filter(Boolean).join(' ') || 'an unnamed producer';
    inspection.replaceChildren(
      h('h3', {}, 'Inside the file'),
      h('p', { class: 'note', dataset: { testid: 'inspect-summary' } }, `Made by ${producer}; ONNX IR ${found.irVersion}, opset ${opsets}. Layout ${found.layout?.toUpperCase() ?? 'unknown'}, ${found.channels ?? '?'} channel(s), batch ${found.batch ?? '?'}.`),
      found.problems.map((p) => h('p', { class: 'notice', dataset: { kind: 'error', testid: 'inspect-problem' } }, p)),
      found.notes.map((n) => h('p', { class: 'note', dataset: { testid: 'inspect-note' } }, n)),
      h(
        'div',
        { class: 'columns' },
        h('div', {}, h('h4', {}, 'Inputs'), h('ul', { dataset: { testid: 'inspect-inputs' } }, found.inputs.map((io) => h('li', {}, `${io.name}: ${io.elemType} ${dims(io)}`)))),
        h('div', {}, h('h4', {}, 'Outputs'), h('ul', { dataset: { testid: 'inspect-outputs' } }, found.outputs.map((io) => h('li', {}, `${io.name}: ${io.elemType} ${dims(io)}`)))),
        found.metadata.length ? h('div', {}, h('h4', {}, 'Metadata'), h('ul', {}, found.metadata.map((m) => h('li', {}, `${m.key}: ${m.value}`)))) : null,
      ),
      h('details', {}, h('summary', {}, `${found.nodes.length} nodes${found.size ? ` (shapes at ${found.size.join('×')})` : ''}`), h('ol', { class: 'nodes', dataset: { testid: 'inspect-nodes' } }, found.nodes.map((n) => h('li', {}, `${n.name} — ${n.op}${n.shape ? ` → ${n.shape.join('×')}` : ''}${n.stride ? ` (÷${n.stride})` : ''}`)))),
    );
  }

  // A link to a model this browser does not have: say which file it needs and take it.
  function showMissing(id) {
    missing.hidden = !missingModels.has(id);
    if (missing.hidden) return;
    const pick = fileControl('missing', { label: 'Load the file…', accept: '.onnx', onFile: (f) => openModel(f, id) });
    missing.replaceChildren(h('p', {}, `This link audits a model of its author’s that is not in this browser: an ONNX file whose sha256 is ${id.slice(7)}. Load it and the view is restored; a different file is refused.`), pick.el);
  }

  // The audit of the first `count` images, with the readout on PREVIEW_CROPS crops per photo
  // while it is a preview.
  function auditRequest(wanted, count) {
    const images = imagesFor(entryOf(wanted.model));
    const crops = count < images.length ? Math.min(PREVIEW_CROPS, wanted.crops) : wanted.crops;
    return { model: wanted.model, images: images.slice(0, count), mode: wanted.mode, range: wanted.range, pairs: wanted.pairs, seed: wanted.seed, crops };
  }

  return {
    show(next) {
      state = next;
      showMissing(next.model);
      showInspection(next.model);
      if (isUserModelId(next.model) && entryOf(next.model)) showForm(next.model);
      else form.replaceChildren();
    },
    async render(wanted, isStale, refining) {
      if (missingModels.has(wanted.model)) throw new Unavailable('This link names a model of yours that this browser does not have: load its file above.');
      if (!entryOf(wanted.model)) throw new Unavailable(`There is no model “${wanted.model}” to audit.`);
      const all = imagesFor(entryOf(wanted.model)).length;
      await bar.refine({
        label: 'auditing',
        progressLabel: 'steps',
        items: 'images',
        all,
        first: PREVIEW_IMAGES,
        call: (count, options) => ctx.run('audit', auditRequest(wanted, count), options),
        draw: (/** @type {AuditReport} */ result, count) => {
          if (isStale()) return;
          bar.finish(count < all ? `preview: the first ${count} of ${all} images, the position readout on ${PREVIEW_CROPS} crops per photo; refining…` : 'done');
          shown = { report: result, title: titleOf(wanted.model) };
          report.replaceChildren(reportView(result, shown.title));
        },
        refining,
        hint: 'change a setting to run it again',
      });
    },
  };
}

export default { id: 'audit', title: 'Your model', schema, view };
