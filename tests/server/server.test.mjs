// scripts/serve.mjs: what it serves, what it refuses and that no client can hurt it.
// Fixtures live in temporary directories, so these tests need neither the wasm build nor a browser.
//   node --test tests/server/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CSP, startServer } from '../../scripts/serve.mjs';

const SECURITY = {
  'content-security-policy': /default-src 'self'; script-src 'self' 'wasm-unsafe-eval';.*frame-ancestors 'none'/,
  'x-content-type-options': /^nosniff$/,
  'referrer-policy': /^no-referrer$/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cross-origin-resource-policy': /^same-origin$/,
};
const BIG = 32 * 1024 * 1024; // larger than the socket buffers, so a download is in flight when cut

// One request with the path sent exactly as written (http.request does not normalise it) and no
// keep-alive, so the servers close cleanly.
function get(port, path, { method = 'GET', headers = {} } = {}) {
  return new Promise((ok, fail) => {
    const req = request({ port, host: '127.0.0.1', path, method, agent: false, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

// Bytes on a bare socket, for requests http.request refuses to send.
function raw(port, text) {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => ok(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', fail);
  });
}

const fdCount = () => readdirSync('/proc/self/fd').length;

async function idle(server) {
  for (let i = 0; i < 100; i++) {
    const n = await new Promise((ok) => server.getConnections((_, count) => ok(count)));
    if (n === 0) return;
    await sleep(20);
  }
  throw new Error('connections still open');
}

describe('the repository server', () => {
  let server;
  let port;
  before(async () => {
    server = await startServer(0);
    port = server.address().port;
  });
  after(() => server.close());

  test('serves the site files with their types', async () => {
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'], /^text\/html/);
    assert.match(index.body, /<script type="module" src="www\/app.js">/);
    const manifest = await get(port, '/models/manifest.json');
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers['content-type'], 'application/json');
    assert.equal(manifest.headers['cache-control'], 'no-cache');
    const js = await get(port, '/www/app.js?v=1');
    assert.match(js.headers['content-type'], /^text\/javascript/);
  });

  test('index.html carries the same CSP for hosts without headers, less frame-ancestors', async () => {
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
    const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    assert.equal(meta, CSP.replace(/; frame-ancestors 'none'/, ''));
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script would need the CSP loosened');
  });

  test('nothing outside index.html, www/ and models/', async () => {
    for (const path of ['/.git/config', '/.git/HEAD', '/node_modules/uplot/package.json', '/Cargo.toml', '/Cargo.lock',
      '/src/lib.rs', '/tests/server/server.test.mjs', '/scripts/serve.mjs', '/package.json', '/README.md', '/target/', '/www', '/models']) {
      const res = await get(port, path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body, 'not found\n', path);
      assert.match(res.headers['content-type'], /^text\/plain/);
    }
  });

  test('traversal is refused however it is spelled', async () => {
    const paths = ['/www/../Cargo.toml', '/www/%2e%2e/Cargo.toml', '/www/%2E%2E/Cargo.toml', '/www/.%2e/Cargo.toml',
      '/www%2f..%2fCargo.toml', '/www/..%2fCargo.toml', '/www/..%5cCargo.toml', '/www\\..\\Cargo.toml',
      '/www/%00', '/index.html%00.js', '/%c0%ae%c0%ae/Cargo.toml', '/www/%E0%A4%A', '//etc/passwd',
      '/../../../../etc/passwd', 'http://127.0.0.1/Cargo.toml', '/models/./manifest.json'];
    for (const path of paths) {
      const { status, body } = await get(port, path);
      assert.ok([400, 403, 404].includes(status), `${path}: ${status}`);
      assert.doesNotMatch(body, /\[package\]|root:/, path);
    }
    // A raw NUL and a raw space cannot pass http.request's own checks; Node's parser answers them.
    for (const path of ['/www/\0', '/Cargo toml']) {
      const res = await raw(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      assert.match(res, /^HTTP\/1\.1 40[034]/, JSON.stringify(path));
    }
  });

  test('GET and HEAD only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
      const res = await get(port, '/index.html', { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
    }
    const head = await get(port, '/index.html', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 100);
    assert.match(head.headers.etag, /^"/);
  });

  test('only loopback names with our port in Host', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
      const res = await get(port, '/index.html', { headers: { host } });
      assert.ok([400, 421].includes(res.status), `${host}: ${res.status}`);
      assert.doesNotMatch(res.body, /ShiftLab/);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      assert.equal((await get(port, '/index.html', { headers: { host } })).status, 200, host);
    }
    const noHost = await raw(port, 'GET /index.html HTTP/1.0\r\n\r\n');
    assert.match(noHost, /^HTTP\/1\.1 400/);
  });

  test('security headers on 200, 304, 400, 404, 405 and 421', async () => {
    const ok = await get(port, '/index.html');
    const responses = [
      ok,
      await get(port, '/index.html', { headers: { 'if-none-match': ok.headers.etag } }),
      await get(port, '/www/%2e%2e/Cargo.toml'),
      await get(port, '/nope'),
      await get(port, '/', { method: 'POST' }),
      await get(port, '/', { headers: { host: 'evil.example' } }),
    ];
    assert.deepEqual(responses.map((r) => r.status), [200, 304, 400, 404, 405, 421]);
    for (const res of responses) {
      for (const [name, pattern] of Object.entries(SECURITY)) assert.match(res.headers[name] ?? '', pattern, `${res.status} ${name}`);
    }
    // Even a request Node cannot parse.
    const garbage = await raw(port, 'HELLO\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400/);
    assert.match(garbage, /X-Content-Type-Options: nosniff/);
    assert.equal((await get(port, '/')).status, 200);
  });

  test('validators: ETag and Last-Modified answer 304', async () => {
    const first = await get(port, '/models/manifest.json');
    assert.match(first.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(first.headers['last-modified']);
    const byTag = await get(port, '/models/manifest.json', { headers: { 'if-none-match': `"x", W/${first.headers.etag}` } });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body, '');
    assert.equal(byTag.headers.etag, first.headers.etag);
    const byDate = await get(port, '/models/manifest.json', { headers: { 'if-modified-since': first.headers['last-modified'] } });
    assert.equal(byDate.status, 304);
    const stale = await get(port, '/models/manifest.json', { headers: { 'if-none-match': '"other"', 'if-modified-since': first.headers['last-modified'] } });
    assert.equal(stale.status, 200, 'If-None-Match wins over If-Modified-Since');
    const old = await get(port, '/models/manifest.json', { headers: { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' } });
    assert.equal(old.status, 200);
  });
});

describe('a server with { root }', () => {
  let dir;
  let outside;
  let server;
  let port;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shiftlab-serve-'));
    outside = mkdtempSync(join(tmpdir(), 'shiftlab-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    mkdirSync(join(dir, 'www', 'pkg'), { recursive: true });
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>fake dist</title>');
    writeFileSync(join(dir, 'www', 'pkg', 'core.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(join(dir, 'models', 'm.onnx'), 'onnx');
    writeFileSync(join(dir, 'models', 'a.u8'), 'u8');
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'big.bin'), Buffer.alloc(BIG, 7));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
    symlinkSync(outside, join(dir, 'leakdir'));
    symlinkSync(join(dir, 'index.html'), join(dir, 'alias.html')); // inside the root: fine
    server = await startServer(0, '127.0.0.1', { root: dir });
    port = server.address().port;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('serves the directory whole, wasm and models with their types', async () => {
    const wasm = await get(port, '/www/pkg/core.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assert.equal(wasm.headers['cache-control'], 'public, max-age=0, must-revalidate');
    assert.equal((await get(port, '/models/m.onnx')).headers['content-type'], 'application/octet-stream');
    assert.equal((await get(port, '/models/a.u8')).headers['content-type'], 'application/octet-stream');
    assert.equal((await get(port, '/big.bin', { method: 'HEAD' })).headers['content-length'], String(BIG));
    const empty = await get(port, '/empty.txt');
    assert.equal(empty.status, 200);
    assert.equal(empty.body, '');
    assert.match((await get(port, '/')).body, /fake dist/);
    assert.match((await get(port, '/alias.html')).body, /fake dist/);
  });

  test('symlinks that lead outside the root are refused', async () => {
    for (const path of ['/leak.txt', '/leakdir/secret.txt']) {
      const res = await get(port, path);
      assert.equal(res.status, 403, path);
      assert.doesNotMatch(res.body, /secret/);
    }
  });

  test('aborted downloads leak nothing', { skip: !existsSync('/proc/self/fd') && 'needs /proc' }, async () => {
    await get(port, '/index.html'); // warm up whatever the first request opens once
    await idle(server);
    const before = fdCount();
    // 300 downloads of 32 MiB, each cut after its first chunk, 50 at a time.
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => new Promise((ok) => {
        const req = request({ port, host: '127.0.0.1', path: '/big.bin', agent: false, headers: { host: `127.0.0.1:${port}` } }, (res) => {
          res.once('data', () => req.destroy());
        });
        req.on('error', () => {});
        req.on('close', ok);
        req.end();
      })));
    }
    await idle(server);
    await sleep(100); // the file streams close asynchronously after their sockets
    assert.ok(fdCount() - before <= 5, `fds grew from ${before} to ${fdCount()}`);
    assert.equal((await get(port, '/index.html')).status, 200);
  });

  test('a file that shrinks while it is sent ends that response, not the server', async () => {
    const victim = join(dir, 'shrinks.bin');
    writeFileSync(victim, Buffer.alloc(BIG, 1));
    // Keep-alive, so a response that merely ended short would leave the client waiting for ever.
    const outcome = await new Promise((ok) => {
      const timer = setTimeout(() => ok({ got: -1, complete: 'still waiting after 5 s' }), 5000);
      const headers = { host: `127.0.0.1:${port}`, connection: 'keep-alive' };
      const req = request({ port, host: '127.0.0.1', path: '/shrinks.bin', agent: false, headers }, (res) => {
        let got = 0;
        truncateSync(victim, 0);
        res.on('data', (c) => (got += c.length));
        res.on('end', () => ok({ got, complete: res.complete }));
        res.on('error', () => ok({ got, complete: false }));
      });
      req.on('error', () => ok({ got: -1, complete: false }));
      req.on('close', () => clearTimeout(timer));
      req.end();
    });
    assert.equal(outcome.complete, false, `client saw a complete response of ${outcome.got} bytes`);
    assert.equal((await get(port, '/index.html')).status, 200);
  });
});

describe('a server with { root, base }: a dist/ under a sub-path', () => {
  let dir;
  let server;
  let port;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shiftlab-dist-'));
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>sub-path</title><script type="module" src="www/app.js"></script>');
    writeFileSync(join(dir, 'www', 'app.js'), 'export {};');
    server = await startServer(0, '127.0.0.1', { root: dir, base: '/shiftlab/' });
    port = server.address().port;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('files are served under the base only', async () => {
    assert.match((await get(port, '/shiftlab/index.html')).body, /sub-path/);
    assert.match((await get(port, '/shiftlab/')).body, /sub-path/);
    assert.equal((await get(port, '/shiftlab/www/app.js')).status, 200);
    const bare = await get(port, '/shiftlab');
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.location, '/shiftlab/');
    for (const path of ['/', '/index.html', '/www/app.js', '/shiftlabx/index.html', '/other/shiftlab/index.html', '/shiftlab/../index.html']) {
      assert.ok([400, 404].includes((await get(port, path)).status), path);
    }
  });
});
