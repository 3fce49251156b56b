import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR, resolveConfig } from '../../../src/engine/backtest/config';
import { alignBars } from '../../../src/engine/backtest/matrix';
import { predictionSignals } from '../../../src/engine/backtest/signals';
import { simulate } from '../../../src/engine/backtest/simulator';
import type { JobManifest, Json } from '../../../src/engine/contracts';
import { getArtifact, putArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { readBacktestView } from '../../../src/workers/backtest/backend-ops';
import { ComputeHost } from '../../../src/workers/compute-host';
import { normaliseBacktestParams, predictionRows } from '../../../src/workers/handlers/backtest';
import { buildManifest } from '../../../src/workers/manifest';
import type { PredictionsView } from '../../../src/workers/models/signal-views';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from './harness';

const AAPL = head(loadReal('AAPL'), 400);
const JPM = head(loadReal('JPM'), 400);

/** A stand-in Signal Desk run: a deterministic, alternating prediction per bar (no model needed). */
function fakeRun(): PredictionsView {
  const history = [
    { ticker: 'AAPL', bars: AAPL },
    { ticker: 'JPM', bars: JPM },
  ].map(({ ticker, bars }, k) => {
    const n = bars.ts.length;
    const dates = Array.from(bars.ts, (t) => new Date(t).toISOString().slice(0, 10));
    const predicted = dates.map((_, i) => (i < 30 ? null : 0.02 * Math.sin((i + 7 * k) / 9)));
    const confidence = dates.map((_, i) => (i < 30 ? null : 0.5 + 0.4 * Math.abs(Math.cos(i / 5))));
    return { ticker, dates, predicted, confidence, realised: new Array(n).fill(null), inSample: new Array(n).fill(0) };
  });
  return { jobId: 'p1', history } as unknown as PredictionsView;
}

async function setup() {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(db, [input('AAPL', AAPL), input('JPM', JPM)]);
  await putArtifact(db, 'predictions/p1', fakeRun() as unknown as Json, '2024-06-01T00:00:00.000Z', { jobId: 'p1' });
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.now(),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
  });
  let n = 0;
  const run = async (params: { [k: string]: Json }) => {
    const m: JobManifest = buildManifest({ type: 'backtest', params });
    const res = await host.run(`job${++n}`, 'backtest', params, m, () => undefined);
    return readBacktestView((await getArtifact(db, res.resultKey!))!.value, res.resultKey!);
  };
  return { run };
}

const PARAMS = {
  datasetIds: ['AAPL|1d', 'JPM|1d'],
  signal_source: 'predictions',
  predictions_run: 'p1',
  holding_period: 5,
  max_positions: 2,
  entry_threshold: 0.005,
  position_size: 0.2,
  commission_bps: 2,
  spread_bps: 4,
};

describe('backtest job driven by Signal Desk predictions', () => {
  it('simulates the stored predictions exactly as the engine does from the same rows', async () => {
    const { run } = await setup();
    const view = await run(PARAMS);
    const m = alignBars([
      { ticker: 'AAPL', bars: AAPL },
      { ticker: 'JPM', bars: JPM },
    ]);
    const config = resolveConfig(
      { holdingDays: 5, maxPositions: 2, entryThreshold: 0.005, sizing: { method: 'fixed', fraction: 0.2 }, costs: { commissionBps: 2, spreadBps: 4 }, recordWeights: true },
      DEFAULT_SIMULATOR,
    );
    const direct = simulate({ matrix: m, signals: predictionSignals(m, predictionRows(fakeRun(), m.tickers)), config });
    expect(view.trades.n).toBe(direct.trades.n);
    expect(view.trades.n).toBeGreaterThan(0);
    expect(view.equity.at(-1)).toBe(direct.equity.at(-1));
    expect(view.params.signal_source).toBe('predictions');
    // no trade is entered before the first prediction (bar 30)
    const firstPredicted = new Date(AAPL.ts[30]).toISOString().slice(0, 10);
    for (const d of view.trades.entryDate) expect(d > firstPredicted).toBe(true);
  });

  it('keeps only the rows of the backtested tickers and says which run is missing', async () => {
    const rows = predictionRows(fakeRun(), ['JPM']);
    expect(new Set(rows.tickers)).toEqual(new Set(['JPM']));
    expect(rows.days.length).toBe(JPM.ts.length - 30);
    expect(() => predictionRows(fakeRun(), ['MSFT'])).toThrow(/cover none of MSFT/);
    const { run } = await setup();
    await expect(run({ ...PARAMS, predictions_run: 'nope' })).rejects.toThrow(/no stored predictions predictions\/nope/);
    expect(() => normaliseBacktestParams({ datasetIds: ['A|1d'], signal_source: 'predictions' })).toThrow(/params\.predictions_run/);
  });
});
