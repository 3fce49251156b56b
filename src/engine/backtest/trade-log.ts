/**
 * The trade log as growable typed-array columns: the simulator opens a row at the entry fill
 * and completes it at the exit fill, so it never allocates per trade (capacity doubles when
 * full). `finish()` returns trimmed columns.
 */

export const EXIT_REASONS = [
  'holding',
  'signal',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'atr_stop',
  'drawdown_halt',
  'end_of_data',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export const EXIT_HOLDING = 0;
export const EXIT_SIGNAL = 1;
export const EXIT_STOP_LOSS = 2;
export const EXIT_TAKE_PROFIT = 3;
export const EXIT_TRAILING = 4;
export const EXIT_ATR_STOP = 5;
export const EXIT_DRAWDOWN = 6;
export const EXIT_END = 7;

/** Completed trades, one row per trade, in entry order. Bars index the price matrix rows. */
export interface TradeColumns {
  n: number;
  ticker: Int32Array;
  signalBar: Int32Array;
  entryBar: Int32Array;
  exitBar: Int32Array;
  /** reference prices (bar open/close or stop level) and cost-inclusive fill prices */
  entryRef: Float64Array;
  entryPrice: Float64Array;
  exitRef: Float64Array;
  exitPrice: Float64Array;
  shares: Float64Array;
  /** shares × fill price */
  entryNotional: Float64Array;
  exitNotional: Float64Array;
  entryCommission: Float64Array;
  exitCommission: Float64Array;
  /** one-side cost of each fill in bps of its reference (half spread + impact) */
  entryCostBps: Float64Array;
  exitCostBps: Float64Array;
  fillRatio: Float64Array;
  /** signal inputs at the signal bar */
  predicted: Float64Array;
  confidence: Float64Array;
  regime: Int32Array;
  /** exitPrice/entryPrice − 1 (spreads and impact inside, commissions outside) */
  actualReturn: Float64Array;
  /** (exit notional − exit commission)/(entry notional + entry commission) − 1 */
  netReturn: Float64Array;
  /** cash profit of the round trip */
  pnl: Float64Array;
  /** entry notional / equity at the signal close */
  size: Float64Array;
  /** bars of the ticker after the entry bar up to and including the exit bar */
  holdingDays: Int32Array;
  exitReason: Uint8Array;
}

type Column = Float64Array | Int32Array | Uint8Array;

const F64 = [
  'entryRef',
  'entryPrice',
  'exitRef',
  'exitPrice',
  'shares',
  'entryNotional',
  'exitNotional',
  'entryCommission',
  'exitCommission',
  'entryCostBps',
  'exitCostBps',
  'fillRatio',
  'predicted',
  'confidence',
  'actualReturn',
  'netReturn',
  'pnl',
  'size',
] as const;
const I32 = ['ticker', 'signalBar', 'entryBar', 'exitBar', 'regime', 'holdingDays'] as const;

export class TradeBuffer implements TradeColumns {
  n = 0;
  capacity: number;
  ticker!: Int32Array;
  signalBar!: Int32Array;
  entryBar!: Int32Array;
  exitBar!: Int32Array;
  entryRef!: Float64Array;
  entryPrice!: Float64Array;
  exitRef!: Float64Array;
  exitPrice!: Float64Array;
  shares!: Float64Array;
  entryNotional!: Float64Array;
  exitNotional!: Float64Array;
  entryCommission!: Float64Array;
  exitCommission!: Float64Array;
  entryCostBps!: Float64Array;
  exitCostBps!: Float64Array;
  fillRatio!: Float64Array;
  predicted!: Float64Array;
  confidence!: Float64Array;
  regime!: Int32Array;
  actualReturn!: Float64Array;
  netReturn!: Float64Array;
  pnl!: Float64Array;
  size!: Float64Array;
  holdingDays!: Int32Array;
  exitReason!: Uint8Array;

  constructor(capacity = 256) {
    this.capacity = Math.max(1, capacity);
    this.allocate(this.capacity, 0);
  }

  private allocate(cap: number, keep: number): void {
    const self = this as unknown as Record<string, Column>;
    for (const f of F64) self[f] = grow(self[f] as Float64Array | undefined, new Float64Array(cap), keep);
    for (const f of I32) self[f] = grow(self[f] as Int32Array | undefined, new Int32Array(cap), keep);
    this.exitReason = grow(this.exitReason as Uint8Array | undefined, new Uint8Array(cap), keep);
    this.capacity = cap;
  }

  /** Index of a new row (growing the columns when full). */
  push(): number {
    if (this.n === this.capacity) this.allocate(this.capacity * 2, this.n);
    return this.n++;
  }

  /** Trimmed copies of the columns. */
  finish(): TradeColumns {
    const self = this as unknown as Record<string, Column>;
    const out: Record<string, Column | number> = { n: this.n };
    for (const f of F64) out[f] = (self[f] as Float64Array).slice(0, this.n);
    for (const f of I32) out[f] = (self[f] as Int32Array).slice(0, this.n);
    out.exitReason = this.exitReason.slice(0, this.n);
    return out as unknown as TradeColumns;
  }
}

function grow<T extends Column>(old: T | undefined, fresh: T, keep: number): T {
  if (old && keep > 0) fresh.set(old.subarray(0, keep) as never);
  return fresh;
}
