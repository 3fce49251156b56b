import { describe, expect, it } from 'vitest';
import { kalshiCommand } from '../../../src/cli/commands/kalshi';

const FIX = 'tests/fixtures/kalshi';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await kalshiCommand.run(args, { out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

describe('qe kalshi', () => {
  it('distribution: one snapshot per market at --asof', async () => {
    const { code, out } = await run(['distribution', `${FIX}/quotes.csv`, '--markets', `${FIX}/markets.csv`, '--asof', '2025-02-11T15:00:00Z']);
    expect(code).toBe(0);
    const body = JSON.parse(out) as { markets: { market_id: string; snapshot: Record<string, unknown> }[] };
    expect(body.markets.map((m) => m.market_id)).toEqual(['KXCPIYOY-25JAN', 'KXFED-25MAR']);
    const cpi = body.markets[0].snapshot;
    expect(cpi.kind).toBe('bin');
    expect((cpi.mass as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(cpi.hard_gate_failed).toBe(0);
    // the FOMC market has no quotes yet at that time
    expect(body.markets[1].snapshot.kind).toBe('empty');
  });

  it('distribution without --asof uses each market’s last quote; threshold direction "above" resolves ge', async () => {
    const { out } = await run(['distribution', `${FIX}/quotes.csv`, '--markets', `${FIX}/markets.csv`]);
    const fed = (JSON.parse(out) as { markets: { asof: string; snapshot: Record<string, unknown> }[] }).markets[1];
    expect(fed.asof).toBe('2025-03-18T16:00:00.000Z');
    expect(fed.snapshot.direction_resolved).toBe('ge');
    // survival 0.97, 0.60, 0.04 → PMF 0.37, 0.56, 0.04 over 0.97
    expect(fed.snapshot.mass).toEqual([0.37 / 0.97, 0.56 / 0.97, 0.04 / 0.97].map((x) => expect.closeTo(x, 12)));
  });

  it('walkforward: folds with the CPI purge and the planted drift signal found', async () => {
    const { code, out } = await run(['walkforward', `${FIX}/features.csv`]);
    expect(code).toBe(0);
    const body = JSON.parse(out) as { folds: { purge_days: number; train_events: number; test_events: number }[]; aggregate: { wf_oos_corr: number; features: string[]; n_events: number } };
    expect(body.folds).toHaveLength(2);
    expect(body.folds.map((f) => f.purge_days)).toEqual([3, 3]);
    expect(body.aggregate.features).toEqual(['mean', 'entropy', 'late_drift_mean']);
    expect(body.aggregate.n_events).toBe(80);
    expect(body.aggregate.wf_oos_corr).toBeGreaterThan(0.8);
    const contract = (JSON.parse(out) as { contract: { n_events: number; dsr: number; bootstrap_mean_lo: number } }).contract;
    expect(contract.n_events).toBe(40);
    expect(contract.bootstrap_mean_lo).toBeGreaterThan(0);
    expect(contract.dsr).toBeGreaterThan(0.9);
  });

  it('usage errors', async () => {
    await expect(run(['distribution', `${FIX}/quotes.csv`])).rejects.toThrow(/--markets/);
    await expect(run(['nope'])).rejects.toThrow(/unknown sub-command/);
    await expect(run(['walkforward', `${FIX}/quotes.csv`])).rejects.toThrow(/event_id|release_ts/);
  });
});
