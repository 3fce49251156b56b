/**
 * `qe backtest` end to end on real bars (files written, JSON printed, numbers consistent with
 * the CSVs and reproducible), the predictions parsers, and the errors users see.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/command';
import { main } from '../../../src/cli/main';
import { computeMetrics } from '../../../src/engine/backtest/metrics';
import { PredictionsError, parsePredictionsCsv, parsePredictionsJson } from '../../../src/engine/backtest/predictions-io';
import { REAL_DAILY } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await main(['backtest', ...args], io);
  return { code, out, err };
}

function csvColumn(text: string, name: string): string[] {
  const lines = text.trim().split('\n');
  const i = lines[0].split(',').indexOf(name);
  return lines.slice(1).map((l) => l.split(',')[i]);
}

describe('qe backtest --rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qe-bt-'));
  const files = ['JPM', 'XOM', 'PG'].map((t) => `${REAL_DAILY}${t}.csv`);
  const args = ['--rule', 'sma:20,50', ...files, '--benchmark', `${REAL_DAILY}SPY.csv`, '--max-positions', '2', '--position-size', '0.4', '--stop-loss', '0.08', '--commission-bps', '2', '--sims', '200'];

  it('prints the report and writes metrics.json, equity.csv and trades.csv', async () => {
    const r = await run([...args, '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'))).toEqual(rep);
    expect(rep.run.tickers).toEqual(['JPM', 'XOM', 'PG']);
    expect(rep.run.config.stops.stopLoss).toBe(0.08);
    expect(rep.run.config.costs.commissionBps).toBe(2);
    expect(rep.run.config.maxPositions).toBe(2);
    expect(rep.performance.n_benchmark_rows).toBeGreaterThan(5000);
    expect(rep.attribution.benchmark).toBe('SPY');

    const equity = readFileSync(join(dir, 'equity.csv'), 'utf8');
    const trades = readFileSync(join(dir, 'trades.csv'), 'utf8');
    const eq = csvColumn(equity, 'equity').map(Number);
    expect(eq.length).toBe(rep.run.bars);
    expect(eq[eq.length - 1]).toBe(rep.run.final_equity);
    // contract E metrics of the equity curve's daily returns
    const rets = csvColumn(equity, 'return').map(Number);
    const days = Int32Array.from(csvColumn(equity, 'date'), (d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000);
    const m = computeMetrics({ dates: days, returns: Float64Array.from(rets) });
    expect(m.total_return).toBeCloseTo(rep.performance.total_return, 12);
    expect(m.sharpe).toBeCloseTo(rep.performance.sharpe, 12);
    expect(m.max_drawdown).toBeCloseTo(rep.performance.max_drawdown, 12);
    // the trade log adds up: Σ pnl = final − initial, counts and reasons agree
    const pnl = csvColumn(trades, 'pnl').map(Number);
    expect(pnl.length).toBe(rep.trades.total_trades);
    expect(pnl.reduce((a, b) => a + b, 0)).toBeCloseTo(rep.run.final_equity - rep.run.initial_capital, 4);
    const reasons = csvColumn(trades, 'exit_reason');
    for (const [k, v] of Object.entries(rep.trades.exit_reasons)) expect(reasons.filter((x) => x === k).length).toBe(v);
    expect(reasons).toContain('stop_loss');
    // every fill after its signal
    const sig = csvColumn(trades, 'signal_date');
    const ent = csvColumn(trades, 'entry_date');
    sig.forEach((s, k) => {
      expect(ent[k] > s).toBe(true);
    });
  });

  it('gives identical output for identical inputs (seeded validation)', async () => {
    const a = await run(args);
    const b = await run(args);
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).validation.monte_carlo_trades.shuffle.seed).toBeGreaterThan(0);
  });

  it('every form field reaches the simulator: changing one changes the result', async () => {
    const base = JSON.parse((await run(args)).out);
    const other = JSON.parse((await run([...args, '--fill', 'close'])).out);
    expect(other.run.config.fill).toBe('close');
    expect(other.run.final_equity).not.toBe(base.run.final_equity);
    const costly = JSON.parse((await run([...args, '--spread-bps', '30'])).out);
    expect(costly.run.final_equity).toBeLessThan(base.run.final_equity);
  });

  it('maps every flag onto the simulator config', async () => {
    const f = `${REAL_DAILY}JPM.csv`;
    const rep = JSON.parse(
      (
        await run([
          '--rule', 'momentum:20', f, '--sims', '10', '--no-null-baselines',
          '--capital', '50000', '--holding', '15', '--max-positions', '3', '--entry-threshold', '0.01',
          '--confidence-threshold', '0.2', '--exit-threshold', 'none', '--position-size', '0.2',
          '--sizing', 'vol_target', '--target-vol', '0.1', '--take-profit', '0.2', '--trailing-stop', '0.05',
          '--trailing-activation', '0.02', '--atr-stop', '3', '--stop-model', 'close_only', '--impact', 'none',
          '--max-participation', '0.05', '--min-fill', '0.5', '--edge-buffer', '7', '--static-costs', '--drawdown-control',
        ])
      ).out,
    );
    const c = rep.run.config;
    expect([c.initialCapital, c.holdingDays, c.maxPositions, c.entryThreshold, c.confidenceThreshold, c.exitThreshold]).toEqual([50000, 15, 3, 0.01, 0.2, null]);
    expect(c.sizing).toEqual({ method: 'vol_target', targetVol: 0.1, min: 0.05, max: 0.4, horizonDays: null });
    expect(c.stops).toEqual({ stopLoss: null, takeProfit: 0.2, trailingStop: 0.05, trailingActivation: 0.02, atrStop: 3, barModel: 'close_only' });
    expect([c.costs.impactCoeffBps, c.costs.maxParticipation, c.costs.minFillRatio, c.costs.dynamic]).toEqual([0, 0.05, 0.5, false]);
    expect(c.edgeGate).toEqual({ bufferBps: 7 });
    expect(c.drawdownControl.critical).toBe(-0.15);
    expect(rep.drawdown_control.state_days).not.toBeNull();
    expect(rep.validation.null_baselines).toBeUndefined();
  });
});

describe('qe backtest --predictions', () => {
  it('reads a predictions CSV, filters by threshold/confidence and holds for --holding bars', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-bt-pred-'));
    const pred = join(dir, 'pred.csv');
    writeFileSync(
      pred,
      'date,ticker,predicted_return,confidence\n2024-01-02,JPM,0.03,0.9\n2024-01-02,XOM,0.002,0.9\n2024-01-03,XOM,0.04,0.5\n2024-02-01,XOM,0.05,0.8\n',
    );
    const r = await run(['--predictions', pred, `${REAL_DAILY}JPM.csv`, `${REAL_DAILY}XOM.csv`, '--holding', '5', '--sims', '50', '--out', dir]);
    expect(r.err).toBe('');
    const rep = JSON.parse(r.out);
    expect(rep.trades.total_trades).toBe(2);
    const trades = readFileSync(join(dir, 'trades.csv'), 'utf8');
    expect(csvColumn(trades, 'ticker')).toEqual(['JPM', 'XOM']);
    expect(csvColumn(trades, 'entry_date')).toEqual(['2024-01-03', '2024-02-02']);
    expect(csvColumn(trades, 'holding_days')).toEqual(['5', '5']);
    expect(csvColumn(trades, 'exit_reason')).toEqual(['holding', 'holding']);
  });
});

describe('prediction validation in the report', () => {
  it('pairs predictions with realised forward returns and runs walk-forward and CPCV on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-bt-wf-'));
    const spy = readFileSync(`${REAL_DAILY}SPY.csv`, 'utf8').trim().split('\n').slice(-400);
    const lines = ['date,ticker,predicted_return,confidence'];
    spy.forEach((l, k) => {
      lines.push(`${l.split(',')[1]},SPY,${(0.01 * Math.sin(k / 3)).toFixed(6)},0.8`);
    });
    const pred = join(dir, 'p.csv');
    writeFileSync(pred, `${lines.join('\n')}\n`);
    const rep = JSON.parse((await run(['--predictions', pred, `${REAL_DAILY}SPY.csv`, '--holding', '5', '--sims', '20'])).out);
    const v = rep.validation.predictions;
    // 400 predictions, the last 5 have no 5-bar forward return
    expect(v.pairs).toBe(395);
    expect(v.horizon_bars).toBe(5);
    expect(v.walk_forward.folds.length).toBe(5);
    expect(v.cpcv.splits).toBe(70);
  });
});

describe('errors', () => {
  it('usage errors name the problem (exit 2)', async () => {
    const f = `${REAL_DAILY}JPM.csv`;
    const both = await run(['--rule', 'sma:5,10', '--predictions', 'x.csv', f]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/exactly one of --predictions/);
    expect((await run(['--rule', 'sma:5,10'])).err).toMatch(/no bar files/);
    expect((await run(['--rule', 'sma:10,5', f])).err).toMatch(/fast window must be shorter/);
    expect((await run(['--rule', 'sma:5,10', f, '--fill', 'vwap'])).err).toMatch(/--fill must be open or close/);
    expect((await run(['--rule', 'sma:5,10', f, '--position-size', '2'])).err).toMatch(/--position-size must be ≤ 1/);
    expect((await run(['--rule', 'sma:5,10', f, '--holding', 'abc'])).err).toMatch(/--holding must be a number/);
  });
  it('data errors name the file, row and field (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qe-bt-err-'));
    const pred = join(dir, 'p.csv');
    writeFileSync(pred, 'date,ticker,predicted_return\n2024-01-02,JPM,0.03\n2024-01-06,JPM,0.03\n');
    const r = await run(['--predictions', pred, `${REAL_DAILY}JPM.csv`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/prediction row 2 \(JPM 2024-01-06\): JPM has no bar on that date/);
    const missing = await run(['--rule', 'sma:5,10', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*nope\.csv/);
  });
});

describe('predictions parsers', () => {
  it('CSV: header aliases, quotes, optional columns', () => {
    const p = parsePredictionsCsv('Date,Symbol,Prediction,Confidence,Regime\n2024-01-02,"aapl",0.01,0.7,2\n2024-01-03,MSFT,-0.02,0.4,\n');
    expect(Array.from(p.days)).toEqual([19724, 19725]);
    expect(p.tickers).toEqual(['AAPL', 'MSFT']);
    expect(Array.from(p.predicted)).toEqual([0.01, -0.02]);
    expect(Array.from(p.confidence!)).toEqual([0.7, 0.4]);
    expect(Array.from(p.regime!)).toEqual([2, -1]);
  });
  it('JSON: an array or { predictions: [...] }', () => {
    const a = parsePredictionsJson('[{"date":"2024-01-02","ticker":"AAPL","predicted_return":0.01}]');
    const b = parsePredictionsJson('{"predictions":[{"date":"2024-01-02","permno":14593,"pred":0.01,"confidence":0.9}]}');
    expect(a.tickers).toEqual(['AAPL']);
    expect(a.confidence).toBeUndefined();
    expect(b.tickers).toEqual(['14593']);
    expect(Array.from(b.confidence!)).toEqual([0.9]);
  });
  it('errors name the row and field', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PredictionsError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err(() => parsePredictionsCsv('date,ticker\n2024-01-02,A\n', 'p.csv'))).toMatch(/p.csv: missing column "predicted_return"/);
    expect(err(() => parsePredictionsCsv('date,ticker,pred\n2024-02-30,A,0.1\n', 'p.csv'))).toMatch(/line 2: date "2024-02-30" is not a YYYY-MM-DD date/);
    expect(err(() => parsePredictionsCsv('date,ticker,pred\n2024-02-01,A,abc\n', 'p.csv'))).toMatch(/line 2: predicted_return "abc" is not a finite number/);
    expect(err(() => parsePredictionsJson('[{"date":"2024-01-02","ticker":"A","pred":0.1,"confidence":2}]', 'p.json'))).toMatch(/row 1: confidence 2 is not in \[0, 1\]/);
    expect(err(() => parsePredictionsJson('{"rows":[]}', 'p.json'))).toMatch(/expected an array/);
  });
});
