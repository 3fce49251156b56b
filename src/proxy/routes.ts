import { ProxyError } from './errors';
import { planKalshiCandles, planKalshiEvents, planKalshiMarkets, planKalshiOrderbook, planKalshiSeries } from './kalshi';
import type { Plan, PlanContext } from './plan';
import { planStooqBars } from './stooq';
import { planYahooBars } from './yahoo';

/** The fixed route table (besides /health). Anything not listed here is a 404. */
export const ROUTES = [
  'GET /health',
  'GET /v1/bars/yahoo',
  'GET /v1/bars/stooq',
  'GET /v1/kalshi/series',
  'GET /v1/kalshi/events',
  'GET /v1/kalshi/markets',
  'GET /v1/kalshi/markets/{ticker}/orderbook',
  'GET /v1/kalshi/series/{series_ticker}/markets/{ticker}/candlesticks',
] as const;

/** Matches a path (raw, still percent-encoded segments) to a plan, validating its parameters. */
export function planRequest(pathname: string, params: URLSearchParams, ctx: PlanContext): Plan {
  const seg = pathname.split('/').slice(1);
  if (seg[0] === 'v1') {
    if (seg.length === 3 && seg[1] === 'bars') {
      if (seg[2] === 'yahoo') return planYahooBars(params, ctx);
      if (seg[2] === 'stooq') return planStooqBars(params, ctx);
    }
    if (seg[1] === 'kalshi') {
      if (seg.length === 3 && seg[2] === 'series') return planKalshiSeries(params, ctx);
      if (seg.length === 3 && seg[2] === 'events') return planKalshiEvents(params, ctx);
      if (seg.length === 3 && seg[2] === 'markets') return planKalshiMarkets(params, ctx);
      if (seg.length === 5 && seg[2] === 'markets' && seg[4] === 'orderbook') return planKalshiOrderbook(seg[3], params, ctx);
      if (seg.length === 7 && seg[2] === 'series' && seg[4] === 'markets' && seg[6] === 'candlesticks') {
        return planKalshiCandles(seg[3], seg[5], params, ctx);
      }
    }
  }
  throw new ProxyError('not_found', `no such route; routes: ${ROUTES.join(', ')}`);
}
