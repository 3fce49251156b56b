import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_VERSION } from '../../../src/engine/contracts/proxy';
import { ProxyPingError, pingProxy } from '../../../src/workers/proxy-ping';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/ok/health') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, version: PROXY_VERSION, upstreams: { yahoo: 'https://y' }, kalshiAuth: false, cache: { entries: 0, bytes: 0 } }));
    } else if (path === '/html/health') {
      res.setHeader('content-type', 'text/html');
      res.end('<html>not a proxy</html>');
    } else if (path === '/shape/health') {
      res.end(JSON.stringify({ ok: true }));
    } else if (path === '/slow/health') {
      setTimeout(() => res.end('{}'), 2000);
    } else {
      res.statusCode = 404;
      res.statusMessage = 'Not Found';
      res.end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(url: string, timeoutMs?: number): Promise<ProxyPingError> {
  const e = await pingProxy(url, { timeoutMs }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ProxyPingError);
  return e as ProxyPingError;
}

describe('pingProxy', () => {
  it('returns the version of a healthy proxy (trailing slash tolerated)', async () => {
    expect(await pingProxy(`${base}/ok/`)).toEqual({ ok: true, version: PROXY_VERSION });
  });

  it('names each failure', async () => {
    expect((await failure(`${base}/missing`)).kind).toBe('bad_status');
    expect((await failure(`${base}/missing`)).message).toContain('answered 404 Not Found');
    expect((await failure(`${base}/html`)).kind).toBe('bad_response');
    const shape = await failure(`${base}/shape`);
    expect(shape.message).toContain('health.version: expected string');
    const slow = await failure(`${base}/slow`, 200);
    expect(slow.kind).toBe('timeout');
    expect(slow.message).toContain('did not answer within 0.2 s');
    // a port nothing listens on
    const dead = await failure('http://127.0.0.1:9/');
    expect(dead.kind).toBe('unreachable');
    expect(dead.message).toContain('npm run proxy');
    expect((await failure('localhost:8787')).kind).toBe('invalid_url');
    expect((await failure('not a url')).kind).toBe('invalid_url');
  });
});
