import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { JobManifest } from '../../../src/engine/contracts';
import { getArtifact } from '../../../src/storage/artifacts';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { ComputeHost } from '../../../src/workers/compute-host';
import { matmul, SELFTEST_N, type SelftestResult, welfordAdd } from '../../../src/workers/handlers/selftest';
import { buildManifest } from '../../../src/workers/manifest';
import { createMacrotaskYield, createWorkerContext } from '../../../src/workers/worker-context';
import { setImmediateYield } from './harness';

async function host() {
  const db = await openQeDb(new IDBFactory());
  const bus = new LogBus();
  const h = new ComputeHost({
    db: async () => db,
    now: () => Date.now(),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: bus.logger('worker.compute'),
  });
  return { db, bus, h };
}

function manifest(type: string, params: Record<string, number | string>): JobManifest {
  return buildManifest({ type, params });
}

describe('selftest kernels', () => {
  it('matmul matches a hand-computed product', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const b = Float64Array.from([5, 6, 7, 8]);
    const c = new Float64Array(4);
    matmul(a, b, c, 2);
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  it('Welford running stats equal the two-pass mean and sample variance', () => {
    const xs = Float64Array.from([2, 4, 4, 4, 5, 5, 7, 9]);
    const s = { count: 0, mean: 0, m2: 0 };
    welfordAdd(s, xs.subarray(0, 3));
    welfordAdd(s, xs.subarray(3));
    expect(s.mean).toBe(5);
    expect(s.m2 / (s.count - 1)).toBeCloseTo(32 / 7, 12);
  });
});

describe('ComputeHost', () => {
  it('runs the self-test for the requested time, reports progress, and stores its throughput', async () => {
    const { db, bus, h } = await host();
    const m = manifest('selftest', { seconds: 0.4 });
    const reports: Array<[number, number, string]> = [];
    const t0 = performance.now();
    const res = await h.run('j1', 'selftest', m.params, m, (f, s) => reports.push([performance.now() - t0, f, s]));
    const took = performance.now() - t0;
    expect(res.resultKey).toBe('selftest/j1');
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(3000);
    // progress: first 0, last 1, and never a gap above 1 s
    expect(reports[0][1]).toBe(0);
    expect(reports.at(-1)?.[1]).toBe(1);
    for (let i = 1; i < reports.length; i++) expect(reports[i][0] - reports[i - 1][0]).toBeLessThan(1000);
    expect(reports.length).toBeGreaterThanOrEqual(3);
    const art = await getArtifact(db, 'selftest/j1');
    const r = art?.value as unknown as SelftestResult;
    expect(art?.jobId).toBe('j1');
    expect(art?.manifestId).toBe(m.id);
    expect(r.seed).toBe(m.seed);
    expect(r.flops).toBe(2 * SELFTEST_N ** 3 * r.products);
    expect(r.mflops).toBeGreaterThan(0);
    // entries of A·B for i.i.d. N(0,1) matrices: mean 0, variance N
    expect(Math.abs(r.productMean)).toBeLessThan(0.2);
    expect(r.productVariance / SELFTEST_N).toBeGreaterThan(0.9);
    expect(r.productVariance / SELFTEST_N).toBeLessThan(1.1);
    expect(bus.recent().find((e) => e.message.startsWith('self-test finished'))?.logger).toBe('worker.compute.selftest');
  });

  it('stops at the next chunk when cancelled and writes no result', async () => {
    const { db, h } = await host();
    const m = manifest('selftest', { seconds: 30 });
    const t0 = performance.now();
    const running = h.run('j2', 'selftest', m.params, m, () => undefined);
    setTimeout(() => h.cancel('j2'), 100);
    const err = await running.catch((e: unknown) => e);
    expect((err as Error).name).toBe('CancelledError');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(await getArtifact(db, 'selftest/j2')).toBeUndefined();
  });

  it('fails clearly on unsupported data sources and unknown job types, logging with a trace id', async () => {
    const { h, bus } = await host();
    const m = manifest('data_load', { source: 'yahoo' });
    await expect(h.run('j3', 'data_load', m.params, m, () => undefined)).rejects.toThrow(
      'data_load: source "yahoo" is not supported yet (supported: demo)',
    );
    const err = bus.recent().find((e) => e.level === 'ERROR');
    expect(err?.jobId).toBe('j3');
    expect(err?.traceId).toBeTruthy();
    await expect(h.run('j4', 'nope', {}, manifest('nope', {}), () => undefined)).rejects.toThrow('no handler for job type "nope"');
  });

  it('rejects a bad seconds parameter naming it', async () => {
    const { h } = await host();
    const m = manifest('selftest', { seconds: 'soon' });
    await expect(h.run('j5', 'selftest', m.params, m, () => undefined)).rejects.toThrow('params.seconds: expected number');
  });
});

describe('worker JobContext', () => {
  it('rate-limits reports but always delivers the latest one', async () => {
    let t = 0;
    const sent: string[] = [];
    const ctx = createWorkerContext({ isCancelled: () => false, report: (_f, s) => sent.push(s), yieldFn: async () => undefined, now: () => t, minIntervalMs: 100 });
    ctx.progress(0, 'a');
    t = 10;
    ctx.progress(0.1, 'b');
    t = 20;
    ctx.progress(0.2, 'c');
    expect(sent).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toEqual(['a', 'c']);
    t = 300;
    ctx.progress(0.5, 'd');
    t = 301;
    ctx.progress(1, 'done');
    expect(sent).toEqual(['a', 'c', 'd', 'done']);
    ctx.dispose();
  });

  it('the MessageChannel yield resolves concurrent waits in FIFO order', async () => {
    const y = createMacrotaskYield();
    const order: string[] = [];
    const timer = new Promise<void>((r) => setImmediate(() => {
      order.push('task');
      r();
    }));
    await Promise.all([y().then(() => order.push('y1')), y().then(() => order.push('y2'))]);
    await timer;
    expect(order.filter((x) => x !== 'task')).toEqual(['y1', 'y2']);
    expect(order).toContain('task');
  });
});
