/**
 * Text boundary of model predictions for the backtest: CSV with a header or JSON (an array of
 * rows, or `{ "predictions": [...] }`). Fields per row: date (YYYY-MM-DD), ticker,
 * predicted_return (aliases: predicted, prediction, pred), optional confidence (0–1) and
 * regime (integer; empty/null = unknown). Errors name the source, row and field. Pure: the
 * caller reads the file.
 */
import type { PredictionRows } from './signals';

export class PredictionsError extends Error {
  constructor(
    message: string,
    readonly row: number | null,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'PredictionsError';
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A cell as quoted in a message: bounded, so a huge or binary cell is never echoed whole. */
function shown(v: unknown, max = 60): string {
  const t = String(v);
  return t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t;
}
const PRED_NAMES = ['predicted_return', 'predicted', 'prediction', 'pred'];

function epochDay(text: string, where: string, row: number): number {
  const m = DATE.exec(text.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== text.trim()) {
    throw new PredictionsError(`${where}: date "${shown(text)}" is not a YYYY-MM-DD date`, row, 'date');
  }
  return ms / 86_400_000;
}

function numberField(v: unknown, field: string, where: string, row: number, optional: boolean): number | null {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (optional) return null;
    throw new PredictionsError(`${where}: ${field} is missing`, row, field);
  }
  const x = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(x)) throw new PredictionsError(`${where}: ${field} "${shown(v)}" is not a finite number`, row, field);
  return x;
}

interface RawRow {
  date: unknown;
  ticker: unknown;
  predicted: unknown;
  confidence: unknown;
  regime: unknown;
}

function build(rows: RawRow[], source: string, rowLabel: (k: number) => string): PredictionRows {
  const n = rows.length;
  if (n === 0) throw new PredictionsError(`${source}: no prediction rows`, null, null);
  const days = new Int32Array(n);
  const tickers: string[] = [];
  const predicted = new Float64Array(n);
  const hasConf = rows.some((r) => r.confidence !== undefined && r.confidence !== null && r.confidence !== '');
  const hasRegime = rows.some((r) => r.regime !== undefined && r.regime !== null && r.regime !== '');
  const confidence = hasConf ? new Float64Array(n) : undefined;
  const regime = hasRegime ? new Int32Array(n).fill(-1) : undefined;
  rows.forEach((r, k) => {
    const where = `${source} ${rowLabel(k)}`;
    if (typeof r.date !== 'string') throw new PredictionsError(`${where}: date is missing`, k + 1, 'date');
    days[k] = epochDay(r.date, where, k + 1);
    const t = typeof r.ticker === 'string' || typeof r.ticker === 'number' ? String(r.ticker).trim().toUpperCase() : '';
    if (t === '') throw new PredictionsError(`${where}: ticker is missing`, k + 1, 'ticker');
    tickers.push(t);
    predicted[k] = numberField(r.predicted, 'predicted_return', where, k + 1, false) as number;
    if (confidence) {
      const c = numberField(r.confidence, 'confidence', where, k + 1, false) as number;
      if (c < 0 || c > 1) throw new PredictionsError(`${where}: confidence ${c} is not in [0, 1]`, k + 1, 'confidence');
      confidence[k] = c;
    }
    if (regime) {
      const g = numberField(r.regime, 'regime', where, k + 1, true);
      if (g !== null && !Number.isInteger(g)) throw new PredictionsError(`${where}: regime ${g} is not an integer`, k + 1, 'regime');
      regime[k] = g ?? -1;
    }
  });
  return { days, tickers, predicted, ...(confidence ? { confidence } : {}), ...(regime ? { regime } : {}) };
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parsePredictionsCsv(text: string, source = 'predictions'): PredictionRows {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === '') h++;
  if (h === lines.length) throw new PredictionsError(`${source}: the file is empty`, null, null);
  const header = splitCsvLine(lines[h]).map((s) => s.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const find = (names: string[]) => {
    for (const n of names) {
      const i = header.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const iDate = find(['date']);
  const iTicker = find(['ticker', 'symbol', 'permno']);
  const iPred = find(PRED_NAMES);
  const iConf = find(['confidence']);
  const iRegime = find(['regime']);
  for (const [name, i] of [
    ['date', iDate],
    ['ticker', iTicker],
    ['predicted_return', iPred],
  ] as const) {
    if (i < 0) {
      throw new PredictionsError(
        `${source}: missing column "${name}" (header has: ${shown(header.join(', '), 200)}; needs date,ticker,predicted_return[,confidence][,regime])`,
        null,
        name,
      );
    }
  }
  const rows: RawRow[] = [];
  const lineNo: number[] = [];
  for (let li = h + 1; li < lines.length; li++) {
    if (lines[li].trim() === '') continue;
    const c = splitCsvLine(lines[li]);
    rows.push({
      date: c[iDate] ?? '',
      ticker: c[iTicker] ?? '',
      predicted: c[iPred],
      confidence: iConf >= 0 ? c[iConf] : undefined,
      regime: iRegime >= 0 ? c[iRegime] : undefined,
    });
    lineNo.push(li + 1);
  }
  return build(rows, source, (k) => `line ${lineNo[k]}`);
}

export function parsePredictionsJson(text: string, source = 'predictions'): PredictionRows {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PredictionsError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, null, null);
  }
  const list = Array.isArray(doc) ? doc : (doc as { predictions?: unknown })?.predictions;
  if (!Array.isArray(list)) throw new PredictionsError(`${source}: expected an array of rows or { "predictions": [...] }`, null, null);
  const rows: RawRow[] = list.map((r, k) => {
    if (r === null || typeof r !== 'object') throw new PredictionsError(`${source} row ${k + 1}: not an object`, k + 1, null);
    const o = r as Record<string, unknown>;
    const predKey = PRED_NAMES.find((n) => n in o);
    return {
      date: o.date,
      ticker: o.ticker ?? o.symbol ?? o.permno,
      predicted: predKey ? o[predKey] : undefined,
      confidence: o.confidence,
      regime: o.regime,
    };
  });
  return build(rows, source, (k) => `row ${k + 1}`);
}

/** By file name: `.json` → JSON, anything else → CSV. */
export function parsePredictions(text: string, source: string): PredictionRows {
  return source.toLowerCase().endsWith('.json') ? parsePredictionsJson(text, source) : parsePredictionsCsv(text, source);
}
