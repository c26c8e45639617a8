// Saving what the page shows: canvases as PNG, numbers as CSV or JSON. Everything is made in
// the browser and handed to the user as a download; nothing is uploaded.

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url));
}

// Lays canvases out in a grid and saves them as one PNG, each pixel enlarged to
// `scale`×`scale` without smoothing (model inputs and feature maps are tiny).
export function downloadCanvasesPng(canvases, filename, { columns = canvases.length, scale = 8, gap = 4 } = {}) {
  const cellW = Math.max(...canvases.map((c) => c.width)) * scale;
  const cellH = Math.max(...canvases.map((c) => c.height)) * scale;
  const rows = Math.ceil(canvases.length / columns);
  const out = document.createElement('canvas');
  out.width = columns * cellW + (columns - 1) * gap;
  out.height = rows * cellH + (rows - 1) * gap;
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.imageSmoothingEnabled = false;
  canvases.forEach((c, i) => {
    const x = (i % columns) * (cellW + gap);
    const y = Math.floor(i / columns) * (cellH + gap);
    g.drawImage(c, x, y, c.width * scale, c.height * scale);
  });
  out.toBlob((blob) => download(blob, filename), 'image/png');
}

// rows: array of arrays (the first one the header); values are quoted when they need it.
export function downloadCsv(rows, filename) {
  const cell = (v) => {
    const text = String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const csv = rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
  download(new Blob([csv], { type: 'text/csv' }), filename);
}

export function downloadJson(value, filename) {
  download(new Blob([JSON.stringify(value, null, 2) + '\n'], { type: 'application/json' }), filename);
}
