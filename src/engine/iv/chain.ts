/**
 * From raw option quotes (one underlying, one valuation date) to the OptionChain the surface
 * builders take: implied vols by the contract solver, one quote per (expiry, strike) —
 * the out-of-the-money side (puts below the forward, calls at or above it) when both are
 * quoted, since its price carries the time value without the intrinsic part.
 */
import { forwardPrice } from './black-scholes';
import { IV_CODE_NAMES, impliedVolCode } from './implied-vol';
import type { OptionChain } from './synthetic-chain';

export interface QuoteColumns {
  isCall: Uint8Array;
  S: Float64Array;
  K: Float64Array;
  T: Float64Array;
  r: Float64Array;
  q: Float64Array;
  /** quoted prices (NaN = none); used where iv is absent or NaN */
  price?: Float64Array;
  /** quoted implied vols (NaN = none) */
  iv?: Float64Array;
}

export interface PreparedChain {
  chain: OptionChain;
  /** rows kept, in chain order */
  rows: Int32Array;
  /** quotes whose implied vol did not solve, by result code */
  failed: Record<string, number>;
  /** solved quotes not kept because another quote of the same (T, K) was (the OTM side) */
  duplicates: number;
}

export class ChainInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainInputError';
  }
}

export function prepareChain(quotes: QuoteColumns): PreparedChain {
  const n = quotes.K.length;
  if (n === 0) throw new ChainInputError('chain: no quotes');
  const S = quotes.S[0];
  const r = quotes.r[0];
  const q = quotes.q[0];
  for (let i = 1; i < n; i++) {
    if (quotes.S[i] !== S || quotes.r[i] !== r || quotes.q[i] !== q) {
      throw new ChainInputError(`chain: row ${i + 1} has S/r/q ${quotes.S[i]}/${quotes.r[i]}/${quotes.q[i]}, row 1 has ${S}/${r}/${q}; one chain must share them`);
    }
  }
  const failed: Record<string, number> = {};
  let duplicates = 0;
  const vol = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const given = quotes.iv ? quotes.iv[i] : Number.NaN;
    if (given > 0) {
      vol[i] = given;
      continue;
    }
    const p = quotes.price ? quotes.price[i] : Number.NaN;
    const v = impliedVolCode(quotes.isCall[i] === 1, S, quotes.K[i], quotes.T[i], r, q, p);
    vol[i] = v > 0 ? v : Number.NaN;
    if (!(v > 0)) failed[IV_CODE_NAMES[-v]] = (failed[IV_CODE_NAMES[-v]] ?? 0) + 1;
  }
  // Best row per (T, K): out of the money if available, else whatever solved.
  const best = new Map<string, number>();
  const otm = (i: number) => (quotes.K[i] >= forwardPrice(S, quotes.T[i], r, q) ? 1 : 0) === quotes.isCall[i];
  for (let i = 0; i < n; i++) {
    if (!(vol[i] > 0)) continue;
    const key = `${quotes.T[i]}|${quotes.K[i]}`;
    const prev = best.get(key);
    if (prev === undefined || (!otm(prev) && otm(i))) {
      if (prev !== undefined) duplicates++;
      best.set(key, i);
    } else {
      duplicates++;
    }
  }
  const kept = Int32Array.from([...best.values()].sort((a, b) => quotes.T[a] - quotes.T[b] || quotes.K[a] - quotes.K[b] || a - b));
  const m = kept.length;
  const chain: OptionChain = {
    S,
    r,
    q,
    T: new Float64Array(m),
    K: new Float64Array(m),
    isCall: new Uint8Array(m),
    iv: new Float64Array(m),
    price: new Float64Array(m),
  };
  for (let j = 0; j < m; j++) {
    const i = kept[j];
    chain.T[j] = quotes.T[i];
    chain.K[j] = quotes.K[i];
    chain.isCall[j] = quotes.isCall[i];
    chain.iv[j] = vol[i];
    chain.price[j] = quotes.price ? quotes.price[i] : Number.NaN;
  }
  return { chain, rows: kept, failed, duplicates };
}
