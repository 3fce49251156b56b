/**
 * Data-quality report per ticker (contract A.3) and its scoring (A.4).
 *
 * Field names are the contract's, in snake_case, so the JSON the CLI prints is the report
 * object itself. Counts of dates (`missing_weekdays`, `weekend_dates`, `short_sessions`) are
 * numbers; the dates themselves, and the file rows behind every count, are in a separate
 * `QualityDetails` (for the UI's "offending rows one click away"; the CLI does not print it).
 *
 * Timestamps are written `YYYY-MM-DD` for daily files and `YYYY-MM-DDTHH:MM:SSZ` (UTC) for
 * intraday files; `gap_runs` bounds are always dates. A ratio with a zero denominator is null.
 * Intraday extras (`outside_rth_bars`, `sessions`, `bars_per_session_median`,
 * `short_sessions`) are computed on C, like the calendar checks.
 */
import { DAY_MS, formatDay, formatInstant, HOUR_MS, MINUTE_MS, utcToNewYorkWall, weekdayOfDays } from './calendar';
import type { FileKind, ImportResult, TickerFrames } from './normalize';

export type QualityLevel = 'warn' | 'fail';
export type QualityVerdict = 'pass' | 'warn' | 'fail';

/** Checks in scoring order (A.4). */
export const QUALITY_CHECKS = [
  'empty',
  'bad_timestamps',
  'duplicate_timestamps',
  'non_monotonic_steps',
  'missing_values',
  'ohlc_violations',
  'nonpositive_prices',
  'negative_volume',
  'zero_volume',
  'flat_bars',
  'missing_weekdays',
  'gap_runs',
  'weekend_dates',
  'suspected_splits',
  'stale_runs',
  'outside_rth_bars',
] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];

export interface QualityIssue {
  check: QualityCheck;
  level: QualityLevel;
  value: number;
}

export const PRICE_VOLUME_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type PriceVolumeColumn = (typeof PRICE_VOLUME_COLUMNS)[number];

export interface GapRun {
  start: string;
  end: string;
  weekdays: number;
}

export interface SuspectedSplit {
  ts: string;
  ret: number;
  ratio: number;
}

export interface StaleRun {
  start: string;
  end: string;
  bars: number;
}

export interface QualityReport {
  ticker: string;
  status: QualityVerdict;
  rows: number;
  bad_timestamps: number;
  duplicate_timestamps: number;
  non_monotonic_steps: number;
  missing_values: Record<PriceVolumeColumn, number>;
  ohlc_violations: {
    high_below_max_open_close: number;
    low_above_min_open_close: number;
    high_below_low: number;
    rows: number;
  };
  nonpositive_price_rows: number;
  negative_volume_rows: number;
  zero_volume_rows: number;
  flat_bars: number;
  rows_clean: number;
  first: string | null;
  last: string | null;
  expected_weekdays: number;
  missing_weekdays: number;
  missing_weekday_fraction: number | null;
  weekend_dates: number;
  gap_runs: GapRun[];
  suspected_splits: SuspectedSplit[];
  stale_runs: StaleRun[];
  outside_rth_bars?: number;
  sessions?: number;
  bars_per_session_median?: number | null;
  short_sessions?: number;
  issues: QualityIssue[];
}

/** The file rows (0-based data rows, header excluded) and dates behind a report's counts. */
export interface QualityDetails {
  ticker: string;
  rows: {
    bad_timestamps: Int32Array;
    /** rows whose timestamp already appeared earlier in the file */
    duplicate_timestamps: Int32Array;
    /** rows whose timestamp is earlier than the previous row's */
    non_monotonic_steps: Int32Array;
    missing_values: Record<PriceVolumeColumn, Int32Array>;
    ohlc_violations: Int32Array;
    nonpositive_prices: Int32Array;
    negative_volume: Int32Array;
    zero_volume: Int32Array;
    flat_bars: Int32Array;
    /** rows of S that are not in C (missing value, price ≤ 0 or volume < 0) */
    excluded_from_clean: Int32Array;
    /** the bar after each jump */
    suspected_splits: Int32Array;
    /** every bar of every stale run */
    stale_runs: Int32Array;
    outside_rth_bars: Int32Array;
  };
  dates: {
    missing_weekdays: string[];
    weekend_dates: string[];
    short_sessions: string[];
  };
}

/** The document `qe quality` prints. */
export interface QualityDocument {
  file: string;
  timeframe: FileKind;
  adj_close_used: boolean;
  bad_timestamps: number;
  reports: QualityReport[];
}

const RTH_OPEN_MS = 9 * HOUR_MS + 30 * MINUTE_MS;
const RTH_CLOSE_MS = 16 * HOUR_MS;
export const SPLIT_THRESHOLD = 0.4;
export const STALE_MIN_BARS = 5;
export const GAP_MIN_WEEKDAYS = 3;

export function formatTs(ms: number, kind: FileKind): string {
  return kind === 'daily' ? formatDay(Math.floor(ms / DAY_MS)) : formatInstant(ms);
}

export function qualityReports(result: ImportResult): { reports: QualityReport[]; details: QualityDetails[] } {
  const reports: QualityReport[] = [];
  const details: QualityDetails[] = [];
  for (const f of result.tickers) {
    const q = qualityReport(f, result.kind);
    reports.push(q.report);
    details.push(q.details);
  }
  return { reports, details };
}

export function qualityDocument(result: ImportResult, reports: QualityReport[]): QualityDocument {
  return {
    file: result.file,
    timeframe: result.kind,
    adj_close_used: result.adjCloseUsed,
    bad_timestamps: result.badTimestamps,
    reports,
  };
}

/** Growable list of file rows (no boxed numbers). */
class RowList {
  private a = new Int32Array(16);
  length = 0;

  push(x: number): void {
    if (this.length === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }

  toArray(): Int32Array {
    return this.a.slice(0, this.length);
  }
}

/**
 * Checks on R in file order, in one pass: steps back in time and missing values (rows are
 * listed per column, so a missing value costs a push and a present one a comparison).
 */
function fileOrderChecks(f: TickerFrames) {
  const { r, s } = f;
  const n = r.ts.length;
  const { ts, open: o, high: h, low: l, close: c, volume: v, fileRow } = r;
  const duplicates = new RowList();
  if (n > s.length) {
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (seen.has(ts[i])) duplicates.push(fileRow[i]);
      else seen.add(ts[i]);
    }
  }
  const back = new RowList();
  const mo = new RowList();
  const mh = new RowList();
  const ml = new RowList();
  const mc = new RowList();
  const mv = new RowList();
  // every row of R in C (the usual case): no value is missing, only steps back are looked for
  const allClean = f.c.length === n;
  for (let i = 0; i < n; i++) {
    if (i > 0 && ts[i] < ts[i - 1]) back.push(fileRow[i]);
    if (allClean) continue;
    if (Number.isNaN(o[i])) mo.push(fileRow[i]);
    if (Number.isNaN(h[i])) mh.push(fileRow[i]);
    if (Number.isNaN(l[i])) ml.push(fileRow[i]);
    if (Number.isNaN(c[i])) mc.push(fileRow[i]);
    if (Number.isNaN(v[i])) mv.push(fileRow[i]);
  }
  const missingRows: Record<PriceVolumeColumn, Int32Array> = {
    open: mo.toArray(),
    high: mh.toArray(),
    low: ml.toArray(),
    close: mc.toArray(),
    volume: mv.toArray(),
  };
  const missing: Record<PriceVolumeColumn, number> = {
    open: mo.length,
    high: mh.length,
    low: ml.length,
    close: mc.length,
    volume: mv.length,
  };
  return { duplicates, back, missing, missingRows };
}

/** Checks on S (sorted, deduplicated). */
function sortedChecks(f: TickerFrames) {
  const { open: o, high: h, low: l, close: c, volume: v, fileRow } = f.r;
  const s = f.s;
  let hbm = 0;
  let lam = 0;
  let hbl = 0;
  const ohlc = new RowList();
  const nonpositive = new RowList();
  const negativeVolume = new RowList();
  const zeroVolume = new RowList();
  const flat = new RowList();
  const excluded = new RowList();
  // every row of R in C (the usual case): all values present and positive, volumes ≥ 0
  const allClean = f.c.length === fileRow.length;
  for (let j = 0; j < s.length; j++) {
    const k = s[j];
    const ok = o[k];
    const hk = h[k];
    const lk = l[k];
    const ck = c[k];
    const vk = v[k];
    if (allClean || (!Number.isNaN(ok) && !Number.isNaN(hk) && !Number.isNaN(lk) && !Number.isNaN(ck))) {
      const a = hk < Math.max(ok, ck);
      const b = lk > Math.min(ok, ck);
      const d = hk < lk;
      if (a) hbm++;
      if (b) lam++;
      if (d) hbl++;
      if (a || b || d) ohlc.push(fileRow[k]);
      if (ok === hk && hk === lk && lk === ck) flat.push(fileRow[k]);
    }
    if (vk === 0) zeroVolume.push(fileRow[k]);
    if (allClean) continue;
    if (ok <= 0 || hk <= 0 || lk <= 0 || ck <= 0) nonpositive.push(fileRow[k]);
    if (vk < 0) negativeVolume.push(fileRow[k]);
    // NaN fails every comparison: a missing value also excludes the row
    if (!(ok > 0 && hk > 0 && lk > 0 && ck > 0 && vk >= 0)) excluded.push(fileRow[k]);
  }
  return { hbm, lam, hbl, ohlc, nonpositive, negativeVolume, zeroVolume, flat, excluded };
}

/**
 * Mon–Fri calendar between C's first and last session date (sessionDays ascending), walked
 * from one present date to the next: only the days between two present dates are visited one
 * by one. A run of missing weekdays is ended only by a present weekday (weekends, present or
 * not, neither end nor extend it).
 */
function calendarChecks(sd: Int32Array) {
  const nc = sd.length;
  let expected = 0;
  const missingDates: string[] = [];
  const weekendDates: string[] = [];
  const gapRuns: GapRun[] = [];
  if (nc === 0) return { expected, missingDates, weekendDates, gapRuns };
  let runStart = -1;
  let runLen = 0;
  let runEnd = -1;
  let prev = sd[0] - 1;
  // weekday of day `prev`, kept in step with it (0 = Sunday … 6 = Saturday)
  let wd = weekdayOfDays(prev);
  for (let p = 0; p < nc; p++) {
    const d = sd[p];
    if (d === prev) continue; // another bar of the same session
    for (let m = prev + 1; m < d; m++) {
      wd = wd === 6 ? 0 : wd + 1;
      if (wd === 0 || wd === 6) continue;
      expected++;
      missingDates.push(formatDay(m));
      if (runLen === 0) runStart = m;
      runEnd = m;
      runLen++;
    }
    wd = wd === 6 ? 0 : wd + 1;
    prev = d;
    if (wd === 0 || wd === 6) {
      weekendDates.push(formatDay(d));
      continue;
    }
    expected++;
    if (runLen > 0) {
      if (runLen >= GAP_MIN_WEEKDAYS) gapRuns.push({ start: formatDay(runStart), end: formatDay(runEnd), weekdays: runLen });
      runLen = 0;
    }
  }
  // C's last date may be a weekend day, leaving a run open
  if (runLen >= GAP_MIN_WEEKDAYS) gapRuns.push({ start: formatDay(runStart), end: formatDay(runEnd), weekdays: runLen });
  return { expected, missingDates, weekendDates, gapRuns };
}

/** Suspected splits (|close-to-close return| > 40 %) and stale runs (≥ 5 equal closes) on C, in one pass. */
function closeChecks(f: TickerFrames, kind: FileKind) {
  const { ts, close } = f.bars;
  const nc = close.length;
  const rowOf = f.r.fileRow;
  const cIdx = f.c;
  const splits: SuspectedSplit[] = [];
  const splitRows = new RowList();
  const runs: StaleRun[] = [];
  const staleRows = new RowList();
  let runStart = 0;
  for (let j = 1; j <= nc; j++) {
    // C has no missing closes, so "equal to the previous close" chains into "equal to the run's first"
    if (j < nc && close[j] === close[j - 1]) continue;
    if (j - runStart >= STALE_MIN_BARS) {
      runs.push({ start: formatTs(ts[runStart], kind), end: formatTs(ts[j - 1], kind), bars: j - runStart });
      for (let q = runStart; q < j; q++) staleRows.push(rowOf[cIdx[q]]);
    }
    runStart = j;
    if (j === nc) break;
    const ret = close[j] / close[j - 1] - 1;
    if (Math.abs(ret) > SPLIT_THRESHOLD) {
      splits.push({ ts: formatTs(ts[j], kind), ret, ratio: close[j - 1] / close[j] });
      splitRows.push(rowOf[cIdx[j]]);
    }
  }
  return { splits, splitRows, runs, staleRows };
}

function intradayChecks(f: TickerFrames) {
  const ts = f.bars.ts;
  const sd = f.sessionDays;
  const nc = ts.length;
  const outside = new RowList();
  for (let j = 0; j < nc; j++) {
    const wall = utcToNewYorkWall(ts[j]);
    const tod = wall - Math.floor(wall / DAY_MS) * DAY_MS;
    if (tod < RTH_OPEN_MS || tod >= RTH_CLOSE_MS) outside.push(f.r.fileRow[f.c[j]]);
  }
  const perSession: number[] = [];
  const sessionDay: number[] = [];
  for (let j = 0; j < nc; ) {
    let k = j + 1;
    while (k < nc && sd[k] === sd[j]) k++;
    perSession.push(k - j);
    sessionDay.push(sd[j]);
    j = k;
  }
  const med = median(perSession);
  const shortDates: string[] = [];
  for (let i = 0; i < perSession.length; i++) if (perSession[i] < med) shortDates.push(formatDay(sessionDay[i]));
  return { outside, sessions: perSession.length, median: med, shortDates };
}

export function qualityReport(f: TickerFrames, kind: FileKind): { report: QualityReport; details: QualityDetails } {
  const n = f.r.ts.length;
  const nc = f.c.length;
  const fo = fileOrderChecks(f);
  const so = sortedChecks(f);
  const cal = calendarChecks(f.sessionDays);
  const cc = closeChecks(f, kind);

  const report: QualityReport = {
    ticker: f.ticker,
    status: 'pass',
    rows: n,
    bad_timestamps: f.badTimestampRows.length,
    duplicate_timestamps: n - f.s.length,
    non_monotonic_steps: fo.back.length,
    missing_values: fo.missing,
    ohlc_violations: {
      high_below_max_open_close: so.hbm,
      low_above_min_open_close: so.lam,
      high_below_low: so.hbl,
      rows: so.ohlc.length,
    },
    nonpositive_price_rows: so.nonpositive.length,
    negative_volume_rows: so.negativeVolume.length,
    zero_volume_rows: so.zeroVolume.length,
    flat_bars: so.flat.length,
    rows_clean: nc,
    first: nc > 0 ? formatTs(f.bars.ts[0], kind) : null,
    last: nc > 0 ? formatTs(f.bars.ts[nc - 1], kind) : null,
    expected_weekdays: cal.expected,
    missing_weekdays: cal.missingDates.length,
    missing_weekday_fraction: cal.expected > 0 ? cal.missingDates.length / cal.expected : null,
    weekend_dates: cal.weekendDates.length,
    gap_runs: cal.gapRuns,
    suspected_splits: cc.splits,
    stale_runs: cc.runs,
  } as QualityReport;

  let outside = new RowList();
  let shortDates: string[] = [];
  if (kind === 'intraday') {
    const id = intradayChecks(f);
    outside = id.outside;
    shortDates = id.shortDates;
    report.outside_rth_bars = id.outside.length;
    report.sessions = id.sessions;
    report.bars_per_session_median = Number.isNaN(id.median) ? null : id.median;
    report.short_sessions = id.shortDates.length;
  }
  // `issues` is added last so that it prints last
  report.issues = scoreIssues(report, kind);
  report.status = verdict(report.issues);

  const details: QualityDetails = {
    ticker: f.ticker,
    rows: {
      bad_timestamps: f.badTimestampRows,
      duplicate_timestamps: fo.duplicates.toArray(),
      non_monotonic_steps: fo.back.toArray(),
      missing_values: fo.missingRows,
      ohlc_violations: so.ohlc.toArray(),
      nonpositive_prices: so.nonpositive.toArray(),
      negative_volume: so.negativeVolume.toArray(),
      zero_volume: so.zeroVolume.toArray(),
      flat_bars: so.flat.toArray(),
      excluded_from_clean: so.excluded.toArray(),
      suspected_splits: cc.splitRows.toArray(),
      stale_runs: cc.staleRows.toArray(),
      outside_rth_bars: outside.toArray(),
    },
    dates: { missing_weekdays: cal.missingDates, weekend_dates: cal.weekendDates, short_sessions: shortDates },
  };
  return { report, details };
}

/** pandas' median: mean of the two middle values for an even count; NaN when empty. */
function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const a = Float64Array.from(xs).sort();
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** The A.4 issue list, in check order; each issue at the highest level reached. */
export function scoreIssues(q: QualityReport, kind: FileKind): QualityIssue[] {
  const n = q.rows;
  const out: QualityIssue[] = [];
  const add = (check: QualityCheck, value: number, warn: boolean, fail: boolean) => {
    if (fail) out.push({ check, level: 'fail', value });
    else if (warn) out.push({ check, level: 'warn', value });
  };
  add('empty', q.rows_clean, false, q.rows_clean === 0);
  add('bad_timestamps', q.bad_timestamps, q.bad_timestamps > 0, false);
  add('duplicate_timestamps', q.duplicate_timestamps, q.duplicate_timestamps > 0, false);
  add('non_monotonic_steps', q.non_monotonic_steps, q.non_monotonic_steps > 0, false);
  const mv = Math.max(...PRICE_VOLUME_COLUMNS.map((c) => q.missing_values[c]));
  add('missing_values', mv, mv > 0, mv > 0.05 * n);
  const ov = q.ohlc_violations.rows;
  add('ohlc_violations', ov, ov > 0, ov > 0.01 * n);
  add('nonpositive_prices', q.nonpositive_price_rows, q.nonpositive_price_rows > 0, q.nonpositive_price_rows > 0.01 * n);
  add('negative_volume', q.negative_volume_rows, q.negative_volume_rows > 0, q.negative_volume_rows > 0.01 * n);
  add('zero_volume', q.zero_volume_rows, q.zero_volume_rows > 0.01 * n, q.zero_volume_rows > 0.25 * n);
  add('flat_bars', q.flat_bars, q.flat_bars > 0.05 * n, false);
  const frac = q.missing_weekday_fraction ?? Number.NaN;
  add('missing_weekdays', q.missing_weekdays, frac > 0.05, frac > 0.2);
  add('gap_runs', q.gap_runs.length, q.gap_runs.length > 0, false);
  add('weekend_dates', q.weekend_dates, q.weekend_dates > 0, false);
  add('suspected_splits', q.suspected_splits.length, q.suspected_splits.length > 0, false);
  add('stale_runs', q.stale_runs.length, q.stale_runs.length > 0, false);
  if (kind === 'intraday') {
    const rth = q.outside_rth_bars ?? 0;
    add('outside_rth_bars', rth, rth > 0, false);
  }
  return out;
}

export function verdict(issues: readonly QualityIssue[]): QualityVerdict {
  if (issues.some((i) => i.level === 'fail')) return 'fail';
  return issues.length > 0 ? 'warn' : 'pass';
}
