#!/usr/bin/env node
// Dependency-free static server for the built app (`dist/`), used by `npm start`, the
// end-to-end tests and the browser bench.
//
//   node scripts/serve.mjs [--root dist] [--port 4173] [--host 127.0.0.1]
//
// PORT (env) or --port picks the port (0 = any free port); when it is busy the next few ports
// are tried. Paths that look like files (have an extension) and do not exist answer 404; other
// unknown paths get index.html so client-side routes work on reload. Compressible responses are
// gzipped when the client accepts it. index.html and sw.js are always revalidated so a new
// build is picked up; hashed assets are cached for a year.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';

const gzip = promisify(gzipCb);

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.arrow': 'application/vnd.apache.arrow.file',
  '.parquet': 'application/vnd.apache.parquet',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.wasm', '.svg', '.txt', '.csv', '.ico']);
/** Files that decide which build the browser runs: never served from an HTTP cache unchecked. */
const ALWAYS_REVALIDATE = new Set(['/index.html', '/sw.js', '/registerSW.js', '/manifest.webmanifest']);
const PORT_ATTEMPTS = 10;

function cacheControl(urlPath) {
  if (ALWAYS_REVALIDATE.has(urlPath) || urlPath.endsWith('.html')) return 'no-cache';
  if (urlPath.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/** Maps a URL path to a file inside root, or null when it escapes root / is malformed. */
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

function statFile(file) {
  try {
    const st = statSync(file);
    return st.isFile() ? st : null;
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw e;
  }
}

/** Creates the request handler for a root folder (exported for tests and the bench). */
export function createHandler(rootDir) {
  const root = resolve(rootDir);
  // file → { mtimeMs, size, body: Promise<Buffer> }; the promise is shared so concurrent
  // requests for one large file (service-worker precache in several tabs) compress it once.
  const gzCache = new Map();

  function gzipped(file, st) {
    const hit = gzCache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.body;
    const body = readFile(file).then((bytes) => gzip(bytes, { level: 6 }));
    gzCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, body });
    body.catch(() => gzCache.delete(file));
    return body;
  }

  return async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let urlPath = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }
    let file = resolveInside(root, urlPath);
    if (file === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad Request\n');
      return;
    }
    let st = statFile(file);
    if (!st && !extname(urlPath)) {
      // Directory index, then the SPA fallback for client-side routes.
      const index = join(file, 'index.html');
      st = statFile(index);
      if (st) file = index;
      else {
        file = join(root, 'index.html');
        urlPath = '/index.html';
        st = statFile(file);
      }
    }
    if (!st) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(`Not Found: ${url.pathname}\n`);
      return;
    }
    const ext = extname(file).toLowerCase();
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': MIME_TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': cacheControl(urlPath),
      ETag: etag,
      'Last-Modified': new Date(st.mtimeMs).toUTCString(),
      'X-Content-Type-Options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (COMPRESSIBLE.has(ext)) headers.Vary = 'Accept-Encoding';
    if (acceptsGzip && COMPRESSIBLE.has(ext) && st.size > 256) {
      const body = await gzipped(file, st);
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': st.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', (e) => res.destroy(e))
      .pipe(res);
  };
}

function listen(server, port, host) {
  return new Promise((resolvePort, reject) => {
    const onError = (e) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePort(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the server; resolves with { server, port, url }. */
export async function startServer({ root = 'dist', port = 4173, host = '127.0.0.1', attempts = PORT_ATTEMPTS } = {}) {
  const rootDir = resolve(root);
  if (!existsSync(join(rootDir, 'index.html'))) {
    throw new Error(`${join(rootDir, 'index.html')} not found: build the app first (npx vite build)`);
  }
  const handler = createHandler(rootDir);
  const server = createServer((req, res) => {
    handler(req, res).catch((e) => {
      console.error(`serve: ${req.method} ${req.url} failed: ${e.stack ?? e}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error\n');
    });
  });
  const tries = port === 0 ? 1 : attempts;
  for (let i = 0; i < tries; i++) {
    try {
      const bound = await listen(server, port === 0 ? 0 : port + i, host);
      return { server, port: bound, url: `http://${host}:${bound}/` };
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || i === tries - 1) {
        throw new Error(
          e.code === 'EADDRINUSE' ? `ports ${port}–${port + tries - 1} on ${host} are all in use; set PORT to a free one` : e.message,
        );
      }
    }
  }
  throw new Error('unreachable');
}

function parseCli(argv) {
  const opts = { root: 'dist', port: process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 4173, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (flag === '--root') opts.root = value;
    else if (flag === '--port') opts.port = Number(value);
    else if (flag === '--host') opts.host = value;
    else throw new Error(`unknown option ${argv[i]} (use --root DIR, --port N, --host H)`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`invalid port "${opts.port}"`);
  return opts;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const { server, url } = await startServer(parseCli(process.argv.slice(2)));
    console.log(`Quant Engine running at ${url}`);
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(1);
  }
}

export const SERVE_SCRIPT = fileURLToPath(import.meta.url);
