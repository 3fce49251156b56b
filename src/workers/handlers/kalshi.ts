/**
 * Kalshi jobs. `kalshi_import`: staged files (markets, quotes, outcomes) parsed and checked
 * in full, then stored in one transaction — or, in demo mode only, the seeded demo event set.
 * `kalshi_fetch`: an event or series through the proxy set in Settings. Both then recompute
 * the Kalshi Events views from everything stored. Progress throughout; cancel stops before
 * the write (a cancelled job stores nothing).
 */
import { arr, literal, num, obj, optional, str } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { generateDemoEvents } from '../../engine/kalshi/demo';
import { putArtifact } from '../../storage/artifacts';
import { deleteKalshiUploads, getKalshiUpload, type KalshiProvenance, putKalshiBatch, storedContractMarkets } from '../../storage/kalshi';
import { getSettings } from '../../storage/settings';
import { parseKalshiFiles } from '../kalshi/ingest';
import { fetchKalshiThroughProxy } from '../kalshi/proxy-ingest';
import type { KalshiTypeView } from '../../engine/kalshi/analysis';
import type { KalshiViewShardInput } from '../kalshi/view-shard';
import { refreshKalshiViews } from '../kalshi/views';
import type { HandlerEnv, JobHandler } from './types';

export const kalshiImportParamsSchema = obj({
  source: literal('files', 'demo'),
  uploads: optional(arr(obj({ id: str(), name: str(), kind: literal('markets', 'quotes', 'outcomes') }))),
});

export const kalshiFetchParamsSchema = obj({
  eventTicker: optional(str()),
  seriesTicker: optional(str()),
  eventType: optional(str()),
  historyDays: optional(num({ min: 0, max: 60 })),
});

export class KalshiDemoNotAllowedError extends Error {
  constructor() {
    super('The demo Kalshi event set loads only in Demo Mode: turn Demo Mode on in Settings, or import real market, quote and outcome files.');
    this.name = 'KalshiDemoNotAllowedError';
  }
}

export class KalshiProxyNotSetError extends Error {
  constructor() {
    super('No proxy is configured: start it with `npm run proxy` and set its URL in Settings, then fetch again.');
    this.name = 'KalshiProxyNotSetError';
  }
}

async function finish(env: HandlerEnv, summary: { [k: string]: string | number | string[] }, ctx: Parameters<JobHandler>[1]) {
  const db = await env.db();
  ctx.progress(0.7, 'Distributions, features and walk-forward');
  const views = await refreshKalshiViews(db, { now: env.now(), jobId: env.jobId, manifestId: env.manifest.id }, ctx, (inputs) =>
    env.parallelMap<KalshiViewShardInput, KalshiTypeView>('kalshi_view', inputs, {
      onShardDone: (done, total) => ctx.progress(0.7 + (0.28 * done) / total, `Views: ${done} of ${total} event types`),
    }),
  );
  const resultKey = `kalshi/import/${env.jobId}`;
  await putArtifact(db, resultKey, { ...summary, views }, new Date(env.now()).toISOString(), { jobId: env.jobId, manifestId: env.manifest.id });
  ctx.progress(1, `${summary.markets} markets · ${summary.quotes} quotes · ${summary.outcomes} outcomes`);
  return { resultKey };
}

export const kalshiImportHandler: JobHandler = async (params, ctx, env) => {
  const p = kalshiImportParamsSchema(params, 'params');
  const db = await env.db();
  const storedAt = new Date(env.now()).toISOString();
  if (p.source === 'demo') {
    if (!(await getSettings(db)).demoMode) throw new KalshiDemoNotAllowedError();
    ctx.progress(0.05, 'Generating the seeded demo event set');
    const demo = generateDemoEvents();
    await checkpoint(ctx);
    const prov: KalshiProvenance = { origin: 'demo', importedFrom: 'seeded demo event set (CPI, FOMC, GDP)', storedAt, jobId: env.jobId };
    ctx.progress(0.4, 'Storing');
    const s = await putKalshiBatch(db, demo, prov);
    env.log.info(`loaded the demo Kalshi event set: ${s.markets} markets, ${s.quotes} quotes`, { jobId: env.jobId });
    return finish(env, { source: 'demo', markets: s.markets, contracts: s.contracts, quotes: s.quotes, outcomes: s.outcomes }, ctx);
  }
  const refs = p.uploads ?? [];
  if (refs.length === 0) throw new Error('kalshi_import: no files given (choose markets, quotes or outcomes files)');
  ctx.progress(0.05, `Reading ${refs.length} file(s)`);
  const files = [];
  for (const r of refs) files.push({ ...r, text: (await getKalshiUpload(db, r.id)).text });
  ctx.progress(0.15, 'Parsing and checking');
  const parsed = parseKalshiFiles(files, await storedContractMarkets(db));
  await checkpoint(ctx);
  const names = refs.map((r) => r.name).join(', ');
  ctx.progress(0.4, 'Storing');
  const s = await putKalshiBatch(db, parsed.batch, { origin: 'file', importedFrom: names, storedAt, jobId: env.jobId });
  await deleteKalshiUploads(db, refs.map((r) => r.id));
  env.log.info(`imported Kalshi files ${names}: ${s.markets} markets, ${s.quotes} quotes, ${s.outcomes} outcomes`, { jobId: env.jobId, context: { warnings: parsed.warnings } });
  return finish(env, { source: 'files', files: names, markets: s.markets, contracts: s.contracts, quotes: s.quotes, outcomes: s.outcomes, warnings: parsed.warnings }, ctx);
};

export const kalshiFetchHandler: JobHandler = async (params, ctx, env) => {
  const p = kalshiFetchParamsSchema(params, 'params');
  const db = await env.db();
  const { proxyUrl } = await getSettings(db);
  if (!proxyUrl) throw new KalshiProxyNotSetError();
  const r = await fetchKalshiThroughProxy({ proxyUrl, eventTicker: p.eventTicker, seriesTicker: p.seriesTicker, eventType: p.eventType, historyDays: p.historyDays, now: env.now }, ctx);
  await checkpoint(ctx);
  const s = await putKalshiBatch(db, r.batch, { origin: 'proxy', importedFrom: r.source, storedAt: r.fetchedAt, jobId: env.jobId });
  env.log.info(`fetched Kalshi ${p.eventTicker ?? p.seriesTicker}: ${s.markets} markets, ${s.quotes} quotes in ${r.requests} requests`, { jobId: env.jobId, context: { warnings: r.warnings } });
  return finish(env, { source: r.source, markets: s.markets, contracts: s.contracts, quotes: s.quotes, outcomes: s.outcomes, requests: r.requests, warnings: r.warnings }, ctx);
};
