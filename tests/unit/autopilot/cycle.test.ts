import { describe, expect, it } from 'vitest';
import { EMPTY_REGISTRY, type CycleInput, runCycle } from '../../../src/engine/autopilot';
import { readBarsFile } from '../../../src/cli/read-bars';
import { alignBars } from '../../../src/engine/backtest/matrix';
import { adjustSuspectedSplits } from '../../../src/engine/backtest/splits';
import { NULL_CONTEXT } from '../../../src/engine/core/context';
import { datasetEntry } from '../../../src/engine/models/pipeline';

const REAL = '../shared/data/real/daily/csv';
const TICKERS = ['AAPL', 'JPM', 'XOM', 'PG', 'MSFT', 'CAT'];

function realInput(): CycleInput {
  const raw = TICKERS.map((t) => readBarsFile(`${REAL}/${t}.csv`).tickers[0]);
  return {
    prices: alignBars(raw.map((t) => ({ ticker: t.ticker, bars: adjustSuspectedSplits(t.bars).bars }))),
    inputs: raw.map((t) => ({ ticker: t.ticker, checksum: datasetEntry(t.ticker, t.bars).checksum, rows: t.bars.ts.length })),
    registry: EMPTY_REGISTRY,
    paper: null,
    nowIso: '2026-11-25T00:00:00Z',
  };
}

describe('runCycle on real daily bars (heuristic predictor)', () => {
  it('runs end to end: 36 ranked decisions, gate reasons, registry, paper trader, manifest, progress', async () => {
    const input = realInput();
    const stages: string[] = [];
    let last = 0;
    const ctx = { ...NULL_CONTEXT, progress: (f: number, s: string) => { expect(f).toBeGreaterThanOrEqual(last - 1e-12); last = f; stages.push(s); } };
    const r = await runCycle(input, ctx, { predictor: 'heuristic', clock: () => 0 });
    expect(r.predictor).toBe('heuristic');
    expect(r.predictor_note).toMatch(/heuristic/);
    expect(r.n_candidates).toBe(36);
    expect(r.decisions).toHaveLength(36);
    expect(new Set(r.decisions.map((d) => d.strategy_id)).size).toBe(36);
    for (let j = 1; j < 36; j++) expect(r.decisions[j - 1].score).toBeGreaterThanOrEqual(r.decisions[j].score);
    for (const d of r.decisions) {
      expect(d.passed).toBe(d.reasons.length === 0);
      expect(d.metrics.total_trades).toBeGreaterThanOrEqual(0);
      expect(d.metrics.pbo).toBe(r.pbo.value);
      expect(d.metrics.n_validation_rows).toBeGreaterThan(1000);
    }
    expect(r.n_passed).toBe(r.decisions.filter((d) => d.passed).length);
    // the registry holds exactly the best ≤ 5 passers; history has one row per decision
    expect(r.registry.active.map((a) => a.strategy_id)).toEqual(r.decisions.filter((d) => d.passed).slice(0, 5).map((d) => d.strategy_id));
    expect(r.registry.history).toHaveLength(36);
    expect(r.paper).not.toBeNull();
    expect(r.paper?.as_of).toBe(r.last_date);
    expect(r.paper_state?.cash).toBeCloseTo(r.paper?.cash ?? Number.NaN, 6);
    expect(r.manifest.inputs.map((x) => x.ticker)).toEqual(TICKERS);
    expect(r.manifest.seed_key).toContain(input.inputs[0].checksum);
    expect(Object.keys(r.timings)).toEqual(['predictions', 'evaluation', 'gate', 'registry_and_paper']);
    expect(stages.some((s) => s.includes('Candidate 36/36'))).toBe(true);
    expect(JSON.parse(JSON.stringify(r)).decisions).toHaveLength(36);

    // dry run: same decisions, registry and paper untouched
    const dry = await runCycle({ ...input, registry: r.registry, paper: r.paper_state }, NULL_CONTEXT, {
      predictor: 'heuristic',
      dryRun: true,
      base: { max_candidates: 4 },
    });
    expect(dry.decisions).toHaveLength(4);
    expect(dry.paper_state).toBe(r.paper_state);
    expect(dry.registry).toBe(r.registry);
    expect(dry.paper).toBeNull();
    expect(dry.n_promoted).toBe(0);
  }, 60_000);

  it('cancel stops the cycle between candidates', async () => {
    const input = realInput();
    let n = 0;
    const signal = { cancelled: false };
    const ctx = { ...NULL_CONTEXT, signal, progress: (_f: number, s: string) => { if (s.includes('Candidate') && ++n === 2) signal.cancelled = true; } };
    await expect(runCycle(input, ctx, { predictor: 'heuristic', base: { max_candidates: 4 } })).rejects.toThrow(/cancelled/);
    expect(n).toBe(2);
  }, 60_000);
});
