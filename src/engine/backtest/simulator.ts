/**
 * Event-driven, long-only, multi-asset backtest over an aligned price matrix.
 *
 * Timeline of bar t (all decisions use data at rows ≤ the decision bar only):
 * 1. positions held from an earlier bar that trade at t count one more bar held;
 * 2. fill = open: orders decided at the close of t − 1 fill at t's open — exits first
 *    (signal exits, drawdown liquidation), then entries in score order;
 * 3. stops on positions entered before t (gap through a level → the open, else the level;
 *    conservative ordering, see risk/stops.ts), then time exits at t's close when the
 *    position has been held `holdingDays` bars;
 * 4. fill = close: orders from t − 1 fill at t's close (exits, then entries);
 * 5. end of data: positions exit at the close of the ticker's last bar (or the last row);
 * 6. mark to market at the close (a ticker without a bar keeps its last close):
 *    equity = cash + Σ shares × close; the drawdown controller sees equity_t/equity_{t−1} − 1;
 * 7. decisions at the close of t: signal exits (score ≤ exitThreshold), then entries for the
 *    free slots: candidates with score > entryThreshold and confidence > confidenceThreshold,
 *    not already held, passing the regime policy, ranked by score × (0.5 + confidence)
 *    (ties: ticker order), sized as a fraction of equity at t's close, and — with the edge
 *    gate — only if the predicted edge beats the estimated round-trip cost plus a buffer.
 * An order whose ticker has no bar at the next row is cancelled (the slot is not re-used).
 * Entries are bought at reference × (1 + cost), limited by participation and cash; exits sell
 * in full. Holding, stop and exit state live in per-ticker typed arrays (one position per
 * ticker) and the trade log in growable typed columns: the per-bar loop allocates nothing.
 */
import { type JobContext, checkpoint } from '../core/context';
import { DrawdownController, type DrawdownSummary } from '../risk/drawdown-control';
import { RunningWinStats, kellyFraction, sizePosition, volTargetFraction } from '../risk/sizing';
import { STOP_HIT, type StopFill, TARGET_HIT, checkBarStop } from '../risk/stops';
import { type BarStats, computeBarStats } from './bar-stats';
import type { SimulatorConfig } from './config';
import { type FillQuote, newFillQuote, quoteEntry, quoteExit, sideCostBps } from './execution';
import { BacktestInputError, type PriceMatrix } from './matrix';
import type { SignalMatrix } from './signals';
import {
  EXIT_ATR_STOP,
  EXIT_DRAWDOWN,
  EXIT_END,
  EXIT_HOLDING,
  EXIT_SIGNAL,
  EXIT_STOP_LOSS,
  EXIT_TAKE_PROFIT,
  EXIT_TRAILING,
  TradeBuffer,
  type TradeColumns,
} from './trade-log';

export interface SimulationInput {
  matrix: PriceMatrix;
  signals: SignalMatrix;
  config: SimulatorConfig;
}

export interface SimulationCounters {
  /** signals passing the entry filters while not held */
  candidates: number;
  /** candidates beyond the free slots */
  skippedNoSlot: number;
  /** candidates sized to 0 (e.g. Kelly with no edge) */
  skippedZeroSize: number;
  /** candidates dropped by the regime policy */
  skippedRegime: number;
  /** candidates whose predicted edge did not clear the estimated round-trip cost + buffer */
  skippedEdgeGate: number;
  /** days on which the drawdown controller blocked entries */
  entryBlockedDays: number;
  ordersPlaced: number;
  entries: number;
  /** orders cancelled because the ticker had no bar at the fill row */
  cancelledNoBar: number;
  /** orders cancelled because max positions were still open at the fill */
  cancelledNoSlot: number;
  /** entries rejected below the minimum fill ratio (participation or cash) */
  rejectedMinFill: number;
  /** fills priced without volume history (no participation cap or impact) */
  fillsWithoutVolume: number;
}

export interface SimulationResult {
  tickers: readonly string[];
  days: Int32Array;
  equity: Float64Array;
  cash: Float64Array;
  /** Σ shares × last close at each close */
  positionsValue: Float64Array;
  /** equity_t/equity_{t−1} − 1, the first row against the initial capital */
  returns: Float64Array;
  openPositions: Int32Array;
  /** rows × cols position weights (value/equity) when config.recordWeights */
  weights: Float64Array | null;
  trades: TradeColumns;
  counters: SimulationCounters;
  /** drawdown-controller state per bar (index into DRAWDOWN_STATES); null when off */
  controlState: Uint8Array | null;
  drawdown: DrawdownSummary | null;
  config: SimulatorConfig;
}

function checkInput(input: SimulationInput): void {
  const { matrix: m, signals: s } = input;
  const size = m.rows * m.cols;
  if (s.score.length !== size) {
    throw new BacktestInputError(`signal matrix has ${s.score.length} cells, prices have ${size}`, 'signals');
  }
  if (s.confidence && s.confidence.length !== size) throw new BacktestInputError('confidence matrix size differs from prices', 'confidence');
  if (s.regime && s.regime.length !== size) throw new BacktestInputError('regime matrix size differs from prices', 'regime');
}

class Run {
  private readonly m: PriceMatrix;
  private readonly sig: SignalMatrix;
  private readonly cfg: SimulatorConfig;
  private readonly N: number;
  private readonly T: number;
  private readonly fillOpen: boolean;
  private readonly stats: BarStats;
  private readonly hasStops: boolean;

  private cash: number;
  private prevEquity: number;
  private peakEquity: number;
  private openCount = 0;

  private readonly posOpen: Uint8Array;
  private readonly posShares: Float64Array;
  private readonly posEntry: Float64Array;
  private readonly posEntryBar: Int32Array;
  private readonly posTrade: Int32Array;
  private readonly posBars: Int32Array;
  private readonly posHigh: Float64Array;
  private readonly posStop: Float64Array;
  private readonly posStopReason: Uint8Array;
  private readonly posTarget: Float64Array;
  private readonly posPending: Int8Array;
  private readonly lastClose: Float64Array;

  private readonly pendTicker: Int32Array;
  private readonly pendWanted: Float64Array;
  private readonly pendSignal: Int32Array;
  private readonly pendEquity: Float64Array;
  private pendCount = 0;
  private readonly candIdx: Int32Array;
  private readonly candScore: Float64Array;

  private readonly trades: TradeBuffer;
  private readonly quote: FillQuote = newFillQuote();
  private readonly stopFill: StopFill = { price: 0 };
  private readonly wins = new RunningWinStats();
  private readonly dd: DrawdownController | null;

  readonly equity: Float64Array;
  readonly cashOut: Float64Array;
  readonly positionsValue: Float64Array;
  readonly returns: Float64Array;
  readonly openPositions: Int32Array;
  readonly weights: Float64Array | null;
  readonly controlState: Uint8Array | null;
  readonly counters: SimulationCounters = {
    candidates: 0,
    skippedNoSlot: 0,
    skippedZeroSize: 0,
    skippedRegime: 0,
    skippedEdgeGate: 0,
    entryBlockedDays: 0,
    ordersPlaced: 0,
    entries: 0,
    cancelledNoBar: 0,
    cancelledNoSlot: 0,
    rejectedMinFill: 0,
    fillsWithoutVolume: 0,
  };

  constructor(input: SimulationInput) {
    checkInput(input);
    const { matrix: m, signals, config: cfg } = input;
    this.m = m;
    this.sig = signals;
    this.cfg = cfg;
    this.N = m.cols;
    this.T = m.rows;
    this.fillOpen = cfg.fill === 'open';
    const s = cfg.stops;
    this.hasStops = s.stopLoss !== null || s.takeProfit !== null || s.trailingStop !== null || s.atrStop !== null;
    this.stats = computeBarStats(m, cfg.costs.advWindow, s.atrStop !== null || cfg.sizing.method === 'composite');
    this.cash = cfg.initialCapital;
    this.prevEquity = cfg.initialCapital;
    this.peakEquity = cfg.initialCapital;
    const N = this.N;
    this.posOpen = new Uint8Array(N);
    this.posShares = new Float64Array(N);
    this.posEntry = new Float64Array(N);
    this.posEntryBar = new Int32Array(N);
    this.posTrade = new Int32Array(N);
    this.posBars = new Int32Array(N);
    this.posHigh = new Float64Array(N);
    this.posStop = new Float64Array(N);
    this.posStopReason = new Uint8Array(N);
    this.posTarget = new Float64Array(N);
    this.posPending = new Int8Array(N).fill(-1);
    this.lastClose = new Float64Array(N).fill(Number.NaN);
    const P = cfg.maxPositions;
    this.pendTicker = new Int32Array(P);
    this.pendWanted = new Float64Array(P);
    this.pendSignal = new Int32Array(P);
    this.pendEquity = new Float64Array(P);
    this.candIdx = new Int32Array(N);
    this.candScore = new Float64Array(N);
    this.trades = new TradeBuffer(Math.max(64, Math.min(1 << 16, (this.T * Math.min(N, P)) >> 4)));
    this.dd = cfg.drawdownControl ? new DrawdownController(cfg.drawdownControl) : null;
    const T = this.T;
    this.equity = new Float64Array(T);
    this.cashOut = new Float64Array(T);
    this.positionsValue = new Float64Array(T);
    this.returns = new Float64Array(T);
    this.openPositions = new Int32Array(T);
    this.weights = cfg.recordWeights ? new Float64Array(T * N) : null;
    this.controlState = this.dd ? new Uint8Array(T) : null;
  }

  step(t: number): void {
    const { m, N } = this;
    const row = t * N;
    // 1. another bar held
    for (let i = 0; i < N; i++) {
      if (this.posOpen[i] === 1 && this.posEntryBar[i] < t && m.close[row + i] > 0) this.posBars[i]++;
    }
    // 2. next-open fills
    if (this.fillOpen) {
      this.fillPendingExits(t, m.open);
      this.fillPendingEntries(t, m.open);
    }
    // 3. stops and time exits
    const holding = this.cfg.holdingDays;
    const closeOnly = this.cfg.stops.barModel === 'close_only';
    for (let i = 0; i < N; i++) {
      if (this.posOpen[i] === 0) continue;
      const k = row + i;
      const c = m.close[k];
      if (!(c > 0)) continue;
      if (this.posEntryBar[i] === t) {
        // entered at this open: the rest of the bar happened after the fill
        const h = closeOnly ? c : m.high[k];
        if (h > this.posHigh[i]) this.posHigh[i] = h;
        continue;
      }
      if (this.hasStops && this.checkStops(i, t, k, closeOnly)) continue;
      if (holding !== null && this.posBars[i] >= holding) this.exit(i, t, c, EXIT_HOLDING);
    }
    // 4. next-close fills
    if (!this.fillOpen) {
      this.fillPendingExits(t, m.close);
      this.fillPendingEntries(t, m.close);
    }
    // 5. end of data
    const last = this.T - 1;
    for (let i = 0; i < N; i++) {
      if (this.posOpen[i] === 1 && (t === last || t === this.stats.lastRow[i]) && m.close[row + i] > 0) {
        this.exit(i, t, m.close[row + i], EXIT_END);
      }
    }
    // 6. mark to market
    let value = 0;
    for (let i = 0; i < N; i++) {
      const c = m.close[row + i];
      if (c > 0) this.lastClose[i] = c;
      if (this.posOpen[i] === 1) value += this.posShares[i] * this.lastClose[i];
    }
    const equity = this.cash + value;
    this.equity[t] = equity;
    this.cashOut[t] = this.cash;
    this.positionsValue[t] = value;
    this.openPositions[t] = this.openCount;
    const ret = equity / this.prevEquity - 1;
    this.returns[t] = ret;
    if (equity > this.peakEquity) this.peakEquity = equity;
    if (this.weights) {
      for (let i = 0; i < N; i++) {
        if (this.posOpen[i] === 1) this.weights[row + i] = (this.posShares[i] * this.lastClose[i]) / equity;
      }
    }
    let allow = true;
    let sizeMult = 1;
    if (this.dd && this.controlState) {
      this.dd.update(ret);
      this.controlState[t] = this.dd.level;
      allow = this.dd.allowNewEntries;
      sizeMult = this.dd.sizeMultiplier;
      if (this.dd.forceLiquidate) {
        for (let i = 0; i < N; i++) if (this.posOpen[i] === 1 && this.posPending[i] < 0) this.posPending[i] = EXIT_DRAWDOWN;
      }
      if (!allow) this.counters.entryBlockedDays++;
    }
    this.prevEquity = equity;
    // 7. decisions at this close
    this.pendCount = 0;
    if (t < last) this.decide(t, equity, allow, sizeMult);
  }

  private checkStops(i: number, t: number, k: number, closeOnly: boolean): boolean {
    const { m } = this;
    const s = this.cfg.stops;
    let stop = this.posStop[i];
    let reason = this.posStopReason[i];
    if (s.trailingStop !== null && this.posHigh[i] >= this.posEntry[i] * (1 + s.trailingActivation)) {
      const trail = this.posHigh[i] * (1 - s.trailingStop);
      if (trail > stop) {
        stop = trail;
        reason = EXIT_TRAILING;
      }
    }
    const code = checkBarStop(m.open[k], m.high[k], m.low[k], m.close[k], stop, this.posTarget[i], s.barModel, this.stopFill);
    if (code === STOP_HIT) {
      this.exit(i, t, this.stopFill.price, reason);
      return true;
    }
    if (code === TARGET_HIT) {
      this.exit(i, t, this.stopFill.price, EXIT_TAKE_PROFIT);
      return true;
    }
    const h = closeOnly ? m.close[k] : m.high[k];
    if (h > this.posHigh[i]) this.posHigh[i] = h;
    return false;
  }

  private fillPendingExits(t: number, ref: Float64Array): void {
    const row = t * this.N;
    for (let i = 0; i < this.N; i++) {
      if (this.posOpen[i] === 0 || this.posPending[i] < 0) continue;
      const p = ref[row + i];
      if (p > 0) this.exit(i, t, p, this.posPending[i]);
    }
  }

  private fillPendingEntries(t: number, ref: Float64Array): void {
    const { N, cfg } = this;
    const prev = (t - 1) * N;
    for (let p = 0; p < this.pendCount; p++) {
      const i = this.pendTicker[p];
      const price = ref[t * N + i];
      if (!(price > 0)) {
        this.counters.cancelledNoBar++;
        continue;
      }
      if (this.openCount >= cfg.maxPositions || this.posOpen[i] === 1) {
        this.counters.cancelledNoSlot++;
        continue;
      }
      const q = quoteEntry(
        cfg.costs,
        price,
        this.pendWanted[p],
        this.cash,
        this.stats.advDollar[prev + i],
        this.stats.sigma[prev + i],
        this.quote,
      );
      if (!q.filled) {
        this.counters.rejectedMinFill++;
        continue;
      }
      if (q.volumeUnknown) this.counters.fillsWithoutVolume++;
      this.cash -= q.notional + q.commission;
      const shares = q.notional / q.price;
      const s = this.pendSignal[p];
      const ks = s * N + i;
      const tr = this.trades.push();
      const tl = this.trades;
      tl.ticker[tr] = i;
      tl.signalBar[tr] = s;
      tl.entryBar[tr] = t;
      tl.entryRef[tr] = price;
      tl.entryPrice[tr] = q.price;
      tl.shares[tr] = shares;
      tl.entryNotional[tr] = q.notional;
      tl.entryCommission[tr] = q.commission;
      tl.entryCostBps[tr] = 0.5 * q.spreadBps + q.impactBps;
      tl.fillRatio[tr] = q.fillRatio;
      tl.predicted[tr] = this.sig.score[ks];
      tl.confidence[tr] = this.sig.confidence ? this.sig.confidence[ks] : 1;
      tl.regime[tr] = this.sig.regime ? this.sig.regime[ks] : -1;
      tl.size[tr] = q.notional / this.pendEquity[p];
      this.posOpen[i] = 1;
      this.posShares[i] = shares;
      this.posEntry[i] = q.price;
      this.posEntryBar[i] = t;
      this.posTrade[i] = tr;
      this.posBars[i] = 0;
      this.posHigh[i] = price;
      this.posPending[i] = -1;
      const st = cfg.stops;
      const hard = st.stopLoss !== null ? q.price * (1 - st.stopLoss) : Number.NEGATIVE_INFINITY;
      const atr = this.stats.atr ? this.stats.atr[ks] : Number.NaN;
      const atrLevel = st.atrStop !== null && atr > 0 ? q.price - st.atrStop * atr : Number.NEGATIVE_INFINITY;
      this.posStop[i] = Math.max(hard, atrLevel);
      this.posStopReason[i] = hard >= atrLevel ? EXIT_STOP_LOSS : EXIT_ATR_STOP;
      this.posTarget[i] = st.takeProfit !== null ? q.price * (1 + st.takeProfit) : Number.POSITIVE_INFINITY;
      this.openCount++;
      this.counters.entries++;
    }
    this.pendCount = 0;
  }

  private exit(i: number, t: number, ref: number, reason: number): void {
    const k = (t - 1) * this.N + i;
    const shares = this.posShares[i];
    const q = quoteExit(this.cfg.costs, ref, shares, this.stats.advDollar[k], this.stats.sigma[k], this.quote);
    if (q.volumeUnknown) this.counters.fillsWithoutVolume++;
    this.cash += q.notional - q.commission;
    const tl = this.trades;
    const tr = this.posTrade[i];
    tl.exitBar[tr] = t;
    tl.exitRef[tr] = ref;
    tl.exitPrice[tr] = q.price;
    tl.exitNotional[tr] = q.notional;
    tl.exitCommission[tr] = q.commission;
    tl.exitCostBps[tr] = 0.5 * q.spreadBps + q.impactBps;
    tl.actualReturn[tr] = q.price / tl.entryPrice[tr] - 1;
    const paid = tl.entryNotional[tr] + tl.entryCommission[tr];
    const got = q.notional - q.commission;
    tl.netReturn[tr] = got / paid - 1;
    tl.pnl[tr] = got - paid;
    tl.holdingDays[tr] = this.posBars[i];
    tl.exitReason[tr] = reason;
    this.wins.add(tl.netReturn[tr]);
    this.posOpen[i] = 0;
    this.posShares[i] = 0;
    this.posPending[i] = -1;
    this.openCount--;
  }

  private decide(t: number, equity: number, allow: boolean, sizeMult: number): void {
    const { N, cfg, sig } = this;
    const row = t * N;
    const score = sig.score;
    if (cfg.exitThreshold !== null) {
      for (let i = 0; i < N; i++) {
        if (this.posOpen[i] === 1 && this.posPending[i] < 0 && score[row + i] <= cfg.exitThreshold) {
          this.posPending[i] = EXIT_SIGNAL;
        }
      }
    }
    if (!allow) return;
    let exiting = 0;
    for (let i = 0; i < N; i++) if (this.posOpen[i] === 1 && this.posPending[i] >= 0) exiting++;
    const slots = cfg.maxPositions - (this.openCount - exiting);
    if (slots <= 0) {
      // still count what was turned away, so the report can show capacity pressure
      for (let i = 0; i < N; i++) if (this.posOpen[i] === 0 && this.passes(row + i)) this.counters.skippedNoSlot++;
      return;
    }
    let nc = 0;
    for (let i = 0; i < N; i++) {
      if (this.posOpen[i] === 1) continue;
      const k = row + i;
      if (!this.passes(k)) continue;
      const conf = sig.confidence ? sig.confidence[k] : 1;
      this.candIdx[nc] = i;
      this.candScore[nc] = score[k] * (0.5 + conf);
      nc++;
    }
    this.counters.candidates += nc;
    // Best-first (selection sort, stopped as soon as the slots are filled); a candidate sized
    // to zero or stopped by the edge gate does not use up a slot.
    let placed = 0;
    let r = 0;
    for (; r < nc && placed < slots; r++) {
      let best = r;
      for (let j = r + 1; j < nc; j++) {
        const d = this.candScore[j] - this.candScore[best];
        if (d > 0 || (d === 0 && this.candIdx[j] < this.candIdx[best])) best = j;
      }
      const bi = this.candIdx[best];
      const bs = this.candScore[best];
      this.candIdx[best] = this.candIdx[r];
      this.candScore[best] = this.candScore[r];
      this.candIdx[r] = bi;
      this.candScore[r] = bs;
      const k = row + bi;
      const f = this.sizeFraction(k, equity) * sizeMult;
      if (!(f > 0)) {
        this.counters.skippedZeroSize++;
        continue;
      }
      if (cfg.edgeGate) {
        const cost = 2 * sideCostBps(cfg.costs, equity * f, this.stats.advDollar[k], this.stats.sigma[k], this.quote);
        if (!(Math.abs(sig.score[k]) * 1e4 > cost + cfg.edgeGate.bufferBps)) {
          this.counters.skippedEdgeGate++;
          continue;
        }
      }
      const p = this.pendCount++;
      this.pendTicker[p] = bi;
      this.pendWanted[p] = equity * f;
      this.pendSignal[p] = t;
      this.pendEquity[p] = equity;
      this.counters.ordersPlaced++;
      placed++;
    }
    this.counters.skippedNoSlot += nc - r;
  }

  /** Entry filters: score and confidence thresholds (strict), regime policy. */
  private passes(k: number): boolean {
    const { cfg, sig } = this;
    if (!(sig.score[k] > cfg.entryThreshold)) return false;
    const conf = sig.confidence ? sig.confidence[k] : 1;
    if (!(conf > cfg.confidenceThreshold)) return false;
    const policy = cfg.regimePolicy;
    if (policy && sig.regime) {
      const rule = policy[sig.regime[k]];
      if (rule) {
        const ok = rule.enabled ? conf >= rule.minConfidence : rule.minConfidence > 0 && conf >= rule.minConfidence;
        if (!ok) {
          this.counters.skippedRegime++;
          return false;
        }
      }
    }
    return true;
  }

  private sizeFraction(k: number, equity: number): number {
    const { cfg } = this;
    const z = cfg.sizing;
    switch (z.method) {
      case 'fixed':
        return z.fraction;
      case 'vol_target':
        return volTargetFraction(z.targetVol, this.stats.sigma[k], z.horizonDays ?? cfg.holdingDays ?? 252, cfg.maxPositions, z);
      case 'kelly':
        if (this.wins.nTrades <= z.minTrades) return z.fallbackFraction;
        return Math.min(z.max, z.kellyFraction * kellyFraction(this.wins, 1));
      default: {
        const sigma = this.stats.sigma[k];
        const price = this.m.close[k];
        const atr = this.stats.atr ? this.stats.atr[k] : Number.NaN;
        const regime = this.sig.regime ? this.sig.regime[k] : -1;
        const fallback = { winRate: 0.5, avgWin: 0.02, avgLoss: -0.02 };
        return sizePosition(
          {
            stats: this.wins.nTrades > 20 ? this.wins : fallback,
            regime,
            sigmaAnn: sigma > 0 ? sigma : 0.25,
            atr: atr > 0 ? atr : 0.02 * price,
            price,
            holdingDays: cfg.holdingDays ?? 10,
            maxPositions: cfg.maxPositions,
            drawdown: equity / this.peakEquity - 1,
            confidence: this.sig.confidence ? this.sig.confidence[k] : 1,
            nCurrent: this.openCount,
            withEquity: true,
          },
          z.sizer,
        ).finalSize;
      }
    }
  }

  result(): SimulationResult {
    return {
      tickers: this.m.tickers,
      days: this.m.days,
      equity: this.equity,
      cash: this.cashOut,
      positionsValue: this.positionsValue,
      returns: this.returns,
      openPositions: this.openPositions,
      weights: this.weights,
      trades: this.trades.finish(),
      counters: { ...this.counters },
      controlState: this.controlState,
      drawdown: this.dd ? this.dd.summary() : null,
      config: this.cfg,
    };
  }
}

/** Runs the whole backtest synchronously. */
export function simulate(input: SimulationInput): SimulationResult {
  const run = new Run(input);
  for (let t = 0; t < input.matrix.rows; t++) run.step(t);
  return run.result();
}

/** The same run in chunks of `config.chunkBars` dates with a checkpoint (progress, cancel) between chunks. */
export async function simulateJob(input: SimulationInput, ctx: JobContext): Promise<SimulationResult> {
  const run = new Run(input);
  const T = input.matrix.rows;
  const chunk = input.config.chunkBars;
  for (let t0 = 0; t0 < T; t0 += chunk) {
    await checkpoint(ctx);
    const t1 = Math.min(T, t0 + chunk);
    for (let t = t0; t < t1; t++) run.step(t);
    ctx.progress(t1 / T, `Backtest ${t1}/${T} bars`);
  }
  return run.result();
}
