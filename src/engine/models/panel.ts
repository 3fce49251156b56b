/**
 * The pooled (ticker, date) table models train and predict on: feature columns, the forward
 * target, filtered regime probabilities and confidence, rows sorted by (date, ticker), and the
 * unique-date indices of each row's date and of its label's realisation date (for purging).
 */
import { R } from '../regime/labels';
import { checkHorizon, forwardReturnTarget } from './targets';

export interface TickerInput {
  ticker: string;
  /** bar timestamps, ascending */
  ts: Float64Array;
  close: Float64Array;
  features: { names: readonly string[]; columns: readonly Float64Array[] };
  /** causal (filtered) canonical regime probabilities, bars×4, NaN where unavailable */
  regimeProbs: Float64Array;
  /** regime confidence per bar, NaN where unavailable */
  regimeConfidence: Float64Array;
  /** benchmark close aligned to `ts` (forward-filled), for excess-return targets */
  benchClose?: Float64Array | null;
}

export interface Panel {
  tickers: string[];
  featureNames: string[];
  horizon: number;
  n: number;
  columns: Float64Array[];
  /** forward target (NaN where not yet realised, in prediction panels) */
  y: Float64Array;
  ts: Float64Array;
  ticker: Int32Array;
  /** the bar row of each panel row within its ticker's input */
  barRow: Int32Array;
  /** unique dates over all input bars, ascending */
  dates: Float64Array;
  dateIndex: Int32Array;
  /** unique-date index of the bar t + h (the label's end); dates.length + k beyond the data */
  labelEnd: Int32Array;
  regimeProbs: Float64Array;
  regimeConfidence: Float64Array;
}

export interface PanelOptions {
  horizon: number;
  /** keep only rows with a finite target (training); false keeps every row with a feature (prediction) */
  requireTarget: boolean;
}

export function buildPanel(inputs: readonly TickerInput[], opts: PanelOptions): Panel {
  checkHorizon(opts.horizon);
  const h = opts.horizon;
  if (inputs.length === 0) throw new Error('panel: no tickers');
  const names = [...inputs[0].features.names];
  const tickers = inputs.map((t) => t.ticker);
  if (new Set(tickers).size !== tickers.length) throw new Error(`panel: duplicate tickers in ${tickers.join(', ')}`);
  for (const t of inputs) {
    const nb = t.ts.length;
    if (t.features.names.join('|') !== names.join('|')) {
      throw new Error(`panel: ${t.ticker} has features [${t.features.names.join(', ')}], expected [${names.join(', ')}]`);
    }
    for (let j = 0; j < names.length; j++) {
      if (t.features.columns[j].length !== nb) throw new Error(`panel: ${t.ticker} feature ${names[j]} has ${t.features.columns[j].length} rows, bars have ${nb}`);
    }
    if (t.close.length !== nb) throw new Error(`panel: ${t.ticker} has ${t.close.length} closes for ${nb} bars`);
    if (t.regimeProbs.length !== nb * R) throw new Error(`panel: ${t.ticker} regime probabilities have ${t.regimeProbs.length} values, expected ${nb}×${R}`);
    if (t.regimeConfidence.length !== nb) throw new Error(`panel: ${t.ticker} regime confidence has ${t.regimeConfidence.length} values, expected ${nb}`);
    for (let i = 1; i < nb; i++) if (!(t.ts[i] > t.ts[i - 1])) throw new Error(`panel: ${t.ticker} timestamps are not ascending at row ${i}`);
  }
  const dates = Float64Array.from(new Set(inputs.flatMap((t) => Array.from(t.ts)))).sort();
  const pos = new Map<number, number>();
  for (let i = 0; i < dates.length; i++) pos.set(dates[i], i);
  interface Row {
    k: number;
    t: number;
    d: number;
    y: number;
  }
  const rows: Row[] = [];
  const targets = inputs.map((t) => forwardReturnTarget(t.close, h, t.benchClose ?? null));
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k];
    for (let i = 0; i < t.ts.length; i++) {
      const y = targets[k][i];
      if (opts.requireTarget && !Number.isFinite(y)) continue;
      let any = false;
      for (const c of t.features.columns) if (Number.isFinite(c[i])) any = true;
      if (!any) continue;
      rows.push({ k, t: i, d: pos.get(t.ts[i]) as number, y });
    }
  }
  rows.sort((a, b) => a.d - b.d || a.k - b.k);
  const n = rows.length;
  const columns = names.map(() => new Float64Array(n));
  const y = new Float64Array(n);
  const ts = new Float64Array(n);
  const ticker = new Int32Array(n);
  const barRow = new Int32Array(n);
  const dateIndex = new Int32Array(n);
  const labelEnd = new Int32Array(n);
  const regimeProbs = new Float64Array(n * R);
  const regimeConfidence = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const { k, t: i, d } = rows[r];
    const inp = inputs[k];
    for (let j = 0; j < names.length; j++) columns[j][r] = inp.features.columns[j][i];
    y[r] = rows[r].y;
    ts[r] = inp.ts[i];
    ticker[r] = k;
    barRow[r] = i;
    dateIndex[r] = d;
    const end = i + h;
    labelEnd[r] = end < inp.ts.length ? (pos.get(inp.ts[end]) as number) : dates.length + (end - inp.ts.length);
    for (let s = 0; s < R; s++) regimeProbs[r * R + s] = inp.regimeProbs[i * R + s];
    regimeConfidence[r] = inp.regimeConfidence[i];
  }
  return { tickers, featureNames: names, horizon: h, n, columns, y, ts, ticker, barRow, dates, dateIndex, labelEnd, regimeProbs, regimeConfidence };
}
