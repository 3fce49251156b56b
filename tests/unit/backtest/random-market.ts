/** Seeded random markets and predictions for the simulator's property tests. */
import type { Bars } from '../../../src/engine/contracts';
import { Prng } from '../../../src/engine/core/prng';
import { alignBars, type PriceMatrix } from '../../../src/engine/backtest/matrix';
import type { SignalMatrix } from '../../../src/engine/backtest/signals';
import { T0 } from './toy';

const DAY = 86_400_000;

export interface MarketSpec {
  seed: number;
  tickers: number;
  rows: number;
  /** probability that a ticker has no bar on a day (never its first or last day) */
  gapRate: number;
}

/** Random-walk OHLCV bars per ticker (daily vol ≈ 2 %, gaps allowed), aligned. */
export function randomMarket(spec: MarketSpec): PriceMatrix {
  const rng = new Prng(spec.seed);
  const series = [];
  for (let i = 0; i < spec.tickers; i++) {
    const days: number[] = [];
    for (let d = 0; d < spec.rows; d++) if (d === 0 || d === spec.rows - 1 || rng.next() >= spec.gapRate) days.push(d);
    const n = days.length;
    const b: Bars = {
      ts: Float64Array.from(days, (d) => T0 + d * DAY),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
    };
    let c = 20 + 80 * rng.next();
    for (let j = 0; j < n; j++) {
      const o = c * Math.exp(0.01 * rng.normal());
      c = o * Math.exp(0.02 * rng.normal());
      b.open[j] = o;
      b.close[j] = c;
      b.high[j] = Math.max(o, c) * (1 + 0.01 * rng.next());
      b.low[j] = Math.min(o, c) * (1 - 0.01 * rng.next());
      b.volume[j] = Math.round(1e4 + 1e6 * rng.next());
    }
    series.push({ ticker: `T${i}`, bars: b });
  }
  return alignBars(series);
}

/** Random predictions (mean 1 %, sd 2 %), confidence U(0, 1), regimes 0–3; NaN where no bar or with prob 0.2. */
export function randomSignals(m: PriceMatrix, seed: number, withRegime = false): SignalMatrix {
  const rng = new Prng(seed ^ 0x5bd1e995);
  const size = m.rows * m.cols;
  const score = new Float64Array(size).fill(Number.NaN);
  const confidence = new Float64Array(size).fill(Number.NaN);
  const regime = withRegime ? new Int32Array(size).fill(-1) : null;
  for (let k = 0; k < size; k++) {
    if (!(m.close[k] > 0) || rng.next() < 0.2) continue;
    score[k] = 0.01 + 0.02 * rng.normal();
    confidence[k] = rng.next();
    if (regime) regime[k] = rng.int(4);
  }
  return { score, confidence, regime };
}

/**
 * A copy of the market and signals with every price after row t and every prediction after
 * row tSignal (default t) changed (prices scaled by random factors, volumes and predictions
 * redrawn) — availability (which bars exist) kept.
 */
export function perturbAfter(
  m: PriceMatrix,
  s: SignalMatrix,
  t: number,
  seed: number,
  tSignal = t,
): { m: PriceMatrix; s: SignalMatrix } {
  const rng = new Prng(seed ^ 0x27d4eb2d);
  const pm: PriceMatrix = {
    ...m,
    open: m.open.slice(),
    high: m.high.slice(),
    low: m.low.slice(),
    close: m.close.slice(),
    volume: m.volume.slice(),
  };
  const ps: SignalMatrix = {
    score: s.score.slice(),
    confidence: s.confidence ? s.confidence.slice() : null,
    regime: s.regime ? s.regime.slice() : null,
  };
  const from = (Math.min(t, tSignal) + 1) * m.cols;
  for (let k = from; k < m.rows * m.cols; k++) {
    if (!(m.close[k] > 0)) continue;
    if (k >= (t + 1) * m.cols) {
      const f = Math.exp(0.3 * rng.normal());
      pm.open[k] *= f;
      pm.high[k] *= f * 1.05;
      pm.low[k] *= f * 0.95;
      pm.close[k] *= f * Math.exp(0.05 * rng.normal());
      pm.volume[k] = Math.round(1e3 + 1e7 * rng.next());
    }
    if (k < (tSignal + 1) * m.cols) continue;
    if (!Number.isNaN(ps.score[k])) ps.score[k] = 0.05 * rng.normal();
    if (ps.confidence && !Number.isNaN(ps.confidence[k])) ps.confidence[k] = rng.next();
    if (ps.regime && ps.regime[k] >= 0) ps.regime[k] = rng.int(4);
  }
  return { m: pm, s: ps };
}
