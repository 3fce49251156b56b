/**
 * Seeded demo event set (only ever loaded in demo mode, labelled demo downstream): CPI bin
 * markets, FOMC threshold markets with an explicit "above" direction, GDP threshold markets
 * whose direction is only in the rules text. Market beliefs drift towards the realised value
 * as the release nears, so late drift carries some signal for the walk-forward.
 */
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import type { EventContract, EventMarket, EventOutcome, MarketQuotes } from './types';
import { DAY_MS, HOUR_MS } from './types';
import { quoteColumns } from './types';

export interface DemoEventSet {
  markets: EventMarket[];
  contracts: EventContract[];
  quotes: MarketQuotes[];
  outcomes: EventOutcome[];
}

export interface DemoOptions {
  cpiEvents?: number;
  fomcEvents?: number;
  gdpEvents?: number;
  /** hours between quotes (1) */
  quoteEveryHours?: number;
  /** days of quotes before each release (4) */
  quoteDays?: number;
}

function normCdf(x: number): number {
  // Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7, plenty for demo prices.
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

interface Spec {
  type: string;
  count: number;
  first: number;
  spacingDays: number;
  level: number;
  walk: number;
  sigma: number;
  build(center: number): { contracts: Omit<EventContract, 'market_id'>[]; prob: (mean: number, sd: number, j: number) => number; rules: string };
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function contract(id: string, over: Partial<EventContract>): Omit<EventContract, 'market_id'> {
  return { contract_id: id, bin_low: Number.NaN, bin_high: Number.NaN, threshold_value: Number.NaN, payout_structure: 'binary', direction: '', subtitle: '', status: 'active', ...over };
}

export function generateDemoEvents(opts: DemoOptions = {}): DemoEventSet {
  const rng = new Prng(seedFromString(`kalshi-demo|${JSON.stringify(opts)}`));
  const every = (opts.quoteEveryHours ?? 1) * HOUR_MS;
  const span = (opts.quoteDays ?? 4) * DAY_MS;
  const specs: Spec[] = [
    {
      type: 'CPI',
      count: opts.cpiEvents ?? 72,
      first: Date.UTC(2019, 0, 11, 13, 30),
      spacingDays: 30.4,
      level: 3,
      walk: 0.15,
      sigma: 0.25,
      build(center) {
        const edges = [-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6].map((d) => Math.round((center + d) * 10) / 10);
        const cs: Omit<EventContract, 'market_id'>[] = [];
        for (let j = 0; j <= edges.length; j++) {
          const lo = j === 0 ? Number.NaN : edges[j - 1];
          const hi = j === edges.length ? Number.NaN : edges[j];
          cs.push(contract(`B${j}`, { bin_low: lo, bin_high: hi }));
        }
        const prob = (mean: number, sd: number, j: number) => {
          const lo = j === 0 ? Number.NEGATIVE_INFINITY : edges[j - 1];
          const hi = j === edges.length ? Number.POSITIVE_INFINITY : edges[j];
          return normCdf((hi - mean) / sd) - normCdf((lo - mean) / sd);
        };
        return { contracts: cs, prob, rules: 'If CPI year-over-year is between the bin bounds, the market resolves Yes.' };
      },
    },
    {
      type: 'FOMC',
      count: opts.fomcEvents ?? 80,
      first: Date.UTC(2019, 0, 30, 19, 0),
      spacingDays: 45.6,
      level: 0,
      walk: 10,
      sigma: 18,
      build() {
        const ks = [-50, -25, 0, 25, 50];
        return {
          contracts: ks.map((k, j) => contract(`T${j}`, { threshold_value: k, direction: 'above' })),
          prob: (mean, sd, j) => 1 - normCdf((ks[j] - mean) / sd),
          rules: 'Resolves Yes if the target rate change in basis points is at the strike.',
        };
      },
    },
    {
      type: 'GDP',
      count: opts.gdpEvents ?? 24,
      first: Date.UTC(2019, 0, 30, 13, 30),
      spacingDays: 91.3,
      level: 2,
      walk: 0.5,
      sigma: 0.8,
      build() {
        const ks = [0, 1, 2, 3, 4, 5];
        return {
          contracts: ks.map((k, j) => contract(`L${j}`, { threshold_value: k })),
          prob: (mean, sd, j) => normCdf((ks[j] - mean) / sd),
          rules: 'Resolves Yes if real GDP growth (annualised) is at the strike or lower.',
        };
      },
    },
  ];
  const out: DemoEventSet = { markets: [], contracts: [], quotes: [], outcomes: [] };
  for (const spec of specs) {
    let level = spec.level;
    for (let e = 0; e < spec.count; e++) {
      // Mean-reverting level, so the fixed strikes stay relevant over the years.
      level = spec.level + 0.8 * (level - spec.level) + spec.walk * rng.normal();
      const release = spec.first + Math.round(e * spec.spacingDays) * DAY_MS;
      const d = new Date(release);
      const tag = `${String(d.getUTCFullYear()).slice(2)}${MONTHS[d.getUTCMonth()]}${String(d.getUTCDate()).padStart(2, '0')}`;
      const eventId = `${spec.type}-${tag}`;
      const marketId = `KX${spec.type}-${tag}`;
      const center = Math.round(level * 10) / 10;
      const built = spec.build(center);
      const realized = level + spec.sigma * rng.normal();
      out.markets.push({
        market_id: marketId,
        event_id: eventId,
        event_type: spec.type,
        title: `${spec.type} release ${d.toISOString().slice(0, 10)}`,
        subtitle: '',
        rules_text: built.rules,
        open_ts: release - span,
        close_ts: release - 60_000,
        settle_ts: release,
        release_ts: release,
        status: 'settled',
      });
      const ids = built.contracts.map((c) => `${marketId}-${c.contract_id}`);
      built.contracts.forEach((c, j) => {
        out.contracts.push({ ...c, contract_id: ids[j], market_id: marketId });
      });
      const nT = Math.floor(span / every);
      const n = nT * ids.length;
      const q: MarketQuotes = {
        market_id: marketId,
        contractIds: [...ids].sort(),
        contract: new Int32Array(n),
        ...quoteColumns(n),
      };
      const slotOf = new Map(q.contractIds.map((c, k) => [c, k] as const));
      // Belief path shared by all contracts of the event.
      const means = new Float64Array(nT);
      const sds = new Float64Array(nT);
      for (let t = 0; t < nT; t++) {
        const tau = 1 - t / nT;
        means[t] = level + (realized - level) * 0.6 * (1 - tau) + 0.05 * spec.sigma * rng.normal();
        sds[t] = spec.sigma * (0.6 + 0.4 * tau);
      }
      let r = 0;
      for (const [j, id] of ids.map((x, k) => [k, x] as const).sort((a, b) => (a[1] < b[1] ? -1 : 1))) {
        let vol = 0;
        for (let t = 0; t < nT; t++) {
          const ts = release - span + t * every;
          // Probabilities with a 0.4-cent spread (sub-penny quoting), so tails stay quotable.
          const p = Math.min(0.99, Math.max(0.01, built.prob(means[t], sds[t], j)));
          vol += Math.floor(20 * rng.next());
          q.contract[r] = slotOf.get(id) as number;
          q.ts[r] = ts;
          q.bid[r] = Math.round((p - 0.002) * 1e4) / 1e4;
          q.ask[r] = Math.round((p + 0.002) * 1e4) / 1e4;
          q.mid[r] = Math.round(p * 1e4) / 1e4;
          q.last[r] = Math.round(p * 100) / 100;
          q.volume[r] = vol;
          q.oi[r] = 200 + Math.floor(800 * rng.next());
          r++;
        }
      }
      out.quotes.push(q);
      out.outcomes.push({ event_id: eventId, realized_value: Math.round(realized * 100) / 100, release_ts: release, asof_ts: release, source: 'demo_first_print', learned_at_ts: release });
      if (e % 3 === 0) {
        const revisedAt = release + 30 * DAY_MS;
        out.outcomes.push({ event_id: eventId, realized_value: Math.round((realized + 0.1 * spec.sigma * rng.normal()) * 100) / 100, release_ts: release, asof_ts: revisedAt, source: 'demo_revision', learned_at_ts: revisedAt });
      }
    }
  }
  return out;
}
