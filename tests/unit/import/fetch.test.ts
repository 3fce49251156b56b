// Live fetch through the real proxy (src/proxy) against the recorded-format fake upstream, and
// through fake proxies (http.createServer on 127.0.0.1:0) for what the real one never sends.
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/engine/contracts';
import { openQeDb } from '../../../src/storage/db';
import { fetchProxyBars, ProxyFetchError } from '../../../src/storage/sources/proxy-fetch';
import type { Backend, FetchResultInfo } from '../../../src/workers/api';
import { createBackend } from '../../../src/workers/backend';
import { deadPort, FakeUpstream, startTestProxy, type TestProxy } from '../proxy/helpers';
import { FakeWorker, inProcessCompute, inProcessData } from '../workers/harness';

let fake: FakeUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  fake = await new FakeUpstream().start();
});

afterAll(async () => {
  await fake.close();
});

// A fresh proxy per test: a 429 puts the upstream in cooldown for the proxy's lifetime.
beforeEach(async () => {
  proxy = await startTestProxy(fake, { upstreamTimeoutMs: 400 });
});

afterEach(async () => {
  await proxy.close();
});

async function make(proxyUrl: string | null): Promise<Backend> {
  const factory = new IDBFactory();
  const workerDb = () => openQeDb(factory);
  const backend = createBackend({
    idbFactory: factory,
    poolSize: 1,
    createComputeWorker: () => new FakeWorker(),
    connectCompute: inProcessCompute(workerDb),
    createDataWorker: () => new FakeWorker(),
    connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB in this test'))),
    storageManager: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false },
    locks: null,
  });
  await backend.boot();
  if (proxyUrl) await backend.updateSettings({ proxyUrl });
  return backend;
}

function waitDone(backend: Backend, id: string): Promise<void> {
  const events: JobEvent[] = [];
  const off = backend.onJobEvent((e) => events.push(e));
  return new Promise<void>((resolve) => {
    const check = async () => {
      const j = await backend.getJob(id);
      if (j && (j.status === 'succeeded' || j.status === 'failed' || j.status === 'cancelled')) {
        off();
        resolve();
      } else setTimeout(check, 10);
    };
    void check();
  });
}

async function runFetch(backend: Backend, params: Parameters<Backend['fetchLive']>[0]) {
  const rec = await backend.fetchLive(params);
  await waitDone(backend, rec.id);
  return (await backend.getJob(rec.id))!;
}

describe('fetch job through the proxy', () => {
  it('stores Yahoo daily bars as origin proxy, normalised and quality-checked, LIVE result then CACHED on re-read', async () => {
    const backend = await make(proxy.proxy.url);
    const job = await runFetch(backend, { provider: 'yahoo', ticker: 'spy', timeframe: '1d', range: '1mo' });
    expect(job.status).toBe('succeeded');
    expect(job.manifest.params).toMatchObject({ provider: 'yahoo', ticker: 'SPY', timeframe: '1d', range: '1mo', proxyUrl: proxy.proxy.url });
    const info = (await backend.getArtifact(`fetch/${job.id}`))?.value as unknown as FetchResultInfo;
    expect(info).toMatchObject({ datasetId: 'SPY|1d', provider: 'yahoo', cache: 'miss' });
    // The recorded response has 8 bars: 2011-02-25 lacks open and close, 2011-03-02 lacks volume
    // (the proxy reports the nulls); C drops both rows, and missing values in 1 of 8 rows fail
    // the contract's missing_values check (> 5 %). adj close is null on one row: not used.
    expect(info.warnings.some((w) => /close has 1 null value/.test(w))).toBe(true);
    expect(info.warnings).toContain('adjusted close missing on 1 of 8 rows: stored unadjusted prices');
    const [meta] = await backend.listDatasets();
    expect(meta).toMatchObject({ id: 'SPY|1d', origin: 'proxy', rows: 6, quality: 'fail' });
    expect(meta.source).toMatch(/^yahoo via proxy \(SPY 1d, range 1mo; fetched .*, fresh\)$/);
    const env = await backend.loadBars('SPY|1d');
    expect(env.meta.mode).toBe('cached');
    expect(env.meta.staleness).not.toBeNull();
  });

  it('stores Stooq daily CSV and Yahoo intraday (1h) bars', async () => {
    const backend = await make(proxy.proxy.url);
    expect((await runFetch(backend, { provider: 'stooq', ticker: 'AAPL', timeframe: '1d' })).status).toBe('succeeded');
    expect((await runFetch(backend, { provider: 'yahoo', ticker: 'AAPL', timeframe: '1h', range: '5d' })).status).toBe('succeeded');
    const list = await backend.listDatasets();
    expect(list.map((d) => [d.id, d.rows])).toEqual([
      ['AAPL|1d', 5], // 6 rows, 2026-02-18 has no volume
      ['AAPL|1h', 4],
    ]);
  });

  it('429 from the upstream → rate limited with retry-after', async () => {
    const backend = await make(proxy.proxy.url);
    const job = await runFetch(backend, { provider: 'yahoo', ticker: 'LIMIT', timeframe: '1d' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Yahoo rate-limited the request \(HTTP 429\); retry after 7 s/);
  });

  it('an HTML interstitial → says the upstream answered with HTML', async () => {
    const backend = await make(proxy.proxy.url);
    const job = await runFetch(backend, { provider: 'yahoo', ticker: 'HTML', timeframe: '1d' });
    expect(job.error).toMatch(/^Yahoo answered with an HTML page instead of data/);
  });

  it('upstream timeout at the proxy, and a proxy that never answers (client timeout)', async () => {
    const backend = await make(proxy.proxy.url);
    const slow = await runFetch(backend, { provider: 'yahoo', ticker: 'SLOW', timeframe: '1d' });
    expect(slow.error).toMatch(/^Yahoo did not answer in time \(timeout at the proxy\)/);

    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const rec = await backend.submitJob({ type: 'fetch', params: { provider: 'yahoo', ticker: 'SPY', timeframe: '1d', proxyUrl: url, timeoutMs: 200 } });
    await waitDone(backend, rec.id);
    expect((await backend.getJob(rec.id))?.error).toBe(`The proxy at ${url} did not answer within 0.2 s (timeout). Is it running, and is Yahoo slow?`);
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('unreachable proxy → names both causes and the --origin fix; a stored copy is then shown CACHED with the failure', async () => {
    const backend = await make(proxy.proxy.url);
    expect((await runFetch(backend, { provider: 'yahoo', ticker: 'SPY', timeframe: '1d' })).status).toBe('succeeded');
    expect(await backend.loadCachedAfterFailure('MSFT|1d', 'x')).toBeNull();
    await backend.updateSettings({ proxyUrl: `http://127.0.0.1:${await deadPort()}` });
    const job = await runFetch(backend, { provider: 'yahoo', ticker: 'SPY', timeframe: '1d' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Proxy unreachable or this app's origin is not allowed — start it with `npm run proxy -- --origin /);
    const env = await backend.loadCachedAfterFailure('SPY|1d', job.error ?? '');
    expect(env?.meta.mode).toBe('cached');
    expect(env?.meta.warnings[0]).toBe(`Live fetch failed — ${job.error}. Showing the stored copy (fetched ${env?.data.meta.storedAt}).`);
    expect(env?.data.bars.ts.length).toBe(6);
  });

  it('the proxy serving a stale copy (upstream down) is recorded as such', async () => {
    const backend = await make(proxy.proxy.url);
    expect((await runFetch(backend, { provider: 'yahoo', ticker: 'FLAKY2', timeframe: '1d' })).status).toBe('succeeded');
    fake.modes.set('/v8/finance/chart/FLAKY2', '500');
    proxy.clock.t += 7 * 24 * 3600 * 1000;
    const job = await runFetch(backend, { provider: 'yahoo', ticker: 'FLAKY2', timeframe: '1d' });
    expect(job.status).toBe('succeeded');
    const info = (await backend.getArtifact(`fetch/${job.id}`))?.value as unknown as FetchResultInfo;
    expect(info.cache).toBe('stale');
    expect(info.warnings.some((w) => w.startsWith('served a cached copy from'))).toBe(true);
    expect((await backend.listDatasets())[0].source).toMatch(/STALE proxy copy\)$/);
  });

  it('refuses to fetch without a configured proxy, and bad requests before queuing', async () => {
    const backend = await make(null);
    await expect(backend.fetchLive({ provider: 'yahoo', ticker: 'SPY', timeframe: '1d' })).rejects.toThrow(/^No proxy is configured/);
    await backend.updateSettings({ proxyUrl: proxy.proxy.url });
    await expect(backend.fetchLive({ provider: 'stooq', ticker: 'SPY', timeframe: '1h' })).rejects.toThrow('stooq does not serve 1h bars');
    await expect(backend.fetchLive({ provider: 'yahoo', ticker: 'no good', timeframe: '1d' })).rejects.toThrow('"no good" is not a ticker');
  });
});

describe('fetchProxyBars error mapping (fake proxies)', () => {
  let server: Server;
  let base = '';
  let reply: (res: import('node:http').ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((_req, res) => reply(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const req = () => ({ proxyUrl: base, provider: 'yahoo' as const, ticker: 'SPY', timeframe: '1d' as const, appOrigin: 'http://127.0.0.1:4173' });

  it('a server that is not the proxy (HTML page)', async () => {
    reply = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>hello</p>');
    const e = await fetchProxyBars(req()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProxyFetchError);
    expect((e as ProxyFetchError).kind).toBe('not_proxy');
    expect((e as Error).message).toMatch(/answered with an HTML page \(HTTP 200\), not the proxy's JSON/);
  });

  it('an answer that breaks the bar contract', async () => {
    reply = (res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, data: { ticker: 'SPY' }, meta: {} }));
    const e = (await fetchProxyBars(req()).catch((x: unknown) => x)) as ProxyFetchError;
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/^The proxy's answer does not match the bar contract \(response\.data\.source: expected/);
  });

  it('origin refused (403 JSON) → the --origin advice with this app origin', async () => {
    reply = (res) =>
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error: { code: 'origin_not_allowed', message: 'this origin is not allowed to use the proxy (see --origin)', upstream: null } }));
    const e = (await fetchProxyBars(req()).catch((x: unknown) => x)) as ProxyFetchError;
    expect(e.kind).toBe('origin_not_allowed');
    expect(e.message).toContain('start it with `npm run proxy -- --origin http://127.0.0.1:4173`');
  });

  it('429 with the retry-after header only', async () => {
    reply = (res) =>
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' })
        .end(JSON.stringify({ ok: false, error: { code: 'rate_limited', message: 'too many requests from this client', upstream: null } }));
    const e = (await fetchProxyBars(req()).catch((x: unknown) => x)) as ProxyFetchError;
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAfter).toBe(30);
    expect(e.message).toBe('The proxy rate-limited the request (HTTP 429); retry after 30 s: too many requests from this client');
  });
});
