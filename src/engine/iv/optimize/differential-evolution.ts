/**
 * Differential evolution (Storn & Price), strategy best/1/bin with per-generation dithered
 * mutation factor, Latin-hypercube initial population, out-of-bounds trial components
 * redrawn uniformly inside the box (as scipy does). Randomness comes only from the given
 * Prng, so a seed derived from the inputs makes the result bit-reproducible.
 */
import type { Prng } from '../../core/prng';

export type Objective = (x: Float64Array) => number;

export interface DeOptions {
  /** population size (default 15 × dimension, at least 10) */
  popSize?: number;
  /** generations after the initial population (default 100) */
  maxGenerations?: number;
  /** mutation factor range for dithering (default [0.5, 1)) */
  mutation?: [number, number];
  /** crossover probability (default 0.7) */
  crossover?: number;
  /** stop when std(energies) ≤ atol + tol·|mean(energies)| (defaults 0 and 1e-8) */
  tol?: number;
  atol?: number;
  /** points to place in the initial population (clipped to the box) */
  seeds?: readonly Float64Array[];
  /** called after each generation; return true to stop early */
  onGeneration?: (generation: number, best: number) => boolean | undefined;
}

export interface DeResult {
  x: Float64Array;
  fx: number;
  generations: number;
  evaluations: number;
  converged: boolean;
}

/** Non-finite objective values rank last without poisoning the convergence test. */
function energy(f: Objective, x: Float64Array): number {
  const v = f(x);
  return Number.isFinite(v) ? v : Number.MAX_VALUE;
}

export function differentialEvolution(
  f: Objective,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  rng: Prng,
  opts: DeOptions = {},
): DeResult {
  const dim = lower.length;
  if (upper.length !== dim || dim === 0) throw new RangeError('differentialEvolution: bounds must have equal, non-zero length');
  for (let d = 0; d < dim; d++) {
    if (!(upper[d] >= lower[d])) throw new RangeError(`differentialEvolution: bound ${d} has upper < lower`);
  }
  const np = Math.max(opts.popSize ?? 15 * dim, 5);
  const maxGen = opts.maxGenerations ?? 100;
  const [fLo, fHi] = opts.mutation ?? [0.5, 1];
  const cr = opts.crossover ?? 0.7;
  const tol = opts.tol ?? 1e-8;
  const atol = opts.atol ?? 0;

  const pop: Float64Array[] = [];
  // Latin hypercube: each dimension's strata are permuted independently.
  const perms: Int32Array[] = [];
  for (let d = 0; d < dim; d++) perms.push(rng.permutation(np));
  for (let i = 0; i < np; i++) {
    const x = new Float64Array(dim);
    for (let d = 0; d < dim; d++) x[d] = lower[d] + ((perms[d][i] + rng.next()) / np) * (upper[d] - lower[d]);
    pop.push(x);
  }
  const seeds = opts.seeds ?? [];
  for (let s = 0; s < seeds.length && s < np; s++) {
    for (let d = 0; d < dim; d++) pop[s][d] = Math.min(upper[d], Math.max(lower[d], seeds[s][d]));
  }
  const fit = new Float64Array(np);
  let evaluations = 0;
  let best = 0;
  for (let i = 0; i < np; i++) {
    fit[i] = energy(f, pop[i]);
    evaluations++;
    if (fit[i] < fit[best]) best = i;
  }
  const trial = new Float64Array(dim);
  let generations = 0;
  let converged = false;
  for (let g = 0; g < maxGen; g++) {
    const F = fLo + rng.next() * (fHi - fLo);
    for (let i = 0; i < np; i++) {
      let r1: number;
      let r2: number;
      do r1 = rng.int(np);
      while (r1 === i);
      do r2 = rng.int(np);
      while (r2 === i || r2 === r1);
      const jrand = rng.int(dim);
      const xb = pop[best];
      const x1 = pop[r1];
      const x2 = pop[r2];
      const xi = pop[i];
      for (let d = 0; d < dim; d++) {
        if (d === jrand || rng.next() < cr) {
          let v = xb[d] + F * (x1[d] - x2[d]);
          if (v < lower[d] || v > upper[d]) v = lower[d] + rng.next() * (upper[d] - lower[d]);
          trial[d] = v;
        } else {
          trial[d] = xi[d];
        }
      }
      const ft = energy(f, trial);
      evaluations++;
      if (ft <= fit[i]) {
        xi.set(trial);
        fit[i] = ft;
        if (ft < fit[best]) best = i;
      }
    }
    generations = g + 1;
    let mean = 0;
    for (let i = 0; i < np; i++) mean += fit[i];
    mean /= np;
    let v = 0;
    for (let i = 0; i < np; i++) v += (fit[i] - mean) * (fit[i] - mean);
    const sd = Math.sqrt(v / np);
    if (opts.onGeneration?.(generations, fit[best])) break;
    if (Number.isFinite(sd) && sd <= atol + tol * Math.abs(mean)) {
      converged = true;
      break;
    }
  }
  return { x: Float64Array.from(pop[best]), fx: fit[best], generations, evaluations, converged };
}
