// A static file server for the page on 127.0.0.1, dependency-free so serving needs only Node.js.
// By default it serves the repository, but only what the static site contains (index.html,
// www/, models/): the rest of the checkout (.git, src, tests, node_modules…) is nobody's business.
// With { root } (CLI: --root dist) it serves that directory whole; { base } (--base /shiftlab/)
// mounts it under a URL prefix, as a static host would serve it from a sub-path.
//   node scripts/serve.mjs [--port N] [--root DIR] [--base /prefix/]
import { createServer } from 'node:http';
import { realpathSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

// The policy index.html repeats in a <meta> for hosts that cannot set headers. 'wasm-unsafe-eval'
// lets the worker compile the wasm core and allows no eval of JS. The page and uPlot style only
// through element.style (CSSOM, which CSP does not restrict); style-src 'unsafe-inline' only
// leaves room for style attributes in markup, which cannot run code.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
  "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// application/wasm is what lets WebAssembly.instantiateStreaming compile while downloading.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.u8': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Code and data that change together with the code must never be used stale: no-cache makes the
// browser ask every time, and the ETag turns the answer into a 304. The large binaries (wasm, onnx,
// images, data) are stored too and revalidated the same way rather than given a lifetime, because
// a cached wasm that no longer matches its JS glue breaks the page.
const NO_CACHE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.md']);
const cacheControl = (ext) => (NO_CACHE.has(ext) ? 'no-cache' : 'public, max-age=0, must-revalidate');

// What the repository serves: the same files as dist/ (see scripts/dist.sh).
const inSite = (rel) => rel === 'index.html' || rel.startsWith('www/') || rel.startsWith('models/');

function plain(res, status, text, headers = {}) {
  const body = `${text}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

// The decoded path below `base`, or a status for what is refused. Checked on the raw URL, because
// WHATWG URL parsing would quietly resolve %2e%2e and backslashes before we could see them.
function parsePath(url, base) {
  const raw = url.split(/[?#]/, 1)[0];
  if (!raw.startsWith('/') || /%(2f|5c|00)/i.test(raw)) return { status: 400 };
  let path;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { status: 400 };
  }
  if (/[\\\0]/.test(path)) return { status: 400 };
  const segments = path.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return { status: 400 };
  // Dotfiles (.git, .env, .nojekyll) are never part of the page.
  if (segments.some((s) => s.startsWith('.'))) return { status: 404 };
  if (`${path}/` === base) return { status: 301, location: base };
  if (!path.startsWith(base)) return { status: 404 };
  const rel = path.slice(base.length);
  return { rel: rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel };
}

// The weak comparison of RFC 9110 13.1.2: W/ prefixes are ignored.
const matches = (header, etag) =>
  header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);

async function serveFile(req, res, rootReal, allowed, rel) {
  // realpath resolves every symlink on the way, so a link that leads out of the root (or, for the
  // repository, out of the site's files) is refused however it is spelled.
  let real;
  try {
    real = await realpath(join(rootReal, rel));
  } catch {
    return plain(res, 404, 'not found');
  }
  const inside = relative(rootReal, real);
  if (real !== rootReal && !real.startsWith(rootReal + sep)) return plain(res, 403, 'forbidden');
  if (!allowed(inside.split(sep).join('/'))) return plain(res, 404, 'not found');

  // Size, type and content come from one open file, so a file replaced in between cannot mix.
  let handle;
  try {
    handle = await open(real, 'r');
  } catch {
    return plain(res, 404, 'not found');
  }
  let stat;
  try {
    stat = await handle.stat();
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (!stat.isFile() || res.destroyed) {
    await handle.close();
    return res.destroyed ? undefined : plain(res, 404, 'not found');
  }

  const ext = extname(real).toLowerCase();
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers = {
    ETag: etag,
    'Last-Modified': stat.mtime.toUTCString(),
    'Cache-Control': cacheControl(ext),
  };
  const inm = req.headers['if-none-match'];
  const ims = Date.parse(req.headers['if-modified-since'] ?? '');
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
  const fresh = inm ? matches(inm, etag) : Math.floor(stat.mtimeMs / 1000) * 1000 <= ims;
  if (fresh || req.method === 'HEAD' || stat.size === 0) {
    await handle.close();
    res.writeHead(fresh ? 304 : 200, fresh ? headers : { ...headers, 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': stat.size });
    return res.end();
  }

  res.writeHead(200, { ...headers, 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': stat.size });
  // Read no further than the size announced; the stream closes the file when it is done or destroyed.
  const stream = handle.createReadStream({ start: 0, end: stat.size - 1 });
  // A file that shrank while being sent (a rebuild) cannot honour its Content-Length: failing
  // before the response ends cuts the connection, instead of leaving the client waiting.
  let sent = 0;
  const count = new Transform({
    transform(chunk, _, done) {
      sent += chunk.length;
      done(null, chunk);
    },
    flush: (done) => done(sent < stat.size ? new Error('file shrank while being sent') : null),
  });
  // pipeline destroys every stream when one fails: the file stream when the client goes away (no
  // fd leak), the response (and so its connection) when the read fails.
  pipeline(stream, count, res, () => {});
}

/**
 * Serves the page; resolves to the listening http.Server.
 * @param {number} port 0 picks a free one
 * @param {string} host
 * @param {{ root?: string, base?: string }} options root: serve this directory whole instead of the
 *   repository's site files; base: URL prefix the files live under ('/shiftlab/'), others are 404.
 */
export async function startServer(port = 8080, host = '127.0.0.1', { root, base = '/' } = {}) {
  const rootReal = realpathSync(resolve(root ?? REPO));
  const allowed = root ? () => true : inSite;
  base = `/${base}/`.replace(/\/+/g, '/');

  const server = createServer((req, res) => {
    req.on('error', () => {}); // a client that hangs up mid-request is not our error
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);

    // Only loopback names with our port: a page on another origin that rebinds its DNS name to
    // 127.0.0.1 must not be able to read the files.
    const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
    const okHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    const hostHeader = req.headers.host?.toLowerCase();
    if (!hostHeader) return plain(res, 400, 'missing Host header');
    if (!okHosts.includes(hostHeader)) return plain(res, 421, 'misdirected request');

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    }
    const { status, location, rel } = parsePath(req.url, base);
    if (status === 301) return plain(res, 301, 'moved', { Location: location });
    if (status) return plain(res, status, status === 404 ? 'not found' : 'bad request');

    serveFile(req, res, rootReal, allowed, rel).catch(() => {
      // Whatever went wrong, this response ends and the server carries on.
      if (res.headersSent) res.destroy();
      else plain(res, 500, 'internal error');
    });
  });

  // Requests Node cannot even parse are answered here, with the same headers as every other.
  const errorHead = Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  server.on('clientError', (err, socket) => {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    socket.end(`HTTP/1.1 400 Bad Request\r\n${errorHead}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  });

  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok(server);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const usage = 'usage: node scripts/serve.mjs [--port N] [--root DIR] [--base /prefix/]';
  let values;
  try {
    ({ values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, root: { type: 'string' }, base: { type: 'string', default: '/' } } }));
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    process.exit(2);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`--port needs a number from 0 to 65535, got ${values.port}\n${usage}`);
    process.exit(2);
  }
  let server;
  try {
    server = await startServer(port, '127.0.0.1', { root: values.root, base: values.base });
  } catch (err) {
    console.error(`cannot serve: ${err.message}`);
    process.exit(1);
  }
  const base = `/${values.base}/`.replace(/\/+/g, '/');
  console.log(`ShiftLab is served at http://127.0.0.1:${server.address().port}${base}`);
}
