// Drawing colour-mapped images (from the core's colorize/prepare) into canvases at their own
// resolution; CSS scales them up with `image-rendering: pixelated` so every model pixel stays
// a crisp square.
import { LEGENDS } from '../generated/labs.js';
import { h } from './dom.js';

/** @typedef {import('../generated/types').Heatmap} Heatmap */

// The colour bar of a map, as RGBA bytes (the core's colours, generated into labs.js).
const legendBars = new Map();
function legendBar(map) {
  if (!legendBars.has(map)) {
    const rgb = LEGENDS[map];
    const rgba = new Uint8Array((rgb.length / 3) * 4);
    for (let i = 0; i < rgb.length / 3; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
    legendBars.set(map, rgba);
  }
  return legendBars.get(map);
}

// image: { width, height, rgba } (rgba: Uint8Array of width*height*4, or a view into a larger one).
export function drawRgba(canvas, { width, height, rgba }) {
  canvas.width = width;
  canvas.height = height;
  canvas.style.aspectRatio = `${width} / ${height}`;
  const pixels = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4);
  canvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
}

export function pixelCanvas(attrs = {}) {
  return h('canvas', { class: 'pixelated', ...attrs });
}

// A grid of equally sized tiles (feature-map channels). `draw` takes one colourised image in
// which the tiles are stacked vertically (tile i = rows i*height … (i+1)*height - 1), which is
// how the core colourises several channels in one call with one shared colour scale.
export function tileGrid({ testid, columns = 4 }) {
  const el = h('div', { class: 'tile-grid', dataset: { testid }, style: { '--columns': columns } });
  return {
    el,
    canvases: () => [...el.querySelectorAll('canvas')],
    // A heatmap of the core whose `count` tiles are stacked top to bottom.
    /** @param {Heatmap} map @param {number} count @param {string[]} [titles] */
    drawMap(map, count, titles = []) {
      this.draw(map, map.width, map.height / count, count, titles);
    },
    draw(stacked, width, height, count, titles = []) {
      while (el.children.length > count) el.lastChild.remove();
      while (el.children.length < count) el.append(pixelCanvas());
      const tileBytes = width * height * 4;
      for (let i = 0; i < count; i++) {
        const canvas = el.children[i];
        canvas.title = titles[i] ?? '';
        drawRgba(canvas, { width, height, rgba: stacked.rgba.subarray(i * tileBytes, (i + 1) * tileBytes) });
      }
    },
  };
}

// A colour bar with its numeric range. `set` takes the bar (rgba of width×1 from the core's
// legend) and the lo/hi that the colourised images were mapped with.
export function colorLegend({ testid, caption }) {
  const bar = pixelCanvas({ class: 'pixelated legend-bar' });
  const lo = h('span', { class: 'legend-lo' });
  const hi = h('span', { class: 'legend-hi' });
  const el = h('figure', { class: 'legend', dataset: { testid } }, bar, h('figcaption', {}, lo, h('span', { class: 'legend-caption' }, caption), hi));
  return {
    el,
    /** @param {Heatmap} map */
    show(map) {
      this.set(legendBar(map.map), map.lo, map.hi);
    },
    set(rgba, low, high) {
      drawRgba(bar, { width: rgba.length / 4, height: 1, rgba });
      bar.style.aspectRatio = '';
      lo.textContent = formatNumber(low);
      hi.textContent = formatNumber(high);
    },
  };
}

export function formatNumber(x) {
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1000 || magnitude < 0.01 ? x.toExponential(2) : x.toPrecision(3);
}
