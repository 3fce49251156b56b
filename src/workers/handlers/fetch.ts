/**
 * `fetch`: live bars through the proxy (URL from Settings, carried in the params) → engine
 * normalisation and quality report → stored with origin `proxy`. A failure fails the job with
 * the specific reason (the page then shows any stored copy, labelled cached, with it).
 */
import { literal, num, obj, optional, str, TIMEFRAMES } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { fetchProxyBars, fetchResultJson, storeProxyBars } from '../../storage/sources/proxy-fetch';
import { type FetchJobParams, type FetchResultInfo, LIVE_PROVIDERS, LIVE_RANGES } from '../data-api';
import type { JobHandler } from './types';

export const fetchParamsSchema = obj({
  provider: literal(...LIVE_PROVIDERS),
  ticker: str(),
  timeframe: literal(...TIMEFRAMES),
  range: optional(literal(...LIVE_RANGES)),
  proxyUrl: str(),
  timeoutMs: optional(num({ int: true, min: 100, max: 300_000 })),
});

function appOrigin(): string | undefined {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  return loc?.origin && loc.origin !== 'null' ? loc.origin : undefined;
}

export const fetchHandler: JobHandler = async (rawParams, ctx, env) => {
  const p: FetchJobParams = fetchParamsSchema(rawParams, 'params');
  const label = `${p.provider} ${p.ticker.toUpperCase()} ${p.timeframe}`;
  ctx.progress(0.05, `Requesting ${label} from the proxy`);
  const ok = await fetchProxyBars({ ...p, appOrigin: appOrigin() });
  await checkpoint(ctx);
  ctx.progress(0.5, `Received ${ok.data.rows} bars`);
  const db = await env.db();
  const resultKey = `fetch/${env.jobId}`;
  const stored = await storeProxyBars(
    db,
    ok,
    p,
    (meta, warnings) => {
      const info: FetchResultInfo = {
        datasetId: meta.id,
        checksum: meta.checksum,
        provider: p.provider,
        ticker: meta.ticker,
        timeframe: meta.timeframe,
        cache: ok.meta.cache,
        fetchedAt: ok.meta.fetchedAt,
        warnings,
      };
      return [{ key: resultKey, createdAt: new Date(env.now()).toISOString(), value: fetchResultJson(info), jobId: env.jobId, manifestId: env.manifest.id }];
    },
    ctx,
  );
  ctx.progress(1, `Stored ${stored.meta.id} (${stored.meta.rows} bars)`);
  env.log.info(`fetched ${stored.meta.id} through the proxy: ${stored.meta.rows} bars, quality ${stored.meta.quality}`, {
    jobId: env.jobId,
    context: { dataset: stored.meta.id, cache: ok.meta.cache },
  });
  return { resultKey };
};
