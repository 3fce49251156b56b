/**
 * Bench stage "kalshi.distribution_panel": the 5-minute distribution panel of one threshold
 * market with 50 contracts and 10k quote times each (500k quotes, one a minute). Inputs are
 * seeded and built once; each run is checked (every PMF sums to 1) so a broken panel cannot
 * post a fast time. Structurally a `BenchStage` (src/cli/bench/stages.ts).
 */
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { buildPanel } from './panel';
import type { EventContract, EventMarket, MarketQuotes } from './types';
import { quoteColumns } from './types';

const CONTRACTS = 50;
const TIMES = 10_000;
const T0 = Date.UTC(2025, 0, 1);

interface BenchInput {
  market: EventMarket;
  contracts: EventContract[];
  quotes: MarketQuotes;
}

let input: BenchInput | undefined;

function build(): BenchInput {
  const rng = new Prng(seedFromString('bench:kalshi.distribution_panel'));
  const ids = Array.from({ length: CONTRACTS }, (_, i) => `K-T${String(i).padStart(2, '0')}`);
  const contracts: EventContract[] = ids.map((id, i) => ({
    contract_id: id,
    market_id: 'K',
    bin_low: Number.NaN,
    bin_high: Number.NaN,
    threshold_value: 2 + i * 0.05,
    payout_structure: 'binary',
    direction: 'above',
    subtitle: '',
    status: 'open',
  }));
  const n = CONTRACTS * TIMES;
  const q: MarketQuotes = {
    market_id: 'K',
    contractIds: ids,
    contract: new Int32Array(n),
    ...quoteColumns(n),
  };
  let r = 0;
  for (let c = 0; c < CONTRACTS; c++) {
    for (let t = 0; t < TIMES; t++) {
      // Survival curve around 3.25 with noise, so repair has work to do.
      const k = 2 + c * 0.05;
      const p = Math.min(0.99, Math.max(0.01, 1 / (1 + Math.exp((k - 3.25) / 0.2)) + 0.01 * rng.normal()));
      q.contract[r] = c;
      q.ts[r] = T0 + t * 60_000 + Math.floor(rng.next() * 50_000);
      q.bid[r] = p - 0.005;
      q.ask[r] = p + 0.005;
      q.mid[r] = p;
      q.last[r] = p;
      q.volume[r] = 100 + t;
      q.oi[r] = 1000;
      r++;
    }
  }
  const market: EventMarket = {
    market_id: 'K',
    event_id: 'E',
    event_type: 'CPI',
    title: '',
    subtitle: '',
    rules_text: '',
    open_ts: T0,
    close_ts: T0 + TIMES * 60_000,
    settle_ts: T0 + TIMES * 60_000 + 3_600_000,
    release_ts: Number.NaN,
    status: 'open',
  };
  return { market, contracts, quotes: q };
}

export const kalshiBenchStage = {
  name: 'kalshi.distribution_panel_10k_x_50',
  targetMs: 1000,
  async run(): Promise<Record<string, number | string>> {
    input ??= build();
    const panel = buildPanel(input.market, input.contracts, input.quotes);
    let valid = 0;
    for (const s of panel) {
      if (s.mass.length === 0) continue;
      let sum = 0;
      for (const p of s.mass) sum += p;
      if (Math.abs(sum - 1) > 1e-9) throw new Error(`kalshi bench: PMF at ${new Date(s.ts).toISOString()} sums to ${sum}`);
      if (Number.isFinite(s.mean)) valid++;
    }
    if (valid === 0) throw new Error('kalshi bench: no snapshot passed the quality gates');
    return { quotes: input.quotes.ts.length, contracts: CONTRACTS, snapshots: panel.length, valid_snapshots: valid };
  },
};
