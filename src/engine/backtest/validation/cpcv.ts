/**
 * Combinatorial purged cross-validation (spec §3.3). n samples in time order are cut into
 * `partitions` contiguous groups of ⌊n/partitions⌋ (the last absorbs the remainder); every
 * choice of `testPartitions` groups is one split (a seeded random subset of
 * `maxCombinations` when there are more, kept in combination order). Train = every sample
 * outside the test groups and outside [start − purge, end + embargo) around each test group
 * (purge guards labels that overlap the test period, embargo the serial correlation after it).
 * `cpcvValidate` keeps splits with ≥ 60 train and ≥ 30 test samples and reports IS/OOS
 * Spearman and the mean actual of OOS longs; it passes when the median OOS correlation > 0,
 * the share of positive OOS correlations ≥ 0.55 and the mean OOS long return > 0.
 */
import { Prng } from '../../core/prng';
import { binomial, maskMembers, subsetMasks } from './combinations';
import { subsetSpearman } from './ranks';

export interface CpcvOptions {
  partitions?: number;
  testPartitions?: number;
  purge?: number;
  embargo?: number;
  maxCombinations?: number;
  seed?: number;
}

export interface CpcvSplit {
  /** test partitions, ascending */
  testGroups: number[];
  train: Int32Array;
  test: Int32Array;
}

export function cpcvSplits(n: number, opts: CpcvOptions = {}): CpcvSplit[] {
  const P = opts.partitions ?? 8;
  const K = opts.testPartitions ?? 4;
  const purge = opts.purge ?? 10;
  const embargo = opts.embargo ?? 5;
  const maxC = opts.maxCombinations ?? 200;
  if (!Number.isInteger(P) || P < 2 || P > 30) throw new RangeError(`partitions must be an integer in [2, 30] (got ${P})`);
  if (!Number.isInteger(K) || K < 1 || K >= P) throw new RangeError(`testPartitions must be in [1, ${P - 1}] (got ${K})`);
  if (n < P) throw new RangeError(`${n} samples cannot form ${P} partitions`);
  const size = Math.floor(n / P);
  const start = (g: number) => g * size;
  const end = (g: number) => (g === P - 1 ? n : (g + 1) * size);
  let masks = subsetMasks(P, K);
  if (masks.length > maxC) {
    const rng = new Prng(opts.seed ?? 42);
    const pick = Array.from(rng.permutation(binomial(P, K)).subarray(0, maxC)).sort((a, b) => a - b);
    masks = Int32Array.from(pick, (i) => masks[i]);
  }
  const out: CpcvSplit[] = [];
  const excluded = new Uint8Array(n);
  for (const mask of masks) {
    const groups = maskMembers(mask, P);
    excluded.fill(0);
    let nTest = 0;
    for (const g of groups) {
      nTest += end(g) - start(g);
      const lo = Math.max(0, start(g) - purge);
      const hi = Math.min(n, end(g) + embargo);
      for (let k = lo; k < hi; k++) excluded[k] = 1;
    }
    const test = new Int32Array(nTest);
    let j = 0;
    for (const g of groups) for (let k = start(g); k < end(g); k++) test[j++] = k;
    let nTrain = 0;
    for (let k = 0; k < n; k++) if (!excluded[k]) nTrain++;
    const train = new Int32Array(nTrain);
    j = 0;
    for (let k = 0; k < n; k++) if (!excluded[k]) train[j++] = k;
    out.push({ testGroups: groups, train, test });
  }
  return out;
}

export interface CpcvResult {
  n: number;
  splits: number;
  isCorr: number[];
  oosCorr: number[];
  oosLongMean: number[];
  medianOosCorr: number;
  fractionPositiveOos: number;
  meanOosLongReturn: number;
  passes: boolean;
  bestOosCorr: number;
  worstOosCorr: number;
  reason: string | null;
}

export function cpcvValidate(predicted: Float64Array, actual: Float64Array, entryThreshold = 0.005, opts: CpcvOptions = {}): CpcvResult {
  const keep: number[] = [];
  for (let k = 0; k < predicted.length; k++) if (Number.isFinite(predicted[k]) && Number.isFinite(actual[k])) keep.push(k);
  const p = Float64Array.from(keep, (k) => predicted[k]);
  const a = Float64Array.from(keep, (k) => actual[k]);
  const n = p.length;
  const empty: CpcvResult = {
    n,
    splits: 0,
    isCorr: [],
    oosCorr: [],
    oosLongMean: [],
    medianOosCorr: Number.NaN,
    fractionPositiveOos: Number.NaN,
    meanOosLongReturn: Number.NaN,
    passes: false,
    bestOosCorr: Number.NaN,
    worstOosCorr: Number.NaN,
    reason: null,
  };
  if (n < 200) return { ...empty, reason: `only ${n} samples: CPCV needs at least 200` };
  const isCorr: number[] = [];
  const oosCorr: number[] = [];
  const oosLongMean: number[] = [];
  const corr = subsetSpearman(p, a);
  for (const s of cpcvSplits(n, opts)) {
    if (s.train.length < 60 || s.test.length < 30) continue;
    const ic = corr(s.train);
    const oc = corr(s.test);
    isCorr.push(Number.isNaN(ic) ? 0 : ic);
    oosCorr.push(Number.isNaN(oc) ? 0 : oc);
    let sum = 0;
    let cnt = 0;
    for (const k of s.test) {
      if (p[k] > entryThreshold) {
        sum += a[k];
        cnt++;
      }
    }
    oosLongMean.push(cnt > 0 ? sum / cnt : 0);
  }
  if (oosCorr.length === 0) return { ...empty, reason: 'no split had ≥ 60 train and ≥ 30 test samples' };
  const sorted = [...oosCorr].sort((x, y) => x - y);
  const m = sorted.length;
  const median = m % 2 ? sorted[(m - 1) / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
  const positive = oosCorr.filter((x) => x > 0).length / m;
  const meanLong = oosLongMean.reduce((s, x) => s + x, 0) / m;
  return {
    n,
    splits: m,
    isCorr,
    oosCorr,
    oosLongMean,
    medianOosCorr: median,
    fractionPositiveOos: positive,
    meanOosLongReturn: meanLong,
    passes: median > 0 && positive >= 0.55 && meanLong > 0,
    bestOosCorr: sorted[m - 1],
    worstOosCorr: sorted[0],
    reason: null,
  };
}
