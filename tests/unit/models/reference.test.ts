import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { fitBinMapper } from '../../../src/engine/models/gbdt/binning';
import { fitGbdt } from '../../../src/engine/models/gbdt/model';
import type { GbdtParams } from '../../../src/engine/models/gbdt/params';
import { r2 } from '../../../src/engine/models/metrics';
import { fitRidge } from '../../../src/engine/models/ridge';
import { syntheticRegression } from '../../../src/engine/models/synthetic';

/**
 * Against tests/fixtures/models/gbdt_ref.json, produced by tests/reference/models/gbdt_ref.py
 * with Debian's scikit-learn (HistGradientBoostingRegressor, Ridge) and numpy (lstsq) on the
 * same seeded data sets, regenerated on both sides.
 */
interface Checksum {
  x_sum: number;
  x_nan: number;
  y_sum: number;
  y_first: number;
  y_last: number;
}
const REF = JSON.parse(readFileSync(new URL('../../fixtures/models/gbdt_ref.json', import.meta.url), 'utf8'));

function expectSameData(cols: Float64Array[], y: Float64Array, c: Checksum) {
  let xs = 0;
  let nan = 0;
  for (const col of cols) {
    for (const v of col) {
      if (Number.isNaN(v)) nan++;
      else xs += v;
    }
  }
  let ys = 0;
  for (const v of y) ys += v;
  expect(nan).toBe(c.x_nan);
  // Sums differ only by summation order (numpy sums pairwise); single values match exactly.
  expect(xs).toBeCloseTo(c.x_sum, 9);
  expect(ys).toBeCloseTo(c.y_sum, 9);
  expect(y[0]).toBe(c.y_first);
  expect(y[y.length - 1]).toBe(c.y_last);
}

describe('GBDT vs scikit-learn HistGradientBoostingRegressor', () => {
  const D = REF.gbdt.data;
  const d = syntheticRegression({ rows: D.train_rows + D.test_rows, features: D.features, seed: D.seed });
  const tr = d.columns.map((c) => c.subarray(0, D.train_rows));
  const te = d.columns.map((c) => c.subarray(D.train_rows));
  const ytr = d.y.subarray(0, D.train_rows);
  const yte = d.y.subarray(D.train_rows);

  it('regenerates the reference data set bit for bit', () => {
    expectSameData(d.columns, d.y, D.checksum);
  });

  it('finds the same bin thresholds (midpoint percentiles, missing values ignored)', () => {
    const m = fitBinMapper(tr, null, 255, new Prng(0));
    for (const j of ['0', '5']) expect(Array.from(m.thresholds[Number(j)])).toEqual(REF.gbdt.bin_thresholds[j]);
  });

  for (const c of REF.gbdt.cases as { name: string; settings: Partial<GbdtParams>; test_r2: number; train_r2: number }[]) {
    it(`${c.name}: test R² within 0.01 of scikit-learn (${c.test_r2.toFixed(4)})`, () => {
      const m = fitGbdt(tr, ytr, { ...c.settings, maxDepth: c.settings.maxDepth ?? null, maxLeafNodes: c.settings.maxLeafNodes ?? null });
      expect(Math.abs(r2(m.predict(te), yte) - c.test_r2)).toBeLessThan(0.01);
      expect(Math.abs(r2(m.predict(tr), ytr) - c.train_r2)).toBeLessThan(0.01);
    });
  }
});

describe('ridge vs numpy lstsq and scikit-learn Ridge', () => {
  const D = REF.ridge.data;
  const d = syntheticRegression({ rows: D.rows, features: D.features, seed: D.seed, missingRate: D.missingRate });

  it('regenerates the reference data set', () => {
    expectSameData(d.columns, d.y, D.checksum);
  });

  it('alpha = 0 is ordinary least squares (numpy lstsq)', () => {
    const m = fitRidge(d.columns, d.y, { alpha: 0 });
    expect(m.intercept).toBeCloseTo(REF.ridge.lstsq.intercept, 10);
    m.coef.forEach((b, j) => {
      expect(b).toBeCloseTo(REF.ridge.lstsq.coef[j], 10);
    });
  });

  for (const a of REF.ridge.alphas as { alpha: number; coef: number[]; intercept: number }[]) {
    it(`alpha = ${a.alpha} on standardised inputs matches scikit-learn Ridge`, () => {
      const m = fitRidge(d.columns, d.y, { alpha: a.alpha });
      expect(m.intercept).toBeCloseTo(a.intercept, 10);
      m.coef.forEach((b, j) => {
        expect(b).toBeCloseTo(a.coef[j], 10);
      });
    });
  }
});
