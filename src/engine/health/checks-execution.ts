/**
 * Execution-realism checks: the cost model the recorded backtests actually ran with, and
 * whether their turnover would survive those costs. The latest backtest is scored; counts
 * over all recorded backtests go into the detail.
 */
import { band, type CheckDef, measured, pct, unavailable } from './check';
import type { HealthBacktest, HealthCheckItem, HealthInputs } from './types';

const D = 'execution' as const;

export const EXECUTION_CHECKS = {
  costs: {
    id: 'cost_model',
    name: 'Cost model present',
    domain: D,
    severity: 'critical',
    methodology: 'The latest backtest must charge a bid-ask spread and market impact (commission is counted but may be zero). Both → 90, one → 55, none (frictionless) → 10.',
    thresholds: { pass_components: 2, warn_components: 1 },
  },
  level: {
    id: 'cost_level',
    name: 'Realised cost per fill',
    domain: D,
    severity: 'standard',
    methodology:
      'Mean cost per fill side (entry and exit) in basis points in the latest backtest with trades; below 1 bp per side is implausibly cheap even for the most liquid equities.',
    thresholds: { pass_bps: 2, warn_bps: 1 },
  },
  drag: {
    id: 'turnover_vs_costs',
    name: 'Turnover vs costs',
    domain: D,
    severity: 'standard',
    methodology:
      'Annual cost drag = annual turnover × mean cost per side. Share of the gross edge (CAGR + drag) eaten by costs; a strategy without gross edge scores 25.',
    thresholds: { pass_share: 0.25, warn_share: 0.5 },
  },
  sample: {
    id: 'trade_sample',
    name: 'Trade sample size',
    domain: D,
    severity: 'informational',
    methodology: 'Trades in the latest backtest; the promotion gate needs ≥ 80 for a verdict.',
    thresholds: { pass_trades: 80, warn_trades: 30 },
  },
} satisfies Record<string, CheckDef>;

const pos = (x: number | null): boolean => x !== null && Number.isFinite(x) && x > 0;

export function latestBacktest(bts: readonly HealthBacktest[]): HealthBacktest | null {
  let best: HealthBacktest | null = null;
  for (const b of bts) if (!best || b.computedAt > best.computedAt || (b.computedAt === best.computedAt && b.key > best.key)) best = b;
  return best;
}

export function executionChecks(inp: HealthInputs): HealthCheckItem[] {
  const C = EXECUTION_CHECKS;
  const b = latestBacktest(inp.backtests);
  if (!b) {
    const why = 'No backtest is recorded.';
    return Object.values(C).map((def) => unavailable(def, why, 'Run a backtest on the Backtest & Risk page.'));
  }
  const out: HealthCheckItem[] = [];
  const frictionless = inp.backtests.filter((x) => !pos(x.spreadBps) && !pos(x.impactBps)).length;
  const parts = (pos(b.spreadBps) ? 1 : 0) + (pos(b.impactBps) ? 1 : 0);
  out.push(
    measured(C.costs, {
      score: parts === 2 ? 90 : parts === 1 ? 55 : 10,
      raw: parts,
      value: `${parts}/2`,
      detail:
        `Latest backtest: commission ${b.commissionBps ?? '—'} bps, spread ${b.spreadBps ?? '—'} bps, impact coefficient ${b.impactBps ?? '—'} bps. ` +
        `${frictionless} of ${inp.backtests.length} recorded backtests are frictionless.`,
      ...(parts < 2 ? { recommendation: 'Run backtests with spread and market impact on.' } : {}),
    }),
  );

  if (b.avgCostBps === null || !Number.isFinite(b.avgCostBps) || b.trades === 0) {
    out.push(unavailable(C.level, 'The latest backtest made no trades, so no cost was realised.'));
    out.push(unavailable(C.drag, 'The latest backtest made no trades.'));
  } else {
    const c = b.avgCostBps;
    out.push(
      measured(C.level, {
        score: band(c, [[(x) => x >= 2, 85], [(x) => x >= 1, 55]], 25),
        raw: c,
        value: `${c.toFixed(2)} bps`,
        detail: `Mean cost ${c.toFixed(2)} bps per fill side over ${b.trades} trades.`,
      }),
    );
    if (b.turnoverAnn === null || b.cagr === null || !Number.isFinite(b.turnoverAnn) || !Number.isFinite(b.cagr)) {
      out.push(unavailable(C.drag, 'The latest backtest records no turnover or CAGR.'));
    } else {
      const drag = (b.turnoverAnn * c) / 1e4;
      const gross = b.cagr + drag;
      const share = gross > 0 ? drag / gross : Number.POSITIVE_INFINITY;
      out.push(
        measured(C.drag, {
          score: gross <= 0 ? 25 : band(share, [[(x) => x < 0.25, 85], [(x) => x < 0.5, 55]], 25),
          raw: Number.isFinite(share) ? share : null,
          value: gross > 0 ? pct(share, 0) : 'no gross edge',
          detail: `Annual turnover ${b.turnoverAnn.toFixed(2)}× at ${c.toFixed(2)} bps/side → cost drag ${pct(drag, 2)} per year vs CAGR ${pct(b.cagr, 2)} after costs.`,
          ...(gross <= 0 || share >= 0.5 ? { recommendation: 'Trade less often (longer holding, higher entry threshold) or size for capacity.' } : {}),
        }),
      );
    }
  }

  out.push(
    measured(C.sample, {
      score: band(b.trades, [[(x) => x >= 80, 85], [(x) => x >= 30, 55]], 25),
      raw: b.trades,
      value: String(b.trades),
      detail: `${b.trades} trades over ${b.bars} bars in the latest backtest.`,
    }),
  );
  return out;
}
