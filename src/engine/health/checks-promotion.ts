/**
 * Promotion-gate checks, from the strategy registry (`{active, history}`, engine-trading §5.5)
 * and the gate settings in force. Without a registry every check is UNAVAILABLE — no counts
 * are ever made up.
 */
import { band, type CheckDef, measured, pct, unavailable } from './check';
import type { HealthCheckItem, HealthInputs } from './types';

const D = 'promotion' as const;

/** Gate criteria families of engine-trading §5.4, matched against gate setting names. */
export const GATE_FAMILIES: readonly { family: string; pattern: RegExp }[] = [
  { family: 'trades', pattern: /trade/i },
  { family: 'sharpe', pattern: /sharpe/i },
  { family: 'drawdown', pattern: /drawdown|_dd\b|^dd/i },
  { family: 'win rate / profit factor', pattern: /win|profit/i },
  { family: 'multiple testing (DSR/PBO/MC)', pattern: /dsr|pbo|deflated|monte|mc_/i },
  { family: 'walk-forward', pattern: /wf|walk/i },
];

export const PROMOTION_CHECKS = {
  criteria: {
    id: 'gate_criteria',
    name: 'Gate criteria coverage',
    domain: D,
    severity: 'critical',
    methodology: `Criteria families the promotion gate enforces, of ${GATE_FAMILIES.length}: ${GATE_FAMILIES.map((g) => g.family).join(', ')}.`,
    thresholds: { pass_families: 5, warn_families: 3 },
  },
  selectivity: {
    id: 'gate_selectivity',
    name: 'Gate selectivity',
    domain: D,
    severity: 'critical',
    methodology:
      'Pass rate over every evaluated candidate in the registry history. A gate that passes most candidates is not filtering; one that passes none may be unattainable.',
    thresholds: { pass_max_rate: 0.3, warn_max_rate: 0.6 },
  },
  evidence: {
    id: 'active_multiple_testing',
    name: 'Active strategies: multiple-testing evidence',
    domain: D,
    severity: 'critical',
    methodology: 'Share of active strategies whose recorded metrics show a significant deflated Sharpe ratio and, when recorded, PBO ≤ 0.45.',
    thresholds: { max_pbo: 0.45, pass_share: 1, warn_share: 0.5 },
  },
  wf: {
    id: 'active_walk_forward',
    name: 'Active strategies: walk-forward evidence',
    domain: D,
    severity: 'standard',
    methodology: 'Share of active strategies whose metrics record walk-forward OOS correlation ≥ 0.01 and ≥ 60 % positive folds.',
    thresholds: { min_oos_corr: 0.01, min_positive_folds: 0.6, pass_share: 1, warn_share: 0.5 },
  },
} satisfies Record<string, CheckDef>;

export function promotionChecks(inp: HealthInputs): HealthCheckItem[] {
  const C = PROMOTION_CHECKS;
  const out: HealthCheckItem[] = [];

  if (!inp.gate) out.push(unavailable(C.criteria, 'No promotion-gate settings are recorded.', 'Run an autopilot cycle so the gate settings are stored.'));
  else {
    const keys = Object.keys(inp.gate);
    const present = GATE_FAMILIES.filter((g) => keys.some((k) => g.pattern.test(k)));
    const missing = GATE_FAMILIES.filter((g) => !present.includes(g)).map((g) => g.family);
    out.push(
      measured(C.criteria, {
        score: band(present.length, [[(x) => x >= 5, 90], [(x) => x >= 3, 60]], 20),
        raw: present.length,
        value: `${present.length}/${GATE_FAMILIES.length}`,
        detail: missing.length === 0 ? 'The gate enforces every criteria family.' : `Not enforced: ${missing.join(', ')}.`,
        ...(missing.length > 0 ? { recommendation: `Add gate criteria for ${missing.join(', ')}.` } : {}),
      }),
    );
  }

  const reg = inp.registry;
  if (!reg) {
    const why = 'No strategy registry is stored (autopilot/strategies).';
    out.push(unavailable(C.selectivity, why, 'Run an autopilot cycle to evaluate candidates.'), unavailable(C.evidence, why), unavailable(C.wf, why));
    return out;
  }

  if (reg.history.length === 0) out.push(unavailable(C.selectivity, 'The registry holds no evaluated candidates yet.'));
  else {
    const passed = reg.history.filter((h) => h.passed).length;
    const rate = passed / reg.history.length;
    out.push(
      measured(C.selectivity, {
        score: rate === 0 ? 60 : band(rate, [[(x) => x <= 0.3, 85], [(x) => x <= 0.6, 50]], 20),
        raw: rate,
        value: pct(rate),
        detail: `${passed} of ${reg.history.length} evaluated candidates passed the gate.`,
        ...(rate === 0
          ? { recommendation: 'No candidate passes: check the gate is attainable (e.g. the Monte Carlo criterion is computed).' }
          : rate > 0.3
            ? { recommendation: 'Most candidates pass: tighten the gate or add multiple-testing criteria.' }
            : {}),
      }),
    );
  }

  if (reg.active.length === 0) {
    const why = 'No strategy is active.';
    out.push(unavailable(C.evidence, why), unavailable(C.wf, why));
    return out;
  }
  const n = reg.active.length;
  const evidenced = reg.active.filter((a) => {
    const m = a.metrics;
    const pbo = typeof m.pbo === 'number' ? m.pbo : null;
    return m.dsr_significant === true && (pbo === null || pbo <= 0.45);
  }).length;
  const es = evidenced / n;
  out.push(
    measured(C.evidence, {
      score: band(es, [[(x) => x >= 1, 90], [(x) => x >= 0.5, 55]], 20),
      raw: es,
      value: `${evidenced}/${n}`,
      detail: `${evidenced} of ${n} active strategies record a significant deflated Sharpe (and PBO ≤ 0.45 where recorded).`,
    }),
  );
  const wfOk = reg.active.filter((a) => {
    const c = a.metrics.wf_oos_corr;
    const f = a.metrics.wf_positive_fold_fraction;
    return typeof c === 'number' && typeof f === 'number' && c >= 0.01 && f >= 0.6;
  }).length;
  const wfs = wfOk / n;
  out.push(
    measured(C.wf, {
      score: band(wfs, [[(x) => x >= 1, 85], [(x) => x >= 0.5, 55]], 25),
      raw: wfs,
      value: `${wfOk}/${n}`,
      detail: `${wfOk} of ${n} active strategies record OOS correlation ≥ 0.01 with ≥ 60 % positive folds.`,
    }),
  );
  return out;
}

/** Funnel counts straight from the registry; null when there is none (the page shows an empty state). */
export function promotionFunnel(inp: HealthInputs): Record<string, number> | null {
  const reg = inp.registry;
  if (!reg) return null;
  return {
    'Candidates evaluated': reg.history.length,
    'Distinct strategies': new Set(reg.history.map((h) => h.strategyId)).size,
    'Passed gate': reg.history.filter((h) => h.passed).length,
    Active: reg.active.length,
  };
}
