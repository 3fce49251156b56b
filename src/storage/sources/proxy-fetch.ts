/**
 * Live bars through the optional Node proxy: one GET to `/v1/bars/yahoo` or `/v1/bars/stooq`,
 * the answer validated against the proxy contract, every failure mapped to a specific message
 * (unreachable or origin not allowed, timeout, rate limit with retry-after, upstream HTML …).
 * The served bars are then normalised and quality-checked by the same engine code as a file
 * and stored with origin `proxy`.
 */
import {
  type ProxyBars,
  proxyBarsSchema,
  type ProxyErrorBody,
  type ProxyOk,
  proxyResponseSchema,
  SchemaError,
  type Timeframe,
  type YahooInterval,
} from '../../engine/contracts';
import type { JobContext } from '../../engine/core/context';
import { NULL_CONTEXT } from '../../engine/core/context';
import { importCsvText, isValidTicker } from '../../engine/data/normalize';
import type { ArtifactRecord, QeDb } from '../db';
import type { DatasetMeta, Json } from '../../engine/contracts';
import { prepareImport, storeDatasetsWithReports } from './file-import';

export type LiveProviderName = 'yahoo' | 'stooq';

export type ProxyFetchFailure =
  | 'invalid_request'
  | 'unreachable'
  | 'origin_not_allowed'
  | 'timeout'
  | 'rate_limited'
  | 'upstream_timeout'
  | 'upstream_html'
  | 'upstream_not_found'
  | 'upstream_error'
  | 'not_proxy'
  | 'bad_response';

export class ProxyFetchError extends Error {
  constructor(
    readonly kind: ProxyFetchFailure,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ProxyFetchError';
  }
}

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

export interface ProxyBarsRequest {
  proxyUrl: string;
  provider: LiveProviderName;
  ticker: string;
  timeframe: Timeframe;
  range?: string;
  timeoutMs?: number;
  /** the app's origin, for the "start it with --origin" advice */
  appOrigin?: string;
  fetchImpl?: typeof fetch;
}

const UPSTREAM_NAME: Record<string, string> = { yahoo: 'Yahoo', stooq: 'Stooq', kalshi: 'Kalshi' };

/** Stored timeframe → Yahoo interval. */
export function yahooInterval(tf: Timeframe): YahooInterval {
  if (tf === '4h') throw new ProxyFetchError('invalid_request', 'Yahoo has no 4h bars: fetch 1h and view it resampled to 4h');
  return tf;
}

export function proxyBarsUrl(req: ProxyBarsRequest): string {
  let base: URL;
  try {
    base = new URL(req.proxyUrl);
  } catch {
    throw new ProxyFetchError('invalid_request', `proxy URL "${req.proxyUrl}" is not a URL; set it in Settings (e.g. http://127.0.0.1:8787)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ProxyFetchError('invalid_request', `proxy URL must start with http:// or https:// (got ${base.protocol})`);
  }
  const ticker = req.ticker.trim();
  if (!/^[A-Za-z0-9.^=_-]{1,20}$/.test(ticker)) {
    throw new ProxyFetchError('invalid_request', `"${ticker}" is not a ticker (1–20 characters: letters, digits and . ^ = _ -)`);
  }
  const q = new URLSearchParams({ ticker });
  if (req.provider === 'yahoo') {
    q.set('interval', yahooInterval(req.timeframe));
    if (req.range) q.set('range', req.range);
  } else if (req.timeframe !== '1d') {
    throw new ProxyFetchError('invalid_request', `Stooq serves daily bars only (asked for ${req.timeframe})`);
  }
  return `${req.proxyUrl.replace(/\/+$/, '')}/v1/bars/${req.provider}?${q}`;
}

function originAdvice(origin: string | undefined): string {
  const o = origin ?? '<this app origin>';
  return `start it with \`npm run proxy -- --origin ${o}\``;
}

/** The specific message for an error body the proxy sent. */
export function describeProxyError(body: ProxyErrorBody, httpStatus: number, headerRetryAfter: number | undefined, req: ProxyBarsRequest): ProxyFetchError {
  const e = body.error;
  const up = e.upstream ? (UPSTREAM_NAME[e.upstream] ?? e.upstream) : 'the upstream';
  const retry = e.retryAfter ?? headerRetryAfter;
  switch (e.code) {
    case 'origin_not_allowed':
    case 'host_not_allowed':
      return new ProxyFetchError('origin_not_allowed', `The proxy refused this app's origin (${e.message}) — ${originAdvice(req.appOrigin)}`);
    case 'rate_limited':
    case 'upstream_rate_limited': {
      const who = e.code === 'rate_limited' ? 'The proxy' : up;
      const after = retry !== undefined ? `; retry after ${retry} s` : '';
      return new ProxyFetchError('rate_limited', `${who} rate-limited the request (HTTP ${e.status ?? httpStatus})${after}: ${e.message}`, retry);
    }
    case 'upstream_timeout':
      return new ProxyFetchError('upstream_timeout', `${up} did not answer in time (timeout at the proxy): ${e.message}`);
    case 'upstream_html':
      return new ProxyFetchError(
        'upstream_html',
        `${up} answered with an HTML page instead of data (a consent/interstitial page or an outage): ${e.message}`,
      );
    case 'upstream_not_found':
      return new ProxyFetchError('upstream_not_found', `${up} has no data for ${req.ticker}: ${e.message}`);
    case 'invalid_param':
      return new ProxyFetchError('invalid_request', `The proxy rejected the request: ${e.message}`);
    default:
      return new ProxyFetchError('upstream_error', `${e.upstream ? `${up} failed` : 'The proxy failed'} (${e.code}, HTTP ${httpStatus}): ${e.message}`);
  }
}

/**
 * GET from the proxy with a timeout, the body as text. A timeout and a connection failure
 * become their own ProxyFetchErrors; `timeoutText` finishes "did not answer …" for this call.
 */
export async function proxyGet(
  url: string,
  req: { proxyUrl: string; appOrigin?: string; fetchImpl?: typeof fetch; timeoutMs?: number },
  timeoutText: string,
): Promise<{ res: Response; text: string }> {
  const doFetch = req.fetchImpl ?? fetch;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
  try {
    const res = await doFetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    return { res, text: await res.text() };
  } catch (e) {
    if (timedOut) throw new ProxyFetchError('timeout', `The proxy at ${req.proxyUrl} did not answer ${timeoutText}`);
    const detail = e instanceof Error ? e.message : String(e);
    // A 403 for an unknown origin carries no CORS headers, so the browser reports it exactly
    // like a connection failure: say both.
    throw new ProxyFetchError(
      'unreachable',
      `Proxy unreachable or this app's origin is not allowed — ${originAdvice(req.appOrigin)} (proxy URL ${req.proxyUrl}; the browser said: ${detail})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches bars from the proxy; throws ProxyFetchError with a specific message on any failure. */
export async function fetchProxyBars(req: ProxyBarsRequest): Promise<ProxyOk<ProxyBars>> {
  const url = proxyBarsUrl(req);
  const { res, text } = await proxyGet(url, req, `within ${(req.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS) / 1000} s (timeout). Is it running, and is ${UPSTREAM_NAME[req.provider]} slow?`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new ProxyFetchError(
      'not_proxy',
      `The server at ${req.proxyUrl} answered ${looksHtml ? 'with an HTML page' : 'with something that is not JSON'} (HTTP ${res.status}), not the proxy's JSON — is ${req.proxyUrl} the Quant Engine proxy (npm run proxy)?`,
    );
  }
  let parsed: ReturnType<ReturnType<typeof proxyResponseSchema<ProxyBars>>>;
  try {
    parsed = proxyResponseSchema(proxyBarsSchema)(body, 'response');
  } catch (e) {
    if (e instanceof SchemaError) {
      throw new ProxyFetchError('bad_response', `The proxy's answer does not match the bar contract (${e.message}); is the proxy the same version as the app?`);
    }
    throw e;
  }
  if (!parsed.ok) {
    const ra = Number(res.headers.get('retry-after'));
    throw describeProxyError(parsed, res.status, Number.isFinite(ra) && ra > 0 ? ra : undefined, req);
  }
  return parsed;
}

function csvCell(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(v);
}

/**
 * Served bars as CSV text for the engine's importer. Adjusted close is used (prices scaled by
 * adj/close, as for any file with an Adj Close column) only when every row has one; otherwise
 * the raw prices are kept and a warning says so.
 */
export function proxyBarsCsv(b: ProxyBars, ticker: string): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const useAdj = b.rows > 0 && b.nullCounts.adj_close === 0;
  if (!useAdj && b.rows > 0 && b.nullCounts.adj_close < b.rows) {
    warnings.push(`adjusted close missing on ${b.nullCounts.adj_close} of ${b.rows} rows: stored unadjusted prices`);
  }
  const lines = [`ticker,ts,open,high,low,close,${useAdj ? 'adj_close,' : ''}volume`];
  for (let i = 0; i < b.rows; i++) {
    lines.push(
      `${ticker},${b.ts[i]},${csvCell(b.open[i])},${csvCell(b.high[i])},${csvCell(b.low[i])},${csvCell(b.close[i])},${useAdj ? `${csvCell(b.adj_close[i])},` : ''}${csvCell(b.volume[i])}`,
    );
  }
  return { text: `${lines.join('\n')}\n`, warnings };
}

export interface StoredFetch {
  meta: DatasetMeta;
  warnings: string[];
}

/**
 * Normalises and checks served bars with the engine, then stores them (origin `proxy`,
 * storedAt = when the upstream answered) with their quality report and `extra` artifacts,
 * in one transaction.
 */
export async function storeProxyBars(
  db: QeDb,
  ok: ProxyOk<ProxyBars>,
  req: { provider: LiveProviderName; ticker: string; timeframe: Timeframe; range?: string },
  extra: (meta: DatasetMeta, warnings: string[]) => ArtifactRecord[],
  ctx: JobContext = NULL_CONTEXT,
): Promise<StoredFetch> {
  const ticker = req.ticker.trim().toUpperCase();
  if (!isValidTicker(ticker)) throw new ProxyFetchError('invalid_request', `"${ticker}" cannot be stored as a ticker`);
  const label = `${req.provider} ${ticker} ${req.timeframe} response`;
  if (ok.data.rows === 0) throw new ProxyFetchError('upstream_not_found', `${UPSTREAM_NAME[req.provider]} returned no bars for ${ticker} ${req.timeframe}${req.range ? ` (range ${req.range})` : ''}`);
  const { text, warnings } = proxyBarsCsv(ok.data, ticker);
  ctx.progress(0.6, 'Checking');
  const result = importCsvText(text, { file: label, timeframe: req.timeframe });
  const cache = ok.meta.cache === 'hit' ? 'proxy cache hit' : ok.meta.cache === 'stale' ? 'STALE proxy copy' : 'fresh';
  const source = `${req.provider} via proxy (${ticker} ${req.timeframe}${req.range ? `, range ${req.range}` : ''}; fetched ${ok.meta.fetchedAt}, ${cache})`;
  const items = prepareImport(result, { origin: 'proxy', source, storedAt: ok.meta.fetchedAt, input: label });
  const allWarnings = [...ok.meta.warnings, ...warnings];
  ctx.progress(0.8, 'Storing');
  const { metas } = await storeDatasetsWithReports(db, items, (ms) => extra(ms[0], allWarnings), `fetched dataset ${ticker}|${req.timeframe}`);
  return { meta: metas[0], warnings: allWarnings };
}

export function fetchResultJson(v: unknown): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}
