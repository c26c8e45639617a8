// The audit report three ways: as the page shows it (DOM, with SVG plots), as one
// self-contained HTML file (the same markup, styles inline, plots embedded), and as CSV rows.
// The numbers are the worker's `audit` result, which `shiftlab audit` prints natively.
import { h } from '../ui/dom.js';

/** @typedef {import('../generated/types').AuditReport} AuditReport */

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

// A horizontal bar chart: one bar per label, scaled to `max`, the value written beside it.
function bars({ labels, values, max, format }) {
  const row = 22;
  const left = 230;
  const width = 560;
  // Scales down with its container (a phone), never up beyond its drawn size.
  const chart = svg('svg', { viewBox: `0 0 ${width} ${row * labels.length + 8}`, width, role: 'img', style: `max-width: 100%; height: auto` });
  labels.forEach((label, i) => {
    const y = 4 + i * row;
    const w = max > 0 ? Math.max(0, (values[i] / max) * (width - left - 70)) : 0;
    chart.append(
      svg('text', { x: left - 6, y: y + 14, 'text-anchor': 'end', 'font-size': 12 }, label.length > 34 ? `${label.slice(0, 33)}…` : label),
      svg('rect', { x: left, y: y + 3, width: w, height: row - 8, fill: '#4c78a8' }),
      svg('text', { x: left + w + 4, y: y + 14, 'font-size': 12 }, format(values[i])),
    );
  });
  return chart;
}

const percent = (v) => `${v.toFixed(1)} %`;
const fixed = (digits) => (v) => v.toFixed(digits);

function skipped(reason) {
  return h('p', { class: 'note', dataset: { testid: 'audit-skipped' } }, `Not measured: ${reason}`);
}

function table(head, rows, testid) {
  return h(
    'table',
    { class: 'report-table', dataset: { testid } },
    h('tr', {}, head.map((c) => h('th', {}, c))),
    rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))),
  );
}

function invarianceRows(report) {
  return /** @type {const} */ (['shift', 'scale']).flatMap((kind) => {
    const s = report[kind];
    return s.status === 'measured' ? [[kind, s.value.consistency, s.value.pTop1Change, s.value.mac]] : [];
  });
}

/**
 * The report's DOM.
 * @param {AuditReport} report
 * @param {string} title the model's name as the user knows it
 */
export function reportView(report, title) {
  const sections = [
    h('h3', {}, `Audit of ${title}`),
    h('p', { class: 'note' }, `Input ${report.input.join('×')}, ${report.images} images, ${report.mode} shifts up to ±${report.range} px. `, 'Each number below is computed in your browser by the same code as ', h('code', {}, 'shiftlab audit'), '.'),
    h('h4', {}, 'Shift and scale invariance'),
    h('p', { class: 'note' }, 'Consistency: % of pairs of random shifts (or scales) of an image with the same top-1 (Zhang 2019; 100 % = invariant). P(top-1 change) and MAC: along one-pixel diagonal steps (or the scale grid 0.8–1.2), how often top-1 changes and the mean change of its probability (Azulay & Weiss 2019; 0 = invariant).'),
  ];
  const inv = invarianceRows(report);
  sections.push(inv.length ? table(['varied', 'consistency %', 'P(top-1 change)', 'MAC'], inv.map(([k, c, p, m]) => [k, c.toFixed(2), p.toFixed(4), m.toFixed(4)]), 'audit-invariance') : null);
  for (const kind of /** @type {const} */ (['shift', 'scale'])) {
    const s = report[kind];
    if (s.status === 'skipped') sections.push(h('p', { class: 'note' }, `${kind}: `), skipped(s.reason));
  }
  sections.push(h('h4', {}, 'Layer by layer'), h('p', { class: 'note' }, 'Mean cosine distance between the features of a shifted input and the shift-compensated features of the original, over one period of shifts (0 = equivariant). Where it jumps, a layer subsamples without anti-aliasing.'));
  if (report.layers.status === 'measured') {
    const layers = report.layers.value;
    sections.push(
      h('figure', { dataset: { testid: 'audit-layers' } }, bars({ labels: layers.map((l) => `${l.name} (÷${l.stride})`), values: layers.map((l) => l.mean), max: Math.max(1e-6, ...layers.map((l) => l.mean)), format: fixed(4) })),
    );
  } else sections.push(skipped(report.layers.reason));
  sections.push(h('h4', {}, 'Absolute position from the features'), h('p', { class: 'note' }, 'A linear 3×3 readout of every probed layer (resized to 8×8 and concatenated), fitted on crops of seven bundled photos and tested on three others, asked to draw a horizontal (H) and vertical (V) gradient (Islam et al. 2020). Spearman correlation near 1: the features know where they are (zero padding usually tells them); near 0: they do not.'));
  if (report.position.status === 'measured') {
    sections.push(table(['target', 'layers', 'Spearman', 'MAE'], report.position.value.map((p) => [p.target, p.layers, p.spc.toFixed(3), p.mae.toFixed(3)]), 'audit-position'));
  } else sections.push(skipped(report.position.reason));
  sections.push(h('h4', {}, 'A black border'), h('p', { class: 'note' }, 'The same images with a black frame painted over their edge: % with the same top-1 as without it, and the mean probability of that class.'));
  if (report.border.status === 'measured') {
    const rows = report.border.value;
    sections.push(h('figure', { dataset: { testid: 'audit-border' } }, bars({ labels: rows.map((r) => `${r.width} px frame`), values: rows.map((r) => r.agreement), max: 100, format: percent })));
    sections.push(table(['frame px', 'same top-1 %', 'p(top-1)'], rows.map((r) => [String(r.width), r.agreement.toFixed(1), r.probability.toFixed(4)]), 'audit-border-table'));
  } else sections.push(skipped(report.border.reason));
  return h('article', { class: 'report', dataset: { testid: 'audit-report' } }, sections);
}

const STYLE = 'body{font:15px/1.45 system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#222}.note{color:#555}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}code{background:#f3f3f3;padding:0 3px}';

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One HTML file that needs nothing else: the report's markup with inline styles.
 * @param {AuditReport} report
 * @param {string} title
 */
export function reportHtml(report, title) {
  const body = reportView(report, title).outerHTML;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>ShiftLab audit of ${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}<p class="note">Made with ShiftLab on ${new Date().toISOString().slice(0, 10)}.</p></body></html>\n`;
}

/**
 * Every number of the report, one per row.
 * @param {AuditReport} report
 */
export function reportCsv(report) {
  /** @type {Array<Array<string | number>>} */
  const rows = [['section', 'item', 'measure', 'value']];
  for (const [kind, c, p, m] of invarianceRows(report)) rows.push([kind, 'all', 'consistency_percent', c], [kind, 'all', 'p_top1_change', p], [kind, 'all', 'mac', m]);
  if (report.layers.status === 'measured') for (const l of report.layers.value) rows.push(['layers', `${l.name} (stride ${l.stride})`, 'mean_cosine_distance', l.mean]);
  if (report.position.status === 'measured') for (const p of report.position.value) rows.push(['position', `${p.target} from ${p.layers}`, 'spearman', p.spc], ['position', `${p.target} from ${p.layers}`, 'mae', p.mae]);
  if (report.border.status === 'measured') for (const b of report.border.value) rows.push(['border', `${b.width} px`, 'same_top1_percent', b.agreement], ['border', `${b.width} px`, 'top1_probability', b.probability]);
  return rows;
}
