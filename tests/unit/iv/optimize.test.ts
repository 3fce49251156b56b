import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { differentialEvolution } from '../../../src/engine/iv/optimize/differential-evolution';
import { lbfgsb } from '../../../src/engine/iv/optimize/lbfgsb';
import { levenbergMarquardt } from '../../../src/engine/iv/optimize/levenberg-marquardt';

const rosen = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
  return s;
};

describe('optimisers', () => {
  it('differential evolution finds the global minimum of a multimodal function, reproducibly', () => {
    // Rastrigin in 3-D: global minimum 0 at the origin among many local minima.
    const rastrigin = (x: Float64Array) => {
      let s = 30;
      for (let i = 0; i < 3; i++) s += x[i] * x[i] - 10 * Math.cos(2 * Math.PI * x[i]);
      return s;
    };
    const run = () => differentialEvolution(rastrigin, [-5.12, -5.12, -5.12], [5.12, 5.12, 5.12], new Prng(7), { maxGenerations: 300 });
    const a = run();
    expect(a.fx).toBeLessThan(1e-6);
    for (const v of a.x) expect(Math.abs(v)).toBeLessThan(1e-3);
    const b = run();
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(b.evaluations).toBe(a.evaluations);
    // A different seed explores differently.
    const c = differentialEvolution(rastrigin, [-5.12, -5.12, -5.12], [5.12, 5.12, 5.12], new Prng(8), { maxGenerations: 5 });
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
  });

  it('projected L-BFGS solves Rosenbrock and stops on an active bound', () => {
    const free = lbfgsb(rosen, [-1.2, 1, -0.5, 0.8], [-5, -5, -5, -5], [5, 5, 5, 5], { maxIterations: 500 });
    for (const v of free.x) expect(Math.abs(v - 1)).toBeLessThan(1e-5);
    // With x0 ≤ 0.5 the constrained optimum of 2-D Rosenbrock is on the bound x0 = 0.5.
    const bounded = lbfgsb(rosen, [-1, 2], [-2, -2], [0.5, 2], { maxIterations: 500 });
    expect(bounded.x[0]).toBe(0.5);
    expect(Math.abs(bounded.x[1] - 0.25)).toBeLessThan(1e-5);
  });

  it('Levenberg–Marquardt fits an exponential decay and respects bounds', () => {
    const t = Float64Array.from({ length: 30 }, (_, i) => i * 0.2);
    const y = t.map((ti) => 2.5 * Math.exp(-1.3 * ti) + 0.4);
    const res = (x: Float64Array, out: Float64Array) => {
      for (let i = 0; i < t.length; i++) out[i] = x[0] * Math.exp(-x[1] * t[i]) + x[2] - y[i];
    };
    const fit = levenbergMarquardt(res, t.length, [1, 0.5, 0], [0, 0, -1], [10, 10, 1]);
    expect(Math.abs(fit.x[0] - 2.5)).toBeLessThan(1e-7);
    expect(Math.abs(fit.x[1] - 1.3)).toBeLessThan(1e-7);
    expect(Math.abs(fit.x[2] - 0.4)).toBeLessThan(1e-7);
    const capped = levenbergMarquardt(res, t.length, [1, 0.5, 0], [0, 0, -1], [2, 10, 1]);
    expect(capped.x[0]).toBe(2);
  });
});
