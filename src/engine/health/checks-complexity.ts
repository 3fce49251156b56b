/**
 * Complexity checks: degrees of freedom (features vs observations of the latest model), the
 * knob inventory (tunable parameters of the latest backtest, model and gate) and the
 * multiple-testing haircut implied by the number of strategies tried.
 */
import { FEATURES } from '../features/registry';
import { band, type CheckDef, measured, unavailable } from './check';
import { latestBacktest } from './checks-execution';
import type { HealthCheckItem, HealthInputs, HealthModel, HealthReport } from './types';

const D = 'complexity' as const;

export const COMPLEXITY_CHECKS = {
  dof: {
    id: 'features_per_observation',
    name: 'Features per observation',
    domain: D,
    severity: 'standard',
    methodology: 'Features / training rows of the latest trained model (degrees of freedom used by the inputs alone).',
    thresholds: { pass_ratio: 0.01, warn_ratio: 0.05 },
  },
  knobs: {
    id: 'knob_count',
    name: 'Tunable knobs',
    domain: D,
    severity: 'informational',
    methodology: 'Number of tunable parameters across the latest backtest, the latest model and the promotion gate.',
    thresholds: { pass_knobs: 10, warn_knobs: 20 },
  },
  trials: {
    id: 'multiple_testing',
    name: 'Multiple-testing haircut',
    domain: D,
    severity: 'standard',
    methodology:
      'Expected maximum annualised Sharpe of N useless strategies over T daily bars: √(2 ln N)·(1 − γ/(2 ln N))·√(252/T), γ = 0.5772 (Bailey & López de Prado). N = trials of the latest backtest + candidates in the registry history.',
    thresholds: { pass_sharpe: 0.5, warn_sharpe: 1 },
  },
} satisfies Record<string, CheckDef>;

export function latestModel(models: readonly HealthModel[]): HealthModel | null {
  let best: HealthModel | null = null;
  for (const m of models) if (!best || m.computedAt > best.computedAt || (m.computedAt === best.computedAt && m.key > best.key)) best = m;
  return best;
}

/** E[max] of N standard normals (the spec's formula, engine-trading §3). */
export function expectedMaxNormal(n: number): number {
  if (n <= 1) return 0;
  const l = Math.log(n);
  return Math.sqrt(2 * l) * (1 - 0.5772156649 / (2 * l));
}

export function knobInventory(inp: HealthInputs): HealthReport['knob_inventory'] {
  const out: HealthReport['knob_inventory'] = [];
  const b = latestBacktest(inp.backtests);
  if (b) for (const [name, value] of Object.entries(b.knobs)) out.push({ name, value, module: 'backtest' });
  const m = latestModel(inp.models);
  if (m) for (const [name, value] of Object.entries(m.knobs)) out.push({ name, value, module: 'model' });
  if (inp.gate) for (const [name, value] of Object.entries(inp.gate)) out.push({ name, value, module: 'promotion gate' });
  return out;
}

export function featureInventory(inp: HealthInputs): Record<string, number> {
  const m = latestModel(inp.models);
  if (!m) return {};
  const family = new Map(FEATURES.map((f) => [f.name, f.family as string]));
  const out: Record<string, number> = {};
  for (const f of m.features) {
    const k = family.get(f) ?? 'other';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function complexityChecks(inp: HealthInputs): HealthCheckItem[] {
  const C = COMPLEXITY_CHECKS;
  const out: HealthCheckItem[] = [];
  const m = latestModel(inp.models);
  if (!m || m.rows <= 0) out.push(unavailable(C.dof, 'No trained model is recorded.', 'Train a model in Model Lab.'));
  else {
    const r = m.features.length / m.rows;
    out.push(
      measured(C.dof, {
        score: band(r, [[(x) => x < 0.01, 85], [(x) => x < 0.05, 55]], 25),
        raw: r,
        value: r.toFixed(4),
        detail: `${m.features.length} features over ${m.rows} training rows.`,
        ...(r >= 0.01 ? { recommendation: 'Use fewer features or more history.' } : {}),
      }),
    );
  }

  const knobs = knobInventory(inp);
  if (knobs.length === 0) out.push(unavailable(C.knobs, 'No backtest, model or gate settings are recorded.'));
  else {
    out.push(
      measured(C.knobs, {
        score: band(knobs.length, [[(x) => x <= 10, 85], [(x) => x <= 20, 55]], 25),
        raw: knobs.length,
        value: String(knobs.length),
        detail: `${knobs.length} tunable parameters (${['backtest', 'model', 'promotion gate'].map((mod) => `${knobs.filter((k) => k.module === mod).length} ${mod}`).join(', ')}).`,
      }),
    );
  }

  const b = latestBacktest(inp.backtests);
  if (!b || b.bars < 2) out.push(unavailable(C.trials, 'No backtest with at least two bars is recorded.'));
  else {
    const n = Math.max(1, b.trials) + (inp.registry?.history.length ?? 0);
    const haircut = expectedMaxNormal(n) * Math.sqrt(252 / b.bars);
    out.push(
      measured(C.trials, {
        score: band(haircut, [[(x) => x < 0.5, 85], [(x) => x < 1, 55]], 25),
        raw: haircut,
        value: haircut.toFixed(2),
        detail: `${n} strategies tried over ${b.bars} bars: chance alone produces a best Sharpe of about ${haircut.toFixed(2)}.`,
        ...(haircut >= 0.5 ? { recommendation: 'Judge results by deflated Sharpe, or test fewer variants on more history.' } : {}),
      }),
    );
  }
  return out;
}
