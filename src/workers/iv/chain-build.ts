/**
 * One parsed chain group → the stored chain: price per row (mid of a usable bid/ask, else
 * last), bid–ask spread, implied vols of price, bid and ask with the contract result codes,
 * a reason for every row that fails, the out-of-the-money quote per (expiry, strike) for the
 * fit (engine `prepareChain`), and the arbitrage-aware SVI surface with a per-slice report:
 * butterfly ranges where Gatheral's g(k) < 0 and calendar violations against the previous
 * expiry. All numerics are the engine's; this module only arranges them.
 */
import { checkpoint, type JobContext } from '../../engine/core/context';
import { checksumColumns } from '../../engine/core/hash';
import { bsPrice, forwardPrice } from '../../engine/iv/black-scholes';
import { prepareChain } from '../../engine/iv/chain';
import { IV_ABOVE_MAX, IV_BAD_INPUT, IV_BELOW_MIN, IV_MAX, IV_MIN, IV_OUTSIDE_BOUNDS, impliedVolCode } from '../../engine/iv/implied-vol';
import { linspace, sviDensityG, sviImpliedVol, sviTotalVariance } from '../../engine/iv/svi';
import { buildSviSurfaceJob, type SviSurface, surfaceIvGrid } from '../../engine/iv/svi-surface';
import {
  CHAIN_ROW_CODES,
  type ChainFailure,
  type ChainRowCode,
  type ChainSliceReport,
  type ChainSviFit,
  type OptionQuoteColumns,
  optionChainId,
  type StoredOptionChain,
} from '../../storage/option-chains';
import type { ParsedChainGroup } from '../../storage/sources/option-chain-csv';

const CODE = Object.fromEntries(CHAIN_ROW_CODES.map((c, i) => [c, i])) as Record<ChainRowCode, number>;

export interface ChainBuildMeta {
  source: string;
  uploadId: string;
  storedAt: string;
  manifestId: string;
  jobId: string;
  engineVersion: string;
  /** file-level warnings (substitutions from the import form …) */
  warnings: string[];
}

/** Points of the curve / surface moneyness grid. */
export const CURVE_POINTS = 41;
/** Points of the butterfly check grid per slice. */
const G_POINTS = 241;

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'missing';
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : String(v);
}

/** Why a quote did not give an implied vol, in words (the code says which rule). */
function failureDetail(
  code: number,
  isCall: boolean,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  price: number,
  expiry: string,
  quoteDate: string,
): string {
  switch (code) {
    case IV_BAD_INPUT:
      if (!(T > 0)) return `expired: expiry ${expiry || '?'} is not after the quote date ${quoteDate} (T = ${fmt(T)})`;
      if (!(K > 0)) return `strike ${fmt(K)} is not positive`;
      return `price ${fmt(price)} is not a usable number`;
    case IV_OUTSIDE_BOUNDS: {
      const Sd = S * Math.exp(-q * T);
      const Kd = K * Math.exp(-r * T);
      const lower = Math.max(isCall ? Sd - Kd : Kd - Sd, 0);
      const upper = isCall ? Sd : Kd;
      return price <= lower
        ? `price ${fmt(price)} is at or below the no-arbitrage lower bound ${fmt(lower)} (discounted intrinsic value)`
        : `price ${fmt(price)} is at or above the no-arbitrage upper bound ${fmt(upper)}`;
    }
    case IV_BELOW_MIN:
      return `price ${fmt(price)} is below the Black–Scholes value at σ = ${IV_MIN} (${fmt(bsPrice(isCall, S, K, T, r, q, IV_MIN))})`;
    case IV_ABOVE_MAX:
      return `price ${fmt(price)} is above the Black–Scholes value at σ = ${IV_MAX} (${fmt(bsPrice(isCall, S, K, T, r, q, IV_MAX))})`;
    default:
      return `implied-vol code ${code}`;
  }
}

function nullable(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Prices, implied vols and codes of every row (pure; no fit). */
export function priceChainRows(g: ParsedChainGroup): { quotes: OptionQuoteColumns; failures: ChainFailure[]; priced: { last: number } } {
  const n = g.line.length;
  const S = g.spot;
  const r = g.rate;
  const q = g.dividendYield;
  const quotes: OptionQuoteColumns = {
    line: Int32Array.from(g.line),
    expiry: [...g.expiry],
    T: Float64Array.from(g.T),
    isCall: Uint8Array.from(g.isCall),
    strike: Float64Array.from(g.strike),
    bid: Float64Array.from(g.bid),
    ask: Float64Array.from(g.ask),
    last: Float64Array.from(g.last),
    mid: new Float64Array(n).fill(Number.NaN),
    spread: new Float64Array(n).fill(Number.NaN),
    price: new Float64Array(n).fill(Number.NaN),
    priceSource: new Uint8Array(n),
    iv: new Float64Array(n).fill(Number.NaN),
    ivBid: new Float64Array(n).fill(Number.NaN),
    ivAsk: new Float64Array(n).fill(Number.NaN),
    code: new Uint8Array(n),
    used: new Uint8Array(n),
  };
  const failures: ChainFailure[] = [];
  let fromLast = 0;
  for (let i = 0; i < n; i++) {
    const isCall = g.isCall[i] === 1;
    const K = g.strike[i];
    const T = g.T[i];
    const bid = g.bid[i];
    const ask = g.ask[i];
    const last = g.last[i];
    let code = CODE.ok;
    let detail = '';
    if (g.parseError[i] !== null) {
      code = CODE.parse_error;
      detail = g.parseError[i] ?? '';
    } else if (bid > ask) {
      code = CODE.crossed_market;
      detail = `bid ${fmt(bid)} is above ask ${fmt(ask)}`;
    } else {
      if (bid >= 0 && ask > 0) {
        quotes.mid[i] = (bid + ask) / 2;
        quotes.spread[i] = ask - bid;
        quotes.price[i] = quotes.mid[i];
        quotes.priceSource[i] = 1;
      } else if (last > 0) {
        quotes.price[i] = last;
        quotes.priceSource[i] = 2;
        fromLast++;
      } else {
        code = CODE.no_price;
        detail = `no usable bid/ask (bid ${fmt(bid)}, ask ${fmt(ask)}) and no last price`;
      }
    }
    if (code === CODE.ok) {
      const price = quotes.price[i];
      const v = impliedVolCode(isCall, S, K, T, r, q, price);
      if (v > 0) {
        quotes.iv[i] = v;
        if (bid > 0) {
          const vb = impliedVolCode(isCall, S, K, T, r, q, bid);
          if (vb > 0) quotes.ivBid[i] = vb;
        }
        if (ask > 0) {
          const va = impliedVolCode(isCall, S, K, T, r, q, ask);
          if (va > 0) quotes.ivAsk[i] = va;
        }
      } else {
        code = -v;
        detail = failureDetail(-v, isCall, S, K, T, r, q, price, g.expiry[i], g.quoteDate);
      }
    }
    quotes.code[i] = code;
    if (code !== CODE.ok) {
      failures.push({
        line: g.line[i],
        code: CHAIN_ROW_CODES[code],
        detail,
        type: g.isCall[i] === 1 ? 'call' : g.isCall[i] === 0 ? 'put' : '?',
        expiry: g.expiry[i],
        strike: nullable(K),
        bid: nullable(bid),
        ask: nullable(ask),
        last: nullable(last),
      });
    }
  }
  return { quotes, failures, priced: { last: fromLast } };
}

/** Contiguous runs of g(k) < 0 (or w ≤ 0) on a k grid, as forward-moneyness ranges K/F. */
function butterflyRanges(params: ChainSliceReport['params'], kLo: number, kHi: number): { ranges: [number, number][]; minG: number } {
  const ks = linspace(kLo, kHi, G_POINTS);
  const ranges: [number, number][] = [];
  let minG = Number.POSITIVE_INFINITY;
  let start = -1;
  for (let i = 0; i <= ks.length; i++) {
    let bad = false;
    if (i < ks.length) {
      const w = sviTotalVariance(params, ks[i]);
      const g = w > 0 ? sviDensityG(params, ks[i]) : Number.NEGATIVE_INFINITY;
      if (!(g >= 0)) bad = true;
      if (g < minG || Number.isNaN(g)) minG = Number.isNaN(g) ? Number.NEGATIVE_INFINITY : g;
    }
    if (bad && start < 0) start = i;
    if (!bad && start >= 0) {
      ranges.push([Math.exp(ks[start]), Math.exp(ks[i - 1])]);
      start = -1;
    }
  }
  return { ranges, minG };
}

function expiryLabel(T: number, quotes: OptionQuoteColumns): string {
  for (let i = 0; i < quotes.T.length; i++) if (quotes.T[i] === T && quotes.expiry[i]) return quotes.expiry[i];
  return `T=${fmt(T)}`;
}

/** Slice reports and display curves of a built surface. */
export function fitReport(surf: SviSurface, quotes: OptionQuoteColumns, S: number, r: number, q: number, strikes: ArrayLike<number>): ChainSviFit {
  const nk = surf.kGrid.length;
  const kLo = surf.kGrid[0];
  const kHi = surf.kGrid[nk - 1];
  let kMin = Number.POSITIVE_INFINITY;
  let kMax = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < strikes.length; j++) {
    kMin = Math.min(kMin, strikes[j] / S);
    kMax = Math.max(kMax, strikes[j] / S);
  }
  if (!(kMax > kMin)) {
    kMin = 0.9 * (Number.isFinite(kMin) ? kMin : 1);
    kMax = kMin / 0.9 / 0.9;
  }
  const moneyness = linspace(kMin, kMax, CURVE_POINTS);
  const gridStrikes = moneyness.map((m) => m * S);
  const adj = surfaceIvGrid(surf, 'adjusted', S, r, q, gridStrikes, surf.expiries);
  const slices: ChainSliceReport[] = [];
  const rawIv: number[][] = [];
  const adjIv: number[][] = [];
  for (let e = 0; e < surf.slices.length; e++) {
    const s = surf.slices[e];
    const F = forwardPrice(S, s.T, r, q);
    const bf = butterflyRanges(s.params, kLo, kHi);
    let calMax = 0;
    let calPts = 0;
    if (e > 0) {
      for (let j = 0; j < nk; j++) {
        const gap = surf.rawW[(e - 1) * nk + j] - surf.rawW[e * nk + j];
        if (gap > 0) {
          calPts++;
          calMax = Math.max(calMax, gap);
        }
      }
    }
    slices.push({
      expiry: expiryLabel(s.T, quotes),
      T: s.T,
      fitted: s.fit !== null,
      quotes: s.quotes,
      params: { ...s.params },
      rmseIv: s.fit ? s.fit.rmseIv : null,
      objective: s.fit ? s.fit.objective : null,
      validity: s.fit ? [...s.fit.validity] : [],
      butterflyMinG: bf.minG,
      butterflyRanges: bf.ranges,
      calendarViolation: calMax,
      calendarPoints: calPts,
    });
    const rawRow = new Array<number>(moneyness.length);
    const adjRow = new Array<number>(moneyness.length);
    for (let j = 0; j < moneyness.length; j++) {
      rawRow[j] = sviImpliedVol(s.params, Math.log(gridStrikes[j] / F), s.T) * 100;
      adjRow[j] = adj[e * moneyness.length + j] * 100;
    }
    rawIv.push(rawRow);
    adjIv.push(adjRow);
  }
  return {
    slices,
    rawCalendarViolation: surf.rawCalendarViolation,
    adjCalendarViolation: surf.adjCalendarViolation,
    rawCalendarViolations: surf.rawCalendarViolations,
    adjCalendarViolations: surf.adjCalendarViolations,
    moneyness: Array.from(moneyness),
    expiries: Array.from(surf.expiries),
    rawIv,
    adjIv,
  };
}

/**
 * Builds the stored chain of one group. The SVI fit runs as a job step (cancel at every slice;
 * its progress goes through `fitProgress`, which maps "Slice i/n" into the caller's range);
 * `null` fit when no expiry has a solved quote.
 */
export async function buildStoredChain(
  g: ParsedChainGroup,
  meta: ChainBuildMeta,
  ctx: JobContext,
  fitProgress: (fraction: number, stage: string) => void = () => undefined,
): Promise<StoredOptionChain> {
  const { quotes, failures, priced } = priceChainRows(g);
  const n = quotes.line.length;
  const okRows: number[] = [];
  for (let i = 0; i < n; i++) if (quotes.code[i] === CODE.ok) okRows.push(i);
  const warnings = [...meta.warnings];
  if (priced.last > 0) warnings.push(`${priced.last} quotes had no usable bid/ask and were priced from their last trade.`);
  let fit: ChainSviFit | null = null;
  if (okRows.length > 0) {
    const m = okRows.length;
    const prepared = prepareChain({
      isCall: Uint8Array.from(okRows, (i) => quotes.isCall[i]),
      S: new Float64Array(m).fill(g.spot),
      K: Float64Array.from(okRows, (i) => quotes.strike[i]),
      T: Float64Array.from(okRows, (i) => quotes.T[i]),
      r: new Float64Array(m).fill(g.rate),
      q: new Float64Array(m).fill(g.dividendYield),
      iv: Float64Array.from(okRows, (i) => quotes.iv[i]),
      price: Float64Array.from(okRows, (i) => quotes.price[i]),
    });
    for (const j of prepared.rows) quotes.used[okRows[j]] = 1;
    await checkpoint(ctx);
    const fitCtx: JobContext = { signal: ctx.signal, yield: () => ctx.yield(), progress: fitProgress };
    const surf = await buildSviSurfaceJob(prepared.chain, {}, fitCtx);
    fit = fitReport(surf, quotes, g.spot, g.rate, g.dividendYield, prepared.chain.K);
    const unfitted = fit.slices.filter((s) => !s.fitted);
    if (unfitted.length > 0) {
      warnings.push(
        `${unfitted.length} expir${unfitted.length === 1 ? 'y has' : 'ies have'} fewer than 5 usable quotes (${unfitted.map((s) => s.expiry).join(', ')}); their SVI slice repeats the previous expiry's parameters.`,
      );
    }
  } else {
    warnings.push('No quote gave an implied vol, so no SVI surface was fitted; see Failed Quotes.');
  }
  const failedByCode: Record<string, number> = {};
  for (const f of failures) failedByCode[f.code] = (failedByCode[f.code] ?? 0) + 1;
  const checksum = checksumColumns({
    constants: Float64Array.of(g.spot, g.rate, g.dividendYield),
    T: quotes.T,
    isCall: quotes.isCall,
    strike: quotes.strike,
    bid: quotes.bid,
    ask: quotes.ask,
    last: quotes.last,
    line: quotes.line,
  });
  return {
    id: optionChainId(g.underlying, g.quoteDate),
    underlying: g.underlying,
    quoteDate: g.quoteDate,
    origin: 'file',
    source: meta.source,
    storedAt: meta.storedAt,
    uploadId: meta.uploadId,
    checksum,
    spot: g.spot,
    rate: g.rate,
    dividendYield: g.dividendYield,
    rows: n,
    ok: okRows.length,
    failedByCode,
    expiries: fit ? fit.slices.length : 0,
    fitted: fit !== null,
    warnings,
    engineVersion: meta.engineVersion,
    manifestId: meta.manifestId,
    jobId: meta.jobId,
    quotes,
    failures,
    fit,
  };
}
