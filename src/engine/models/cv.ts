/**
 * Purged cross-validation over time (spec §4.1, López de Prado's purging and embargo).
 *
 * Rows carry the index of their date among the sorted unique dates (`dateIndex`) and of the
 * date their label is realised (`labelEnd`, t + h bars: the label window is [date, labelEnd]).
 * No training row's label window may overlap a test row's label window.
 *
 * Walk-forward (default, spec): fold size fs = ⌊U/(k+1)⌋; fold i tests dates
 * [(i+1)·fs + embargo, min((i+2)·fs, U)) and trains on dates [max(0, e − maxTrainDates), e)
 * with e = (i+1)·fs − purge (purge = h): training always precedes testing, with a gap of
 * purge + embargo dates. On top of the date ranges, any training row whose label ends at or
 * after the first test date is purged (this also covers tickers whose h bars span more than h
 * calendar dates).
 *
 * Purged k-fold: the same k test blocks ([(i+1)·fs, (i+2)·fs)) are tested in turn and everything else
 * trains, except rows whose label window reaches the test block (purged before it) and rows
 * within `embargo` dates after the last test label (embargoed after it).
 */

export type CvMode = 'walk-forward' | 'purged-kfold';

export interface CvOptions {
  horizon: number;
  /** default: min(5, max(2, ⌊U/120⌋)) */
  folds?: number;
  /** default: max(1, ⌊h/2⌋) */
  embargo?: number;
  /** rolling cap on training dates (spec WF_MAX_TRAIN_DATES 1260); null = expanding */
  maxTrainDates?: number | null;
  mode?: CvMode;
  /** folds with fewer rows are skipped (spec: 100 train, 20 test) */
  minTrainRows?: number;
  minTestRows?: number;
}

export interface CvFold {
  index: number;
  /** unique-date index ranges [start, end) */
  trainDates: [number, number];
  testDates: [number, number];
  /** row indices, ascending */
  train: Int32Array;
  test: Int32Array;
}

export interface CvPlan {
  folds: CvFold[];
  /** folds dropped for too few rows, with the reason */
  skipped: { index: number; reason: string }[];
  purge: number;
  embargo: number;
  foldSize: number;
}

export const DEFAULT_MAX_TRAIN_DATES = 1260;

export function defaultFolds(uniqueDates: number): number {
  return Math.min(5, Math.max(2, Math.floor(uniqueDates / 120)));
}

export function defaultEmbargo(h: number): number {
  return Math.max(1, Math.floor(h / 2));
}

function checkInt(v: number, what: string, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw new Error(`CV: ${what} must be an integer ≥ ${min} (got ${v})`);
}

/**
 * The folds for rows with the given date and label-end indices (unique-date units, both
 * ascending-compatible: labelEnd ≥ dateIndex; labelEnd may exceed U − 1 for labels realised
 * after the last date).
 */
export function purgedFolds(dateIndex: Int32Array, labelEnd: Int32Array, uniqueDates: number, opts: CvOptions): CvPlan {
  const n = dateIndex.length;
  if (labelEnd.length !== n) throw new Error(`CV: labelEnd has ${labelEnd.length} rows, dateIndex has ${n}`);
  const U = uniqueDates;
  checkInt(opts.horizon, 'horizon', 1);
  const k = opts.folds ?? defaultFolds(U);
  checkInt(k, 'folds', 1);
  const purge = opts.horizon;
  const embargo = opts.embargo ?? defaultEmbargo(opts.horizon);
  checkInt(embargo, 'embargo', 0);
  const cap = opts.maxTrainDates === undefined ? DEFAULT_MAX_TRAIN_DATES : opts.maxTrainDates;
  if (cap !== null) checkInt(cap, 'maxTrainDates', 1);
  const mode = opts.mode ?? 'walk-forward';
  const minTrain = opts.minTrainRows ?? 100;
  const minTest = opts.minTestRows ?? 20;
  for (let r = 0; r < n; r++) {
    const d = dateIndex[r];
    if (!(d >= 0 && d < U)) throw new Error(`CV: row ${r} has date index ${d} outside [0, ${U})`);
    if (!(labelEnd[r] >= d)) throw new Error(`CV: row ${r} has label end ${labelEnd[r]} before its date ${d}`);
  }
  const fs = Math.floor(U / (k + 1));
  const folds: CvFold[] = [];
  const skipped: { index: number; reason: string }[] = [];
  if (fs < 1) {
    skipped.push({ index: -1, reason: `${U} unique dates cannot make ${k} folds` });
    return { folds, skipped, purge, embargo, foldSize: fs };
  }
  for (let i = 0; i < k; i++) {
    const testStart = mode === 'walk-forward' ? (i + 1) * fs + embargo : (i + 1) * fs;
    const testEnd = Math.min((i + 2) * fs, U);
    if (testStart >= testEnd) {
      skipped.push({ index: i, reason: `embargo ${embargo} leaves no test dates in block ${i}` });
      continue;
    }
    const test: number[] = [];
    for (let r = 0; r < n; r++) if (dateIndex[r] >= testStart && dateIndex[r] < testEnd) test.push(r);
    let trainDates: [number, number];
    const train: number[] = [];
    if (mode === 'walk-forward') {
      const e = (i + 1) * fs - purge;
      const s = cap === null ? 0 : Math.max(0, e - cap);
      trainDates = [s, Math.max(s, e)];
      for (let r = 0; r < n; r++) {
        const d = dateIndex[r];
        if (d >= s && d < e && labelEnd[r] < testStart) train.push(r);
      }
    } else {
      // The test rows' label windows end by `lastLabel`; training after the block starts
      // `embargo` dates later. Before the block, labels must end before it starts.
      let lastLabel = testEnd - 1;
      for (const r of test) if (labelEnd[r] > lastLabel) lastLabel = labelEnd[r];
      const resume = lastLabel + 1 + embargo;
      trainDates = [0, U];
      for (let r = 0; r < n; r++) {
        const d = dateIndex[r];
        if ((d < testStart && labelEnd[r] < testStart) || d >= resume) train.push(r);
      }
    }
    if (train.length < minTrain || test.length < minTest) {
      skipped.push({ index: i, reason: `${train.length} train / ${test.length} test rows (need ${minTrain} / ${minTest})` });
      continue;
    }
    folds.push({ index: i, trainDates, testDates: [testStart, testEnd], train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return { folds, skipped, purge, embargo, foldSize: fs };
}

/** Unique sorted values of `ts` and each row's index among them. */
export function indexDates(ts: Float64Array): { dates: Float64Array; dateIndex: Int32Array } {
  const dates = Float64Array.from(new Set(ts)).sort();
  const pos = new Map<number, number>();
  for (let i = 0; i < dates.length; i++) pos.set(dates[i], i);
  return { dates, dateIndex: Int32Array.from(ts, (t) => pos.get(t) as number) };
}
