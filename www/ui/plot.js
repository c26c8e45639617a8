// Line plots with axes, a legend and a clickable x: a thin wrapper around the vendored uPlot
// (www/vendor, copied there by scripts/build.sh), sized to its container so it also fits a phone.
//   const plot = linePlot({ testid, xLabel, yLabel, series: [{ label, stroke }], onPick });
//   plot.set(xs, [ys0, ys1, …], { xLabel, labels, xValues });   plot.mark(x);   plot.canvas()
import uPlot from '../vendor/uPlot.esm.js';
import { h } from './dom.js';

const CSS_URL = new URL('../vendor/uPlot.min.css', import.meta.url).href;
const HEIGHT = 260;

function ensureStylesheet() {
  if (document.querySelector(`link[href="${CSS_URL}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href: CSS_URL }));
}

// onPick(index) fires when the user clicks the plot: the index of the nearest x.
// xValues, if given, formats the x axis ticks (e.g. layer names for integer positions).
// integerX puts x ticks on whole numbers only (pixel shifts, layer positions).
/**
 * @param {{ testid: string, xLabel: string, yLabel: string, series: { label: string, stroke: string, dash?: number[] }[],
 *   onPick?: (index: number) => void, yRange?: number[] | null, points?: boolean, integerX?: boolean }} options
 */
export function linePlot({ testid, xLabel, yLabel, series, onPick, yRange = null, points = true, integerX = false }) {
  ensureStylesheet();
  const el = h('div', { class: 'plot', dataset: { testid }, style: { width: '100%', minWidth: '0' } });
  let plot = null;
  let marked = null;
  let xValues = null;
  let shown = { xLabel, labels: series.map((s) => s.label), integerX };

  function width() {
    return Math.max(240, el.clientWidth || el.parentElement?.clientWidth || 480);
  }

  function options() {
    return {
      width: width(),
      height: HEIGHT,
      scales: { x: { time: false }, y: yRange ? { range: yRange } : {} },
      axes: [
        {
          label: shown.xLabel,
          values: (u, ticks) => ticks.map((v) => (xValues ? (xValues[Math.round(v)] ?? '') : v)),
          ...(xValues ? { splits: () => xValues.map((_, i) => i) } : {}),
          ...(shown.integerX ? { incrs: [1, 2, 5, 10, 20, 50] } : {}),
        },
        { label: yLabel },
      ],
      series: [{ label: shown.xLabel }, ...series.map((s, i) => ({ ...s, label: shown.labels[i], width: 2, points: { show: points } }))],
      cursor: { drag: { x: false, y: false } },
      hooks: {
        draw: [
          (u) => {
            if (marked === null) return;
            const x = u.valToPos(marked, 'x', true);
            const g = u.ctx;
            g.save();
            g.strokeStyle = '#888';
            g.setLineDash([4, 4]);
            g.beginPath();
            g.moveTo(x, u.bbox.top);
            g.lineTo(x, u.bbox.top + u.bbox.height);
            g.stroke();
            g.restore();
          },
        ],
      },
    };
  }

  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height: HEIGHT }));
  resize.observe(el);

  return {
    el,
    // xLabel, labels (one per series) and integerX replace the ones given at creation.
    set(xs, ys, { xValues: names = null, xLabel: x = shown.xLabel, labels = shown.labels, integerX: whole = integerX } = {}) {
      xValues = names;
      shown = { xLabel: x, labels, integerX: whole };
      plot?.destroy();
      // uPlot's declared option types are stricter than the options it documents and accepts.
      plot = new uPlot(/** @type {any} */ (options()), [xs, ...ys], el);
      if (onPick) {
        plot.over.addEventListener('click', () => {
          const idx = plot.cursor.idx;
          if (idx !== null && idx !== undefined) onPick(idx);
        });
      }
    },
    mark(x) {
      marked = x;
      plot?.redraw(false);
    },
    canvas: () => plot?.ctx.canvas ?? null,
    destroy() {
      resize.disconnect();
      plot?.destroy();
    },
  };
}
