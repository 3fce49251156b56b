import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { memberFactory } from '../../../src/engine/models/member';
import { fitMlp, MlpModel, mlpLayout, mlpLossAndGradient, mlpScratch } from '../../../src/engine/models/mlp';
import { r2 } from '../../../src/engine/models/metrics';

function data(n: number, seed: number, f: (a: number, b: number) => number) {
  const p = new Prng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const noise = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = p.next() * 4 - 2;
    b[i] = p.next() * 4 - 2;
    noise[i] = p.normal();
    y[i] = f(a[i], b[i]);
  }
  return { columns: [a, b, noise], y };
}

describe('MLP member', () => {
  it('gradient equals central finite differences of the weighted loss', () => {
    const L = mlpLayout([3, 5, 4, 1]);
    const p = new Prng(11);
    const theta = Float64Array.from({ length: L.total }, () => p.normal() * 0.7);
    const B = 7;
    const s = mlpScratch(L, B);
    const x = Float64Array.from({ length: B * 3 }, () => p.normal());
    const y = Float64Array.from({ length: B }, () => p.normal());
    const w = Float64Array.from({ length: B }, () => 0.2 + p.next());
    const grad = new Float64Array(L.total);
    s.acts[0].set(x);
    mlpLossAndGradient(L, theta, s, B, y, w, grad);
    const g2 = new Float64Array(L.total);
    const h = 1e-6;
    let checked = 0;
    for (let k = 0; k < L.total; k++) {
      const t = theta.slice();
      t[k] += h;
      s.acts[0].set(x);
      const up = mlpLossAndGradient(L, t, s, B, y, w, g2);
      t[k] -= 2 * h;
      s.acts[0].set(x);
      const down = mlpLossAndGradient(L, t, s, B, y, w, g2);
      const fd = (up - down) / (2 * h);
      expect(Math.abs(fd - grad[k])).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      checked++;
    }
    expect(checked).toBe(3 * 5 + 5 + 5 * 4 + 4 + 4 + 1);
  });

  it('fits a nonlinear function (sin·x plus an interaction) well beyond a linear model', () => {
    const f = (a: number, b: number) => Math.sin(1.5 * a) + 0.5 * a * b;
    const train = data(3000, 1, f);
    const test = data(1000, 2, f);
    const m = fitMlp(train.columns, train.y, { hidden: [32, 16], learningRate: 0.01, batchSize: 64, maxEpochs: 60, patience: 8, seed: 5 });
    const fit = r2(m.predict(test.columns), test.y);
    expect(fit).toBeGreaterThan(0.95);
    // A linear model cannot explain the interaction/sine: R² well below (hand check of the gap).
    const lin = memberFactory('ridge').fit({ columns: train.columns, y: train.y, sampleWeight: null, seed: 0, earlyStopping: false }, { alpha: 1 });
    const linFit = r2((lin as { predict(c: readonly Float64Array[]): Float64Array }).predict(test.columns), test.y);
    expect(linFit).toBeLessThan(0.75);
    expect(m.epochs).toBeGreaterThan(1);
    expect(m.validationLoss.length).toBe(m.epochs);
  });

  it('same seed → identical weights and JSON; another seed → different weights', () => {
    const d = data(400, 3, (a, b) => Math.max(0, a) - b);
    const a = fitMlp(d.columns, d.y, { hidden: [8], maxEpochs: 5, seed: 9 });
    const b = fitMlp(d.columns, d.y, { hidden: [8], maxEpochs: 5, seed: 9 });
    const c = fitMlp(d.columns, d.y, { hidden: [8], maxEpochs: 5, seed: 10 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(Array.from(a.theta)).not.toEqual(Array.from(c.theta));
  });

  it('round-trips through JSON with identical predictions, fills NaN inputs, never mutates inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 30, max: 120 }), (seed, n) => {
        const d = data(n, seed, (a, b) => a * b);
        d.columns[0][0] = Number.NaN;
        const before = d.columns.map((c) => c.slice());
        const m = fitMlp(d.columns, d.y, { hidden: [4, 3], maxEpochs: 3, seed });
        expect(d.columns.map((c) => Array.from(c))).toEqual(before.map((c) => Array.from(c)));
        const back = MlpModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
        const p1 = m.predict(d.columns);
        expect(Array.from(back.predict(d.columns))).toEqual(Array.from(p1));
        for (const v of p1) expect(Number.isFinite(v)).toBe(true);
        const imp = m.featureImportance();
        expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      }),
      { numRuns: 15 },
    );
  });

  it('is an optional ensemble member: registered, but not among the defaults', async () => {
    const { DEFAULT_MEMBERS } = await import('../../../src/engine/models/member');
    expect(DEFAULT_MEMBERS.some((m) => m.kind === 'mlp')).toBe(false);
    const d = data(300, 4, (a) => a * a);
    const member = await memberFactory('mlp').fit({ columns: d.columns, y: d.y, sampleWeight: null, seed: 3, earlyStopping: true }, { hidden: [8], maxEpochs: 4 });
    expect(member.kind).toBe('mlp');
    const back = memberFactory('mlp').fromJSON(member.toJSON());
    expect(Array.from(back.predict(d.columns))).toEqual(Array.from(member.predict(d.columns)));
  });

  it('rejects bad inputs with specific errors', () => {
    const d = data(50, 5, (a) => a);
    expect(() => fitMlp(d.columns, d.y, { hidden: [1, 2, 3] })).toThrow(/one or two/);
    const y = d.y.slice();
    y[7] = Number.NaN;
    expect(() => fitMlp(d.columns, y)).toThrow(/target row 7/);
    const m = fitMlp(d.columns, d.y, { hidden: [2], maxEpochs: 1 });
    expect(() => m.predict(d.columns.slice(0, 2))).toThrow(/3 features, input has 2/);
  });
});
