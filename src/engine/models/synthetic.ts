/**
 * A seeded regression data set for model tests and benchmarks, defined with +, −, ×, ÷ and
 * comparisons only, so an independent implementation (tests/reference/models/gbdt_ref.py
 * ports the PRNG) regenerates it bit for bit without shipping the data.
 *
 * Draw order, per row: F uniforms u → x_j = 2u − 1; one uniform m → x_5 missing (NaN) when
 * m < missingRate (F > 5); four uniforms v → noise = noiseScale·(v1 + v2 + v3 + v4 − 2).
 * Target: 1[x0 > 0.2] + x1·x2 + 0.5·x3 + 0.3·x4² − 0.4·|x6| + (x5 missing ? 0.5 : 0.5·x5)
 * + 0.25·x7·1[x8 > 0] + noise (terms whose feature does not exist are 0).
 */
import { Prng } from '../core/prng';

export interface SyntheticRegression {
  columns: Float64Array[];
  y: Float64Array;
}

export interface SyntheticOptions {
  rows: number;
  features: number;
  seed: number;
  missingRate?: number;
  noiseScale?: number;
}

export function syntheticRegression(o: SyntheticOptions): SyntheticRegression {
  const { rows: n, features: F, seed } = o;
  const missingRate = o.missingRate ?? 0.05;
  const noiseScale = o.noiseScale ?? 0.3;
  const prng = new Prng(seed);
  const columns = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const x = new Float64Array(Math.max(F, 9));
  for (let i = 0; i < n; i++) {
    x.fill(0);
    for (let j = 0; j < F; j++) x[j] = 2 * prng.next() - 1;
    const m = prng.next();
    const missing = F > 5 && m < missingRate;
    const noise = noiseScale * (prng.next() + prng.next() + prng.next() + prng.next() - 2);
    let t = (x[0] > 0.2 ? 1 : 0) + x[1] * x[2] + 0.5 * x[3] + 0.3 * x[4] * x[4] - 0.4 * Math.abs(x[6]);
    t += F > 5 ? (missing ? 0.5 : 0.5 * x[5]) : 0;
    t += 0.25 * x[7] * (x[8] > 0 ? 1 : 0);
    y[i] = t + noise;
    for (let j = 0; j < F; j++) columns[j][i] = j === 5 && missing ? Number.NaN : x[j];
  }
  return { columns, y };
}
