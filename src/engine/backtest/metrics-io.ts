/**
 * Text boundary of the metrics: parses a returns CSV (`date,strategy_ret[,benchmark_ret][,weight]`)
 * into columns with errors that name the line and field, and renders `PerformanceMetrics`
 * as a plain JSON object (NaN → null, dates ISO). Pure: the caller reads the file.
 */
import { DAY_MS } from '../core/time';
import { isoFromDay } from '../risk/dates';
import type { PerformanceMetrics } from './metrics';

export interface ReturnsCsv {
  /** epoch days, strictly ascending */
  days: Int32Array;
  strategy: Float64Array;
  /** present when the file has a benchmark_ret column; rows with an empty cell are left out */
  benchmark?: { days: Int32Array; returns: Float64Array };
  /** present when the file has a weight column */
  weight?: Float64Array;
}

/** A malformed returns file; `line` is 1-based in the file (the header is line 1). */
export class ReturnsCsvError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'ReturnsCsvError';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function normaliseHeader(h: string): string {
  return h
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim()
    .toLowerCase()
    .replace(/[ -]+/g, '_');
}

function cell(raw: string): string {
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function parseDay(text: string, where: string, line: number): number {
  const m = ISO_DATE.exec(text);
  if (!m) throw new ReturnsCsvError(`${where}: date "${text}" is not YYYY-MM-DD`, line, 'date');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new ReturnsCsvError(`${where}: date "${text}" is not a calendar date`, line, 'date');
  }
  return ms / DAY_MS;
}

function parseNumber(text: string, field: string, where: string, line: number): number {
  if (!NUMBER.test(text)) throw new ReturnsCsvError(`${where}: ${field} "${text}" is not a number`, line, field);
  const v = Number(text);
  if (!Number.isFinite(v)) throw new ReturnsCsvError(`${where}: ${field} "${text}" is not finite`, line, field);
  return v;
}

export function parseReturnsCsv(text: string, source = 'input'): ReturnsCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && lines[h].trim() === '') h++;
  if (h === lines.length) throw new ReturnsCsvError(`${source}: the file is empty`, null, null);
  const header = lines[h].split(',').map(normaliseHeader);
  const col = (name: string): number => header.indexOf(name);
  header.forEach((name, i) => {
    if (name !== '' && header.indexOf(name) !== i) {
      throw new ReturnsCsvError(`${source} line ${h + 1}: column "${name}" appears twice`, h + 1, name);
    }
  });
  const iDate = col('date');
  const iStrat = col('strategy_ret');
  const iBench = col('benchmark_ret');
  const iWeight = col('weight');
  for (const [name, i] of [
    ['date', iDate],
    ['strategy_ret', iStrat],
  ] as const) {
    if (i < 0) {
      throw new ReturnsCsvError(
        `${source}: missing column "${name}" (header has: ${header.join(', ')}; needs date,strategy_ret[,benchmark_ret][,weight])`,
        h + 1,
        name,
      );
    }
  }

  const days: number[] = [];
  const strat: number[] = [];
  const weight: number[] = [];
  const bDays: number[] = [];
  const bRets: number[] = [];
  let prevDay = Number.NEGATIVE_INFINITY;
  let prevLine = 0;
  for (let li = h + 1; li < lines.length; li++) {
    const raw = lines[li];
    if (raw.trim() === '') continue;
    const line = li + 1;
    const where = `${source} line ${line}`;
    const f = raw.split(',');
    if (f.length !== header.length) {
      throw new ReturnsCsvError(`${where}: expected ${header.length} fields, found ${f.length}`, line, null);
    }
    const dText = cell(f[iDate]);
    if (dText === '') throw new ReturnsCsvError(`${where}: date is empty`, line, 'date');
    const day = parseDay(dText, where, line);
    if (day === prevDay) {
      throw new ReturnsCsvError(`${where}: date ${dText} duplicates line ${prevLine}`, line, 'date');
    }
    if (day < prevDay) {
      throw new ReturnsCsvError(
        `${where}: date ${dText} is earlier than line ${prevLine}; rows must be sorted by ascending date`,
        line,
        'date',
      );
    }
    prevDay = day;
    prevLine = line;
    const sText = cell(f[iStrat]);
    if (sText === '') {
      throw new ReturnsCsvError(`${where}: strategy_ret is empty (drop warm-up rows before computing metrics)`, line, 'strategy_ret');
    }
    days.push(day);
    strat.push(parseNumber(sText, 'strategy_ret', where, line));
    if (iBench >= 0) {
      const bText = cell(f[iBench]);
      // An empty benchmark cell means the benchmark has no bar that day: the inner join drops it.
      if (bText !== '') {
        bDays.push(day);
        bRets.push(parseNumber(bText, 'benchmark_ret', where, line));
      }
    }
    if (iWeight >= 0) {
      const wText = cell(f[iWeight]);
      if (wText === '') throw new ReturnsCsvError(`${where}: weight is empty`, line, 'weight');
      weight.push(parseNumber(wText, 'weight', where, line));
    }
  }
  if (days.length === 0) throw new ReturnsCsvError(`${source}: no data rows after the header`, null, null);
  return {
    days: Int32Array.from(days),
    strategy: Float64Array.from(strat),
    ...(iBench >= 0 ? { benchmark: { days: Int32Array.from(bDays), returns: Float64Array.from(bRets) } } : {}),
    ...(iWeight >= 0 ? { weight: Float64Array.from(weight) } : {}),
  };
}

export type MetricsJson = Omit<PerformanceMetrics, 'rolling_corr'> & {
  rf_annual: number;
  corr_window: number;
  first_date: string;
  last_date: string;
  dates: string[];
  rolling_corr: (number | null)[] | null;
};

/** JSON-ready view: the contract E fields in order, with the dates `rolling_corr` is aligned to. */
export function metricsToJson(
  m: PerformanceMetrics,
  days: Int32Array,
  params: { rfAnnual: number; corrWindow: number },
): MetricsJson {
  const dates = Array.from(days, isoFromDay);
  const { rolling_corr, n_periods, n_benchmark_rows, ...fields } = m;
  return {
    n_periods,
    n_benchmark_rows,
    first_date: dates[0],
    last_date: dates[dates.length - 1],
    rf_annual: params.rfAnnual,
    corr_window: params.corrWindow,
    ...fields,
    dates,
    rolling_corr: rolling_corr ? Array.from(rolling_corr, (v) => (Number.isFinite(v) ? v : null)) : null,
  };
}
