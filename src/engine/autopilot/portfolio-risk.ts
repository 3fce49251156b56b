/**
 * Portfolio risk check for a new position (spec §4.4, the parts that need only prices):
 * single name ≤ 0.10, gross Σ|w| ≤ 1.00, max |correlation| of the new name with each held
 * name ≤ 0.85 (≥ 20 common returns) and annualised portfolio vol √(wᵀΣw·252) ≤ 0.30 — every
 * lookback is the last 60 bars at or before the decision row (no look-ahead, unlike the
 * original). Sector and beta limits need data we do not have and are not checked.
 */
import type { PriceMatrix } from '../backtest/matrix';

export interface RiskLimits {
  singleName: number;
  gross: number;
  correlation: number;
  portfolioVol: number;
  lookback: number;
}

export const DEFAULT_RISK_LIMITS: RiskLimits = { singleName: 0.1, gross: 1.0, correlation: 0.85, portfolioVol: 0.3, lookback: 60 };

export interface RiskCheck {
  passed: boolean;
  violations: string[];
  max_correlation: number | null;
  portfolio_vol: number | null;
}

/** Close-to-close returns of column i over the `lookback` rows ending at `row` (NaN where a bar is missing). */
function returnsWindow(m: PriceMatrix, i: number, row: number, lookback: number): Float64Array {
  const out = new Float64Array(lookback).fill(Number.NaN);
  for (let j = 0; j < lookback; j++) {
    const t = row - lookback + 1 + j;
    if (t < 1) continue;
    const a = m.close[(t - 1) * m.cols + i];
    const b = m.close[t * m.cols + i];
    if (a > 0 && b > 0) out[j] = b / a - 1;
  }
  return out;
}

function covPair(x: Float64Array, y: Float64Array): { cov: number; vx: number; vy: number; n: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k]) && Number.isFinite(y[k])) {
      n++;
      sx += x[k];
      sy += y[k];
    }
  }
  if (n < 2) return { cov: Number.NaN, vx: Number.NaN, vy: Number.NaN, n };
  const mx = sx / n;
  const my = sy / n;
  let c = 0;
  let vx = 0;
  let vy = 0;
  for (let k = 0; k < x.length; k++) {
    if (Number.isFinite(x[k]) && Number.isFinite(y[k])) {
      c += (x[k] - mx) * (y[k] - my);
      vx += (x[k] - mx) ** 2;
      vy += (y[k] - my) ** 2;
    }
  }
  return { cov: c / (n - 1), vx: vx / (n - 1), vy: vy / (n - 1), n };
}

/**
 * `current` maps column index → weight (value/equity) of held names; `col`/`size` is the
 * proposed position; `row` is the decision row of the price matrix.
 */
export function checkNewPosition(
  m: PriceMatrix,
  row: number,
  col: number,
  size: number,
  current: ReadonlyMap<number, number>,
  limits: RiskLimits = DEFAULT_RISK_LIMITS,
): RiskCheck {
  const violations: string[] = [];
  if (Math.abs(size) > limits.singleName) violations.push(`single_name ${Math.abs(size).toFixed(4)} > ${limits.singleName}`);
  let gross = Math.abs(size);
  for (const w of current.values()) gross += Math.abs(w);
  if (gross > limits.gross + 1e-12) violations.push(`gross ${gross.toFixed(4)} > ${limits.gross}`);
  const book = new Map(current);
  book.set(col, (book.get(col) ?? 0) + size);
  const cols = [...book.keys()];
  const rets = new Map<number, Float64Array>();
  for (const c of cols) rets.set(c, returnsWindow(m, c, row, limits.lookback));
  let maxCorr: number | null = null;
  const mine = rets.get(col)!;
  for (const c of current.keys()) {
    if (c === col) continue;
    const p = covPair(mine, rets.get(c)!);
    if (p.n < 20 || !(p.vx > 0 && p.vy > 0)) continue;
    const r = Math.abs(p.cov / Math.sqrt(p.vx * p.vy));
    if (maxCorr === null || r > maxCorr) maxCorr = r;
  }
  if (maxCorr !== null && maxCorr > limits.correlation) violations.push(`correlation ${maxCorr.toFixed(4)} > ${limits.correlation}`);
  let v = 0;
  let ok = true;
  for (const a of cols) {
    for (const b of cols) {
      const p = covPair(rets.get(a)!, rets.get(b)!);
      if (p.n < 20 || !Number.isFinite(p.cov)) {
        ok = false;
        continue;
      }
      v += book.get(a)! * book.get(b)! * p.cov;
    }
  }
  const vol = ok ? Math.sqrt(Math.max(0, v) * 252) : null;
  if (vol !== null && vol > limits.portfolioVol) violations.push(`portfolio_vol ${vol.toFixed(4)} > ${limits.portfolioVol}`);
  return { passed: violations.length === 0, violations, max_correlation: maxCorr, portfolio_vol: vol };
}
