/**
 * Core features against the independent pandas/numpy reference
 * (tests/reference/features/features_ref.py) on real daily files.
 */
import { describe, expect, it } from 'vitest';
import { isoDay } from '../../../src/engine/core/time';
import { CORE_FEATURE_NAMES, computeCoreFeatures } from '../../../src/engine/features/registry';
import { filterRows, loadReal, readRefTable, worstRelError } from './helpers';

const TOL7 = new Set(['bb_pctb_20', 'zscore_20', 'volume_z_20', 'skew_60', 'kurt_60']);

const CASES = [
  { name: 'AAPL_vs_SPY', ticker: 'AAPL', bench: 'SPY', dropEvery: 0 },
  { name: 'JPM_vs_SPYgaps', ticker: 'JPM', bench: 'SPY', dropEvery: 13 },
  { name: 'TSLA_vs_SPY', ticker: 'TSLA', bench: 'SPY', dropEvery: 0 },
  { name: 'GS_nobench', ticker: 'GS', bench: null, dropEvery: 0 },
] as const;

describe('core features match the reference', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const ref = readRefTable(`${c.name}.csv.gz`);
      expect(ref.header).toEqual([...CORE_FEATURE_NAMES]);
      const bars = loadReal(c.ticker);
      let bench = c.bench ? loadReal(c.bench) : null;
      if (bench && c.dropEvery) bench = filterRows(bench, (i) => i % c.dropEvery !== c.dropEvery - 1);
      const { names, columns } = computeCoreFeatures(bars, bench);
      expect(names).toEqual([...CORE_FEATURE_NAMES]);
      expect(ref.rows.map((r) => isoDay(bars.ts[r]))).toEqual(ref.dates);
      const report: string[] = [];
      for (let j = 0; j < names.length; j++) {
        const got = ref.rows.map((r) => columns[j][r]);
        const { worst, at } = worstRelError(got, ref.values[j]);
        const tol = TOL7.has(names[j]) ? 1e-7 : 1e-9;
        if (!(worst <= tol)) {
          report.push(`${names[j]}: worst ${worst} at row ${ref.rows[at]} (got ${got[at]}, ref ${ref.values[j][at]})`);
        }
      }
      expect(report).toEqual([]);
    });
  }
});
