/**
 * Walk-forward checks over recorded validations only (model purged CV folds, backtest
 * prediction walk-forward). Nothing is simulated: with no recorded folds every check is
 * UNAVAILABLE.
 */
import { band, type CheckDef, mean, measured, pct, unavailable } from './check';
import type { HealthCheckItem, HealthFold, HealthInputs, WfWindow } from './types';

const D = 'walk_forward' as const;

export const WF_CHECKS = {
  folds: {
    id: 'fold_count',
    name: 'Number of folds',
    domain: D,
    severity: 'standard',
    methodology: 'Fewest folds among the recorded walk-forward validations.',
    thresholds: { pass_folds: 5, warn_folds: 3 },
  },
  order: {
    id: 'temporal_order',
    name: 'Train precedes test',
    domain: D,
    severity: 'critical',
    methodology: 'Every fold with recorded dates must end training strictly before its test window starts (no look-ahead).',
    thresholds: { pass_share: 1 },
  },
  gap: {
    id: 'is_oos_gap',
    name: 'In-sample vs out-of-sample gap',
    domain: D,
    severity: 'critical',
    methodology: 'Mean over folds of (in-sample − out-of-sample) skill (rank IC or correlation). A large gap means the model memorises the training window.',
    thresholds: { pass_gap: 0.05, warn_gap: 0.1, fail_gap: 0.2 },
  },
  positive: {
    id: 'positive_folds',
    name: 'Positive out-of-sample folds',
    domain: D,
    severity: 'critical',
    methodology: 'Share of folds whose out-of-sample skill is above zero.',
    thresholds: { pass_share: 0.6, warn_share: 0.4 },
  },
  skill: {
    id: 'oos_skill',
    name: 'Out-of-sample skill',
    domain: D,
    severity: 'standard',
    methodology: 'Mean out-of-sample skill (rank IC / correlation) over all recorded folds.',
    thresholds: { pass_skill: 0.03, warn_skill: 0.01, fail_skill: 0 },
  },
  purge: {
    id: 'purge_embargo',
    name: 'Purge / embargo',
    domain: D,
    severity: 'standard',
    methodology: 'Recorded validations must purge (drop training rows whose labels overlap the test window); the smallest recorded purge is used.',
    thresholds: { pass_purge_bars: 1 },
  },
} satisfies Record<string, CheckDef>;

const fin = (x: number | null): x is number => x !== null && Number.isFinite(x);

export function walkForwardChecks(inp: HealthInputs): HealthCheckItem[] {
  const C = WF_CHECKS;
  const vals = inp.walkForward.filter((v) => v.folds.length > 0);
  if (vals.length === 0) {
    const why = 'No walk-forward results recorded (train a model or run a backtest with predictions).';
    return Object.values(C).map((def) => unavailable(def, why));
  }
  const folds: HealthFold[] = vals.flatMap((v) => v.folds);
  const out: HealthCheckItem[] = [];
  const minFolds = Math.min(...vals.map((v) => v.folds.length));
  out.push(
    measured(C.folds, {
      score: band(minFolds, [[(x) => x >= 5, 85], [(x) => x >= 3, 55]], 25),
      raw: minFolds,
      value: String(minFolds),
      detail: `${vals.length} recorded validation(s); fewest folds ${minFolds}.`,
    }),
  );

  const dated = folds.filter((f) => fin(f.trainEnd) && fin(f.testStart));
  if (dated.length === 0) out.push(unavailable(C.order, 'The recorded folds carry no dates.'));
  else {
    const ok = dated.filter((f) => (f.trainEnd as number) < (f.testStart as number)).length;
    const share = ok / dated.length;
    out.push(
      measured(C.order, {
        score: share === 1 ? 90 : 10,
        raw: share,
        value: `${ok}/${dated.length}`,
        detail: share === 1 ? `All ${dated.length} dated folds train strictly before they test.` : `${dated.length - ok} fold(s) train on or after their test start: look-ahead.`,
        ...(share < 1 ? { recommendation: 'Fix the fold construction: training must end before the test window.' } : {}),
      }),
    );
  }

  const paired = folds.filter((f) => fin(f.isMetric) && fin(f.oosMetric));
  if (paired.length === 0) out.push(unavailable(C.gap, 'No fold records both in-sample and out-of-sample skill.'));
  else {
    const g = mean(paired.map((f) => (f.isMetric as number) - (f.oosMetric as number)));
    out.push(
      measured(C.gap, {
        score: band(g, [[(x) => x <= 0.05, 85], [(x) => x <= 0.1, 55], [(x) => x <= 0.2, 35]], 15),
        raw: g,
        value: g.toFixed(3),
        detail: `Mean IS − OOS skill gap ${g.toFixed(3)} over ${paired.length} folds.`,
        ...(g > 0.1 ? { recommendation: 'Regularise the model or reduce features: it fits the training window much better than new data.' } : {}),
      }),
    );
  }

  const oos = folds.filter((f) => fin(f.oosMetric)).map((f) => f.oosMetric as number);
  if (oos.length === 0) out.push(unavailable(C.positive, 'No fold records out-of-sample skill.'), unavailable(C.skill, 'No fold records out-of-sample skill.'));
  else {
    const pos = oos.filter((x) => x > 0).length / oos.length;
    out.push(
      measured(C.positive, {
        score: band(pos, [[(x) => x >= 0.6, 85], [(x) => x >= 0.4, 55]], 25),
        raw: pos,
        value: pct(pos, 0),
        detail: `${oos.filter((x) => x > 0).length} of ${oos.length} folds have positive out-of-sample skill.`,
      }),
    );
    const m = mean(oos);
    out.push(
      measured(C.skill, {
        score: band(m, [[(x) => x >= 0.03, 85], [(x) => x >= 0.01, 65], [(x) => x >= 0, 45]], 20),
        raw: m,
        value: m.toFixed(4),
        detail: `Mean out-of-sample skill ${m.toFixed(4)} over ${oos.length} folds.`,
      }),
    );
  }

  const purges = vals.map((v) => v.purge).filter(fin);
  if (purges.length === 0) out.push(unavailable(C.purge, 'The recorded validations do not state their purge.'));
  else {
    const p = Math.min(...purges);
    out.push(
      measured(C.purge, {
        score: p >= 1 ? 85 : 30,
        raw: p,
        value: `${p} bars`,
        detail: p >= 1 ? `Smallest purge ${p} bars.` : 'A recorded validation does not purge overlapping labels.',
      }),
    );
  }
  return out;
}

const iso = (ms: number | null): string | null => (fin(ms) ? new Date(ms).toISOString().slice(0, 10) : null);

/** The recorded fold windows for the Gantt-like chart (never synthesised). */
export function wfWindows(inp: HealthInputs): WfWindow[] {
  return inp.walkForward.flatMap((v) =>
    v.folds.map((f) => ({
      source: v.source,
      metric: v.metric,
      fold: f.fold,
      train_start: iso(f.trainStart),
      train_end: iso(f.trainEnd),
      test_start: iso(f.testStart),
      test_end: iso(f.testEnd),
      is_metric: fin(f.isMetric) ? f.isMetric : null,
      oos_metric: fin(f.oosMetric) ? f.oosMetric : null,
    })),
  );
}
